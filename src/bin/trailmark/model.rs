//! `trailmark model build`: session logs in, a `.tmrm` recommendation model out (format in
//! `src/core/recommend/model.rs`). The logs are streamed (see `sessions.rs` and
//! `src/core/recommend/build.rs` for what memory is bounded by).

use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

use trailmark::core::recommend::build::{BuildOptions, Builder};
use trailmark::core::recommend::Model;

use crate::eval::open_data;
use crate::sessions;

const USAGE: &str = "usage: trailmark model build LOG... --out MODEL.tmrm [options]
  LOG: session log, TSV `SessionId ItemId Time` or JSON Lines (see `trailmark model help`)
  --neighbours N            neighbours kept per item (default 12)
  --window N                positions that still count as co-occurring (default 3)
  --backward X              weight of the item before, relative to after (default 0.5)
  --half-life-days X        later sessions count more, halving every X days (default: off)
  --trending-half-life-days X   trending decay (default 1)";

/// `trailmark model ...` (`args` excludes `trailmark model`).
pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("build") => build_cmd(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown model command `{other}`\n{USAGE}")),
    }
}

/// Applies a build option; `Ok(false)` when `flag` is not one.
pub fn build_option(
    flag: &str,
    value: Option<&String>,
    o: &mut BuildOptions,
) -> Result<bool, String> {
    let names = [
        "--neighbours",
        "--window",
        "--backward",
        "--half-life-days",
        "--trending-half-life-days",
    ];
    if !names.contains(&flag) {
        return Ok(false);
    }
    let v: f64 = value
        .ok_or_else(|| format!("`{flag}` needs a value"))?
        .parse()
        .map_err(|_| format!("`{flag}` needs a number"))?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(format!("`{flag}` must be a number >= 0"));
    }
    match flag {
        "--neighbours" => o.neighbours = (v as usize).max(1),
        "--window" => o.window = (v as usize).max(1),
        "--backward" => o.backward = v,
        "--half-life-days" => o.half_life_s = (v > 0.0).then_some(v * 86_400.0),
        _ => o.trending_half_life_s = v * 86_400.0,
    }
    Ok(true)
}

/// Builds a model from logs, with progress on stderr.
pub fn build(logs: &[&Path], opts: BuildOptions) -> Result<(Vec<u8>, String), String> {
    let started = Instant::now();
    let mut builder = Builder::new(opts);
    for log in logs {
        let input: Box<dyn BufRead> = open_data(log)?;
        let what = log.display().to_string();
        sessions::read(
            input,
            &what,
            |e| builder.push(e.session, e.item, e.time_s, e.kind),
            |n| crate::eval::progress(&format!("model: {what}"), n, None),
        )?;
    }
    let (bytes, stats) = builder.finish();
    let summary = format!(
        "{} events, {} sessions, {} items, {} related + {} bought-together edges, {} bytes \
         ({} bytes per 1,000 items), {:.1} s{}",
        stats.events,
        stats.sessions,
        stats.items,
        stats.related_edges,
        stats.bought_edges,
        bytes.len(),
        (bytes.len() * 1000).checked_div(stats.items).unwrap_or(0),
        started.elapsed().as_secs_f64(),
        if stats.prunes > 0 {
            format!(", pair table pruned {} times", stats.prunes)
        } else {
            String::new()
        }
    );
    Ok((bytes, summary))
}

fn build_cmd(args: &[String]) -> Result<(), String> {
    let mut opts = BuildOptions::default();
    let mut out = None;
    let mut logs = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--out" {
            out = Some(args.get(i + 1).ok_or("`--out` needs a value")?.clone());
            i += 2;
        } else if build_option(a, args.get(i + 1), &mut opts)? {
            i += 2;
        } else if a.starts_with("--") {
            return Err(format!("unknown option `{a}`\n{USAGE}"));
        } else {
            logs.push(Path::new(a));
            i += 1;
        }
    }
    let out = out.ok_or_else(|| format!("`--out` is required\n{USAGE}"))?;
    if logs.is_empty() {
        return Err(format!("no session log given\n{USAGE}"));
    }
    let (bytes, summary) = build(&logs, opts)?;
    // Written only if it reads back: the browser's validation runs here first.
    Model::from_bytes(bytes.clone()).map_err(|e| format!("internal error: {e}"))?;
    std::fs::write(&out, &bytes).map_err(|e| format!("cannot write {out}: {e}"))?;
    eprintln!();
    println!("wrote {out}: {summary}");
    Ok(())
}
