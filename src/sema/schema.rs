//! `segc.toml`: where the data lives and what types it has (spec §6).
//! Every error points into the TOML text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::suggest;
use crate::calendar::{Settings, WeekStart};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Type;
use crate::span::{FileId, Span};

/// The checked schema of a project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub events: EventsTable,
    pub users: Option<UsersTable>,
    /// `[settings]`: the time zone and week start of calendar periods.
    #[serde(default)]
    pub settings: Settings,
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
    /// The timestamp attribute holding when a user was created: users
    /// created after `now` are not in the universe (spec §5).
    #[serde(default)]
    pub created_at: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    events: RawEvents,
    users: Option<RawUsers>,
    settings: Option<RawSettings>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    time_zone: Option<Name>,
    week_starts_on: Option<Name>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvents {
    table: Name,
    #[serde(default = "default_user_id")]
    user_id: Name,
    #[serde(default = "default_name")]
    name: Name,
    #[serde(default = "default_timestamp")]
    timestamp: Name,
    properties_json: Option<Name>,
    catalog: Option<Vec<String>>,
    #[serde(default)]
    timestamp_format: TimeFormat,
    #[serde(default)]
    properties: BTreeMap<String, toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUsers {
    table: Name,
    #[serde(default = "default_user_id")]
    user_id: Name,
    #[serde(default)]
    attributes: BTreeMap<String, toml::Spanned<String>>,
    created_at: Option<Name>,
}

/// A table or column name, with its place in the TOML text.
type Name = toml::Spanned<String>;

fn default_name_of(name: &str) -> Name {
    toml::Spanned::new(0..0, name.into())
}
fn default_user_id() -> Name {
    default_name_of("user_id")
}
fn default_name() -> Name {
    default_name_of("event")
}
fn default_timestamp() -> Name {
    default_name_of("ts")
}

/// Why `name` cannot name a table, column, property or attribute, if it
/// cannot: names reach SQL as quoted identifiers and JSON keys, so they must
/// be visible text ([`crate::chars::spelled_out_in_sql`] refuses the rest:
/// control characters such as NUL or a line break, bidirectional controls).
fn bad_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".into());
    }
    if name.len() > MAX_NAME_BYTES {
        return Some(format!(
            "is {} bytes long; PostgreSQL cuts names at {MAX_NAME_BYTES}",
            name.len()
        ));
    }
    name.chars()
        .find(|c| crate::chars::spelled_out_in_sql(*c))
        .map(|c| {
            format!(
                "holds the invisible character {}",
                crate::chars::code_point(c)
            )
        })
}

fn name_error(
    file: FileId,
    what: &str,
    name: &str,
    span: std::ops::Range<usize>,
) -> Option<Diagnostic> {
    let why = bad_name(name)?;
    Some(
        Diagnostic::new(Code::Schema, format!("the {what} name {name:?} {why}"))
            .label(Span::new(file, span.start, span.end), "declared here")
            .help("names are visible text of 1 to 63 bytes, without control characters"),
    )
}

/// PostgreSQL's identifier limit (NAMEDATALEN - 1): a longer name is cut,
/// and two long names may become one.
const MAX_NAME_BYTES: usize = 63;

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
    let mut name = |what: &str, name: Name| -> String {
        let span = name.span();
        let name = name.into_inner();
        let parts: Vec<&str> = match what.ends_with("table") {
            true => name.split('.').collect(),
            false => vec![&name],
        };
        errors.extend(
            parts
                .into_iter()
                .filter_map(|part| name_error(file, what, part, span.clone())),
        );
        name
    };
    let table = name("events table", raw.events.table);
    let user_id = name("user id column", raw.events.user_id);
    let event_name = name("event name column", raw.events.name);
    let timestamp = name("timestamp column", raw.events.timestamp);
    let properties_json = raw
        .events
        .properties_json
        .map(|n| name("properties column", n));
    let users_names = raw.users.map(|u| {
        (
            name("users table", u.table),
            name("user id column", u.user_id),
            u.attributes,
            u.created_at,
        )
    });
    let mut types =
        |what: &str, declared: BTreeMap<String, toml::Spanned<String>>| -> BTreeMap<String, Type> {
            errors.extend(
                declared
                    .iter()
                    .filter_map(|(name, ty)| name_error(file, what, name, ty.span())),
            );
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
    let properties = types("property", raw.events.properties);
    let users_names = users_names.map(|(table, user_id, attributes, created_at)| {
        (table, user_id, types("attribute", attributes), created_at)
    });
    let events = EventsTable {
        table,
        user_id,
        name: event_name,
        timestamp,
        properties_json,
        catalog: raw.events.catalog,
        timestamp_format: raw.events.timestamp_format,
        properties,
    };
    let users = users_names.map(|(table, user_id, attributes, created_at)| {
        let created_at = created_at.map(|name| {
            let span = name.span();
            let name = name.into_inner();
            if attributes.get(&name) != Some(&Type::Timestamp) {
                let what = match attributes.get(&name) {
                    Some(ty) => format!("a {} attribute", ty.name()),
                    None => "not a declared attribute".to_string(),
                };
                errors.push(
                    Diagnostic::new(
                        Code::Schema,
                        format!("`created_at` names `{name}`, which is {what}"),
                    )
                    .label(Span::new(file, span.start, span.end), "here")
                    .help(format!(
                        "declare it as a timestamp under [users.attributes]: {name} = \"timestamp\""
                    )),
                );
            }
            name
        });
        UsersTable {
            table,
            user_id,
            attributes,
            created_at,
        }
    });
    let settings = settings(file, raw.settings, &mut errors);
    if errors.is_empty() {
        Ok(Schema {
            events,
            users,
            settings,
        })
    } else {
        Err(errors)
    }
}

/// `[settings]`, checked: the time zone must be named exactly as in the tz
/// database (an engine may accept other spellings, another may not).
fn settings(file: FileId, raw: Option<RawSettings>, errors: &mut Vec<Diagnostic>) -> Settings {
    let mut settings = Settings::default();
    let Some(raw) = raw else {
        return settings;
    };
    if let Some(zone) = raw.time_zone {
        let span = zone.span();
        let name = zone.into_inner();
        let names = crate::calendar::zone_names();
        if names.contains(&name) {
            settings.time_zone = name;
        } else {
            let mut d = Diagnostic::new(
                Code::UnknownTimeZone,
                format!("unknown time zone \"{name}\""),
            )
            .label(
                Span::new(file, span.start, span.end),
                "not in the tz database",
            );
            let near = names
                .iter()
                .map(String::as_str)
                .find(|n| n.eq_ignore_ascii_case(&name))
                .or_else(|| suggest(&name, names.iter().map(String::as_str)));
            d = match near {
                Some(s) => d.help(format!(
                    "did you mean \"{s}\"? Time zones are IANA names, spelled as in the tz database"
                )),
                None => d.help("time zones are IANA names such as \"Europe/Berlin\" or \"UTC\""),
            };
            errors.push(d);
        }
    }
    if let Some(week) = raw.week_starts_on {
        let span = week.span();
        match week.get_ref().as_str() {
            "monday" => settings.week_starts_on = WeekStart::Monday,
            "sunday" => settings.week_starts_on = WeekStart::Sunday,
            other => errors.push(
                Diagnostic::new(
                    Code::BadWeekStart,
                    format!("a week cannot start on \"{other}\""),
                )
                .label(Span::new(file, span.start, span.end), "here")
                .help("write week_starts_on = \"monday\" or \"sunday\" (lowercase)"),
            ),
        }
    }
    settings
}
