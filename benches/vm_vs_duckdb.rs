//! The interpreter against DuckDB running our SQL, on the same generated
//! shop data, for every segment of `examples/shop`.
//!
//! Both sides load the data first (not timed): the interpreter reads the
//! files into its dataset; DuckDB (the CLI, one thread, in memory) loads them
//! into tables. Then each segment is evaluated `REPEAT` times on each side
//! and the median is kept; DuckDB's time is its own `.timer` for the query
//! alone. Reported: both times, their ratio, and the interpreter's ns per
//! event. `cargo bench`; SEGC_BENCH_USERS sets the size (default 50 000
//! users, about 2 million events). Numbers go in `benches/README.md`.

use std::io::Write;
use std::path::Path;

use std::time::Instant;

mod common;

use segc::backend::sql::{dialect, Dialect, Output, SqlOptions};
use segc::backend::vm;
use segc::data::generate::{write_files, Shape};
use segc::data::{read_events, read_users, DatasetBuilder, ReadOptions};
use segc::time::parse_timestamp;

const REPEAT: usize = 5;

fn main() {
    let users: u64 = std::env::var("SEGC_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let now = parse_timestamp("2026-06-01T00:00:00Z").unwrap();
    let dir = std::env::temp_dir().join(format!("segc-bench-{users}"));
    std::fs::create_dir_all(&dir).unwrap();
    let (users_file, events_file) = (dir.join("users.csv"), dir.join("events.jsonl"));
    let shape = Shape {
        users,
        skewed: true,
        sessions: 12.0,
        seed: 1,
        until: now.0,
    };
    {
        let mut u = std::io::BufWriter::new(std::fs::File::create(&users_file).unwrap());
        let mut e = std::io::BufWriter::new(std::fs::File::create(&events_file).unwrap());
        write_files(shape, &mut u, &mut e).unwrap();
        u.flush().unwrap();
        e.flush().unwrap();
    }

    let project = segc::Project::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/shop"
    )))
    .unwrap();
    let checked = segc::check(&project);
    let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());

    // The interpreter's side: the files into its dataset.
    let mut builder = DatasetBuilder::new(&schema, true);
    read_users(&users_file, &schema, &mut builder, ReadOptions::default()).unwrap();
    read_events(&events_file, &schema, &mut builder, ReadOptions::default()).unwrap();
    let data = builder.finish().unwrap();
    let events = data.events();

    // DuckDB's side: the same files into tables, then every query, timed.
    let d = &dialect::DuckDb;
    let options = SqlOptions {
        dialect: d,
        as_of: Some(now),
        sources: None,
    };
    let path = |p: &Path| d.string_literal(&p.display().to_string());
    let mut script = format!(
        ".bail on\nSET threads = 1;\nCREATE SCHEMA shop;\n\
         CREATE TABLE shop.users AS SELECT user_id, country, plan, email, \
         CAST(signed_up_at AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS signed_up_at, \
         CAST(birth_date AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS birth_date, \
         marketing_opt_in, CAST(lifetime_value AS DOUBLE) AS lifetime_value \
         FROM read_csv({}, header = true, types = {{'signed_up_at': 'VARCHAR', 'birth_date': 'VARCHAR'}});\n\
         CREATE TABLE shop.events AS SELECT user_id, event, CAST(ts AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS ts, \
         CAST(properties AS JSON) AS properties \
         FROM read_json({}, format = 'newline_delimited', columns = {{user_id: 'VARCHAR', event: 'VARCHAR', ts: 'VARCHAR', properties: 'JSON'}});\n\
         .timer on\n",
        path(&users_file),
        path(&events_file)
    );
    for segment in &program.segments {
        let sql = segc::to_sql(&program, &schema, Output::Members(segment), &options).unwrap();
        for _ in 0..REPEAT {
            script.push_str(&format!(
                "SELECT count(*) FROM (\n{}) AS members;\n",
                sql.trim_end()
            ));
        }
    }
    let out = common::run_script(Path::new(":memory:"), &script, 3600)
        .expect("the DuckDB CLI runs the queries");
    let (times, counts) = common::timings(&out);
    assert_eq!(
        times.len(),
        program.segments.len() * REPEAT,
        "DuckDB output:\n{out}"
    );

    println!("{} users, {events} events (skewed activity); DuckDB 1 thread, in memory; median of {REPEAT}", data.users.len());
    println!(
        "{:<24} {:>9} {:>9} {:>7} {:>9} {:>8}",
        "segment", "vm ms", "duckdb ms", "ratio", "vm ns/ev", "members"
    );
    let mut log_ratio = 0.0;
    for (i, segment) in program.segments.iter().enumerate() {
        let code = vm::compile(&program, &schema, segment);
        let mut samples = Vec::new();
        let mut members = 0;
        for _ in 0..REPEAT {
            let start = Instant::now();
            members = vm::run(&code, &data, now.0, vm::exec::DEFAULT_STEP_BUDGET)
                .unwrap()
                .len();
            samples.push(start.elapsed().as_secs_f64());
        }
        let vm_s = common::median(samples);
        let duck_s = common::median(times[i * REPEAT..(i + 1) * REPEAT].to_vec());
        assert_eq!(
            members,
            counts[i * REPEAT] as usize,
            "{}: the interpreter and DuckDB disagree",
            segment.name
        );
        let ratio = duck_s / vm_s;
        log_ratio += ratio.ln();
        println!(
            "{:<24} {:>9.1} {:>9.1} {:>6.1}x {:>9.1} {:>8}",
            segment.name,
            vm_s * 1e3,
            duck_s * 1e3,
            ratio,
            vm_s * 1e9 / events as f64,
            members
        );
    }
    let geo = (log_ratio / program.segments.len() as f64).exp();
    println!("geometric mean: the interpreter is {geo:.1}x as fast as DuckDB on our SQL (target: at least 2x)");
}
