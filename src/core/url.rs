//! A tiny URL reader for page URLs and referrers: scheme, host, port, path and query-parameter
//! lookup, borrowing from the input and allocating only to lowercase a host or decode a value.
//!
//! It reads what browsers hand us (`location.href`, `document.referrer`); it does not validate or
//! normalise like the WHATWG parser, and it never panics. Decisions:
//! - the host is ASCII-lowercased with a trailing `.` removed; `www.` is kept (a faithful reader),
//!   and [`strip_www`] is what comparisons between sites use;
//! - userinfo (`user:pass@`) is skipped; an IPv6 literal keeps its brackets;
//! - a missing scheme is allowed (`example.com/a?b=c` or `//example.com/a`): the input then
//!   starts with the authority;
//! - query values are percent-decoded with `+` read as a space (form encoding); malformed `%`
//!   escapes are kept literally and invalid UTF-8 becomes U+FFFD; parameter names compare
//!   ASCII-case-insensitively; the fragment is ignored.

use alloc::{borrow::Cow, string::String, vec::Vec};

use crate::core::text;

/// The parts of a URL that channel classification reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url<'a> {
    /// Scheme without `:`, as written (e.g. `https`); empty when absent.
    pub scheme: &'a str,
    /// Host, ASCII-lowercased, trailing dot removed; empty for URLs without an authority.
    pub host: Cow<'a, str>,
    /// What follows the host's `:`, when there is one: the port as written, read by
    /// [`Url::port`] only when asked (classification never reads it, so the wasm has no port
    /// reader).
    port_text: Option<&'a str>,
    /// Path, still percent-encoded (starts with `/` when present).
    pub path: &'a str,
    /// Query string without `?` and without the fragment, still encoded.
    pub query: &'a str,
}

impl<'a> Url<'a> {
    /// Reads `input`. Never fails: unreadable parts come back empty.
    ///
    /// ```
    /// use trailmark::core::url::Url;
    /// let u = Url::parse("https://WWW.Example.com:8080/a/b?q=running+shoes#top");
    /// assert_eq!(u.host, "www.example.com");
    /// assert_eq!(u.port(), Some(8080));
    /// assert_eq!(u.path, "/a/b");
    /// assert_eq!(u.param("Q").as_deref(), Some("running shoes"));
    /// ```
    pub fn parse(input: &'a str) -> Url<'a> {
        let input = input.trim_ascii();
        // Splits at ASCII bytes (`text`), not `char` patterns: less wasm.
        let input = text::split_once(input, b'#').map_or(input, |(before, _)| before);
        let (scheme, rest) = split_scheme(input);
        let (rest, query) = match text::split_once(rest, b'?') {
            Some((r, q)) => (r, q),
            None => (rest, ""),
        };
        let (authority, path) = if let Some(after) = rest.strip_prefix("//") {
            split_at_slash(after)
        } else if scheme.is_empty() {
            split_at_slash(rest)
        } else {
            ("", rest) // `mailto:x`, `about:blank`: no authority
        };
        let authority = text::rsplit_once(authority, b'@').map_or(authority, |(_, h)| h);
        let (host, port_text) = split_port(authority);
        let host = host.strip_suffix(".").unwrap_or(host);
        let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(host.to_ascii_lowercase())
        } else {
            Cow::Borrowed(host)
        };
        Url {
            scheme,
            host,
            port_text,
            path,
            query,
        }
    }

    /// The port, when one is written and valid.
    pub fn port(&self) -> Option<u16> {
        self.port_text.and_then(port)
    }

    /// The host without a leading `www.`.
    pub fn host_without_www(&self) -> &str {
        strip_www(&self.host)
    }

    /// The decoded value of the first query parameter called `name` (ASCII case-insensitive).
    /// `?a` and `?a=` give `Some("")`.
    pub fn param(&self, name: &str) -> Option<Cow<'a, str>> {
        self.params()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| decode(v))
    }

    /// Every `(name, raw value)` pair of the query, in order; values are still encoded.
    pub fn params(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        let query: &'a str = self.query;
        text::split(query, b'&')
            .filter(|p| !p.is_empty())
            .map(|p| text::split_once(p, b'=').unwrap_or((p, "")))
    }
}

/// `host` without a leading `www.` (ASCII case-insensitive).
pub fn strip_www(host: &str) -> &str {
    match host.get(..4) {
        Some(prefix) if prefix.eq_ignore_ascii_case("www.") => host.get(4..).unwrap_or(host),
        _ => host,
    }
}

/// Percent-decodes a query component, reading `+` as a space.
pub fn decode(raw: &str) -> Cow<'_, str> {
    if !raw.bytes().any(|b| b == b'%' || b == b'+') {
        return Cow::Borrowed(raw);
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(lossy(&out))
}

/// `bytes` as text with each invalid sequence replaced by U+FFFD, as `String::from_utf8_lossy`
/// does (`Utf8Error::error_len` is the maximal invalid subsequence it replaces), without its
/// `Utf8Chunks` iterator, which the wasm would carry for this rare case alone.
fn lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    loop {
        let (valid, bad) = text::utf8_prefix(bytes);
        out.push_str(valid);
        match bad {
            None => return out,
            Some(n) => {
                // As text rather than `push(char::REPLACEMENT_CHARACTER)`: 6 B less raw wasm,
                // yet 72 B less brotli (layout).
                #[allow(clippy::single_char_add_str)]
                out.push_str("\u{FFFD}");
                bytes = bytes.get(valid.len() + n..).unwrap_or_default();
            }
        }
    }
}

fn hex(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).map(|d| d as u8)
}

/// Splits `scheme:` off when the input starts with a valid scheme followed by `:`.
fn split_scheme(input: &str) -> (&str, &str) {
    if let Some((scheme, rest)) = text::split_once(input, b':') {
        // Bytes, not `chars()`: every byte of a non-ASCII `char` fails the same ASCII tests,
        // and the wasm then needs no `char` decoder.
        let mut bytes = scheme.bytes();
        let valid = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
            && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        // `example.com:8080/x` is a host and port, not a scheme: a scheme is followed by `//`
        // or by something that does not start with a digit.
        let port_like = rest.bytes().next().is_some_and(|b| b.is_ascii_digit());
        if valid && (rest.starts_with("//") || !port_like) {
            return (scheme, rest);
        }
    }
    ("", input)
}

fn split_at_slash(s: &str) -> (&str, &str) {
    match text::find(s, b'/') {
        Some(i) => s.split_at_checked(i).unwrap_or((s, "")),
        None => (s, ""),
    }
}

fn split_port(authority: &str) -> (&str, Option<&str>) {
    let host_end = if authority.starts_with("[") {
        text::find(authority, b']').map_or(authority.len(), |i| i + 1)
    } else {
        // Bytes, not `rfind(char)`: its reverse char searcher costs the wasm 0.5 KB.
        authority
            .bytes()
            .rposition(|b| b == b':')
            .unwrap_or(authority.len())
    };
    let (host, rest) = authority
        .split_at_checked(host_end)
        .unwrap_or((authority, ""));
    (host, rest.strip_prefix(":"))
}

/// `p` as a port, as `p.parse::<u16>().ok()` reads it (an optional `+`, then decimal digits),
/// without core's integer parser and its error kinds, which cost the wasm more than this loop.
fn port(p: &str) -> Option<u16> {
    let digits = p.strip_prefix("+").unwrap_or(p);
    if digits.is_empty() {
        return None;
    }
    digits.bytes().try_fold(0u16, |n, b| {
        if !b.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u16::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_parts() {
        let u = Url::parse("HTTPS://user:pw@Shop.Example.COM.:443/p%20ath?a=1&b=x+y%21&c#frag?d=2");
        assert_eq!(u.scheme, "HTTPS");
        assert_eq!(u.host, "shop.example.com");
        assert_eq!(u.port(), Some(443));
        assert_eq!(u.path, "/p%20ath");
        assert_eq!(u.param("b").as_deref(), Some("x y!"));
        assert_eq!(u.param("c").as_deref(), Some(""));
        assert_eq!(u.param("d"), None, "fragment is ignored");
        assert_eq!(u.param("A").as_deref(), Some("1"));
    }

    #[test]
    fn first_parameter_wins_and_missing_is_none() {
        let u = Url::parse("https://a.example/?q=one&q=two");
        assert_eq!(u.param("q").as_deref(), Some("one"));
        assert_eq!(u.param("nope"), None);
    }

    #[test]
    fn schemeless_and_opaque_inputs() {
        assert_eq!(Url::parse("example.com/a?x=1").host, "example.com");
        assert_eq!(Url::parse("example.com:8080/a").port(), Some(8080));
        assert_eq!(Url::parse("//cdn.example/a").host, "cdn.example");
        let mail = Url::parse("mailto:someone@example.com");
        assert_eq!(mail.host, "");
        assert_eq!(mail.path, "someone@example.com");
        assert_eq!(Url::parse("").host, "");
        let app = Url::parse("android-app://com.google.android.gm/");
        assert_eq!(app.host, "com.google.android.gm");
    }

    #[test]
    fn ipv6_and_bad_ports() {
        let u = Url::parse("http://[::1]:8080/");
        assert_eq!(u.host, "[::1]");
        assert_eq!(u.port(), Some(8080));
        assert_eq!(Url::parse("http://a.example:99999/").port(), None);
    }

    #[test]
    fn decoding_is_lenient() {
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("caf%C3%A9"), "café");
        assert_eq!(decode("%FF"), "\u{FFFD}");
        assert!(matches!(decode("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn ports_parse_as_u16_does() {
        for p in [
            "", "0", "80", "+80", "0080", "65535", "65536", "99999", "+", "-1", "-0", "8a", " 8",
            "8 ", "++1", "1_0", "٣",
        ] {
            assert_eq!(port(p), p.parse::<u16>().ok(), "{p:?}");
        }
    }

    #[test]
    fn www_is_stripped_only_at_the_start() {
        assert_eq!(strip_www("WWW.example.com"), "example.com");
        assert_eq!(strip_www("wwwexample.com"), "wwwexample.com");
        assert_eq!(strip_www("ww"), "ww");
        assert_eq!(
            Url::parse("https://www.a.example/").host_without_www(),
            "a.example"
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_as_from_utf8_lossy_does() {
        let cases: [&[u8]; 8] = [
            b"",
            b"ok",
            b"\xff",
            b"a\xc3",
            b"\xe2\x82",
            b"\xf0\x9f\x98a\xf0\x9f",
            b"\xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80",
            b"x\xe2\x82\xacy\x80\x80z",
        ];
        for bytes in cases {
            assert_eq!(lossy(bytes), String::from_utf8_lossy(bytes), "{bytes:?}");
        }
    }

    proptest! {
        #[test]
        fn lossy_agrees_with_std(bytes in proptest::collection::vec(
            // ASCII, continuation bytes and the lead bytes at the edges of each length.
            prop::sample::select(vec![b'a', 0x80, 0x9f, 0xa0, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff]),
            0..24,
        )) {
            prop_assert_eq!(lossy(&bytes), String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn ports_agree_with_u16_parse(p in "[+-]?[0-9a]{0,7}") {
            prop_assert_eq!(port(&p), p.parse::<u16>().ok());
        }

        #[test]
        fn never_panics(s in "\\PC*", name in "\\PC{0,8}") {
            let u = Url::parse(&s);
            let _ = u.param(&name);
            let _ = u.host_without_www();
            let _ = decode(&s);
        }

        #[test]
        fn never_panics_on_url_like_input(s in "[a-zA-Z:/?#&=%+@\\[\\]0-9.é]{0,40}") {
            let u = Url::parse(&s);
            let _ = u.params().count();
            let _ = u.param("q");
        }
    }
}
