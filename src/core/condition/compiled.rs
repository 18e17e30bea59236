//! A condition's compiled form (see `config::compiled`): its text, for explanations, then its
//! parsed expression in prefix order, so the first-load wasm evaluates conditions without
//! the lexer, parser or type checker. Only [`Condition::parse`] makes expressions, so a
//! compiled one was type-checked when it was compiled.

use super::parser::{CmpOp, Expr, Literal, Operand, OperandKind};
use super::vars::Var;
use super::Condition;
use crate::core::config::compiled::{In, Out, Wire};
use alloc::{string::String, vec::Vec};

impl Condition {
    pub(crate) fn put_compiled(&self, o: &mut Out) {
        self.text.put(o);
        self.expr.put(o);
    }

    pub(crate) fn get_compiled(r: &mut In<'_>) -> Condition {
        Condition {
            text: Wire::get(r),
            expr: Wire::get(r),
        }
    }
}

impl Wire for Expr {
    fn put(&self, o: &mut Out) {
        match self {
            Expr::Or(list) => {
                o.byte(0);
                list.put(o);
            }
            Expr::And(list) => {
                o.byte(1);
                list.put(o);
            }
            Expr::Not(e) => {
                o.byte(2);
                e.put(o);
            }
            Expr::Truthy(a) => {
                o.byte(3);
                a.put(o);
            }
            Expr::Compare(a, op, b) => {
                o.byte(4);
                a.put(o);
                o.byte(*op as u8);
                b.put(o);
            }
            Expr::In(a, b) => {
                o.byte(5);
                a.put(o);
                b.put(o);
            }
            Expr::Contains(a, b) => {
                o.byte(6);
                a.put(o);
                b.put(o);
            }
            Expr::Matches(a, glob) => {
                o.byte(7);
                a.put(o);
                glob.put(o);
            }
        }
    }

    fn get(r: &mut In<'_>) -> Expr {
        match r.tag(8) {
            0 => Expr::Or(Wire::get(r)),
            1 => Expr::And(Wire::get(r)),
            2 => Expr::Not(Wire::get(r)),
            3 => Expr::Truthy(Wire::get(r)),
            4 => {
                const OPS: [CmpOp; 6] = [
                    CmpOp::Eq,
                    CmpOp::Ne,
                    CmpOp::Gt,
                    CmpOp::Ge,
                    CmpOp::Lt,
                    CmpOp::Le,
                ];
                let a = Wire::get(r);
                let op = OPS[usize::from(r.tag(6))];
                Expr::Compare(a, op, Wire::get(r))
            }
            5 => {
                let a = Wire::get(r);
                Expr::In(a, Wire::get(r))
            }
            6 => {
                let a = Wire::get(r);
                Expr::Contains(a, Wire::get(r))
            }
            _ => {
                let a = Wire::get(r);
                Expr::Matches(a, Wire::get(r))
            }
        }
    }
}

impl Wire for Operand {
    fn put(&self, o: &mut Out) {
        (self.col as u32).put(o);
        match &self.kind {
            OperandKind::Var(v) => {
                o.byte(0);
                v.put(o);
            }
            OperandKind::Lit(l) => {
                o.byte(1);
                l.put(o);
            }
            OperandKind::Group(e) => {
                o.byte(2);
                e.put(o);
            }
        }
    }

    fn get(r: &mut In<'_>) -> Operand {
        let col = u32::get(r) as usize;
        let kind = match r.tag(3) {
            0 => OperandKind::Var(Wire::get(r)),
            1 => OperandKind::Lit(Wire::get(r)),
            _ => OperandKind::Group(Wire::get(r)),
        };
        Operand { kind, col }
    }
}

impl Wire for Literal {
    fn put(&self, o: &mut Out) {
        match self {
            Literal::Number(n) => {
                o.byte(0);
                n.put(o);
            }
            Literal::Str(s) => {
                o.byte(1);
                s.put(o);
            }
            Literal::Bool(b) => {
                o.byte(2);
                b.put(o);
            }
            Literal::List(items) => {
                o.byte(3);
                o.varint(items.len() as u64);
                for (l, col) in items {
                    l.put(o);
                    (*col as u32).put(o);
                }
            }
        }
    }

    fn get(r: &mut In<'_>) -> Literal {
        match r.tag(4) {
            0 => Literal::Number(Wire::get(r)),
            1 => Literal::Str(Wire::get(r)),
            2 => Literal::Bool(Wire::get(r)),
            _ => {
                let n = r.len();
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    let l = Literal::get(r);
                    items.push((l, u32::get(r) as usize));
                }
                Literal::List(items)
            }
        }
    }
}

/// Variables without an id, in tag order (tags 7.. after the seven that carry one).
const PLAIN: [Var; 28] = [
    Var::TopStage,
    Var::Visits,
    Var::Returning,
    Var::NewVisitor,
    Var::DaysSinceLastVisit,
    Var::Lapsed,
    Var::Orders,
    Var::Customer,
    Var::Revenue,
    Var::ChannelSession,
    Var::ChannelLast,
    Var::ChannelFirst,
    Var::ChannelReported,
    Var::PainPoints,
    Var::SourceLast,
    Var::MediumLast,
    Var::CampaignLast,
    Var::SessionNumber,
    Var::SessionTouchpoints,
    Var::CartValue,
    Var::CartItems,
    Var::CartEmpty,
    Var::TopInterest,
    Var::PagePath,
    Var::PageUrl,
    Var::Device,
    Var::Hour,
    Var::Weekday,
];

impl Wire for Var {
    fn put(&self, o: &mut Out) {
        let with_id = |o: &mut Out, tag: u8, id: &String| {
            o.byte(tag);
            id.put(o);
        };
        let plain = match self {
            Var::Stage(id) => return with_id(o, 0, id),
            Var::Journey(id) => return with_id(o, 1, id),
            Var::JourneyStep(id) => return with_id(o, 2, id),
            Var::Interest(id) => return with_id(o, 3, id),
            Var::Survey(id) => return with_id(o, 4, id),
            Var::SurveyScore(id) => return with_id(o, 5, id),
            Var::Consent(id) => return with_id(o, 6, id),
            // An exhaustive match: a new variable fails to compile until it has a tag. The
            // test below checks these numbers are the positions in PLAIN.
            Var::TopStage => 0,
            Var::Visits => 1,
            Var::Returning => 2,
            Var::NewVisitor => 3,
            Var::DaysSinceLastVisit => 4,
            Var::Lapsed => 5,
            Var::Orders => 6,
            Var::Customer => 7,
            Var::Revenue => 8,
            Var::ChannelSession => 9,
            Var::ChannelLast => 10,
            Var::ChannelFirst => 11,
            Var::ChannelReported => 12,
            Var::PainPoints => 13,
            Var::SourceLast => 14,
            Var::MediumLast => 15,
            Var::CampaignLast => 16,
            Var::SessionNumber => 17,
            Var::SessionTouchpoints => 18,
            Var::CartValue => 19,
            Var::CartItems => 20,
            Var::CartEmpty => 21,
            Var::TopInterest => 22,
            Var::PagePath => 23,
            Var::PageUrl => 24,
            Var::Device => 25,
            Var::Hour => 26,
            Var::Weekday => 27,
        };
        o.byte(7 + plain);
    }

    fn get(r: &mut In<'_>) -> Var {
        match r.tag(7 + PLAIN.len() as u8) {
            0 => Var::Stage(Wire::get(r)),
            1 => Var::Journey(Wire::get(r)),
            2 => Var::JourneyStep(Wire::get(r)),
            3 => Var::Interest(Wire::get(r)),
            4 => Var::Survey(Wire::get(r)),
            5 => Var::SurveyScore(Wire::get(r)),
            6 => Var::Consent(Wire::get(r)),
            t => PLAIN[usize::from(t - 7)].clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_variables_encode_as_their_position() {
        for (i, v) in PLAIN.iter().enumerate() {
            let mut o = Out::default();
            v.put(&mut o);
            assert_eq!(o.bytes(), [7 + i as u8], "{v}");
        }
    }

    /// Every valid condition of the shared cases decodes to the same expression, not merely
    /// the same text (`Condition`'s equality compares text only).
    #[test]
    fn every_case_condition_round_trips_its_expression() {
        let text = include_str!("../../../tests/cases/conditions.json");
        let rows: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        let mut checked = 0;
        for row in &rows {
            let Some(src) = row[1]["expr"].as_str() else {
                continue;
            };
            let Ok(c) = Condition::parse(src) else {
                continue;
            };
            let mut o = Out::default();
            c.put_compiled(&mut o);
            let bytes = o.bytes().to_vec();
            let mut r = In::new(&bytes);
            let back = Condition::get_compiled(&mut r);
            assert!(r.done(), "{src}");
            assert_eq!(back.text, c.text);
            assert_eq!(back.expr, c.expr, "{src}");
            for cut in 0..bytes.len() {
                let mut r = In::new(&bytes[..cut]);
                Condition::get_compiled(&mut r);
                assert!(!r.done(), "{src} cut at {cut}");
            }
            checked += 1;
        }
        assert!(checked > 50, "only {checked} conditions");
    }
}
