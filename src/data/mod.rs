//! Event data in memory, laid out for the interpreter: users sorted by id,
//! each user's events contiguous and in time order, columns typed by
//! `segc.toml`, strings interned so that the interpreter never compares text.

pub mod generate;
mod read;

pub use read::{
    add_event_object, add_user_object, decoding_parquet, read_events, read_users, BadField, BadRow,
    Place, ReadError, ReadOptions, ReadReport,
};

use std::collections::HashMap;

use crate::ir::Type;
use crate::sema::schema::Schema;

/// One value of a property or attribute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    Missing,
    Num(f64),
    /// An id into [`Dataset::strings`].
    Str(u32),
    Bool(bool),
    /// Microseconds since the Unix epoch, UTC.
    Time(i64),
}

/// Strings, each stored once, by id.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
    pub strings: Vec<String>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }

    pub fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }
}

/// A value before it is typed: what a file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    Missing,
    Text(String),
    Number(f64),
    Bool(bool),
    /// Already a timestamp (microseconds).
    Time(i64),
}

impl Raw {
    /// A JSON value as read from JSONL or a JSON column: strings, numbers
    /// and booleans as they are; `null`, arrays and objects are missing.
    pub fn from_json(v: &serde_json::Value) -> Raw {
        match v {
            serde_json::Value::String(s) => Raw::Text(s.clone()),
            serde_json::Value::Number(n) => n.as_f64().map_or(Raw::Missing, Raw::Number),
            serde_json::Value::Bool(b) => Raw::Bool(*b),
            _ => Raw::Missing,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// Property and attribute strings.
    pub strings: Interner,
    pub event_names: Interner,
    /// User ids in byte order.
    pub users: Vec<String>,
    /// Whether the users come from a users table (the universe) or from the
    /// events (then the universe is the users with an event up to now).
    pub users_table: bool,
    /// Attribute columns (name, type, one value per user).
    pub attributes: Vec<(String, Type, Vec<Val>)>,
    /// Property columns (name, type, one value per event).
    pub properties: Vec<(String, Type, Vec<Val>)>,
    /// Events of user `i` are `offsets[i]..offsets[i + 1]`, in time order.
    pub offsets: Vec<usize>,
    pub event_name: Vec<u32>,
    pub event_time: Vec<i64>,
    /// Events whose user is not in the users table (outside the universe).
    pub orphan_events: usize,
}

/// Collects users and events in any order; [`DatasetBuilder::finish`] sorts.
pub struct DatasetBuilder {
    data: Dataset,
    users: Vec<(String, Vec<Val>)>,
    events: Vec<(String, u32, i64, Vec<Val>)>,
}

impl DatasetBuilder {
    pub fn new(schema: &Schema, users_table: bool) -> DatasetBuilder {
        let attributes = schema
            .users
            .iter()
            .flat_map(|u| u.attributes.iter())
            .map(|(n, t)| (n.clone(), *t, Vec::new()))
            .collect();
        let properties = schema
            .events
            .properties
            .iter()
            .map(|(n, t)| (n.clone(), *t, Vec::new()))
            .collect();
        DatasetBuilder {
            data: Dataset {
                users_table,
                attributes,
                properties,
                ..Dataset::default()
            },
            users: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Types a raw value as `ty`; a value of another type is missing (as in
    /// the SQL, where a JSON value of the wrong type is missing).
    pub fn value(&mut self, raw: Raw, ty: Type) -> Val {
        match (raw, ty) {
            (Raw::Text(s), Type::String) => Val::Str(self.data.strings.intern(&s)),
            (Raw::Number(n), Type::Number) => Val::Num(n),
            (Raw::Bool(b), Type::Bool) => Val::Bool(b),
            (Raw::Time(t), Type::Timestamp) => Val::Time(t),
            (Raw::Text(s), Type::Timestamp) => {
                crate::time::parse_timestamp(&s).map_or(Val::Missing, |t| Val::Time(t.0))
            }
            _ => Val::Missing,
        }
    }

    pub fn attribute_types(&self) -> Vec<(String, Type)> {
        self.data
            .attributes
            .iter()
            .map(|(n, t, _)| (n.clone(), *t))
            .collect()
    }

    pub fn property_types(&self) -> Vec<(String, Type)> {
        self.data
            .properties
            .iter()
            .map(|(n, t, _)| (n.clone(), *t))
            .collect()
    }

    /// A user with attribute values in the order of [`Self::attribute_types`].
    pub fn add_user(&mut self, id: String, attributes: Vec<Val>) {
        self.users.push((id, attributes));
    }

    /// An event with property values in the order of [`Self::property_types`].
    pub fn add_event(&mut self, user: String, name: &str, time: i64, properties: Vec<Val>) {
        let name = self.data.event_names.intern(name);
        self.events.push((user, name, time, properties));
    }

    /// Sorts users by id and events by user and time. A user id given twice
    /// in the users table is an error.
    pub fn finish(mut self) -> Result<Dataset, String> {
        let mut data = self.data;
        if data.users_table {
            self.users.sort_by(|a, b| a.0.cmp(&b.0));
            if let Some(w) = self.users.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(format!(
                    "user {:?} appears twice in the users table",
                    w[0].0
                ));
            }
        } else {
            let mut ids: Vec<String> = self.events.iter().map(|e| e.0.clone()).collect();
            ids.sort();
            ids.dedup();
            self.users = ids
                .into_iter()
                .map(|id| (id, vec![Val::Missing; data.attributes.len()]))
                .collect();
        }
        for (_, attrs) in &self.users {
            for (column, value) in data.attributes.iter_mut().zip(attrs) {
                column.2.push(*value);
            }
        }
        data.users = self.users.into_iter().map(|(id, _)| id).collect();
        let index: HashMap<&str, u32> = data
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.as_str(), i as u32))
            .collect();
        let mut events: Vec<(u32, u32, i64, Vec<Val>)> = Vec::with_capacity(self.events.len());
        for (user, name, time, props) in self.events {
            match index.get(user.as_str()) {
                Some(&u) => events.push((u, name, time, props)),
                None => data.orphan_events += 1,
            }
        }
        events.sort_by_key(|e| (e.0, e.2));
        data.offsets = Vec::with_capacity(data.users.len() + 1);
        data.offsets.push(0);
        let mut user = 0;
        for (i, e) in events.iter().enumerate() {
            while user < e.0 {
                data.offsets.push(i);
                user += 1;
            }
        }
        while data.offsets.len() < data.users.len() + 1 {
            data.offsets.push(events.len());
        }
        for (_, name, time, props) in events {
            data.event_name.push(name);
            data.event_time.push(time);
            for (column, value) in data.properties.iter_mut().zip(props) {
                column.2.push(value);
            }
        }
        Ok(data)
    }
}

impl Dataset {
    pub fn events(&self) -> usize {
        self.event_time.len()
    }
}
