//! The ecom-synthetic evaluation: every user's events replayed in time order through one engine
//! per user, then the five embedded stories read twice, from the raw data and from what the
//! engine infers.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;

use trailmark::core::config::StepDef;
use trailmark::core::{Config, Engine, Touchpoint};

use super::metrics;
use super::{civil_from_days, days_from_civil, pct, progress, DAY_MS};

/// One CSV row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub user: String,
    pub session: String,
    pub event: String,
    pub ts_ms: u64,
    pub platform: String,
    pub channel: String,
    pub cohort: String,
    pub lifecycle: String,
}

const COLUMNS: [&str; 8] = [
    "user_id",
    "session_id",
    "event",
    "timestamp",
    "platform",
    "acquisition_channel",
    "user_cohort",
    "user_lifecycle",
];

/// Splits one CSV line (RFC 4180: fields may be double-quoted, `""` inside quotes is a quote).
/// The shipped file has no quotes, but a re-export might.
pub fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// `YYYY-MM-DD HH:MM:SS` (UTC; also accepts a `T` separator) to Unix milliseconds.
pub fn parse_timestamp(s: &str) -> Option<u64> {
    let s = s.trim();
    let (date, time) = s.split_once([' ', 'T'])?;
    let mut d = date.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<u32>().ok());
    let (hh, mm, ss) = (t.next()??, t.next()??, t.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(y), m, day);
    let secs = days * 86_400 + i64::from(hh * 3600 + mm * 60 + ss);
    u64::try_from(secs).ok().map(|s| s * 1000)
}

/// Parses one data line.
pub fn parse_row(line: &str) -> Result<Row, String> {
    let f = split_csv(line);
    if f.len() != COLUMNS.len() {
        return Err(format!(
            "expected {} fields, found {}",
            COLUMNS.len(),
            f.len()
        ));
    }
    let ts_ms = parse_timestamp(&f[3]).ok_or_else(|| format!("bad timestamp `{}`", f[3]))?;
    let mut f = f.into_iter();
    let mut next = || f.next().unwrap_or_default();
    let (user, session, event) = (next(), next(), next());
    next();
    Ok(Row {
        user,
        session,
        event,
        ts_ms,
        platform: next(),
        channel: next(),
        cohort: next(),
        lifecycle: next(),
    })
}

/// A named range of days (inclusive), counted from the data's day 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub first: u32,
    pub last: u32,
}

impl Window {
    pub fn contains(self, day: u32) -> bool {
        (self.first..=self.last).contains(&day)
    }
    fn label(self) -> String {
        format!("days {}-{}", self.first, self.last)
    }
}

/// Story windows, from the data set's README.
pub const VIRAL: Window = Window {
    first: 59,
    last: 62,
};
pub const LOOP: Window = Window {
    first: 99,
    last: 130,
};
pub const PAYMENT: Window = Window {
    first: 139,
    last: 159,
};

/// Day 0 is the UTC date of the first event; returns the day number of `ts_ms`.
pub fn day_of(origin_day: i64, ts_ms: u64) -> u32 {
    let day = (ts_ms / DAY_MS) as i64 - origin_day;
    u32::try_from(day).unwrap_or(0)
}

/// Raw sign of the checkout loop in a session: after `shipping_details`, back to the cart
/// (`add_to_cart` or `cart`), then `shipping_details` again. Other events may come between (the
/// data set interleaves searches and `checkout_bug`).
pub fn has_loop(events: &[&str]) -> bool {
    let mut state = 0;
    for e in events {
        state = match (state, *e) {
            (0, "shipping_details") => 1,
            (1, "add_to_cart" | "cart") => 2,
            (2, "shipping_details") => return true,
            (s, _) => s,
        };
    }
    false
}

/// The data set's day 0. The README numbers story days from a day 0 it does not name; the
/// payment incident is the sharpest anchor (`payment_error` occurs on consecutive days and
/// nowhere else), so when its span has the README's length, day 0 is the day that puts it on
/// days 139-159; otherwise the first event's date. Returns (day 0, first event day, how).
pub fn find_origin(rows: &[Row]) -> (i64, i64, String) {
    let day = |ts: u64| (ts / DAY_MS) as i64;
    let first = rows.iter().map(|r| day(r.ts_ms)).min().unwrap_or(0);
    let errors = rows.iter().filter(|r| r.event == "payment_error");
    let lo = errors.clone().map(|r| day(r.ts_ms)).min();
    let hi = errors.map(|r| day(r.ts_ms)).max();
    match (lo, hi) {
        (Some(lo), Some(hi)) if hi - lo == i64::from(PAYMENT.last - PAYMENT.first) => {
            let origin = lo - i64::from(PAYMENT.first);
            let how = format!(
                "`payment_error` occurs only from {} to {} ({} days); putting that on the README's \
                 days {}-{} gives day 0 = {}, {} day(s) before the first event ({}); with day 0 = \
                 the first event's date the incident would be days {}-{}",
                civil_from_days(lo),
                civil_from_days(hi),
                hi - lo + 1,
                PAYMENT.first,
                PAYMENT.last,
                civil_from_days(origin),
                first - origin,
                civil_from_days(first),
                lo - first,
                hi - first
            );
            (origin, first, how)
        }
        _ => (
            first,
            first,
            format!(
                "day 0 = {}, the first event's date (no payment incident of the README's length \
                 found to anchor on)",
                civil_from_days(first)
            ),
        ),
    }
}

/// The config used for the replay: the defaults, except that the checkout micro journey starts
/// at `Cart Viewed`, because the data set has no `Checkout Started` event.
pub fn eval_config() -> Config {
    let mut config = Config::default();
    if let Some(checkout) = config
        .micro_journeys
        .iter_mut()
        .find(|j| j.id == "checkout")
    {
        if let Some(first) = checkout.steps.first_mut() {
            *first = StepDef {
                event: "Cart Viewed".into(),
                label: None,
                where_props: Default::default(),
                optional: false,
                timeout_s: None,
            };
        }
    }
    config
}

/// The landing page view that starts each data-set session, carrying its acquisition channel as
/// UTM parameters or a referrer so that the engine classifies it.
pub fn landing(channel_label: &str) -> Touchpoint {
    let home = "https://shop.example/";
    match channel_label {
        "email" => Touchpoint::page(
            "https://shop.example/?utm_source=newsletter&utm_medium=email",
            None,
        ),
        "paid_search" => Touchpoint::page(
            "https://shop.example/?utm_source=google&utm_medium=cpc",
            None,
        ),
        "organic" => Touchpoint::page(home, Some("https://www.google.com/")),
        "social" => Touchpoint::page(home, Some("https://www.facebook.com/")),
        _ => Touchpoint::page(home, None),
    }
}

/// The GA4 channel group each label should map to.
pub fn expected_group(channel_label: &str) -> &'static str {
    match channel_label {
        "email" => "Email",
        "paid_search" => "Paid Search",
        "organic" => "Organic Search",
        "social" => "Organic Social",
        "direct" => "Direct",
        _ => "?",
    }
}

/// A data-set event as a touchpoint (`home` becomes a page view of the home page).
pub fn touchpoint(event: &str) -> Touchpoint {
    match event {
        "home" => Touchpoint::page("https://shop.example/", None),
        other => Touchpoint::new(other, Default::default()),
    }
}

const STAGES: usize = 6;

/// What one data-set session looked like, raw and through the engine.
#[derive(Clone, Debug, Default)]
struct SessionRec {
    day: u32,
    platform: String,
    channel: String,
    cohort: String,
    lifecycle: String,
    events: usize,
    purchase: bool,
    payment_details: bool,
    payment_error: bool,
    support: bool,
    support_after_error: bool,
    raw_loop: bool,
    checkout_bug: bool,
    /// The engine started a new session at this data-set session's first event.
    engine_new_session: bool,
    engine_group: String,
    /// Engine session number (1 = new visitor).
    engine_session_number: u32,
    end_probs: Vec<f64>,
    mean_probs: Vec<f64>,
    end_top: usize,
    checkout_attempts: u32,
    checkout_completions: u32,
    checkout_abandons: u32,
    checkout_backtracks: u32,
    support_completions: u32,
}

/// One point of the stage trace of a user, for the chart.
#[derive(Clone, Debug)]
pub struct TracePoint {
    pub event: String,
    pub session_start: Option<String>,
    pub probs: Vec<f64>,
}

#[derive(Clone, Copy, Default)]
struct Counters {
    attempts: u32,
    completions: u32,
    abandons: u32,
    backtracks: u32,
}

fn counters(engine: &Engine, index: usize) -> Counters {
    let j = &engine.journeys()[index];
    Counters {
        attempts: j.attempts,
        completions: j.completions,
        abandons: j.abandons,
        backtracks: j.backtracks,
    }
}

/// Adds the change between two snapshots (backtracks restart at 0 with a new attempt).
fn add_delta(rec: &mut SessionRec, before: Counters, after: Counters, checkout: bool) {
    if checkout {
        rec.checkout_attempts += after.attempts - before.attempts;
        rec.checkout_completions += after.completions - before.completions;
        rec.checkout_abandons += after.abandons - before.abandons;
        rec.checkout_backtracks += if after.attempts > before.attempts {
            after.backtracks
        } else {
            after.backtracks.saturating_sub(before.backtracks)
        };
    } else {
        rec.support_completions += after.completions - before.completions;
    }
}

fn argmax(p: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in p.iter().enumerate() {
        if *v > p[best] {
            best = i;
        }
    }
    best
}

struct UserResult {
    sessions: Vec<SessionRec>,
    prefixes: Vec<(f64, bool)>,
    trace: Vec<TracePoint>,
}

/// Replays one user's rows (sorted by time) through a fresh engine.
fn replay_user(rows: &[Row], config: &Config, origin_day: i64) -> UserResult {
    let mut engine = Engine::new(config.clone());
    let checkout = config
        .micro_journeys
        .iter()
        .position(|j| j.id == "checkout")
        .expect("eval config has a checkout journey");
    let support = config.micro_journeys.iter().position(|j| j.id == "support");
    let mut out = UserResult {
        sessions: Vec::new(),
        prefixes: Vec::new(),
        trace: Vec::new(),
    };
    let bounds = session_bounds(rows);
    for (si, &(start, end)) in bounds.iter().enumerate() {
        let session = &rows[start..end];
        let first = &session[0];
        let names: Vec<&str> = session.iter().map(|r| r.event.as_str()).collect();
        let mut rec = SessionRec {
            day: day_of(origin_day, first.ts_ms),
            platform: first.platform.clone(),
            channel: first.channel.clone(),
            cohort: first.cohort.clone(),
            lifecycle: first.lifecycle.clone(),
            events: session.len(),
            purchase: names.contains(&"purchase"),
            payment_details: names.contains(&"payment_details"),
            payment_error: names.contains(&"payment_error"),
            support: names.contains(&"support_chat"),
            raw_loop: has_loop(&names),
            checkout_bug: names.contains(&"checkout_bug"),
            mean_probs: vec![0.0; STAGES],
            ..SessionRec::default()
        };
        rec.support_after_error = names
            .iter()
            .position(|e| *e == "payment_error")
            .is_some_and(|i| names[i..].contains(&"support_chat"));

        let visits_before = engine.profile().visits;
        let snapshot = |e: &Engine| (counters(e, checkout), support.map(|s| counters(e, s)));
        let mut before = snapshot(&engine);
        let mut purchased = false;
        for (k, row) in session.iter().enumerate() {
            if k == 0 {
                engine.ingest(&landing(&row.channel), row.ts_ms);
                rec.engine_new_session = engine.profile().visits > visits_before;
                let s = engine.profile().session.as_ref();
                rec.engine_group = s.map_or(String::new(), |s| s.channel.group.clone());
                rec.engine_session_number = s.map_or(0, |s| s.number);
            }
            if !(k == 0 && row.event == "home") {
                engine.ingest(&touchpoint(&row.event), row.ts_ms);
            }
            let after = snapshot(&engine);
            add_delta(&mut rec, before.0, after.0, true);
            if let (Some(b), Some(a)) = (before.1, after.1) {
                add_delta(&mut rec, b, a, false);
            }
            before = after;

            let probs = engine
                .state()
                .stages
                .probabilities(engine.config(), row.ts_ms);
            for (m, p) in rec.mean_probs.iter_mut().zip(&probs) {
                *m += p / session.len() as f64;
            }
            purchased |= row.event == "purchase";
            if !purchased && k + 1 < session.len() {
                let follows = names[k + 1..].contains(&"purchase");
                out.prefixes.push((probs[3], follows));
            }
            out.trace.push(TracePoint {
                event: row.event.clone(),
                session_start: (k == 0).then(|| {
                    format!(
                        "S{} {} {}",
                        si + 1,
                        civil_from_days((row.ts_ms / DAY_MS) as i64),
                        row.channel
                    )
                }),
                probs: probs.clone(),
            });
            if k + 1 == session.len() {
                rec.end_top = argmax(&probs);
                rec.end_probs = probs;
            }
        }
        // Let open micro journeys time out before the next session (ingest at the next event
        // would do the same), so abandons are counted in the session they belong to.
        let last = session[session.len() - 1].ts_ms;
        let next = bounds.get(si + 1).map_or(u64::MAX, |&(s, _)| rows[s].ts_ms);
        engine.tick(next.min(last + 2 * 3_600_000));
        let after = snapshot(&engine);
        add_delta(&mut rec, before.0, after.0, true);
        if let (Some(b), Some(a)) = (before.1, after.1) {
            add_delta(&mut rec, b, a, false);
        }
        out.sessions.push(rec);
    }
    out
}

/// `(start, end)` index ranges of consecutive rows sharing a session id.
fn session_bounds(rows: &[Row]) -> Vec<(usize, usize)> {
    let mut bounds = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || rows[i].session != rows[start].session {
            bounds.push((start, i));
            start = i;
        }
    }
    bounds
}

/// Aggregates over a group of sessions.
#[derive(Default)]
struct Agg {
    n: usize,
    events: usize,
    purchase: usize,
    new_label: usize,
    engine_new: usize,
    end_top: [usize; STAGES],
    end_prob: [f64; STAGES],
    mean_prob: [f64; STAGES],
    checkout_sessions: usize,
    checkout_backtrack_sessions: usize,
    checkout_abandon_sessions: usize,
    checkout_complete_sessions: usize,
    raw_loop: usize,
    checkout_bug: usize,
    payment_details: usize,
    payment_error: usize,
    support: usize,
    support_journey: usize,
    support_after_error: usize,
    days: BTreeSet<u32>,
}

impl Agg {
    fn of<'a>(sessions: impl IntoIterator<Item = &'a SessionRec>) -> Agg {
        let mut a = Agg::default();
        for s in sessions {
            a.n += 1;
            a.events += s.events;
            a.purchase += usize::from(s.purchase);
            a.new_label += usize::from(s.lifecycle == "new");
            a.engine_new += usize::from(s.engine_session_number == 1);
            a.end_top[s.end_top] += 1;
            for i in 0..STAGES {
                a.end_prob[i] += s.end_probs[i];
                a.mean_prob[i] += s.mean_probs[i];
            }
            a.checkout_sessions += usize::from(s.checkout_attempts > 0);
            a.checkout_backtrack_sessions += usize::from(s.checkout_backtracks > 0);
            a.checkout_abandon_sessions += usize::from(s.checkout_abandons > 0);
            a.checkout_complete_sessions += usize::from(s.checkout_completions > 0);
            a.raw_loop += usize::from(s.raw_loop);
            a.checkout_bug += usize::from(s.checkout_bug);
            a.payment_details += usize::from(s.payment_details);
            a.payment_error += usize::from(s.payment_error);
            a.support += usize::from(s.support);
            a.support_journey += usize::from(s.support_completions > 0);
            a.support_after_error += usize::from(s.support_after_error);
            a.days.insert(s.day);
        }
        a
    }
    fn per_session(&self, x: usize) -> String {
        if self.n == 0 {
            "-".into()
        } else {
            format!("{:.1}", x as f64 / self.n as f64)
        }
    }
    fn mean(&self, sum: f64) -> String {
        if self.n == 0 {
            "-".into()
        } else {
            format!("{:.3}", sum / self.n as f64)
        }
    }
}

/// Everything the ecom evaluation produces.
pub struct EcomReport {
    pub markdown: String,
    pub stages_svg: String,
    pub calibration_svg: String,
}

fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    let reader = super::open_data(path)?;
    let mut rows = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("{}: line {}: {e}", path.display(), i + 1))?;
        let line = line.trim_end_matches('\r');
        if i == 0 {
            let header = split_csv(line);
            if header != COLUMNS {
                return Err(format!(
                    "{}: unexpected header {header:?}, expected {COLUMNS:?}",
                    path.display()
                ));
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        rows.push(parse_row(line).map_err(|e| format!("{}: line {}: {e}", path.display(), i + 1))?);
    }
    if rows.is_empty() {
        return Err(format!("{}: no data rows", path.display()));
    }
    Ok(rows)
}

/// Runs the whole ecom-synthetic evaluation.
pub fn evaluate(path: &Path) -> Result<EcomReport, String> {
    let mut rows = read_rows(path)?;
    // Users in id order, each user's events in time order (stable: file order breaks ties).
    rows.sort_by(|a, b| a.user.cmp(&b.user).then(a.ts_ms.cmp(&b.ts_ms)));
    let (origin_day, _first_day, origin_how) = find_origin(&rows);
    let config = eval_config();
    let stage_ids: Vec<String> = config.stages.iter().map(|s| s.id.clone()).collect();

    let mut user_ranges = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || rows[i].user != rows[start].user {
            user_ranges.push((start, i));
            start = i;
        }
    }
    let mut sessions = Vec::new();
    let mut prefixes = Vec::new();
    // Chart candidate: (distinct top stages, sessions, -events) best, then the smallest user id.
    let mut chart: Option<((usize, usize), String, Vec<TracePoint>)> = None;
    for (u, &(s, e)) in user_ranges.iter().enumerate() {
        let result = replay_user(&rows[s..e], &config, origin_day);
        let n_sessions = result.sessions.len();
        let buys_then_returns = result.sessions[..n_sessions.saturating_sub(1)]
            .iter()
            .any(|r| r.purchase);
        let events = e - s;
        if buys_then_returns && (3..=6).contains(&n_sessions) && (20..=45).contains(&events) {
            let tops: BTreeSet<usize> = result.trace.iter().map(|t| argmax(&t.probs)).collect();
            let score = (tops.len(), n_sessions);
            if chart.as_ref().is_none_or(|(best, _, _)| score > *best) {
                chart = Some((score, rows[s].user.clone(), result.trace.clone()));
            }
        }
        sessions.extend(result.sessions);
        prefixes.extend(result.prefixes);
        if (u + 1) % 100 == 0 || u + 1 == user_ranges.len() {
            progress("ecom-synthetic users", u + 1, Some(user_ranges.len()));
        }
    }
    eprintln!();

    let mut md = String::new();
    let users = user_ranges.len();
    let last_day = day_of(origin_day, rows.iter().map(|r| r.ts_ms).max().unwrap_or(0));
    let bug: Vec<u32> = rows
        .iter()
        .filter(|r| r.event == "checkout_bug")
        .map(|r| day_of(origin_day, r.ts_ms))
        .collect();
    let bug_platforms: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.event == "checkout_bug")
        .map(|r| r.platform.as_str())
        .collect();
    let bug_days = match (bug.iter().min(), bug.iter().max()) {
        (Some(lo), Some(hi)) => format!(
            "Check: the `checkout_bug` events ({} of them, platform: {}) then fall on days \
             {lo}-{hi}, inside the loop window {}. ",
            bug.len(),
            bug_platforms.into_iter().collect::<Vec<_>>().join(", "),
            LOOP.label()
        ),
        _ => String::new(),
    };
    let engine_visits: usize = sessions.iter().filter(|s| s.engine_new_session).count();
    let _ = writeln!(
        md,
        "## ecom-synthetic: {} events, {users} users, {} sessions\n",
        rows.len(),
        sessions.len()
    );
    let _ = writeln!(
        md,
        "Day 0 = {}: {origin_how}. The data runs to day {last_day}. {bug_days}One engine per user, events in time order. Config: the defaults, except that the **checkout micro \
         journey starts at `Cart Viewed`** (steps: Cart Viewed -> Checkout Step Completed \
         (optional) -> Payment Info Entered (optional) -> Order Completed), because the data set \
         has no `Checkout Started`; starting at `Cart Viewed` also lets the engine see the loop \
         `shipping_details -> add_to_cart -> cart -> shipping_details` as a backtrack. Event \
         mapping: the GA4/data-set aliases in `event.rs`; `home` is a page view of `/`; \
         `error_page` / `checkout_bug` stay custom events (no signal). Each session starts with a \
         landing page view carrying its `acquisition_channel` (email: `utm_medium=email`, \
         paid_search: `utm_source=google&utm_medium=cpc`, organic: referrer www.google.com, \
         social: referrer www.facebook.com, direct: none). Stage figures are read at the \
         session's last event (\"end\") or averaged over the session's events (\"mean\"). \
         Journey counts: an attempt abandoned when the session ends or times out counts in that \
         session.\n",
        civil_from_days(origin_day),
    );
    let _ = writeln!(
        md,
        "Sessions: the data set has {} sessions; the engine (30-minute rule, new session on a \
         campaign change) started {engine_visits} of them as new sessions; the other {} arrived \
         within 30 minutes of the user's previous session from the same source and were merged \
         into it.\n",
        sessions.len(),
        sessions.len() - engine_visits
    );

    story_viral(&mut md, &sessions, &stage_ids);
    story_loop(&mut md, &sessions);
    story_payment(&mut md, &sessions, &stage_ids);
    story_lifecycle(&mut md, &sessions, &stage_ids);
    story_cohort(&mut md, &sessions, &stage_ids);
    channels(&mut md, &sessions);
    let calibration_svg = prediction(&mut md, &prefixes);

    let stages_svg = match &chart {
        Some((_, user, trace)) => {
            let _ = writeln!(
                md,
                "### Chart\n\n`stages.svg`: the six stage probabilities over the events of \
                 `{user}` (a visitor who buys and comes back; chosen as the user of 3-6 sessions \
                 and 20-45 events whose top stage changes most), stacked, one column per event, \
                 sessions marked.\n"
            );
            super::svg::stages(user, trace, &stage_ids)
        }
        None => super::svg::empty("no user with a purchase and a return"),
    };
    Ok(EcomReport {
        markdown: md,
        stages_svg,
        calibration_svg,
    })
}

fn table_header(md: &mut String, columns: &[&str]) {
    let _ = writeln!(md, "| {} |", columns.join(" | "));
    let _ = writeln!(
        md,
        "|{}",
        columns
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { " --- |" } else { " ---: |" })
            .collect::<String>()
    );
}

fn row(md: &mut String, cells: &[String]) {
    let _ = writeln!(md, "| {} |", cells.join(" | "));
}

fn f3(x: f64) -> String {
    format!("{x:.3}")
}

type DayFilter = Box<dyn Fn(&SessionRec) -> bool>;

fn story_viral(md: &mut String, sessions: &[SessionRec], stages: &[String]) {
    let _ = writeln!(
        md,
        "### Story 1: viral-article spike ({})\n\nExpected: a burst of new visitors who browse \
         and rarely buy. Baseline: the two weeks either side (days 45-58 and 63-76), and all \
         other days.\n",
        VIRAL.label()
    );
    // Per day around the window, raw: sessions, first sessions of users, purchases.
    let _ = writeln!(md, "Raw, per day around the window (sessions / users' first sessions / sessions with a purchase):\n");
    let days: Vec<u32> = (VIRAL.first.saturating_sub(6)..=VIRAL.last + 6).collect();
    let mut line = String::from("| day |");
    let mut sep = String::from("| --- |");
    let mut body = String::from("| s / first / bought |");
    for day in &days {
        let a = Agg::of(sessions.iter().filter(|s| s.day == *day));
        let mark = if VIRAL.contains(*day) { "**" } else { "" };
        let _ = write!(line, " {mark}{day}{mark} |");
        sep.push_str(" ---: |");
        let _ = write!(body, " {} / {} / {} |", a.n, a.engine_new, a.purchase);
    }
    let _ = writeln!(md, "{line}\n{sep}\n{body}\n");
    table_header(
        md,
        &[
            "sessions",
            "n",
            "per day",
            "new (label)",
            "first session (engine)",
            "bought",
            "events/session",
            "end top = discovery/research",
            "mean P(discovery)+P(research)",
            "mean P(purchase)",
        ],
    );
    let near = Window {
        first: 45,
        last: 76,
    };
    let groups: [(&str, DayFilter); 3] = [
        (
            "spike, days 59-62",
            Box::new(|s: &SessionRec| VIRAL.contains(s.day)),
        ),
        (
            "days 45-58, 63-76",
            Box::new(move |s: &SessionRec| near.contains(s.day) && !VIRAL.contains(s.day)),
        ),
        (
            "all other days",
            Box::new(|s: &SessionRec| !VIRAL.contains(s.day)),
        ),
    ];
    let (d, r) = (index(stages, "discovery"), index(stages, "research"));
    for (label, pred) in &groups {
        let a = Agg::of(sessions.iter().filter(|s| pred(s)));
        let per_day = a.n as f64 / a.days.len().max(1) as f64;
        row(
            md,
            &[
                (*label).into(),
                a.n.to_string(),
                format!("{per_day:.1}"),
                pct(a.new_label, a.n),
                pct(a.engine_new, a.n),
                pct(a.purchase, a.n),
                a.per_session(a.events),
                pct(a.end_top[d] + a.end_top[r], a.n),
                a.mean(a.mean_prob[d] + a.mean_prob[r]),
                a.mean(a.mean_prob[3]),
            ],
        );
    }
    let _ = writeln!(md);
}

fn index(stages: &[String], id: &str) -> usize {
    stages.iter().position(|s| s == id).unwrap_or(0)
}

fn story_loop(md: &mut String, sessions: &[SessionRec]) {
    let _ = writeln!(
        md,
        "### Story 2: mobile checkout loop ({})\n\nExpected: on mobile, in the window, \
         `shipping_details -> add_to_cart -> cart -> shipping_details` loops and checkouts that \
         are abandoned. Raw loop: `shipping_details`, later `add_to_cart` or `cart`, later \
         `shipping_details` again (other events may come between). Engine columns are shares of the sessions in which the checkout micro \
         journey started.\n",
        LOOP.label()
    );
    table_header(
        md,
        &[
            "platform, window",
            "sessions",
            "raw loop",
            "checkout_bug",
            "bought",
            "checkout started (engine)",
            "with backtrack",
            "with abandon",
            "completed",
        ],
    );
    for platform in ["mobile", "desktop", "tablet"] {
        for inside in [true, false] {
            let a = Agg::of(
                sessions
                    .iter()
                    .filter(|s| s.platform == platform && LOOP.contains(s.day) == inside),
            );
            row(
                md,
                &[
                    format!(
                        "{platform}, {}",
                        if inside { "in window" } else { "outside" }
                    ),
                    a.n.to_string(),
                    pct(a.raw_loop, a.n),
                    pct(a.checkout_bug, a.n),
                    pct(a.purchase, a.n),
                    pct(a.checkout_sessions, a.n),
                    pct(a.checkout_backtrack_sessions, a.checkout_sessions),
                    pct(a.checkout_abandon_sessions, a.checkout_sessions),
                    pct(a.checkout_complete_sessions, a.checkout_sessions),
                ],
            );
        }
    }
    let _ = writeln!(md);
}

fn story_payment(md: &mut String, sessions: &[SessionRec], stages: &[String]) {
    let _ = writeln!(
        md,
        "### Story 3: payment incident ({})\n\nExpected: in the window about half of the \
         sessions that reach `payment_details` fail (`payment_error`), and `support_chat` \
         spikes. Engine: the support micro journey (Help Viewed? -> Support Contacted) and the \
         post-purchase stage, which the default signals use for support-seeking.\n",
        PAYMENT.label()
    );
    table_header(
        md,
        &[
            "window",
            "sessions",
            "reached payment",
            "payment failed (of reached)",
            "support chat",
            "support after error (of failed)",
            "support journey done (engine)",
            "failed, no purchase: end top = post_purchase",
            "failed, no purchase: mean end P(post_purchase)",
            "reached, no error, no purchase: mean end P(post_purchase)",
        ],
    );
    let pp = index(stages, "post_purchase");
    for inside in [true, false] {
        let in_window: Vec<&SessionRec> = sessions
            .iter()
            .filter(|s| PAYMENT.contains(s.day) == inside)
            .collect();
        let a = Agg::of(in_window.iter().copied());
        let failed = Agg::of(
            in_window
                .iter()
                .copied()
                .filter(|s| s.payment_error && !s.purchase),
        );
        let clean = Agg::of(
            in_window
                .iter()
                .copied()
                .filter(|s| s.payment_details && !s.payment_error && !s.purchase),
        );
        row(
            md,
            &[
                if inside { "in window" } else { "outside" }.into(),
                a.n.to_string(),
                pct(a.payment_details, a.n),
                pct(a.payment_error, a.payment_details),
                pct(a.support, a.n),
                pct(a.support_after_error, a.payment_error),
                pct(a.support_journey, a.n),
                format!("{} of {}", pct(failed.end_top[pp], failed.n), failed.n),
                failed.mean(failed.end_prob[pp]),
                format!("{} (n={})", clean.mean(clean.end_prob[pp]), clean.n),
            ],
        );
    }
    let _ = writeln!(md);
}

fn stage_columns(stages: &[String], prefix: &str) -> Vec<String> {
    stages.iter().map(|s| format!("{prefix}{s}")).collect()
}

fn story_lifecycle(md: &mut String, sessions: &[SessionRec], stages: &[String]) {
    let _ = writeln!(
        md,
        "### Story 4: new vs returning vs loyal (`user_lifecycle` label of the session)\n\n\
         Expected: new users browse far more and convert far less than loyal ones. Engine: the \
         share of sessions the engine itself counts as a first visit, mean P(loyalty) at the \
         session's end, and the distribution of the top stage at the session's end.\n"
    );
    let mut cols: Vec<String> = [
        "label",
        "sessions",
        "events/session",
        "bought",
        "first session (engine)",
        "mean end P(loyalty)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    cols.extend(stage_columns(stages, "end top "));
    table_header(md, &cols.iter().map(String::as_str).collect::<Vec<_>>());
    let l = index(stages, "loyalty");
    for label in ["new", "returning", "loyal"] {
        let a = Agg::of(sessions.iter().filter(|s| s.lifecycle == label));
        let mut cells = vec![
            label.to_string(),
            a.n.to_string(),
            a.per_session(a.events),
            pct(a.purchase, a.n),
            pct(a.engine_new, a.n),
            a.mean(a.end_prob[l]),
        ];
        cells.extend(a.end_top.iter().map(|&c| pct(c, a.n)));
        row(md, &cells);
    }
    let _ = writeln!(md);
}

fn story_cohort(md: &mut String, sessions: &[SessionRec], stages: &[String]) {
    let _ = writeln!(
        md,
        "### Story 5: January vs April cohort (`user_cohort`)\n\nExpected: the January cohort \
         buys directly, the April cohort is still exploring. Stage columns: mean probability \
         over each session's events, averaged over sessions. To remove calendar effects the \
         second table keeps only sessions on or after the first April-cohort session.\n"
    );
    let april_start = sessions
        .iter()
        .filter(|s| s.cohort == "2024-04")
        .map(|s| s.day)
        .min()
        .unwrap_or(0);
    let cohorts: BTreeSet<&str> = sessions.iter().map(|s| s.cohort.as_str()).collect();
    for (title, from_day) in [
        ("All sessions".to_string(), 0),
        (format!("Sessions from day {april_start}"), april_start),
    ] {
        let _ = writeln!(md, "{title}:\n");
        let mut cols: Vec<String> = ["cohort", "sessions", "events/session", "bought"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        cols.extend(stage_columns(stages, "mean P "));
        cols.push("end top discovery/research".into());
        table_header(md, &cols.iter().map(String::as_str).collect::<Vec<_>>());
        for cohort in &cohorts {
            let a = Agg::of(
                sessions
                    .iter()
                    .filter(|s| s.cohort == *cohort && s.day >= from_day),
            );
            let mut cells = vec![
                (*cohort).to_string(),
                a.n.to_string(),
                a.per_session(a.events),
                pct(a.purchase, a.n),
            ];
            cells.extend(a.mean_prob.iter().map(|&p| a.mean(p)));
            cells.push(pct(a.end_top[0] + a.end_top[1], a.n));
            row(md, &cells);
        }
        let _ = writeln!(md);
    }
}

fn channels(md: &mut String, sessions: &[SessionRec]) {
    let mut table: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut groups: BTreeSet<&str> = BTreeSet::new();
    let mut agree = 0;
    let mut total = 0;
    for s in sessions.iter().filter(|s| s.engine_new_session) {
        *table
            .entry((s.channel.as_str(), s.engine_group.as_str()))
            .or_insert(0) += 1;
        groups.insert(s.engine_group.as_str());
        total += 1;
        agree += usize::from(expected_group(&s.channel) == s.engine_group);
    }
    let _ = writeln!(
        md,
        "### Channels: engine group vs `acquisition_channel` label\n\nOver the {total} sessions \
         the engine started (merged sessions keep the previous session's channel). Expected \
         mapping: email -> Email, paid_search -> Paid Search, organic -> Organic Search, social \
         -> Organic Social, direct -> Direct. **Agreement: {} ({agree} of {total}).**\n",
        pct(agree, total)
    );
    let mut cols = vec!["label"];
    cols.extend(groups.iter().copied());
    table_header(md, &cols);
    let labels: BTreeSet<&str> = table.keys().map(|(l, _)| *l).collect();
    for label in labels {
        let mut cells = vec![label.to_string()];
        cells.extend(
            groups
                .iter()
                .map(|g| table.get(&(label, *g)).copied().unwrap_or(0).to_string()),
        );
        row(md, &cells);
    }
    let _ = writeln!(md);
}

fn prediction(md: &mut String, prefixes: &[(f64, bool)]) -> String {
    let auc = metrics::roc_auc(prefixes);
    let brier = metrics::brier(prefixes);
    let base = metrics::base_rate(prefixes);
    let brier_base = metrics::brier_of_base_rate(prefixes);
    let bins = metrics::calibration(prefixes, 10);
    let ece = metrics::ece(&bins);
    let opt = |v: Option<f64>| v.map_or("-".to_string(), f3);
    let skill = match (brier, brier_base) {
        (Some(b), Some(r)) if r > 0.0 => format!("{:.3}", 1.0 - b / r),
        _ => "-".into(),
    };
    let _ = writeln!(
        md,
        "### Does P(purchase) on a session prefix predict a purchase later in the session?\n\n\
         Every session with at least 2 events; at every prefix that ends before the session's \
         first purchase (prefixes that contain the purchase are excluded; prefixes must leave at \
         least one event after them), P(purchase) after the prefix's last event, labelled 1 when \
         a purchase follows in the same session.\n"
    );
    table_header(md, &["metric", "value"]);
    for (k, v) in [
        ("prefixes", prefixes.len().to_string()),
        ("base rate (purchase follows)", opt(base)),
        ("ROC AUC of P(purchase)", opt(auc)),
        ("Brier of P(purchase)", opt(brier)),
        ("Brier of constant base rate", opt(brier_base)),
        ("Brier skill score (1 - Brier / base-rate Brier)", skill),
        ("expected calibration error (10 bins)", opt(ece)),
    ] {
        row(md, &[k.to_string(), v]);
    }
    let _ = writeln!(md, "\nCalibration (`calibration.svg`):\n");
    table_header(
        md,
        &["P(purchase) bin", "prefixes", "mean predicted", "observed"],
    );
    for b in &bins {
        row(
            md,
            &[
                format!("{:.1}-{:.1}", b.lo, b.hi),
                b.count.to_string(),
                if b.count == 0 {
                    "-".into()
                } else {
                    f3(b.mean_predicted)
                },
                if b.count == 0 {
                    "-".into()
                } else {
                    f3(b.observed)
                },
            ],
        );
    }
    let _ = writeln!(md);
    super::svg::calibration(&bins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_split_with_and_without_quotes() {
        assert_eq!(split_csv("a,b,,c"), vec!["a", "b", "", "c"]);
        assert_eq!(
            split_csv(r#""a,1","say ""hi""",x"#),
            vec!["a,1", r#"say "hi""#, "x"]
        );
        assert_eq!(split_csv(""), vec![""]);
    }

    #[test]
    fn rows_parse_from_the_real_format() {
        let r = parse_row(
            "user_0000,sess_000001,home,2024-03-13 10:21:14,desktop,email,2024-01,returning",
        )
        .unwrap();
        assert_eq!(r.user, "user_0000");
        assert_eq!(r.session, "sess_000001");
        assert_eq!(r.event, "home");
        assert_eq!(r.platform, "desktop");
        assert_eq!(r.channel, "email");
        assert_eq!(r.cohort, "2024-01");
        assert_eq!(r.lifecycle, "returning");
        assert_eq!(
            r.ts_ms,
            (days_from_civil(2024, 3, 13) as u64 * 86_400 + 10 * 3600 + 21 * 60 + 14) * 1000
        );
        assert!(parse_row("a,b,c").is_err());
        assert!(parse_row("u,s,e,2024-13-01 00:00:00,p,c,h,l").is_err());
    }

    #[test]
    fn timestamps_parse_and_reject_garbage() {
        assert_eq!(parse_timestamp("1970-01-02 00:00:01"), Some(86_401_000));
        assert_eq!(parse_timestamp("1970-01-02T00:00:01"), Some(86_401_000));
        assert_eq!(parse_timestamp("1970-01-02"), None);
        assert_eq!(parse_timestamp("1970-01-02 25:00:00"), None);
    }

    #[test]
    fn story_windows_are_inclusive_and_days_count_from_origin() {
        let origin = days_from_civil(2024, 1, 4);
        let at = |day: i64, hour: u64| ((origin + day) as u64 * 86_400 + hour * 3600) * 1000;
        assert_eq!(day_of(origin, at(0, 0)), 0);
        assert_eq!(day_of(origin, at(0, 23)), 0);
        assert_eq!(day_of(origin, at(59, 12)), 59);
        assert!(!VIRAL.contains(58));
        assert!(VIRAL.contains(59) && VIRAL.contains(62));
        assert!(!VIRAL.contains(63));
        assert!(LOOP.contains(99) && LOOP.contains(130) && !LOOP.contains(131));
        assert!(PAYMENT.contains(139) && PAYMENT.contains(159) && !PAYMENT.contains(138));
        // Day 59 from 2024-01-04 is 2024-03-03 (2024 is a leap year).
        assert_eq!(civil_from_days(origin + 59), "2024-03-03");
    }

    #[test]
    fn loop_pattern_goes_back_to_the_cart_and_returns() {
        assert!(has_loop(&[
            "cart",
            "shipping_details",
            "add_to_cart",
            "cart",
            "shipping_details"
        ]));
        assert!(has_loop(&[
            "shipping_details",
            "search",
            "cart",
            "checkout_bug",
            "shipping_details"
        ]));
        assert!(!has_loop(&["shipping_details", "shipping_details", "cart"]));
        assert!(!has_loop(&["cart", "shipping_details", "payment_details"]));
    }

    #[test]
    fn origin_anchors_the_payment_incident_on_day_139() {
        let at = |date: (i64, u32, u32)| days_from_civil(date.0, date.1, date.2) as u64 * DAY_MS;
        let row = |event: &str, ts_ms: u64| Row {
            user: "u".into(),
            session: "s".into(),
            event: event.into(),
            ts_ms,
            platform: "mobile".into(),
            channel: "direct".into(),
            cohort: "2024-01".into(),
            lifecycle: "new".into(),
        };
        let first = at((2024, 1, 4));
        let mut rows = vec![
            row("home", first),
            row("payment_error", at((2024, 5, 19))),
            row("payment_error", at((2024, 6, 8))),
        ];
        let (origin, first_day, _) = find_origin(&rows);
        assert_eq!(civil_from_days(origin), "2024-01-01");
        assert_eq!(first_day, (first / DAY_MS) as i64);
        // A span of another length does not anchor: day 0 is the first event's date.
        rows.pop();
        assert_eq!(find_origin(&rows).0, (first / DAY_MS) as i64);
    }

    #[test]
    fn eval_checkout_starts_at_cart_and_counts_the_loop_as_backtrack() {
        let config = eval_config();
        let mut e = Engine::new(config);
        let mut t = 1_000_000;
        for ev in [
            "home",
            "add_to_cart",
            "cart",
            "shipping_details",
            "add_to_cart",
            "cart",
            "shipping_details",
        ] {
            t += 60_000;
            e.ingest(&touchpoint(ev), t);
        }
        let j = e.journey("checkout").unwrap();
        assert_eq!(j.attempts, 1);
        assert!(j.backtracks >= 1);
        assert!(j.status.is_active());
    }

    #[test]
    fn prefixes_exclude_the_purchase_and_what_follows() {
        let row = |ev: &str, min: u64| Row {
            user: "u".into(),
            session: "s".into(),
            event: ev.into(),
            ts_ms: 1_700_000_000_000 + min * 60_000,
            platform: "mobile".into(),
            channel: "direct".into(),
            cohort: "2024-01".into(),
            lifecycle: "new".into(),
        };
        let rows = [
            row("home", 0),
            row("add_to_cart", 1),
            row("purchase", 2),
            row("account_page", 3),
        ];
        let origin = (rows[0].ts_ms / DAY_MS) as i64;
        let r = replay_user(&rows, &eval_config(), origin);
        // Prefixes [home] and [home, add_to_cart]; both followed by a purchase.
        assert_eq!(r.prefixes.len(), 2);
        assert!(r.prefixes.iter().all(|(_, y)| *y));
        let no_buy = [row("home", 0), row("catalog", 1), row("product_view", 2)];
        let r = replay_user(&no_buy, &eval_config(), origin);
        assert_eq!(r.prefixes.len(), 2);
        assert!(r.prefixes.iter().all(|(_, y)| !*y));
    }

    #[test]
    fn channel_labels_classify_as_expected() {
        for label in ["email", "paid_search", "organic", "social", "direct"] {
            let mut e = Engine::new(eval_config());
            e.ingest(&landing(label), 1_000);
            let group = &e.profile().session.as_ref().unwrap().channel.group;
            assert_eq!(group, expected_group(label), "{label}");
        }
    }
}
