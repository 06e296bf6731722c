use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{ArithOp, Num, Pred};
use crate::lint::Context;

rule! {
    /// ## What it does
    /// Finds a measure divided by something that may be zero: a count, a
    /// sum, a property value or a user attribute (not a constant other
    /// than 0).
    ///
    /// ## Why is this bad
    /// Division by zero makes the measure missing (spec §3.11), and a
    /// comparison with a missing value is false: a user who refunded
    /// something but never bought is not in `refunds / purchases > 0.2`,
    /// and not in `refunds / purchases <= 0.2` either.
    ///
    /// ## Example
    /// ```seg
    /// segment refunders = count of "refund" within 90d / count of "purchase" within 90d > 0.2
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment refunders = count of "refund" within 90d > 0.2 * count of "purchase" within 90d
    /// ```
    /// Multiplying instead keeps users without purchases (0 on the right).
    /// If leaving them out is meant, write `# segc: allow(W0015)` above.
    DivisionByMaybeZero, "division-by-maybe-zero", Some(check)
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    crate::lint::for_each_leaf(cx.program, &mut |leaf| {
        let (measures, span) = match leaf {
            Pred::Compare(c) => (vec![&c.left, &c.right], c.span),
            Pred::Percentile(p) => (vec![&p.measure], p.span),
            _ => return,
        };
        let risky = measures.into_iter().any(|m| {
            let mut found = false;
            m.for_each(&mut |n| {
                found |= matches!(n, Num::Binary(ArithOp::Div, _, divisor)
                    if !matches!(**divisor, Num::Const(c) if c != 0.0));
            });
            found
        });
        if risky {
            out.push(
                Diagnostic::new(
                    Code::DivisionByMaybeZero,
                    "this measure divides by something that may be zero",
                )
                .label(span, "missing for users whose divisor is 0")
                .help(
                    "division by zero makes the measure missing and the comparison false for \
                     those users; multiply the other side instead (`a > 0.2 * b` rather than \
                     `a / b > 0.2`), or write `# segc: allow(W0015)` above if that is meant",
                ),
            );
        }
    });
}
