use crate::diagnostics::{Code, Diagnostic};
use crate::lint::Context;

rule! {
    /// ## What it does
    /// Finds segments that the optimizer reduces to `false`: no user can
    /// ever be a member, whatever the data.
    ///
    /// ## Why is this bad
    /// An always-empty audience sends nothing and measures nothing. It is
    /// almost always two conditions that contradict each other: a count
    /// that must be both at least 5 and at most 3, an attribute with two
    /// values (`user.country = "ZA" and user.country = "NG"`, where
    /// `user.country in ("ZA", "NG")` was meant), or a `where` no event
    /// passes (`amount > 100 and amount < 50`).
    ///
    /// ## Example
    /// ```seg
    /// segment engaged = did "login" at least 5 times within 7d
    ///   and did "login" at most 3 times within 7d
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment engaged = did "login" at least 3 times within 7d
    ///   and did "login" at most 5 times within 7d
    /// ```
    /// `segc explain --segment NAME` shows which rewrites led to `false`.
    AlwaysEmpty, "always-empty", Some(check)
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    super::constant(
        cx,
        out,
        false,
        Code::AlwaysEmpty,
        "can never have members",
        "a condition contradicts another (counts, windows, or values of one attribute or property that cannot meet)",
    );
}
