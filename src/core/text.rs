//! Substring search over bytes. `str::contains(&str)` and friends bring in core's two-way
//! searcher and its slicing panics (about 2.5 KB of wasm); the needles here are short (channel
//! rule words, condition operands), so a plain scan is as fast and far smaller.

/// Byte offsets where `needle` starts in `hay`, left to right, overlapping (an empty needle
/// matches at every offset, including the end).
pub fn positions<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len().saturating_sub(n.len()))
        .filter(move |&i| n.len() <= h.len() && h[i..].starts_with(n))
}

/// Whether `needle` occurs in `hay`, as `hay.contains(needle)`.
pub fn contains(hay: &str, needle: &str) -> bool {
    positions(hay, needle).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_str_contains_and_match_indices() {
        let hays = ["", "a", "shop", "e-shop shopping", "ééshopé", "aaaa", "cpc"];
        let needles = ["", "a", "aa", "shop", "cp", "é", "shopping", "x"];
        for h in hays {
            for n in needles {
                assert_eq!(contains(h, n), h.contains(n), "{h:?} {n:?}");
                let want: Vec<usize> = if n.is_empty() {
                    (0..=h.len()).collect()
                } else {
                    (0..h.len())
                        .filter(|&i| h.as_bytes()[i..].starts_with(n.as_bytes()))
                        .collect()
                };
                assert_eq!(positions(h, n).collect::<Vec<_>>(), want, "{h:?} {n:?}");
                if !n.is_empty() && n.len() > 1 && !n.bytes().all(|b| b == n.as_bytes()[0]) {
                    let std: Vec<usize> = h.match_indices(n).map(|(i, _)| i).collect();
                    assert_eq!(positions(h, n).collect::<Vec<_>>(), std, "{h:?} {n:?}");
                }
            }
        }
    }
}
