//! `segc.toml`: where the data lives and what types it has (spec §6).
//! Every error points into the TOML text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::suggest;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Type;
use crate::span::{FileId, Span};

/// The checked schema of a project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub events: EventsTable,
    pub users: Option<UsersTable>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventsTable {
    pub table: String,
    pub user_id: String,
    pub name: String,
    pub timestamp: String,
    /// A JSON column holding the properties; `None` when they are columns.
    pub properties_json: Option<String>,
    /// Known event names; `None` when the schema lists none.
    pub catalog: Option<Vec<String>>,
    /// How event files (`segc run`) write the timestamp column.
    pub timestamp_format: TimeFormat,
    pub properties: BTreeMap<String, Type>,
}

/// The encoding of timestamps in event files; warehouses use TIMESTAMP columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeFormat {
    /// RFC 3339 text, e.g. `2026-01-31T12:00:00Z`.
    #[default]
    Rfc3339,
    /// Seconds since the Unix epoch (a number, fractions allowed).
    EpochSeconds,
    /// Milliseconds since the Unix epoch.
    EpochMillis,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UsersTable {
    pub table: String,
    pub user_id: String,
    pub attributes: BTreeMap<String, Type>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    events: RawEvents,
    users: Option<RawUsers>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvents {
    table: String,
    #[serde(default = "default_user_id")]
    user_id: String,
    #[serde(default = "default_name")]
    name: String,
    #[serde(default = "default_timestamp")]
    timestamp: String,
    properties_json: Option<String>,
    catalog: Option<Vec<String>>,
    #[serde(default)]
    timestamp_format: TimeFormat,
    #[serde(default)]
    properties: BTreeMap<String, toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUsers {
    table: String,
    #[serde(default = "default_user_id")]
    user_id: String,
    #[serde(default)]
    attributes: BTreeMap<String, toml::Spanned<String>>,
}

fn default_user_id() -> String {
    "user_id".into()
}
fn default_name() -> String {
    "event".into()
}
fn default_timestamp() -> String {
    "ts".into()
}

const TYPE_NAMES: &[&str] = &["string", "number", "bool", "timestamp"];

/// Parses and checks `segc.toml`.
pub fn parse_schema(file: FileId, text: &str) -> Result<Schema, Vec<Diagnostic>> {
    let raw: RawSchema = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        vec![Diagnostic::new(Code::Schema, format!("segc.toml: {}", e.message().trim()))
            .label(Span::new(file, span.start, span.end), "here")
            .help("see the schema reference in docs/language.md: [events] needs `table`; types are string, number, bool or timestamp")]
    })?;
    let mut errors = Vec::new();
    let mut types = |declared: BTreeMap<String, toml::Spanned<String>>| -> BTreeMap<String, Type> {
        declared
            .into_iter()
            .filter_map(|(name, ty)| match ty.get_ref().as_str() {
                "string" => Some((name, Type::String)),
                "number" => Some((name, Type::Number)),
                "bool" => Some((name, Type::Bool)),
                "timestamp" => Some((name, Type::Timestamp)),
                other => {
                    let span = ty.span();
                    let mut d = Diagnostic::new(
                        Code::Schema,
                        format!("unknown type \"{other}\" for `{name}`"),
                    )
                    .label(Span::new(file, span.start, span.end), "not a type");
                    d = match suggest(other, TYPE_NAMES.iter().copied()) {
                        Some(s) => d.help(format!(
                            "did you mean \"{s}\"? Types are string, number, bool and timestamp"
                        )),
                        None => d.help("types are string, number, bool and timestamp"),
                    };
                    errors.push(d);
                    None
                }
            })
            .collect()
    };
    let events = EventsTable {
        table: raw.events.table,
        user_id: raw.events.user_id,
        name: raw.events.name,
        timestamp: raw.events.timestamp,
        properties_json: raw.events.properties_json,
        catalog: raw.events.catalog,
        timestamp_format: raw.events.timestamp_format,
        properties: types(raw.events.properties),
    };
    let users = raw.users.map(|u| UsersTable {
        table: u.table,
        user_id: u.user_id,
        attributes: types(u.attributes),
    });
    if errors.is_empty() {
        Ok(Schema { events, users })
    } else {
        Err(errors)
    }
}
