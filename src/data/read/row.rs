//! One row taken apart and typed, whatever file it came from: the columns a
//! layout needs, found in a header; a CSV record or a JSON object (a JSONL
//! line, a Parquet row, an in-memory fixture) turned into a [`Row`].

use serde_json::{Map, Value};

use super::json::{self, JsonError};
use super::ReadError;
use crate::data::{DatasetBuilder, Raw, Val};
use crate::ir::Type;
use crate::sema::schema::TimeFormat;
use crate::time::{parse_timestamp, Timestamp, MICROS_PER_SECOND};

/// The columns one kind of row needs: the id, the name and time (events
/// only), and the typed fields, either columns or inside a JSON column.
pub(super) struct Layout<'a> {
    pub id: &'a str,
    pub event: Option<(&'a str, &'a str, TimeFormat)>,
    pub json: Option<&'a str>,
    pub fields: Vec<(String, Type)>,
}

/// One row of fields, taken apart.
pub(super) struct Row {
    pub id: String,
    pub event: Option<(String, i64)>,
    pub values: Vec<Val>,
}

/// A field that could not be read: its column and why.
pub(super) type FieldError = (String, String);

/// Where a header puts the columns a layout reads.
pub(super) struct Columns {
    pub id: usize,
    /// The event name and time.
    pub event: Option<(usize, usize)>,
    /// The typed fields in layout order, or the one JSON column.
    pub fields: Vec<usize>,
}

impl Columns {
    /// Finds every column of `layout` in `header` (the first of equal
    /// names, as DuckDB reads them); a missing one is an error that names it
    /// and lists the header, for every file type alike. `listing` names
    /// the header in that error ("the header", "the file").
    pub fn find(
        layout: &Layout,
        header: &[&str],
        listing: &str,
        file: &str,
    ) -> Result<Columns, ReadError> {
        let find = |column: &str, what: &str| {
            header
                .iter()
                .position(|h| *h == column)
                .ok_or_else(|| ReadError::File {
                    file: file.to_string(),
                    message: format!(
                        "no column `{column}` ({what}); {listing} has: {}",
                        header.join(", ")
                    ),
                })
        };
        let id = find(layout.id, "the user id in segc.toml")?;
        let event = match layout.event {
            Some((name, time, _)) => Some((
                find(name, "the event name in segc.toml")?,
                find(time, "the timestamp in segc.toml")?,
            )),
            None => None,
        };
        let fields = match layout.json {
            Some(json) => vec![find(json, "properties_json in segc.toml")?],
            None => layout
                .fields
                .iter()
                .map(|(f, _)| find(f, "declared in segc.toml"))
                .collect::<Result<_, _>>()?,
        };
        Ok(Columns { id, event, fields })
    }

    /// Every column read, each once, in header order.
    pub fn all(&self) -> Vec<usize> {
        let mut all: Vec<usize> = std::iter::once(self.id)
            .chain(self.event.into_iter().flat_map(|(n, t)| [n, t]))
            .chain(self.fields.iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// A CSV record: every cell is text, typed by the layout.
pub(super) fn csv_row<'r>(
    layout: &Layout,
    b: &mut DatasetBuilder,
    columns: &Columns,
    cell: &dyn Fn(usize) -> &'r str,
) -> Result<Row, FieldError> {
    let user = cell(columns.id);
    if user.is_empty() {
        return Err((layout.id.to_string(), "the user id is empty".into()));
    }
    let event = match (columns.event, layout.event) {
        (Some((n, t)), Some((name_col, time_col, format))) => {
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
            let text = cell(columns.fields[0]);
            let object = if text.is_empty() {
                Map::new()
            } else {
                json_object(text).map_err(|m| (column.to_string(), m))?
            };
            json_fields(layout, b, &object)?
        }
        None => {
            let mut values = Vec::with_capacity(columns.fields.len());
            for ((field, ty), i) in layout.fields.iter().zip(&columns.fields) {
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
        Type::Timestamp => timestamp(text),
    }
}

/// RFC 3339 text as an instant; anything else is an error, never missing.
fn timestamp(text: &str) -> Result<Raw, String> {
    parse_timestamp(text)
        .map(|t| Raw::Time(t.0))
        .map_err(|e| format!("{text:?} is not an RFC 3339 timestamp: {}", e.0))
}

/// The text of a JSON column, which must hold one object.
fn json_object(text: &str) -> Result<Map<String, Value>, String> {
    match json::parse(text) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err("not a JSON object".into()),
        Err(JsonError::Syntax(m)) => Err(format!("not a JSON object: {m}")),
        Err(e @ JsonError::Duplicate(_)) => Err(e.to_string()),
    }
}

/// A JSON object laid out like a JSONL line.
pub(super) fn json_row(
    layout: &Layout,
    b: &mut DatasetBuilder,
    object: &Map<String, Value>,
) -> Result<Row, FieldError> {
    let id = user_id(object.get(layout.id)).map_err(|m| (layout.id.to_string(), m))?;
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
            None | Some(Value::Null) => json_fields(layout, b, &Map::new())?,
            Some(Value::Object(o)) => json_fields(layout, b, o)?,
            // JSON text (a Parquet JSON column, or a string in JSONL).
            Some(Value::String(text)) => {
                let o = json_object(text).map_err(|m| (column.to_string(), m))?;
                json_fields(layout, b, &o)?
            }
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

/// A user id, kept exactly as written: a string as it is, a JSON number as
/// its digits. serde_json reads a whole number from -2^63 to 2^64 - 1
/// exactly and anything else (a fraction, an exponent, more digits) as a
/// float, which would round distinct ids together or rewrite `1e3` as
/// `1000.0`; so those are errors.
fn user_id(value: Option<&Value>) -> Result<String, String> {
    match value {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) if !n.is_f64() => Ok(n.to_string()),
        Some(Value::Number(_)) => Err("a numeric user id must be a whole number from -2^63 to 2^64 - 1, written without a fraction or exponent; write other ids as strings".into()),
        _ => Err("the user id must be a non-empty string or a number".into()),
    }
}

/// Properties inside a JSON object: a value of another type is missing, as
/// in the SQL (which tests the JSON type first); a string under a timestamp
/// property must be an RFC 3339 timestamp, as the SQL's cast errors on it.
fn json_fields(
    layout: &Layout,
    b: &mut DatasetBuilder,
    object: &Map<String, Value>,
) -> Result<Vec<Val>, FieldError> {
    layout
        .fields
        .iter()
        .map(|(field, ty)| {
            let raw = match (object.get(field), ty) {
                (Some(Value::String(s)), Type::Timestamp) => {
                    timestamp(s).map_err(|m| (field.clone(), m))?
                }
                (v, _) => v.map_or(Raw::Missing, Raw::from_json),
            };
            Ok(b.value(raw, *ty))
        })
        .collect()
}

/// An event time in the schema's format. Epoch numbers must be finite and
/// name an instant in years 0001 to 9999.
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
    let epoch = |unit_micros: i64, unit: &str| {
        let n = number()?;
        Timestamp::from_epoch(n, unit_micros)
            .map(|t| t.0)
            .map_err(|e| format!("{v} {unit} since the epoch: {}", e.0))
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
        TimeFormat::EpochSeconds => epoch(MICROS_PER_SECOND, "seconds"),
        TimeFormat::EpochMillis => epoch(1000, "milliseconds"),
    }
}
