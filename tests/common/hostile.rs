//! Data files for the hostile-input tests (`tests/hostile_data.rs`,
//! `tests/hostile_parquet.rs`, `tests/fuzz_readers.rs`): the schema of
//! `tests/data/hostile`, reading a file's bytes as users or events, and
//! Parquet files written in the test.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use arrow_array::types::Decimal128Type;
use arrow_array::{
    ArrayRef, BooleanArray, Int64Array, PrimitiveArray, RecordBatch, StringArray,
    TimestampMicrosecondArray, TimestampMillisecondArray,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::file::properties::WriterProperties;
use segc::data::{
    read_events, read_users, Dataset, DatasetBuilder, ReadError, ReadOptions, ReadReport,
};
use segc::sema::schema::{parse_schema, Schema};

pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hostile");

/// The schema of `tests/data/hostile/segc.toml`.
pub fn schema() -> Schema {
    let text = std::fs::read_to_string(Path::new(DIR).join("segc.toml")).unwrap();
    parse_schema(0, &text).unwrap()
}

#[derive(Clone, Copy, Debug)]
pub enum Table {
    Users,
    Events,
}

/// A new scratch folder, its own even when tests run in parallel.
pub fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("segc-hostile-{}-{n}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Reads the file at `path` as `table` into a dataset of its own.
pub fn read_file(
    schema: &Schema,
    table: Table,
    path: &Path,
    skip_bad_rows: bool,
) -> Result<(ReadReport, Dataset), ReadError> {
    let mut b = DatasetBuilder::new(schema, matches!(table, Table::Users));
    let options = ReadOptions { skip_bad_rows };
    let report = match table {
        Table::Users => read_users(path, schema, &mut b, options),
        Table::Events => read_events(path, schema, &mut b, options),
    }?;
    let data = b.finish().map_err(|message| ReadError::File {
        file: path.display().to_string(),
        message,
    })?;
    Ok((report, data))
}

/// Writes `bytes` to `name` in a scratch folder and reads it as `table`
/// with the schema of `tests/data/hostile`.
pub fn read(
    table: Table,
    name: &str,
    bytes: &[u8],
    skip: bool,
) -> Result<(ReadReport, Dataset), ReadError> {
    read_with(&schema(), table, name, bytes, skip)
}

/// [`read`] with another schema.
pub fn read_with(
    schema: &Schema,
    table: Table,
    name: &str,
    bytes: &[u8],
    skip: bool,
) -> Result<(ReadReport, Dataset), ReadError> {
    let dir = scratch(&format!("{name}-{skip}"));
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    read_file(schema, table, &path, skip)
}

/// The error of a read that must fail.
pub fn error(table: Table, name: &str, bytes: &[u8], skip: bool) -> String {
    match read(table, name, bytes, skip) {
        Ok((report, _)) => panic!("{name} was read: {report:?}"),
        Err(e) => e.to_string(),
    }
}

/// Fails with both texts unless `part` is in `text`.
pub fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "expected {part:?} in:\n{text}");
}

/// The codecs writers use, each with a name for messages.
pub fn compressions() -> Vec<(&'static str, Compression)> {
    vec![
        ("uncompressed", Compression::UNCOMPRESSED),
        ("snappy", Compression::SNAPPY),
        ("zstd", Compression::ZSTD(ZstdLevel::default())),
        ("lz4", Compression::LZ4),
        ("lz4_raw", Compression::LZ4_RAW),
        ("gzip", Compression::GZIP(GzipLevel::default())),
    ]
}

/// A Parquet file of `columns`, two rows a row group.
pub fn parquet(columns: Vec<(&str, ArrayRef)>, compression: Compression) -> Vec<u8> {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let properties = WriterProperties::builder()
        .set_compression(compression)
        .set_max_row_group_size(2)
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), Some(properties)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    out
}

pub fn strings(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

/// The users of `users.csv` and one more, typed as a warehouse would.
pub fn users_parquet(compression: Compression) -> Vec<u8> {
    let ltv: PrimitiveArray<Decimal128Type> = vec![Some(1050), None, Some(-3)].into();
    let joined = TimestampMillisecondArray::from(vec![Some(1_735_689_600_000), None, Some(0)])
        .with_timezone("UTC");
    parquet(
        vec![
            ("user_id", strings(&[Some("u1"), Some("u2"), Some("u3")])),
            ("country", strings(&[Some("ZA"), None, Some("NG")])),
            ("joined", Arc::new(joined)),
            (
                "vip",
                Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])),
            ),
            (
                "ltv",
                Arc::new(ltv.with_precision_and_scale(10, 2).unwrap()),
            ),
        ],
        compression,
    )
}

/// Events with numeric user ids, a TIMESTAMP and a JSON column.
pub fn events_parquet(compression: Compression) -> Vec<u8> {
    let ts = TimestampMicrosecondArray::from(vec![
        1_780_099_200_000_000,
        1_780_099_200_123_456,
        1_780_099_201_000_000,
    ]);
    parquet(
        vec![
            ("user_id", Arc::new(Int64Array::from(vec![1, 2, 2]))),
            (
                "event",
                strings(&[Some("login"), Some("purchase"), Some("login")]),
            ),
            ("ts", Arc::new(ts)),
            (
                "properties",
                strings(&[
                    Some("{}"),
                    Some(r#"{"amount":12.5,"seen_at":"2026-05-29T23:00:00Z"}"#),
                    None,
                ]),
            ),
        ],
        compression,
    )
}
