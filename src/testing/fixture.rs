//! A test's fixture: users and events, written inline as TOML tables or
//! named as `.csv`/`.jsonl`/`.parquet` files. Inline rows are checked
//! against `segc.toml` with spans, turned into the JSON objects a JSONL file
//! would hold, and read by the same reader as files
//! ([`crate::data::add_event_object`]), so every engine and `segc run` see
//! the same data.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use toml::Spanned;

use super::file::instant;
use crate::data::{
    add_event_object, add_user_object, read_events, read_users, Dataset, DatasetBuilder,
    ReadOptions,
};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Type;
use crate::sema::schema::{Schema, TimeFormat, UsersTable};
use crate::sema::suggest;
use crate::span::{FileId, Span};
use crate::time::Timestamp;

/// One inline row: each key and value with its span.
type Row = Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>;

/// A fixture as written: a file name, or `[[users]]`/`[[events]]` rows.
pub(super) enum RawRows {
    File(String),
    Rows(Vec<Row>),
}

/// By hand, not `#[serde(untagged)]`: untagged enums buffer their input and
/// lose the spans inside it.
impl<'de> Deserialize<'de> for RawRows {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawRows, D::Error> {
        struct RowsVisitor;
        impl<'de> Visitor<'de> for RowsVisitor {
            type Value = RawRows;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of tables (rows) or a file name")
            }
            fn visit_str<E>(self, v: &str) -> Result<RawRows, E> {
                Ok(RawRows::File(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawRows, A::Error> {
                let mut rows = Vec::new();
                while let Some(row) = seq.next_element()? {
                    rows.push(row);
                }
                Ok(RawRows::Rows(rows))
            }
        }
        d.deserialize_any(RowsVisitor)
    }
}

/// Where a fixture's rows are, for engines that read files.
#[derive(Debug)]
pub enum Rows {
    File(PathBuf),
    /// Inline rows, each the JSON object of one JSONL line.
    Inline(Vec<Map<String, Value>>),
}

impl Rows {
    /// Inline rows as the text of a JSONL file; `None` for a file.
    pub fn jsonl(&self) -> Option<String> {
        match self {
            Rows::File(_) => None,
            Rows::Inline(rows) => Some(
                rows.iter()
                    .map(|r| format!("{}\n", Value::Object(r.clone())))
                    .collect(),
            ),
        }
    }
}

pub(super) struct Fixture {
    pub data: Dataset,
    pub users: Option<Rows>,
    pub events: Rows,
}

/// What a key of an inline row is.
#[derive(Clone, Copy)]
enum Field<'s> {
    UserId,
    EventName,
    Time(TimeFormat),
    /// A property or attribute; `nested` names the JSON column holding it.
    Value {
        ty: Type,
        nested: Option<&'s str>,
    },
}

enum Kind<'s> {
    Users(&'s UsersTable),
    Events,
}

struct Reader<'a> {
    file: FileId,
    dir: &'a Path,
    schema: &'a Schema,
    builder: DatasetBuilder,
    diags: &'a mut Vec<Diagnostic>,
}

/// Reads the fixture into a dataset; `None` when it has errors (in `diags`).
pub(super) fn read(
    file: FileId,
    users: Option<Spanned<RawRows>>,
    events: Option<Spanned<RawRows>>,
    dir: &Path,
    schema: &Schema,
    diags: &mut Vec<Diagnostic>,
) -> Option<Fixture> {
    let before = diags.len();
    let users_span = users.as_ref().map_or(Span::new(file, 0, 0), |u| {
        Span::new(file, u.span().start, u.span().end)
    });
    let mut r = Reader {
        file,
        dir,
        schema,
        builder: DatasetBuilder::new(schema, schema.users.is_some()),
        diags,
    };
    let users = match (&schema.users, users) {
        (None, None) => None,
        (Some(table), Some(raw)) => r.rows(raw, Kind::Users(table)),
        (None, Some(_)) => {
            r.diags.push(
                Diagnostic::new(Code::Schema, "segc.toml declares no [users] table")
                    .label(users_span, "users given here")
                    .help("without a users table the universe is the users with events: remove `users`, or declare [users] in segc.toml"),
            );
            None
        }
        (Some(_), None) => {
            r.diags.push(
                Diagnostic::new(Code::Schema, "this test gives no users")
                    .label(users_span, "no [[users]]")
                    .help("segc.toml declares a [users] table, which is the universe: add [[users]] rows (user_id = \"u1\" plus attributes), or users = \"users.csv\""),
            );
            None
        }
    };
    let events = match events {
        Some(raw) => r.rows(raw, Kind::Events),
        None => Some(Rows::Inline(Vec::new())),
    };
    let builder = r.builder;
    if diags.len() > before {
        return None;
    }
    match builder.finish() {
        Ok(data) => Some(Fixture {
            data,
            users,
            events: events?,
        }),
        Err(message) => {
            diags.push(
                Diagnostic::new(Code::Schema, message)
                    .label(users_span, "in these users")
                    .help("each user appears once; give them all their attributes in one row"),
            );
            None
        }
    }
}

impl Reader<'_> {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    fn rows(&mut self, raw: Spanned<RawRows>, kind: Kind) -> Option<Rows> {
        let span = self.span(raw.span());
        match raw.into_inner() {
            RawRows::File(name) => {
                let path = self.dir.join(&name);
                let (schema, b, options) = (self.schema, &mut self.builder, ReadOptions::default());
                let result = match kind {
                    Kind::Users(_) => read_users(&path, schema, b, options),
                    Kind::Events => read_events(&path, schema, b, options),
                };
                match result {
                    Ok(_) => Some(Rows::File(path)),
                    Err(e) => {
                        self.diags.push(
                            Diagnostic::new(Code::Schema, format!("cannot read the fixture: {e}"))
                                .label(span, "this file")
                                .help("a fixture file is .csv, .jsonl or .parquet with the columns of segc.toml, its path relative to the test file"),
                        );
                        None
                    }
                }
            }
            RawRows::Rows(rows) => {
                let fields = fields(self.schema, &kind);
                let mut objects = Vec::with_capacity(rows.len());
                for row in rows {
                    let row_span = self.span(row.span());
                    let Some(object) = self.object(row.into_inner(), row_span, &fields, &kind)
                    else {
                        continue;
                    };
                    let added = match kind {
                        Kind::Users(table) => add_user_object(&object, table, &mut self.builder),
                        Kind::Events => add_event_object(&object, self.schema, &mut self.builder),
                    };
                    match added {
                        Ok(()) => objects.push(object),
                        Err(bad) => self.diags.push(
                            Diagnostic::new(Code::Schema, bad.to_string())
                                .label(row_span, "in this row")
                                .help("write the row as segc.toml types it"),
                        ),
                    }
                }
                Some(Rows::Inline(objects))
            }
        }
    }
}

/// The keys a row may have, columns first.
fn fields<'s>(schema: &'s Schema, kind: &Kind<'s>) -> Vec<(&'s str, Field<'s>)> {
    match kind {
        Kind::Users(table) => std::iter::once((table.user_id.as_str(), Field::UserId))
            .chain(table.attributes.iter().map(|(name, ty)| {
                let field = Field::Value {
                    ty: *ty,
                    nested: None,
                };
                (name.as_str(), field)
            }))
            .collect(),
        Kind::Events => {
            let ev = &schema.events;
            let nested = ev.properties_json.as_deref();
            [
                (ev.user_id.as_str(), Field::UserId),
                (ev.name.as_str(), Field::EventName),
                (ev.timestamp.as_str(), Field::Time(ev.timestamp_format)),
            ]
            .into_iter()
            .chain(
                ev.properties
                    .iter()
                    .map(|(name, ty)| (name.as_str(), Field::Value { ty: *ty, nested })),
            )
            .collect()
        }
    }
}

impl Reader<'_> {
    /// One row as a JSONL line would hold it; `None` after reporting errors.
    fn object(
        &mut self,
        row: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
        row_span: Span,
        fields: &[(&str, Field)],
        kind: &Kind,
    ) -> Option<Map<String, Value>> {
        let before = self.diags.len();
        let (mut top, mut nested) = (Map::new(), Map::new());
        let mut json_column = None;
        // The keys written, so that a bad value is not also a missing one.
        let written: Vec<String> = row.keys().map(|k| k.get_ref().clone()).collect();
        for (key, value) in row {
            let Some((_, field)) = fields.iter().find(|(k, _)| *k == key.get_ref()) else {
                let keys = fields.iter().map(|(k, _)| *k);
                let d =
                    Diagnostic::new(Code::Schema, format!("unknown column `{}`", key.get_ref()))
                        .label(self.span(key.span()), "not in segc.toml");
                self.diags.push(match suggest(key.get_ref(), keys.clone()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "the columns are: {}",
                        keys.collect::<Vec<_>>().join(", ")
                    )),
                });
                continue;
            };
            match self.value(key.get_ref(), *field, &value) {
                Ok(json) => match field {
                    Field::Value {
                        nested: Some(column),
                        ..
                    } => {
                        json_column = Some(*column);
                        nested.insert(key.into_inner(), json);
                    }
                    _ => {
                        top.insert(key.into_inner(), json);
                    }
                },
                Err(d) => self.diags.push(d),
            }
        }
        for (key, field) in fields {
            let required = matches!(field, Field::UserId | Field::EventName | Field::Time(_));
            if required && !written.iter().any(|w| w == key) {
                let what = match kind {
                    Kind::Users(_) => "user",
                    Kind::Events => "event",
                };
                self.diags.push(
                    Diagnostic::new(Code::Schema, format!("this {what} has no `{key}`"))
                        .label(row_span, format!("`{key}` missing"))
                        .help(format!(
                            "every {what} row has `{key}`, named as in segc.toml"
                        )),
                );
            }
        }
        if let Some(column) = json_column {
            top.insert(column.to_string(), Value::Object(nested));
        }
        (self.diags.len() == before).then_some(top)
    }

    /// A TOML value as JSON of the type segc.toml declares.
    fn value(
        &self,
        key: &str,
        field: Field,
        value: &Spanned<toml::Value>,
    ) -> Result<Value, Diagnostic> {
        let instant = |v| instant(v, self.file).map(|t| Value::String(Timestamp(t).to_string()));
        let (json, wanted, example) = match (field, value.get_ref()) {
            (Field::UserId | Field::EventName, toml::Value::String(s)) if !s.is_empty() => {
                return Ok(Value::String(s.clone()))
            }
            (Field::UserId, _) => (None, "a non-empty string", "\"u1\""),
            (Field::EventName, _) => (None, "a non-empty string", "\"purchase\""),
            (Field::Time(TimeFormat::Rfc3339), _)
            | (
                Field::Value {
                    ty: Type::Timestamp,
                    ..
                },
                _,
            ) => return instant(value),
            (Field::Time(_), toml::Value::Integer(n)) => (Some(Value::from(*n)), "", ""),
            (Field::Time(_), toml::Value::Float(n)) => (Some(Value::from(*n)), "", ""),
            (Field::Time(_), _) => (
                None,
                "a number (timestamp_format in segc.toml)",
                "1780272000",
            ),
            (Field::Value { ty, .. }, v) => match (ty, v) {
                (Type::String, toml::Value::String(s)) => (Some(Value::String(s.clone())), "", ""),
                (Type::Number, toml::Value::Integer(n)) => (Some(Value::from(*n as f64)), "", ""),
                (Type::Number, toml::Value::Float(n)) if n.is_finite() => {
                    (Some(Value::from(*n)), "", "")
                }
                (Type::Bool, toml::Value::Boolean(b)) => (Some(Value::Bool(*b)), "", ""),
                (Type::String, _) => (None, "a string", "\"ZA\""),
                (Type::Number, _) => (None, "a number", "12.5"),
                _ => (None, "a boolean", "true"),
            },
        };
        json.ok_or_else(|| {
            let span = value.span();
            Diagnostic::new(
                Code::Schema,
                format!("`{key}` is {wanted}, not {}", a_type(value.get_ref())),
            )
            .label(self.span(span), "here")
            .help(format!("write e.g. {key} = {example}"))
        })
    }
}

/// A TOML value's type with its article: "an integer", "a string".
pub(super) fn a_type(value: &toml::Value) -> String {
    let name = value.type_str();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}
