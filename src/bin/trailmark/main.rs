//! `trailmark`: the native command-line tool. Lint a config, replay recorded journeys, evaluate
//! the engine on data sets.

use std::process::ExitCode;

use trailmark::core::replay;
use trailmark::core::{Config, Engine};

mod eval;
mod model;
mod sessions;

const USAGE: &str = "usage:
  trailmark lint CONFIG.json              check a config; every problem with its JSON path
  trailmark lint --catalog CATALOG.json   check a recommendation catalog the same way
  trailmark compile CONFIG.json [--out FILE]
                                          check a config, then write the compiled document the
                                          script tag's data-config can point at (smaller, faster
                                          first load: the browser skips the config compiler)
  trailmark replay CONFIG.json EVENTS.jsonl [--json]
                                          replay recorded touchpoints, print what the engine infers
  trailmark eval journeys [--ecom PATH] [--cdnow PATH] [--out DIR]
                                          measure stage inference on the shared data sets
  trailmark model build LOG... --out MODEL.tmrm
                                          build a recommendation model from session logs
  trailmark eval recs [--train FILE] [--test FILE] [--k 20] [--csv FILE]
                                          next-click HR@k / MRR@k of the recommender and popularity
Use '-' as CONFIG for the default config.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("lint") => lint(&args[2..]),
        Some("compile") => compile(&args[2..]),
        Some("replay") => replay_cmd(&args[2..]),
        Some("eval") => eval::run(&args[2..]),
        Some("model") => model::run(&args[2..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("trailmark: {message}");
            ExitCode::FAILURE
        }
    }
}

fn compile(args: &[String]) -> Result<(), String> {
    let (path, out) = match args {
        [path] => (path, None),
        [path, flag, out] if flag == "--out" => (path, Some(out)),
        _ => return Err(format!("compile needs CONFIG.json [--out FILE]\n{USAGE}")),
    };
    let text = read(path)?;
    let config = load_config(path)?;
    let source: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let doc = trailmark::core::config::compiled_document(&source, &config);
    let json = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
    match out {
        Some(out) => {
            std::fs::write(out, json + "\n").map_err(|e| format!("cannot write {out}: {e}"))?;
            eprintln!("{path}: compiled to {out}");
            Ok(())
        }
        None => {
            println!("{json}");
            Ok(())
        }
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn load_config(path: &str) -> Result<Config, String> {
    if path == "-" {
        return Ok(Config::default());
    }
    Config::from_json(&read(path)?).map_err(|errors| {
        let mut s = format!("{path}: {} problem(s)", errors.len());
        for e in errors {
            s.push_str(&format!("\n  {e}"));
        }
        s
    })
}

fn lint(args: &[String]) -> Result<(), String> {
    if let [flag, path] = args {
        if flag == "--catalog" {
            return lint_catalog(path);
        }
    }
    let [path] = args else {
        return Err(format!("lint takes one CONFIG path\n{USAGE}"));
    };
    let config = load_config(path)?;
    println!(
        "{path}: ok ({} stages, {} signals, {} micro journeys)",
        config.stages.len(),
        config.signals.len(),
        config.micro_journeys.len()
    );
    Ok(())
}

fn lint_catalog(path: &str) -> Result<(), String> {
    let doc: serde_json::Value = serde_json::from_str(&read(path)?).map_err(|e| {
        format!(
            "{path}: not valid JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    let catalog = trailmark::core::recommend::Catalog::parse(&doc).map_err(|errors| {
        let mut s = format!("{path}: {} problem(s)", errors.len());
        for e in errors {
            s.push_str(&format!("\n  {e}"));
        }
        s
    })?;
    let out = catalog.products().iter().filter(|p| !p.available()).count();
    println!(
        "{path}: ok ({} products, {out} out of stock)",
        catalog.len()
    );
    Ok(())
}

fn replay_cmd(args: &[String]) -> Result<(), String> {
    let json = args.iter().any(|a| a == "--json");
    let paths: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    let [config, events] = paths[..] else {
        return Err(format!("replay takes CONFIG and EVENTS paths\n{USAGE}"));
    };
    let config = load_config(config)?;
    let text = read(events)?;
    let mut engine = Engine::new(config);
    let reports = replay::replay(&mut engine, &text).map_err(|e| format!("{events}: {e}"))?;
    for r in &reports {
        if json {
            println!("{r}");
        } else {
            println!("{}", human(r));
        }
    }
    Ok(())
}

/// One report as a readable line: time, event, top stage, probabilities, journeys, effects.
fn human(r: &serde_json::Value) -> String {
    let event = r["event"].as_str().unwrap_or("(tick)");
    let stages: Vec<String> = r["stages"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={:.2}", v.as_f64().unwrap_or(0.0)))
                .collect()
        })
        .unwrap_or_default();
    let journeys: Vec<String> = r["journeys"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}:{}@{}", v["status"].as_str().unwrap_or("?"), v["step"]))
                .collect()
        })
        .unwrap_or_default();
    let effects: Vec<String> = r["effects"]
        .as_array()
        .map(|a| a.iter().map(|e| e.to_string()).collect())
        .unwrap_or_default();
    let mut line = format!(
        "{} {:<24} top={:<13} [{}]",
        r["at"],
        event,
        r["top_stage"].as_str().unwrap_or("?"),
        stages.join(" ")
    );
    if !journeys.is_empty() {
        line.push_str(&format!(" journeys({})", journeys.join(" ")));
    }
    if !effects.is_empty() {
        line.push_str(&format!(" effects{}", effects.join("")));
    }
    // Decisions, one indented line each, with their explanations.
    let d = &r["decisions"];
    for (slot, v) in d["slots"].as_object().into_iter().flatten() {
        let variant = v["variant"].as_str().unwrap_or("(default)");
        line.push_str(&format!("\n    slot {slot} = {variant}"));
        if let Some(x) = v["experiment"].as_str() {
            line.push_str(&format!(" [experiment {x}]"));
        }
        line.push_str(&format!(" because {}", v["why"].as_str().unwrap_or("")));
    }
    if let Some(p) = d["prompt"].as_object() {
        line.push_str(&format!(
            "\n    prompt {} because {}",
            p["id"].as_str().unwrap_or("?"),
            p["why"].as_str().unwrap_or("")
        ));
        if let Some(x) = p["experiment"].as_str() {
            line.push_str(&format!(" [experiment {x}]"));
        }
    }
    line
}
