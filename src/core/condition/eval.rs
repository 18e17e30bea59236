//! Evaluating a parsed condition against a [`Context`]: short-circuit boolean logic, comparisons
//! with the missing-value rules of the module doc, glob matching, and (when asked) a record of the
//! variables read, for explanations.

use crate::core::error::quote;
use alloc::{borrow::ToOwned, string::String, vec::Vec};
use core::fmt;

use super::context::{Context, Val};
use super::parser::{CmpOp, Expr, Literal, Operand, OperandKind};
use super::vars::Var;

/// A variable's value as it was read, for explanations ("stage.consideration = 0.62").
#[derive(Clone, Debug, PartialEq)]
pub enum ValueDisplay {
    /// No value (no such answer, no previous visit...).
    Missing,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
}

impl fmt::Display for ValueDisplay {
    /// Numbers with at most four decimals, text quoted, missing as `(none)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl ValueDisplay {
    /// What `Display` writes, as a `String` (`to_string` would bring a `Formatter` into the
    /// wasm).
    pub fn text(&self) -> String {
        match self {
            ValueDisplay::Missing => "(none)".into(),
            ValueDisplay::Bool(b) => (if *b { "true" } else { "false" }).into(),
            ValueDisplay::Text(s) => quote(s),
            ValueDisplay::Number(n) => crate::core::number::fixed4(*n),
        }
    }

    fn of(v: &Val<'_>) -> ValueDisplay {
        match v {
            Val::Missing | Val::List(_) => ValueDisplay::Missing,
            Val::Num(n) => ValueDisplay::Number(*n),
            Val::Str(s) => ValueDisplay::Text((*s).to_owned()),
            Val::Bool(b) => ValueDisplay::Bool(*b),
        }
    }
}

/// The variables read by an evaluation, in the order first read.
pub(super) type Reads = Vec<(String, ValueDisplay)>;

/// Evaluates `expr`; records variables into `reads` when given. Never panics, never fails: type
/// mismatches are false.
pub(super) fn eval(expr: &Expr, ctx: &Context<'_>, reads: &mut Option<&mut Reads>) -> bool {
    match expr {
        Expr::Or(parts) => parts.iter().any(|e| eval(e, ctx, reads)),
        Expr::And(parts) => parts.iter().all(|e| eval(e, ctx, reads)),
        Expr::Not(inner) => !eval(inner, ctx, reads),
        Expr::Truthy(o) => truthy(value(o, ctx, reads)),
        Expr::Compare(l, op, r) => {
            let l = value(l, ctx, reads);
            compare(l, *op, value(r, ctx, reads))
        }
        Expr::In(l, r) => {
            let l = value(l, ctx, reads);
            match value(r, ctx, reads) {
                Val::List(items) => items.iter().any(|(i, _)| equal(l, literal(i))),
                _ => false,
            }
        }
        Expr::Contains(l, r) => {
            let l = value(l, ctx, reads);
            match (l, value(r, ctx, reads)) {
                (Val::Str(a), Val::Str(b)) => crate::core::text::contains(a, b),
                (Val::List(items), r) => items.iter().any(|(i, _)| equal(literal(i), r)),
                _ => false,
            }
        }
        Expr::Matches(l, pattern) => match value(l, ctx, reads) {
            Val::Str(s) => glob(pattern.as_bytes(), s.as_bytes()),
            _ => false,
        },
    }
}

fn value<'c>(o: &'c Operand, ctx: &'c Context<'_>, reads: &mut Option<&mut Reads>) -> Val<'c> {
    match &o.kind {
        OperandKind::Lit(l) => literal(l),
        OperandKind::Group(e) => Val::Bool(eval(e, ctx, reads)),
        OperandKind::Var(v) => {
            let val = ctx.read(v);
            if let Some(reads) = reads.as_deref_mut() {
                record(reads, v, &val);
            }
            val
        }
    }
}

fn record(reads: &mut Reads, var: &Var, val: &Val<'_>) {
    let name = var.name();
    if !reads.iter().any(|(n, _)| *n == name) {
        reads.push((name, ValueDisplay::of(val)));
    }
}

fn literal(l: &Literal) -> Val<'_> {
    match l {
        Literal::Number(n) => Val::Num(*n),
        Literal::Str(s) => Val::Str(s),
        Literal::Bool(b) => Val::Bool(*b),
        Literal::List(items) => Val::List(items),
    }
}

fn truthy(v: Val<'_>) -> bool {
    match v {
        Val::Missing => false,
        Val::Bool(b) => b,
        Val::Num(n) => n != 0.0 && !n.is_nan(),
        Val::Str(s) => !s.is_empty(),
        Val::List(items) => !items.is_empty(),
    }
}

/// Same type and same value (lists never compare equal).
fn equal(a: Val<'_>, b: Val<'_>) -> bool {
    match (a, b) {
        (Val::Num(a), Val::Num(b)) => a == b,
        (Val::Str(a), Val::Str(b)) => a == b,
        (Val::Bool(a), Val::Bool(b)) => a == b,
        _ => false,
    }
}

fn compare(l: Val<'_>, op: CmpOp, r: Val<'_>) -> bool {
    if matches!(l, Val::Missing) || matches!(r, Val::Missing) {
        return op == CmpOp::Ne;
    }
    let same_type = core::mem::discriminant(&l) == core::mem::discriminant(&r);
    match op {
        CmpOp::Eq => equal(l, r),
        CmpOp::Ne => same_type && !matches!(l, Val::List(_)) && !equal(l, r),
        CmpOp::Gt | CmpOp::Ge | CmpOp::Lt | CmpOp::Le => {
            let (Val::Num(a), Val::Num(b)) = (l, r) else {
                return false;
            };
            match op {
                CmpOp::Gt => a > b,
                CmpOp::Ge => a >= b,
                CmpOp::Lt => a < b,
                _ => a <= b,
            }
        }
    }
}

/// Glob match where `*` stands for any run of characters (including `/`) and everything else
/// matches itself, case-sensitively. Backtracking over bytes, which only ever retries from the last
/// `*`: O(pattern × text) at worst, linear for the usual one-star path patterns. (A pattern's
/// literal parts are whole UTF-8 sequences, so byte matching never splits a character wrongly.)
pub(super) fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_stars_match_any_run() {
        let g = |p: &str, t: &str| glob(p.as_bytes(), t.as_bytes());
        assert!(g("/products/*", "/products/shoes"));
        assert!(g("/products/*", "/products/"));
        assert!(g("/products/*", "/products/shoes/red"));
        assert!(!g("/products/*", "/product"));
        assert!(g("*/checkout", "/en/checkout"));
        assert!(g("/a*b*c", "/aXXbYYc"));
        assert!(!g("/a*b*c", "/aXXbYY"));
        assert!(g("*", ""));
        assert!(g("/exact", "/exact"));
        assert!(!g("/exact", "/exact/"));
        assert!(g("/é*", "/éa"));
    }

    #[test]
    fn values_display_compactly() {
        assert_eq!(ValueDisplay::Number(0.62).to_string(), "0.62");
        assert_eq!(ValueDisplay::Number(3.0).to_string(), "3");
        assert_eq!(ValueDisplay::Number(1.0 / 3.0).to_string(), "0.3333");
        assert_eq!(ValueDisplay::Number(-0.00001).to_string(), "0");
        assert_eq!(ValueDisplay::Text("Email".into()).to_string(), "\"Email\"");
        assert_eq!(ValueDisplay::Missing.to_string(), "(none)");
    }

    #[test]
    fn missing_and_mismatched_values() {
        use CmpOp::*;
        for op in [Eq, Gt, Ge, Lt, Le] {
            assert!(!compare(Val::Missing, op, Val::Num(1.0)));
            assert!(!compare(Val::Str("a"), op, Val::Num(1.0)));
        }
        assert!(compare(Val::Missing, Ne, Val::Num(1.0)));
        assert!(!compare(Val::Str("a"), Ne, Val::Num(1.0)));
        assert!(compare(Val::Str("a"), Ne, Val::Str("b")));
        assert!(!compare(Val::Str("a"), Gt, Val::Str("b")));
        assert!(!truthy(Val::Missing) && !truthy(Val::Num(0.0)) && !truthy(Val::Str("")));
        assert!(truthy(Val::Num(-1.0)) && truthy(Val::Str("x")) && truthy(Val::Bool(true)));
    }
}
