use std::collections::BTreeSet;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Cmp, FieldOp, FieldPred, Pred};
use crate::lint::Context;

rule! {
    /// ## What it does
    /// Finds `user.x != value` and `user.x not in (…)` on user attributes.
    ///
    /// ## Why is this bad
    /// A user without the attribute fails every test but `is not set`
    /// (spec §3.9), so `user.plan != "pro"` leaves out every user whose
    /// plan is unknown. Readers almost always expect them to be in: they
    /// are not on the pro plan, after all.
    ///
    /// ## Example
    /// ```seg
    /// segment not_pro = user.plan != "pro"
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment not_pro = not user.plan = "pro"
    /// ```
    /// `not (… = …)` is true for users without a plan. If leaving them out
    /// is what you mean, say it: `user.plan is set and user.plan != "pro"`.
    NotEqualMissing, "not-equal-missing", Some(check)
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for segment in &cx.program.segments {
        for pred in segment.body.preds() {
            walk(pred, &BTreeSet::new(), out);
        }
    }
}

/// Visits `p`; `known` holds the attributes an enclosing `and` already
/// requires to be set (`user.x is set and user.x != …` is explicit).
fn walk(p: &Pred, known: &BTreeSet<&str>, out: &mut Vec<Diagnostic>) {
    match p {
        Pred::And(items) => {
            let mut known = known.clone();
            known.extend(items.iter().filter_map(|i| match i {
                Pred::Attribute(FieldPred {
                    field,
                    op: FieldOp::IsSet { negated: false },
                    ..
                }) => Some(field.name.as_str()),
                _ => None,
            }));
            items.iter().for_each(|i| walk(i, &known, out));
        }
        Pred::Or(items) => items.iter().for_each(|i| walk(i, known, out)),
        Pred::Not(inner) => walk(inner, known, out),
        Pred::Attribute(fp) if !known.contains(fp.field.name.as_str()) => report(fp, out),
        _ => {}
    }
}

fn report(fp: &FieldPred, out: &mut Vec<Diagnostic>) {
    let (written, instead) = match &fp.op {
        FieldOp::Compare { cmp: Cmp::Ne, .. } => ("!=", "`not user.x = …`"),
        FieldOp::In { negated: true, .. } => ("not in", "`not user.x in (…)`"),
        _ => return,
    };
    let name = &fp.field.name;
    out.push(
        Diagnostic::new(
            Code::NotEqualMissing,
            format!("`{written}` on user.{name} is false for users without a {name}"),
        )
        .label(fp.span, format!("users without a {name} are left out"))
        .help(format!(
            "write {} to keep them, or add `user.{name} is set and` to say that leaving them out is meant",
            instead.replace('x', name)
        )),
    );
}
