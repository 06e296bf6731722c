//! PostgreSQL.

use super::{md5_hex8, Dialect, Profile};
use crate::backend::sql::ast::{Expr, SqlType};
use crate::ir::{ArithOp, Type};

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

    fn float64(&self, value: Expr) -> Expr {
        value.cast(SqlType::Engine("DOUBLE PRECISION"))
    }

    /// `float8` arithmetic raises on overflow and on underflow to zero, so
    /// the result is first tested in NUMERIC, from each operand's text (the
    /// shortest decimal that reads back as it): too large is NULL, a
    /// product or quotient too small for a subnormal is 0; only then is
    /// the float8 operation run. Exact but at the last unit of the limits.
    fn arithmetic(&self, op: ArithOp, left: Expr, right: Expr) -> Expr {
        let exact = |e: Expr| e.cast(SqlType::Text).cast(SqlType::Engine("NUMERIC"));
        let (l, r) = (exact(left.clone()), exact(right.clone()));
        let (symbol, exact_result) = match op {
            ArithOp::Add => ("+", l.bin("+", r)),
            ArithOp::Sub => ("-", l.bin("-", r)),
            ArithOp::Mul => ("*", l.bin("*", r)),
            ArithOp::Div => ("/", l.bin("/", r)),
        };
        let size = Expr::func("abs", vec![exact_result]);
        let nonzero = |e: Expr| e.bin("<>", Expr::Number(0.0));
        let mut arms = Vec::new();
        if op == ArithOp::Div {
            arms.push((right.clone().bin("=", Expr::Number(0.0)), Expr::Null));
        }
        arms.push((size.clone().bin(">", Expr::Number(f64::MAX)), Expr::Null));
        if matches!(op, ArithOp::Mul | ArithOp::Div) {
            // At most half the smallest subnormal: IEEE rounds it to zero.
            let half_smallest =
                Expr::Str("2.4703282292062327e-324".into()).cast(SqlType::Engine("NUMERIC"));
            let mut tiny = vec![nonzero(left.clone())];
            if op == ArithOp::Mul {
                tiny.push(nonzero(right.clone()));
            }
            tiny.push(size.bin("<=", half_smallest));
            arms.push((Expr::all(tiny), Expr::Number(0.0)));
        }
        Expr::Case(arms, Some(Box::new(left.bin(symbol, right))))
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
