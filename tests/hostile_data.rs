//! Hostile data files (issue 11): each test is an input that once crashed
//! segc, hung it, or lost data without a word, and the clear error or exact
//! result it gives now. The inputs are in `tests/data/hostile` or written
//! here (invalid UTF-8, Parquet cells); whole Parquet files are in
//! `tests/hostile_parquet.rs`.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::types::Decimal128Type;
use arrow_array::{ArrayRef, PrimitiveArray, UInt64Array};
use common::hostile::{
    assert_contains, error, parquet, read, read_with, scratch, strings, Table, DIR,
};
use common::text;
use parquet::basic::Compression;
use segc::data::Val;
use segc::sema::schema::parse_schema;

const EVENTS_CSV_HEADER: &str = "user_id,event,ts,properties\n";

const BAD_FRACTION: &str = "2026-01-01T00:00:00.a€€Z";

fn segc(args: &[&str]) -> std::process::Output {
    common::run(Path::new(DIR), args, "")
}

#[test]
fn a_multibyte_fraction_is_a_bad_timestamp_everywhere() {
    let csv = format!(
        "{EVENTS_CSV_HEADER}u1,login,{BAD_FRACTION},{{}}\nu1,login,2026-01-01T00:00:00Z,\n"
    );
    let e = error(Table::Events, "events.csv", csv.as_bytes(), false);
    assert_contains(&e, "events.csv:2: column `ts`: \"2026-01-01T00:00:00.a€€Z\" is not an RFC 3339 timestamp: the fraction of a second must be digits");
    let (report, data) = read(Table::Events, "events.csv", csv.as_bytes(), true).unwrap();
    assert_eq!((report.rows, report.skipped, data.events()), (1, 1, 1));

    let jsonl = format!(
        "{{\"user_id\":\"u1\",\"event\":\"login\",\"ts\":\"2026-01-01T00:00:00Z\",\"properties\":{{\"seen_at\":\"{BAD_FRACTION}\"}}}}\n"
    );
    let e = error(Table::Events, "events.jsonl", jsonl.as_bytes(), false);
    assert_contains(&e, "events.jsonl:1: column `seen_at`: \"2026-01-01T00:00:00.a€€Z\" is not an RFC 3339 timestamp");

    let users = format!("user_id,country,joined,vip,ltv\nu1,ZA,{BAD_FRACTION},,\n");
    let e = error(Table::Users, "users.csv", users.as_bytes(), false);
    assert_contains(&e, "users.csv:2: column `joined`");

    let file = parquet(
        vec![
            ("user_id", strings(&[Some("u1")])),
            ("country", strings(&[None])),
            ("joined", strings(&[Some(BAD_FRACTION)])),
            ("vip", strings(&[None])),
            ("ltv", strings(&[None])),
        ],
        Compression::SNAPPY,
    );
    let e = error(Table::Users, "users.parquet", &file, false);
    assert_contains(&e, "users.parquet: row 1 (row group 0): column `joined`: \"2026-01-01T00:00:00.a€€Z\" is not an RFC 3339 timestamp");

    let out = segc(&[
        "run",
        ".",
        "--events",
        "events.jsonl",
        "--users",
        "users.csv",
        "--as-of",
        BAD_FRACTION,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_contains(
        &text(&out.stderr),
        "--as-of 2026-01-01T00:00:00.a€€Z: the fraction of a second must be digits",
    );
}

/// A bad timestamp string under a property declared `timestamp` was once
/// dropped as missing; the SQL's cast fails on it.
#[test]
fn a_bad_timestamp_property_is_a_bad_row() {
    let jsonl = concat!(
        r#"{"user_id":"u1","event":"e","ts":"2026-01-01T00:00:00Z","properties":{"seen_at":"yesterday"}}"#,
        "\n",
        r#"{"user_id":"u1","event":"e","ts":"2026-01-01T00:00:00Z","properties":{"seen_at":""}}"#,
        "\n",
        r#"{"user_id":"u1","event":"e","ts":"2026-01-01T00:00:00Z","properties":{"seen_at":5,"amount":"5"}}"#,
        "\n",
    );
    let e = error(Table::Events, "events.jsonl", jsonl.as_bytes(), false);
    assert_contains(
        &e,
        "events.jsonl:1: column `seen_at`: \"yesterday\" is not an RFC 3339 timestamp",
    );
    let (report, data) = read(Table::Events, "events.jsonl", jsonl.as_bytes(), true).unwrap();
    assert_eq!((report.rows, report.skipped), (1, 2));
    assert_contains(
        &report.first_skipped[1].to_string(),
        "events.jsonl:2: column `seen_at`: \"\" is not",
    );
    // A value of another JSON type is missing, as in the SQL.
    assert!(data.properties.iter().all(|p| p.2 == [Val::Missing]));
}

/// NaN, infinities and out-of-range epoch numbers once became 1970 or a
/// saturated instant.
#[test]
fn epoch_times_must_be_finite_instants_in_years_1_to_9999() {
    let schema = parse_schema(
        0,
        "[events]\ntable = \"events\"\ntimestamp_format = \"epoch_seconds\"\n",
    )
    .unwrap();
    for (cell, message) in [
        (
            "NaN",
            "\"NaN\" seconds since the epoch: NaN is not a finite number",
        ),
        (
            "inf",
            "\"inf\" seconds since the epoch: inf is not a finite number",
        ),
        (
            "-inf",
            "\"-inf\" seconds since the epoch: -inf is not a finite number",
        ),
        (
            "1e300",
            "\"1e300\" seconds since the epoch: the instant is outside years 0001 to 9999",
        ),
        ("-62135596801", "outside years 0001 to 9999"),
        ("253402300800", "outside years 0001 to 9999"),
    ] {
        let csv = format!("user_id,event,ts\nu1,e,{cell}\n");
        let e = match read_with(&schema, Table::Events, "events.csv", csv.as_bytes(), false) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{cell} was read"),
        };
        assert_contains(&e, "events.csv:2: column `ts`: ");
        assert_contains(&e, message);
    }
    let jsonl = "{\"user_id\":\"u1\",\"event\":\"e\",\"ts\":1e300}\n{\"user_id\":\"u1\",\"event\":\"e\",\"ts\":-62135596800}\n";
    let (report, data) = read_with(
        &schema,
        Table::Events,
        "events.jsonl",
        jsonl.as_bytes(),
        true,
    )
    .unwrap();
    assert_eq!((report.rows, report.skipped), (1, 1));
    assert_eq!(data.event_time, [-62_135_596_800_000_000]);
    assert_contains(
        &report.first_skipped[0].to_string(),
        "1e+300 seconds since the epoch: the instant is outside years 0001 to 9999",
    );
}

fn event_line(id: &str) -> String {
    format!("{{\"user_id\":{id},\"event\":\"login\",\"ts\":\"2026-05-30T00:00:00Z\"}}\n")
}

/// Ids above 2^64 once went through f64, and distinct users merged.
#[test]
fn numeric_user_ids_keep_their_digits_or_are_refused() {
    let exact = [
        "18446744073709551615",
        "18446744073709551614",
        "-9223372036854775808",
        "\"18446744073709551617\"",
    ];
    let jsonl: String = exact.iter().map(|id| event_line(id)).collect();
    let (_, data) = read(Table::Events, "events.jsonl", jsonl.as_bytes(), false).unwrap();
    assert_eq!(
        data.users,
        [
            "-9223372036854775808",
            "18446744073709551614",
            "18446744073709551615",
            "18446744073709551617"
        ]
    );
    for id in [
        "18446744073709551617",
        "18446744073709551616",
        "1e3",
        "1.5",
        "1.0",
        "-0",
    ] {
        let e = error(
            Table::Events,
            "events.jsonl",
            event_line(id).as_bytes(),
            false,
        );
        assert_contains(&e, "events.jsonl:1: column `user_id`: a numeric user id must be a whole number from -2^63 to 2^64 - 1, written without a fraction or exponent");
    }
    // Parquet: unsigned 64-bit and whole DECIMAL ids are exact too.
    let id: PrimitiveArray<Decimal128Type> =
        vec![Some(123_456_789_012_345_678_901_234_567_890_i128)].into();
    for id in [
        Arc::new(UInt64Array::from(vec![u64::MAX])) as ArrayRef,
        Arc::new(id.with_precision_and_scale(38, 0).unwrap()),
    ] {
        let file = parquet(
            vec![
                ("user_id", id.clone()),
                ("event", strings(&[Some("login")])),
                ("ts", strings(&[Some("2026-05-30T00:00:00Z")])),
                ("properties", strings(&[None])),
            ],
            Compression::SNAPPY,
        );
        let (_, data) = read(Table::Events, "events.parquet", &file, false).unwrap();
        let digits = arrow_cast::display::array_value_to_string(&id, 0).unwrap();
        assert_eq!(data.users, [digits]);
    }
}

/// A key twice in one object: the interpreter kept the last, DuckDB the
/// first. Now the row is bad.
#[test]
fn duplicate_json_keys_are_bad_rows() {
    let e = error(
        Table::Events,
        "events.jsonl",
        b"{\"user_id\":1,\"user_id\":2,\"event\":\"e\",\"ts\":\"2026-05-30T00:00:00Z\"}\n",
        false,
    );
    assert_contains(
        &e,
        "events.jsonl:1: the key \"user_id\" appears twice in one object (byte 24)",
    );
    let nested = "{\"user_id\":1,\"event\":\"e\",\"ts\":\"2026-05-30T00:00:00Z\",\"properties\":{\"amount\":1,\"amount\":2}}\n";
    let e = error(Table::Events, "events.jsonl", nested.as_bytes(), false);
    assert_contains(
        &e,
        "events.jsonl:1: the key \"amount\" appears twice in one object",
    );
    let csv = format!(
        "{EVENTS_CSV_HEADER}u1,e,2026-05-30T00:00:00Z,\"{{\"\"amount\"\":1,\"\"amount\"\":2}}\"\n"
    );
    let e = error(Table::Events, "events.csv", csv.as_bytes(), false);
    assert_contains(
        &e,
        "events.csv:2: column `properties`: the key \"amount\" appears twice in one object",
    );
    let (report, _) = read(
        Table::Events,
        "events.jsonl",
        format!("{nested}{}", event_line("3")).as_bytes(),
        true,
    )
    .unwrap();
    assert_eq!((report.rows, report.skipped), (1, 1));
}

/// Invalid UTF-8 once ended a JSONL read with no line number, and could
/// not be skipped.
#[test]
fn invalid_utf8_is_a_skippable_bad_row_with_its_line() {
    let mut jsonl = event_line("1").into_bytes();
    jsonl.extend_from_slice(
        b"{\"user_id\":\"\xC3\x28\",\"event\":\"login\",\"ts\":\"2026-05-30T00:00:00Z\"}\n",
    );
    jsonl.extend_from_slice(event_line("2").as_bytes());
    let e = error(Table::Events, "events.jsonl", &jsonl, false);
    assert_contains(&e, "events.jsonl:2: invalid UTF-8 at byte 13 of the line");
    let (report, data) = read(Table::Events, "events.jsonl", &jsonl, true).unwrap();
    assert_eq!((report.rows, report.skipped, data.users.len()), (2, 1, 2));

    let mut csv = EVENTS_CSV_HEADER.as_bytes().to_vec();
    csv.extend_from_slice(b"u1,login,2026-05-30T00:00:00Z,\nu\xFF2,login,2026-05-30T00:00:00Z,\nu3,login,2026-05-30T00:00:00Z,\n");
    let e = error(Table::Events, "events.csv", &csv, false);
    assert_contains(
        &e,
        "events.csv:3: column `user_id`: invalid UTF-8 at byte 2 of the value",
    );
    let (report, _) = read(Table::Events, "events.csv", &csv, true).unwrap();
    assert_eq!((report.rows, report.skipped), (2, 1));
}

/// `--skip-bad-rows` once exited 0 having read nothing.
#[test]
fn skipping_every_row_is_an_error() {
    let bad = std::fs::read(Path::new(DIR).join("all_bad.jsonl")).unwrap();
    let e = error(Table::Events, "events.jsonl", &bad, true);
    assert_contains(
        &e,
        "events.jsonl: every row is bad (2 skipped), so nothing was read; the first: ",
    );
    assert_contains(
        &e,
        "events.jsonl:1: column `ts`: \"yesterday\" is not an RFC 3339 timestamp",
    );
    // A file with no rows at all is empty, not bad.
    let (report, _) = read(
        Table::Events,
        "events.csv",
        EVENTS_CSV_HEADER.as_bytes(),
        true,
    )
    .unwrap();
    assert_eq!((report.rows, report.skipped), (0, 0));

    let out = segc(&[
        "run",
        ".",
        "--events",
        "all_bad.jsonl",
        "--users",
        "users.csv",
        "--skip-bad-rows",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_contains(
        &text(&out.stderr),
        "all_bad.jsonl: every row is bad (2 skipped)",
    );
    let out = segc(&[
        "run",
        ".",
        "--events",
        "events.jsonl",
        "--users",
        "users.csv",
        "--as-of",
        "2026-06-01",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "user_id\nu1\n");
}

/// `--engine duckdb` reads the files with segc's readers first: DuckDB
/// never sees a file the interpreter refuses (here a duplicate key, which
/// DuckDB would read as its first value).
#[test]
fn the_duckdb_route_refuses_what_the_interpreter_refuses() {
    let dir = scratch("duckdb-parity");
    for file in ["segc.toml", "active.seg", "users.csv"] {
        std::fs::copy(Path::new(DIR).join(file), dir.join(file)).unwrap();
    }
    std::fs::write(
        dir.join("events.jsonl"),
        "{\"user_id\":\"u1\",\"user_id\":\"u2\",\"event\":\"login\",\"ts\":\"2026-05-01T00:00:00Z\",\"properties\":{}}\n",
    )
    .unwrap();
    let duckdb = std::env::var("SEGC_DUCKDB")
        .unwrap_or_else(|_| format!("{}/target/engines/venv/bin/duckdb", common::ROOT));
    for engine in ["vm", "duckdb"] {
        let out = common::run_env(
            &dir,
            &[
                "run",
                ".",
                "--events",
                "events.jsonl",
                "--users",
                "users.csv",
                "--engine",
                engine,
            ],
            "",
            &[("SEGC_DUCKDB", duckdb.as_ref())],
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{engine}: {}",
            text(&out.stderr)
        );
        assert_contains(&text(&out.stderr), "the key \"user_id\" appears twice");
    }
}

/// An interrupted `segc generate` once left truncated files.
#[test]
fn interrupted_generate_leaves_no_truncated_file() {
    /// Kills the generator however the test ends: an orphan would go on
    /// writing its full output (gigabytes) after a failed assertion.
    struct Generating(std::process::Child, std::path::PathBuf);
    impl Drop for Generating {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
            let _ = std::fs::remove_dir_all(&self.1);
        }
    }
    let dir = scratch("generate");
    // Big enough to be interrupted (about a second of writing), small
    // enough not to fill a disk should the kill fail.
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_segc"))
        .args(["generate", dir.to_str().unwrap(), "--users", "200000"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Generating(child, dir.clone());
    let partial = dir.join(format!(".events.jsonl.partial-{}", child.0.id()));
    let started = Instant::now();
    while std::fs::metadata(&partial).map_or(true, |m| m.len() < 100_000) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no partial file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        child.0.try_wait().unwrap().is_none(),
        "generate finished before it was interrupted"
    );
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    assert!(!dir.join("users.csv").exists());
    assert!(!dir.join("events.jsonl").exists());
}
