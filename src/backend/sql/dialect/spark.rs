//! Spark SQL (Spark 4; what Databricks runs).

use super::{interval_unit, md5_hex8, Dialect, Profile};
use crate::backend::regex;
use crate::backend::sql::ast::{Expr, Function, SqlType};
use crate::ir::Type;
use crate::time::Timestamp;

/// Spark SQL 4 (also Databricks). The SQL is right with ANSI mode on (the
/// default) or off, with `spark.sql.parser.escapedStringLiterals` either way,
/// and in any session time zone: timestamp columns are `TIMESTAMP_NTZ`
/// holding UTC, and every literal, `now` and conversion is written so the
/// session time zone never applies (`docs/sql.md`).
pub struct Spark;

/// The most digits of an exact decimal literal (Spark's `DECIMAL(38)`).
const MAX_DECIMAL_DIGITS: usize = 38;

/// The Unix epoch, a `TIMESTAMP_NTZ`.
fn epoch() -> Expr {
    Expr::Timestamp(Timestamp(0))
}

/// `timestampadd(MICROSECOND, micros, epoch)`: the UTC wall time of an
/// instant given as microseconds since the epoch, whatever the session
/// time zone.
fn from_epoch_micros(micros: Expr) -> Expr {
    Expr::func(
        "timestampadd",
        vec![Expr::Keyword("MICROSECOND"), micros, epoch()],
    )
}

impl Dialect for Spark {
    fn name(&self) -> &'static str {
        "spark"
    }

    fn profile(&self) -> Profile {
        Profile {
            engine: "Spark SQL 4, Databricks (tested: pyspark 4.3.0, local mode)",
            strings: "`'…'`; `'` and `\\` never raw (`chr(39)`, `chr(92)`), so any `escapedStringLiterals`",
            regex: "Java (`RLIKE`), `$` as `\\z`, `&` escaped in classes",
            lower: "`lower(translate(v, 'İΣ', 'iσ'))`: ICU, mended to the simple mapping",
            verified: "executed on pyspark (every engine test, ANSI on and off, two non-UTC session zones); sqlglot `spark`",
        }
    }

    /// Backquotes, a backquote doubled.
    fn quote_ident(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    /// Besides the characters no dialect writes raw, `'` and `\`: what a
    /// literal means with them depends on the Spark version and settings
    /// (`\` is an escape unless `spark.sql.parser.escapedStringLiterals`;
    /// `''` is a quote in Spark 4 but two adjacent literals before), so a
    /// literal never holds either and means the same everywhere.
    fn spelled_out(&self, c: char) -> bool {
        matches!(c, '\'' | '\\') || crate::chars::spelled_out_in_sql(c)
    }

    /// `chr(n)` below 256 (Spark's `chr` takes the code modulo 256), else
    /// the character decoded from its UTF-8 bytes.
    fn char_code(&self, c: char) -> String {
        if u32::from(c) < 256 {
            return format!("chr({})", u32::from(c));
        }
        let mut bytes = [0; 4];
        let hex: String = c
            .encode_utf8(&mut bytes)
            .bytes()
            .map(|b| format!("{b:02X}"))
            .collect();
        format!("decode(unhex('{hex}'), 'UTF-8')")
    }

    /// Decimal notation is an exact `DECIMAL` up to 38 digits and an error
    /// beyond; a longer number is written in exponent notation, a `DOUBLE`
    /// (the same `f64`).
    fn number_literal(&self, n: f64) -> String {
        let decimal = format!("{n}");
        if decimal.chars().filter(char::is_ascii_digit).count() > MAX_DECIMAL_DIGITS {
            format!("{n:e}")
        } else {
            decimal
        }
    }

    /// `TIMESTAMP_NTZ`: a plain `TIMESTAMP` literal is read in the session
    /// time zone (or as `TIMESTAMP_NTZ` under `spark.sql.timestampType`).
    fn timestamp_literal(&self, ts: Timestamp) -> String {
        let text = ts.to_string();
        let text = text.trim_end_matches('Z').replacen('T', " ", 1);
        format!("TIMESTAMP_NTZ '{text}'")
    }

    /// An ANSI day-time interval, `INTERVAL '30' DAY`, exact in every mode
    /// (`INTERVAL '30 days'` is a legacy calendar interval).
    fn interval_literal(&self, seconds: i64) -> String {
        let (n, unit) = interval_unit(seconds);
        format!("INTERVAL '{n}' {}", unit.to_uppercase())
    }

    /// `CURRENT_TIMESTAMP` is an instant; its UTC wall time without
    /// passing through the session time zone.
    fn now(&self) -> &'static str {
        "timestampadd(MICROSECOND, unix_micros(current_timestamp()), TIMESTAMP_NTZ '1970-01-01 00:00:00')"
    }

    /// The text read as an instant honouring its offset (`TIMESTAMP_LTZ`,
    /// explicitly: `TIMESTAMP` may mean either), then as UTC wall time.
    /// Invalid text is an error with ANSI mode on, missing with it off.
    fn utc_timestamp(&self, text: Expr) -> Expr {
        let instant = text.cast(SqlType::Engine("TIMESTAMP_LTZ"));
        from_epoch_micros(Expr::func("unix_micros", vec![instant]))
    }

    /// ICU's `lower` (or Java's) maps `İ` to two characters and a final
    /// `Σ` to `ς`; the simple mapping of spec §3.7 maps them to `i` and
    /// `σ`, which they are translated to first.
    fn lower(&self, text: Expr) -> Expr {
        let translated = Expr::func(
            "translate",
            vec![text, Expr::Str("İΣ".into()), Expr::Str("iσ".into())],
        );
        Expr::call(Function::Lower, vec![translated])
    }

    fn type_name(&self, ty: SqlType) -> &'static str {
        match ty {
            SqlType::Integer => "INT",
            SqlType::Date => "DATE",
            SqlType::Text => "STRING",
            SqlType::TimestampTz => "TIMESTAMP_LTZ",
            SqlType::Engine(name) => name,
        }
    }

    /// The JSON text parsed as a `VARIANT`, its top level as a map (so a key
    /// is a plain string, never a JSON path), the key's value kept when its
    /// `schema_of_variant` is the declared type: JSON `null` is `VOID`, an
    /// absent key or a document that is not an object NULL.
    fn json_property(&self, column: Expr, key: &str, ty: Type) -> Expr {
        let object = Expr::func(
            "try_variant_get",
            vec![
                Expr::func("parse_json", vec![column]),
                Expr::Str("$".into()),
                Expr::Str("map<string,variant>".into()),
            ],
        );
        let value = Expr::func("try_element_at", vec![object, Expr::Str(key.into())]);
        let json_type = Expr::func("schema_of_variant", vec![value.clone()]);
        let is = |name: &str| json_type.clone().bin("=", Expr::Str(name.into()));
        let get = |spark_type: &str| {
            Expr::func(
                "variant_get",
                vec![
                    value.clone(),
                    Expr::Str("$".into()),
                    Expr::Str(spark_type.into()),
                ],
            )
        };
        let (has_type, read) = match ty {
            Type::String => (is("STRING"), get("string")),
            // An integer is `BIGINT`, a fraction `DECIMAL(p,s)`, an
            // exponent or a long number `DOUBLE`.
            Type::Number => (
                Expr::Or(vec![
                    Expr::InList(
                        Box::new(json_type.clone()),
                        vec![Expr::Str("BIGINT".into()), Expr::Str("DOUBLE".into())],
                        false,
                    ),
                    self.starts_with(json_type.clone(), Expr::Str("DECIMAL".into())),
                ]),
                get("double"),
            ),
            Type::Bool => (is("BOOLEAN"), get("boolean")),
            Type::Timestamp => (is("STRING"), self.utc_timestamp(get("string"))),
        };
        has_type.then(read)
    }

    fn epoch_micros(&self, ts: Expr) -> Expr {
        match ts {
            Expr::Now => Expr::func("unix_micros", vec![Expr::func("current_timestamp", vec![])]),
            ts => Expr::func(
                "timestampdiff",
                vec![Expr::Keyword("MICROSECOND"), epoch(), ts],
            ),
        }
    }

    fn int_div(&self, a: Expr, b: Expr) -> Expr {
        a.bin("div", b)
    }

    /// `conv` reads the hex digits as an unsigned number, in text.
    fn md5_u32(&self, text: Expr) -> Expr {
        let decimal = Expr::func("conv", vec![md5_hex8(text), Expr::Int(16), Expr::Int(10)]);
        decimal.cast(SqlType::Engine("BIGINT"))
    }

    fn regex_contains(&self, value: Expr, pattern: String) -> Expr {
        value.bin("RLIKE", Expr::Str(regex::java(&pattern)))
    }

    fn contains(&self, value: Expr, text: Expr) -> Expr {
        Expr::func("contains", vec![value, text])
    }

    fn starts_with(&self, value: Expr, prefix: Expr) -> Expr {
        Expr::func("startswith", vec![value, prefix])
    }

    fn ends_with(&self, value: Expr, suffix: Expr) -> Expr {
        Expr::func("endswith", vec![value, suffix])
    }

    /// `from_utc_timestamp` shifts an instant by the zone's offset at it
    /// (whatever the session time zone); the shift is the offset.
    fn utc_offset_seconds(&self, ts: Expr, zone: &str) -> Expr {
        let micros = self.epoch_micros(ts);
        let instant = Expr::func("timestamp_micros", vec![micros.clone()]);
        let shifted = Expr::func("from_utc_timestamp", vec![instant, Expr::Str(zone.into())]);
        let offset = Expr::func("unix_micros", vec![shifted]).bin("-", micros);
        self.int_div(offset, Expr::Int(1_000_000))
    }

    fn epoch_seconds_timestamp(&self, seconds: Expr) -> Expr {
        from_epoch_micros(seconds.bin("*", Expr::Int(1_000_000)))
    }

    fn days_between(&self, from: Expr, to: Expr) -> Expr {
        Expr::func("datediff", vec![to, from])
    }

    /// Spark compares strings by their UTF-8 bytes in this collation, the
    /// default; written out in case a schema or session sets another.
    fn byte_order_collation(&self) -> &'static str {
        "UTF8_BINARY"
    }
}

#[cfg(test)]
mod tests {
    use super::{Dialect, Spark};

    #[test]
    fn literals_hold_no_quote_nor_backslash() {
        assert_eq!(Spark.string_literal("it's"), "('it' || chr(39) || 's')");
        assert_eq!(Spark.string_literal(r"a\"), "('a' || chr(92))");
        assert_eq!(
            Spark.string_literal("é\u{202E}"),
            "('é' || decode(unhex('E280AE'), 'UTF-8'))"
        );
        assert_eq!(Spark.string_literal(""), "''");
        assert_eq!(Spark.quote_ident("a`b"), "`a``b`");
    }

    #[test]
    fn numbers_beyond_decimal_38_are_doubles() {
        assert_eq!(Spark.number_literal(12.5), "12.5");
        assert_eq!(Spark.number_literal(1e20), "100000000000000000000");
        assert_eq!(Spark.number_literal(1e50), "1e50");
        assert_eq!(Spark.number_literal(-5e-324), "-5e-324");
    }
}
