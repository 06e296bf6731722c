//! `segc run --engine duckdb`: the generated SQL, run by the DuckDB CLI over
//! the same files, for cross-checking the interpreter. DuckDB is not linked
//! into segc (a bundled build takes tens of minutes); the CLI is found as
//! `SEGC_DUCKDB` or `duckdb` on PATH (`pip install duckdb-cli`).
//!
//! The CLI reads its script line by line and runs a line starting with `.`
//! as a shell command (`.shell`), so the route keeps user text away from it
//! (`docs/security.md`): the input files are linked into a private folder
//! under fixed names (a path is never a glob and never reaches the SQL),
//! loaded into tables, and then `.safe_mode` shuts off the file system and
//! the shell before the generated query runs; that query is checked by
//! [`segc::backend::sql::check_cli_safe`] first.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use segc::backend::sql::{check_cli_safe, dialect, Dialect, Output, SqlOptions};
use segc::ir::{self, Type};
use segc::sema::schema::{Schema, TimeFormat};
use segc::time::Timestamp;

use super::Fatal;

/// The files a query reads, and the evaluation instant.
pub struct Inputs<'a> {
    pub events: &'a Path,
    pub users: Option<&'a Path>,
    pub now: i64,
}

/// The member rows (a header first), sorted by user id, of `segment` over
/// the events (and users) files.
pub fn run(
    inputs: &Inputs,
    schema: &Schema,
    program: &ir::Program,
    segment: &ir::Segment,
) -> Result<Vec<Vec<String>>, Fatal> {
    let query = sql_in(
        &dialect::DuckDb,
        inputs,
        schema,
        program,
        Output::Members(segment),
    )?;
    execute(
        inputs,
        schema,
        &format!("SELECT * FROM (\n{}) ORDER BY user_id", query.trim_end()),
    )
}

/// The number of members of each segment, from one combined query (a column
/// per segment: `true`, or the arm of a partition, for a member).
pub fn counts(
    inputs: &Inputs,
    schema: &Schema,
    program: &ir::Program,
    segments: &[&ir::Segment],
) -> Result<Vec<usize>, Fatal> {
    let query = sql_in(
        &dialect::DuckDb,
        inputs,
        schema,
        program,
        Output::Combined(segments.to_vec()),
    )?;
    let rows = execute(inputs, schema, &query)?;
    Ok(member_counts(&rows, segments.len()))
}

/// The members per segment column of a combined query's rows (header
/// first): a cell that is neither empty (NULL) nor `false`.
pub(super) fn member_counts(rows: &[Vec<String>], segments: usize) -> Vec<usize> {
    (1..=segments)
        .map(|column| {
            rows.iter()
                .skip(1)
                .filter(|row| {
                    row.get(column)
                        .is_some_and(|v| !v.is_empty() && v != "false")
                })
                .count()
        })
        .collect()
}

/// The query for `output` in dialect `d`, as of the inputs' instant.
pub(super) fn sql_in(
    d: &dyn Dialect,
    inputs: &Inputs,
    schema: &Schema,
    program: &ir::Program,
    output: Output,
) -> Result<String, Fatal> {
    let options = SqlOptions {
        dialect: d,
        as_of: Some(Timestamp(inputs.now)),
        sources: None,
    };
    Ok(segc::to_sql(program, schema, output, &options)?)
}

/// Runs `query` over the input files; returns the CSV rows, header first.
fn execute(inputs: &Inputs, schema: &Schema, query: &str) -> Result<Vec<Vec<String>>, Fatal> {
    let d = &dialect::DuckDb;
    check_cli_safe(query).map_err(|e| {
        Fatal(format!(
            "internal error: refusing to run the generated SQL: {e}"
        ))
    })?;
    let folder = Folder::new("duckdb")?;
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
    let file = folder.link(inputs.events, "events")?;
    script.push_str(&table(d, &ev.table, &file, &columns, &selects)?);
    if let (Some(users), Some(file)) = (&schema.users, inputs.users) {
        let mut columns = vec![users.user_id.as_str()];
        let mut selects = vec![typed(d, &users.user_id, Type::String)];
        for (name, ty) in &users.attributes {
            columns.push(name.as_str());
            selects.push(typed(d, name, *ty));
        }
        let file = folder.link(file, "users")?;
        script.push_str(&table(d, &users.table, &file, &columns, &selects)?);
    }
    // From here on, no file can be read or written and no command run.
    script.push_str(".safe_mode\n");
    script.push_str(query.trim_end());
    script.push_str(";\n");
    let binary = std::env::var("SEGC_DUCKDB").unwrap_or_else(|_| "duckdb".into());
    let output = folder.pipe(&binary, &[":memory:"], script, |e| {
        format!("--engine duckdb needs the DuckDB CLI ({binary}: {e}); install it with `pip install duckdb-cli` or set SEGC_DUCKDB")
    })?;
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

/// A private folder holding links to the input files under fixed names
/// (`events.jsonl`), removed when dropped. DuckDB and ClickHouse expand `*`,
/// `?` and `{…}` or `[…]` in any path they are given, so a user's path never
/// reaches them: they read the fixed name, relative to this folder.
pub(super) struct Folder(pub(super) PathBuf, &'static str);

impl Folder {
    /// A new folder for `engine` (its name, for messages).
    pub(super) fn new(engine: &'static str) -> Result<Folder, Fatal> {
        let base = std::env::temp_dir();
        for attempt in 0..100u32 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let folder = base.join(format!(
                "segc-{engine}-{}-{nanos}-{attempt}",
                std::process::id()
            ));
            match std::fs::create_dir(&folder) {
                Ok(()) => return Ok(Folder(folder, engine)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Fatal(format!("{}: {e}", folder.display()))),
            }
        }
        Err(Fatal(format!(
            "{}: cannot make a private folder",
            base.display()
        )))
    }

    /// Links `file` as `NAME.EXT`; returns that name.
    /// Runs `program args` in this folder with `input` on its stdin (written
    /// from a thread, so a client that answers before reading all of it
    /// cannot block); `missing` says what to do when it cannot start.
    pub(super) fn pipe(
        &self,
        program: &str,
        args: &[&str],
        input: String,
        missing: impl Fn(std::io::Error) -> String,
    ) -> Result<std::process::Output, Fatal> {
        let mut child = Command::new(program)
            .args(args)
            .current_dir(&self.0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Fatal(missing(e)))?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child
            .wait_with_output()
            .map_err(|e| Fatal(format!("{program}: {e}")))?;
        let _ = writer.join();
        Ok(output)
    }

    pub(super) fn link(&self, file: &Path, name: &str) -> Result<String, Fatal> {
        let ext = match file.extension().and_then(|e| e.to_str()) {
            Some(ext @ ("csv" | "parquet" | "jsonl" | "ndjson")) => ext,
            _ => {
                return Err(Fatal(format!(
                    "{}: --engine {} reads .csv, .jsonl, .ndjson and .parquet files",
                    file.display(),
                    self.1
                )))
            }
        };
        let target =
            std::fs::canonicalize(file).map_err(|e| Fatal(format!("{}: {e}", file.display())))?;
        let linked = format!("{name}.{ext}");
        std::os::unix::fs::symlink(&target, self.0.join(&linked))
            .map_err(|e| Fatal(format!("{}: {e}", self.0.display())))?;
        Ok(linked)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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

/// `CREATE TABLE table AS SELECT … FROM read_csv|read_json(file)`, every
/// column read as text or JSON first and typed by `selects`. A table, not a
/// view: the files must be read before `.safe_mode` shuts off the file system.
fn table(
    d: &dyn Dialect,
    table: &str,
    file: &str,
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
    let path = d.string_literal(file);
    let types: Vec<String> = columns
        .iter()
        .map(|name| format!("{}: 'VARCHAR'", d.string_literal(name)))
        .collect();
    let source = match file.rsplit('.').next() {
        Some("csv") => format!("read_csv({path}, header = true, all_varchar = true)"),
        Some("parquet") => format!("read_parquet({path})"),
        _ => format!(
            "read_json({path}, format = 'newline_delimited', columns = {{{}}})",
            types.join(", ")
        ),
    };
    let sql_text = format!(
        "CREATE TABLE {} AS SELECT {} FROM {source};\n",
        parts.join("."),
        selects.join(", ")
    );
    check_cli_safe(&sql_text).map_err(|e| Fatal(format!("segc.toml: {e}")))?;
    sql.push_str(&sql_text);
    Ok(sql)
}
