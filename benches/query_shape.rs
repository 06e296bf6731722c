//! The query-shape benchmark: the SQL segc generates against SQL an expert
//! wrote by hand (`benches/shape/expert/`) and a naive baseline (one subquery
//! per predicate, `benches/shape/naive/`), for the ten canonical segments of
//! `benches/shape/segments.seg`, on DuckDB with one thread.
//!
//! Also: skewed against uniform activity, 50 segments in one `--combined`
//! query against one segment, and the compile time of a 200-segment project.
//!
//! `cargo bench --bench query_shape`. The data (default 1M users, 20M events,
//! both variants) is generated once by `benches/shape/data.sql` into DuckDB
//! files under `target/bench/` and reused. SEGC_SHAPE_USERS and
//! SEGC_SHAPE_EVENTS change the size; SEGC_SHAPE_TIMEOUT (seconds, default
//! 300) bounds each query, and all rounds of a naive query together. Numbers go in `benches/README.md`.

use std::path::{Path, PathBuf};

use std::time::Instant;

mod common;

use segc::backend::sql::{dialect, Output, SqlOptions};
use segc::time::parse_timestamp;

/// Rounds per query. Timings on this 2-core machine vary by up to 30% from
/// run to run, so the queries compared are run interleaved in one session
/// (a drift hits both alike) and the median is kept.
const REPEAT: usize = 5;
const SHAPE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/shape");

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Median seconds (DuckDB's own timer) and member count of each query,
/// run in REPEAT interleaved rounds: q1, q2, …, q1, q2, ….
fn time_queries(db: &Path, sqls: &[&str], timeout: u64) -> Option<Vec<(f64, u64)>> {
    let mut script = String::from("SET threads = 1;\n.timer on\n");
    for _ in 0..REPEAT {
        for sql in sqls {
            let query = sql.trim().trim_end_matches(';');
            script.push_str(&format!("SELECT count(*) FROM (\n{query}\n) AS members;\n"));
        }
    }
    let rounds = (REPEAT * sqls.len()) as u64;
    let out = common::run_script(db, &script, timeout * rounds)?;
    let (times, counts) = common::timings(&out);
    if times.len() != REPEAT * sqls.len() {
        return None;
    }
    let n = sqls.len();
    let column = |i: usize| (0..REPEAT).map(|r| times[r * n + i]).collect::<Vec<_>>();
    Some(
        (0..n)
            .map(|i| (common::median(column(i)), counts[i]))
            .collect(),
    )
}

fn time_query(db: &Path, sql: &str, timeout: u64) -> Option<(f64, u64)> {
    time_queries(db, &[sql], timeout).map(|mut v| v.remove(0))
}

fn database(users: u64, events: u64, skew: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("shape_{users}_{events}_skew{skew}.duckdb"));
    if !db.exists() {
        eprintln!("generating {} ...", db.display());
        let sql = std::fs::read_to_string(Path::new(SHAPE).join("data.sql"))
            .unwrap()
            .replace("{USERS}", &users.to_string())
            .replace("{EVENTS}", &events.to_string())
            .replace("{SKEW}", &skew.to_string());
        let tmp = db.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        common::run_script(&tmp, &sql, 3600).expect("data generation");
        std::fs::rename(&tmp, &db).unwrap();
    }
    db
}

fn geomean(xs: &[f64]) -> f64 {
    (xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp()
}

/// A project of `n` segments: the canonical ten with their windows varied.
fn many_segments(n: usize) -> String {
    let bodies = [
        "did \"login\" within {d}d",
        "did \"view_item\" at least 5 times within {d}d",
        "sum(amount) of \"purchase\" within {d}d > 500",
        "last \"login\" more than {d}d ago",
        "did \"add_to_cart\" then not \"purchase\" within 1h starting within {d}d",
        "did \"view_item\" then \"add_to_cart\" within 1d starting within {d}d",
        "did \"view_item\" then \"add_to_cart\" then \"begin_checkout\" then \"purchase\" within 1d starting within {d}d",
        "did \"login\" in at least 2 of the last {d} days",
        "count of \"purchase\" within {d}d >= 2 and user.country = \"ZA\"",
        "user.plan = \"pro\" and did \"purchase\" within {d}d and not did \"refund\" within {d}d",
    ];
    (0..n)
        .map(|i| {
            format!(
                "segment s{i} = {}\n",
                bodies[i % bodies.len()].replace("{d}", &(7 + i / bodies.len()).to_string())
            )
        })
        .collect()
}

fn main() {
    let users = env("SEGC_SHAPE_USERS", 1_000_000);
    let events = env("SEGC_SHAPE_EVENTS", 20_000_000);
    let timeout = env("SEGC_SHAPE_TIMEOUT", 300);
    let as_of = Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap());
    let options = SqlOptions {
        dialect: &dialect::DuckDb,
        as_of,
        sources: None,
    };

    let project = segc::Project::load(Path::new(SHAPE)).unwrap();
    let checked = segc::check(&project);
    assert!(!segc::diagnostics::has_errors(&checked.diagnostics));
    let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());
    let (optimized, _) = segc::opt::optimize(&program, true);

    println!("{users} users, {events} events; DuckDB 1 thread, median of {REPEAT}; times in ms");
    let mut skew_ratios = Vec::new();
    for (variant, skew) in [("uniform", 1), ("skewed", 3)] {
        let db = database(users, events, skew);
        println!("\n## {variant}");
        println!(
            "{:<20} {:>9} {:>9} {:>9} {:>8} {:>8} {:>9}",
            "segment", "segc", "expert", "naive", "segc/exp", "naive/exp", "members"
        );
        let mut ratios = Vec::new();
        for segment in &optimized.segments {
            let generated =
                segc::to_sql(&optimized, &schema, Output::Members(segment), &options).unwrap();
            let read = |dir: &str| {
                std::fs::read_to_string(
                    Path::new(SHAPE)
                        .join(dir)
                        .join(format!("{}.sql", segment.name)),
                )
                .unwrap()
            };
            let expert = read("expert");
            let both = time_queries(&db, &[&generated, &expert], timeout)
                .expect("the generated and the expert query run");
            let ((g, gn), (e, en)) = (both[0], both[1]);
            assert_eq!(gn, en, "{}: segc and the expert disagree", segment.name);
            // The naive query gets `timeout` for all its rounds: some take minutes.
            let naive = time_query(&db, &read("naive"), timeout / REPEAT as u64);
            if let Some((_, nn)) = naive {
                assert_eq!(
                    gn, nn,
                    "{}: segc and the naive query disagree",
                    segment.name
                );
            }
            ratios.push(g / e);
            skew_ratios.push((segment.name.clone(), variant, g));
            let naive_text =
                naive.map_or("timeout".to_string(), |(n, _)| format!("{:.0}", n * 1e3));
            let naive_ratio = naive.map_or("-".to_string(), |(n, _)| format!("{:.2}", n / e));
            println!(
                "{:<20} {:>9.0} {:>9.0} {:>9} {:>8.2} {:>8} {:>9}",
                segment.name,
                g * 1e3,
                e * 1e3,
                naive_text,
                g / e,
                naive_ratio,
                gn
            );
        }
        let max = ratios.iter().copied().fold(0.0, f64::max);
        println!(
            "segc/expert: geometric mean {:.2}, worst {max:.2} (targets: <= 1.0, none above 1.5)",
            geomean(&ratios)
        );

        if variant == "uniform" {
            // 50 segments in one combined query against one segment alone.
            let many = many_segments(50);
            let schema_text = std::fs::read_to_string(Path::new(SHAPE).join("segc.toml")).unwrap();
            let checked = segc::check(&segc::Project::from_sources(
                Some(&schema_text),
                &[("many.seg", &many)],
            ));
            let (fifty, _) = segc::opt::optimize(&checked.program.unwrap(), true);
            let combined = segc::to_sql(
                &fifty,
                &schema,
                Output::Combined(fifty.segments.iter().collect()),
                &options,
            )
            .unwrap();
            let one = segc::to_sql(
                &fifty,
                &schema,
                Output::Members(&fifty.segments[0]),
                &options,
            )
            .unwrap();
            let both =
                time_queries(&db, &[&combined, &one], timeout).expect("the combined query runs");
            let (c, o) = (both[0].0, both[1].0);
            println!(
                "50 segments combined: {:.0} ms; one segment ({}): {:.0} ms; ratio {:.2} (target <= 3)",
                c * 1e3,
                fifty.segments[0].name,
                o * 1e3,
                c / o
            );
            // What sharing saves: the 50 run one by one.
            let separate: f64 = fifty
                .segments
                .iter()
                .map(|s| {
                    let sql = segc::to_sql(&fifty, &schema, Output::Members(s), &options).unwrap();
                    time_query(&db, &sql, timeout).expect("each segment runs").0
                })
                .sum();
            println!(
                "the 50 run one by one: {:.0} ms in all; combined/separate {:.2}",
                separate * 1e3,
                c / separate
            );
        }
    }
    let per_segment: Vec<f64> = optimized
        .segments
        .iter()
        .map(|s| {
            let t = |v: &str| {
                skew_ratios
                    .iter()
                    .find(|(n, var, _)| *n == s.name && *var == v)
                    .unwrap()
                    .2
            };
            t("skewed") / t("uniform")
        })
        .collect();
    println!(
        "\nskewed/uniform (generated SQL): geometric mean {:.2} (target <= 1.2)",
        geomean(&per_segment)
    );

    // Compile time of a 200-segment project: check, optimize, SQL for each.
    let many = many_segments(200);
    let schema_text = std::fs::read_to_string(Path::new(SHAPE).join("segc.toml")).unwrap();
    let mut samples = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let checked = segc::check(&segc::Project::from_sources(
            Some(&schema_text),
            &[("many.seg", &many)],
        ));
        let (program, _) = segc::opt::optimize(checked.program.as_ref().unwrap(), true);
        let schema = checked.schema.unwrap();
        for s in &program.segments {
            std::hint::black_box(
                segc::to_sql(&program, &schema, Output::Members(s), &options).unwrap(),
            );
        }
        samples.push(start.elapsed().as_secs_f64());
    }
    samples.sort_by(f64::total_cmp);
    println!(
        "200-segment project, check + optimize + SQL: {:.1} ms (target < 50 ms)",
        samples[2] * 1e3
    );
}
