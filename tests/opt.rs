//! One fixture file per optimizer pass (`tests/opt/<pass>.txt`): lines of
//! `input => expected`, both Seg. The input is lowered and rewritten by that
//! pass (with `flatten`, which normalizes nesting) to a fixed point; it must
//! equal the expected predicate, lowered and flattened. Spans are ignored.

use std::path::Path;

use segc::ir::{fold, Body, Pred};
use segc::opt::{self, Pass, Report, PASSES};
use segc::{check, Project};

const HELPERS: &str = "segment base = did \"login\" within 7d\n\
                       partition tier {\n  high = sum(amount) of \"purchase\" > 100\n  rest = true\n}\n";

fn pass(name: &str) -> &'static dyn Pass {
    *PASSES
        .iter()
        .find(|p| p.name() == name)
        .unwrap_or_else(|| panic!("no pass {name}"))
}

fn lowered(input: &str, expected: &str) -> (segc::ir::Program, Pred, Pred) {
    let schema = std::fs::read_to_string("tests/corpus/segc.toml").unwrap();
    let text = format!("{HELPERS}segment input = {input}\nsegment expected = {expected}\n");
    let checked = check(&Project::from_sources(
        Some(&schema),
        &[("fixture.seg", &text)],
    ));
    assert!(
        !segc::diagnostics::has_errors(&checked.diagnostics),
        "{text}\n{:#?}",
        checked.diagnostics
    );
    let program = checked.program.unwrap();
    let pred = |name: &str| match &program.segment(name).unwrap().body {
        Body::Predicate { pred, .. } => pred.clone(),
        Body::Partition { .. } => unreachable!(),
    };
    let (i, e) = (pred("input"), pred("expected"));
    (program, i, e)
}

#[test]
fn every_pass_has_fixtures_and_they_hold() {
    let flatten = pass("flatten");
    let mut checked = 0;
    for p in PASSES {
        let file = Path::new("tests/opt").join(format!("{}.txt", p.name()));
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{} has no fixture file", p.name()));
        for line in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let (input, expected) = line
                .split_once("=>")
                .unwrap_or_else(|| panic!("{}: no `=>` in {line}", file.display()));
            let (program, input, expected) = lowered(input.trim(), expected.trim());
            let mut report = Report::default();
            let got = opt::run(input, &program, &[*p, flatten], &mut report);
            let want = opt::run(expected, &program, &[flatten], &mut Report::default());
            assert_eq!(
                fold::key(&got),
                fold::key(&want),
                "{}: {line}\ngot {got:#?}",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} fixtures");
}

/// What `segc check` is told: derived constants and redundant predicates.
#[test]
fn findings() {
    let (program, _, _) = lowered(
        "did \"login\" within 7d or did \"login\" within 30d",
        "did \"login\" and not did \"login\"",
    );
    let (_, reports) = opt::optimize(&program, false);
    let input = reports.iter().find(|r| r.segment == "input").unwrap();
    assert_eq!(input.redundant.len(), 1);
    assert_eq!(input.constant, None);
    let expected = reports.iter().find(|r| r.segment == "expected").unwrap();
    assert_eq!(expected.constant, Some(false));
    assert!(expected.fired.iter().any(|(n, _)| *n == "complement"));
}

/// A small deterministic generator (xorshift64*) for the random mixes.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Tests of one field, drawn around the constants the data sits on.
fn field_test(draw: &mut Draw, field: usize) -> String {
    let strings = ["\"ZA\"", "\"za\"", "\"NG\"", "\"a\"", "\"b\""];
    let numbers = ["0", "5", "10", "18", "60"];
    let dates = ["2026-01-01", "2026-01-02", "2026-02-01"];
    let ops = ["=", "!=", "<", "<=", ">", ">="];
    let set = ["is set", "is not set"];
    match field {
        0 => match draw.below(7) {
            0 => format!("user.country = {}", draw.pick(&strings)),
            1 => format!("user.country != {}", draw.pick(&strings)),
            2 => format!(
                "user.country in ({}, {})",
                draw.pick(&strings),
                draw.pick(&strings)
            ),
            3 => format!("user.country not in ({})", draw.pick(&strings)),
            4 => format!("user.country = {} ignoring case", draw.pick(&strings)),
            5 => format!(
                "user.country in ({}, {}) ignoring case",
                draw.pick(&strings),
                draw.pick(&strings)
            ),
            _ => format!("user.country {}", draw.pick(&set)),
        },
        1 => match draw.below(4) {
            0 => format!(
                "user.lifetime_value in ({}, {})",
                draw.pick(&numbers),
                draw.pick(&numbers)
            ),
            1 => format!("user.lifetime_value {}", draw.pick(&set)),
            _ => format!(
                "user.lifetime_value {} {}",
                draw.pick(&ops),
                draw.pick(&numbers)
            ),
        },
        2 => match draw.below(3) {
            0 => format!("user.marketing_opt_in {}", draw.pick(&set)),
            _ => format!(
                "user.marketing_opt_in {} {}",
                draw.pick(&["=", "!="]),
                draw.pick(&["true", "false"])
            ),
        },
        _ => match draw.below(5) {
            0 => format!("user.signed_up_at on {}", draw.pick(&dates)),
            1 => format!(
                "user.signed_up_at between {} and {}",
                dates[0],
                draw.pick(&dates[1..])
            ),
            2 => format!("user.signed_up_at {}", draw.pick(&set)),
            3 => format!("user.signed_up_at within {}", draw.pick(&["7d", "200d"])),
            _ => format!(
                "user.signed_up_at {} {}",
                draw.pick(&ops),
                draw.pick(&dates)
            ),
        },
    }
}

/// Tests of the event's `amount` or `category`, for a `where`.
fn property_test(draw: &mut Draw) -> String {
    let ops = ["=", "!=", "<", "<=", ">", ">="];
    match draw.below(5) {
        0 => format!(
            "amount {} {}",
            draw.pick(&ops),
            draw.pick(&["0", "50", "100"])
        ),
        1 => format!("amount {}", draw.pick(&["is set", "is not set"])),
        2 => format!("category = {}", draw.pick(&["\"a\"", "\"b\"", "\"A\""])),
        3 => format!(
            "category in (\"a\", {}) ignoring case",
            draw.pick(&["\"b\"", "\"B\""])
        ),
        _ => format!(
            "category {}",
            draw.pick(&["is set", "is not set", "!= \"a\""])
        ),
    }
}

/// `and`, `or` and `not` over `leaf`, mostly of one field.
fn mix(draw: &mut Draw, depth: usize, leaf: &mut dyn FnMut(&mut Draw) -> String) -> String {
    if depth == 0 || draw.below(3) == 0 {
        return leaf(draw);
    }
    match draw.below(5) {
        0 => format!("(not ({}))", mix(draw, depth - 1, leaf)),
        1 | 2 => format!(
            "({} and {})",
            mix(draw, depth - 1, leaf),
            mix(draw, depth - 1, leaf)
        ),
        _ => format!(
            "({} or {})",
            mix(draw, depth - 1, leaf),
            mix(draw, depth - 1, leaf)
        ),
    }
}

/// The optimizer keeps the members: random mixes of tests of one attribute
/// (and, in a `where`, of one property) run on the interpreter as written
/// and as optimized, over users whose values sit on and around the
/// constants the tests name, differ only in case, or are missing.
#[test]
fn value_set_rewrites_keep_the_members() {
    use segc::backend::vm;
    use segc::data::{DatasetBuilder, Raw};

    let mut draw = Draw(0x5EC5_EED5);
    let mut text = String::new();
    for i in 0..400 {
        let field = draw.below(4);
        let attributes = mix(&mut draw, 3, &mut |d| {
            let f = if d.below(6) == 0 { d.below(4) } else { field };
            field_test(d, f)
        });
        let body = if i % 3 == 0 {
            let quantity = draw.pick(&["", " at most 1 time", " at least 2 times"]);
            format!(
                "did \"purchase\" where {}{quantity} or {attributes}",
                mix(&mut draw, 3, &mut property_test)
            )
        } else {
            attributes
        };
        text.push_str(&format!("segment s{i} = {body}\n"));
    }
    let schema_text = std::fs::read_to_string("tests/corpus/segc.toml").unwrap();
    let checked = check(&Project::from_sources(
        Some(&schema_text),
        &[("mix.seg", &text)],
    ));
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());
    let (optimized, reports) = opt::optimize(&program, false);
    let fired = reports
        .iter()
        .filter(|r| r.fired.iter().any(|(pass, _)| *pass == "value-sets"))
        .count();

    let now = segc::time::parse_timestamp("2026-06-01T00:00:00Z")
        .unwrap()
        .0;
    let instant = |s: &str| Raw::Time(segc::time::parse_timestamp(s).unwrap().0);
    let countries = ["", "ZA", "za", "Za", "NG", "a", "b", "c"];
    let values = [
        -1.0,
        0.0,
        4.0,
        5.0,
        6.0,
        10.0,
        17.0,
        18.0,
        19.0,
        59.0,
        60.0,
        61.0,
        f64::NAN,
    ];
    let signed_up = [
        "",
        "2025-12-31T23:59:59Z",
        "2026-01-01T00:00:00Z",
        "2026-01-01T12:00:00Z",
        "2026-01-02T00:00:00Z",
        "2026-02-01T00:00:00Z",
        "2026-05-30T00:00:00Z",
    ];
    let amounts = [-1.0, 0.0, 1.0, 49.0, 50.0, 51.0, 100.0, 101.0, f64::NAN];
    let categories = ["", "a", "A", "b", "B", "c"];
    let mut data = DatasetBuilder::new(&schema, true);
    let text_or_missing = |s: &str| {
        if s.is_empty() {
            Raw::Missing
        } else {
            Raw::Text(s.into())
        }
    };
    let number_or_missing = |n: f64| {
        if n.is_nan() {
            Raw::Missing
        } else {
            Raw::Number(n)
        }
    };
    for i in 0..8 * 13 * 7 {
        let raw = |name: &str| match name {
            "country" => text_or_missing(countries[i % 8]),
            "lifetime_value" => number_or_missing(values[i % 13]),
            "marketing_opt_in" => [Raw::Missing, Raw::Bool(true), Raw::Bool(false)][i % 3].clone(),
            "signed_up_at" => match signed_up[i % 7] {
                "" => Raw::Missing,
                s => instant(s),
            },
            _ => Raw::Missing,
        };
        let attributes = data
            .attribute_types()
            .into_iter()
            .map(|(name, ty)| data.value(raw(&name), ty))
            .collect();
        data.add_user(format!("u{i:03}"), attributes);
        for j in 0..(i % 3) {
            let raw = |name: &str| match name {
                "amount" => number_or_missing(amounts[(i + j) % 9]),
                "category" => text_or_missing(categories[(i / 3 + j) % 6]),
                _ => Raw::Missing,
            };
            let properties = data
                .property_types()
                .into_iter()
                .map(|(name, ty)| data.value(raw(&name), ty))
                .collect();
            data.add_event(
                format!("u{i:03}"),
                "purchase",
                now - 3_600_000_000 * (j as i64 + 1),
                properties,
            );
        }
    }
    let data = data.finish().unwrap();
    let members = |p: &segc::ir::Program, name: &str| -> Vec<u32> {
        let code = vm::compile(p, &schema, p.segment(name).unwrap());
        let found = vm::run(&code, &data, now, vm::exec::DEFAULT_STEP_BUDGET).unwrap();
        found.into_iter().map(|m| m.user).collect()
    };
    let only = |a: &[u32], b: &[u32]| -> Vec<u32> {
        a.iter().filter(|u| !b.contains(u)).copied().collect()
    };
    for (before, after) in program.segments.iter().zip(&optimized.segments) {
        let written = members(&program, &before.name);
        let rewritten = members(&optimized, &after.name);
        let line = format!("segment {} ", before.name);
        assert!(
            written == rewritten,
            "users only as written {:?}, only as optimized {:?}\n{}\nafter:\n{}",
            only(&written, &rewritten),
            only(&rewritten, &written),
            text.lines().find(|l| l.starts_with(&line)).unwrap(),
            segc::ir::pretty(&segc::ir::Program {
                segments: vec![after.clone()],
                settings: Default::default(),
            })
        );
    }
    assert!(fired >= 150, "value-sets rewrote only {fired} segments");
}
