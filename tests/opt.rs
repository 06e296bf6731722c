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
