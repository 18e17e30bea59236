//! Session-based kNN (Jannach & Ludewig, 2017), as an `eval recs --sknn` comparison only: for a
//! session prefix, the most similar training sessions (cosine over their item sets, among the
//! `SAMPLE` most recent sessions sharing an item) vote for their items, weighted by similarity.
//! It is not a shipping option: it needs every training session at query time, which the browser
//! would have to download, where the item-to-item model needs a few neighbours per item.
//! Holds the training sessions in memory (this is the only part of `eval recs` that does).

use std::collections::HashMap;

/// Training sessions indexed by item.
pub struct Sknn {
    index: HashMap<String, u32>,
    names: Vec<String>,
    sessions: Vec<Vec<u32>>,
    by_item: Vec<Vec<u32>>,
    popular: Vec<u32>,
}

/// Sessions sharing an item considered per query (the most recent ones).
const SAMPLE: usize = 500;
/// Neighbour sessions that vote.
const NEIGHBOURS: usize = 100;

impl Sknn {
    /// An empty index.
    pub fn new() -> Sknn {
        Sknn {
            index: HashMap::new(),
            names: Vec::new(),
            sessions: Vec::new(),
            by_item: Vec::new(),
            popular: Vec::new(),
        }
    }

    /// Adds an event; a new session id starts a new session.
    pub fn push(&mut self, session_changed: bool, item: &str) {
        let i = match self.index.get(item) {
            Some(&i) => i,
            None => {
                let i = self.names.len() as u32;
                self.index.insert(item.to_owned(), i);
                self.names.push(item.to_owned());
                self.by_item.push(Vec::new());
                i
            }
        };
        if session_changed || self.sessions.is_empty() {
            self.sessions.push(Vec::new());
        }
        let s = self.sessions.len() as u32 - 1;
        let current = self.sessions.last_mut().unwrap();
        if !current.contains(&i) {
            current.push(i);
            self.by_item[i as usize].push(s);
        }
    }

    /// Finishes the index (popularity by sessions containing the item).
    pub fn finish(&mut self) {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_by(|&a, &b| {
            self.by_item[b as usize]
                .len()
                .cmp(&self.by_item[a as usize].len())
                .then(self.names[a as usize].cmp(&self.names[b as usize]))
        });
        self.popular = order;
    }

    /// The top `k` next items for a prefix of item ids.
    pub fn predict(&self, prefix: &[String], k: usize) -> Vec<&str> {
        let mut items: Vec<u32> = prefix
            .iter()
            .filter_map(|p| self.index.get(p).copied())
            .collect();
        items.sort_unstable();
        items.dedup();
        let mut candidates: Vec<u32> = items
            .iter()
            .flat_map(|&i| self.by_item[i as usize].iter().rev().take(SAMPLE).copied())
            .collect();
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        candidates.dedup();
        candidates.truncate(SAMPLE);
        let mut sims: Vec<(f64, u32)> = candidates
            .into_iter()
            .map(|s| {
                let t = &self.sessions[s as usize];
                let common = t.iter().filter(|i| items.binary_search(i).is_ok()).count();
                (common as f64 / ((items.len() * t.len()) as f64).sqrt(), s)
            })
            .collect();
        sims.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        sims.truncate(NEIGHBOURS);
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for (sim, s) in sims {
            for &i in &self.sessions[s as usize] {
                *scores.entry(i).or_insert(0.0) += sim;
            }
        }
        let mut ranked: Vec<(u32, f64)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(self.names[a.0 as usize].cmp(&self.names[b.0 as usize]))
        });
        let mut out: Vec<u32> = ranked.into_iter().take(k).map(|(i, _)| i).collect();
        for &p in &self.popular {
            if out.len() >= k {
                break;
            }
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out.into_iter()
            .map(|i| self.names[i as usize].as_str())
            .collect()
    }
}
