//! Recursive-descent parser from tokens to the condition AST (the static type check that follows
//! is in `lint.rs`).

use super::lexer::{tokenize, Token};
use super::lint::typecheck;
use super::vars::{is_segment, Type, Var};
use super::ConditionError;
use crate::core::error::quote;
use alloc::{
    borrow::ToOwned,
    boxed::Box,
    format,
    string::{String, ToString},
    vec,
    vec::Vec,
};

/// Deepest nesting of parentheses and `!` accepted (keeps recursion bounded on any input).
const MAX_DEPTH: usize = 32;

/// A boolean expression.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// A lone operand, read for truthiness.
    Truthy(Operand),
    Compare(Operand, CmpOp, Operand),
    /// `left in [list]`; the right operand is always a list literal.
    In(Operand, Operand),
    Contains(Operand, Operand),
    /// `left matches "glob"`.
    Matches(Operand, String),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    pub(super) fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
        }
    }

    pub(super) fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

/// A value in a comparison, with the column it starts at.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Operand {
    pub(super) kind: OperandKind,
    pub(super) col: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum OperandKind {
    Var(Var),
    Lit(Literal),
    /// A parenthesized boolean expression.
    Group(Box<Expr>),
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Literal {
    Number(f64),
    Str(String),
    Bool(bool),
    /// Elements with their columns (numbers, strings or booleans; never nested).
    List(Vec<(Literal, usize)>),
}

impl Literal {
    pub(super) fn ty(&self) -> Type {
        match self {
            Literal::Number(_) => Type::Number,
            Literal::Str(_) => Type::Text,
            Literal::Bool(_) => Type::Bool,
            Literal::List(_) => Type::List,
        }
    }
}

impl Operand {
    pub(super) fn ty(&self) -> Type {
        match &self.kind {
            OperandKind::Var(v) => v.ty(),
            OperandKind::Lit(l) => l.ty(),
            OperandKind::Group(_) => Type::Bool,
        }
    }

    /// How the operand reads in an error message.
    pub(super) fn describe(&self) -> String {
        match &self.kind {
            OperandKind::Var(v) => v.to_string(),
            OperandKind::Lit(Literal::Number(n)) => crate::core::number::short(*n),
            OperandKind::Lit(Literal::Str(s)) => quote(s),
            OperandKind::Lit(Literal::Bool(b)) => b.to_string(),
            OperandKind::Lit(Literal::List(_)) => "the list".into(),
            OperandKind::Group(_) => "the parenthesized condition".into(),
        }
    }
}

/// Parses and type-checks condition text.
pub(super) fn parse(text: &str) -> Result<Expr, ConditionError> {
    let (tokens, end) = tokenize(text)?;
    if tokens.is_empty() {
        return Err(ConditionError::new(1, "the condition is empty"));
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        end,
        depth: 0,
    };
    let expr = p.or()?;
    if let Some((t, col)) = p.tokens.get(p.pos) {
        let msg = match t {
            Token::RParen => "unmatched \")\"".to_string(),
            t if compare_op(t).is_some() => {
                "comparisons cannot be chained; join them with \"&&\"".to_string()
            }
            t => format!("expected \"&&\", \"||\" or the end, found {}", t.describe()),
        };
        return Err(ConditionError::new(*col, msg));
    }
    typecheck(&expr)?;
    Ok(expr)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    pos: usize,
    end: usize,
    depth: usize,
}

fn compare_op(t: &Token) -> Option<CmpOp> {
    Some(match t {
        Token::Eq => CmpOp::Eq,
        Token::Ne => CmpOp::Ne,
        Token::Gt => CmpOp::Gt,
        Token::Ge => CmpOp::Ge,
        Token::Lt => CmpOp::Lt,
        Token::Le => CmpOp::Le,
        _ => return None,
    })
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|t| &t.0)
    }

    /// Column of the next token (or the end of the text).
    fn col(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.1)
    }

    fn eat(&mut self, t: &Token) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn nest(&mut self) -> Result<(), ConditionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ConditionError::new(self.col(), "nested too deeply"));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ConditionError> {
        let mut parts = vec![self.and()?];
        while self.eat(&Token::Or) {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, ConditionError> {
        let mut parts = vec![self.unary()?];
        while self.eat(&Token::And) {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, ConditionError> {
        if self.eat(&Token::Not) {
            self.nest()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ConditionError> {
        let left = self.operand(None)?;
        let Some(t) = self.peek().cloned() else {
            return Ok(Expr::Truthy(left));
        };
        if let Some(op) = compare_op(&t) {
            self.pos += 1;
            let right = self.operand(Some(&t))?;
            return Ok(Expr::Compare(left, op, right));
        }
        match t {
            Token::In => {
                self.pos += 1;
                let col = self.col();
                let right = self.operand(Some(&t))?;
                if !matches!(right.kind, OperandKind::Lit(Literal::List(_))) {
                    return Err(ConditionError::new(
                        col,
                        "expected a list [...] after \"in\"",
                    ));
                }
                Ok(Expr::In(left, right))
            }
            Token::Contains => {
                self.pos += 1;
                let right = self.operand(Some(&t))?;
                Ok(Expr::Contains(left, right))
            }
            Token::Matches => {
                self.pos += 1;
                let col = self.col();
                match self.operand(Some(&t))?.kind {
                    OperandKind::Lit(Literal::Str(pattern)) => Ok(Expr::Matches(left, pattern)),
                    _ => Err(ConditionError::new(
                        col,
                        "expected a quoted pattern after \"matches\", e.g. \"/products/*\"",
                    )),
                }
            }
            _ => Ok(Expr::Truthy(left)),
        }
    }

    /// A value: literal, variable, list or parenthesized condition. `after` is the operator
    /// before it, for the "expected a value after" message.
    fn operand(&mut self, after: Option<&Token>) -> Result<Operand, ConditionError> {
        let col = self.col();
        let after = after.or_else(|| self.pos.checked_sub(1).map(|p| &self.tokens[p].0));
        let missing = |found: Option<&Token>| {
            let what = match after {
                Some(op) => format!("expected a value after {}", op.describe()),
                None => "expected a value".to_string(),
            };
            match found {
                Some(t) => ConditionError::new(col, format!("{what}, found {}", t.describe())),
                None => ConditionError::new(col, what),
            }
        };
        let Some(token) = self.peek().cloned() else {
            return Err(missing(None));
        };
        self.pos += 1;
        let kind = match token {
            Token::Number(n) => OperandKind::Lit(Literal::Number(n)),
            Token::Str(s) => OperandKind::Lit(Literal::Str(s)),
            Token::Bool(b) => OperandKind::Lit(Literal::Bool(b)),
            Token::Path(path) => OperandKind::Var(self.variable(&path, col)?),
            Token::LBracket => OperandKind::Lit(self.list(col)?),
            Token::LParen => {
                self.nest()?;
                let inner = self.or()?;
                self.depth -= 1;
                if !self.eat(&Token::RParen) {
                    return Err(ConditionError::new(
                        self.col(),
                        format!("expected \")\" to close the \"(\" at column {col}"),
                    ));
                }
                OperandKind::Group(Box::new(inner))
            }
            other => {
                self.pos -= 1;
                return Err(missing(Some(&other)));
            }
        };
        Ok(Operand { kind, col })
    }

    /// A dotted path, optionally followed by `["quoted segment"]` parts.
    fn variable(&mut self, path: &str, col: usize) -> Result<Var, ConditionError> {
        let mut segments: Vec<String> = path.split('.').map(str::to_owned).collect();
        if segments.iter().any(String::is_empty) {
            return Err(ConditionError::new(
                col,
                format!("{} is not a variable name", quote(path)),
            ));
        }
        while self.peek() == Some(&Token::LBracket) {
            let bracket = self.col();
            self.pos += 1;
            let Some(Token::Str(seg)) = self.peek().cloned() else {
                return Err(ConditionError::new(
                    self.col(),
                    "expected a quoted name inside [...], e.g. interest[\"Home & Garden\"]",
                ));
            };
            self.pos += 1;
            if !self.eat(&Token::RBracket) {
                return Err(ConditionError::new(
                    self.col(),
                    format!("expected \"]\" to close the \"[\" at column {bracket}"),
                ));
            }
            segments.push(seg);
            // A `.step` / `.score` may follow a quoted id.
            if let Some(Token::Path(rest)) = self.peek() {
                if let Some(tail) = rest.strip_prefix('.') {
                    if is_segment(tail) {
                        segments.push(tail.to_owned());
                        self.pos += 1;
                    }
                }
            }
        }
        Var::resolve(&segments, col)
    }

    fn list(&mut self, open: usize) -> Result<Literal, ConditionError> {
        let mut items = Vec::new();
        loop {
            if self.eat(&Token::RBracket) {
                return Ok(Literal::List(items));
            }
            let col = self.col();
            let item = match self.peek().cloned() {
                Some(Token::Number(n)) => Literal::Number(n),
                Some(Token::Str(s)) => Literal::Str(s),
                Some(Token::Bool(b)) => Literal::Bool(b),
                Some(t) => {
                    return Err(ConditionError::new(
                        col,
                        format!(
                            "lists hold numbers, strings or booleans, found {}",
                            t.describe()
                        ),
                    ))
                }
                None => {
                    return Err(ConditionError::new(
                        col,
                        format!("expected \"]\" to close the \"[\" at column {open}"),
                    ))
                }
            };
            self.pos += 1;
            items.push((item, col));
            if !self.eat(&Token::Comma) && self.peek() != Some(&Token::RBracket) {
                return Err(ConditionError::new(
                    self.col(),
                    format!("expected \",\" or \"]\" to close the \"[\" at column {open}"),
                ));
            }
        }
    }
}
