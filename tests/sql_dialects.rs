//! The dialect framework: the generic rewrites a missing capability calls
//! for, and the `Unsupported` error when none exists. Test-only dialects
//! ([`engines::Lacking`]) take a registered one and drop one capability; the
//! engine tests also run every case without aggregate `FILTER`.

mod engines;

use std::path::Path;

use engines::{Engine, Lacking};

use segc::backend::sql::dialect::Capabilities;
use segc::backend::sql::{Dialect, Output, SqlOptions, Unsupported};
use segc::ir::Program;
use segc::sema::schema::Schema;
use segc::time::parse_timestamp;
use segc::{check, Project};

fn load(dir: &str) -> (Program, Schema) {
    let project = Project::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap();
    let checked = check(&project);
    assert!(!segc::diagnostics::has_errors(&checked.diagnostics));
    (checked.program.unwrap(), checked.schema.unwrap())
}

/// Each segment's SQL in `d`, with and without `--as-of`.
fn compile_all(
    program: &Program,
    schema: &Schema,
    d: &dyn Dialect,
) -> Vec<(String, Result<String, Unsupported>)> {
    let mut all = Vec::new();
    for as_of in [None, Some(parse_timestamp("2026-06-01T00:00:00Z").unwrap())] {
        let options = SqlOptions {
            dialect: d,
            as_of,
            sources: None,
        };
        for s in &program.segments {
            let sql = segc::to_sql(program, schema, Output::Members(s), &options);
            all.push((s.name.clone(), sql));
        }
    }
    all
}

/// Without the capabilities that have a rewrite, every filtered aggregate
/// becomes a conditional one and every interval frame one over epoch
/// microseconds; the SQL still parses for its engine. (The engine tests run
/// this dialect too, so the members stay the same.)
#[test]
fn every_rewrite_applies_and_parses() {
    for base in Engine::ALL {
        let caps = base.dialect().capabilities();
        let (mut filters, mut frames) = (0, 0);
        for dir in ["tests/corpus", "examples/shop"] {
            let (program, schema) = load(dir);
            let standard = compile_all(&program, &schema, base.dialect());
            let rewritten = compile_all(&program, &schema, base.rewritten());
            for ((name, sql), (_, standard)) in rewritten.into_iter().zip(standard) {
                let (sql, standard) = (
                    sql.unwrap_or_else(|e| panic!("{name}: {e}")),
                    standard.unwrap(),
                );
                assert!(!sql.contains("FILTER ("), "{name}:\n{sql}");
                assert!(!sql.contains("RANGE BETWEEN INTERVAL"), "{name}:\n{sql}");
                base.reparse(&sql);
                filters += usize::from(standard.contains("FILTER ("));
                frames += usize::from(standard.contains("RANGE BETWEEN INTERVAL"));
            }
        }
        // A dialect that lacks a capability takes its rewrite already.
        if caps.aggregate_filter {
            assert!(filters > 20, "only {filters} queries had a FILTER");
        } else {
            assert_eq!(filters, 0, "{} wrote a FILTER", base.name());
        }
        if caps.interval_range_frames {
            assert!(frames >= 2, "only {frames} queries had an interval frame");
        } else {
            assert_eq!(frames, 0, "{} wrote an interval frame", base.name());
        }
    }
}

/// ClickHouse takes `RANGE` offsets below 2^31 only: a `within` of two
/// hours (7.2·10^9 µs) is written over a key scaled by a power of two, and
/// a `within` too long for any exact scaling is refused, naming the dialect.
#[test]
fn clickhouse_scales_long_frames_and_refuses_what_it_cannot_scale() {
    let schema = "[events]\ntable = \"events\"\n";
    let source = "segment short = did \"a\" then \"b\" then not \"c\" within 2h\n\
                  segment long = did \"a\" then \"b\" then not \"c\" within 365d\n";
    let checked = check(&Project::from_sources(Some(schema), &[("s.seg", source)]));
    let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());
    let sql = |name| {
        let options = SqlOptions {
            dialect: Engine::ClickHouse.dialect(),
            as_of: None,
            sources: None,
        };
        let segment = program.segment(name).unwrap();
        segc::to_sql(&program, &schema, Output::Members(segment), &options)
    };
    let short = sql("short").unwrap();
    assert!(
        short.contains("ORDER BY CAST(toUnixTimestamp64Micro(ts) AS Float64) / 4")
            && short.contains("RANGE BETWEEN 1800000000 PRECEDING"),
        "{short}"
    );
    let refused = sql("long").unwrap_err();
    assert_eq!(refused.dialect, "clickhouse");
    assert!(refused.to_string().contains("RANGE"), "{refused}");
}

/// Without interval nor numeric `RANGE` frames no rewrite exists: exactly
/// the queries that need such a frame fail, naming the construct and the
/// dialect.
#[test]
fn a_missing_construct_is_an_error_naming_it_and_the_dialect() {
    fn no_range_frames(c: &mut Capabilities) {
        c.interval_range_frames = false;
        c.numeric_range_frames = false;
    }
    let d = Lacking {
        name: "no-range-frames",
        base: Engine::Postgres,
        lacks: no_range_frames,
    };
    let (program, schema) = load("tests/corpus");
    let standard = compile_all(&program, &schema, Engine::Postgres.dialect());
    let mut refused = 0;
    for ((name, sql), (_, standard)) in compile_all(&program, &schema, &d).into_iter().zip(standard)
    {
        let needs_frame = standard.unwrap().contains(" PRECEDING AND CURRENT ROW");
        match sql {
            Ok(sql) => assert!(!needs_frame, "{name} was written anyway:\n{sql}"),
            Err(e) => {
                assert!(needs_frame, "{name} refused: {e}");
                assert_eq!(e.dialect, "no-range-frames");
                let message = e.to_string();
                assert!(
                    message.contains("no-range-frames") && message.contains("RANGE"),
                    "{message}"
                );
                refused += 1;
            }
        }
    }
    assert!(refused >= 2, "only {refused} refused");
}
