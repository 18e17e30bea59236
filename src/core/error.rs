//! Typed errors. Each has a stable `area/reason` code that the browser layer turns into a JS
//! `TrailmarkError`, and config errors carry the JSON path of the offending value.

use alloc::{string::String, vec::Vec};
use core::fmt;

use crate::core::number::integer;
use crate::core::text::concat;

/// One problem found in a config document, at a JSON path such as
/// `$.micro_journeys[1].steps[0].event`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// JSONPath-style location of the offending value (`$` is the document root).
    pub path: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl ConfigError {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        f.write_str(": ")?;
        f.write_str(&self.message)
    }
}

/// Why persisted state could not be decoded. Decoding failures never panic; the caller starts
/// from a fresh state and reports this once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodecError {
    /// The bytes do not start with Trailmark's magic number.
    NotTrailmark,
    /// Written by a newer format version than this build understands.
    FutureVersion(u16),
    /// The bytes end before the state does.
    Truncated,
    /// The checksum does not match the contents.
    Checksum,
    /// A field holds a value the format does not allow.
    Invalid(&'static str),
}

impl CodecError {
    /// The sentence `Display` writes. Built by hand: the browser build calls this, and formatting
    /// arguments would keep `core::fmt`'s padding code in the wasm.
    pub fn message(&self) -> String {
        match self {
            CodecError::NotTrailmark => "stored state is not Trailmark state".into(),
            CodecError::FutureVersion(v) => crate::core::text::concat(&[
                "stored state has format version ",
                &integer(u64::from(*v)),
                ", newer than this build reads",
            ]),
            CodecError::Truncated => "stored state is truncated".into(),
            CodecError::Checksum => "stored state fails its checksum".into(),
            CodecError::Invalid(what) => concat(&["stored state has an invalid ", what]),
        }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Every error the engine reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// The config has one or more problems; all of them are listed.
    Config(Vec<ConfigError>),
    /// Persisted state could not be read.
    Codec(CodecError),
    /// A call passed a value the engine cannot use (names the argument).
    InvalidInput {
        /// Which argument or field.
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Error {
    /// Stable `area/reason` code, e.g. `config/invalid`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Config(_) => "config/invalid",
            Error::Codec(CodecError::FutureVersion(_)) => "state/future-version",
            Error::Codec(_) => "state/corrupt",
            Error::InvalidInput { .. } => "input/invalid",
        }
    }
}

impl Error {
    /// The text `Display` writes, built by hand as [`CodecError::message`] is.
    pub fn message(&self) -> String {
        match self {
            Error::Config(errors) => {
                let mut out =
                    concat(&["config has ", &integer(errors.len() as u64), " problem(s)"]);
                for e in errors {
                    out.push_str("\n  ");
                    out.push_str(&e.path);
                    out.push_str(": ");
                    out.push_str(&e.message);
                }
                out
            }
            Error::Codec(e) => e.message(),
            Error::InvalidInput { field, message } => concat(&[field, ": ", message]),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for Error {}

impl From<CodecError> for Error {
    fn from(e: CodecError) -> Error {
        Error::Codec(e)
    }
}

/// `s` in double quotes with `"`, `\` and control characters escaped, as `format!("{s:?}")` shows
/// it except that other characters are left as they are (the browser build then needs no
/// Unicode printability tables).
pub(crate) fn quote(s: &str) -> String {
    // Byte by byte: no `char` decoder or encoder in the wasm. The control characters are
    // U+0000 to U+001F and U+007F (one byte each) and U+0080 to U+009F (the two bytes C2 80 to
    // C2 9F); no other byte of UTF-8 text is one of these, so every other byte is copied.
    let mut out = Vec::with_capacity(s.len() + 2);
    out.push(b'"');
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        let code = match b {
            0xc2 => match bytes.clone().next() {
                Some(c @ 0x80..=0x9f) => {
                    bytes.next();
                    c
                }
                _ => {
                    out.push(b);
                    continue;
                }
            },
            // Any other byte of a multi-byte character.
            0x80.. => {
                out.push(b);
                continue;
            }
            _ => b,
        };
        let escape: &[u8] = match code {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f | 0x7f..=0x9f => b"\\u{",
            _ => {
                out.push(b);
                continue;
            }
        };
        for &e in escape {
            out.push(e);
        }
        if escape.len() == 3 {
            // Lowercase hex without leading zeros, as `{:x}` writes it.
            const HEX: &[u8; 16] = b"0123456789abcdef";
            if code >= 16 {
                out.push(HEX[usize::from(code >> 4)]);
            }
            out.push(HEX[usize::from(code & 15)]);
            out.push(b'}');
        }
    }
    out.push(b'"');
    // Always valid: escapes are ASCII and everything else was copied from `s` whole.
    crate::core::text::utf8(&out).unwrap_or_default().into()
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quote_matches_debug_for_ordinary_text() {
        for s in [
            "",
            "Email",
            "a \"b\" \\ c",
            "line\nnext\ttab\r",
            "\u{1}\u{7f}",
            "é ü 日本",
            "\u{2}\u{1b}\u{85}\u{9f}",
        ] {
            assert_eq!(quote(s), format!("{s:?}"));
        }
    }

    /// The `char`-by-`char` escaping `quote` did before it went by bytes.
    fn by_chars(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn quote_escapes_every_char_as_char_by_char_escaping_did() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let s = format!("a{c}\u{85}{c}");
            assert_eq!(quote(&s), by_chars(&s), "{:x}", u32::from(c));
        }
    }
}
