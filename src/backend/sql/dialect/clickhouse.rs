//! ClickHouse.

use super::{Capabilities, Dialect, Profile};
use crate::backend::sql::ast::{Expr, Function, SqlType};
use crate::ir::Type;
use crate::time::{Timestamp, SECONDS_PER_DAY};

/// What [`ClickHouse::lower`] translates before `lowerUTF8`, code point by
/// code point: `Σ`, and every code point whose simple lowercase has another
/// UTF-8 length (computed over all of Unicode).
const LOWER_FROM: &str = "ΣİȺȾẞΩKÅⱢⱤⱭⱮⱯⱰⱾⱿꞍꞪꞫꞬꞭꞮꞰꞱꞲꟅ";
const LOWER_TO: &str = "σiⱥⱦßωkåɫɽɑɱɐɒȿɀɥɦɜɡɬɪʞʇʝʂ";

/// ClickHouse 23.8 or later (verified on 26.9 through chdb). Timestamps are
/// `DateTime64(6, 'UTC')`; JSON properties live in a `String` column, read
/// with `JSONType`/`JSONExtract…` by key (no path syntax, so no key needs
/// quoting beyond the string literal).
///
/// Where ClickHouse departs from standard SQL, and what this dialect does:
/// - An unmatched `LEFT JOIN` row has the column type's default (0, `''`,
///   1970-01-01), not NULL: every query ends with `SETTINGS join_use_nulls
///   = 1`, so a missing aggregate stays missing wherever the SQL is run.
/// - Comparisons, `AND`, `OR` and `NOT` give `UInt8`: the booleans a query
///   returns are cast to `Bool`.
/// - String literals and quoted identifiers take backslash escapes: `\` is
///   written `\\`; a character that must not stand raw is `char(bytes…)`.
/// - `lower` folds ASCII only: `lowerUTF8`, after translating what it
///   lowers otherwise than the simple mapping.
/// - `reinterpretAsUInt32` reads bytes little-endian: the MD5 bytes are
///   reversed first.
/// - Text compares by bytes already: no collation (ClickHouse has `COLLATE`
///   only in `ORDER BY`).
/// - `CAST(NULL AS String)` fails: casts that may meet NULL are to `Nullable(…)`.
pub struct ClickHouse;

impl Dialect for ClickHouse {
    fn name(&self) -> &'static str {
        "clickhouse"
    }

    /// Nullable: a plain `Float64` cast refuses NULL.
    fn float64(&self, value: Expr) -> Expr {
        value.cast(SqlType::Engine("Nullable(Float64)"))
    }

    fn profile(&self) -> Profile {
        Profile {
            engine: "ClickHouse 23.8 or later (tested: 26.9 through pip chdb 4.4.0)",
            strings: "`'…'`, `'` doubled and `\\` escaped (backslash escapes); controls as `char(…)` of UTF-8 bytes",
            regex: "RE2 (`match`)",
            lower: "`lowerUTF8(translateUTF8(v, …))`: `İ`, final `Σ` and 24 more mended",
            verified: "executed on chdb (every engine test); sqlparser `ClickHouseDialect`, sqlglot `clickhouse`",
        }
    }

    /// ClickHouse parses `agg(x) FILTER (WHERE c)` but runs it as `aggIf`,
    /// which over no rows gives the type's default (1970-01-01 for a `MIN`
    /// of timestamps, `nan` for `avg`) instead of NULL; the conditional
    /// argument `agg(CASE WHEN c THEN x END)` is Nullable, so an aggregate
    /// over nothing is NULL. `RANGE` frames take numeric offsets only
    /// ("Window frame begin OFFSET expression must be constant with numeric
    /// type"): interval frames become frames over epoch microseconds.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            aggregate_filter: false,
            interval_range_frames: false,
            ..Capabilities::STANDARD
        }
    }

    fn quote_ident(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\"\""))
    }

    fn literal_escape(&self, c: char) -> Option<&'static str> {
        match c {
            '\'' => Some("''"),
            '\\' => Some("\\\\"),
            _ => None,
        }
    }

    /// `char(b1, b2, …)`: a string of the given bytes, so the UTF-8 bytes of `c`.
    fn char_code(&self, c: char) -> String {
        let mut buf = [0; 4];
        let bytes: Vec<String> = c
            .encode_utf8(&mut buf)
            .bytes()
            .map(|b| b.to_string())
            .collect();
        format!("char({})", bytes.join(", "))
    }

    fn timestamp_literal(&self, ts: Timestamp) -> String {
        let text = ts.to_string();
        let text = text.trim_end_matches('Z').replacen('T', " ", 1);
        format!("toDateTime64('{text}', 6, 'UTC')")
    }

    fn interval_literal(&self, seconds: i64) -> String {
        let (n, unit) = [(SECONDS_PER_DAY, "DAY"), (3600, "HOUR"), (60, "MINUTE")]
            .into_iter()
            .find(|(size, _)| seconds % size == 0)
            .map_or((seconds, "SECOND"), |(size, unit)| (seconds / size, unit));
        format!("INTERVAL {n} {unit}")
    }

    fn now(&self) -> &'static str {
        "now64(6, 'UTC')"
    }

    fn utc_timestamp(&self, text: Expr) -> Expr {
        Expr::func(
            "parseDateTime64BestEffort",
            vec![text, Expr::Int(6), Expr::Str("UTC".into())],
        )
    }

    /// `lowerUTF8` maps a code point only to one of the same UTF-8 length,
    /// and a final `Σ` to `ς`; the simple mapping of spec §3.7 does neither.
    /// The code points whose simple lowercase has another UTF-8 length (25,
    /// `İ` and `K` among them), and `Σ`, are translated first.
    fn lower(&self, text: Expr) -> Expr {
        let translated = Expr::func(
            "translateUTF8",
            vec![
                text,
                Expr::Str(LOWER_FROM.into()),
                Expr::Str(LOWER_TO.into()),
            ],
        );
        Expr::call(Function::Lower, vec![translated])
    }

    fn function(&self, function: Function) -> &'static str {
        match function {
            Function::Coalesce => "COALESCE",
            Function::Lower => "lowerUTF8",
            Function::Greatest => "greatest",
            Function::Least => "least",
            Function::Rank => "rank",
            Function::RowNumber => "row_number",
            Function::Engine(name) => name,
        }
    }

    fn type_name(&self, ty: SqlType) -> &'static str {
        match ty {
            SqlType::Integer => "Nullable(Int32)",
            SqlType::Date => "Date",
            SqlType::Text => "Nullable(String)",
            SqlType::TimestampTz => "Nullable(DateTime64(6, 'UTC'))",
            SqlType::Engine(name) => name,
        }
    }

    fn json_property(&self, column: Expr, key: &str, ty: Type) -> Expr {
        let json_type = Expr::func("JSONType", vec![column.clone(), Expr::Str(key.into())]);
        let text = Expr::func(
            "JSONExtractString",
            vec![column.clone(), Expr::Str(key.into())],
        );
        let (types, value): (&[&str], Expr) = match ty {
            Type::String => (&["String"], text),
            Type::Number => (
                &["Int64", "UInt64", "Double"],
                Expr::func("JSONExtractFloat", vec![column, Expr::Str(key.into())]),
            ),
            Type::Bool => (
                &["Bool"],
                Expr::func(
                    "JSONExtract",
                    vec![column, Expr::Str(key.into()), Expr::Str("Bool".into())],
                ),
            ),
            Type::Timestamp => (&["String"], self.utc_timestamp(text)),
        };
        let types = types.iter().map(|t| Expr::Str((*t).into())).collect();
        Expr::InList(Box::new(json_type), types, false).then(value)
    }

    fn epoch_micros(&self, ts: Expr) -> Expr {
        Expr::func("toUnixTimestamp64Micro", vec![ts])
    }

    /// ClickHouse takes a `RANGE` offset below 2^31 only, and no decimal
    /// order key; two hours are 7.2·10^9 µs. Both sides are divided by 2^k
    /// instead, the key as a `Float64`: dividing by a power of two is exact
    /// for integers below 2^53 (epoch microseconds until the year 2255), so
    /// the frame holds exactly the same rows. That needs `offset` to have k
    /// trailing zero bits, so the longest frame is 38 hours of any seconds,
    /// 6 days of whole minutes, 25 days of whole hours, 203 days of whole
    /// days; a longer `within` with `then not` is refused.
    fn numeric_range(&self, key: Expr, offset: i64) -> Option<(Expr, i64)> {
        let max = i64::from(i32::MAX);
        if offset <= max {
            return Some((key, offset));
        }
        let shift = (1..=offset.trailing_zeros()).find(|k| offset >> k <= max)?;
        let scaled = key
            .cast(SqlType::Engine("Float64"))
            .bin("/", Expr::Int(1 << shift));
        Some((scaled, offset >> shift))
    }

    fn int_div(&self, a: Expr, b: Expr) -> Expr {
        Expr::func("intDiv", vec![a, b])
    }

    fn md5_u32(&self, text: Expr) -> Expr {
        let first4 = Expr::func(
            "substring",
            vec![Expr::func("MD5", vec![text]), Expr::Int(1), Expr::Int(4)],
        );
        Expr::func(
            "reinterpretAsUInt32",
            vec![Expr::func("reverse", vec![first4])],
        )
    }

    fn regex_contains(&self, value: Expr, pattern: String) -> Expr {
        Expr::func("match", vec![value, Expr::Str(pattern)])
    }

    fn contains(&self, value: Expr, text: Expr) -> Expr {
        Expr::func("position", vec![value, text]).bin(">", Expr::Int(0))
    }

    fn starts_with(&self, value: Expr, prefix: Expr) -> Expr {
        Expr::func("startsWith", vec![value, prefix])
    }

    fn ends_with(&self, value: Expr, suffix: Expr) -> Expr {
        Expr::func("endsWith", vec![value, suffix])
    }

    /// `timeZoneOffset` reads the zone a `DateTime64` carries.
    fn utc_offset_seconds(&self, ts: Expr, zone: &str) -> Expr {
        let zoned = Expr::func("toTimeZone", vec![ts, Expr::Str(zone.into())]);
        Expr::func("timeZoneOffset", vec![zoned])
    }

    fn epoch_seconds_timestamp(&self, seconds: Expr) -> Expr {
        Expr::func(
            "fromUnixTimestamp64Micro",
            vec![
                seconds.bin("*", Expr::Int(1_000_000)),
                Expr::Str("UTC".into()),
            ],
        )
    }

    fn make_date(&self, year: Expr, month: Expr, day: Expr) -> Expr {
        Expr::func("makeDate", vec![year, month, day])
    }

    fn days_between(&self, from: Expr, to: Expr) -> Expr {
        Expr::func("dateDiff", vec![Expr::Str("day".into()), from, to])
    }

    fn byte_ordered(&self, value: Expr) -> Expr {
        value
    }

    fn output_boolean(&self, flag: Expr) -> Expr {
        flag.cast(SqlType::Engine("Bool"))
    }

    fn query_settings(&self) -> Option<&'static str> {
        Some("join_use_nulls = 1")
    }

    fn byte_order_collation(&self) -> &'static str {
        unreachable!("ClickHouse compares text by bytes: byte_ordered adds no collation")
    }
}
