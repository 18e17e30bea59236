//! Splits condition text into tokens, each with the 1-based character column it starts at, so
//! that every syntax error can point at the offending spot.

use super::ConditionError;
use crate::core::error::quote;
use alloc::{
    format,
    string::{String, ToString},
    vec::Vec,
};

/// One token of condition text.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Token {
    /// A variable path such as `stage.consideration` or `visits` (not a keyword).
    Path(String),
    /// A number literal (finite).
    Number(f64),
    /// A double-quoted string literal, unescaped.
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// `in`
    In,
    /// `contains`
    Contains,
    /// `matches`
    Matches,
    /// `||`
    Or,
    /// `&&`
    And,
    /// `!`
    Not,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
}

impl Token {
    /// How the token reads in an error message.
    pub(super) fn describe(&self) -> String {
        match self {
            Token::Path(p) => p.clone(),
            Token::Number(n) => crate::core::number::short(*n),
            Token::Str(s) => quote(s),
            Token::Bool(b) => b.to_string(),
            Token::In => "in".into(),
            Token::Contains => "contains".into(),
            Token::Matches => "matches".into(),
            other => format!("\"{}\"", other.symbol()),
        }
    }

    /// The symbol of an operator or punctuation token.
    pub(super) fn symbol(&self) -> &'static str {
        match self {
            Token::Or => "||",
            Token::And => "&&",
            Token::Not => "!",
            Token::Eq => "==",
            Token::Ne => "!=",
            Token::Gt => ">",
            Token::Ge => ">=",
            Token::Lt => "<",
            Token::Le => "<=",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::Comma => ",",
            Token::In => "in",
            Token::Contains => "contains",
            Token::Matches => "matches",
            _ => "",
        }
    }
}

/// Longest condition accepted, in bytes: conditions are hand-written one-liners, and a bound
/// keeps parsing (and the recursion depth of nested parentheses) cheap on hostile input.
pub(super) const MAX_LEN: usize = 2_000;

/// Tokens with their starting columns, and the column just past the end of the text.
pub(super) fn tokenize(text: &str) -> Result<(Vec<(Token, usize)>, usize), ConditionError> {
    if text.len() > MAX_LEN {
        return Err(ConditionError::new(
            1,
            format!("condition is longer than {MAX_LEN} characters"),
        ));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let two = |t: Token| (t, 2);
        let (token, len) = match (c, next) {
            ('|', Some('|')) => two(Token::Or),
            ('&', Some('&')) => two(Token::And),
            ('=', Some('=')) => two(Token::Eq),
            ('!', Some('=')) => two(Token::Ne),
            ('>', Some('=')) => two(Token::Ge),
            ('<', Some('=')) => two(Token::Le),
            ('|', _) => return Err(ConditionError::new(col, "use \"||\" for or")),
            ('&', _) => return Err(ConditionError::new(col, "use \"&&\" for and")),
            ('=', _) => return Err(ConditionError::new(col, "use \"==\" to compare")),
            ('!', _) => (Token::Not, 1),
            ('>', _) => (Token::Gt, 1),
            ('<', _) => (Token::Lt, 1),
            ('(', _) => (Token::LParen, 1),
            (')', _) => (Token::RParen, 1),
            ('[', _) => (Token::LBracket, 1),
            (']', _) => (Token::RBracket, 1),
            (',', _) => (Token::Comma, 1),
            ('"', _) => string(&chars, i)?,
            ('\'', _) => {
                return Err(ConditionError::new(
                    col,
                    "strings use double quotes (\"...\")",
                ))
            }
            // `.step` after a quoted segment: `survey["q 1"].score`.
            ('.', Some(n)) if n.is_ascii_alphabetic() || n == '_' => word(&chars, i),
            (c, _) if c.is_ascii_digit() || c == '-' || c == '.' => number(&chars, i)?,
            (c, _) if c.is_ascii_alphabetic() || c == '_' => word(&chars, i),
            (c, _) => {
                return Err(ConditionError::new(
                    col,
                    format!("unexpected character '{c}'"),
                ))
            }
        };
        tokens.push((token, col));
        i += len;
    }
    Ok((tokens, chars.len() + 1))
}

fn string(chars: &[char], start: usize) -> Result<(Token, usize), ConditionError> {
    let mut out = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((Token::Str(out), i + 1 - start)),
            '\\' => {
                match chars.get(i + 1) {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    _ => {
                        return Err(ConditionError::new(
                            i + 1,
                            "only \\\" and \\\\ may be escaped in a string",
                        ))
                    }
                }
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(ConditionError::new(
        start + 1,
        "string is not closed (missing '\"')",
    ))
}

fn number(chars: &[char], start: usize) -> Result<(Token, usize), ConditionError> {
    let mut i = start;
    if chars[i] == '-' {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > from
    };
    let mut any = digits(&mut i);
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        any |= digits(&mut i);
    }
    if any && i < chars.len() && matches!(chars[i], 'e' | 'E') {
        let mark = i;
        i += 1;
        if i < chars.len() && matches!(chars[i], '+' | '-') {
            i += 1;
        }
        if !digits(&mut i) {
            i = mark;
        }
    }
    let text: String = chars[start..i].iter().collect();
    if !any
        || chars
            .get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
    {
        let mut end = i;
        while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
            end += 1;
        }
        let text: String = chars[start..end].iter().collect();
        return Err(ConditionError::new(
            start + 1,
            format!("{} is not a number", quote(&text)),
        ));
    }
    let bad = || ConditionError::new(start + 1, format!("{} is not a number", quote(&text)));
    match crate::core::number::parse(&text) {
        Some(n) if n.is_finite() => Ok((Token::Number(n), i - start)),
        _ => Err(bad()),
    }
}

fn word(chars: &[char], start: usize) -> (Token, usize) {
    let mut i = start;
    while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "_-.".contains(chars[i])) {
        i += 1;
    }
    let text: String = chars[start..i].iter().collect();
    let token = match text.as_str() {
        "true" => Token::Bool(true),
        "false" => Token::Bool(false),
        "in" => Token::In,
        "contains" => Token::Contains,
        "matches" => Token::Matches,
        _ => Token::Path(text),
    };
    (token, i - start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        tokenize(text).unwrap().0.into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn operators_and_literals() {
        assert_eq!(
            kinds(r#"a.b >= -1.5 && !c || d != "x\"y" in [1, 2e3]"#),
            vec![
                Token::Path("a.b".into()),
                Token::Ge,
                Token::Number(-1.5),
                Token::And,
                Token::Not,
                Token::Path("c".into()),
                Token::Or,
                Token::Path("d".into()),
                Token::Ne,
                Token::Str("x\"y".into()),
                Token::In,
                Token::LBracket,
                Token::Number(1.0),
                Token::Comma,
                Token::Number(2000.0),
                Token::RBracket,
            ]
        );
    }

    #[test]
    fn columns_count_characters() {
        let (tokens, end) = tokenize("\"é\" == x").unwrap();
        assert_eq!(tokens[1].1, 5);
        assert_eq!(end, 9);
    }

    #[test]
    fn errors_name_the_column() {
        let e = |t: &str| tokenize(t).unwrap_err().to_string();
        assert_eq!(e("a = 1"), "column 3: use \"==\" to compare");
        assert_eq!(
            e("a == \"open"),
            "column 6: string is not closed (missing '\"')"
        );
        assert_eq!(e("a & b"), "column 3: use \"&&\" for and");
        assert_eq!(e("x > 1x"), "column 5: \"1x\" is not a number");
        assert_eq!(e("x > -"), "column 5: \"-\" is not a number");
        assert_eq!(e("x # 1"), "column 3: unexpected character '#'");
    }
}
