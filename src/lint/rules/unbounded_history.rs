use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Pred, Selection};
use crate::lint::Context;
use crate::span::Span;

rule! {
    /// ## What it does
    /// Finds behavioural conditions with no window: `did`, counts and
    /// aggregates without `within`/`between`/`since`, `top`/`bottom` over all
    /// time, and sequences without `starting within`. `first` and `last` are
    /// about all history by definition and are not reported.
    ///
    /// ## Why is this bad
    /// Such a condition reads every event the user ever had. On a
    /// warehouse, that is a scan of the whole events table on every run,
    /// which is what you pay for; with a window, the query reads only the
    /// recent partitions.
    ///
    /// ## Example
    /// ```seg
    /// segment buyers = did "purchase" at least 2 times
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment buyers = did "purchase" at least 2 times within 365d
    /// ```
    /// When all history is what you mean ("has never bought"), keep it and
    /// say so: `# segc: allow(W0006)` on the line above.
    UnboundedHistory, "unbounded-history", Some(check)
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    crate::lint::for_each_leaf(cx.program, &mut |leaf| {
        let unbounded = |s: &Selection| s.window.start.is_none();
        let span: Option<Span> = match leaf {
            Pred::Behaviour(b) if unbounded(&b.selection) => Some(b.span),
            Pred::SameCount(c) if unbounded(&c.selection) => Some(c.span),
            Pred::Percentile(p) if p.measure.selections().into_iter().any(unbounded) => {
                Some(p.span)
            }
            Pred::Compare(c)
                if c.left
                    .selections()
                    .into_iter()
                    .chain(c.right.selections())
                    .any(unbounded) =>
            {
                Some(c.span)
            }
            Pred::Value(v) if unbounded(&v.value.selection) => Some(v.span),
            Pred::Sequence(s) if s.starting.as_ref().is_none_or(|w| w.start.is_none()) => {
                Some(s.span)
            }
            _ => None,
        };
        if let Some(span) = span {
            out.push(
                Diagnostic::new(
                    Code::UnboundedHistory,
                    "this condition has no window, so it reads all of each user's history",
                )
                .label(span, "no window")
                .help(
                    "add a window (`within 90d`, `starting within 30d` for a sequence); \
                     if all history is meant, write `# segc: allow(W0006)` on the line above",
                ),
            );
        }
    });
}
