//! `segc run --engine clickhouse`: the generated SQL, run by ClickHouse
//! in-process (pip `chdb`) over the same files, for cross-checking the
//! interpreter. Python is `SEGC_PYTHON`, else `python3`; the runner script
//! (`chdb_runner.py`) is built into segc and given to it with `-c`.
//!
//! As on the DuckDB route (`docs/security.md`), user text never reaches the
//! SQL: the input files are linked into a private folder under fixed names
//! and read by `file()` relative to it; names from `segc.toml` are quoted
//! identifiers. Statements travel as JSON, one by one, never split on `;`.
//! Once the data is loaded into tables, the runner sets `readonly = 1`: the
//! generated query can read no file, open no URL and run no command.

use segc::backend::sql::{check_cli_safe, dialect, Dialect, Output};
use segc::ir::{self, Type};
use segc::sema::schema::{Schema, TimeFormat};

use super::duckdb::{member_counts, sql_in, Folder, Inputs};
use super::Fatal;

const RUNNER: &str = include_str!("chdb_runner.py");

const D: &dialect::ClickHouse = &dialect::ClickHouse;

/// The member rows (a header first), sorted by user id, of `segment` over
/// the events (and users) files.
pub fn run(
    inputs: &Inputs,
    schema: &Schema,
    program: &ir::Program,
    segment: &ir::Segment,
) -> Result<Vec<Vec<String>>, Fatal> {
    let query = sql_in(D, inputs, schema, program, Output::Members(segment))?;
    let mut rows = execute(inputs, schema, &query)?;
    rows[1..].sort();
    Ok(rows)
}

/// The number of members of each segment, from one combined query.
pub fn counts(
    inputs: &Inputs,
    schema: &Schema,
    program: &ir::Program,
    segments: &[&ir::Segment],
) -> Result<Vec<usize>, Fatal> {
    let output = Output::Combined(segments.to_vec());
    let query = sql_in(D, inputs, schema, program, output)?;
    let rows = execute(inputs, schema, &query)?;
    Ok(member_counts(&rows, segments.len()))
}

/// Runs `query` over the input files; returns its rows, header first.
fn execute(inputs: &Inputs, schema: &Schema, query: &str) -> Result<Vec<Vec<String>>, Fatal> {
    check_cli_safe(query).map_err(|e| {
        Fatal(format!(
            "internal error: refusing to run the generated SQL: {e}"
        ))
    })?;
    let folder = Folder::new("clickhouse")?;
    let mut setup = Vec::new();
    let ev = &schema.events;
    let mut columns = vec![
        (ev.user_id.as_str(), typed(&ev.user_id, Type::String)),
        (ev.name.as_str(), typed(&ev.name, Type::String)),
        (
            ev.timestamp.as_str(),
            time_expr(&ev.timestamp, ev.timestamp_format),
        ),
    ];
    match &ev.properties_json {
        Some(json) => columns.push((json.as_str(), typed(json, Type::String))),
        None => columns.extend(
            ev.properties
                .iter()
                .map(|(name, ty)| (name.as_str(), typed(name, *ty))),
        ),
    }
    let file = folder.link(inputs.events, "events")?;
    setup.extend(table(&ev.table, &file, &columns)?);
    if let (Some(users), Some(file)) = (&schema.users, inputs.users) {
        let mut columns = vec![(users.user_id.as_str(), typed(&users.user_id, Type::String))];
        columns.extend(
            users
                .attributes
                .iter()
                .map(|(name, ty)| (name.as_str(), typed(name, *ty))),
        );
        let file = folder.link(file, "users")?;
        setup.extend(table(&users.table, &file, &columns)?);
    }
    // The query restates these; under `readonly = 1` it may only restate them.
    setup.extend(D.query_settings().map(|s| format!("SET {s}")));
    let request = serde_json::json!({
        "setup": setup,
        "queries": [query],
        "readonly": true,
    });
    let python = std::env::var("SEGC_PYTHON").unwrap_or_else(|_| "python3".into());
    let output = folder.pipe(&python, &["-c", RUNNER], format!("{request}\n"), |e| {
        format!("--engine clickhouse needs python with chdb ({python}: {e}); install it with `pip install chdb` or set SEGC_PYTHON")
    })?;
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|_| {
        Fatal(format!(
            "ClickHouse (chdb) did not answer: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    })?;
    if let Some(error) = answer.get("error").and_then(|e| e.as_str()) {
        let hint = if error.contains("import chdb") {
            " (set SEGC_PYTHON to a python that has it)"
        } else {
            ""
        };
        return Err(Fatal(format!("ClickHouse failed: {error}{hint}")));
    }
    let result = &answer["results"][0];
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|c| c.as_str().map_or_else(|| c.to_string(), String::from))
            .collect()
    };
    let mut rows = vec![strings(&result["columns"])];
    rows.extend(result["rows"].as_array().into_iter().flatten().map(strings));
    Ok(rows)
}

/// A column read as text, typed as declared (empty text is missing). The
/// files passed segc's readers first, so every value parses.
fn typed(name: &str, ty: Type) -> String {
    let column = D.quote_ident(name);
    let text = format!("nullIf({column}, '')");
    match ty {
        Type::String => column,
        Type::Number => format!("CAST({text} AS Nullable(Float64))"),
        Type::Bool => format!("CAST({text} AS Nullable(Bool))"),
        Type::Timestamp => format!("parseDateTime64BestEffortOrNull({text}, 6, 'UTC')"),
    }
}

fn time_expr(name: &str, format: TimeFormat) -> String {
    let column = D.quote_ident(name);
    let micros_per_unit = match format {
        TimeFormat::Rfc3339 => return format!("parseDateTime64BestEffort({column}, 6, 'UTC')"),
        TimeFormat::EpochSeconds => 1_000_000,
        TimeFormat::EpochMillis => 1_000,
    };
    format!(
        "fromUnixTimestamp64Micro(CAST(round(CAST({column} AS Float64) * {micros_per_unit}) AS Int64), 'UTC')"
    )
}

/// The statements that create `table` (`database.table` at most) as a
/// Memory table of the typed `columns`, read from `file` as text first.
fn table(table: &str, file: &str, columns: &[(&str, String)]) -> Result<Vec<String>, Fatal> {
    let parts: Vec<String> = table.split('.').map(|p| D.quote_ident(p)).collect();
    let mut sql = Vec::new();
    match &parts[..] {
        [_] => {}
        [database, _] => sql.push(format!("CREATE DATABASE IF NOT EXISTS {database}")),
        _ => {
            return Err(Fatal(format!(
                "segc.toml: table `{table}`: ClickHouse names a table `database.table` at most"
            )))
        }
    }
    let format = match file.rsplit('.').next() {
        Some("csv") => "CSVWithNames",
        Some("parquet") => "Parquet",
        _ => "JSONEachRow",
    };
    let structure: Vec<String> = columns
        .iter()
        .map(|(name, _)| format!("{} Nullable(String)", D.quote_ident(name)))
        .collect();
    let selects: Vec<String> = columns
        .iter()
        .map(|(name, expr)| format!("{expr} AS {}", D.quote_ident(name)))
        .collect();
    let statement = format!(
        "CREATE TABLE {} ENGINE = Memory AS SELECT {} FROM file({}, {}, {})",
        parts.join("."),
        selects.join(", "),
        D.string_literal(file),
        D.string_literal(format),
        D.string_literal(&structure.join(", ")),
    );
    check_cli_safe(&statement).map_err(|e| Fatal(format!("segc.toml: {e}")))?;
    sql.push(statement);
    Ok(sql)
}
