//! Lint: the static checks a condition passes before it is stored. At parse time, with no
//! config, [`typecheck`] rejects operand types that can never compare (`top_stage > 3`) and
//! string values `device` and journey statuses never take; at config load, [`check_ids`] checks
//! stage and journey ids, and values compared with `top_stage`, against the config's stages.

use super::parser::{Expr, Literal, Operand, OperandKind};
use super::vars::{Type, Var, DEVICES, STATUSES};
use super::ConditionError;
use crate::core::config::Config;
use crate::core::error::quote;
use alloc::{format, string::String, vec, vec::Vec};

/// Rejects comparisons whose types can never match, and string literals a variable never holds.
pub(super) fn typecheck(expr: &Expr) -> Result<(), ConditionError> {
    let mismatch = |op: &str, a: &Operand, b: &Operand| {
        ConditionError::new(
            b.col,
            format!(
                "{op} cannot compare {} ({}) with {} ({})",
                a.describe(),
                a.ty().name(),
                b.describe(),
                b.ty().name()
            ),
        )
    };
    match expr {
        Expr::Or(parts) | Expr::And(parts) => parts.iter().try_for_each(typecheck),
        Expr::Not(inner) => typecheck(inner),
        Expr::Truthy(o) => group(o),
        Expr::Compare(l, op, r) => {
            group(l)?;
            group(r)?;
            if op.is_ordering() {
                for o in [l, r] {
                    if o.ty() != Type::Number {
                        return Err(ConditionError::new(
                            o.col,
                            format!(
                                "\"{}\" compares numbers, but {} is {}",
                                op.symbol(),
                                o.describe(),
                                o.ty().name()
                            ),
                        ));
                    }
                }
            } else if l.ty() != r.ty() {
                return Err(mismatch(&format!("\"{}\"", op.symbol()), l, r));
            } else {
                known_value(l, r)?;
                known_value(r, l)?;
            }
            Ok(())
        }
        Expr::In(l, r) => {
            group(l)?;
            if l.ty() == Type::List {
                return Err(ConditionError::new(
                    l.col,
                    "\"in\" needs a single value on its left",
                ));
            }
            let OperandKind::Lit(Literal::List(items)) = &r.kind else {
                return Ok(());
            };
            for (item, col) in items {
                let item = Operand {
                    kind: OperandKind::Lit(item.clone()),
                    col: *col,
                };
                if item.ty() != l.ty() {
                    return Err(mismatch("\"in\"", l, &item));
                }
                known_value(l, &item)?;
            }
            Ok(())
        }
        Expr::Contains(l, r) => {
            group(l)?;
            group(r)?;
            match (&l.kind, l.ty(), r.ty()) {
                (_, Type::Text, Type::Text) => Ok(()),
                (OperandKind::Lit(Literal::List(items)), Type::List, t) if t != Type::List => {
                    if items.is_empty() || items.iter().any(|(i, _)| i.ty() == t) {
                        Ok(())
                    } else {
                        Err(mismatch("\"contains\"", l, r))
                    }
                }
                (_, Type::Text | Type::List, _) => Err(mismatch("\"contains\"", l, r)),
                _ => Err(ConditionError::new(
                    l.col,
                    format!(
                        "\"contains\" looks inside a string or list, but {} is {}",
                        l.describe(),
                        l.ty().name()
                    ),
                )),
            }
        }
        Expr::Matches(l, _) => {
            group(l)?;
            if l.ty() == Type::Text {
                Ok(())
            } else {
                Err(ConditionError::new(
                    l.col,
                    format!(
                        "\"matches\" applies to strings, but {} is {}",
                        l.describe(),
                        l.ty().name()
                    ),
                ))
            }
        }
    }
}

fn group(o: &Operand) -> Result<(), ConditionError> {
    match &o.kind {
        OperandKind::Group(inner) => typecheck(inner),
        _ => Ok(()),
    }
}

/// When `var` holds one of a fixed set of strings, `lit` must be one of them.
fn known_value(var: &Operand, lit: &Operand) -> Result<(), ConditionError> {
    let (OperandKind::Var(v), OperandKind::Lit(Literal::Str(s))) = (&var.kind, &lit.kind) else {
        return Ok(());
    };
    let (domain, what) = match v {
        Var::Journey(_) => (STATUSES, "journey status"),
        Var::Device => (DEVICES, "device"),
        _ => return Ok(()),
    };
    check_domain(s, lit.col, domain.iter().copied(), what)
}

/// `"x" is not a <what>, did you mean "y"?` when `value` is not in `domain`.
pub(super) fn check_domain<'a>(
    value: &str,
    col: usize,
    domain: impl Iterator<Item = &'a str> + Clone,
    what: &str,
) -> Result<(), ConditionError> {
    if domain.clone().any(|d| d == value) {
        return Ok(());
    }
    let hint = crate::core::config::suggest(value, domain.clone());
    let list = if hint.is_empty() {
        let all: Vec<String> = domain.map(quote).collect();
        format!(" (one of {})", all.join(", "))
    } else {
        hint
    };
    Err(ConditionError::new(
        col,
        format!("{} is not a {what}{list}", quote(value)),
    ))
}

/// Calls `f` on every expression node, outermost first.
pub(super) fn walk<'e>(expr: &'e Expr, f: &mut impl FnMut(&'e Expr)) {
    f(expr);
    match expr {
        Expr::Or(parts) | Expr::And(parts) => parts.iter().for_each(|e| walk(e, f)),
        Expr::Not(inner) => walk(inner, f),
        _ => {
            for o in operands(expr) {
                if let OperandKind::Group(inner) = &o.kind {
                    walk(inner, f);
                }
            }
        }
    }
}

/// The operands of a comparison-level node.
pub(super) fn operands(expr: &Expr) -> Vec<&Operand> {
    match expr {
        Expr::Truthy(o) | Expr::Matches(o, _) => vec![o],
        Expr::Compare(l, _, r) | Expr::In(l, r) | Expr::Contains(l, r) => vec![l, r],
        Expr::Or(_) | Expr::And(_) | Expr::Not(_) => Vec::new(),
    }
}

pub(super) fn check_ids(expr: &Expr, config: &Config, errors: &mut Vec<ConditionError>) {
    let ops = operands(expr);
    for o in &ops {
        let OperandKind::Var(v) = &o.kind else {
            continue;
        };
        match v {
            Var::Stage(id) if config.stage_index(id).is_none() => {
                let ids = config.stages.iter().map(|s| s.id.as_str());
                let hint = crate::core::config::suggest(id, ids);
                errors.push(ConditionError::new(
                    o.col,
                    format!("unknown stage {}{hint}", quote(id)),
                ));
            }
            Var::Journey(id) | Var::JourneyStep(id)
                if !config.micro_journeys.iter().any(|j| j.id == *id) =>
            {
                let ids = config.micro_journeys.iter().map(|j| j.id.as_str());
                let hint = crate::core::config::suggest(id, ids);
                errors.push(ConditionError::new(
                    o.col,
                    format!("unknown micro journey {}{hint}", quote(id)),
                ));
            }
            _ => {}
        }
    }
    // String values compared with `top_stage` must be stage ids.
    let top = |o: &Operand| matches!(o.kind, OperandKind::Var(Var::TopStage));
    let strings: Vec<(&str, usize)> = match expr {
        Expr::Compare(l, _, r) if top(l) || top(r) => [l, r]
            .iter()
            .filter_map(|o| match &o.kind {
                OperandKind::Lit(Literal::Str(s)) => Some((s.as_str(), o.col)),
                _ => None,
            })
            .collect(),
        Expr::In(l, r) if top(l) => match &r.kind {
            OperandKind::Lit(Literal::List(items)) => items
                .iter()
                .filter_map(|(i, col)| match i {
                    Literal::Str(s) => Some((s.as_str(), *col)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    for (s, col) in strings {
        let ids = config.stages.iter().map(|s| s.id.as_str());
        if let Err(e) = check_domain(s, col, ids, "stage") {
            errors.push(e);
        }
    }
}
