//! `segc run`, `segc bytecode` and `segc generate`: outputs, exit codes, and
//! clear errors for bad input (malformed rows, missing columns, wrong types,
//! truncated or tampered bytecode).

mod common;
mod engines;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::text;

fn segc(args: &[&str]) -> Output {
    let duckdb = engines::duckdb_binary();
    let python = engines::clickhouse_python();
    common::run_env(
        Path::new(common::ROOT),
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

const EVENTS: &str = "tests/fixtures/shop/events.jsonl";
const USERS: &str = "tests/fixtures/shop/users.csv";
const AS_OF: &str = "2026-06-01T00:00:00Z";

/// `segc run PATH --events E --users U --as-of AS_OF`, then `extra`.
fn run_with(path: &str, events: &str, users: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "run", path, "--events", events, "--users", users, "--as-of", AS_OF,
    ];
    args.extend_from_slice(extra);
    segc(&args)
}

fn run(segment: &str, extra: &[&str]) -> Output {
    let mut args = vec!["--segment", segment];
    args.extend_from_slice(extra);
    run_with("examples/shop", EVENTS, USERS, &args)
}

/// A scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("segc-run-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn members_as_csv_and_jsonl() {
    let dir = scratch("holdout");
    std::fs::copy("examples/shop/segc.toml", dir.join("segc.toml")).unwrap();
    std::fs::write(
        dir.join("logged_in.seg"),
        "segment logged_in = did \"login\" within 30d holdout 50%\n",
    )
    .unwrap();
    let project = dir.to_str().unwrap();
    let out = run_with(project, EVENTS, USERS, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(csv.starts_with("user_id,holdout\n"), "{csv}");
    insta::assert_snapshot!(csv);
    let out = run("lifecycle", &["--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn member_counts_of_every_segment() {
    let out = run_with("examples/shop", EVENTS, USERS, &["--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

/// The interpreter and each SQL route give the same bytes for every example
/// segment, and the same member counts for all of them at once.
#[test]
fn sql_engines_agree_on_the_example() {
    let all = run_with("examples/shop", EVENTS, USERS, &["--all"]);
    for engine in SQL_ENGINES {
        let sql = run_with(
            "examples/shop",
            EVENTS,
            USERS,
            &["--all", "--engine", engine],
        );
        assert_eq!(sql.status.code(), Some(0), "{}", text(&sql.stderr));
        assert_eq!(text(&all.stdout), text(&sql.stdout), "{engine} --all");
    }
    for segment in [
        "birthday_week",
        "spring_winback",
        "internal_accounts",
        "cart_abandoners",
        "lifecycle",
        "active_non_buyers",
        "lapsing",
        "win_back",
        "daily_streak",
        "weekly_regulars",
        "vip",
        "top_spenders",
        "repeat_buyers",
        "shoe_funnel_completed",
    ] {
        let vm = run(segment, &[]);
        assert_eq!(vm.status.code(), Some(0), "{}", text(&vm.stderr));
        for engine in SQL_ENGINES {
            let sql = run(segment, &["--engine", engine]);
            assert_eq!(sql.status.code(), Some(0), "{}", text(&sql.stderr));
            assert_eq!(text(&vm.stdout), text(&sql.stdout), "{engine} {segment}");
        }
    }
}

#[test]
fn saved_bytecode_runs_like_the_source() {
    let dir = scratch("segb");
    // A .segb is loaded with the project around it (for column names).
    std::fs::copy("examples/shop/segc.toml", dir.join("segc.toml")).unwrap();
    let file = dir.join("vip.segb");
    let out = segc(&[
        "bytecode",
        "examples/shop",
        "--segment",
        "vip",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let from_file = run_with(file.to_str().unwrap(), EVENTS, USERS, &[]);
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        text(&from_file.stderr)
    );
    assert_eq!(text(&from_file.stdout), text(&run("vip", &[]).stdout));
    let disasm = segc(&["bytecode", file.to_str().unwrap(), "--disasm"]);
    assert!(
        text(&disasm.stdout).contains("Measure"),
        "{}",
        text(&disasm.stdout)
    );
}

#[test]
fn truncated_or_tampered_bytecode_is_refused() {
    let dir = scratch("tamper");
    std::fs::copy("examples/shop/segc.toml", dir.join("segc.toml")).unwrap();
    let good = dir.join("good.segb");
    segc(&[
        "bytecode",
        "examples/shop",
        "--segment",
        "shoe_funnel_completed",
        "-o",
        good.to_str().unwrap(),
    ]);
    let bytes = std::fs::read_to_string(&good).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "truncated",
            bytes[..bytes.len() / 2].to_string(),
            "not a segc bytecode file",
        ),
        (
            "version",
            bytes.replacen(
                &format!("\"version\":{}", segc::backend::vm::program::VERSION),
                "\"version\":99",
                1,
            ),
            "bytecode version 99",
        ),
        (
            "jump",
            bytes
                .replacen("{\"and_jump\":", "{\"and_jump\":9999", 1)
                .replacen("{\"jump_if_false\":", "{\"jump_if_false\":9999", 1),
            "malformed bytecode",
        ),
        (
            "accumulator",
            bytes.replacen("{\"holds\":0}", "{\"holds\":77}", 1),
            "malformed bytecode",
        ),
        (
            "block",
            bytes.replacen("\"end\":", "\"end\":4000", 1),
            "malformed bytecode",
        ),
    ];
    for (name, content, message) in cases {
        assert_ne!(content, bytes, "{name}: the tampering changed nothing");
        let file = dir.join(format!("{name}.segb"));
        std::fs::write(&file, content).unwrap();
        let out = run_with(file.to_str().unwrap(), EVENTS, USERS, &[]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains(message),
            "{name}: {}",
            text(&out.stderr)
        );
    }
}

/// Random damage to a program never panics: it is refused, or it runs.
#[test]
fn bytecode_fuzz_never_panics() {
    let project = segc::Project::load(Path::new("tests/corpus")).unwrap();
    let checked = segc::check(&project);
    let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());
    let data = segc::data::DatasetBuilder::new(&schema, false)
        .finish()
        .unwrap();
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut loaded = 0;
    for segment in &program.segments {
        let bytes = segc::backend::vm::compile(&program, &schema, segment).to_bytes();
        for _ in 0..40 {
            let mut damaged = bytes.clone();
            // Change one digit to another: indexes, targets and counts move.
            let digits: Vec<usize> = (0..damaged.len())
                .filter(|i| damaged[*i].is_ascii_digit())
                .collect();
            let at = digits[next() % digits.len()];
            damaged[at] = b'0' + (next() % 10) as u8;
            if let Ok(p) = segc::backend::vm::Program::from_bytes(&damaged) {
                loaded += 1;
                let _ = segc::backend::vm::run(&p, &data, 0, 1_000_000);
            }
        }
    }
    assert!(
        loaded > 0,
        "no damaged program was valid: the fuzz tests nothing past the verifier"
    );
}

#[test]
fn malformed_rows_name_file_line_and_column() {
    let dir = scratch("bad");
    let events = dir.join("events.csv");
    std::fs::write(
        &events,
        "user_id,event,ts,properties\nu1,login,2026-05-30T00:00:00Z,{}\nu1,login,yesterday,{}\nu2,purchase,2026-05-30T00:00:00Z,not json\n",
    )
    .unwrap();
    let users = dir.join("users.csv");
    std::fs::write(
        &users,
        "user_id,country,plan,email,signed_up_at,birth_date,marketing_opt_in,lifetime_value\nu1,ZA,,,,,,\nu2,,,,,,maybe,\n",
    )
    .unwrap();
    let good_users = dir.join("good_users.csv");
    std::fs::write(&good_users, "user_id,country,plan,email,signed_up_at,birth_date,marketing_opt_in,lifetime_value\nu1,ZA,,,,,,\nu2,,,,,,,\n").unwrap();
    let args = |users: &Path, extra: &[&str]| -> Output {
        let mut a = vec!["--segment", "lapsing"];
        a.extend_from_slice(extra);
        run_with(
            "examples/shop",
            events.to_str().unwrap(),
            users.to_str().unwrap(),
            &a,
        )
    };
    // A wrong type in the users file.
    let out = args(&users, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("users.csv:3: column `marketing_opt_in`: \"maybe\" is not true or false"),
        "{}",
        text(&out.stderr)
    );
    // A bad timestamp in the events file.
    let out = args(&good_users, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("events.csv:3: column `ts`: \"yesterday\" is not an RFC 3339 timestamp"),
        "{}",
        text(&out.stderr)
    );
    // Skipped and counted on request.
    let out = args(&good_users, &["--skip-bad-rows"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: skipped 2 bad row(s) of 3"),
        "{stderr}"
    );
    assert!(
        stderr.contains("events.csv:4: column `properties`: not a JSON object"),
        "{stderr}"
    );
}

#[test]
fn missing_columns_and_files_are_clear() {
    let dir = scratch("columns");
    let events = dir.join("events.csv");
    std::fs::write(&events, "user,event,ts\nu1,login,2026-05-30T00:00:00Z\n").unwrap();
    let out = segc(&[
        "run",
        "examples/shop",
        "--segment",
        "lapsing",
        "--events",
        events.to_str().unwrap(),
        "--users",
        USERS,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(
            "no column `user_id` (the user id in segc.toml); the header has: user, event, ts"
        ),
        "{}",
        text(&out.stderr)
    );
    let out = segc(&[
        "run",
        "examples/shop",
        "--segment",
        "lapsing",
        "--events",
        EVENTS,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("pass it with --users FILE"),
        "{}",
        text(&out.stderr)
    );
    let out = segc(&[
        "run",
        "examples/shop",
        "--segment",
        "lapsing",
        "--events",
        "nope.parquet",
        "--users",
        USERS,
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn generated_data_is_deterministic() {
    let a = scratch("gen-a");
    let b = scratch("gen-b");
    for dir in [&a, &b] {
        let out = segc(&["generate", dir.to_str().unwrap(), "--users", "30"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    for file in ["users.csv", "events.jsonl"] {
        assert_eq!(
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            "{file}"
        );
    }
    // The committed fixture is what the generator writes.
    let fixture = scratch("gen-fixture");
    segc(&[
        "generate",
        fixture.to_str().unwrap(),
        "--users",
        "40",
        "--sessions",
        "6",
    ]);
    assert_eq!(
        std::fs::read(fixture.join("events.jsonl")).unwrap(),
        std::fs::read(EVENTS).unwrap()
    );
}

/// Parquet files (as DuckDB writes them: Snappy, real TIMESTAMP columns, a
/// JSON column) give the same members as the JSONL and CSV they came from.
#[test]
fn parquet_input_matches_jsonl() {
    let dir = scratch("parquet");
    let (events, users) = (dir.join("events.parquet"), dir.join("users.parquet"));
    let lit = |p: &Path| format!("'{}'", p.display());
    let script = format!(
        "SET TimeZone = 'UTC';\n\
         COPY (SELECT user_id, event, CAST(ts AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS ts, CAST(properties AS JSON) AS properties \
         FROM read_json('{EVENTS}', format = 'newline_delimited', columns = {{user_id: 'VARCHAR', event: 'VARCHAR', ts: 'VARCHAR', properties: 'JSON'}})) \
         TO {} (FORMAT parquet);\n\
         COPY (SELECT * REPLACE (CAST(signed_up_at AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS signed_up_at, CAST(birth_date AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS birth_date) \
         FROM read_csv('{USERS}', header = true, types = {{'signed_up_at': 'VARCHAR', 'birth_date': 'VARCHAR'}})) TO {} (FORMAT parquet);\n",
        lit(&events),
        lit(&users)
    );
    let mut child = Command::new(engines::duckdb_binary())
        .arg(":memory:")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), script.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    for segment in [
        "lifecycle",
        "top_spenders",
        "shoe_funnel_completed",
        "birthday_week",
    ] {
        let from_parquet = run_with(
            "examples/shop",
            events.to_str().unwrap(),
            users.to_str().unwrap(),
            &["--segment", segment],
        );
        assert_eq!(
            from_parquet.status.code(),
            Some(0),
            "{}",
            text(&from_parquet.stderr)
        );
        assert_eq!(
            text(&from_parquet.stdout),
            text(&run(segment, &[]).stdout),
            "{segment}"
        );
        for engine in SQL_ENGINES {
            let sql = run_with(
                "examples/shop",
                events.to_str().unwrap(),
                users.to_str().unwrap(),
                &["--segment", segment, "--engine", engine],
            );
            assert_eq!(
                text(&sql.stdout),
                text(&from_parquet.stdout),
                "{engine} {segment}: {}",
                text(&sql.stderr)
            );
        }
    }
}

#[test]
fn epoch_timestamps_where_the_schema_says_so() {
    let dir = scratch("epoch");
    std::fs::write(
        dir.join("segc.toml"),
        "[events]\ntable = \"events\"\ntimestamp_format = \"epoch_millis\"\n[events.properties]\namount = \"number\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("recent.seg"), "did \"login\" within 1d\n").unwrap();
    // 2026-05-31T12:00:00Z and 2026-05-01T00:00:00Z in milliseconds.
    std::fs::write(
        dir.join("events.csv"),
        "user_id,event,ts,amount\na,login,1780228800000,\nb,login,1777593600000,\n",
    )
    .unwrap();
    let events = dir.join("events.csv");
    let out = segc(&[
        "run",
        dir.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "user_id\na\n");
    for engine in SQL_ENGINES {
        let out = segc(&[
            "run",
            dir.to_str().unwrap(),
            "--engine",
            engine,
            "--events",
            events.to_str().unwrap(),
            "--as-of",
            AS_OF,
        ]);
        assert_eq!(
            text(&out.stdout),
            "user_id\na\n",
            "{engine}: {}",
            text(&out.stderr)
        );
    }
}
