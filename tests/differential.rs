//! Differential tests: random segments drawn from the whole grammar, over
//! random data heavy in boundary cases (events exactly on window edges, at
//! now and just after it, equal timestamps, users without events, missing and
//! mistyped properties and attributes). For every case the interpreter,
//! DuckDB, PostgreSQL and Spark (each per segment and combined) must return
//! the same members. A mismatch is shrunk to a small case and printed.
//!
//! `SEGC_DIFF_CASES` sets the number of datasets (6 segments each; default
//! 100, so 600 cases); `SEGC_DIFF_SEED` the first seed. Spark runs the
//! datasets whose seed is a multiple of `SEGC_DIFF_SPARK_EVERY` (default 4,
//! so 150 cases): a dataset costs it about 5 s of planning, against 0.1 s
//! for DuckDB and PostgreSQL together.

mod engines;

use engines::{ev, user, Case, Engine, Event, Layout, User};
use serde_json::{json, Value};

const NOW: &str = "2026-06-01T00:00:00Z";
const SEGMENTS_PER_CASE: usize = 6;

/// SplitMix64: small, deterministic, good enough to draw test cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Instants that sit on the edges of the windows the segments use.
const INSTANTS: &[&str] = &[
    "2026-06-01T00:00:00Z",
    "2026-05-31T23:59:59Z",
    "2026-06-01T00:00:01Z",
    "2026-05-31T23:00:00Z",
    "2026-05-31T22:59:59Z",
    "2026-05-31T00:00:00Z",
    "2026-05-30T23:59:59Z",
    "2026-05-30T00:00:00Z",
    "2026-05-29T00:00:00Z",
    "2026-05-25T00:00:00Z",
    "2026-05-24T23:59:59Z",
    "2026-05-02T00:00:00Z",
    "2026-05-31T12:00:00Z",
    "2026-05-31T12:30:00Z",
    "2026-05-31T13:00:00Z",
    "2026-05-31T13:00:01Z",
    "2026-05-20T08:00:00Z",
    "2026-04-01T00:00:00Z",
];

const EVENTS: &[&str] = &["a", "b", "c"];

fn random_instant(rng: &mut Rng) -> String {
    if rng.chance(20) {
        return rng.pick(CALENDAR_INSTANTS).to_string();
    }
    if rng.chance(70) {
        rng.pick(INSTANTS).to_string()
    } else {
        // A minute in the 40 days before now (minutes make collisions likely).
        let minutes = rng.below(40 * 24 * 60) as i64;
        let t = segc::time::parse_timestamp(NOW).unwrap().0 - minutes * 60_000_000;
        segc::time::Timestamp(t).to_string()
    }
}

fn random_properties(rng: &mut Rng) -> Value {
    let mut props = serde_json::Map::new();
    let amount: &[Value] = &[
        json!(0),
        json!(1),
        // The same number as 1 for `with same` (spec §3.13).
        json!(1.0),
        json!(2.5),
        json!(10),
        json!(50),
        json!(100),
        json!(-3),
        json!("7"),
        Value::Null,
    ];
    let category: &[Value] = &[
        json!("x"),
        json!("y"),
        json!("X"),
        json!("xy"),
        json!(""),
        json!(5),
    ];
    if rng.chance(75) {
        props.insert("amount".into(), rng.pick(amount).clone());
    }
    if rng.chance(60) {
        props.insert("category".into(), rng.pick(category).clone());
    }
    if rng.chance(30) {
        props.insert("gift".into(), json!(rng.chance(50)));
    }
    if rng.chance(20) {
        props.insert("shipped_at".into(), json!(rng.pick(INSTANTS)));
    }
    Value::Object(props)
}

fn random_user(rng: &mut Rng, id: &str) -> User {
    let mut attrs = serde_json::Map::new();
    if rng.chance(70) {
        attrs.insert(
            "country".into(),
            json!(rng.pick(&["ZA", "za", "NG", "US", "Za", "Zé", "é", ""])),
        );
    }
    if rng.chance(50) {
        attrs.insert("plan".into(), json!(rng.pick(&["pro", "free", "Pro"])));
    }
    if rng.chance(50) {
        attrs.insert(
            "email".into(),
            json!(rng.pick(&["ann@example.com", "BOB@EXAMPLE.COM", "x\ny", "c@d.org"])),
        );
    }
    if rng.chance(60) {
        attrs.insert("signed_up_at".into(), json!(random_instant(rng)));
    }
    if rng.chance(50) {
        let birthdays = [
            "2000-02-29T00:00:00Z",
            "1990-06-03T10:00:00Z",
            "1985-05-31T00:00:00Z",
            "1999-06-01T23:00:00Z",
            "1970-12-31T00:00:00Z",
        ];
        attrs.insert("birth_date".into(), json!(rng.pick(&birthdays)));
    }
    if rng.chance(60) {
        attrs.insert("opt_in".into(), json!(rng.chance(50)));
    }
    if rng.chance(60) {
        attrs.insert("ltv".into(), json!(rng.pick(&[0, 10, 50, 100])));
    }
    user(id, Value::Object(attrs))
}

fn random_data(rng: &mut Rng) -> (Vec<User>, Vec<Event>) {
    let n = 3 + rng.below(8);
    let mut users = Vec::new();
    let mut events = Vec::new();
    for i in 0..n {
        let id = format!("u{i}");
        users.push(random_user(rng, &id));
        let count = if rng.chance(15) { 0 } else { rng.below(9) };
        for _ in 0..count {
            let ts = random_instant(rng);
            let name = *rng.pick(EVENTS);
            events.push(ev(&id, name, &ts, random_properties(rng)));
        }
    }
    (users, events)
}

const DURATIONS: &[&str] = &["1h", "1d", "2d", "7d", "30d", "90m"];

fn events(rng: &mut Rng) -> String {
    match rng.below(7) {
        0 => "any event".into(),
        1 => "any of (\"a\", \"b\")".into(),
        2 => "any event except (\"a\")".into(),
        _ => format!("\"{}\"", rng.pick(EVENTS)),
    }
}

fn filter(rng: &mut Rng, depth: usize) -> String {
    let leaf = |rng: &mut Rng| -> String {
        match rng.below(12) {
            0 => format!(
                "amount {} {}",
                rng.pick(&["=", "!=", "<", "<=", ">", ">="]),
                rng.pick(&["0", "1", "2.5", "10", "50"])
            ),
            1 => format!("category = \"{}\"", rng.pick(&["x", "X", "xy"])),
            2 => "category = \"x\" ignoring case".into(),
            3 => "category in (\"x\", \"y\")".into(),
            4 => "category != \"x\"".into(),
            5 => "amount is set".into(),
            6 => "category is not set".into(),
            7 => "category contains \"x\"".into(),
            8 => "gift = true".into(),
            9 => format!("shipped_at {}", window(rng)),
            10 => "category matches \"^x.?$\"".into(),
            _ => "amount in (1, 10, 100)".into(),
        }
    };
    if depth > 0 && rng.chance(30) {
        let op = rng.pick(&["and", "or"]);
        format!(
            "({} {op} {})",
            filter(rng, depth - 1),
            filter(rng, depth - 1)
        )
    } else if depth > 0 && rng.chance(15) {
        format!("(not {})", leaf(rng))
    } else {
        leaf(rng)
    }
}

fn where_clause(rng: &mut Rng) -> String {
    if rng.chance(35) {
        let f = filter(rng, 1);
        format!(" where {f}")
    } else {
        String::new()
    }
}

fn window(rng: &mut Rng) -> String {
    if rng.chance(25) {
        return calendar_window(rng);
    }
    match rng.below(10) {
        0 | 1 => format!("within {}", rng.pick(DURATIONS)),
        2 => "between 30d and 7d ago".into(),
        3 => format!("more than {} ago", rng.pick(DURATIONS)),
        4 => "since 2026-05-31".into(),
        5 => "before 2026-05-25".into(),
        6 => "between 2026-05-25 and 2026-05-31".into(),
        7 => "on 2026-05-31".into(),
        8 => "between 2026-05-31T12:00:00Z and 2026-06-01T00:00:00Z".into(),
        // Spec v0.2: half-open whatever the mix of dates and timestamps.
        9 if rng.chance(50) => "between 2026-05-30 and 2026-05-31T06:00:00Z".into(),
        _ => "between 2d and 1h ago".into(),
    }
}

fn quantity(rng: &mut Rng) -> String {
    let n = rng.below(4);
    match rng.below(7) {
        0 => format!("at least {n} times"),
        1 => format!("at most {n} times"),
        2 => format!("exactly {n} times"),
        3 => format!("more than {n} times"),
        4 => format!("fewer than {} times", n + 1),
        5 => format!("between {n} and {} times", n + rng.below(3)),
        _ => String::new(),
    }
}

fn step(rng: &mut Rng) -> String {
    format!("{}{}", events(rng), where_clause(rng))
}

/// A leaf predicate; `refs` allows `in segment` (not in the helper segments).
fn leaf(rng: &mut Rng, refs: bool) -> String {
    if rng.chance(10) {
        return calendar_leaf(rng);
    }
    match rng.below(17) {
        0 | 1 => {
            let w = if rng.chance(70) {
                format!(" {}", window(rng))
            } else {
                String::new()
            };
            format!(
                "did {}{} {}{w}",
                events(rng),
                where_clause(rng),
                quantity(rng)
            )
        }
        2 => {
            let agg = rng.pick(&[
                "count",
                "count distinct(category)",
                "sum(amount)",
                "avg(amount)",
                "min(amount)",
                "max(amount)",
            ]);
            let cmp = rng.pick(&["=", "!=", "<", "<=", ">", ">="]);
            let v = rng.pick(&["0", "1", "2.5", "10", "20"]);
            format!(
                "{agg} of {}{} {} {cmp} {v}",
                events(rng),
                where_clause(rng),
                window(rng)
            )
        }
        3 => format!(
            "{} {}{} {}",
            rng.pick(&["last", "first"]),
            events(rng),
            where_clause(rng),
            window(rng)
        ),
        4 | 5 => {
            let k = 2 + rng.below(2);
            sequence(rng, k, false)
        }
        6 => {
            let within = rng.pick(&[" within 1h", " within 1d", ""]);
            format!("did {} then not {}{within}", step(rng), step(rng))
        }
        7 => {
            let n = 1 + rng.below(4);
            let k = 1 + rng.below(n);
            let period = rng.pick(&["days", "hours", "weeks"]);
            format!(
                "did {}{} {} in at least {k} of the last {n} {period}",
                events(rng),
                where_clause(rng),
                quantity(rng)
            )
        }
        8 => format!(
            "did {} on each of the last {} days",
            events(rng),
            1 + rng.below(3)
        ),
        9 => {
            let tests = [
                "user.country = \"ZA\"",
                "user.country != \"ZA\"",
                "user.country = \"za\" ignoring case",
                "user.country in (\"ZA\", \"NG\")",
                "user.country not in (\"ZA\")",
                "user.plan is set",
                "user.plan is not set",
                "user.email ends with \"@example.com\" ignoring case",
                "user.email starts with \"ann\"",
                "user.email contains \"example\"",
                "user.email matches \"^[a-z]+@\"",
                "user.email matches \"x.y\"",
                "user.ltv > 10",
                "user.ltv <= 50",
                "user.opt_in = true",
                "user.opt_in != true",
                // Spec v0.2: strings order by code point; class escapes.
                "user.country < \"Za\"",
                "user.country >= \"ZA\"",
                "user.country > \"Z\"",
                "user.email matches \"^[\\\\w.]+@[^\\\\s]+$\"",
                "user.email matches \"[\\\\s\\\\d]\"",
            ];
            rng.pick(&tests).to_string()
        }
        10 => {
            let tests = [
                "user.signed_up_at within 7d",
                "user.signed_up_at more than 1d ago",
                "user.signed_up_at between 2026-05-25 and 2026-05-31",
                "user.signed_up_at > 2026-05-30",
                "user.signed_up_at = 2026-05-31",
                "user.signed_up_at in next 1d",
                // Spec v0.2: dates in lists are whole days, mixed with instants.
                "user.signed_up_at in (2026-05-31, 2026-05-25T00:00:00Z)",
                "user.signed_up_at not in (2026-05-30, 2026-05-31)",
                "user.birth_date anniversary in next 3d",
                "user.birth_date anniversary in next 1d",
                "user.birth_date anniversary in next 366d",
            ];
            rng.pick(&tests).to_string()
        }
        11 => {
            let agg = rng.pick(&[
                "count",
                "sum(amount)",
                "avg(amount)",
                "max(amount)",
                "count distinct(category)",
            ]);
            format!(
                "{} {}% by {agg} of {}",
                rng.pick(&["top", "bottom"]),
                rng.pick(&["10", "25", "50", "33.3"]),
                events(rng)
            )
        }
        12 if refs => "in segment base".into(),
        13 if refs => rng
            .pick(&[
                "in segment tiers.high",
                "in segment tiers",
                "in segment tiers.rest",
            ])
            .to_string(),
        14 => rng
            .pick(&[
                "true",
                "false",
                "bucket 0% to 50%",
                "bucket 25% to 75.5% salt \"s\"",
            ])
            .to_string(),
        15 => same_leaf(rng),
        16 => measures(rng),
        _ => format!("did {}{}", events(rng), where_clause(rng)),
    }
}

/// `with same` (spec §3.13): a sequence or a count per value of properties
/// whose random values collide often (`random_properties`).
fn same_leaf(rng: &mut Rng) -> String {
    let props = rng.pick(&[
        "category",
        "category",
        "amount",
        "gift",
        "shipped_at",
        "category, gift",
    ]);
    let maybe_window = |rng: &mut Rng| {
        if rng.chance(60) {
            format!(" {}", window(rng))
        } else {
            String::new()
        }
    };
    if rng.chance(50) {
        let n = rng.below(3);
        let quantity = match rng.below(3) {
            0 => format!(" at least {} times", n + 1),
            1 => format!(" more than {n} times"),
            _ => String::new(),
        };
        let w = maybe_window(rng);
        return format!("did {}{quantity}{w} with same {props}", step(rng));
    }
    let k = 1 + rng.below(3);
    format!("{} with same {props}", sequence(rng, k, k == 1))
}

/// `did` k random steps, then maybe a `then not` step (always with
/// `negated`), `within` and `starting`.
fn sequence(rng: &mut Rng, k: usize, negated: bool) -> String {
    let steps: Vec<String> = (0..k).map(|_| step(rng)).collect();
    let not = if negated || rng.chance(40) {
        format!(" then not {}", step(rng))
    } else {
        String::new()
    };
    let within = if rng.chance(70) {
        format!(" within {}", rng.pick(DURATIONS))
    } else {
        String::new()
    };
    let starting = if rng.chance(30) {
        format!(" starting {}", window(rng))
    } else {
        String::new()
    };
    format!("did {}{not}{within}{starting}", steps.join(" then "))
}

/// Spec §3.11–3.12: comparisons of measures, property values, `top` by
/// arithmetic. Kept apart to ease merging with other generators.
fn measures(rng: &mut Rng) -> String {
    let value_fn = |rng: &mut Rng, prop: &str| {
        format!(
            "{}({prop}) of {}{}",
            rng.pick(&["most_frequent", "first_value", "last_value"]),
            events(rng),
            if rng.chance(50) {
                format!(" {}", window(rng))
            } else {
                String::new()
            }
        )
    };
    let operand = |rng: &mut Rng| match rng.below(5) {
        0 => format!("count of {} {}", events(rng), window(rng)),
        1 => format!(
            "{} of {}{}",
            rng.pick(&["sum(amount)", "avg(amount)", "max(amount)", "count"]),
            events(rng),
            where_clause(rng)
        ),
        2 => value_fn(rng, "amount"),
        3 => "user.ltv".to_string(),
        _ => rng.pick(&["0", "2", "0.5", "-3", "1000"]).to_string(),
    };
    let measure = |rng: &mut Rng| {
        let mut m = operand(rng);
        for _ in 0..rng.below(3) {
            let op = rng.pick(&["+", "-", "*", "/"]);
            let right = operand(rng);
            m = if rng.chance(30) {
                format!("({m}) {op} {right}")
            } else {
                format!("{m} {op} {right}")
            };
        }
        if rng.chance(15) {
            m = format!("-{m}");
        }
        m
    };
    match rng.below(4) {
        0 | 1 => {
            let cmp = rng.pick(&["=", "!=", "<", "<=", ">", ">="]);
            format!("{} {cmp} {}", measure(rng), measure(rng))
        }
        2 => {
            let test = rng.pick(&[
                "= \"x\"",
                "!= \"x\"",
                "in (\"x\", \"X\")",
                "< \"x\"",
                "is set",
                "is not set",
                "starts with \"x\"",
            ]);
            format!("{} {test}", value_fn(rng, "category"))
        }
        _ => format!(
            "{} {}% by {}",
            rng.pick(&["top", "bottom"]),
            rng.pick(&["10", "25", "50"]),
            measure(rng)
        ),
    }
}

fn pred(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 || rng.chance(40) {
        return leaf(rng, true);
    }
    match rng.below(3) {
        0 => format!("not ({})", pred(rng, depth - 1)),
        1 => format!("({}) and ({})", pred(rng, depth - 1), pred(rng, depth - 1)),
        _ => format!("({}) or ({})", pred(rng, depth - 1), pred(rng, depth - 1)),
    }
}

/// A project: helper segments that others reference, then the segments
/// under test. Without a users table, predicates on attributes are redrawn.
fn random_segments(rng: &mut Rng, users_table: bool) -> (String, Vec<String>) {
    let draw = |rng: &mut Rng, f: &dyn Fn(&mut Rng) -> String| loop {
        let text = f(rng);
        if users_table || !text.contains("user.") {
            return text;
        }
    };
    let mut text = format!("segment base = {}\n", draw(rng, &|r| leaf(r, false)));
    let (high, low) = (
        draw(rng, &|r| leaf(r, false)),
        draw(rng, &|r| leaf(r, false)),
    );
    text.push_str(&format!(
        "partition tiers {{\n  high = {high}\n  low = {low}\n  rest = true\n}}\n"
    ));
    let mut names = vec!["tiers".to_string()];
    for i in 0..SEGMENTS_PER_CASE - 1 {
        let holdout = if rng.chance(15) { " holdout 50%" } else { "" };
        let body = draw(rng, &|r| pred(r, 2));
        text.push_str(&format!("segment s{i} = {body}{holdout}\n"));
        names.push(format!("s{i}"));
    }
    (text, names)
}

fn layout(rng: &mut Rng) -> Layout {
    *rng.pick(&[Layout::Json, Layout::Json, Layout::Columns, Layout::NoUsers])
}

/// Calendar windows and calendar regularity (spec §3.10) in a random
/// project time zone and week start, per dataset.
const ZONES: &[&str] = &[
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
];

/// Local midnights of the zones above around now (2026-06-01T00:00Z, a
/// Monday) and at the start of May and of the quarter, with the instant
/// before each: New York 04:00Z, Berlin 22:00Z, Lord Howe 13:30Z,
/// Kathmandu 18:15Z.
const CALENDAR_INSTANTS: &[&str] = &[
    "2026-05-31T04:00:00Z",
    "2026-05-31T03:59:59Z",
    "2026-05-31T22:00:00Z",
    "2026-05-31T21:59:59Z",
    "2026-05-31T13:30:00Z",
    "2026-05-31T13:29:59Z",
    "2026-05-31T18:15:00Z",
    "2026-05-31T18:14:59Z",
    "2026-05-30T22:00:00Z",
    "2026-05-24T22:00:00Z",
    "2026-05-24T21:59:59Z",
    "2026-05-25T04:00:00Z",
    "2026-04-30T22:00:00Z",
    "2026-04-30T21:59:59Z",
    "2026-05-01T04:00:00Z",
    "2026-04-30T13:30:00Z",
    "2026-04-30T18:15:00Z",
    "2026-03-31T22:00:00Z",
    "2026-04-01T04:00:00Z",
    "2025-12-31T23:00:00Z",
];

/// The `[settings]` of a dataset, drawn from its own stream so the data
/// and segments of a seed stay as they were.
fn calendar_settings(seed: u64) -> String {
    let mut rng = Rng(seed ^ 0xCA1E_0DA5);
    let week = rng.pick(&["monday", "sunday"]);
    format!(
        "time_zone = \"{}\"\nweek_starts_on = \"{week}\"",
        rng.pick(ZONES)
    )
}

fn calendar_window(rng: &mut Rng) -> String {
    let unit = rng.pick(&["day", "week", "month", "quarter", "year"]);
    let n = 1 + rng.below(3);
    match rng.below(6) {
        0 => "today".into(),
        1 => "yesterday".into(),
        2 => format!("this {unit}"),
        3 => format!("last {unit}"),
        4 => format!("in the last {n} calendar {unit}s"),
        _ => format!("in the previous {n} calendar {unit}s"),
    }
}

fn calendar_leaf(rng: &mut Rng) -> String {
    let unit = rng.pick(&["days", "weeks", "months", "quarters", "years"]);
    let which = rng.pick(&["last", "previous"]);
    let n = 1 + rng.below(4);
    match rng.below(3) {
        0 => {
            let k = 1 + rng.below(n);
            format!(
                "did {}{} {} in at least {k} of the {which} {n} calendar {unit}",
                events(rng),
                where_clause(rng),
                quantity(rng)
            )
        }
        1 => format!(
            "did {} {} on each of the {which} {n} calendar {unit}",
            events(rng),
            quantity(rng)
        ),
        _ => format!(
            "user.{} {}",
            rng.pick(&["signed_up_at", "birth_date"]),
            calendar_window(rng)
        ),
    }
}

/// Every backend's rows for each segment: the mismatches, as text.
fn mismatches(case: &Case, engines: &[Engine], settings: &str) -> Vec<String> {
    let outcomes = case.outcomes_in(engines, settings);
    let mut out = Vec::new();
    for (name, _) in &case.expect {
        let of: Vec<_> = outcomes.iter().filter(|o| o.segment == *name).collect();
        let vm = of.iter().find(|o| o.backend == "vm").expect("vm outcome");
        let members = |rows: &[String], combined: bool| -> Vec<String> {
            rows.iter()
                .map(|r| {
                    if combined && !vm.partition {
                        r.split('|').next().unwrap().to_string()
                    } else {
                        r.clone()
                    }
                })
                .collect()
        };
        for o in &of {
            let combined = o.backend.ends_with("combined");
            if members(&vm.rows, combined) != o.rows {
                out.push(format!(
                    "segment {name}: vm {:?} but {} {:?}\n{}",
                    members(&vm.rows, combined),
                    o.backend,
                    o.rows,
                    o.code
                ));
            }
        }
    }
    out
}

/// Drops events, then users, while the mismatch persists.
fn shrink(case: &mut Case, engines: &[Engine], settings: &str) {
    let mut i = 0;
    while i < case.events.len() {
        let removed = case.events.remove(i);
        if mismatches(case, engines, settings).is_empty() {
            case.events.insert(i, removed);
            i += 1;
        }
    }
    let mut i = 0;
    while i < case.users.len() {
        let removed = case.users.remove(i);
        if mismatches(case, engines, settings).is_empty() {
            case.users.insert(i, removed);
            i += 1;
        }
    }
}

#[test]
fn interpreter_and_engines_agree() {
    let setting = |name, default| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let datasets: u64 = setting("SEGC_DIFF_CASES", 100);
    let first: u64 = setting("SEGC_DIFF_SEED", 1);
    let spark_every: u64 = setting("SEGC_DIFF_SPARK_EVERY", 4).max(1);
    let without_spark: Vec<Engine> = Engine::ALL
        .into_iter()
        .filter(|e| !matches!(e, Engine::Spark))
        .collect();
    let (mut checked, mut on_spark) = (0, 0);
    for seed in first..first + datasets {
        let engines = if seed % spark_every == 0 {
            on_spark += 1;
            &Engine::ALL[..]
        } else {
            &without_spark[..]
        };
        let mut rng = Rng(seed);
        let layout = layout(&mut rng);
        let (users, events) = random_data(&mut rng);
        let (segments, names) = random_segments(&mut rng, layout != Layout::NoUsers);
        let mut case = Case {
            layout,
            users,
            events,
            segments: &segments,
            as_of: Some(NOW),
            canary: false,
            expect: names.iter().map(|n| (n.as_str(), "")).collect(),
        };
        let settings = calendar_settings(seed);
        let found = mismatches(&case, engines, &settings);
        if !found.is_empty() {
            // Keep only the first mismatching segment, then shrink the data.
            let first = case
                .expect
                .iter()
                .find(|(n, _)| found[0].starts_with(&format!("segment {n}:")))
                .copied();
            case.expect = first.into_iter().collect();
            shrink(&mut case, engines, &settings);
            panic!(
                "seed {seed}: backends disagree\nsettings:\n{settings}\nsegments:\n{}\nusers: {:#?}\nevents: {:#?}\n{}",
                segments,
                case.users,
                case.events,
                mismatches(&case, engines, &settings).join("\n")
            );
        }
        checked += names.len();
    }
    assert!(checked >= 500 || datasets < 100, "only {checked} cases");
    assert!(
        on_spark > 0 || datasets < spark_every,
        "no dataset ran on Spark"
    );
}
