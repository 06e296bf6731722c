//! Parquet files, read through the parquet crate's arrow reader, which
//! returns errors where its record API panics.
//!
//! Only the columns a layout needs are decoded, so an unused column of a
//! type segc does not read is never touched. Each needed column has its own
//! reader per row group, so that a decoding error names its row group and
//! column. A file that cannot be decoded is an error of the whole file, even
//! when bad rows are skipped: a reader is never asked again after an error.

use std::cell::Cell;
use std::fmt::Display;
use std::fs::File;
use std::panic::{catch_unwind, AssertUnwindSafe};

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type, UInt64Type};
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use serde_json::{Map, Number, Value};

use super::row::{json_row, Columns, Layout};
use super::{Place, ReadError, Rows};
use crate::time::{Timestamp, MICROS_PER_SECOND, SECONDS_PER_DAY};

/// Rows decoded at a time, per column.
const BATCH: usize = 4096;

/// How the values of a column become the JSON values a JSONL line would
/// hold, so that [`json_row`] types them as it types JSONL.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Text,
    /// Bytes that must be UTF-8 text.
    Binary,
    Int,
    UInt,
    Float,
    Bool,
    /// Days since the epoch, as the instant the day starts.
    Date,
    /// An instant in a unit since the epoch, with or without the UTC flag:
    /// both are read as UTC, as DuckDB does with `TimeZone = 'UTC'`.
    Timestamp(TimeUnit),
    /// Read as its exact digits: a whole DECIMAL user id keeps them, and a
    /// number is parsed from them, correctly rounded.
    Decimal {
        scale: i8,
    },
}

impl Kind {
    /// The kind of an arrow type as the reader gives it, `None` for types
    /// segc does not read (lists, structs, intervals, times of day…).
    fn of(t: &DataType) -> Option<Kind> {
        use DataType as T;
        Some(match t {
            T::Utf8 | T::LargeUtf8 | T::Utf8View | T::Null => Kind::Text,
            T::Binary | T::LargeBinary | T::BinaryView => Kind::Binary,
            T::Int8 | T::Int16 | T::Int32 | T::Int64 => Kind::Int,
            T::UInt8 | T::UInt16 | T::UInt32 | T::UInt64 => Kind::UInt,
            T::Float16 | T::Float32 | T::Float64 => Kind::Float,
            T::Boolean => Kind::Bool,
            T::Date32 => Kind::Date,
            T::Timestamp(unit, _) => Kind::Timestamp(*unit),
            T::Decimal32(_, s) | T::Decimal64(_, s) | T::Decimal128(_, s) | T::Decimal256(_, s) => {
                Kind::Decimal { scale: *s }
            }
            _ => return None,
        })
    }

    /// The array type the values are taken from (an exact cast).
    fn target(self) -> DataType {
        match self {
            Kind::Text | Kind::Decimal { .. } => DataType::Utf8,
            Kind::Binary => DataType::Binary,
            Kind::Int | Kind::Timestamp(_) => DataType::Int64,
            Kind::UInt => DataType::UInt64,
            Kind::Float => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::Date => DataType::Date32,
        }
    }

    /// Value `i` of `array` (cast to [`Kind::target`]); `id` when the column
    /// is the user id.
    fn value(self, array: &ArrayRef, i: usize, id: bool) -> Result<Value, String> {
        if array.is_null(i) {
            return Ok(Value::Null);
        }
        let instant = |micros: Option<i64>, what: String| {
            micros
                .ok_or(())
                .and_then(|m| Timestamp::checked(m).map_err(|_| ()))
                .map(|t| Value::String(t.to_string()))
                .map_err(|()| format!("{what} is outside years 0001 to 9999"))
        };
        Ok(match self {
            Kind::Text => Value::String(array.as_string::<i32>().value(i).to_string()),
            Kind::Binary => match std::str::from_utf8(array.as_binary::<i32>().value(i)) {
                Ok(s) => Value::String(s.to_string()),
                Err(_) => return Err("binary data that is not UTF-8 text".into()),
            },
            Kind::Int => Value::from(array.as_primitive::<Int64Type>().value(i)),
            Kind::UInt => Value::from(array.as_primitive::<UInt64Type>().value(i)),
            Kind::Float => {
                let f = array.as_primitive::<Float64Type>().value(i);
                Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| format!("{f} is not a finite number"))?
            }
            Kind::Bool => Value::Bool(array.as_boolean().value(i)),
            Kind::Date => {
                let days = array.as_primitive::<Date32Type>().value(i);
                let micros = i64::from(days).checked_mul(SECONDS_PER_DAY * MICROS_PER_SECOND);
                instant(micros, format!("DATE {days} days since 1970-01-01"))?
            }
            Kind::Timestamp(unit) => {
                let n = array.as_primitive::<Int64Type>().value(i);
                let (micros, unit) = match unit {
                    TimeUnit::Second => (n.checked_mul(MICROS_PER_SECOND), "seconds"),
                    TimeUnit::Millisecond => (n.checked_mul(1000), "milliseconds"),
                    TimeUnit::Microsecond => (Some(n), "microseconds"),
                    TimeUnit::Nanosecond => (Some(n.div_euclid(1000)), "nanoseconds"),
                };
                instant(micros, format!("TIMESTAMP {n} {unit} since the epoch"))?
            }
            Kind::Decimal { scale } => {
                let digits = array.as_string::<i32>().value(i);
                if id && scale == 0 {
                    Value::String(digits.to_string())
                } else {
                    let n: f64 = digits
                        .parse()
                        .map_err(|_| format!("DECIMAL {digits} is not a number"))?;
                    Number::from_f64(n)
                        .map(Value::Number)
                        .ok_or_else(|| format!("DECIMAL {digits} is too large"))?
                }
            }
        })
    }
}

thread_local! {
    /// Set while this thread is inside [`decode`].
    static DECODING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is inside a call into the Parquet decoder, whose
/// panics the readers catch and report as an error of the file. A program's
/// panic hook can stay silent for those: the hook is the program's to set,
/// not this library's.
pub fn decoding_parquet() -> bool {
    DECODING.with(Cell::get)
}

/// Runs a call into the parquet crate. Its decoders still panic on some
/// corrupt input (its metadata decoder unwraps a missing required field)
/// rather than return an error; such a panic becomes an error of this file.
fn decode<T, E: Display>(f: impl FnOnce() -> Result<T, E>) -> Result<T, String> {
    DECODING.with(|d| d.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    DECODING.with(|d| d.set(false));
    match result {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(_) => Err("the Parquet decoder failed on corrupt data".into()),
    }
}

pub(super) fn read(file: &File, layout: &Layout, rows: &mut Rows) -> Result<(), ReadError> {
    let options = ArrowReaderOptions::new().with_skip_arrow_metadata(true);
    let metadata = decode(|| ArrowReaderMetadata::load(file, options))
        .map_err(|e| rows.file_error(format!("not a Parquet file segc can read: {e}")))?;
    let schema = metadata.schema().clone();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let columns = Columns::find(layout, &names, "the file", rows.file)?;
    let mut needed = Vec::new();
    for i in columns.all() {
        let field = schema.field(i);
        let Some(kind) = Kind::of(field.data_type()) else {
            return Err(rows.file_error(format!(
                "column `{}` has the Parquet type {}, which segc does not read: store it as text, an integer, a float, a boolean, a DATE, a TIMESTAMP or a DECIMAL",
                field.name(),
                field.data_type()
            )));
        };
        needed.push((i, kind));
    }
    let parquet_schema = metadata.metadata().file_metadata().schema_descr_ptr();
    let mut row = 0;
    for group in 0..metadata.metadata().num_row_groups() {
        let at = |i: usize| format!("row group {group}, column `{}`", names[i]);
        let mut readers = Vec::with_capacity(needed.len());
        for &(i, _) in &needed {
            let input = file.try_clone().map_err(|e| rows.io_error(e))?;
            let reader = decode(|| {
                ParquetRecordBatchReaderBuilder::new_with_metadata(input, metadata.clone())
                    .with_row_groups(vec![group])
                    .with_projection(ProjectionMask::roots(&parquet_schema, [i]))
                    .with_batch_size(BATCH)
                    .build()
            })
            .map_err(|e| rows.file_error(format!("{}: cannot decode: {e}", at(i))))?;
            readers.push(reader);
        }
        loop {
            let mut arrays = Vec::with_capacity(needed.len());
            for (reader, &(i, kind)) in readers.iter_mut().zip(&needed) {
                let array = decode(|| {
                    reader
                        .next()
                        .map(|batch| arrow_cast::cast(batch?.column(0), &kind.target()))
                        .transpose()
                })
                .map_err(|e| rows.file_error(format!("{}: cannot decode: {e}", at(i))))?;
                arrays.push(array);
            }
            let lengths: Vec<usize> = arrays
                .iter()
                .map(|a| a.as_ref().map_or(0, |a| a.len()))
                .collect();
            if lengths.iter().all(|n| *n == 0) {
                break;
            }
            if let Some(k) = lengths.iter().position(|n| *n != lengths[0]) {
                return Err(rows.file_error(format!(
                    "row group {group}: columns `{}` and `{}` have different numbers of rows",
                    names[needed[0].0], names[needed[k].0]
                )));
            }
            let arrays: Vec<ArrayRef> = arrays.into_iter().flatten().collect();
            for r in 0..lengths[0] {
                row += 1;
                let object = needed
                    .iter()
                    .zip(&arrays)
                    .map(|(&(i, kind), array)| {
                        let name = names[i].to_string();
                        match kind.value(array, r, i == columns.id) {
                            Ok(v) => Ok((name, v)),
                            Err(m) => Err((name, m)),
                        }
                    })
                    .collect::<Result<Map<String, Value>, _>>();
                let parsed = object.and_then(|o| json_row(layout, rows.b, &o));
                rows.accept(Place::Row { row, group }, parsed)?;
            }
        }
    }
    Ok(())
}
