//! JSONL files: one JSON object a line; blank lines are ignored.
//!
//! Lines are read as bytes and checked for UTF-8 one at a time, so that
//! invalid UTF-8 is a bad row with its line number (skippable like any
//! other) rather than an I/O error that ends the read.

use std::io::{BufRead, BufReader, Read};

use serde_json::Value;

use super::row::{json_row, Layout};
use super::{json, Place, ReadError, Rows};

pub(super) fn read(input: impl Read, layout: &Layout, rows: &mut Rows) -> Result<(), ReadError> {
    let mut reader = BufReader::new(input);
    let mut bytes = Vec::new();
    let mut line = 0;
    loop {
        bytes.clear();
        let n = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|e| rows.io_error(e))?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        let text = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let row = match std::str::from_utf8(text) {
            Err(e) => Err((
                String::new(),
                format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1),
            )),
            Ok(text) => match json::parse(text) {
                Ok(Value::Object(object)) => json_row(layout, rows.b, &object),
                Ok(_) => Err((String::new(), "a line must be one JSON object".into())),
                Err(e) => Err((String::new(), e.to_string())),
            },
        };
        rows.accept(Place::Line(line), row)?;
    }
}
