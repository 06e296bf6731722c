//! Runs generated SQL on the real engines: DuckDB (its CLI), a PostgreSQL
//! server on loopback, and ClickHouse in-process (pip `chdb`). `tests/run`
//! installs and starts them; a test that cannot reach an engine fails and
//! says how to start it (never skips).
//!
//! Test data is written here with the harness's own literal quoting
//! (standard SQL: `'` doubled; `unhex` for ClickHouse), independent of the
//! code under test.

#![allow(dead_code)] // each test file uses a different part

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use segc::backend::sql::{dialect, Dialect, Output, SqlOptions};
use segc::backend::vm;
use segc::data::{Dataset, DatasetBuilder, Raw};
use segc::ir::{Body, Program, Segment};
use segc::sema::schema::Schema;
use segc::time::{parse_timestamp, Timestamp};
use segc::{check, Project};

mod clickhouse;
mod engine;
mod lacking;
mod spark;
#[allow(unused_imports)] // each test file uses a different part
pub use clickhouse::python as clickhouse_python;
#[allow(unused_imports)] // each test file uses a different part
pub use engine::{duckdb_binary, Engine};
pub use lacking::Lacking;

/// How the test tables store event properties and whether there is a users table.
#[derive(Clone, Copy, PartialEq)]
pub enum Layout {
    /// `properties` JSON column, users table.
    Json,
    /// Properties as plain columns, users table.
    Columns,
    /// JSON properties, no users table (universe: users with events).
    NoUsers,
    /// As `Json`, with `created_at = "signed_up_at"`: users created after
    /// now are not in the universe (spec §5).
    CreatedAt,
}

pub const PROPERTIES: &[(&str, &str)] = &[
    ("amount", "number"),
    ("category", "string"),
    ("coupon", "string"),
    ("gift", "bool"),
    ("shipped_at", "timestamp"),
    // A key that needs quoting everywhere: SQL, JSON Pointer, JSONPath.
    ("we'ird \"key\" /~$.[0]", "string"),
];

pub const ATTRIBUTES: &[(&str, &str)] = &[
    ("country", "string"),
    ("plan", "string"),
    ("email", "string"),
    ("signed_up_at", "timestamp"),
    ("birth_date", "timestamp"),
    ("opt_in", "bool"),
    ("ltv", "number"),
];

/// One user: id and attributes (a JSON object; absent keys are missing).
#[derive(Clone, Debug)]
pub struct User(pub String, pub Value);

/// One event: user, name, RFC 3339 time, properties (a JSON object).
#[derive(Clone, Debug)]
pub struct Event(pub String, pub String, pub String, pub Value);

pub fn user(id: &str, attributes: Value) -> User {
    User(id.to_string(), attributes)
}

pub fn ev(user: &str, name: &str, ts: &str, props: Value) -> Event {
    Event(user.to_string(), name.to_string(), ts.to_string(), props)
}

pub struct Case<'a> {
    pub layout: Layout,
    pub users: Vec<User>,
    pub events: Vec<Event>,
    /// Seg definitions (named segments).
    pub segments: &'a str,
    /// `None`: the engine's current time.
    pub as_of: Option<&'a str>,
    /// Also create a table `x` and check that it survives every query.
    pub canary: bool,
    /// Segment name and its expected rows (`user` or `user|holdout` or
    /// `user|arm`, space-separated), worked out by hand from the spec.
    pub expect: Vec<(&'a str, &'a str)>,
}

fn current_micros() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock");
    since.as_micros() as i64
}

/// A TOML key, quoted (a basic string) when it is not a bare key.
fn toml_key(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// One segment's rows from one backend.
pub struct Outcome {
    pub segment: String,
    pub backend: String,
    pub partition: bool,
    pub rows: Vec<String>,
    /// The SQL, or the disassembly.
    pub code: String,
}

impl Outcome {
    /// A combined query has no holdout column: `user|true` is `user`.
    fn member_only(&self, row: String) -> String {
        if self.partition {
            row
        } else {
            row.split('|').next().expect("user").to_string()
        }
    }
}

static NAMESPACE: AtomicUsize = AtomicUsize::new(0);

impl Case<'_> {
    /// The `segc.toml` of this case, its tables in schema `ns`, with
    /// `settings` (TOML lines) as its `[settings]` table when not empty.
    fn schema(&self, ns: &str, settings: &str) -> String {
        let mut toml = format!("[events]\ntable = \"{ns}.events\"\ncatalog = []\n");
        if !settings.is_empty() {
            toml = format!("[settings]\n{settings}\n{toml}");
        }
        if self.layout != Layout::Columns {
            toml.push_str("properties_json = \"properties\"\n");
        }
        toml.push_str("[events.properties]\n");
        for (name, ty) in PROPERTIES {
            let key = toml_key(name);
            toml.push_str(&format!("{key} = \"{ty}\"\n"));
        }
        if self.layout != Layout::NoUsers {
            toml.push_str(&format!("[users]\ntable = \"{ns}.users\"\n"));
            if self.layout == Layout::CreatedAt {
                toml.push_str("created_at = \"signed_up_at\"\n");
            }
            toml.push_str("[users.attributes]\n");
            for (name, ty) in ATTRIBUTES {
                toml.push_str(&format!("{name} = \"{ty}\"\n"));
            }
        }
        toml
    }

    /// Runs every expected segment on the interpreter and every engine;
    /// panics with every result that differs from the expected.
    pub fn run(&self) {
        self.run_in("")
    }

    /// [`Case::run`] with `segc.toml` settings, e.g. `time_zone =
    /// "Europe/Berlin"` (TOML lines of `[settings]`).
    pub fn run_in(&self, settings: &str) {
        let mut failures = Vec::new();
        for o in self.outcomes_in(&Engine::ALL, settings) {
            let (_, expected) = self
                .expect
                .iter()
                .find(|(n, _)| *n == o.segment)
                .expect("expected");
            let mut want: Vec<String> = expected.split_whitespace().map(String::from).collect();
            if o.backend.ends_with("combined") {
                want = want.into_iter().map(|m| o.member_only(m)).collect();
            }
            want.sort();
            if o.rows != want {
                failures.push(format!(
                    "{} {}: expected {want:?}, got {:?}\n{}",
                    o.backend, o.segment, o.rows, o.code
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Every expected segment evaluated by every backend: the interpreter,
    /// each engine's per-segment query, and each engine's combined query.
    pub fn outcomes(&self) -> Vec<Outcome> {
        self.outcomes_on(&Engine::ALL)
    }

    /// [`Case::outcomes`] on the interpreter and `engines` only.
    pub fn outcomes_on(&self, engines: &[Engine]) -> Vec<Outcome> {
        self.outcomes_in(engines, "")
    }

    /// [`Case::outcomes_on`] with `segc.toml` settings (see [`Case::run_in`]).
    pub fn outcomes_in(&self, engines: &[Engine], settings: &str) -> Vec<Outcome> {
        let ns = format!(
            "t{}_{}",
            std::process::id(),
            NAMESPACE.fetch_add(1, Ordering::Relaxed)
        );
        let schema_toml = self.schema(&ns, settings);
        let project = Project::from_sources(Some(&schema_toml), &[("case.seg", self.segments)]);
        let checked = check(&project);
        let errors: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(
            errors.is_empty(),
            "the case does not check: {errors:#?}\n{}",
            self.segments
        );
        let program = checked.program.expect("program");
        let schema = checked.schema.expect("schema");
        let as_of = self.as_of.map(|t| parse_timestamp(t).expect("as_of"));
        let now = as_of.map_or_else(current_micros, |t| t.0);
        let segments: Vec<&Segment> = self
            .expect
            .iter()
            .map(|(name, _)| {
                program
                    .segment(name)
                    .unwrap_or_else(|| panic!("no segment {name}"))
            })
            .collect();
        let mut outcomes = self.run_vm(&program, &schema, &segments, now);
        // The engines run the optimized IR, the interpreter the IR as
        // written: every comparison also checks the optimizer's rewrites.
        let (optimized, _) = segc::opt::optimize(&program, true);
        let program = optimized;
        let segments: Vec<&Segment> = segments
            .iter()
            .map(|s| program.segment(&s.name).expect("optimized segment"))
            .collect();
        // Each engine also runs its dialect with every rewrite: they must
        // give the same members.
        let runs = engines
            .iter()
            .copied()
            .flat_map(|engine| [(engine, engine.dialect()), (engine, engine.rewritten())]);
        for (engine, dialect) in runs {
            // With the sources, the SQL quotes the case's Seg text in comments:
            // the engines run those too.
            let options = SqlOptions {
                dialect,
                as_of,
                sources: Some(&project.sources),
            };
            let mut queries: Vec<String> = segments
                .iter()
                .map(|s| segc::to_sql(&program, &schema, Output::Members(s), &options).unwrap())
                .collect();
            // The same segments in one combined query: one column each.
            let combined_sql = segc::to_sql(
                &program,
                &schema,
                Output::Combined(segments.clone()),
                &options,
            )
            .unwrap();
            queries.push(combined_sql.clone());
            for sql in &queries {
                engine.reparse(sql);
            }
            let setup = self.setup(engine, &ns);
            if self.canary {
                queries.push("SELECT a FROM x".into());
            }
            let rewritten = !std::ptr::addr_eq(dialect, engine.dialect());
            let mut results = engine.run(&ns, &setup, &queries, rewritten);
            let dialect = dialect.name();
            if self.canary {
                assert_eq!(
                    results.pop(),
                    Some(vec!["1".to_string()]),
                    "{dialect}: table x was harmed"
                );
            }
            let combined = results.pop().expect("combined rows");
            for (i, (rows, sql)) in results.into_iter().zip(&queries).enumerate() {
                let segment = segments[i];
                outcomes.push(Outcome {
                    segment: segment.name.clone(),
                    backend: dialect.to_string(),
                    partition: matches!(segment.body, Body::Partition { .. }),
                    rows,
                    code: sql.clone(),
                });
                // Column i + 1 of the combined rows: true, or the arm of a partition.
                let partition = matches!(segment.body, Body::Partition { .. });
                let mut rows: Vec<String> = combined
                    .iter()
                    .filter_map(|row| {
                        let cells: Vec<&str> = row.split('|').collect();
                        match (partition, cells[i + 1]) {
                            (true, "") | (false, "false") => None,
                            (true, arm) => Some(format!("{}|{arm}", cells[0])),
                            (false, _) => Some(cells[0].to_string()),
                        }
                    })
                    .collect();
                rows.sort();
                outcomes.push(Outcome {
                    segment: segment.name.clone(),
                    backend: format!("{dialect} combined"),
                    partition,
                    rows,
                    code: combined_sql.clone(),
                });
            }
        }
        outcomes
    }

    /// The same segments on the interpreter, over the same data.
    fn run_vm(
        &self,
        program: &Program,
        schema: &Schema,
        segments: &[&Segment],
        now: i64,
    ) -> Vec<Outcome> {
        let data = self.dataset(schema);
        let mut outcomes = Vec::new();
        for segment in segments {
            let code = vm::compile(program, schema, segment);
            code.verify().expect("compiled bytecode verifies");
            let members =
                vm::run(&code, &data, now, vm::exec::DEFAULT_STEP_BUDGET).expect("vm run");
            let info = code.segments.last().expect("root");
            let mut rows: Vec<String> = members
                .iter()
                .map(|m| {
                    let user = &data.users[m.user as usize];
                    match (m.arm, m.holdout) {
                        (Some(arm), _) => format!("{user}|{}", info.arms[arm as usize]),
                        (None, Some(h)) => format!("{user}|{h}"),
                        (None, None) => user.clone(),
                    }
                })
                .collect();
            rows.sort();
            outcomes.push(Outcome {
                segment: segment.name.clone(),
                backend: "vm".into(),
                partition: !info.arms.is_empty(),
                rows,
                code: code.disassemble(),
            });
        }
        outcomes
    }

    /// The case's users and events as the interpreter's dataset.
    pub fn dataset(&self, schema: &Schema) -> Dataset {
        let mut b = DatasetBuilder::new(schema, self.layout != Layout::NoUsers);
        let attributes = b.attribute_types();
        let properties = b.property_types();
        let row = |b: &mut DatasetBuilder, object: &Value, columns: &[(String, segc::ir::Type)]| {
            columns
                .iter()
                .map(|(name, ty)| {
                    let raw = object.get(name).map_or(Raw::Missing, Raw::from_json);
                    b.value(raw, *ty)
                })
                .collect::<Vec<_>>()
        };
        for User(id, attrs) in &self.users {
            let values = row(&mut b, attrs, &attributes);
            b.add_user(id.clone(), values);
        }
        for Event(user, name, ts, props) in &self.events {
            let values = row(&mut b, props, &properties);
            let time = parse_timestamp(ts).expect("event time").0;
            b.add_event(user.clone(), name, time, values);
        }
        b.finish().expect("dataset")
    }

    /// The statements that create and fill the case's tables in `ns`.
    fn setup(&self, engine: Engine, ns: &str) -> Vec<String> {
        if engine == Engine::Spark {
            let mut sql = spark::setup(self, ns);
            if self.canary {
                sql.push("CREATE TABLE x (a INTEGER)".into());
                sql.push("INSERT INTO x VALUES (1)".into());
            }
            return sql;
        }
        let st = Storage::of(engine);
        let mut sql = vec![format!("{} {ns}", st.create_namespace)];
        let mut columns = vec![
            format!("user_id {}", st.text_type),
            format!("event {}", st.text_type),
            format!("ts {}", st.timestamp_type),
        ];
        if self.layout == Layout::Columns {
            columns.extend(
                PROPERTIES
                    .iter()
                    .map(|(n, t)| format!("{} {}", ident(n), (st.column_type)(t))),
            );
        } else {
            columns.push(format!("properties {}", st.json_type));
        }
        sql.push(format!(
            "CREATE TABLE {ns}.events ({}){}",
            columns.join(", "),
            st.table_engine
        ));
        let rows = self.events.iter().map(|Event(user, name, ts, props)| {
            let mut values = vec![(st.text)(user), (st.text)(name), (st.timestamp)(ts)];
            if self.layout == Layout::Columns {
                values.extend(PROPERTIES.iter().map(|(n, t)| st.value(props.get(*n), t)));
            } else {
                values.push((st.json)(&props.to_string()));
            }
            values
        });
        sql.extend(insert(&format!("{ns}.events"), rows));
        if self.layout != Layout::NoUsers {
            let mut columns = vec![format!("user_id {}", st.text_type)];
            columns.extend(
                ATTRIBUTES
                    .iter()
                    .map(|(n, t)| format!("{} {}", ident(n), (st.column_type)(t))),
            );
            sql.push(format!(
                "CREATE TABLE {ns}.users ({}){}",
                columns.join(", "),
                st.table_engine
            ));
            let rows = self.users.iter().map(|User(id, attrs)| {
                let mut values = vec![(st.text)(id)];
                values.extend(ATTRIBUTES.iter().map(|(n, t)| st.value(attrs.get(*n), t)));
                values
            });
            sql.extend(insert(&format!("{ns}.users"), rows));
        }
        if self.canary {
            sql.push(format!("CREATE TABLE x (a INTEGER){}", st.table_engine));
            sql.push("INSERT INTO x VALUES (1)".into());
        }
        sql
    }
}

/// How an engine stores the test tables, and how the harness writes their data.
struct Storage {
    create_namespace: &'static str,
    text_type: &'static str,
    timestamp_type: &'static str,
    json_type: &'static str,
    /// The type of a property or attribute column of a Seg type.
    column_type: fn(&str) -> &'static str,
    table_engine: &'static str,
    text: fn(&str) -> String,
    timestamp: fn(&str) -> String,
    /// A JSON text as a value of the JSON column.
    json: fn(&str) -> String,
}

impl Storage {
    fn of(engine: Engine) -> Storage {
        let duckdb = Storage {
            create_namespace: "CREATE SCHEMA",
            text_type: "TEXT",
            timestamp_type: "TIMESTAMP",
            json_type: "JSON",
            column_type: |ty| standard_type(ty, "DOUBLE"),
            table_engine: "",
            text,
            timestamp,
            // A spelled-out literal is text, not an untyped literal.
            json: |j| format!("CAST({} AS JSON)", text(j)),
        };
        match engine {
            Engine::DuckDb => duckdb,
            Engine::Postgres => Storage {
                json_type: "JSONB",
                column_type: |ty| standard_type(ty, "DOUBLE PRECISION"),
                json: |j| format!("CAST({} AS JSONB)", text(j)),
                ..duckdb
            },
            Engine::ClickHouse => Storage {
                create_namespace: "CREATE DATABASE",
                text_type: "String",
                timestamp_type: "DateTime64(6, 'UTC')",
                json_type: "String",
                column_type: clickhouse::column_type,
                table_engine: " ENGINE = Memory",
                text: clickhouse::text,
                timestamp: clickhouse::timestamp,
                json: clickhouse::text,
            },
            Engine::Spark => unreachable!("Spark writes its own setup (spark.rs)"),
        }
    }

    /// A value for a typed column; a value of another type cannot be stored
    /// there, so it is NULL (missing), as it is for the interpreter.
    fn value(&self, v: Option<&Value>, ty: &str) -> String {
        typed_value(v, ty, self.text, self.timestamp)
    }
}

/// One `INSERT` of every row (none when there are no rows): with a
/// statement per row, `tests/sql_semantics.rs` took 23 s instead of 8 s
/// once ClickHouse ran it too.
fn insert(table: &str, rows: impl Iterator<Item = Vec<String>>) -> Option<String> {
    let rows: Vec<String> = rows.map(|r| format!("({})", r.join(", "))).collect();
    (!rows.is_empty()).then(|| format!("INSERT INTO {table} VALUES {}", rows.join(", ")))
}

fn standard_type(ty: &str, double: &'static str) -> &'static str {
    match ty {
        "number" => double,
        "bool" => "BOOLEAN",
        "timestamp" => "TIMESTAMP",
        _ => "TEXT",
    }
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Test data as a literal, with control characters spelled out as segc's
/// own literals are (the engines' clients would mangle them raw).
fn text(s: &str) -> String {
    dialect::DuckDb.string_literal(s)
}

fn timestamp(s: &str) -> String {
    let t: Timestamp = parse_timestamp(s).expect("test timestamp");
    format!(
        "TIMESTAMP '{}'",
        t.to_string().trim_end_matches('Z').replacen('T', " ", 1)
    )
}

/// A value for a typed column, its text and timestamps written by `text`
/// and `timestamp`; a value of another type cannot be stored there, so it
/// is NULL (missing), as it is for the interpreter.
fn typed_value(
    v: Option<&Value>,
    ty: &str,
    text: fn(&str) -> String,
    timestamp: fn(&str) -> String,
) -> String {
    match (v, ty) {
        (Some(Value::String(s)), "timestamp") => timestamp(s),
        (Some(Value::String(s)), "string") => text(s),
        (Some(Value::Number(n)), "number") => n.to_string(),
        (Some(Value::Bool(b)), "bool") => b.to_string(),
        _ => "NULL".into(),
    }
}
