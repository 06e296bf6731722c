//! PostgreSQL.

use super::{md5_hex8, Dialect, Profile};
use crate::backend::sql::ast::{Expr, SqlType};
use crate::ir::Type;

/// PostgreSQL 14 or later (where `EXTRACT(EPOCH …)` is exact); JSON
/// properties live in a `jsonb` column.
pub struct Postgres;

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn profile(&self) -> Profile {
        Profile {
            engine: "PostgreSQL 14 or later (tested: Debian's 15)",
            strings: "as DuckDB; needs `standard_conforming_strings` (on since 9.1)",
            regex: "ARE (`~`)",
            lower: "`lower`: Unicode under a UTF-8 locale, ASCII under `C`",
            verified:
                "executed on a PostgreSQL server (every engine test); sqlparser `PostgreSqlDialect`",
        }
    }

    fn json_property(&self, column: Expr, key: &str, ty: Type) -> Expr {
        let json_type = Expr::func(
            "jsonb_typeof",
            vec![column.clone().bin("->", Expr::Str(key.into()))],
        );
        let text = column.bin("->>", Expr::Str(key.into()));
        let (json_name, value) = match ty {
            Type::String => ("string", text),
            Type::Number => ("number", text.cast(SqlType::Engine("DOUBLE PRECISION"))),
            Type::Bool => ("boolean", text.cast(SqlType::Engine("BOOLEAN"))),
            Type::Timestamp => ("string", self.utc_timestamp(text)),
        };
        json_type.bin("=", Expr::Str(json_name.into())).then(value)
    }

    fn epoch_micros(&self, ts: Expr) -> Expr {
        // EXTRACT(EPOCH …) is an exact numeric in PostgreSQL 14+.
        let seconds = Expr::Extract("EPOCH", Box::new(ts));
        seconds
            .bin("*", Expr::Int(1_000_000))
            .cast(SqlType::Engine("BIGINT"))
    }

    /// `to_timestamp` gives a `timestamptz`; its UTC wall time is the value.
    fn epoch_seconds_timestamp(&self, seconds: Expr) -> Expr {
        Expr::func("to_timestamp", vec![seconds]).bin("AT TIME ZONE", Expr::Str("UTC".into()))
    }

    fn md5_u32(&self, text: Expr) -> Expr {
        let hex = md5_hex8(text);
        Expr::Str("x".into())
            .bin("||", hex)
            .cast(SqlType::Engine("BIT(32)"))
            .cast(SqlType::Engine("BIGINT"))
    }

    fn regex_contains(&self, value: Expr, pattern: String) -> Expr {
        value.bin("~", Expr::Str(pattern))
    }

    fn ends_with(&self, value: Expr, suffix: Expr) -> Expr {
        let len = Expr::func("length", vec![suffix.clone()]);
        Expr::func("right", vec![value, len]).bin("=", suffix)
    }
}
