use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Pred;
use crate::lint::Context;

rule! {
    /// ## What it does
    /// Finds sequences (`did A then B`) without `within`.
    ///
    /// ## Why is this bad
    /// Without a limit, the steps may lie years apart: a view in 2023 and a
    /// purchase today count as a funnel. That is rarely the behaviour the
    /// segment is named after, and `then not` without `within` means
    /// "never afterwards", which also grows with history.
    ///
    /// ## Example
    /// ```seg
    /// segment browsed_then_bought = did "view_item" then "purchase"
    ///   starting within 30d
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment browsed_then_bought = did "view_item" then "purchase" within 1d
    ///   starting within 30d
    /// ```
    SequenceWithoutWithin, "sequence-without-within", Some(check)
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    crate::lint::for_each_leaf(cx.program, &mut |leaf| {
        if let Pred::Sequence(s) = leaf {
            if s.within.is_none() {
                out.push(
                    Diagnostic::new(
                        Code::SequenceWithoutWithin,
                        "this sequence has no `within`, so its steps may lie any time apart",
                    )
                    .label(s.span, "no time limit between the first and the last step")
                    .help("add `within D` after the last step, e.g. `within 1d`"),
                );
            }
        }
    });
}
