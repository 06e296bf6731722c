//! The query-shape benchmark on ClickHouse: the SQL segc generates for the
//! ten canonical segments (`benches/shape/segments.seg`) against the expert
//! SQL of `benches/shape/expert/` translated by hand to ClickHouse
//! (`benches/shape/expert_clickhouse/`), on ClickHouse in-process (pip
//! `chdb`, the venv `tests/run` makes, or SEGC_PYTHON) with one thread.
//!
//! `cargo bench --bench query_shape_clickhouse`. The data is the same
//! generator's (`benches/shape/data.sql`, uniform activity), made by the
//! DuckDB CLI once and kept as Parquet under `target/bench/`; ClickHouse
//! loads it into Memory tables before timing. SEGC_SHAPE_CH_USERS and
//! SEGC_SHAPE_CH_EVENTS change the size (default 100 000 users, 2M events,
//! a few minutes). Numbers go in `benches/README.md`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

use segc::backend::sql::{dialect, Output, SqlOptions};
use segc::time::parse_timestamp;

const REPEAT: usize = 5;
const SHAPE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/shape");

/// Loads the Parquet files, then times each pair of queries in REPEAT
/// interleaved rounds (`SELECT count() FROM (…)`, wall time around the
/// call); prints the median seconds and the count of each query as JSON.
const TIMER: &str = r#"
import json, statistics, sys, time
from chdb import session
request = json.load(sys.stdin)
s = session.Session()
s.query("SET max_threads = 1")
s.query("CREATE DATABASE bench")
d = request["dir"]
s.query(f"""CREATE TABLE bench.users ENGINE = Memory AS SELECT CAST(user_id AS String) AS user_id,
  CAST(country AS Nullable(String)) AS country, CAST(plan AS Nullable(String)) AS plan,
  toDateTime64(signed_up_at, 6, 'UTC') AS signed_up_at FROM file('{d}/users.parquet', 'Parquet')""")
s.query(f"""CREATE TABLE bench.events ENGINE = Memory AS SELECT CAST(user_id AS String) AS user_id,
  CAST(event AS String) AS event, toDateTime64(ts, 6, 'UTC') AS ts,
  CAST(amount AS Nullable(Float64)) AS amount, CAST(category AS Nullable(String)) AS category
  FROM file('{d}/events.parquet', 'Parquet')""")
out = []
for pair in request["pairs"]:
    times = [[] for _ in pair]
    counts = [None for _ in pair]
    for _ in range(request["repeat"]):
        for i, sql in enumerate(pair):
            start = time.perf_counter()
            counts[i] = int(str(s.query(f"SELECT count() FROM ({sql})", "CSV")).strip())
            times[i].append(time.perf_counter() - start)
    out.append([[statistics.median(t), c] for t, c in zip(times, counts)])
print(json.dumps(out))
"#;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The folder holding `events.parquet` and `users.parquet` of this size.
fn parquet(users: u64, events: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench")
        .join(format!("shape_ch_{users}_{events}"));
    if !dir.join("users.parquet").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        eprintln!("generating {} ...", dir.display());
        let mut script = std::fs::read_to_string(Path::new(SHAPE).join("data.sql"))
            .unwrap()
            .replace("{USERS}", &users.to_string())
            .replace("{EVENTS}", &events.to_string())
            .replace("{SKEW}", "1");
        let out = |name: &str| dir.join(name).display().to_string();
        script.push_str(&format!(
            "COPY bench.events TO '{}' (FORMAT parquet);\nCOPY bench.users TO '{}' (FORMAT parquet);\n",
            out("events.parquet"),
            out("users.parquet")
        ));
        let db = dir.join("scratch.duckdb");
        common::run_script(&db, &script, 3600).expect("data generation");
        let _ = std::fs::remove_file(db);
    }
    dir
}

fn main() {
    let users = env("SEGC_SHAPE_CH_USERS", 100_000);
    let events = env("SEGC_SHAPE_CH_EVENTS", 2_000_000);
    let options = SqlOptions {
        dialect: &dialect::ClickHouse,
        as_of: Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap()),
        sources: None,
    };
    let project = segc::Project::load(Path::new(SHAPE)).unwrap();
    let checked = segc::check(&project);
    assert!(!segc::diagnostics::has_errors(&checked.diagnostics));
    let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());
    let (optimized, _) = segc::opt::optimize(&program, true);

    let dir = parquet(users, events);
    let mut names = Vec::new();
    let mut pairs = Vec::new();
    for segment in &optimized.segments {
        let generated =
            segc::to_sql(&optimized, &schema, Output::Members(segment), &options).unwrap();
        let expert_file = Path::new(SHAPE)
            .join("expert_clickhouse")
            .join(format!("{}.sql", segment.name));
        let expert = std::fs::read_to_string(expert_file).unwrap();
        let strip = |sql: &str| sql.trim().trim_end_matches(';').to_string();
        pairs.push([strip(&generated), strip(&expert)]);
        names.push(segment.name.clone());
    }
    let request = serde_json::json!({ "dir": dir, "pairs": pairs, "repeat": REPEAT });
    let python = std::env::var("SEGC_PYTHON").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/engines/venv/bin/python"
        )
        .into()
    });
    let mut child = Command::new(&python)
        .args(["-c", TIMER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{python}: {e}; run `tests/run --no-run` to install chdb"));
    let text = request.to_string();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "the chdb timer failed");
    let results: Vec<[(f64, u64); 2]> = serde_json::from_slice(&output.stdout).unwrap();

    println!(
        "{users} users, {events} events (uniform); ClickHouse (chdb) 1 thread, median of {REPEAT}; times in ms"
    );
    println!(
        "{:<20} {:>9} {:>9} {:>8} {:>9}",
        "segment", "segc", "expert", "segc/exp", "members"
    );
    let mut ratios = Vec::new();
    for (name, [(g, gn), (e, en)]) in names.iter().zip(results) {
        assert_eq!(gn, en, "{name}: segc and the expert disagree");
        ratios.push(g / e);
        println!(
            "{name:<20} {:>9.0} {:>9.0} {:>8.2} {gn:>9}",
            g * 1e3,
            e * 1e3,
            g / e
        );
    }
    let geomean = (ratios.iter().map(|x| x.ln()).sum::<f64>() / ratios.len() as f64).exp();
    let worst = ratios.iter().copied().fold(0.0, f64::max);
    println!("segc/expert: geometric mean {geomean:.2}, worst {worst:.2}");
}
