//! CSV files: a header row naming the columns, then one record a row.

use std::io::Read;

use super::row::{csv_row, Columns, Layout};
use super::{Place, ReadError, Rows};

pub(super) fn read(input: impl Read, layout: &Layout, rows: &mut Rows) -> Result<(), ReadError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let header = reader
        .headers()
        .map_err(|e| rows.file_error(format!("the header: {e}")))?
        .clone();
    let names: Vec<&str> = header.iter().collect();
    let columns = Columns::find(layout, &names, "the header", rows.file)?;
    for record in reader.records() {
        let line = |p: Option<&csv::Position>| Place::Line(p.map_or(0, |p| p.line()));
        let (at, row) = match record {
            Ok(record) => {
                let cell = |i: usize| record.get(i).unwrap_or("");
                (
                    line(record.position()),
                    csv_row(layout, rows.b, &columns, &cell),
                )
            }
            Err(e) => {
                let at = line(e.position());
                let text = e.to_string();
                match e.into_kind() {
                    // The reader would meet the same failure again: the
                    // whole file fails, even when skipping bad rows.
                    csv::ErrorKind::Io(e) => return Err(rows.io_error(e)),
                    csv::ErrorKind::Utf8 { err, .. } => {
                        let column = names.get(err.field()).copied().unwrap_or_default();
                        let message = format!(
                            "invalid UTF-8 at byte {} of the value",
                            err.valid_up_to() + 1
                        );
                        (at, Err((column.to_string(), message)))
                    }
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        let message =
                            format!("{len} values where the header has {expected_len} columns");
                        (at, Err((String::new(), message)))
                    }
                    _ => (at, Err((String::new(), text))),
                }
            }
        };
        rows.accept(at, row)?;
    }
    Ok(())
}
