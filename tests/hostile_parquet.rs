//! Hostile Parquet files (issue 11): codecs segc could not decode (which
//! looped forever under `--skip-bad-rows`), corrupt pages and footers (which
//! panicked inside the parquet crate), missing columns read as missing,
//! dates that wrapped around. Each is now rows read exactly or a clear
//! error naming the file, row group and column.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arrow_array::types::Decimal128Type;
use arrow_array::{
    ArrayRef, Date32Array, Float64Array, Int64Array, ListArray, PrimitiveArray,
    TimestampMillisecondArray, TimestampNanosecondArray,
};
use common::hostile::{
    assert_contains, compressions, error, events_parquet, parquet, read, read_file, schema,
    scratch, strings, users_parquet, Table, DIR,
};
use parquet::basic::Compression;
use segc::data::Val;

/// A corrupt or undecodable Parquet file once looped forever under
/// `--skip-bad-rows` (each `next()` gave the same error) or panicked.
#[test]
fn an_undecodable_parquet_file_fails_whole_and_fast() {
    for (name, compression) in compressions() {
        let mut file = events_parquet(compression);
        // Damage the first data page, past the magic number and the page
        // header, leaving the footer intact.
        for byte in &mut file[20..60] {
            *byte ^= 0x5A;
        }
        for skip in [false, true] {
            let file = file.clone();
            let e = watchdog(move || error(Table::Events, "events.parquet", &file, skip));
            assert_contains(
                &e,
                "events.parquet: row group 0, column `user_id`: cannot decode: ",
            );
            assert!(!e.contains("every row is bad"), "{name}: {e}");
        }
    }
}

/// Runs `f` on a thread and fails the test if it does not end in 10 s.
fn watchdog<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(f()));
    receive
        .recv_timeout(Duration::from_secs(10))
        .expect("the read did not end within 10 s")
}

/// Every codec a warehouse writes reads to the same users and events.
#[test]
fn parquet_reads_every_compression() {
    let expected_users = read_file(
        &schema(),
        Table::Users,
        &users_parquet_path(Compression::UNCOMPRESSED),
        false,
    )
    .unwrap()
    .1;
    for (name, compression) in compressions() {
        let (report, users) = read(
            Table::Users,
            "users.parquet",
            &users_parquet(compression),
            false,
        )
        .unwrap();
        assert_eq!(report.rows, 3, "{name}");
        assert_eq!(users.users, expected_users.users, "{name}");
        assert_eq!(users.attributes, expected_users.attributes, "{name}");
        let (report, events) = read(
            Table::Events,
            "events.parquet",
            &events_parquet(compression),
            false,
        )
        .unwrap();
        assert_eq!(report.rows, 3, "{name}");
        assert_eq!(events.users, ["1", "2"], "{name}");
        assert_eq!(
            events.event_time,
            [
                1_780_099_200_000_000,
                1_780_099_200_123_456,
                1_780_099_201_000_000
            ],
            "{name}"
        );
        let amount = &events.properties[0].2;
        assert_eq!(amount[1], Val::Num(12.5), "{name}");
    }
    let (_, users) = (expected_users.users.clone(), &expected_users);
    assert_eq!(users.users, ["u1", "u2", "u3"]);
    let column = |name: &str| &users.attributes.iter().find(|a| a.0 == name).unwrap().2;
    assert_eq!(
        column("ltv"),
        &[Val::Num(10.5), Val::Missing, Val::Num(-0.03)]
    );
    assert_eq!(
        column("vip"),
        &[Val::Bool(true), Val::Missing, Val::Bool(false)]
    );
    assert_eq!(
        column("joined"),
        &[Val::Time(1_735_689_600_000_000), Val::Missing, Val::Time(0)]
    );
}

fn users_parquet_path(compression: Compression) -> PathBuf {
    let path = scratch("users-parquet").join("users.parquet");
    std::fs::write(&path, users_parquet(compression)).unwrap();
    path
}

/// TIMESTAMP in every unit, with and without the UTC flag, DATE, DECIMAL,
/// unsigned and float columns; an unused column of a type segc does not
/// read is never decoded, a used one is a clear error.
#[test]
fn parquet_types_decode_exactly() {
    let users = |joined: ArrayRef, ltv: ArrayRef, extra: Vec<(&'static str, ArrayRef)>| {
        let mut columns = vec![
            ("user_id", strings(&[Some("a"), Some("b")])),
            ("country", strings(&[None, None])),
            ("joined", joined),
            ("vip", strings(&[None, None])),
            ("ltv", ltv),
        ];
        columns.extend(extra);
        parquet(columns, Compression::SNAPPY)
    };
    let ltv = || -> ArrayRef { Arc::new(Float64Array::from(vec![1.5, -2.0])) };
    // Parquet has no TIMESTAMP in seconds: milliseconds, microseconds (in
    // `users_parquet`) and nanoseconds, flagged UTC or not, and DATE.
    let instants = [1_780_099_200_123_456, -86_400_000_000];
    let joined: Vec<ArrayRef> = vec![
        Arc::new(TimestampMillisecondArray::from(vec![
            1_780_099_200_123,
            -86_400_000,
        ])),
        Arc::new(
            TimestampNanosecondArray::from(vec![1_780_099_200_123_456_789, -86_400_000_000_000])
                .with_timezone("+02:00"),
        ),
        Arc::new(Date32Array::from(vec![20_603, -1])),
    ];
    let expected: [[i64; 2]; 3] = [
        [1_780_099_200_123_000, instants[1]],
        [instants[0], instants[1]],
        [20_603 * 86_400_000_000, instants[1]],
    ];
    for (joined, expected) in joined.into_iter().zip(expected) {
        let file = users(joined.clone(), ltv(), vec![]);
        let (_, data) = read(Table::Users, "users.parquet", &file, false).unwrap();
        let column = &data.attributes.iter().find(|a| a.0 == "joined").unwrap().2;
        assert_eq!(column, &expected.map(Val::Time), "{:?}", joined.data_type());
    }
    let decimal: PrimitiveArray<Decimal128Type> = vec![Some(123_456_789), Some(-1)].into();
    let decimal = Arc::new(decimal.with_precision_and_scale(38, 6).unwrap());
    let unused: Vec<(&str, ArrayRef)> = vec![
        (
            "nanos",
            Arc::new(TimestampNanosecondArray::from(vec![i64::MAX, i64::MIN])),
        ),
        (
            "tags",
            Arc::new(ListArray::from_iter_primitive::<
                arrow_array::types::Int32Type,
                _,
                _,
            >(vec![Some(vec![Some(1)]), None])),
        ),
    ];
    let file = users(Arc::new(Date32Array::from(vec![0, 0])), decimal, unused);
    let (_, data) = read(Table::Users, "users.parquet", &file, false).unwrap();
    let column = &data.attributes.iter().find(|a| a.0 == "ltv").unwrap().2;
    assert_eq!(column, &[Val::Num(123.456789), Val::Num(-0.000001)]);

    let list = ListArray::from_iter_primitive::<arrow_array::types::Int32Type, _, _>(vec![
        Some(vec![Some(1)]),
        None,
    ]);
    let file = users(Arc::new(list), ltv(), vec![]);
    let e = error(Table::Users, "users.parquet", &file, true);
    assert_contains(
        &e,
        "users.parquet: column `joined` has the Parquet type List(",
    );
    assert_contains(&e, "which segc does not read");
}

/// A declared column missing from a Parquet file once read as all missing.
#[test]
fn a_missing_parquet_column_is_an_error() {
    let file = parquet(
        vec![
            ("user_id", strings(&[Some("a")])),
            ("country", strings(&[Some("ZA")])),
        ],
        Compression::SNAPPY,
    );
    let e = error(Table::Users, "users.parquet", &file, true);
    assert_eq!(
        e.rsplit_once('/').unwrap().1,
        "users.parquet: no column `joined` (declared in segc.toml); the file has: user_id, country"
    );
}

/// A DATE or TIMESTAMP beyond the range once wrapped around (to 2025).
#[test]
fn parquet_dates_out_of_range_are_errors() {
    let cases: Vec<(ArrayRef, &str)> = vec![
        (
            Arc::new(Date32Array::from(vec![i32::MAX])),
            "DATE 2147483647 days since 1970-01-01 is outside years 0001 to 9999",
        ),
        (
            Arc::new(Date32Array::from(vec![i32::MIN])),
            "DATE -2147483648 days since 1970-01-01 is outside",
        ),
        (
            Arc::new(Date32Array::from(vec![2_932_897])),
            "DATE 2932897 days",
        ),
        (
            Arc::new(TimestampMillisecondArray::from(vec![i64::MAX])),
            "TIMESTAMP 9223372036854775807 milliseconds since the epoch is outside",
        ),
        (
            Arc::new(TimestampMillisecondArray::from(vec![-62_135_596_800_001])),
            "TIMESTAMP -62135596800001 milliseconds since the epoch is outside",
        ),
    ];
    for (joined, message) in cases {
        let file = parquet(
            vec![
                ("user_id", strings(&[Some("u1")])),
                ("country", strings(&[None])),
                ("joined", joined),
                ("vip", strings(&[None])),
                ("ltv", Arc::new(Int64Array::from(vec![1]))),
            ],
            Compression::SNAPPY,
        );
        let e = error(Table::Users, "users.parquet", &file, false);
        assert_contains(
            &e,
            &format!("users.parquet: row 1 (row group 0): column `joined`: {message}"),
        );
    }
    let last = Arc::new(Date32Array::from(vec![2_932_896])) as ArrayRef;
    let file = parquet(
        vec![
            ("user_id", strings(&[Some("u1")])),
            ("country", strings(&[None])),
            ("joined", last),
            ("vip", strings(&[None])),
            ("ltv", strings(&[None])),
        ],
        Compression::SNAPPY,
    );
    let (_, data) = read(Table::Users, "users.parquet", &file, false).unwrap();
    let joined = &data.attributes.iter().find(|a| a.0 == "joined").unwrap().2;
    assert_eq!(joined, &[Val::Time(253_402_214_400_000_000)]);
}

/// Corrupt Parquet files (found by `tests/fuzz_readers.rs`) that panic
/// inside the parquet crate, once with no word of the file: in its footer
/// (a required field missing) and in a column chunk (a negative length).
#[test]
fn parquet_decoder_panics_are_errors_of_the_file() {
    for (name, part) in [
        (
            "corrupt_footer.parquet",
            "corrupt_footer.parquet: not a Parquet file segc can read: ",
        ),
        (
            "corrupt_column.parquet",
            "corrupt_column.parquet: row group 1, column `ts`: cannot decode: ",
        ),
    ] {
        for skip in [false, true] {
            let path = Path::new(DIR).join(name);
            let e = watchdog(move || {
                read_file(&schema(), Table::Events, &path, skip)
                    .map(|_| ())
                    .unwrap_err()
                    .to_string()
            });
            assert_contains(&e, part);
        }
    }
}
