use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Body, Pred};
use crate::lint::Context;
use crate::opt::{self, Report};

rule! {
    /// ## What it does
    /// Finds partition arms that can never be assigned: a user gets the
    /// first arm it matches, and every user this arm matches is already
    /// matched by an earlier one. The optimizer decides this, so it finds
    /// what its rewrites can prove (windows, counts, complements,
    /// duplicates), not every case.
    ///
    /// ## Why is this bad
    /// The arm is always empty, so whatever it feeds (a campaign, a
    /// report) gets nobody. Usually the arms are in the wrong order: a
    /// narrow arm after a broad one.
    ///
    /// ## Example
    /// ```seg
    /// partition activity {
    ///   monthly = did any event within 30d
    ///   weekly  = did any event within 7d
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// partition activity {
    ///   weekly  = did any event within 7d
    ///   monthly = did any event within 30d
    /// }
    /// ```
    UnreachableArm, "unreachable-arm", Some(check)
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let passes = opt::passes(false);
    for segment in &cx.program.segments {
        let Body::Partition { arms } = &segment.body else {
            continue;
        };
        for (i, arm) in arms.iter().enumerate().skip(1) {
            let earlier = Pred::Or(arms[..i].iter().map(|a| a.pred.clone()).collect());
            let only_this = Pred::And(vec![arm.pred.clone(), Pred::Not(Box::new(earlier))]);
            let mut report = Report::default();
            if opt::run(only_this, cx.program, &passes, &mut report) != Pred::Const(false) {
                continue;
            }
            let already = arms[..i]
                .iter()
                .map(|a| format!("`{}`", a.name))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                Diagnostic::new(
                    Code::UnreachableArm,
                    format!(
                        "arm `{}` of partition `{}` can never be assigned",
                        arm.name, segment.name
                    ),
                )
                .label(
                    arm.span,
                    "every user this arm matches matches an earlier arm",
                )
                .help(format!(
                    "a user gets the first arm it matches, and the arms before this one \
                     ({already}) match all its users; move it above the arm that covers it, \
                     or narrow that arm"
                )),
            );
        }
    }
}
