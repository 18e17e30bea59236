//! Building a model from session logs (CLI only: feature `cli`). Events are pushed one at a time
//! in log order; a session is the run of consecutive events with the same session id, so memory
//! per session is one bounded buffer and memory per log line is constant.
//!
//! What grows: the item table (one entry per distinct item) and the pair accumulator (one entry
//! per distinct ordered pair of items seen within `window` positions of each other). The pair
//! accumulator is capped at `max_pairs` entries: when it is full, every item's row is pruned to
//! its `keep_per_item` strongest pairs, so memory stays bounded however long the log.
//!
//! The neighbour weights are sequential rules (Ludewig & Jannach, 2018) with a backward share:
//! for items `a` at position `p` and `b` at `q > p` in one session, within `window` positions,
//! `a -> b` gains `1 / (q - p)` and `b -> a` gains `backward / (q - p)`; optionally multiplied
//! by `2^(t / half_life)` so later sessions count more. An item clicked again counts as a link
//! to itself (`a -> a`): going back to a product is a large share of next clicks (a quarter of
//! YOOCHOOSE's test clicks repeat the previous one). Why this choice is in the README
//! (measured on YOOCHOOSE-100k with `trailmark eval recs`).

use std::collections::HashMap;

use super::model::{checksum, FLAG_BOUGHT, FLAG_WIDE, HEADER, MAGIC, VERSION};

/// What kind of event a log line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interaction {
    /// A click or product view.
    View,
    /// Added to cart.
    Cart,
    /// Ordered.
    Order,
}

/// Build parameters.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Neighbours kept per item.
    pub neighbours: usize,
    /// Positions after an item that still count as co-occurring.
    pub window: usize,
    /// Weight of an item that came before, relative to one that came after (0: purely sequential
    /// rules; 1: symmetric co-visitation).
    pub backward: f64,
    /// Events kept per session (the most recent ones; older ones of a very long session are
    /// dropped from the buffer after their pairs were counted).
    pub max_session: usize,
    /// Co-occurrence recency half-life in seconds of log time (`None`: all sessions alike).
    pub half_life_s: Option<f64>,
    /// Trending: half-life in seconds of the decayed click count, relative to the log's end.
    pub trending_half_life_s: f64,
    /// Cap on distinct pairs held while building.
    pub max_pairs: usize,
    /// Pairs kept per item when the cap is hit.
    pub keep_per_item: usize,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            neighbours: 12,
            window: 3,
            backward: 0.5,
            max_session: 200,
            half_life_s: None,
            trending_half_life_s: 86_400.0,
            max_pairs: 20_000_000,
            keep_per_item: 200,
        }
    }
}

/// Accumulates a log, session by session.
pub struct Builder {
    opts: BuildOptions,
    index: HashMap<String, u32>,
    names: Vec<String>,
    clicks: Vec<f64>,
    trend: Vec<(f64, f64)>,
    pairs: HashMap<(u32, u32), f64>,
    bought: HashMap<(u32, u32), f64>,
    session: Option<String>,
    buf: Vec<(u32, f64, Interaction)>,
    sessions: u32,
    events: u64,
    first_t: Option<f64>,
    last_t: f64,
    prunes: u32,
}

/// What a build saw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuildStats {
    /// Sessions read.
    pub sessions: u32,
    /// Events read.
    pub events: u64,
    /// Distinct items.
    pub items: usize,
    /// Related edges written.
    pub related_edges: usize,
    /// Bought-together edges written.
    pub bought_edges: usize,
    /// Times the pair accumulator was pruned to stay under its cap.
    pub prunes: u32,
}

impl Builder {
    /// An empty builder.
    pub fn new(opts: BuildOptions) -> Builder {
        Builder {
            opts,
            index: HashMap::new(),
            names: Vec::new(),
            clicks: Vec::new(),
            trend: Vec::new(),
            pairs: HashMap::new(),
            bought: HashMap::new(),
            session: None,
            buf: Vec::new(),
            sessions: 0,
            events: 0,
            first_t: None,
            last_t: f64::MIN,
            prunes: 0,
        }
    }

    /// Events read so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Adds one event. `time_s` is seconds (any epoch, used for recency only).
    pub fn push(&mut self, session: &str, item: &str, time_s: f64, kind: Interaction) {
        if self.session.as_deref() != Some(session) {
            self.end_session();
            self.session = Some(session.to_string());
        }
        self.events += 1;
        let i = match self.index.get(item) {
            Some(&i) => i,
            None => {
                let i = self.names.len() as u32;
                self.index.insert(item.to_string(), i);
                self.names.push(item.to_string());
                self.clicks.push(0.0);
                self.trend.push((0.0, time_s));
                i
            }
        };
        let iu = i as usize;
        self.clicks[iu] += 1.0;
        let hl = self.opts.trending_half_life_s;
        let (score, at) = self.trend[iu];
        self.trend[iu] = if time_s >= at {
            (score * decay(time_s - at, hl) + 1.0, time_s)
        } else {
            (score + decay(at - time_s, hl), at)
        };
        if self.first_t.is_none() {
            self.first_t = Some(time_s);
        }
        self.last_t = self.last_t.max(time_s);
        // Pairs with the items before it, within the window (consecutive repeats skipped).
        let recency = match self.opts.half_life_s {
            Some(h) if h > 0.0 => {
                let base = self.first_t.unwrap_or(time_s);
                // Grows with log time; the final per-row normalisation removes the scale.
                (((time_s - base) / h).min(900.0)).exp2()
            }
            _ => 1.0,
        };
        for (d, &(prev, _, _)) in self.buf.iter().rev().take(self.opts.window).enumerate() {
            let w = recency / (d + 1) as f64;
            *self.pairs.entry((prev, i)).or_insert(0.0) += w;
            if self.opts.backward > 0.0 && prev != i {
                *self.pairs.entry((i, prev)).or_insert(0.0) += w * self.opts.backward;
            }
        }
        if kind != Interaction::View {
            for &(prev, _, k) in &self.buf {
                if k != Interaction::View && prev != i {
                    *self.bought.entry((prev, i)).or_insert(0.0) += recency;
                    *self.bought.entry((i, prev)).or_insert(0.0) += recency;
                }
            }
        }
        self.buf.push((i, time_s, kind));
        if self.buf.len() > self.opts.max_session {
            self.buf.remove(0);
        }
        if self.pairs.len() > self.opts.max_pairs {
            prune(&mut self.pairs, self.opts.keep_per_item);
            prune(&mut self.bought, self.opts.keep_per_item);
            self.prunes += 1;
        }
    }

    fn end_session(&mut self) {
        if self.session.take().is_some() {
            self.sessions += 1;
        }
        self.buf.clear();
    }

    /// Writes the model bytes.
    pub fn finish(mut self) -> (Vec<u8>, BuildStats) {
        self.end_session();
        let n = self.names.len();
        // Sorted ids; `rank[old] = new`.
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        let mut rank = vec![0u32; n];
        for (new, &old) in order.iter().enumerate() {
            rank[old as usize] = new as u32;
        }
        let related = rows(&self.pairs, &rank, n, self.opts.neighbours);
        let bought = rows(&self.bought, &rank, n, self.opts.neighbours);
        let wide = n > 1 << 16;
        let mut flags = if wide { FLAG_WIDE } else { 0 };
        // By the edges written: pairs whose weights all underflowed to 0 write none.
        if bought.iter().any(|row| !row.is_empty()) {
            flags |= FLAG_BOUGHT;
        }
        let hl = self.opts.trending_half_life_s;
        let end = self.last_t;
        let trend: Vec<f64> = self
            .trend
            .iter()
            .map(|&(s, at)| s * decay(end - at, hl))
            .collect();
        let pop = scale(&self.clicks);
        let trend = scale(&trend);

        let blob: usize = self.names.iter().map(String::len).sum();
        let r: usize = related.iter().map(Vec::len).sum();
        let b: usize = bought.iter().map(Vec::len).sum();
        let mut out = Vec::with_capacity(HEADER + 16 * n + blob + 6 * (r + b));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&flags.to_le_bytes());
        for v in [n, r, b, blob, self.sessions as usize, 0] {
            out.extend_from_slice(&(v as u32).to_le_bytes());
        }
        let mut end = 0u32;
        for &old in &order {
            end += self.names[old as usize].len() as u32;
            out.extend_from_slice(&end.to_le_bytes());
        }
        for lists in [&related, &bought] {
            let mut end = 0u32;
            for row in lists.iter() {
                end += row.len() as u32;
                out.extend_from_slice(&end.to_le_bytes());
            }
        }
        for values in [&pop, &trend] {
            for &old in &order {
                out.extend_from_slice(&values[old as usize].to_le_bytes());
            }
        }
        for &old in &order {
            out.extend_from_slice(self.names[old as usize].as_bytes());
        }
        for lists in [&related, &bought] {
            for row in lists.iter() {
                for &(t, _) in row {
                    if wide {
                        out.extend_from_slice(&t.to_le_bytes());
                    } else {
                        out.extend_from_slice(&(t as u16).to_le_bytes());
                    }
                }
            }
            for row in lists.iter() {
                for &(_, w) in row {
                    out.extend_from_slice(&w.to_le_bytes());
                }
            }
        }
        let sum = checksum(&out[HEADER..]);
        out[28..32].copy_from_slice(&sum.to_le_bytes());
        let stats = BuildStats {
            sessions: self.sessions,
            events: self.events,
            items: n,
            related_edges: r,
            bought_edges: b,
            prunes: self.prunes,
        };
        (out, stats)
    }
}

fn decay(dt: f64, half_life: f64) -> f64 {
    if half_life <= 0.0 {
        1.0
    } else {
        (-dt.max(0.0) / half_life).exp2()
    }
}

/// Values scaled so the largest is 65535; anything positive is at least 1.
fn scale(values: &[f64]) -> Vec<u16> {
    let max = values.iter().copied().fold(0.0, f64::max);
    values
        .iter()
        .map(|&v| {
            if v <= 0.0 || max <= 0.0 {
                0
            } else {
                ((v / max * 65535.0).round() as u16).max(1)
            }
        })
        .collect()
}

/// Per item (in sorted order), its strongest `k` neighbours (sorted indexes) with weights
/// scaled so the row's strongest is 65535; ties broken by the neighbour's id.
fn rows(
    pairs: &HashMap<(u32, u32), f64>,
    rank: &[u32],
    n: usize,
    k: usize,
) -> Vec<Vec<(u32, u16)>> {
    let mut all: Vec<(u32, u32, f64)> = pairs
        .iter()
        .map(|(&(a, b), &w)| (rank[a as usize], rank[b as usize], w))
        .collect();
    all.sort_by(|x, y| x.0.cmp(&y.0).then(y.2.total_cmp(&x.2)).then(x.1.cmp(&y.1)));
    let mut out = vec![Vec::new(); n];
    let mut i = 0;
    while i < all.len() {
        let src = all[i].0;
        let max = all[i].2;
        let row = &mut out[src as usize];
        while i < all.len() && all[i].0 == src {
            if row.len() < k && max > 0.0 {
                let w = ((all[i].2 / max * 65535.0).round() as u16).max(1);
                row.push((all[i].1, w));
            }
            i += 1;
        }
    }
    out
}

/// Keeps each source's `keep` strongest pairs.
fn prune(pairs: &mut HashMap<(u32, u32), f64>, keep: usize) {
    let mut all: Vec<((u32, u32), f64)> = pairs.drain().collect();
    all.sort_by(|x, y| {
        x.0 .0
            .cmp(&y.0 .0)
            .then(y.1.total_cmp(&x.1))
            .then(x.0 .1.cmp(&y.0 .1))
    });
    let mut count = 0;
    let mut src = u32::MAX;
    for (key, w) in all {
        if key.0 != src {
            src = key.0;
            count = 0;
        }
        if count < keep {
            pairs.insert(key, w);
            count += 1;
        }
    }
}
