//! `segc run --engine duckdb`: the generated SQL, run by the DuckDB CLI over
//! the same files, for cross-checking the interpreter. DuckDB is not linked
//! into segc (a bundled build takes tens of minutes); the CLI is found as
//! `SEGC_DUCKDB` or `duckdb` on PATH (`pip install duckdb-cli`).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use segc::backend::sql::{dialect, Dialect, Output, SqlOptions};
use segc::ir::{self, Type};
use segc::sema::schema::{Schema, TimeFormat};
use segc::time::Timestamp;

use super::Fatal;

/// The member rows (a header first), sorted by user id, of `segment` over
/// the events (and users) files.
pub fn run(
    events: &Path,
    users: Option<&Path>,
    schema: &Schema,
    program: &ir::Program,
    segment: &ir::Segment,
    now: i64,
) -> Result<Vec<Vec<String>>, Fatal> {
    let d = &dialect::DuckDb;
    let options = SqlOptions {
        dialect: d,
        as_of: Some(Timestamp(now)),
    };
    let query = segc::to_sql(program, schema, Output::Members(segment), &options);
    let mut script =
        String::from(".bail on\n.mode csv\n.headers on\nSET threads = 1;\nSET TimeZone = 'UTC';\n");
    let ev = &schema.events;
    let mut columns = vec![ev.user_id.as_str(), ev.name.as_str()];
    let mut selects = vec![
        typed(d, &ev.user_id, Type::String),
        d.quote_ident(&ev.name),
        format!(
            "{} AS {}",
            time_expr(&d.quote_ident(&ev.timestamp), ev.timestamp_format),
            d.quote_ident(&ev.timestamp)
        ),
    ];
    columns.push(ev.timestamp.as_str());
    match &ev.properties_json {
        Some(json) => {
            columns.push(json.as_str());
            selects.push(format!("CAST({0} AS JSON) AS {0}", d.quote_ident(json)));
        }
        None => {
            for (name, ty) in &ev.properties {
                columns.push(name.as_str());
                selects.push(typed(d, name, *ty));
            }
        }
    }
    script.push_str(&view(d, &ev.table, events, &columns, &selects)?);
    if let (Some(users), Some(file)) = (&schema.users, users) {
        let mut columns = vec![users.user_id.as_str()];
        let mut selects = vec![typed(d, &users.user_id, Type::String)];
        for (name, ty) in &users.attributes {
            columns.push(name.as_str());
            selects.push(typed(d, name, *ty));
        }
        script.push_str(&view(d, &users.table, file, &columns, &selects)?);
    }
    script.push_str(&format!(
        "SELECT * FROM (\n{}) ORDER BY user_id;\n",
        query.trim_end()
    ));
    let binary = std::env::var("SEGC_DUCKDB").unwrap_or_else(|_| "duckdb".into());
    let mut child = Command::new(&binary)
        .arg(":memory:")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Fatal(format!("--engine duckdb needs the DuckDB CLI ({binary}: {e}); install it with `pip install duckdb-cli` or set SEGC_DUCKDB")))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(script.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| Fatal(format!("{binary}: {e}")))?;
    let _ = writer.join();
    if !output.status.success() {
        return Err(Fatal(format!(
            "DuckDB failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(output.stdout.as_slice());
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(String::from).collect())
                .map_err(|e| Fatal(format!("DuckDB output: {e}")))
        })
        .collect()
}

/// A column read as text, typed as declared (empty text is missing).
fn typed(d: &dyn Dialect, name: &str, ty: Type) -> String {
    let column = d.quote_ident(name);
    let text = format!("NULLIF(CAST({column} AS VARCHAR), '')");
    match ty {
        Type::String => format!("CAST({column} AS VARCHAR) AS {column}"),
        Type::Number => format!("CAST({text} AS DOUBLE) AS {column}"),
        Type::Bool => format!("CAST({text} AS BOOLEAN) AS {column}"),
        Type::Timestamp => {
            format!("CAST(CAST({text} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP) AS {column}")
        }
    }
}

fn time_expr(column: &str, format: TimeFormat) -> String {
    match format {
        TimeFormat::Rfc3339 => format!(
            "CAST(CAST(CAST({column} AS VARCHAR) AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP)"
        ),
        TimeFormat::EpochSeconds => {
            format!("CAST(to_timestamp(CAST({column} AS DOUBLE)) AT TIME ZONE 'UTC' AS TIMESTAMP)")
        }
        TimeFormat::EpochMillis => format!(
            "CAST(to_timestamp(CAST({column} AS DOUBLE) / 1000) AT TIME ZONE 'UTC' AS TIMESTAMP)"
        ),
    }
}

/// `CREATE VIEW table AS SELECT … FROM read_csv|read_json(file)`, every
/// column read as text or JSON first and typed by `selects`.
fn view(
    d: &dyn Dialect,
    table: &str,
    file: &Path,
    columns: &[&str],
    selects: &[String],
) -> Result<String, Fatal> {
    let parts: Vec<String> = table.split('.').map(|p| d.quote_ident(p)).collect();
    let mut sql = String::new();
    if parts.len() > 1 {
        sql.push_str(&format!(
            "CREATE SCHEMA IF NOT EXISTS {};\n",
            parts[..parts.len() - 1].join(".")
        ));
    }
    let path = d.string_literal(&file.display().to_string());
    let types: Vec<String> = columns
        .iter()
        .map(|name| format!("{}: 'VARCHAR'", d.string_literal(name)))
        .collect();
    let source = match file.extension().and_then(|e| e.to_str()) {
        Some("csv") => format!("read_csv({path}, header = true, all_varchar = true)"),
        Some("parquet") => format!("read_parquet({path})"),
        Some("jsonl" | "ndjson") => format!(
            "read_json({path}, format = 'newline_delimited', columns = {{{}}})",
            types.join(", ")
        ),
        _ => {
            return Err(Fatal(format!(
                "{}: --engine duckdb reads .csv and .jsonl",
                file.display()
            )))
        }
    };
    sql.push_str(&format!(
        "CREATE VIEW {} AS SELECT {} FROM {source};\n",
        parts.join("."),
        selects.join(", ")
    ));
    Ok(sql)
}
