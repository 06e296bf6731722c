//! Reading users and events from `.csv`, `.jsonl` and `.parquet` files with
//! the column names and types of `segc.toml`. Data files are untrusted: no
//! input may panic or hang a read, and nothing is dropped without a word.
//!
//! A malformed row is an error naming the file, line (or Parquet row) and
//! column; with `skip_bad_rows` it is skipped and counted instead, unless
//! every row of a file is bad. A file that cannot be decoded at all (a
//! corrupt Parquet page, an I/O error) is an error of the whole file, skipped
//! or not, so that a read never retries it.

mod csv_file;
mod json;
mod jsonl_file;
mod parquet_file;
mod row;

use std::fmt;
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::Path;

use serde_json::{Map, Value};

use super::DatasetBuilder;
use crate::sema::schema::{Schema, UsersTable};
pub use parquet_file::decoding_parquet;
use row::{json_row, FieldError, Layout, Row};

#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions {
    pub skip_bad_rows: bool,
}

/// Where a row is in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A line of a CSV or JSONL file, from 1 (the header is line 1 of a CSV).
    Line(u64),
    /// A row of a Parquet file, from 1, and its row group, from 0 as
    /// Parquet tools number them.
    Row { row: u64, group: usize },
}

/// A row that could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct BadRow {
    pub file: String,
    pub at: Place,
    /// Empty when the row as a whole is bad (not JSON, invalid UTF-8).
    pub column: String,
    pub message: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Place::Line(line) => write!(f, "{}:{line}: ", self.file)?,
            Place::Row { row, group } => {
                write!(f, "{}: row {row} (row group {group}): ", self.file)?
            }
        }
        if !self.column.is_empty() {
            write!(f, "column `{}`: ", self.column)?;
        }
        f.write_str(&self.message)
    }
}

/// What a read did: rows read, and rows skipped (the first few kept).
#[derive(Debug, Default)]
pub struct ReadReport {
    pub rows: u64,
    pub skipped: u64,
    pub first_skipped: Vec<BadRow>,
}

/// Everything that stops a read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0}")]
    Bad(BadRow),
    #[error("{file}: {message}")]
    File { file: String, message: String },
    /// `skip_bad_rows` skipped every row of a file that had rows: reading
    /// nothing from it is not a result.
    #[error("{}: every row is bad ({skipped} skipped), so nothing was read; the first: {first}", first.file)]
    AllSkipped { skipped: u64, first: BadRow },
}

/// A field of an in-memory row that could not be read: its column and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("column `{column}`: {message}")]
pub struct BadField {
    pub column: String,
    pub message: String,
}

fn events_layout<'a>(schema: &'a Schema, b: &DatasetBuilder) -> Layout<'a> {
    let ev = &schema.events;
    Layout {
        id: &ev.user_id,
        event: Some((&ev.name, &ev.timestamp, ev.timestamp_format)),
        json: ev.properties_json.as_deref(),
        fields: b.property_types(),
    }
}

fn users_layout<'a>(users: &'a UsersTable, b: &DatasetBuilder) -> Layout<'a> {
    Layout {
        id: &users.user_id,
        event: None,
        json: None,
        fields: b.attribute_types(),
    }
}

fn add_event_row(b: &mut DatasetBuilder, row: Row) {
    let (name, time) = row.event.expect("events have a name and time");
    b.add_event(row.id, &name, time, row.values);
}

fn add_user_row(b: &mut DatasetBuilder, row: Row) {
    b.add_user(row.id, row.values);
}

/// Reads an events file into `b`.
pub fn read_events(
    path: &Path,
    schema: &Schema,
    b: &mut DatasetBuilder,
    options: ReadOptions,
) -> Result<ReadReport, ReadError> {
    let layout = events_layout(schema, b);
    read(path, &layout, b, options, &mut add_event_row)
}

/// Reads a users file into `b`.
pub fn read_users(
    path: &Path,
    schema: &Schema,
    b: &mut DatasetBuilder,
    options: ReadOptions,
) -> Result<ReadReport, ReadError> {
    let users = users_table(path, schema)?;
    let layout = users_layout(users, b);
    read(path, &layout, b, options, &mut add_user_row)
}

fn users_table<'s>(path: &Path, schema: &'s Schema) -> Result<&'s UsersTable, ReadError> {
    schema.users.as_ref().ok_or_else(|| ReadError::File {
        file: path.display().to_string(),
        message: "segc.toml declares no [users] table".into(),
    })
}

/// Adds one event given as a JSON object laid out like a line of a JSONL
/// events file: rows built in memory (test fixtures) are read exactly as
/// files are.
pub fn add_event_object(
    object: &Map<String, Value>,
    schema: &Schema,
    b: &mut DatasetBuilder,
) -> Result<(), BadField> {
    let layout = events_layout(schema, b);
    let row = json_row(&layout, b, object).map_err(bad_field)?;
    add_event_row(b, row);
    Ok(())
}

/// Adds one user given as a JSON object laid out like a line of a JSONL
/// users file (see [`add_event_object`]).
pub fn add_user_object(
    object: &Map<String, Value>,
    users: &UsersTable,
    b: &mut DatasetBuilder,
) -> Result<(), BadField> {
    let layout = users_layout(users, b);
    let row = json_row(&layout, b, object).map_err(bad_field)?;
    add_user_row(b, row);
    Ok(())
}

fn bad_field((column, message): FieldError) -> BadField {
    BadField { column, message }
}

fn read(
    path: &Path,
    layout: &Layout,
    b: &mut DatasetBuilder,
    options: ReadOptions,
    add: &mut dyn FnMut(&mut DatasetBuilder, Row),
) -> Result<ReadReport, ReadError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| ReadError::Io(name.clone(), e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = Progress::new(&name, size);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut rows = Rows {
        file: &name,
        options,
        report: ReadReport::default(),
        b,
        add,
    };
    match extension.as_str() {
        "csv" => csv_file::read(progress.wrap(file), layout, &mut rows)?,
        "jsonl" | "ndjson" => jsonl_file::read(progress.wrap(file), layout, &mut rows)?,
        "parquet" => parquet_file::read(&file, layout, &mut rows)?,
        other => {
            return Err(rows.file_error(format!(
                "unknown file type `.{other}`: segc reads .csv, .jsonl and .parquet"
            )))
        }
    }
    progress.done();
    rows.finish()
}

/// Where the rows of one file go: added, or skipped and counted.
struct Rows<'a> {
    file: &'a str,
    options: ReadOptions,
    report: ReadReport,
    b: &'a mut DatasetBuilder,
    add: &'a mut dyn FnMut(&mut DatasetBuilder, Row),
}

impl Rows<'_> {
    /// One row, or why it is bad: an error, or a skip when asked for.
    fn accept(&mut self, at: Place, row: Result<Row, FieldError>) -> Result<(), ReadError> {
        match row {
            Ok(row) => {
                self.report.rows += 1;
                (self.add)(self.b, row);
                Ok(())
            }
            Err((column, message)) => {
                let bad = BadRow {
                    file: self.file.to_string(),
                    at,
                    column,
                    message,
                };
                if !self.options.skip_bad_rows {
                    return Err(ReadError::Bad(bad));
                }
                self.report.skipped += 1;
                if self.report.first_skipped.len() < 5 {
                    self.report.first_skipped.push(bad);
                }
                Ok(())
            }
        }
    }

    fn file_error(&self, message: String) -> ReadError {
        ReadError::File {
            file: self.file.to_string(),
            message,
        }
    }

    fn io_error(&self, e: std::io::Error) -> ReadError {
        ReadError::Io(self.file.to_string(), e)
    }

    /// The report, unless every row was skipped.
    fn finish(mut self) -> Result<ReadReport, ReadError> {
        if self.report.rows == 0 && self.report.skipped > 0 {
            return Err(ReadError::AllSkipped {
                skipped: self.report.skipped,
                first: self.report.first_skipped.swap_remove(0),
            });
        }
        Ok(self.report)
    }
}

/// Bytes read so far, on stderr, for large files when stderr is a terminal.
struct Progress {
    show: bool,
    name: String,
    size: u64,
}

impl Progress {
    fn new(name: &str, size: u64) -> Progress {
        Progress {
            show: size > 64 << 20 && std::io::stderr().is_terminal(),
            name: name.to_string(),
            size,
        }
    }

    fn wrap<R: Read>(&self, inner: R) -> Counting<R> {
        Counting {
            inner,
            read: 0,
            shown: 0,
            show: self.show,
            name: self.name.clone(),
            size: self.size,
        }
    }

    fn done(&self) {
        if self.show {
            eprintln!();
        }
    }
}

struct Counting<R> {
    inner: R,
    read: u64,
    shown: u64,
    show: bool,
    name: String,
    size: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.show && self.read - self.shown > 8 << 20 {
            self.shown = self.read;
            let percent = self.read * 100 / self.size.max(1);
            let filled = (percent / 4) as usize;
            eprint!(
                "\r{} [{}{}] {percent:>3}%",
                self.name,
                "#".repeat(filled),
                " ".repeat(25 - filled.min(25))
            );
        }
        Ok(n)
    }
}
