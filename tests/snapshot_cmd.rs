//! `segc snapshot`: writes the SQL of every segment (the same as `segc sql`),
//! `--check` passes on the written files and fails with a unified diff when
//! a definition changes, a segment is new, or a snapshot has no segment.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::text;

fn segc_in(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args, "")
}

/// A scratch project: the shop schema and two small segments.
fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("segc-snapshot-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/shop/segc.toml");
    std::fs::copy(schema, dir.join("segc.toml")).unwrap();
    std::fs::write(
        dir.join("small.seg"),
        "segment buyers = did \"purchase\" within 30d\nsegment za = user.country = \"ZA\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn snapshots_are_the_sql_of_each_segment_and_check_clean() {
    let dir = project("write");
    let out = segc_in(&dir, &["snapshot", ".", "--dialect", "duckdb"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let snapshots = dir.join("snapshots/duckdb");
    let mut files: Vec<String> = std::fs::read_dir(&snapshots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["buyers.sql", "za.sql"]);
    for segment in ["buyers", "za"] {
        let sql = segc_in(&dir, &["sql", "--segment", segment, "--dialect", "duckdb"]);
        let written = std::fs::read_to_string(snapshots.join(format!("{segment}.sql"))).unwrap();
        assert_eq!(written, text(&sql.stdout));
    }
    let out = segc_in(&dir, &["snapshot", "--dialect", "duckdb", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).is_empty());
    insta::assert_snapshot!(text(&out.stderr), @"ok: 2 snapshot(s) in ./snapshots/duckdb match");
}

#[test]
fn check_fails_with_a_diff_for_changed_new_and_removed_segments() {
    let dir = project("check");
    let write = segc_in(&dir, &["snapshot", "--dialect", "postgres", "--dir", "sql"]);
    assert_eq!(write.status.code(), Some(0), "{}", text(&write.stderr));
    std::fs::write(
        dir.join("small.seg"),
        "segment buyers = did \"purchase\" within 7d\nsegment ng = user.country = \"NG\"\n",
    )
    .unwrap();
    let check = [
        "snapshot",
        "--dialect",
        "postgres",
        "--dir",
        "sql",
        "--check",
    ];
    let out = segc_in(&dir, &check);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    insta::assert_snapshot!(format!("{}\n{}", text(&out.stdout), text(&out.stderr)));
    // --check wrote nothing; writing updates the changed, adds the new and
    // removes the stale snapshot.
    assert!(dir.join("sql/za.sql").exists());
    let out = segc_in(&dir, &["snapshot", "--dialect", "postgres", "--dir", "sql"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stderr), @"2 snapshot(s) in sql: 1 changed, 1 new, 1 removed");
    assert!(!dir.join("sql/za.sql").exists());
    assert_eq!(segc_in(&dir, &check).status.code(), Some(0));
}

#[test]
fn the_example_snapshots_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dialect in segc::backend::sql::dialect::names() {
        let out = segc_in(
            root,
            &["snapshot", "examples/shop", "--dialect", dialect, "--check"],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "run `segc snapshot examples/shop --dialect {dialect}` and review the diff:\n{}",
            text(&out.stdout)
        );
    }
}
