//! Constant folding: `true`/`false` in `and`/`or`/`not`, and predicates
//! that hold for every count or for none (`count of "x" >= 0`,
//! `count of "x" < 0`, `in at least 0 of the last 4 weeks`, `top 0%`).

use super::{Cx, Pass};
use crate::ir::{Cmp, Measure, Pred};

pub struct Constants;

impl Pass for Constants {
    fn name(&self) -> &'static str {
        "constants"
    }

    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred {
        let folded = match &p {
            Pred::And(items) if items.contains(&Pred::Const(false)) => Some(Pred::Const(false)),
            Pred::Or(items) if items.contains(&Pred::Const(true)) => Some(Pred::Const(true)),
            Pred::And(items) | Pred::Or(items)
                if items.iter().any(|i| matches!(i, Pred::Const(_))) =>
            {
                let kept: Vec<Pred> = items
                    .iter()
                    .filter(|i| !matches!(i, Pred::Const(_)))
                    .cloned()
                    .collect();
                Some(match (&p, kept.len()) {
                    (Pred::And(_), 0) => Pred::Const(true),
                    (_, 0) => Pred::Const(false),
                    (_, 1) => kept.into_iter().next().expect("one"),
                    (Pred::And(_), _) => Pred::And(kept),
                    _ => Pred::Or(kept),
                })
            }
            Pred::Not(inner) => match **inner {
                Pred::Const(b) => Some(Pred::Const(!b)),
                _ => None,
            },
            Pred::Behaviour(b)
                if matches!(b.measure, Measure::Count | Measure::CountDistinct(_)) =>
            {
                count_constant(b.cmp, b.value).map(Pred::Const)
            }
            Pred::Regularity(r) if r.at_least == 0 => Some(Pred::Const(true)),
            Pred::Percentile(p) if p.percent <= 0.0 => Some(Pred::Const(false)),
            // The whole hash space: every user.
            Pred::Bucket(b) if b.from == 0 && b.to == 10_000 => Some(Pred::Const(true)),
            _ => None,
        };
        match folded {
            Some(c) => {
                cx.changed += 1;
                c
            }
            None => p,
        }
    }
}

/// Whether `count cmp value` holds for every whole count ≥ 0 (`Some(true)`)
/// or for none (`Some(false)`).
pub fn count_constant(cmp: Cmp, value: f64) -> Option<bool> {
    let whole = value.fract() == 0.0;
    match cmp {
        Cmp::Ge if value <= 0.0 => Some(true),
        Cmp::Gt if value < 0.0 => Some(true),
        Cmp::Ne if value < 0.0 || !whole => Some(true),
        Cmp::Lt if value <= 0.0 => Some(false),
        Cmp::Le if value < 0.0 => Some(false),
        Cmp::Eq if value < 0.0 || !whole => Some(false),
        _ => None,
    }
}
