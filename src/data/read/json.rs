//! JSON read strictly: a key given twice in one object is an error.
//!
//! serde_json's `Value` keeps the last of two equal keys and DuckDB keeps
//! the first, so the interpreter and the SQL would read different rows from
//! the same line. Neither is what the writer meant; the row is refused.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why JSON text was refused.
#[derive(Debug)]
pub(super) enum JsonError {
    /// Not JSON at all.
    Syntax(String),
    /// JSON, but with a key twice in one object.
    Duplicate(String),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Syntax(m) => write!(f, "not JSON: {m}"),
            JsonError::Duplicate(m) => f.write_str(m),
        }
    }
}

/// Parses JSON text, refusing duplicate keys at any depth. The message
/// names the byte where parsing stopped, counted within `text` (a line or a
/// cell), not serde_json's line and column of a one-line document.
pub(super) fn parse(text: &str) -> Result<Value, JsonError> {
    serde_json::from_str::<Strict>(text)
        .map(|s| s.0)
        .map_err(|e| {
            let full = e.to_string();
            let message = full
                .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
                .unwrap_or(&full);
            let message = format!("{message} (byte {})", e.column());
            match e.classify() {
                serde_json::error::Category::Data => JsonError::Duplicate(message),
                _ => JsonError::Syntax(message),
            }
        })
}

/// A JSON value built like serde_json's own, but for duplicate keys.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        // serde_json never gives a non-finite float (it refuses 1e400).
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key {key:?} appears twice in one object"
                )));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        let e = parse(r#"{"user_id":1,"user_id":2}"#)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("the key \"user_id\" appears twice"), "{e}");
        assert!(parse(r#"{"p":{"a":1,"a":1}}"#).is_err());
        assert!(parse(r#"[{"a":1},{"a":2}]"#).is_ok());
        let e = parse("{\"a\":").unwrap_err().to_string();
        assert!(e.starts_with("not JSON: EOF while parsing"), "{e}");
    }

    #[test]
    fn numbers_keep_their_kind() {
        let v = parse(r#"[18446744073709551615, -9223372036854775808, 18446744073709551616, 1e3]"#)
            .unwrap();
        let n: Vec<bool> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_number().unwrap().is_f64())
            .collect();
        assert_eq!(n, [false, false, true, true]);
    }
}
