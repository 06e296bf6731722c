use crate::diagnostics::{Code, Diagnostic};
use crate::lint::Context;

rule! {
    /// ## What it does
    /// Finds internal segments that no other segment uses. A segment whose
    /// name starts with `_` is internal: a building block for other
    /// definitions (`in segment _recent_buyers`), not an audience of its
    /// own.
    ///
    /// ## Why is this bad
    /// Nothing reads an unused internal segment: it is dead code left after
    /// a refactor, or a typo in the `in segment` that was meant to use it.
    ///
    /// ## Example
    /// ```seg
    /// segment _recent_buyers = did "purchase" within 30d
    /// segment vip = sum(amount) of "purchase" within 365d > 1000
    /// ```
    ///
    /// ## Use instead
    /// Use it, or delete it:
    /// ```seg
    /// segment _recent_buyers = did "purchase" within 30d
    /// segment vip = in segment _recent_buyers
    ///   and sum(amount) of "purchase" within 365d > 1000
    /// ```
    UnusedInternal, "unused-internal", Some(check)
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for segment in &cx.program.segments {
        if segment.name.starts_with('_') && !cx.used.contains(&segment.name) {
            out.push(
                Diagnostic::new(
                    Code::UnusedInternal,
                    format!(
                        "internal segment `{}` is not used by any segment",
                        segment.name
                    ),
                )
                .label(super::head(segment), "defined here, used nowhere")
                .help(format!(
                    "use it with `in segment {}`, or delete it; a name without the leading `_` \
                     makes it an audience of its own",
                    segment.name
                )),
            );
        }
    }
}
