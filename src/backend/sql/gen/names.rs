//! Names for what the generated SQL computes, in the words of the
//! definition: `purchase_count_7d`, `signup_first`,
//! `add_to_cart_then_no_purchase_1h`. A reviewer reads what a column holds
//! without tracing its expression, and a one-number change in a definition
//! changes the names that contain the number, nothing else.

use crate::backend::sql::ast::derived_name;
use crate::ir::{
    End, EventSet, Field, Measure, Point, Regularity, SameCount, Selection, Sequence, Window,
};

/// The longest name, in bytes; engines allow 63 or more.
const MAX: usize = 48;

/// The longest part of a name taken from event names, so that the measure
/// and the window always fit after it.
const MAX_EVENTS: usize = 24;

/// The events a read selects: `purchase`, `view_or_cart`, `any_event`.
pub(super) fn events(set: &EventSet) -> String {
    let mut words = match set {
        EventSet::Any => "any_event".to_string(),
        EventSet::Names(names) => names.join("_or_"),
        EventSet::Except(names) => format!("any_but_{}", names.join("_")),
    };
    if words.len() > MAX_EVENTS {
        let mut end = MAX_EVENTS;
        while !words.is_char_boundary(end) {
            end -= 1;
        }
        // At a word's end where one is near.
        if let Some(cut) = words[..end].rfind('_').filter(|cut| *cut >= MAX_EVENTS / 2) {
            end = cut;
        }
        words.truncate(end);
    }
    words
}

/// A duration as a definition would write it: `7d` (not `1w`), `1h`, `90s`.
fn duration(seconds: i64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds != 0 && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

/// `7d`, `30d_to_7d_ago`, `since_2024_01_01`; empty for all history.
pub(super) fn window(w: &Window) -> String {
    let point = |p: Point| match p {
        Point::Ago(s) => duration(s),
        Point::At(t) => t.to_string().get(..10).unwrap_or_default().to_string(),
        Point::Calendar { unit, ago } => format!("{}{ago}", unit.name()),
    };
    match (w.start, &w.end) {
        (None, End::Now) => String::new(),
        (Some(Point::Ago(s)), End::Now) => duration(s),
        (Some(p), End::Now) => format!("since_{}", point(p)),
        (None, &End::Before(e)) => format!("before_{}", point(e)),
        (Some(Point::Ago(s)), &End::Before(Point::Ago(e))) => {
            format!("{}_to_{}_ago", duration(s), duration(e))
        }
        (Some(s), &End::Before(e)) => format!("{}_to_{}", point(s), point(e)),
    }
}

/// The column of a measure over a selection: `purchase_sum_amount_365d`.
pub(super) fn measure(selection: &Selection, measure: &Measure) -> String {
    let of = |what: &str, field: &str| format!("{what}_{field}");
    let what = match measure {
        Measure::Count => "count".to_string(),
        Measure::CountDistinct(f) => of("distinct", &f.name),
        Measure::Sum(f) => of("sum", &f.name),
        Measure::Avg(f) => of("avg", &f.name),
        Measure::Min(f) => of("min", &f.name),
        Measure::Max(f) => of("max", &f.name),
    };
    let events = events(&selection.events);
    derived_name(&[&events, &what, &window(&selection.window)], MAX)
}

/// The column of a first or last time: `signup_first`.
pub(super) fn recency(set: &EventSet, kind: &str) -> String {
    derived_name(&[&events(set), kind], MAX)
}

/// What a sequence's CTEs compute: `add_to_cart_then_no_purchase_1h`.
pub(super) fn sequence(s: &Sequence) -> String {
    let mut words: Vec<String> = s.steps.iter().map(|step| events(&step.events)).collect();
    if let Some(not) = &s.then_not {
        words.push(format!("no_{}", events(&not.events)));
    }
    let mut name = words.join("_then_");
    if let Some(d) = s.within {
        name.push('_');
        name.push_str(&duration(d));
    }
    name.push_str(&same(&s.same));
    derived_name(&[&name], MAX)
}

/// `_same_product_id` for `with same product_id`, or nothing.
fn same(fields: &[Field]) -> String {
    fields.iter().map(|f| format!("_same_{}", f.name)).collect()
}

/// What a count with same computes: `view_item_3_same_product_id_7d`.
pub(super) fn same_count(c: &SameCount) -> String {
    let what = format!("{}{}", c.at_least, same(&c.same));
    derived_name(
        &[
            &events(&c.selection.events),
            &what,
            &window(&c.selection.window),
        ],
        MAX,
    )
}

/// What a regularity's CTEs compute: `login_weekly`, `purchase_per_30d`.
pub(super) fn regularity(r: &Regularity) -> String {
    let period = match (r.calendar, r.period_seconds) {
        (Some(c), _) => format!("calendar_{}", c.unit.name()),
        (None, 86_400) => "daily".to_string(),
        (None, 604_800) => "weekly".to_string(),
        (None, p) => format!("per_{}", duration(p)),
    };
    derived_name(&[&events(&r.events), &period], MAX)
}

/// A name not yet in `taken` (a numbered suffix when it is), now taken.
pub(super) fn unique(base: String, taken: &mut std::collections::BTreeSet<String>) -> String {
    let mut candidate = base.clone();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{base}_{n}");
    }
    taken.insert(candidate.clone());
    candidate
}
