use crate::diagnostics::{Applicability, Code, Diagnostic, Edit, Fix};
use crate::span::Span;
use crate::syntax::ast::{Arith, ArithKind, Definition, Expr, ExprKind, Step};

rule! {
    /// ## What it does
    /// Finds `and` and `or` mixed in one condition without parentheses,
    /// such as `A and B or C`, in a segment, an arm or a `where`. The
    /// checker reports it while reading the definitions (the IR has no
    /// parentheses left to look at). Its fix adds the parentheses that show
    /// how segc reads the condition.
    ///
    /// ## Why is this bad
    /// `and` binds tighter than `or`, so `A and B or C` is
    /// `(A and B) or C`: everyone who matches `C` is in, whatever `A` says.
    /// Authors who write it often mean `A and (B or C)`, and then the
    /// segment holds the wrong audience without any error.
    ///
    /// ## Example
    /// ```seg
    /// segment birthday_offer =
    ///   user.birth_date anniversary in next 7d and user.country = "ZA" or user.country = "NG"
    /// ```
    ///
    /// ## Use instead
    /// ```seg
    /// segment birthday_offer =
    ///   user.birth_date anniversary in next 7d and (user.country = "ZA" or user.country = "NG")
    /// ```
    /// If `(A and B) or C` is what you mean, write those parentheses.
    MixedAndOr, "mixed-and-or", None
}

/// Reports every `or` of a definition with an `and` among its operands
/// that no parentheses group. `text` is the definition's file.
pub fn check(def: &Definition, text: &str, out: &mut Vec<Diagnostic>) {
    match def {
        Definition::Segment(s) => walk(&s.expr, text, out),
        Definition::Partition(p) => p.arms.iter().for_each(|a| walk(&a.expr, text, out)),
    }
}

fn walk(e: &Expr, text: &str, out: &mut Vec<Diagnostic>) {
    match &e.kind {
        ExprKind::Or(items) => {
            if items.iter().any(|i| matches!(i.kind, ExprKind::And(_))) {
                out.push(finding(e.span, items, text));
            }
            items.iter().for_each(|i| walk(i, text, out));
        }
        ExprKind::And(items) => items.iter().for_each(|i| walk(i, text, out)),
        ExprKind::Not(inner) | ExprKind::Group(inner) => walk(inner, text, out),
        ExprKind::Did(d) => filter(&d.step, text, out),
        ExprKind::Regularity(r) => filter(&r.step, text, out),
        ExprKind::Aggregate(a) => filter(&a.aggregate.step, text, out),
        ExprKind::Recency(r) => filter(&r.step, text, out),
        ExprKind::Percentile(p) => arith(&p.measure, text, out),
        ExprKind::Compare(c) => {
            arith(&c.left, text, out);
            arith(&c.right, text, out);
        }
        ExprKind::Value(v) => filter(&v.value.step, text, out),
        ExprKind::Sequence(s) => s
            .steps
            .iter()
            .chain(&s.then_not)
            .for_each(|step| filter(step, text, out)),
        ExprKind::Bool(_) | ExprKind::Field(_) | ExprKind::InSegment(_) | ExprKind::Bucket(_) => {}
    }
}

/// The `where` filters of a measure's aggregates and value functions.
fn arith(a: &Arith, text: &str, out: &mut Vec<Diagnostic>) {
    match &a.kind {
        ArithKind::Aggregate(agg) => filter(&agg.step, text, out),
        ArithKind::Value(v) => filter(&v.step, text, out),
        ArithKind::Neg(inner) | ArithKind::Group(inner) => arith(inner, text, out),
        ArithKind::Binary(l, _, r) => {
            arith(l, text, out);
            arith(r, text, out);
        }
        ArithKind::Attribute(_) | ArithKind::Number(_) => {}
    }
}

fn filter(step: &Step, text: &str, out: &mut Vec<Diagnostic>) {
    if let Some(f) = &step.filter {
        walk(f, text, out);
    }
}

/// An operand as the reader sees it: its text on one line, cut when long.
fn shown(e: &Expr, text: &str) -> String {
    const LONGEST: usize = 100;
    let words: Vec<&str> = text[e.span.range()].split_whitespace().collect();
    let flat = words.join(" ");
    match flat.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// `items` joined by `or`, each `and` among them in parentheses; `part`
/// spells one operand.
fn grouped(items: &[Expr], part: &dyn Fn(&Expr) -> String) -> String {
    items
        .iter()
        .map(|i| match i.kind {
            ExprKind::And(_) => format!("({})", part(i)),
            _ => part(i),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The other reading of `A and B or C` (`A and (B or C)`) or of
/// `A or B and C` (`(A or B) and C`); `None` for longer mixes.
fn other_reading(items: &[Expr], text: &str) -> Option<String> {
    let [first, second] = items else { return None };
    let spell = |parts: &[Expr]| {
        parts
            .iter()
            .map(|p| shown(p, text))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    match (&first.kind, &second.kind) {
        (ExprKind::And(_), ExprKind::And(_)) => None,
        (ExprKind::And(left), _) => {
            let (last, init) = left.split_last()?;
            Some(format!(
                "{} and ({} or {})",
                spell(init),
                shown(last, text),
                shown(second, text)
            ))
        }
        (_, ExprKind::And(right)) => {
            let (head, rest) = right.split_first()?;
            Some(format!(
                "({} or {}) and {}",
                shown(first, text),
                shown(head, text),
                spell(rest)
            ))
        }
        _ => None,
    }
}

fn finding(span: Span, items: &[Expr], text: &str) -> Diagnostic {
    let schematic = grouped(items, &|i| match i.kind {
        ExprKind::And(_) => "… and …".to_string(),
        _ => "…".to_string(),
    });
    let reading = grouped(items, &|i| shown(i, text));
    let meant = match other_reading(items, text) {
        Some(other) => format!("put them where you meant them, e.g. `{other}`"),
        None => "put them where you meant them".to_string(),
    };
    let mut edits = Vec::new();
    for item in items.iter().filter(|i| matches!(i.kind, ExprKind::And(_))) {
        let (start, end) = (item.span.start as usize, item.span.end as usize);
        let insert = |at: usize, paren: &str| Edit {
            span: Span::new(span.file, at, at),
            replacement: paren.to_string(),
        };
        edits.push(insert(start, "("));
        edits.push(insert(end, ")"));
    }
    Diagnostic::new(
        Code::MixedAndOr,
        format!("`and` and `or` without parentheses: segc reads this as `{schematic}`"),
    )
    .label(span, "`and` binds tighter than `or` here")
    .help(format!(
        "segc reads `{reading}`; write these parentheses to keep that meaning, or {meant}"
    ))
    .fix(Fix::new(
        format!("add parentheses: `{schematic}`"),
        Applicability::Safe,
        edits,
    ))
}
