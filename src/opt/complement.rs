//! `a and not a` → `false`; `a or not a` → `true`.

use super::{Cx, Pass};
use crate::ir::{fold, Pred};

pub struct Complement;

impl Pass for Complement {
    fn name(&self) -> &'static str {
        "complement"
    }

    fn rewrite(&self, p: Pred, cx: &mut Cx) -> Pred {
        let (and, items) = match &p {
            Pred::And(items) => (true, items),
            Pred::Or(items) => (false, items),
            _ => return p,
        };
        let keys: std::collections::HashSet<String> = items.iter().map(fold::key).collect();
        let negated = items.iter().any(|i| match i {
            Pred::Not(inner) => keys.contains(&fold::key(inner)),
            _ => false,
        });
        if negated {
            cx.changed += 1;
            Pred::Const(!and)
        } else {
            p
        }
    }
}
