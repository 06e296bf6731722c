//! The dialect framework: the generic rewrites a missing capability calls
//! for, and the `Unsupported` error when none exists. Test-only dialects
//! take a registered one and drop one capability.

mod engines;

use std::path::Path;

use engines::Engine;

use segc::backend::sql::dialect::Capabilities;
use segc::backend::sql::{Dialect, Output, SqlOptions, Unsupported};
use segc::ir::{Program, Type};
use segc::sema::schema::Schema;
use segc::time::{parse_timestamp, Timestamp};
use segc::{check, Project};

use segc::backend::sql::ast::{Expr, Frame, Function, SqlType};

/// `base` with other capabilities, under another name.
struct Lacking {
    name: &'static str,
    base: Engine,
    capabilities: Capabilities,
}

/// Every node spelled as `base` spells it.
impl Dialect for Lacking {
    fn name(&self) -> &'static str {
        self.name
    }
    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }
    fn quote_ident(&self, name: &str) -> String {
        self.base.dialect().quote_ident(name)
    }
    fn string_literal(&self, text: &str) -> String {
        self.base.dialect().string_literal(text)
    }
    fn timestamp_literal(&self, ts: Timestamp) -> String {
        self.base.dialect().timestamp_literal(ts)
    }
    fn interval_literal(&self, seconds: i64) -> String {
        self.base.dialect().interval_literal(seconds)
    }
    fn now(&self) -> &'static str {
        self.base.dialect().now()
    }
    fn function(&self, function: Function) -> &'static str {
        self.base.dialect().function(function)
    }
    fn type_name(&self, ty: SqlType) -> &'static str {
        self.base.dialect().type_name(ty)
    }
    fn frame(&self, frame: Frame) -> String {
        self.base.dialect().frame(frame)
    }
    fn contains(&self, value: Expr, text: Expr) -> Expr {
        self.base.dialect().contains(value, text)
    }
    fn make_date(&self, year: Expr, month: Expr, day: Expr) -> Expr {
        self.base.dialect().make_date(year, month, day)
    }
    fn json_property(&self, column: Expr, key: &str, ty: Type) -> Expr {
        self.base.dialect().json_property(column, key, ty)
    }
    fn epoch_micros(&self, ts: Expr) -> Expr {
        self.base.dialect().epoch_micros(ts)
    }
    fn int_div(&self, a: Expr, b: Expr) -> Expr {
        self.base.dialect().int_div(a, b)
    }
    fn md5_u32(&self, text: Expr) -> Expr {
        self.base.dialect().md5_u32(text)
    }
    fn regex_contains(&self, value: Expr, pattern: String) -> Expr {
        self.base.dialect().regex_contains(value, pattern)
    }
    fn starts_with(&self, value: Expr, prefix: Expr) -> Expr {
        self.base.dialect().starts_with(value, prefix)
    }
    fn ends_with(&self, value: Expr, suffix: Expr) -> Expr {
        self.base.dialect().ends_with(value, suffix)
    }
    fn days_between(&self, from: Expr, to: Expr) -> Expr {
        self.base.dialect().days_between(from, to)
    }
    fn byte_order_collation(&self) -> &'static str {
        self.base.dialect().byte_order_collation()
    }
}

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
        let options = SqlOptions { dialect: d, as_of };
        for s in &program.segments {
            let sql = segc::to_sql(program, schema, Output::Members(s), &options);
            all.push((s.name.clone(), sql));
        }
    }
    all
}

/// Without aggregate `FILTER`, every filtered aggregate becomes a
/// conditional one; the SQL still parses for its engine.
#[test]
fn filter_becomes_a_conditional_aggregate() {
    for base in Engine::ALL {
        let d = Lacking {
            name: "no-filter",
            base,
            capabilities: Capabilities {
                aggregate_filter: false,
                ..base.dialect().capabilities()
            },
        };
        let mut rewritten = 0;
        for dir in ["tests/corpus", "examples/shop"] {
            let (program, schema) = load(dir);
            let standard = compile_all(&program, &schema, base.dialect());
            for ((name, sql), (_, standard)) in
                compile_all(&program, &schema, &d).into_iter().zip(standard)
            {
                let sql = sql.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!sql.contains("FILTER ("), "{name}:\n{sql}");
                base.reparse(&sql);
                rewritten += usize::from(standard.unwrap().contains("FILTER ("));
            }
        }
        assert!(rewritten > 20, "only {rewritten} queries had a FILTER");
    }
}

/// Without interval `RANGE` frames there is no rewrite yet: exactly the
/// queries that need one fail, naming the construct and the dialect.
#[test]
fn a_missing_construct_is_an_error_naming_it_and_the_dialect() {
    let d = Lacking {
        name: "no-interval-frames",
        base: Engine::Postgres,
        capabilities: Capabilities {
            interval_range_frames: false,
            ..Capabilities::STANDARD
        },
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
                assert_eq!(e.dialect, "no-interval-frames");
                let message = e.to_string();
                assert!(
                    message.contains("no-interval-frames") && message.contains("RANGE"),
                    "{message}"
                );
                refused += 1;
            }
        }
    }
    assert!(refused >= 2, "only {refused} refused");
}
