//! Every ```seg block of docs/language.md is checked against the example
//! schema: plain blocks must be clean, `error=CODE` blocks must fail with it.

use segc::diagnostics::{Code, Severity};
use segc::{check, Project};

const SCHEMA: &str = include_str!("../examples/shop/segc.toml");
const LANGUAGE: &str = include_str!("../docs/language.md");

/// `(line, info string, body)` of each fenced block tagged `seg`.
fn seg_blocks(markdown: &str) -> Vec<(usize, String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        match current.as_mut() {
            None => {
                if let Some(info) = line.trim_start().strip_prefix("```") {
                    if info.split_whitespace().next() == Some("seg") {
                        current = Some((n + 1, info.to_string(), String::new()));
                    }
                }
            }
            Some((_, _, body)) => {
                if line.trim_start().starts_with("```") {
                    blocks.push(current.take().unwrap());
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    blocks
}

#[test]
fn language_reference_examples_check() {
    let blocks = seg_blocks(LANGUAGE);
    assert!(blocks.len() >= 40, "only {} seg blocks", blocks.len());
    let mut failures = Vec::new();
    for (line, info, body) in &blocks {
        let expected = info
            .split_whitespace()
            .find_map(|w| w.strip_prefix("error="));
        let project = Project::from_sources(Some(SCHEMA), &[("example.seg", body)]);
        let diagnostics = check(&project).diagnostics;
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
        let ok = match expected {
            Some(code) => codes.contains(&code),
            // Examples teach syntax, so they may draw the style and cost
            // lints (no window, `!=`, …); never an error, an unknown event
            // or an optimizer finding.
            None => diagnostics.iter().all(|d| {
                d.severity == Severity::Note
                    || (d.severity == Severity::Warning && d.code >= Code::UnboundedHistory)
            }),
        };
        if !ok {
            failures.push(format!(
                "docs/language.md:{line}: expected {expected:?}, got {codes:?}\n{body}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn error_examples_are_tested_too() {
    // The block parser must see the error blocks, or the test above proves little.
    let errors = seg_blocks(LANGUAGE)
        .iter()
        .filter(|(_, info, _)| info.contains("error="))
        .count();
    assert!(errors >= 10, "only {errors} error examples");
}
