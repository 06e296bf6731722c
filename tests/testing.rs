//! `segc test`: test files run on both engines, failures that show the
//! fixture, diagnostics that point into the test file, and exit codes
//! (0 all pass, 1 a failure or an error, 2 could not run).

mod common;
mod engines;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::text;

fn segc_in(dir: &Path, args: &[&str]) -> Output {
    let duckdb = engines::duckdb_binary();
    common::run_env(dir, args, "", &[("SEGC_DUCKDB", duckdb.as_ref())])
}

fn segc(args: &[&str]) -> Output {
    segc_in(Path::new(common::ROOT), args)
}

const DEFINITIONS: &str = r#"
segment vip = sum(amount) of "purchase" within 30d >= 100
partition tier {
  big   = in segment vip
  small = did "purchase" within 30d
}
"#;

/// A scratch project (the shop schema, `DEFINITIONS`) holding `tests`.
fn project(name: &str, tests: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("segc-testing-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/shop/segc.toml");
    std::fs::copy(schema, dir.join("segc.toml")).unwrap();
    std::fs::write(dir.join("shop.seg"), DEFINITIONS).unwrap();
    for (file, text) in tests {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

const FIXTURE: &str = r#"
as_of = "2026-06-01T00:00:00Z"
users = [
  { user_id = "u1", country = "ZA" },
  { user_id = "u2", plan = "pro", marketing_opt_in = true },
  { user_id = "u3" },
]
events = [
  # Exactly 30 days before now: inside `within 30d`.
  { user_id = "u1", event = "purchase", ts = 2026-05-02T00:00:00Z, amount = 60 },
  { user_id = "u1", event = "purchase", ts = 2026-05-30T10:00:00Z, amount = 40 },
  { user_id = "u2", event = "purchase", ts = 2026-05-30T10:00:00Z, amount = 99.5, category = "shoes" },
  { user_id = "u2", event = "login", ts = 2026-05-01T10:00:00Z },
]
"#;

const PASSING: &str = r#"
[[expect]]
segment = "vip"
name = "a purchase exactly 30 days ago counts"
members = ["u1"]

[[expect]]
segment = "tier"
arms = { big = ["u1"], small = ["u2"] }

[[expect]]
segment = "tier.small"
members = ["u2"]
"#;

const FAILING: &str = r#"
[[expect]]
segment = "vip"
name = "big spenders"
members = ["u2"]

[[expect]]
segment = "tier"
arms = { big = ["u1"] }
"#;

#[test]
fn the_example_tests_pass_on_the_interpreter() {
    let out = segc(&["test", "examples/shop", "--engine", "vm"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn the_example_tests_pass_on_duckdb() {
    let vm = segc(&["test", "examples/shop"]);
    let out = segc(&["test", "examples/shop", "--engine", "duckdb"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), text(&vm.stdout));
}

#[test]
fn a_passing_test_file() {
    let dir = project(
        "pass",
        &[("shop.segtest.toml", &format!("{FIXTURE}{PASSING}"))],
    );
    let out = segc_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
    let out = segc_in(&dir, &["test", ".", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!(json);
}

#[test]
fn a_failure_shows_expected_actual_and_the_users_fixture() {
    let dir = project(
        "fail",
        &[("shop.segtest.toml", &format!("{FIXTURE}{FAILING}"))],
    );
    let out = segc_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn a_failure_as_json() {
    let dir = project(
        "fail-json",
        &[("shop.segtest.toml", &format!("{FIXTURE}{FAILING}"))],
    );
    let out = segc_in(&dir, &["test", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!(json);
}

/// In a GitHub workflow a failed expectation is an error annotation on its
/// `[[expect]]` table (the line naming its segment).
#[test]
fn a_failure_as_github_annotations() {
    let dir = project(
        "fail-github",
        &[("shop.segtest.toml", &format!("{FIXTURE}{FAILING}"))],
    );
    let out = segc_in(&dir, &["test", "--output-format", "github"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let line = format!("{FIXTURE}{FAILING}")
        .lines()
        .position(|l| l == "segment = \"vip\"")
        .map(|i| i + 1);
    let annotations: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert!(!annotations.is_empty(), "{stdout}");
    assert!(
        annotations
            .iter()
            .all(|a| a.contains("file=shop.segtest.toml") && a.contains("failed::as of")),
        "{stdout}"
    );
    assert!(
        line.is_some_and(|l| annotations
            .iter()
            .any(|a| a.contains(&format!("line={l},")))),
        "{line:?}: {stdout}"
    );
}

#[test]
fn the_duckdb_engine_fails_the_same_way() {
    let dir = project(
        "fail-duckdb",
        &[("shop.segtest.toml", &format!("{FIXTURE}{FAILING}"))],
    );
    let vm = segc_in(&dir, &["test"]);
    let out = segc_in(&dir, &["test", "--engine", "duckdb"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), text(&vm.stdout));
}

#[test]
fn an_unknown_segment_is_a_diagnostic_in_the_test_file() {
    let test = format!("{FIXTURE}[[expect]]\nsegment = \"vipp\"\nmembers = [\"u1\"]\n");
    let dir = project("unknown", &[("shop.segtest.toml", &test)]);
    let out = segc_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    insta::assert_snapshot!(text(&out.stderr));
    let out = segc_in(&dir, &["test", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let stream: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    insta::assert_json_snapshot!(stream);
}

#[test]
fn fixture_mistakes_point_into_the_test_file() {
    let test = r#"
as_of = "2026-06-01T00:00:00Z"
users = [{ user_id = "u1", countyr = "ZA", plan = 3 }]
events = [
  { user_id = "u1", event = "purchase", amount = 10 },
  { user_id = "u1", event = "purchase", ts = 2026-05-30T10:00:00, amount = "ten" },
]
[[expect]]
segment = "tier.bigg"
members = ["u1"]
[[expect]]
segment = "vip"
holdout = ["u1"]
"#;
    let dir = project("mistakes", &[("shop.segtest.toml", test)]);
    let out = segc_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    insta::assert_snapshot!(text(&out.stderr));
}

#[test]
fn an_expected_user_missing_from_the_fixture_is_a_diagnostic() {
    let test = format!("{FIXTURE}[[expect]]\nsegment = \"vip\"\nmembers = [\"u1\", \"u4\"]\n");
    let dir = project("unknown-user", &[("shop.segtest.toml", &test)]);
    let out = segc_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    insta::assert_snapshot!(text(&out.stderr));
}

#[test]
fn fixtures_from_files_relative_to_the_test_file() {
    let test = r#"
as_of = "2026-06-01"
users = "data/users.csv"
events = "data/events.jsonl"
[[expect]]
segment = "vip"
members = ["u1"]
"#;
    let dir = project("files", &[("shop.segtest.toml", test)]);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("data/users.csv"),
        "user_id,country,plan,email,signed_up_at,birth_date,marketing_opt_in,lifetime_value\nu1,ZA,,,,,,\nu2,NG,,,,,,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("data/events.jsonl"),
        r#"{"user_id":"u1","event":"purchase","ts":"2026-05-30T10:00:00Z","properties":{"amount":150}}
"#,
    )
    .unwrap();
    for engine in ["vm", "duckdb"] {
        let out = segc_in(&dir, &["test", "--engine", engine]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{engine}: {}",
            text(&out.stderr)
        );
    }
    std::fs::remove_file(dir.join("data/events.jsonl")).unwrap();
    let out = segc_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot read the fixture"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn errors_in_the_definitions_stop_the_tests() {
    let dir = project(
        "broken",
        &[("shop.segtest.toml", &format!("{FIXTURE}{PASSING}"))],
    );
    std::fs::write(
        dir.join("broken.seg"),
        "segment broken = did \"x\" within 2 hours\n",
    )
    .unwrap();
    let out = segc_in(&dir, &["test"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("within 2 hours"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn no_duckdb_binary_cannot_run() {
    let dir = project(
        "no-duckdb",
        &[("shop.segtest.toml", &format!("{FIXTURE}{PASSING}"))],
    );
    let missing = dir.join("no-such-duckdb");
    let out = common::run_env(
        &dir,
        &["test", "--engine", "duckdb"],
        "",
        &[("SEGC_DUCKDB", missing.as_os_str())],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("pip install duckdb-cli"),
        "{}",
        text(&out.stderr)
    );
}
