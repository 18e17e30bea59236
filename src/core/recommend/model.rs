//! The recommendation model file (`.tmrm`, version 1): item ids, popularity, trending and
//! item-to-item neighbour lists, laid out so the browser can query the bytes as they arrived,
//! without building maps: ids are sorted (binary search), every table is fixed-width.
//!
//! Layout (all integers little-endian; `n` items, `r` related and `b` bought-together edges;
//! `w` = 2 bytes per target index, or 4 when flag bit 0 is set):
//!
//! | offset | size | field |
//! | --- | --- | --- |
//! | 0 | 4 | magic `TMRM` |
//! | 4 | 2 | version (1) |
//! | 6 | 2 | flags: bit 0 wide targets (u32), bit 1 bought-together lists present |
//! | 8 | 4 | `n` |
//! | 12 | 4 | `r` |
//! | 16 | 4 | `b` |
//! | 20 | 4 | bytes of the id blob |
//! | 24 | 4 | sessions the model was built from (informational) |
//! | 28 | 4 | FNV-1a 32 checksum of every byte after the header |
//! | 32 | 4n | end offset of each id in the blob (ids sorted by their UTF-8 bytes, unique) |
//! | | 4n | end of each item's related list (cumulative edge count) |
//! | | 4n | end of each item's bought-together list |
//! | | 2n | popularity, scaled so the most clicked item is 65535 (0 = never seen) |
//! | | 2n | trending: recency-decayed popularity, scaled the same way |
//! | | blob | the ids, UTF-8, concatenated |
//! | | w·r, 2r | related targets, then their weights (strongest first; 65535 = the row's strongest) |
//! | | w·b, 2b | bought-together targets, then weights |
//!
//! [`Model::from_bytes`] checks everything a query relies on once (sizes, checksum, sorted
//! UTF-8 ids, monotonic list ends, targets in range), so queries cannot fail afterwards; they
//! still read through `get`, never indexing that could panic.

use alloc::vec::Vec;
use core::fmt;

/// The four bytes every model starts with.
pub const MAGIC: &[u8; 4] = b"TMRM";
/// The format version this build writes and reads.
pub const VERSION: u16 = 1;
/// Header size in bytes.
pub const HEADER: usize = 32;
/// Flag bit: target indexes are u32 (more than 65,536 items).
pub const FLAG_WIDE: u16 = 1;
/// Flag bit: bought-together lists are present.
pub const FLAG_BOUGHT: u16 = 2;

/// Why model bytes were rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError(pub &'static str);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("recommendation model: ")?;
        f.write_str(self.0)
    }
}

/// FNV-1a, 32 bits: a cheap checksum that catches truncation and corruption in transit.
pub fn checksum(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(s) => u16::from_le_bytes([s[0], s[1]]),
        None => 0,
    }
}

/// One neighbour list's tables.
#[derive(Clone, Copy, Debug, Default)]
struct Edges {
    ends: usize,
    targets: usize,
    weights: usize,
}

/// A validated model: the bytes plus where each table starts.
#[derive(Clone, Debug)]
pub struct Model {
    bytes: Vec<u8>,
    n: usize,
    wide: bool,
    bought: bool,
    sessions: u32,
    id_ends: usize,
    pop: usize,
    trend: usize,
    blob: usize,
    related: Edges,
    bought_edges: Edges,
}

impl Model {
    /// Validates `bytes` as a model. Never panics; any inconsistency is an error.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Model, ModelError> {
        if bytes.len() < HEADER || &bytes[..4] != MAGIC {
            return Err(ModelError("not a Trailmark model file"));
        }
        if u16_at(&bytes, 4) != VERSION {
            return Err(ModelError("unsupported format version"));
        }
        let flags = u16_at(&bytes, 6);
        if flags & !(FLAG_WIDE | FLAG_BOUGHT) != 0 {
            return Err(ModelError("unknown flags (written by a newer version?)"));
        }
        let wide = flags & FLAG_WIDE != 0;
        let n = u32_at(&bytes, 8) as usize;
        let r = u32_at(&bytes, 12) as usize;
        let b = u32_at(&bytes, 16) as usize;
        let blob_len = u32_at(&bytes, 20) as usize;
        let w = if wide { 4 } else { 2 };
        // Sizes in u64 so that hostile counts cannot overflow.
        let expected = HEADER as u64
            + 16 * n as u64
            + blob_len as u64
            + (w as u64 + 2) * (r as u64 + b as u64);
        if expected != bytes.len() as u64 {
            return Err(ModelError("size does not match its header (truncated?)"));
        }
        if checksum(&bytes[HEADER..]) != u32_at(&bytes, 28) {
            return Err(ModelError("checksum mismatch (corrupt file)"));
        }
        if (flags & FLAG_BOUGHT != 0) != (b > 0) {
            return Err(ModelError("bought-together flag does not match its table"));
        }
        if !wide && n > 1 << 16 {
            return Err(ModelError("too many items for narrow targets"));
        }
        let id_ends = HEADER;
        let rel_ends = id_ends + 4 * n;
        let bt_ends = rel_ends + 4 * n;
        let pop = bt_ends + 4 * n;
        let trend = pop + 2 * n;
        let blob = trend + 2 * n;
        let rel_t = blob + blob_len;
        let rel_w = rel_t + w * r;
        let bt_t = rel_w + 2 * r;
        let bt_w = bt_t + w * b;
        let model = Model {
            n,
            wide,
            bought: flags & FLAG_BOUGHT != 0,
            sessions: u32_at(&bytes, 24),
            id_ends,
            pop,
            trend,
            blob,
            related: Edges {
                ends: rel_ends,
                targets: rel_t,
                weights: rel_w,
            },
            bought_edges: Edges {
                ends: bt_ends,
                targets: bt_t,
                weights: bt_w,
            },
            bytes,
        };
        model.check(blob_len, r, b)?;
        Ok(model)
    }

    fn check(&self, blob_len: usize, r: usize, b: usize) -> Result<(), ModelError> {
        let mut prev = 0;
        let mut prev_id: &[u8] = &[];
        for i in 0..self.n {
            let end = u32_at(&self.bytes, self.id_ends + 4 * i) as usize;
            if end < prev || end > blob_len {
                return Err(ModelError("item id table out of order"));
            }
            let id = &self.bytes[self.blob + prev..self.blob + end];
            if core::str::from_utf8(id).is_err() {
                return Err(ModelError("item id is not UTF-8"));
            }
            if i > 0 && id <= prev_id {
                return Err(ModelError("item ids are not sorted and unique"));
            }
            prev_id = id;
            prev = end;
        }
        if prev != blob_len {
            return Err(ModelError("item id table does not cover its blob"));
        }
        for (edges, total) in [(self.related, r), (self.bought_edges, b)] {
            let mut prev = 0;
            for i in 0..self.n {
                let end = u32_at(&self.bytes, edges.ends + 4 * i) as usize;
                if end < prev || end > total {
                    return Err(ModelError("neighbour table out of order"));
                }
                prev = end;
            }
            if prev != total {
                return Err(ModelError("neighbour table does not cover its edges"));
            }
            for e in 0..total {
                if self.target(edges, e) >= self.n {
                    return Err(ModelError("neighbour index out of range"));
                }
            }
        }
        Ok(())
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the model has no items.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The model file's size in bytes.
    pub fn size(&self) -> usize {
        self.bytes.len()
    }

    /// Sessions the model was built from.
    pub fn sessions(&self) -> u32 {
        self.sessions
    }

    /// Whether bought-together lists were built (the log had cart or order events).
    pub fn has_bought(&self) -> bool {
        self.bought
    }

    fn id_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            u32_at(&self.bytes, self.id_ends + 4 * (i - 1)) as usize
        };
        let end = u32_at(&self.bytes, self.id_ends + 4 * i) as usize;
        self.bytes
            .get(self.blob + start..self.blob + end)
            .unwrap_or(&[])
    }

    /// The id of item `i` (empty for an index out of range).
    pub fn id(&self, i: usize) -> &str {
        core::str::from_utf8(self.id_bytes(i)).unwrap_or("")
    }

    /// The index of the item with this id (binary search over the sorted ids).
    pub fn index(&self, id: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.n);
        let want = id.as_bytes();
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.id_bytes(mid).cmp(want) {
                core::cmp::Ordering::Less => lo = mid + 1,
                core::cmp::Ordering::Greater => hi = mid,
                core::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Popularity of item `i` (0..=65535).
    pub fn popularity(&self, i: usize) -> u16 {
        u16_at(&self.bytes, self.pop + 2 * i)
    }

    /// Trending score of item `i` (0..=65535).
    pub fn trending(&self, i: usize) -> u16 {
        u16_at(&self.bytes, self.trend + 2 * i)
    }

    fn target(&self, edges: Edges, e: usize) -> usize {
        if self.wide {
            u32_at(&self.bytes, edges.targets + 4 * e) as usize
        } else {
            usize::from(u16_at(&self.bytes, edges.targets + 2 * e))
        }
    }

    fn list(&self, edges: Edges, i: usize) -> impl Iterator<Item = (usize, u16)> + '_ {
        let end = if i < self.n {
            u32_at(&self.bytes, edges.ends + 4 * i) as usize
        } else {
            0
        };
        let start = if i >= self.n {
            end
        } else if i == 0 {
            0
        } else {
            u32_at(&self.bytes, edges.ends + 4 * (i - 1)) as usize
        };
        (start..end).map(move |e| {
            (
                self.target(edges, e),
                u16_at(&self.bytes, edges.weights + 2 * e),
            )
        })
    }

    /// Items that follow or accompany item `i` in sessions, strongest first, with weights.
    pub fn related(&self, i: usize) -> impl Iterator<Item = (usize, u16)> + '_ {
        self.list(self.related, i)
    }

    /// Items carted or ordered in the same sessions as item `i`, strongest first.
    pub fn bought(&self, i: usize) -> impl Iterator<Item = (usize, u16)> + '_ {
        self.list(self.bought_edges, i)
    }

    /// The `k` items with the highest `score` (ties by index, i.e. by id), zero scores left out.
    pub fn top(&self, k: usize, score: impl Fn(usize) -> u16) -> Vec<usize> {
        let mut best: Vec<(u16, usize)> = Vec::with_capacity(k.min(self.n) + 1);
        for i in 0..self.n {
            let s = score(i);
            if s == 0 || (best.len() == k && best.last().is_some_and(|b| b.0 >= s)) {
                continue;
            }
            let at = best.partition_point(|b| b.0 >= s);
            best.insert(at, (s, i));
            best.truncate(k);
        }
        best.into_iter().map(|(_, i)| i).collect()
    }
}
