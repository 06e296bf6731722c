use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Field, FieldOp, Filter, Pred, Step};
use crate::lint::Context;

rule! {
    /// ## What it does
    /// Finds `with same PROP` where a step's own `where` says that its
    /// events do not carry PROP (`where PROP is not set`, or `not (PROP is
    /// set)`, on every branch of the condition).
    ///
    /// ## Why is this bad
    /// An event without PROP never takes part in `with same` (spec §3.13).
    /// Such a positive step can never match, so the segment is empty; such
    /// a `then not` step never counts, so the abandonment always holds.
    /// `segc.toml` does not say which events carry which property, so this
    /// rule only trusts what the definition itself says.
    ///
    /// ## Example
    /// ```seg
    /// segment abandoned = did "add_to_cart" then not "purchase" where product_id is not set
    ///   within 1h with same product_id
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment abandoned = did "add_to_cart" then not "purchase" within 1h
    ///   with same product_id
    /// ```
    SameNotCarried, "same-not-carried", Some(check)
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    crate::lint::for_each_leaf(cx.program, &mut |leaf| {
        let (filters, same, span): (Vec<(&Option<Filter>, bool)>, &[Field], _) = match leaf {
            Pred::Sequence(s) if !s.same.is_empty() => {
                let steps = s.steps.iter().map(|st: &Step| (&st.filter, false));
                let not = s.then_not.iter().map(|st| (&st.filter, true));
                (steps.chain(not).collect(), &s.same, s.span)
            }
            Pred::SameCount(c) => (vec![(&c.selection.filter, false)], &c.same, c.span),
            _ => return,
        };
        for field in same {
            let Some(negated) = filters
                .iter()
                .find(|(f, _)| f.as_ref().is_some_and(|f| unset(f, &field.name)))
                .map(|(_, negated)| *negated)
            else {
                continue;
            };
            let effect = if negated {
                "so the `then not` step never counts and the sequence never sees it"
            } else {
                "so no event can take part and this never holds"
            };
            out.push(
                Diagnostic::new(
                    Code::SameNotCarried,
                    format!("`with same {}` on a step whose events lack `{}`", field.name, field.name),
                )
                .label(span, format!("a step's `where` says `{} is not set`, {effect}", field.name))
                .help(format!(
                    "events without `{}` never take part in `with same`: drop that condition, or `{}` from `with same`",
                    field.name, field.name
                )),
            );
        }
    });
}

/// Whether every event passing `f` lacks the property `name`.
fn unset(f: &Filter, name: &str) -> bool {
    let is_set = |f: &Filter, negated: bool| match f {
        Filter::Property(p) => p.field.name == name && p.op == FieldOp::IsSet { negated },
        _ => false,
    };
    match f {
        Filter::And(items) => items.iter().any(|i| unset(i, name)),
        Filter::Or(items) => !items.is_empty() && items.iter().all(|i| unset(i, name)),
        Filter::Not(inner) => is_set(inner, false),
        other => is_set(other, true),
    }
}
