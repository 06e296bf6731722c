//! Lint rules: each rule's fixture and its snapshot (that rule alone
//! selected), its documentation (fixed sections, examples that do and do
//! not trigger it, `docs/rules/` generated from it), suppression, output
//! formats and exit codes.
//!
//! `SEGC_UPDATE_DOCS=1 cargo test --test lint` rewrites `docs/rules/`.

use std::path::Path;
use std::process::Output;

use segc::diagnostics::Code;
use segc::lint::RULES;

mod common;

use common::{text, ROOT};

fn segc(args: &[&str]) -> Output {
    common::run(Path::new(ROOT), args, "")
}

/// `segc check tests/lint/CODE.seg --select CODE`, one snapshot per rule.
#[test]
fn each_rule_alone_on_its_fixture() {
    for rule in RULES {
        let code = rule.code.as_str();
        let fixture = format!("tests/lint/{code}.seg");
        assert!(
            Path::new(ROOT).join(&fixture).exists(),
            "{fixture} is missing"
        );
        let out = segc(&["check", &fixture, "--select", code]);
        assert_eq!(out.status.code(), Some(0), "{code}: {}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(code),
            "{code} did not fire on {fixture}:\n{stderr}"
        );
        let others = Code::ALL
            .iter()
            .filter(|c| **c != rule.code)
            .any(|c| stderr.contains(c.as_str()));
        assert!(
            !others,
            "{code}: other codes reported despite --select:\n{stderr}"
        );
        insta::assert_snapshot!(format!("rule_{code}"), stderr);
    }
}

/// `text` with each `⟨U+XXXX⟩` (how the docs show an invisible character)
/// replaced by the character.
fn unmarked(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("⟨U+") {
        out.push_str(&rest[..at]);
        let (mark, after) = rest[at..].split_once('⟩').expect("a closed mark");
        let code = u32::from_str_radix(&mark["⟨U+".len()..], 16).expect("hex");
        out.push(char::from_u32(code).expect("a character"));
        rest = after;
    }
    out + rest
}

/// The ```seg blocks under a heading of a rule's documentation, with
/// invisible characters in place of their marks.
fn blocks(doc: &str, heading: &str) -> Vec<String> {
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading:?}"));
    section
        .split("```seg\n")
        .skip(1)
        .map(|b| unmarked(b.split("```").next().unwrap()))
        .collect()
}

fn codes_of(source: &str) -> Vec<Code> {
    let schema = std::fs::read_to_string(Path::new(ROOT).join("tests/lint/segc.toml")).unwrap();
    let project = segc::Project::from_sources(Some(&schema), &[("example.seg", source)]);
    segc::check(&project)
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn docs_have_the_fixed_sections_and_examples_that_work() {
    let sections = [
        "## What it does",
        "## Why is this bad",
        "## Example",
        "## Use instead",
    ];
    for rule in RULES {
        let doc = rule.doc();
        let code = rule.code;
        let positions: Vec<usize> = sections
            .iter()
            .map(|s| {
                doc.find(s)
                    .unwrap_or_else(|| panic!("{code:?}: no {s:?} section"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{code:?}: sections out of order"
        );
        for example in blocks(&doc, "Example") {
            let found = codes_of(&example);
            assert!(
                found.contains(&code),
                "{code:?}: its example does not trigger it ({found:?}):\n{example}"
            );
        }
        let instead = blocks(&doc, "Use instead");
        for fixed in instead {
            let found = codes_of(&fixed);
            assert!(
                !found.contains(&code) && !found.iter().any(|c| c.as_str().starts_with('E')),
                "{code:?}: its `Use instead` still triggers it or fails ({found:?}):\n{fixed}"
            );
        }
    }
}

/// `docs/rules/` is generated from the rules' doc comments.
#[test]
fn docs_rules_match_the_rules() {
    let dir = Path::new(ROOT).join("docs/rules");
    let mut pages = vec![("README.md".to_string(), index())];
    pages.extend(
        RULES
            .iter()
            .map(|r| (format!("{}.md", r.code.as_str()), r.page())),
    );
    if std::env::var_os("SEGC_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, page) in &pages {
            std::fs::write(dir.join(name), page).unwrap();
        }
    }
    for (name, page) in &pages {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert_eq!(
            &on_disk, page,
            "docs/rules/{name} is out of date: run `SEGC_UPDATE_DOCS=1 cargo test --test lint`"
        );
    }
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(files, pages.len(), "docs/rules/ holds a page of no rule");
}

fn index() -> String {
    let mut out = String::from(
        "# Lint rules\n\n\
         Generated from the rules' doc comments in `src/lint/rules/` \
         (`segc rule CODE` prints the same text). \
         Silence one with `# segc: allow(CODE)` on the line above the warning, \
         or above its segment; `segc check --deny warnings` makes warnings fail.\n\n\
         | code | name | what it finds |\n|---|---|---|\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| [{code}]({code}.md) | `{}` | {} |\n",
            r.name,
            r.code.summary().replace('|', "\\|"),
            code = r.code.as_str(),
        ));
    }
    out
}

#[test]
fn segc_rule_prints_the_doc() {
    let out = segc(&["rule", "W0006"]);
    assert_eq!(out.status.code(), Some(0));
    let page = segc::lint::rule("W0006").unwrap().page();
    assert_eq!(text(&out.stdout), page);
    // By name too, and the list.
    assert_eq!(text(&segc(&["rule", "unbounded-history"]).stdout), page);
    insta::assert_snapshot!(text(&segc(&["rule", "--all"]).stdout));
    // An error code is explained in a line; an unknown one cannot run.
    assert_eq!(segc(&["rule", "E0032"]).status.code(), Some(0));
    let out = segc(&["rule", "W9999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("segc rule --all"));
}

#[test]
fn allow_comment_silences_the_line_below_or_the_segment() {
    let source = "segment a =\n  did \"login\" within 7d\n  # segc: allow(W0006)\n  and not did \"purchase\"\n\
                  # segc: allow(W0006, W0009)\nsegment b = did \"purchase\" or did \"login\" within 1000d\n\
                  segment c = did \"purchase\"\n";
    let found = codes_of(source);
    assert_eq!(found, vec![Code::UnboundedHistory], "only c's is left");
}

#[test]
fn deny_warnings_fails_the_run() {
    let fixture = "tests/lint/W0006.seg";
    assert_eq!(segc(&["check", fixture]).status.code(), Some(0));
    assert_eq!(
        segc(&["check", fixture, "--deny", "warnings"])
            .status
            .code(),
        Some(1)
    );
    // Ignored warnings do not count.
    let out = segc(&[
        "check", fixture, "--deny", "warnings", "--ignore", "W0006", "--ignore", "W0008",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // An unknown rule cannot run.
    assert_eq!(
        segc(&["check", fixture, "--select", "nope"]).status.code(),
        Some(2)
    );
}

/// The same findings in each output format, snapshotted with their exit code.
#[test]
fn output_formats() {
    let fixture = "tests/lint/W0007.seg";
    for format in ["human", "json", "github", "sarif"] {
        for deny in [false, true] {
            let mut args = vec!["check", fixture, "--output-format", format];
            if deny {
                args.extend(["--deny", "warnings"]);
            }
            let out = segc(&args);
            let shown = format!(
                "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
                out.status.code(),
                text(&out.stdout),
                text(&out.stderr)
            );
            let name = format!("format_{format}{}", if deny { "_deny" } else { "" });
            insta::assert_snapshot!(name, shown);
        }
    }
}

#[test]
fn sarif_is_valid_shape() {
    let out = segc(&["check", "tests/lint/W0010.seg", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn example_project_passes_deny_warnings() {
    let out = segc(&["check", "examples/shop", "--deny", "warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// Fixes travel with their findings: as `fix` in JSON and as SARIF
/// `fixes` (`artifactChanges` of `replacements`).
#[test]
fn fixes_in_json_and_sarif() {
    let fixture = "tests/lint/W0013.seg";
    for format in ["json", "sarif"] {
        let out = segc(&["check", fixture, "--select", "W0013", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        insta::assert_json_snapshot!(format!("fixes_{format}"), json);
    }
}
