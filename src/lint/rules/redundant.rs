use crate::diagnostics::{Code, Diagnostic};
use crate::lint::Context;

rule! {
    /// ## What it does
    /// Finds conditions that the rest of their segment implies, so that
    /// removing them keeps the same members: a narrower window under `or`,
    /// a wider one under `and`, a duplicate, an absorbed `and`/`or`, a test
    /// of an attribute or property that another test of it implies
    /// (`user.plan = "pro" and user.plan is set`, `amount > 100 and
    /// amount > 50` in a `where`).
    ///
    /// ## Why is this bad
    /// A redundant condition misleads readers, who assume every condition
    /// matters, and it often hides a mistake: the author meant a different
    /// window or count.
    ///
    /// ## Example
    /// ```seg
    /// segment buyers = did "purchase" within 7d or did "purchase" within 30d
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment buyers = did "purchase" within 30d
    /// ```
    Redundant, "redundant", Some(check)
}

/// Redundant conditions reported per segment, at most.
const MAX_PER_SEGMENT: usize = 10;

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (segment, report) in cx.program.segments.iter().zip(&cx.reports) {
        let more = report.redundant.len().saturating_sub(MAX_PER_SEGMENT);
        for (i, span) in report.redundant.iter().take(MAX_PER_SEGMENT).enumerate() {
            let mut help = format!(
                "remove it (the members stay the same), or check its window and counts; {}",
                super::explain(segment)
            );
            if i + 1 == MAX_PER_SEGMENT && more > 0 {
                help.push_str(&format!(
                    " ({more} more redundant conditions in this segment are not listed)"
                ));
            }
            out.push(
                Diagnostic::new(
                    Code::Redundant,
                    "this condition is implied by the rest of the segment",
                )
                .label(*span, "redundant")
                .help(help),
            );
        }
    }
}
