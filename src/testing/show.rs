//! What the fixture says about one user, for a failing test: their
//! attributes and their events in time order, so the author sees why the
//! user is in or out without opening the fixture.

use crate::data::{Dataset, Val};
use crate::time::Timestamp;

/// One user's attributes (`name=value`, missing ones left out) and events
/// (`time name property=value ...`), in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct UserFacts {
    pub attributes: Vec<String>,
    pub events: Vec<String>,
}

/// The facts of `user`; `None` when the fixture does not have them.
pub fn user_facts(data: &Dataset, user: &str) -> Option<UserFacts> {
    let i = data.users.binary_search_by(|u| u.as_str().cmp(user)).ok()?;
    let pairs = |columns: &[(String, crate::ir::Type, Vec<Val>)], row: usize| -> Vec<String> {
        columns
            .iter()
            .filter_map(|(name, _, values)| {
                value_text(data, values[row]).map(|text| format!("{name}={text}"))
            })
            .collect()
    };
    let attributes = pairs(&data.attributes, i);
    let events = (data.offsets[i]..data.offsets[i + 1])
        .map(|e| {
            let name = &data.event_names.strings[data.event_name[e] as usize];
            std::iter::once(format!("{} {name}", Timestamp(data.event_time[e])))
                .chain(pairs(&data.properties, e))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    Some(UserFacts { attributes, events })
}

/// A value as written in Seg: strings quoted, missing as nothing.
fn value_text(data: &Dataset, value: Val) -> Option<String> {
    match value {
        Val::Missing => None,
        Val::Num(n) => Some(n.to_string()),
        Val::Str(s) => {
            Some(serde_json::Value::String(data.strings.strings[s as usize].clone()).to_string())
        }
        Val::Bool(b) => Some(b.to_string()),
        Val::Time(t) => Some(Timestamp(t).to_string()),
    }
}
