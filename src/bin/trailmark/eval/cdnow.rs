//! The CDNOW evaluation: lifecycle facts over 18 months of real purchases. Each purchase is a
//! page view followed by an `Order Completed` with its dollar value, at noon of its date; the
//! engine's counts (sessions, orders, revenue, lapsed) are checked against counts computed
//! directly from the file.

use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;

use trailmark::core::{Config, Engine, EventKind, Touchpoint};

use super::{civil_from_days, days_from_civil, pct, progress, DAY_MS};

/// One purchase line.
#[derive(Clone, Debug, PartialEq)]
pub struct Purchase {
    pub customer: u32,
    /// Days since 1970-01-01.
    pub day: i64,
    pub cds: u32,
    /// In cents, so sums are exact.
    pub cents: i64,
}

/// Parses `customer_id date(YYYYMMDD) number_of_cds dollar_value` (whitespace-separated).
/// Returns `Ok(None)` for the header and blank lines.
pub fn parse_line(line: &str) -> Result<Option<Purchase>, String> {
    let f: Vec<&str> = line.split_whitespace().collect();
    if f.is_empty() || f[0] == "customer_id" {
        return Ok(None);
    }
    if f.len() != 4 {
        return Err(format!("expected 4 fields, found {}", f.len()));
    }
    let customer = f[0]
        .parse()
        .map_err(|_| format!("bad customer `{}`", f[0]))?;
    let date = f[1];
    let ymd = (date.len() == 8)
        .then(|| {
            Some((
                date[..4].parse::<i64>().ok()?,
                date[4..6].parse::<u32>().ok()?,
                date[6..].parse::<u32>().ok()?,
            ))
        })
        .flatten()
        .filter(|(_, m, d)| (1..=12).contains(m) && (1..=31).contains(d))
        .ok_or_else(|| format!("bad date `{date}`"))?;
    let cds = f[2].parse().map_err(|_| format!("bad count `{}`", f[2]))?;
    let dollars: f64 = f[3].parse().map_err(|_| format!("bad value `{}`", f[3]))?;
    if !dollars.is_finite() || dollars < 0.0 {
        return Err(format!("bad value `{}`", f[3]));
    }
    Ok(Some(Purchase {
        customer,
        day: days_from_civil(ymd.0, ymd.1, ymd.2),
        cds,
        cents: (dollars * 100.0).round() as i64,
    }))
}

/// Per-customer facts, computed directly from the file.
#[derive(Default)]
struct Direct {
    purchases: u32,
    distinct_days: u32,
    cents: i64,
    last_day: i64,
}

/// Running totals over customers.
#[derive(Default, Clone, Copy, PartialEq, Debug)]
struct Totals {
    customers: usize,
    purchases: u64,
    returning: usize,
    repeat: usize,
    cents: i64,
    lapsed: usize,
}

const LAPSED_DAYS: i64 = 90;

fn for_each_customer(
    path: &Path,
    mut f: impl FnMut(&[Purchase]) -> Result<(), String>,
) -> Result<(), String> {
    let reader = super::open_data(path)?;
    let mut current: Vec<Purchase> = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("{}: line {}: {e}", path.display(), i + 1))?;
        let Some(p) =
            parse_line(&line).map_err(|e| format!("{}: line {}: {e}", path.display(), i + 1))?
        else {
            continue;
        };
        if let Some(last) = current.last() {
            if p.customer < last.customer {
                return Err(format!(
                    "{}: line {}: not sorted by customer",
                    path.display(),
                    i + 1
                ));
            }
            if p.customer != last.customer {
                f(&current)?;
                current.clear();
            }
        }
        current.push(p);
    }
    if !current.is_empty() {
        f(&current)?;
    }
    Ok(())
}

/// The report section and whether engine and file agree.
pub struct CdnowReport {
    pub markdown: String,
    pub agrees: bool,
}

/// Runs the CDNOW evaluation (two streaming passes: the last date, then one engine per
/// customer).
pub fn evaluate(path: &Path) -> Result<CdnowReport, String> {
    let mut first_day = i64::MAX;
    let mut last_day = i64::MIN;
    let mut customers = 0usize;
    for_each_customer(path, |ps| {
        customers += 1;
        for p in ps {
            first_day = first_day.min(p.day);
            last_day = last_day.max(p.day);
        }
        Ok(())
    })?;
    let end_day = last_day + 1;
    let noon = |day: i64| day as u64 * DAY_MS + DAY_MS / 2;
    let config = Config::default();
    let lapsed_days = i64::from(config.lifecycle.lapsed_days);
    let stage_ids: Vec<String> = config.stages.iter().map(|s| s.id.clone()).collect();
    let mut engine_totals = Totals::default();
    let mut direct_totals = Totals::default();
    let mut top_at_end = vec![0usize; stage_ids.len()];
    let mut top_at_end_lapsed = vec![0usize; stage_ids.len()];
    let mut mismatches: Vec<String> = Vec::new();
    let mut done = 0usize;
    for_each_customer(path, |ps| {
        // Direct from the file.
        let mut d = Direct::default();
        let mut previous_day = None;
        for p in ps {
            d.purchases += 1;
            d.cents += p.cents;
            if previous_day != Some(p.day) {
                d.distinct_days += 1;
            }
            previous_day = Some(p.day);
            d.last_day = d.last_day.max(p.day);
        }
        let direct_lapsed = end_day - d.last_day >= LAPSED_DAYS;
        direct_totals.customers += 1;
        direct_totals.purchases += u64::from(d.purchases);
        direct_totals.returning += usize::from(d.distinct_days >= 2);
        direct_totals.repeat += usize::from(d.purchases >= 2);
        direct_totals.cents += d.cents;
        direct_totals.lapsed += usize::from(direct_lapsed);

        // Through the engine.
        let mut engine = Engine::new(config.clone());
        let mut same_day = 0u64;
        let mut previous_day = None;
        for p in ps {
            same_day = if previous_day == Some(p.day) {
                same_day + 1
            } else {
                0
            };
            previous_day = Some(p.day);
            let t = noon(p.day) + same_day * 120_000;
            engine.ingest(&Touchpoint::page("https://cdnow.example/", None), t);
            engine.ingest(
                &Touchpoint::of(EventKind::OrderCompleted)
                    .with("revenue", p.cents as f64 / 100.0)
                    .with("quantity", p.cds),
                t,
            );
        }
        let profile = engine.profile();
        let (visits, orders, revenue) = (profile.visits, profile.orders, profile.revenue);
        // Lapsed is judged when the customer would come back the day after the data ends.
        let mut probe = engine.clone();
        // 18:00 UTC, so that whole days since a purchase made at noon (+ 2 minutes per earlier
        // purchase that day) equal calendar days.
        let end_ms = end_day as u64 * DAY_MS + 18 * 3_600_000;
        probe.ingest(&Touchpoint::page("https://cdnow.example/", None), end_ms);
        let engine_lapsed = probe.profile().is_lapsed(&probe.config().lifecycle);
        let top = probe.state().stages.top(probe.config(), end_ms);
        top_at_end[top] += 1;
        if engine_lapsed {
            top_at_end_lapsed[top] += 1;
        }
        let engine_cents = (revenue * 100.0).round() as i64;
        engine_totals.customers += 1;
        engine_totals.purchases += u64::from(orders);
        engine_totals.returning += usize::from(visits >= 2);
        engine_totals.repeat += usize::from(orders >= 2);
        engine_totals.cents += engine_cents;
        engine_totals.lapsed += usize::from(engine_lapsed);
        if (visits, orders, engine_cents, engine_lapsed)
            != (d.distinct_days, d.purchases, d.cents, direct_lapsed)
            && mismatches.len() < 10
        {
            mismatches.push(format!(
                "customer {}: engine (visits {visits}, orders {orders}, cents {engine_cents}, \
                 lapsed {engine_lapsed}) vs file ({}, {}, {}, {direct_lapsed})",
                ps[0].customer, d.distinct_days, d.purchases, d.cents
            ));
        }
        done += 1;
        if done % 500 == 0 || done == customers {
            progress("CDNOW customers", done, Some(customers));
        }
        Ok(())
    })?;
    eprintln!();

    let agrees = engine_totals == direct_totals && mismatches.is_empty();
    let mut md = String::new();
    let n = direct_totals.customers;
    let _ = writeln!(
        md,
        "## CDNOW: {} purchases by {n} customers, {} to {}\n",
        direct_totals.purchases,
        civil_from_days(first_day),
        civil_from_days(last_day)
    );
    let _ = writeln!(
        md,
        "Each purchase is fed as a page view and an `Order Completed` with its dollar value at \
         noon UTC of its date (several purchases on one date form one session). Default config \
         (`lifecycle.lapsed_days` = {lapsed_days}). Lapsed = no visit (here: no purchase) in the \
         {lapsed_days} days before {}, the day after the data ends: the engine's \
         `profile().is_lapsed()` after a probe visit at 18:00 UTC that day, vs `end - last purchase date \
         >= {LAPSED_DAYS}` computed from the file. The same facts are counted directly from the \
         file and compared customer by customer.\n",
        civil_from_days(end_day)
    );
    let money = |c: i64| format!("${:.2}", c as f64 / 100.0 / n.max(1) as f64);
    let rows: [(&str, String, String); 6] = [
        (
            "customers",
            engine_totals.customers.to_string(),
            direct_totals.customers.to_string(),
        ),
        (
            "purchases (orders)",
            engine_totals.purchases.to_string(),
            direct_totals.purchases.to_string(),
        ),
        (
            "returning (2+ sessions = 2+ purchase dates)",
            format!(
                "{} ({})",
                engine_totals.returning,
                pct(engine_totals.returning, n)
            ),
            format!(
                "{} ({})",
                direct_totals.returning,
                pct(direct_totals.returning, n)
            ),
        ),
        (
            "repeat purchasers (2+ orders)",
            format!(
                "{} ({})",
                engine_totals.repeat,
                pct(engine_totals.repeat, n)
            ),
            format!(
                "{} ({})",
                direct_totals.repeat,
                pct(direct_totals.repeat, n)
            ),
        ),
        (
            "mean value per customer",
            money(engine_totals.cents),
            money(direct_totals.cents),
        ),
        (
            "lapsed at the end",
            format!(
                "{} ({})",
                engine_totals.lapsed,
                pct(engine_totals.lapsed, n)
            ),
            format!(
                "{} ({})",
                direct_totals.lapsed,
                pct(direct_totals.lapsed, n)
            ),
        ),
    ];
    let _ = writeln!(
        md,
        "| fact | engine | file | agree |\n| --- | ---: | ---: | :---: |"
    );
    for (k, e, f) in &rows {
        let _ = writeln!(
            md,
            "| {k} | {e} | {f} | {} |",
            if e == f { "yes" } else { "NO" }
        );
    }
    let _ = writeln!(
        md,
        "\n**{}** (per customer: visits, orders, revenue in cents and lapsed all compared).\n",
        if agrees {
            "Engine and file agree on every customer".to_string()
        } else {
            format!("MISMATCH: {}", mismatches.join("; "))
        }
    );
    let _ = writeln!(
        md,
        "Top stage when each customer comes back the day after the data ends (all / lapsed \
         only):\n"
    );
    let _ = writeln!(md, "| stage | all | lapsed |\n| --- | ---: | ---: |");
    for (i, id) in stage_ids.iter().enumerate() {
        let _ = writeln!(
            md,
            "| {id} | {} | {} |",
            pct(top_at_end[i], n),
            pct(top_at_end_lapsed[i], engine_totals.lapsed)
        );
    }
    let _ = writeln!(md);
    Ok(CdnowReport {
        markdown: md,
        agrees,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_and_header_is_skipped() {
        assert_eq!(
            parse_line(" customer_id  date number_of_cds  dollar_value"),
            Ok(None)
        );
        assert_eq!(parse_line("   "), Ok(None));
        assert_eq!(
            parse_line(" 00002 19970112  1   12.00"),
            Ok(Some(Purchase {
                customer: 2,
                day: days_from_civil(1997, 1, 12),
                cds: 1,
                cents: 1200
            }))
        );
        assert_eq!(parse_line("1 19970101 1 0.29").unwrap().unwrap().cents, 29);
        assert!(parse_line("1 1997011 1 1.0").is_err());
        assert!(parse_line("1 19971301 1 1.0").is_err());
        assert!(parse_line("1 19970101 1").is_err());
    }
}
