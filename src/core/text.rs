//! Substring search over bytes. `str::contains(&str)` and friends bring in core's two-way
//! searcher and its slicing panics (about 2.5 KB of wasm); the needles here are short (channel
//! rule words, condition operands), so a plain scan is as fast and far smaller. Likewise the
//! splits at one ASCII byte ([`split_once`], [`split`]...): `str`'s `char` patterns bring in
//! its char searcher, `memchr` and UTF-8 encoding of the pattern (1.8 KB of wasm, 0.8 KB
//! brotli), for separators that are all ASCII (`?`, `&`, `=`, `.`, tab, newline). And
//! [`concat()`], which the browser build uses instead of `[&str]::concat`.

use alloc::string::String;

/// `parts` joined into one `String`, as `parts.concat()`: `[&str]::concat`'s generic code (a
/// `Borrow` walk and a slice-extending `Vec` copy) costs the wasm about 0.2 KB more than this loop.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        out.push_str(p);
    }
    out
}

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

/// Where the ASCII byte `sep` first occurs in `s`, as `s.find(char::from(sep))`.
pub fn find(s: &str, sep: u8) -> Option<usize> {
    s.bytes().position(|b| b == sep)
}

/// `s` split around the first ASCII byte `sep`, as `s.split_once(char::from(sep))`.
pub fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = find(s, sep)?;
    // An ASCII byte is a char boundary on both sides, so neither `get` fails.
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s` split around the last ASCII byte `sep`, as `s.rsplit_once(char::from(sep))`.
pub fn rsplit_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = s.bytes().rposition(|b| b == sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// The pieces of `s` between ASCII bytes `sep`, as `s.split(char::from(sep))` (so `""` gives
/// one empty piece).
pub fn split(s: &str, sep: u8) -> Split<'_> {
    Split { rest: Some(s), sep }
}

/// The iterator of [`split`].
pub struct Split<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match split_once(s, self.sep) {
            Some((head, tail)) => {
                self.rest = Some(tail);
                Some(head)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_agrees_with_slice_concat() {
        for parts in [&[][..], &[""], &["a"], &["a", "", "bc", "é"]] {
            assert_eq!(concat(parts), parts.concat(), "{parts:?}");
        }
    }

    #[test]
    fn byte_splits_agree_with_str_char_splits() {
        let texts = ["", "a", "?", "a?b", "??", "a?b?c", "?a?", "é?ü?", "日本?語"];
        for t in texts {
            assert_eq!(find(t, b'?'), t.find('?'), "{t:?}");
            assert_eq!(split_once(t, b'?'), t.split_once('?'), "{t:?}");
            assert_eq!(rsplit_once(t, b'?'), t.rsplit_once('?'), "{t:?}");
            assert_eq!(
                split(t, b'?').collect::<Vec<_>>(),
                t.split('?').collect::<Vec<_>>(),
                "{t:?}"
            );
        }
    }

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
