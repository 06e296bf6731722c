//! DuckDB.

use super::{md5_hex8, Capabilities, Dialect, Profile};
use crate::backend::sql::ast::{Expr, SqlType};
use crate::ir::Type;

/// DuckDB (embedded). JSON properties are read with JSON Pointer paths, so
/// no key needs JSONPath quoting.
pub struct DuckDb;

impl Dialect for DuckDb {
    fn name(&self) -> &'static str {
        "duckdb"
    }

    fn profile(&self) -> Profile {
        Profile {
            engine: "DuckDB (tested: 1.5.6)",
            strings: "`'…'`, `'` doubled, `\\` ordinary; controls as `chr(n)`",
            regex: "RE2 (`regexp_matches`)",
            lower: "`lower`: Unicode",
            verified: "executed on the DuckDB CLI (every engine test); sqlparser `DuckDbDialect`",
        }
    }

    /// No profile semi-join: DuckDB 1.5 turns it into a Bloom-filter probe
    /// on every scanned row; at 1M users and 20M events it made the scan
    /// 1.5× slower at 4% and at 0.3% profile selectivity alike
    /// (`benches/README.md`), while the final join to the filtered users
    /// costs almost nothing.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            profile_semi_join: false,
            ..Capabilities::STANDARD
        }
    }

    fn byte_order_collation(&self) -> &'static str {
        "\"binary\""
    }

    fn json_property(&self, column: Expr, key: &str, ty: Type) -> Expr {
        let pointer = format!("/{}", key.replace('~', "~0").replace('/', "~1"));
        let json_type = Expr::func(
            "json_type",
            vec![column.clone(), Expr::Str(pointer.clone())],
        );
        let text = Expr::func("json_extract_string", vec![column, Expr::Str(pointer)]);
        let (types, value): (&[&str], Expr) = match ty {
            Type::String => (&["VARCHAR"], text),
            Type::Number => (
                &["DOUBLE", "BIGINT", "UBIGINT"],
                text.cast(SqlType::Engine("DOUBLE")),
            ),
            Type::Bool => (&["BOOLEAN"], text.cast(SqlType::Engine("BOOLEAN"))),
            Type::Timestamp => (&["VARCHAR"], self.utc_timestamp(text)),
        };
        let types = types.iter().map(|t| Expr::Str((*t).into())).collect();
        Expr::InList(Box::new(json_type), types, false).then(value)
    }

    fn epoch_micros(&self, ts: Expr) -> Expr {
        Expr::func("epoch_us", vec![ts])
    }

    fn int_div(&self, a: Expr, b: Expr) -> Expr {
        a.bin("//", b)
    }

    fn md5_u32(&self, text: Expr) -> Expr {
        let hex = md5_hex8(text);
        Expr::Str("0x".into())
            .bin("||", hex)
            .cast(SqlType::Engine("UBIGINT"))
    }

    fn regex_contains(&self, value: Expr, pattern: String) -> Expr {
        Expr::func("regexp_matches", vec![value, Expr::Str(pattern)])
    }

    fn ends_with(&self, value: Expr, suffix: Expr) -> Expr {
        Expr::func("ends_with", vec![value, suffix])
    }

    fn days_between(&self, from: Expr, to: Expr) -> Expr {
        Expr::func("date_diff", vec![Expr::Str("day".into()), from, to])
    }
}
