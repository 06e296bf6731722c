//! The `segc` binary: exit codes (0 clean, 1 problems, 2 could not run) and
//! output formats.

use std::process::Output;

mod common;

use common::text;

fn segc(args: &[&str], stdin: &str) -> Output {
    common::run(std::path::Path::new(common::ROOT), args, stdin)
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

#[test]
fn sql_of_one_segment_to_stdout() {
    let out = segc(
        &[
            "sql",
            "examples/shop",
            "--segment",
            "cart_abandoners",
            "--dialect",
            "postgres",
            "--as-of",
            "2026-06-01",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn sql_of_every_segment_into_a_folder() {
    let dir = std::env::temp_dir().join(format!("segc-sql-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = segc(
        &[
            "sql",
            "examples/shop",
            "--all",
            "--out",
            dir.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 19, "{files:?}");
    let one = std::fs::read_to_string(dir.join("cart_abandoners.sql")).unwrap();
    // No --as-of: the engine's clock.
    assert!(one.contains("CURRENT_TIMESTAMP"), "{one}");
    std::fs::remove_dir_all(&dir).unwrap();

    let out = segc(
        &[
            "sql",
            "examples/shop",
            "--combined",
            "--as-of",
            "2026-06-01T00:00:00Z",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("AS \"cart_abandoners\""));
}

#[test]
fn sql_usage_errors_exit_2() {
    for (args, message) in [
        (
            &["sql", "examples/shop", "--segment", "cart_abandoner"][..],
            "did you mean `cart_abandoners`?",
        ),
        (
            &["sql", "examples/shop"][..],
            "--segment NAME (repeatable) or --all",
        ),
        (
            &["sql", "examples/shop", "--all", "--as-of", "yesterday"][..],
            "--as-of yesterday",
        ),
        (
            &["sql", "examples/shop", "--all", "--dialect", "oracle"][..],
            "possible values: duckdb, postgres",
        ),
        (&["sql", "tests/fixtures/too_deep.seg", "--all"][..], ""),
    ] {
        let out = segc(args, "");
        let stderr = text(&out.stderr);
        if message.is_empty() {
            // A broken file: its diagnostics, exit 1, no SQL.
            assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(out.stdout.is_empty());
        } else {
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains(message), "{args:?}: {stderr}");
        }
    }
    let out = segc(&["sql", "-"], "did \"x\"\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("SQL needs a segc.toml"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn explain_shows_the_passes_and_the_result() {
    let out = segc(
        &["explain", "examples/shop", "--segment", "spring_winback"],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
    let out = segc(
        &["explain", "-", "--segment", "stdin"],
        "did \"login\" within 7d or did \"login\" within 30d or (did \"x\" and not did \"x\")\n",
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("window-subsumption ×1"), "{stdout}");
    assert!(
        stdout.contains("redundant: <stdin>:1:1 `did \"login\" within 7d`"),
        "{stdout}"
    );
    let out = segc(
        &[
            "ir",
            "examples/shop",
            "--segment",
            "win_back",
            "--optimized",
        ],
        "",
    );
    assert!(
        text(&out.stdout).contains("last of \"login\""),
        "{}",
        text(&out.stdout)
    );
}

/// Every command that reports diagnostics does so in each output format:
/// here a syntax error, seen by `check`, `fmt`, `test`, `snapshot` and
/// `sql`, each with its exit code.
#[test]
fn every_command_reports_in_each_format() {
    let dir = std::env::temp_dir().join(format!("segc-formats-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        std::path::Path::new(common::ROOT).join("examples/shop/segc.toml"),
        dir.join("segc.toml"),
    )
    .unwrap();
    std::fs::write(dir.join("a.seg"), "segment a = did \"login\" within\n").unwrap();
    let commands: [&[&str]; 5] = [
        &["check", "."],
        &["fmt", ".", "--check"],
        &["test", "."],
        &["snapshot", ".", "--dialect", "duckdb", "--check"],
        &["sql", ".", "--all"],
    ];
    let mut shown = String::new();
    for format in ["human", "json", "github", "sarif"] {
        for command in commands {
            let mut args = command.to_vec();
            args.extend(["--output-format", format]);
            let out = common::run(&dir, &args, "");
            shown.push_str(&format!(
                "=== segc {} (exit {:?})\n--- stdout\n{}--- stderr\n{}",
                args.join(" "),
                out.status.code(),
                text(&out.stdout),
                text(&out.stderr)
            ));
            assert_eq!(out.status.code(), Some(1), "{}", args.join(" "));
        }
    }
    insta::assert_snapshot!(shown);
}
