//! `trailmark eval recs`: next-click quality of the recommender, as in session-rec (Ludewig &
//! Jannach): a model is built from `--train`; for every prefix of every `--test` session the
//! top `k` items are predicted and the next click is looked up: HR@k (the next click is in the
//! list) and MRR@k (1 / its rank, 0 when absent), averaged over all predictions. Prefixes are
//! scored from the model file's bytes through `rank::next_items`, the function the browser's
//! `for-you` starts from, so the numbers describe what ships. The popularity baseline is the
//! same model's top-k by clicks.
//!
//! `--csv FILE` writes the lists in session-rec's format (`SessionId;Position;Recommendations;
//! Scores`, Position = 0-based index of the last click seen), and `FILE.pop.csv` the baseline's.
//! The test log is streamed: one session's clicks are held at a time (bounded at 10,000).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use trailmark::core::recommend::build::BuildOptions;
use trailmark::core::recommend::rank::next_items;
use trailmark::core::recommend::Model;

use super::{default_data_path, open_data, progress};
use crate::sessions;

const USAGE: &str = "usage: trailmark eval recs [--train FILE] [--test FILE] [--k 20] [--csv FILE] [--sknn] [build options]\n\
     \n\
     Defaults: ../shared/data/sessions/yoochoose-100k/yoochoose-clicks-100k_train_full.txt and\n\
     _test.txt. Build options as for `trailmark model build`. --sknn adds session-based kNN\n\
     (a comparison; it holds the training sessions in memory).";

const TRAIN: &str = "../shared/data/sessions/yoochoose-100k/yoochoose-clicks-100k_train_full.txt";
const TEST: &str = "../shared/data/sessions/yoochoose-100k/yoochoose-clicks-100k_test.txt";
const MAX_SESSION: usize = 10_000;

/// Hit rate and mean reciprocal rank over predictions.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Predictions made.
    pub predictions: u64,
    /// Next click in the list.
    pub hits: u64,
    /// Sum of 1 / rank of the next click.
    pub rr: f64,
}

impl Metrics {
    /// Adds one prediction: `list` of item ids, `next` the click that followed.
    pub fn add(&mut self, list: &[&str], next: &str) {
        self.predictions += 1;
        if let Some(r) = list.iter().position(|i| *i == next) {
            self.hits += 1;
            self.rr += 1.0 / (r + 1) as f64;
        }
    }
    /// HR@k.
    pub fn hr(&self) -> f64 {
        if self.predictions == 0 {
            0.0
        } else {
            self.hits as f64 / self.predictions as f64
        }
    }
    /// MRR@k.
    pub fn mrr(&self) -> f64 {
        if self.predictions == 0 {
            0.0
        } else {
            self.rr / self.predictions as f64
        }
    }
}

/// Results of an evaluation.
pub struct Outcome {
    pub model: Metrics,
    pub sknn: Option<Metrics>,
    pub popularity: Metrics,
    pub model_bytes: usize,
    pub items: usize,
    pub sessions: u64,
    pub unknown_targets: u64,
}

/// Evaluates `model` on the test log; `csv` gets the recommender's and the baseline's lists.
pub fn evaluate(
    model: &Model,
    test: &Path,
    k: usize,
    sknn: Option<&super::sknn::Sknn>,
    mut csv: Option<(&mut dyn std::io::Write, &mut dyn std::io::Write)>,
) -> Result<Outcome, String> {
    let mut out = Outcome {
        model: Metrics::default(),
        sknn: sknn.map(|_| Metrics::default()),
        popularity: Metrics::default(),
        model_bytes: model.size(),
        items: model.len(),
        sessions: 0,
        unknown_targets: 0,
    };
    let pop: Vec<usize> = model.top(k, |i| model.popularity(i));
    let pop_ids: Vec<&str> = pop.iter().map(|&i| model.id(i)).collect();
    let pop_scores: Vec<String> = pop
        .iter()
        .map(|&i| model.popularity(i).to_string())
        .collect();
    if let Some((a, b)) = csv.as_mut() {
        let head = "SessionId;Position;Recommendations;Scores";
        writeln!(a, "{head}")
            .and_then(|_| writeln!(b, "{head}"))
            .map_err(|e| e.to_string())?;
    }
    let mut current: Option<String> = None;
    // (item id, its model index if known)
    let mut clicks: Vec<(String, Option<usize>)> = Vec::new();
    let mut failure: Option<String> = None;
    let what = test.display().to_string();
    sessions::read(
        open_data(test)?,
        &what,
        |e| {
            if failure.is_some() {
                return;
            }
            if current.as_deref() != Some(e.session) {
                current = Some(e.session.to_string());
                clicks.clear();
                out.sessions += 1;
            }
            if !clicks.is_empty() {
                let known: Vec<usize> = clicks.iter().filter_map(|c| c.1).collect();
                let list = next_items(model, &known, k);
                let ids: Vec<&str> = list.iter().map(|&(i, _)| model.id(i)).collect();
                out.model.add(&ids, e.item);
                out.popularity.add(&pop_ids, e.item);
                if let (Some(kn), Some(m)) = (sknn, out.sknn.as_mut()) {
                    let prefix: Vec<String> = clicks.iter().map(|c| c.0.clone()).collect();
                    m.add(&kn.predict(&prefix, k), e.item);
                }
                if model.index(e.item).is_none() {
                    out.unknown_targets += 1;
                }
                if let Some((a, b)) = csv.as_mut() {
                    let pos = clicks.len() - 1;
                    let scores: Vec<String> = list.iter().map(|(_, s)| format!("{s:.6}")).collect();
                    let r = writeln!(
                        a,
                        "{};{pos};{};{}",
                        e.session,
                        ids.join(","),
                        scores.join(",")
                    )
                    .and_then(|_| {
                        writeln!(
                            b,
                            "{};{pos};{};{}",
                            e.session,
                            pop_ids.join(","),
                            pop_scores.join(",")
                        )
                    });
                    if let Err(err) = r {
                        failure = Some(format!("cannot write the CSV: {err}"));
                    }
                }
            }
            if clicks.len() == MAX_SESSION {
                clicks.remove(0);
            }
            clicks.push((e.item.to_string(), model.index(e.item)));
        },
        |n| progress("eval recs: test", n, None),
    )?;
    match failure {
        Some(f) => Err(f),
        None => Ok(out),
    }
}

/// `trailmark eval recs ...`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut opts = BuildOptions::default();
    let (mut train, mut test, mut k, mut csv) = (None, None, 20usize, None::<PathBuf>);
    let mut with_sknn = false;
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let value = args.get(i + 1);
        if flag == "--sknn" {
            with_sknn = true;
            i += 1;
            continue;
        }
        match flag {
            "-h" | "--help" => return Err(USAGE.into()),
            "--train" | "--test" | "--k" | "--csv" => {
                let v = value.ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))?;
                match flag {
                    "--train" => train = Some(PathBuf::from(v)),
                    "--test" => test = Some(PathBuf::from(v)),
                    "--csv" => csv = Some(PathBuf::from(v)),
                    _ => {
                        k = v
                            .parse()
                            .ok()
                            .filter(|k| *k > 0)
                            .ok_or("`--k` needs a whole number > 0")?
                    }
                }
            }
            _ if crate::model::build_option(flag, value, &mut opts)? => {}
            _ => return Err(format!("unknown option `{flag}`\n{USAGE}")),
        }
        i += 2;
    }
    let train = train.unwrap_or_else(|| default_data_path(TRAIN));
    let test = test.unwrap_or_else(|| default_data_path(TEST));
    // Fail early, before any work, when a file is missing.
    open_data(&train)?;
    open_data(&test)?;
    let started = Instant::now();
    let (bytes, summary) = crate::model::build(&[train.as_path()], opts)?;
    let model = Model::from_bytes(bytes).map_err(|e| format!("internal error: {e}"))?;
    eprintln!("\rmodel: {summary}");
    let sknn = if with_sknn {
        let mut kn = super::sknn::Sknn::new();
        let mut last: Option<String> = None;
        sessions::read(
            open_data(&train)?,
            &train.display().to_string(),
            |e| {
                let changed = last.as_deref() != Some(e.session);
                if changed {
                    last = Some(e.session.to_string());
                }
                kn.push(changed, e.item);
            },
            |_| {},
        )?;
        kn.finish();
        Some(kn)
    } else {
        None
    };
    let result = match &csv {
        Some(path) => {
            let pop_path = PathBuf::from(format!("{}.pop.csv", path.display()));
            let open = |p: &Path| {
                std::fs::File::create(p)
                    .map(std::io::BufWriter::new)
                    .map_err(|e| format!("cannot write {}: {e}", p.display()))
            };
            let (mut a, mut b) = (open(path)?, open(&pop_path)?);
            let r = evaluate(&model, &test, k, sknn.as_ref(), Some((&mut a, &mut b)))?;
            a.flush()
                .and_then(|_| b.flush())
                .map_err(|e| e.to_string())?;
            eprintln!("\rwrote {} and {}", path.display(), pop_path.display());
            r
        }
        None => evaluate(&model, &test, k, sknn.as_ref(), None)?,
    };
    eprintln!();
    println!("| recommender | HR@{k} | MRR@{k} |\n| --- | ---: | ---: |");
    println!(
        "| Trailmark (sequential rules, model file) | {:.4} | {:.4} |",
        result.model.hr(),
        result.model.mrr()
    );
    if let Some(m) = result.sknn {
        println!(
            "| session kNN (comparison only) | {:.4} | {:.4} |",
            m.hr(),
            m.mrr()
        );
    }
    println!(
        "| popularity | {:.4} | {:.4} |",
        result.popularity.hr(),
        result.popularity.mrr()
    );
    println!(
        "\n{} predictions over {} test sessions ({} next clicks on items absent from training); \
         model {} items, {} bytes; {:.1} s",
        result.model.predictions,
        result.sessions,
        result.unknown_targets,
        result.items,
        result.model_bytes,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HR and MRR on a hand-computed example: three predictions, next clicks at rank 1, rank 3,
    /// and absent: HR = 2/3, MRR = (1 + 1/3 + 0) / 3 = 4/9.
    #[test]
    fn metrics_match_a_hand_computed_example() {
        let mut m = Metrics::default();
        m.add(&["a", "b", "c"], "a");
        m.add(&["a", "b", "c"], "c");
        m.add(&["a", "b", "c"], "z");
        assert_eq!(m.predictions, 3);
        assert!((m.hr() - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.mrr() - 4.0 / 9.0).abs() < 1e-12);
        assert_eq!(Metrics::default().hr(), 0.0);
    }
}
