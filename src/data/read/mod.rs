//! Reading users and events from `.csv`, `.jsonl` and `.parquet` files
//! (Parquet uncompressed or Snappy-compressed), with the column
//! names and types of `segc.toml`.
//!
//! A malformed row is an error naming the file, line and column; with
//! `skip_bad_rows` it is skipped and counted instead. Nothing is dropped
//! without a word.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;

use serde_json::Value;

use super::{DatasetBuilder, Raw, Val};
use crate::ir::Type;
use crate::sema::schema::{Schema, TimeFormat, UsersTable};
use crate::time::parse_timestamp;

#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions {
    pub skip_bad_rows: bool,
}

/// A row that could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}:{line}: column `{column}`: {message}")]
pub struct BadRow {
    pub file: String,
    pub line: u64,
    pub column: String,
    pub message: String,
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
}

/// The columns one kind of row needs: the id, the name and time (events
/// only), and the typed fields, either columns or inside a JSON column.
struct Layout<'a> {
    id: &'a str,
    event: Option<(&'a str, &'a str, TimeFormat)>,
    json: Option<&'a str>,
    fields: Vec<(String, Type)>,
}

/// One row of fields, taken apart.
struct Row {
    id: String,
    event: Option<(String, i64)>,
    values: Vec<Val>,
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

pub fn read_events(
    path: &Path,
    schema: &Schema,
    b: &mut DatasetBuilder,
    options: ReadOptions,
) -> Result<ReadReport, ReadError> {
    let layout = events_layout(schema, b);
    read(path, &layout, b, options, add_event_row)
}

pub fn read_users(
    path: &Path,
    schema: &Schema,
    b: &mut DatasetBuilder,
    options: ReadOptions,
) -> Result<ReadReport, ReadError> {
    let users = schema.users.as_ref().ok_or_else(|| ReadError::File {
        file: path.display().to_string(),
        message: "segc.toml declares no [users] table".into(),
    })?;
    let layout = users_layout(users, b);
    read(path, &layout, b, options, |b, row| {
        b.add_user(row.id, row.values)
    })
}

/// Adds one event given as a JSON object laid out like a line of a JSONL
/// events file: rows built in memory (test fixtures) are read exactly as
/// files are.
pub fn add_event_object(
    object: &serde_json::Map<String, Value>,
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
    object: &serde_json::Map<String, Value>,
    users: &UsersTable,
    b: &mut DatasetBuilder,
) -> Result<(), BadField> {
    let layout = users_layout(users, b);
    let row = json_row(&layout, b, object).map_err(bad_field)?;
    b.add_user(row.id, row.values);
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
    mut add: impl FnMut(&mut DatasetBuilder, Row),
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
    let mut report = ReadReport::default();
    let mut accept = |b: &mut DatasetBuilder,
                      row: Result<Row, BadRow>,
                      report: &mut ReadReport|
     -> Result<(), ReadError> {
        match row {
            Ok(row) => {
                report.rows += 1;
                add(b, row);
                Ok(())
            }
            Err(bad) if options.skip_bad_rows => {
                report.skipped += 1;
                if report.first_skipped.len() < 5 {
                    report.first_skipped.push(bad);
                }
                Ok(())
            }
            Err(bad) => Err(ReadError::Bad(bad)),
        }
    };
    let bad = |line: u64, column: &str, message: String| BadRow {
        file: name.clone(),
        line,
        column: column.to_string(),
        message,
    };
    match extension.as_str() {
        "csv" => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(progress.wrap(file));
            let header = reader
                .headers()
                .map_err(|e| ReadError::File {
                    file: name.clone(),
                    message: e.to_string(),
                })?
                .clone();
            let find = |column: &str, what: &str| {
                header
                    .iter()
                    .position(|h| h == column)
                    .ok_or_else(|| ReadError::File {
                        file: name.clone(),
                        message: format!(
                            "no column `{column}` ({what}); the header has: {}",
                            header.iter().collect::<Vec<_>>().join(", ")
                        ),
                    })
            };
            let id = find(layout.id, "the user id in segc.toml")?;
            let event = match layout.event {
                Some((n, t, format)) => Some((
                    find(n, "the event name in segc.toml")?,
                    find(t, "the timestamp in segc.toml")?,
                    format,
                )),
                None => None,
            };
            let fields: Vec<usize> = match layout.json {
                Some(j) => vec![find(j, "properties_json in segc.toml")?],
                None => layout
                    .fields
                    .iter()
                    .map(|(f, _)| find(f, "declared in segc.toml"))
                    .collect::<Result<_, _>>()?,
            };
            for record in reader.records() {
                let row = match record {
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        Err(bad(line, "", e.to_string()))
                    }
                    Ok(record) => {
                        let line = record.position().map_or(0, |p| p.line());
                        let cell = |i: usize| record.get(i).unwrap_or("");
                        csv_row(layout, b, id, event, &fields, &cell)
                            .map_err(|(column, message)| bad(line, &column, message))
                    }
                };
                accept(b, row, &mut report)?;
            }
        }
        "jsonl" | "ndjson" => {
            let reader = BufReader::new(progress.wrap(file));
            for (i, line) in reader.lines().enumerate() {
                let line_no = i as u64 + 1;
                let text = line.map_err(|e| ReadError::Io(name.clone(), e))?;
                if text.trim().is_empty() {
                    continue;
                }
                let row = match serde_json::from_str::<Value>(&text) {
                    Ok(Value::Object(object)) => json_row(layout, b, &object)
                        .map_err(|(column, message)| bad(line_no, &column, message)),
                    Ok(_) => Err(bad(line_no, "", "a line must be one JSON object".into())),
                    Err(e) => Err(bad(line_no, "", format!("not JSON: {e}"))),
                };
                accept(b, row, &mut report)?;
            }
        }
        "parquet" => {
            let reader = parquet::file::reader::SerializedFileReader::new(file).map_err(|e| {
                ReadError::File {
                    file: name.clone(),
                    message: e.to_string(),
                }
            })?;
            for (i, row) in reader.into_iter().enumerate() {
                let row_no = i as u64 + 1;
                let row = match row {
                    Err(e) => Err(bad(row_no, "", e.to_string())),
                    Ok(row) => parquet_object(&row)
                        .and_then(|object| json_row(layout, b, &object))
                        .map_err(|(column, message)| bad(row_no, &column, message)),
                };
                accept(b, row, &mut report)?;
            }
        }
        other => {
            return Err(ReadError::File {
                file: name,
                message: format!(
                    "unknown file type `.{other}`: segc reads .csv, .jsonl and .parquet"
                ),
            })
        }
    }
    progress.done();
    Ok(report)
}

type FieldError = (String, String);

fn csv_row<'r>(
    layout: &Layout,
    b: &mut DatasetBuilder,
    id: usize,
    event: Option<(usize, usize, TimeFormat)>,
    fields: &[usize],
    cell: &dyn Fn(usize) -> &'r str,
) -> Result<Row, FieldError> {
    let user = cell(id);
    if user.is_empty() {
        return Err((layout.id.to_string(), "the user id is empty".into()));
    }
    let event = match (event, layout.event) {
        (Some((n, t, format)), Some((name_col, time_col, _))) => {
            let name = cell(n);
            if name.is_empty() {
                return Err((name_col.to_string(), "the event name is empty".into()));
            }
            let time = time_of(&Value::String(cell(t).to_string()), format)
                .map_err(|m| (time_col.to_string(), m))?;
            Some((name.to_string(), time))
        }
        _ => None,
    };
    let values = match layout.json {
        Some(column) => {
            let text = cell(fields[0]);
            let object = if text.is_empty() {
                serde_json::Map::new()
            } else {
                match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(o)) => o,
                    _ => return Err((column.to_string(), "not a JSON object".into())),
                }
            };
            json_fields(layout, b, &object)
        }
        None => {
            let mut values = Vec::with_capacity(fields.len());
            for ((field, ty), i) in layout.fields.iter().zip(fields) {
                let raw = typed_text(cell(*i), *ty).map_err(|m| (field.clone(), m))?;
                values.push(b.value(raw, *ty));
            }
            values
        }
    };
    Ok(Row {
        id: user.to_string(),
        event,
        values,
    })
}

/// A CSV cell of a typed column: empty is missing; anything else must parse.
fn typed_text(text: &str, ty: Type) -> Result<Raw, String> {
    if text.is_empty() {
        return Ok(Raw::Missing);
    }
    match ty {
        Type::String => Ok(Raw::Text(text.to_string())),
        Type::Number => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Raw::Number)
            .ok_or_else(|| format!("{text:?} is not a number")),
        Type::Bool => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(Raw::Bool(true)),
            "false" => Ok(Raw::Bool(false)),
            _ => Err(format!("{text:?} is not true or false")),
        },
        Type::Timestamp => parse_timestamp(text)
            .map(|t| Raw::Time(t.0))
            .map_err(|e| format!("{text:?} is not an RFC 3339 timestamp: {}", e.0)),
    }
}

fn json_row(
    layout: &Layout,
    b: &mut DatasetBuilder,
    object: &serde_json::Map<String, Value>,
) -> Result<Row, FieldError> {
    let id = match object.get(layout.id) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err((
                layout.id.to_string(),
                "the user id must be a non-empty string or a number".into(),
            ))
        }
    };
    let event = match layout.event {
        Some((name_col, time_col, format)) => {
            let name = match object.get(name_col) {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                _ => {
                    return Err((
                        name_col.to_string(),
                        "the event name must be a non-empty string".into(),
                    ))
                }
            };
            let time = time_of(object.get(time_col).unwrap_or(&Value::Null), format)
                .map_err(|m| (time_col.to_string(), m))?;
            Some((name, time))
        }
        None => None,
    };
    let values = match layout.json {
        Some(column) => match object.get(column) {
            None | Some(Value::Null) => json_fields(layout, b, &serde_json::Map::new()),
            Some(Value::Object(o)) => json_fields(layout, b, o),
            // JSON text (a Parquet JSON column, or a string in JSONL).
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(o)) => json_fields(layout, b, &o),
                _ => return Err((column.to_string(), "not a JSON object".into())),
            },
            Some(_) => return Err((column.to_string(), "must be a JSON object".into())),
        },
        None => {
            // Plain columns: a value of the wrong type is a bad row.
            let mut values = Vec::with_capacity(layout.fields.len());
            for (field, ty) in &layout.fields {
                let v = object.get(field).unwrap_or(&Value::Null);
                let raw = match (v, ty) {
                    (Value::Null, _) => Raw::Missing,
                    (Value::String(s), Type::Timestamp) => {
                        typed_text(s, Type::Timestamp).map_err(|m| (field.clone(), m))?
                    }
                    (Value::String(_), Type::String)
                    | (Value::Number(_), Type::Number)
                    | (Value::Bool(_), Type::Bool) => Raw::from_json(v),
                    _ => return Err((field.clone(), format!("{v} is not a {}", ty.name()))),
                };
                values.push(b.value(raw, *ty));
            }
            values
        }
    };
    Ok(Row { id, event, values })
}

/// A Parquet row as a JSON object, so that it is read like a JSONL line.
/// Timestamps and dates become RFC 3339 text.
fn parquet_object(
    row: &parquet::record::Row,
) -> Result<serde_json::Map<String, Value>, FieldError> {
    use parquet::record::Field;
    let micros = |m: i64| Value::String(crate::time::Timestamp(m).to_string());
    row.get_column_iter()
        .map(|(name, field)| {
            let value = match field {
                Field::Null => Value::Null,
                Field::Bool(b) => Value::Bool(*b),
                Field::Byte(n) => Value::from(*n),
                Field::Short(n) => Value::from(*n),
                Field::Int(n) => Value::from(*n),
                Field::Long(n) => Value::from(*n),
                Field::UByte(n) => Value::from(*n),
                Field::UShort(n) => Value::from(*n),
                Field::UInt(n) => Value::from(*n),
                Field::ULong(n) => Value::from(*n),
                Field::Float(n) => Value::from(f64::from(*n)),
                Field::Double(n) => Value::from(*n),
                Field::Str(s) => Value::String(s.clone()),
                Field::Bytes(b) => match b.as_utf8() {
                    Ok(s) => Value::String(s.to_string()),
                    Err(_) => return Err((name.clone(), "binary data that is not UTF-8 text".into())),
                },
                Field::Date(days) => micros(i64::from(*days) * 86_400_000_000),
                Field::TimestampMillis(ms) => micros(ms * 1000),
                Field::TimestampMicros(us) => micros(*us),
                other => return Err((name.clone(), format!("unsupported Parquet value {other}; cast the column to a number, text, boolean or timestamp"))),
            };
            Ok((name.clone(), value))
        })
        .collect()
}

/// Properties inside a JSON object: a value of another type is missing, as in SQL.
fn json_fields(
    layout: &Layout,
    b: &mut DatasetBuilder,
    object: &serde_json::Map<String, Value>,
) -> Vec<Val> {
    layout
        .fields
        .iter()
        .map(|(field, ty)| {
            let raw = object.get(field).map_or(Raw::Missing, Raw::from_json);
            b.value(raw, *ty)
        })
        .collect()
}

/// An event time in the schema's format.
fn time_of(v: &Value, format: TimeFormat) -> Result<i64, String> {
    let number = || -> Result<f64, String> {
        match v {
            Value::Number(n) => n.as_f64().ok_or_else(|| "not a number".to_string()),
            Value::String(s) => s
                .parse::<f64>()
                .map_err(|_| format!("{s:?} is not a number")),
            _ => Err("the timestamp is missing".into()),
        }
    };
    match format {
        TimeFormat::Rfc3339 => match v {
            Value::String(s) => parse_timestamp(s)
                .map(|t| t.0)
                .map_err(|e| format!("{s:?} is not an RFC 3339 timestamp: {}", e.0)),
            _ => Err(
                "the timestamp must be an RFC 3339 string (or set timestamp_format in segc.toml)"
                    .into(),
            ),
        },
        TimeFormat::EpochSeconds => number().map(|s| (s * 1e6).round() as i64),
        TimeFormat::EpochMillis => number().map(|ms| (ms * 1e3).round() as i64),
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
