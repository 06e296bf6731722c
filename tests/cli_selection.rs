//! The command line as a pipeline stage and as a selector: no command
//! panics when its reader goes away (`segc sql … | head`), `P.arm` names a
//! partition arm in every command's `--segment`, and `run --all` prints the
//! same counts on the interpreter, on DuckDB and on ClickHouse.

mod common;
mod engines;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{text, ROOT};

const EVENTS: &str = "tests/fixtures/shop/events.jsonl";
const USERS: &str = "tests/fixtures/shop/users.csv";
const AS_OF: &str = "2026-06-01T00:00:00Z";

fn segc(args: &[&str]) -> Output {
    let duckdb = engines::duckdb_binary();
    let python = engines::clickhouse_python();
    common::run_env(
        Path::new(ROOT),
        args,
        "",
        &[
            ("SEGC_DUCKDB", duckdb.as_ref()),
            ("SEGC_PYTHON", python.as_ref()),
        ],
    )
}

/// The engines that run the generated SQL for `segc run --engine`.
const SQL_ENGINES: [&str; 2] = ["duckdb", "clickhouse"];

fn run_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "run",
        "examples/shop",
        "--events",
        EVENTS,
        "--users",
        USERS,
        "--as-of",
        AS_OF,
    ];
    args.extend_from_slice(extra);
    args
}

/// Every command, with its reader gone before it writes a byte: it ends
/// quietly (by SIGPIPE, or with its own exit code), never with a panic.
#[test]
fn no_command_panics_on_a_closed_stdout() {
    let commands: Vec<Vec<&str>> = vec![
        vec!["check", "examples/shop", "--output-format", "json"],
        vec!["check", "examples/shop", "--output-format", "sarif"],
        vec!["sql", "examples/shop", "--all"],
        vec!["sql", "examples/shop", "--all", "--combined"],
        vec!["ir", "examples/shop"],
        vec!["ir", "examples/shop", "--json"],
        vec!["explain", "examples/shop", "--segment", "vip"],
        vec!["bytecode", "examples/shop", "--segment", "vip"],
        vec!["parse", "examples/shop/vip.seg"],
        vec!["tokens", "examples/shop/vip.seg"],
        vec!["rule", "--all"],
        vec!["fmt", "--check", "tests/fixtures/fmt"],
        vec!["test", "examples/shop"],
        run_args(&["--all"]),
        run_args(&["--segment", "lifecycle"]),
        run_args(&["--segment", "lifecycle", "--engine", "duckdb"]),
    ];
    for args in commands {
        let mut child = Command::new(env!("CARGO_BIN_EXE_segc"))
            .args(&args)
            .current_dir(ROOT)
            .env("SEGC_DUCKDB", engines::duckdb_binary())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader is gone
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert!(
            !stderr.contains("panicked") && out.status.code() != Some(101),
            "{args:?}: {:?}\n{stderr}",
            out.status
        );
    }
}

/// `P.arm` selects the users assigned to that arm, wherever a segment is
/// named (spec §4).
#[test]
fn an_arm_is_selected_by_partition_dot_arm() {
    let vm = segc(&run_args(&["--segment", "lifecycle.active"]));
    assert_eq!(vm.status.code(), Some(0), "{}", text(&vm.stderr));
    for engine in SQL_ENGINES {
        let sql = segc(&run_args(&[
            "--segment",
            "lifecycle.active",
            "--engine",
            engine,
        ]));
        assert_eq!(sql.status.code(), Some(0), "{}", text(&sql.stderr));
        assert_eq!(text(&vm.stdout), text(&sql.stdout), "{engine}");
    }
    // The arm's members are exactly the partition's rows with that arm.
    let whole = segc(&run_args(&["--segment", "lifecycle"]));
    let expected: String = text(&whole.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(",active"))
        .map(|u| format!("{u}\n"))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(text(&vm.stdout), format!("user_id\n{expected}"));
    for args in [
        vec!["sql", "examples/shop", "--segment", "lifecycle.active"],
        vec!["ir", "examples/shop", "--segment", "lifecycle.active"],
        vec!["explain", "examples/shop", "--segment", "lifecycle.active"],
        vec!["bytecode", "examples/shop", "--segment", "lifecycle.active"],
    ] {
        let out = segc(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stdout).is_empty(), "{args:?}");
    }
    let typo = segc(&["sql", "examples/shop", "--segment", "lifecycle.activ"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        text(&typo.stderr).contains("did you mean `lifecycle.active`?"),
        "{}",
        text(&typo.stderr)
    );
}

#[test]
fn run_all_counts_agree_on_every_engine() {
    let vm = segc(&run_args(&["--all"]));
    assert_eq!(vm.status.code(), Some(0), "{}", text(&vm.stderr));
    let counts = text(&vm.stdout);
    assert!(counts.starts_with("segment,members\n") && counts.lines().count() > 10);
    // Some segment has members, so the comparison says something.
    assert!(
        counts.lines().skip(1).any(|l| !l.ends_with(",0")),
        "{counts}"
    );
    for engine in SQL_ENGINES {
        let sql = segc(&run_args(&["--all", "--engine", engine]));
        assert_eq!(sql.status.code(), Some(0), "{}", text(&sql.stderr));
        assert_eq!(counts, text(&sql.stdout), "{engine}");
    }
}

/// Beside a command's output, only the diagnostics of the selected segments
/// and of what they use; `--quiet` leaves errors only.
#[test]
fn diagnostics_of_the_selected_segments_only() {
    let dir = std::env::temp_dir().join(format!("segc-select-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("examples/shop/segc.toml"),
        dir.join("segc.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("d.seg"),
        "segment a = did \"login\"\n\
         segment b = did \"purchase\" within 7d\n\
         segment c = in segment a and did \"x\" within 1d\n",
    )
    .unwrap();
    let warnings = |args: &[&str]| -> Vec<String> {
        let out = common::run(&dir, args, "");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let mut codes: Vec<String> = text(&out.stderr)
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .filter_map(|l| l.split("title=").nth(1))
            .map(|l| l[..5].to_string())
            .collect();
        codes.sort();
        codes
    };
    fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        [&["--output-format", "github"][..], extra].concat()
    }
    // `b` is clean; `c` has its own W0001 and W0006 from `a`, which it uses.
    assert!(warnings(&with(&["sql", ".", "--segment", "b"])).is_empty());
    assert_eq!(
        warnings(&with(&["sql", ".", "--segment", "c"])),
        ["W0001", "W0006"]
    );
    assert_eq!(warnings(&with(&["ir", ".", "--segment", "a"])), ["W0006"]);
    assert_eq!(warnings(&with(&["sql", ".", "--all"])), ["W0001", "W0006"]);
    assert!(warnings(&with(&["sql", ".", "--segment", "c", "--quiet"])).is_empty());
    // Errors are never hidden.
    std::fs::write(dir.join("e.seg"), "segment e = user.nope = 1\n").unwrap();
    let out = common::run(&dir, &["sql", ".", "--segment", "b", "-q"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("E0030"), "{}", text(&out.stderr));
}

/// Without `--as-of`, data older than every window gives empty segments: a
/// warning says so and gives the `--as-of` to use.
#[test]
fn stale_data_is_warned_about() {
    let dir = std::env::temp_dir().join(format!("segc-stale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let schema = "[events]\ntable = \"events\"\n";
    std::fs::write(dir.join("segc.toml"), schema).unwrap();
    std::fs::write(
        dir.join("s.seg"),
        "segment weekly = did \"login\" within 7d\n\
         # segc: allow(W0006)\n\
         segment ever = did \"login\"\n\
         # segc: allow(W0009)\n\
         segment century = did \"login\" within 36500d\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("events.csv"),
        "user_id,event,ts\nu1,login,2020-01-01T00:00:00Z\nu1,login,2020-03-01T12:00:00Z\n",
    )
    .unwrap();
    let stderr = |extra: &[&str]| {
        let mut args = vec!["run", ".", "--events", "events.csv"];
        args.extend_from_slice(extra);
        let out = common::run(&dir, &args, "");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stderr)
    };
    let warned = stderr(&["--segment", "weekly"]);
    assert!(
        warned.contains("the newest event (2020-03-01T12:00:00Z)")
            && warned.contains("--as-of 2020-03-01T12:00:00Z"),
        "{warned}"
    );
    assert!(stderr(&["--segment", "weekly", "--as-of", "2020-03-02"]).is_empty());
    assert!(stderr(&["--segment", "weekly", "--quiet"]).is_empty());
    // No window relative to now, or one longer than the data's age.
    assert!(stderr(&["--segment", "ever"]).is_empty());
    assert!(stderr(&["--segment", "century"]).is_empty());
}
