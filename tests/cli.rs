//! The `segc` binary: exit codes (0 clean, 1 problems, 2 could not run) and
//! output formats.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn segc(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_segc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn design_card_example_checks_clean() {
    let out = segc(
        &["check", "-"],
        "did \"add_to_cart\" within 2h and not did \"purchase\"\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn spaced_duration_fails_with_the_fix() {
    let out = segc(&["check", "-"], "did \"x\" within 2 hours\n");
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(text(&out.stderr));
}

#[test]
fn json_format_reports_the_same_diagnostics() {
    let out = segc(
        &["check", "-", "--format", "json"],
        "did \"x\" within 2 hours or user.x > \n",
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!(json);
}

#[test]
fn the_example_project_checks_clean() {
    let out = segc(&["check", "examples/shop"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("ok:"));
}

#[test]
fn a_file_inside_a_project_resolves_its_references() {
    let out = segc(&["check", "examples/shop/lifecycle.seg"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn ir_of_one_segment_as_text_and_json() {
    let out = segc(&["ir", "tests/corpus", "--segment", "cart_abandon"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
    let out = segc(
        &["ir", "tests/corpus", "--segment", "cart_abandon", "--json"],
        "",
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["segments"][0]["name"], "cart_abandon");
}

#[test]
fn unknown_segment_is_a_usage_error() {
    let out = segc(&["ir", "tests/corpus", "--segment", "cart_abandn"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean `cart_abandon`?"));
}

#[test]
fn ir_of_a_broken_file_exits_1() {
    let out = segc(&["ir", "-"], "did \"x\" within\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_path_could_not_run() {
    let out = segc(&["check", "no/such/dir"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: no/such/dir"));
}

#[test]
fn bad_usage_exits_2() {
    let out = segc(&["check", "--format", "yaml"], "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn tokens_and_parse() {
    let out = segc(&["tokens", "-"], "DID \"a\" within 2h # note\n");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out.stdout));
    let out = segc(&["parse", "-"], "did \"a\"\n");
    assert_eq!(out.status.code(), Some(0));
    let ast: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        ast["expr"]["expr"]["kind"]["did"]["step"]["events"]["name"]["value"],
        "a"
    );
    let out = segc(&["tokens", "-"], "did \"a\\q\" within 3mo\n");
    assert_eq!(out.status.code(), Some(1));
}
