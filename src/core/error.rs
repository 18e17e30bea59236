//! Typed errors. Each has a stable `area/reason` code that the browser layer turns into a JS
//! `TrailmarkError`, and config errors carry the JSON path of the offending value.

use alloc::{format, string::String, vec::Vec};
use core::fmt;

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
        write!(f, "{}: {}", self.path, self.message)
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

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::NotTrailmark => f.write_str("stored state is not Trailmark state"),
            CodecError::FutureVersion(v) => {
                write!(
                    f,
                    "stored state has format version {v}, newer than this build reads"
                )
            }
            CodecError::Truncated => f.write_str("stored state is truncated"),
            CodecError::Checksum => f.write_str("stored state fails its checksum"),
            CodecError::Invalid(what) => write!(f, "stored state has an invalid {what}"),
        }
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(errors) => {
                write!(f, "config has {} problem(s)", errors.len())?;
                for e in errors {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
            Error::Codec(e) => e.fmt(f),
            Error::InvalidInput { field, message } => write!(f, "{field}: {message}"),
        }
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
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                out.push_str("\\u{");
                out.push_str(&format!("{:x}", u32::from(c)));
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
        ] {
            assert_eq!(quote(s), format!("{s:?}"));
        }
    }
}
