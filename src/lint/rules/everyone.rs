use crate::diagnostics::{Code, Diagnostic};
use crate::lint::Context;

rule! {
    /// ## What it does
    /// Finds segments that the optimizer reduces to `true`: every user is a
    /// member, whatever the data. A segment written as `true` is meant and
    /// is not reported.
    ///
    /// ## Why is this bad
    /// An audience of everyone is rarely intended: usually a condition and
    /// its opposite were joined by `or` (`user.x > 10 or user.x <= 10 or
    /// user.x is not set`), or a count is compared with what every user
    /// has (`at most 3 times` of events a `where` lets none of through),
    /// and the segment sends to all users.
    ///
    /// ## Example
    /// ```seg
    /// segment reachable = user.marketing_opt_in = true
    ///   or not user.marketing_opt_in = true
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment reachable = user.marketing_opt_in = true
    /// ```
    /// `segc explain --segment NAME` shows which rewrites led to `true`.
    Everyone, "everyone", Some(check)
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    super::constant(
        cx,
        out,
        true,
        Code::Everyone,
        "holds for every user",
        "its conditions hold for everyone together (a condition or its opposite, a count every user has)",
    );
}
