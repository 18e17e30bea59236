//! Substring search over bytes. `str::contains(&str)` and friends bring in core's two-way
//! searcher and its slicing panics (about 2.5 KB of wasm); the needles here are short (channel
//! rule words, condition operands), so a plain scan is as fast and far smaller. Likewise the
//! splits at one ASCII byte ([`split_once`], [`split`]...): `str`'s `char` patterns bring in
//! its char searcher, `memchr` and UTF-8 encoding of the pattern (1.8 KB of wasm, 0.8 KB
//! brotli), for separators that are all ASCII (`?`, `&`, `=`, `.`, tab, newline). And
//! [`concat()`], which the browser build uses instead of `[&str]::concat`, and [`utf8`] /
//! [`utf8_prefix`], which it uses instead of `core::str::from_utf8`.

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

/// `bytes` as text when they are valid UTF-8, as `core::str::from_utf8(bytes).ok()`.
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    match utf8_prefix(bytes) {
        (text, None) => Some(text),
        _ => None,
    }
}

/// The longest valid UTF-8 prefix of `bytes` as text and, when that is not all of them, the
/// length of the invalid sequence after it: `Utf8Error`'s `valid_up_to` and `error_len`
/// (counted to the end for a sequence cut short, where `error_len` is `None`).
///
/// The check is a byte-at-a-time loop rather than `core::str::from_utf8`, whose word-at-a-time
/// ASCII scan costs the wasm 0.7 KB; the browser's texts (compiled config, stored state,
/// source tables, decoded URL parameters) are short or read once. The tests hold it to
/// `core::str::from_utf8` on every sequence of up to three bytes and on every four-byte lead.
pub fn utf8_prefix(bytes: &[u8]) -> (&str, Option<usize>) {
    let (valid, bad) = utf8_check(bytes);
    let head = bytes.get(..valid).unwrap_or_default();
    // SAFETY: `utf8_check` accepted `head`: it is well-formed UTF-8 (RFC 3629: no overlong
    // forms, no surrogates, nothing above U+10FFFF), which the tests check against
    // `core::str::from_utf8`, the function native builds still convert with.
    #[cfg(target_arch = "wasm32")]
    let text = unsafe { core::str::from_utf8_unchecked(head) };
    #[cfg(not(target_arch = "wasm32"))]
    let text = core::str::from_utf8(head).unwrap_or_default();
    (text, bad)
}

/// How many bytes of `bytes` form valid UTF-8 from the start, and the length of the invalid
/// sequence after them, if any (see [`utf8_prefix`]).
fn utf8_check(bytes: &[u8]) -> (usize, Option<usize>) {
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        // The sequence's length, then the range of its second byte (RFC 3629's table): ranges
        // computed rather than matched on the lead byte, so no 256-entry table is generated.
        let width = match lead {
            0..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return (i, Some(1)),
        };
        let low = match lead {
            0xE0 => 0xA0,
            0xF0 => 0x90,
            _ => 0x80,
        };
        let high = match lead {
            0xED => 0x9F,
            0xF4 => 0x8F,
            _ => 0xBF,
        };
        let mut k = 1;
        while k < width {
            let ok = match bytes.get(i + k) {
                Some(&b) if k == 1 => low <= b && b <= high,
                Some(&b) => b & 0xC0 == 0x80,
                None => false,
            };
            if !ok {
                return (i, Some(k));
            }
            k += 1;
        }
        i += width;
    }
    (i, None)
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

    /// `utf8_check` as `core::str::from_utf8` reports it.
    fn std_check(bytes: &[u8]) -> (usize, Option<usize>) {
        match core::str::from_utf8(bytes) {
            Ok(_) => (bytes.len(), None),
            Err(e) => (
                e.valid_up_to(),
                Some(e.error_len().unwrap_or(bytes.len() - e.valid_up_to())),
            ),
        }
    }

    #[test]
    fn utf8_agrees_with_from_utf8_on_every_short_sequence() {
        assert_eq!(utf8_check(b""), (0, None));
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for seq in [&[a][..], &[a, b]] {
                    assert_eq!(utf8_check(seq), std_check(seq), "{seq:x?}");
                }
                for c in 0..=255u8 {
                    let seq = [a, b, c];
                    assert_eq!(utf8_check(&seq), std_check(&seq), "{seq:x?}");
                }
            }
        }
        // Four bytes: every non-ASCII lead and every second byte, the later bytes at the edges
        // of the continuation range and beyond.
        let edges = [
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF,
        ];
        for a in 0xC0..=255u8 {
            for b in 0..=255u8 {
                for c in edges {
                    for d in edges {
                        let seq = [a, b, c, d];
                        assert_eq!(utf8_check(&seq), std_check(&seq), "{seq:x?}");
                    }
                }
            }
        }
    }

    #[test]
    fn utf8_returns_the_text_and_the_valid_prefix() {
        assert_eq!(utf8("é日本x𝄞".as_bytes()), Some("é日本x𝄞"));
        assert_eq!(utf8(b"ab\xffc"), None);
        assert_eq!(utf8_prefix(b"ab\xffc"), ("ab", Some(1)));
        assert_eq!(utf8_prefix(b"ab\xe6\x97"), ("ab", Some(2)));
        assert_eq!(utf8_prefix("ü".as_bytes()), ("ü", None));
    }

    proptest::proptest! {
        #[test]
        fn utf8_agrees_with_from_utf8(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
            proptest::prop_assert_eq!(utf8_check(&bytes), std_check(&bytes));
            proptest::prop_assert_eq!(utf8(&bytes), core::str::from_utf8(&bytes).ok());
        }

        #[test]
        fn utf8_agrees_with_from_utf8_on_text(text in "\\PC{0,20}", cut in 0usize..80, junk in 0u8..=255) {
            let bytes = text.as_bytes();
            // Cut anywhere (possibly inside a character), then any byte.
            let bytes = [&bytes[..cut.min(bytes.len())], &[junk]].concat();
            proptest::prop_assert_eq!(utf8_check(&bytes), std_check(&bytes));
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
