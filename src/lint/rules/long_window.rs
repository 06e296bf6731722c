use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{End, Point, Pred, Window};
use crate::lint::Context;
use crate::time::{MICROS_PER_SECOND, SECONDS_PER_DAY};

rule! {
    /// ## What it does
    /// Finds event windows longer than two years (730 days): a `within`,
    /// `between` or `starting within` reaching further back, or a
    /// regularity over more than two years of periods.
    ///
    /// ## Why is this bad
    /// Behaviour that old says little about a user today, and the query
    /// reads two years of events or more on every run. A long window is
    /// also a common slip of units: `within 1000d` for `within 100d`.
    ///
    /// ## Example
    /// ```seg
    /// segment loyal = did "purchase" at least 10 times within 1095d
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment loyal = did "purchase" at least 10 times within 365d
    /// ```
    /// If the long window is meant, write `# segc: allow(W0009)` on the
    /// line above.
    LongWindow, "long-window", Some(check)
}

/// Two years, in seconds.
const LIMIT: i64 = 730 * SECONDS_PER_DAY;

/// The window's length in seconds, when it is known without `now`.
fn length(w: &Window) -> Option<i64> {
    let end_ago = |p: &Point| match p {
        Point::Ago(s) => Some(*s),
        Point::At(_) | Point::Calendar { .. } => None,
    };
    match (w.start?, &w.end) {
        (Point::Ago(start), End::Now) => Some(start),
        (Point::Ago(start), End::Before(p)) => Some(start - end_ago(p)?),
        (Point::At(start), End::Before(Point::At(end))) => {
            Some((end.0 - start.0) / MICROS_PER_SECOND)
        }
        _ => None,
    }
}

/// The longest window of several reads.
fn longest(reads: Vec<&crate::ir::Selection>) -> Option<i64> {
    reads.into_iter().filter_map(|s| length(&s.window)).max()
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    crate::lint::for_each_leaf(cx.program, &mut |leaf| {
        let (seconds, span) = match leaf {
            Pred::Behaviour(b) => (length(&b.selection.window), b.span),
            Pred::Percentile(p) => (longest(p.measure.selections()), p.span),
            Pred::Compare(c) => {
                let mut reads = c.left.selections();
                reads.extend(c.right.selections());
                (longest(reads), c.span)
            }
            Pred::Value(v) => (length(&v.value.selection.window), v.span),
            Pred::Sequence(s) => (s.starting.as_ref().and_then(length), s.span),
            Pred::Regularity(r) => (length(&r.span_window()), r.span),
            _ => return,
        };
        if let Some(seconds) = seconds.filter(|s| *s > LIMIT) {
            let days = seconds / SECONDS_PER_DAY;
            out.push(
                Diagnostic::new(
                    Code::LongWindow,
                    format!("this window spans {days} days, more than two years"),
                )
                .label(span, format!("{days} days of events"))
                .help(
                    "check the number and unit (days are `d`); if the long window is meant, \
                     write `# segc: allow(W0009)` on the line above",
                ),
            );
        }
    });
}
