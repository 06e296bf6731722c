//! A readable text form of the IR, one node a line, for `segc ir` and its
//! snapshots. Windows print as intervals: `[now - 7d, now]`.

use std::fmt::Write;

use super::*;
use crate::time::format_duration as duration;

/// Prints a whole program.
pub fn pretty(program: &Program) -> String {
    let mut out = String::new();
    if !program.settings.is_default() {
        let _ = writeln!(
            out,
            "settings time_zone {:?} week_starts_on {:?}\n",
            program.settings.time_zone, program.settings.week_starts_on
        );
    }
    for (i, segment) in program.segments.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        print_segment(&mut out, segment);
    }
    out
}

fn print_segment(out: &mut String, segment: &Segment) {
    if let Some(doc) = &segment.doc {
        for line in doc.lines() {
            let _ = writeln!(out, "## {line}");
        }
    }
    match &segment.body {
        Body::Predicate { pred, holdout } => {
            let _ = write!(out, "segment {}", segment.name);
            if let Some(h) = holdout {
                let _ = write!(out, " holdout {}bp salt {:?}", h.basis_points, h.salt);
            }
            out.push('\n');
            print_pred(out, pred, 1);
        }
        Body::Partition { arms } => {
            let _ = writeln!(out, "partition {}", segment.name);
            for arm in arms {
                let _ = writeln!(out, "  arm {}", arm.name);
                print_pred(out, &arm.pred, 2);
            }
        }
    }
}

fn print_pred(out: &mut String, pred: &Pred, depth: usize) {
    let pad = "  ".repeat(depth);
    let line = match pred {
        Pred::And(items) | Pred::Or(items) => {
            let _ = writeln!(
                out,
                "{pad}{}",
                if matches!(pred, Pred::And(_)) {
                    "and"
                } else {
                    "or"
                }
            );
            for item in items {
                print_pred(out, item, depth + 1);
            }
            return;
        }
        Pred::Not(inner) => {
            let _ = writeln!(out, "{pad}not");
            print_pred(out, inner, depth + 1);
            return;
        }
        Pred::Const(b) => b.to_string(),
        Pred::Behaviour(b) => format!(
            "{} {} {}",
            aggregate(&b.measure, &b.selection),
            b.cmp.as_str(),
            number(b.value)
        ),
        Pred::Recency(r) => format!(
            "{} of {}{} in {}",
            if r.which == Which::First {
                "first"
            } else {
                "last"
            },
            events(&r.events),
            filter_suffix(&r.filter),
            window(&r.window)
        ),
        Pred::Sequence(s) => {
            let mut text = String::from("sequence ");
            let steps: Vec<String> = s.steps.iter().map(step).collect();
            text.push_str(&steps.join(" then "));
            if let Some(n) = &s.then_not {
                let _ = write!(text, " then not {}", step(n));
            }
            if let Some(w) = s.within {
                let _ = write!(text, " within {}", duration(w));
            }
            if let Some(w) = &s.starting {
                let _ = write!(text, " starting in {}", window(w));
            }
            text.push_str(&same(&s.same));
            text
        }
        Pred::Regularity(r) => {
            let per_bucket: Vec<String> = r
                .per_bucket
                .iter()
                .map(|c| format!("count {} {}", c.cmp.as_str(), number(c.value)))
                .collect();
            let period = match r.calendar {
                None => duration(r.period_seconds),
                Some(c) => format!("calendar {} from period {}", c.unit.name(), c.skip),
            };
            format!(
                "regularity of {}{}: {} in at least {} of the last {} buckets of {}",
                events(&r.events),
                filter_suffix(&r.filter),
                per_bucket.join(" and "),
                r.at_least,
                r.buckets,
                period
            )
        }
        Pred::Attribute(f) => format!("user.{}", field_pred(f)),
        Pred::Ref(r) => match &r.arm {
            Some(arm) => format!("in segment {}.{}", r.segment, arm),
            None => format!("in segment {}", r.segment),
        },
        Pred::Bucket(b) => format!("bucket [{}bp, {}bp) salt {:?}", b.from, b.to, b.salt),
        Pred::Percentile(p) => format!(
            "{} {}% by {}",
            if p.top { "top" } else { "bottom" },
            number(p.percent),
            num(&p.measure)
        ),
        Pred::SameCount(c) => format!(
            "{} >= {}{}",
            aggregate(&Measure::Count, &c.selection),
            c.at_least,
            same(&c.same)
        ),
        Pred::Compare(c) => format!("{} {} {}", num(&c.left), c.cmp.as_str(), num(&c.right)),
        Pred::Value(v) => format!("{} {}", value_of(&v.value), field_op(&v.op)),
    };
    let _ = writeln!(out, "{pad}{line}");
}

/// ` with same p, q`, or nothing.
fn same(fields: &[Field]) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let names: Vec<String> = fields.iter().map(field).collect();
    format!(" with same {}", names.join(", "))
}

fn aggregate(measure: &Measure, selection: &Selection) -> String {
    let m = match measure {
        Measure::Count => "count".to_string(),
        Measure::CountDistinct(f) => format!("count distinct({})", field(f)),
        Measure::Sum(f) => format!("sum({})", field(f)),
        Measure::Avg(f) => format!("avg({})", field(f)),
        Measure::Min(f) => format!("min({})", field(f)),
        Measure::Max(f) => format!("max({})", field(f)),
    };
    format!(
        "{m} of {}{} in {}",
        events(&selection.events),
        filter_suffix(&selection.filter),
        window(&selection.window)
    )
}

fn field(f: &Field) -> String {
    match f.ty {
        Some(ty) => format!("{}: {}", f.name, ty.name()),
        None => format!("{}: ?", f.name),
    }
}

fn events(set: &EventSet) -> String {
    match set {
        EventSet::Any => "any event".to_string(),
        EventSet::Names(names) if names.len() == 1 => format!("{:?}", names[0]),
        EventSet::Names(names) => format!("any of ({})", quoted(names)),
        EventSet::Except(names) => format!("any event except ({})", quoted(names)),
    }
}

fn quoted(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    quoted.join(", ")
}

fn step(s: &Step) -> String {
    format!("{}{}", events(&s.events), filter_suffix(&s.filter))
}

fn filter_suffix(filter: &Option<Filter>) -> String {
    filter
        .as_ref()
        .map(|f| format!(" where {}", filter_text(f)))
        .unwrap_or_default()
}

fn filter_text(f: &Filter) -> String {
    let join = |items: &[Filter], op: &str| {
        let parts: Vec<String> = items.iter().map(filter_text).collect();
        format!("({})", parts.join(op))
    };
    match f {
        Filter::And(items) => join(items, " and "),
        Filter::Or(items) => join(items, " or "),
        Filter::Not(inner) => format!("not {}", filter_text(inner)),
        Filter::Const(b) => b.to_string(),
        Filter::Property(p) => field_pred(p),
    }
}

fn field_pred(p: &FieldPred) -> String {
    format!("{} {}", field(&p.field), field_op(&p.op))
}

fn field_op(op: &FieldOp) -> String {
    let case = |ic: bool| if ic { " ignoring case" } else { "" };
    match op {
        FieldOp::Compare {
            cmp,
            value,
            ignore_case,
        } => format!("{} {}{}", cmp.as_str(), literal(value), case(*ignore_case)),
        FieldOp::In {
            values,
            negated,
            ignore_case,
        } => {
            let items: Vec<String> = values.iter().map(literal).collect();
            format!(
                "{}in ({}){}",
                if *negated { "not " } else { "" },
                items.join(", "),
                case(*ignore_case)
            )
        }
        FieldOp::Contains { text, ignore_case } => {
            format!("contains {text:?}{}", case(*ignore_case))
        }
        FieldOp::StartsWith { text, ignore_case } => {
            format!("starts with {text:?}{}", case(*ignore_case))
        }
        FieldOp::EndsWith { text, ignore_case } => {
            format!("ends with {text:?}{}", case(*ignore_case))
        }
        FieldOp::Matches { pattern } => format!("matches {pattern:?}"),
        FieldOp::IsSet { negated } => format!("is {}set", if *negated { "not " } else { "" }),
        FieldOp::Window(w) => format!("in {}", window(w)),
        FieldOp::InNext { seconds } => format!("in [now, now + {}]", duration(*seconds)),
        FieldOp::Anniversary { days } => format!("anniversary within {days} days of today"),
    }
}

/// A number in full parentheses: `(count of "login" in [now - 30d, now] * 0.5)`.
fn num(n: &Num) -> String {
    match n {
        Num::Aggregate(a) => aggregate(&a.measure, &a.selection),
        Num::Value(v) => value_of(v),
        Num::Attribute(f) => format!("user.{}", field(f)),
        Num::Const(c) => number(*c),
        Num::Neg(n) => format!("-{}", num(n)),
        Num::Binary(op, a, b) => format!("({} {} {})", num(a), op.as_str(), num(b)),
    }
}

fn value_of(v: &ValueOf) -> String {
    let s = &v.selection;
    format!(
        "{}({}) of {}{} in {}",
        v.func.as_str(),
        field(&v.field),
        events(&s.events),
        filter_suffix(&s.filter),
        window(&s.window)
    )
}

fn literal(l: &Literal) -> String {
    match l {
        Literal::String(s) => format!("{s:?}"),
        Literal::Number(n) => number(*n),
        Literal::Bool(b) => b.to_string(),
        Literal::Timestamp(t) => t.to_string(),
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// `[now - 7d, now]`, `(-inf, 2026-01-01T00:00:00Z)`.
pub fn window(w: &Window) -> String {
    let start = match &w.start {
        None => "(-inf".to_string(),
        Some(p) => format!("[{}", point(p)),
    };
    let end = match &w.end {
        End::Now => "now]".to_string(),
        End::Before(p) => format!("{})", point(p)),
    };
    format!("{start}, {end}")
}

fn point(p: &Point) -> String {
    match p {
        Point::Ago(0) => "now".to_string(),
        Point::Ago(s) => format!("now - {}", duration(*s)),
        Point::At(t) => t.to_string(),
        Point::Calendar { unit, ago } => format!("start of {} {ago}", unit.name()),
    }
}
