//! Test-only dialects: a registered dialect with capabilities taken away.

use segc::backend::sql::ast::{Expr, Frame, Function, SqlType};
use segc::backend::sql::dialect::{Capabilities, Profile};
use segc::backend::sql::Dialect;
use segc::ir::{ArithOp, Type};
use segc::time::Timestamp;

use super::Engine;

/// A registered dialect with capabilities taken away, under another name:
/// the generic rewrites run on the real engines, and a missing construct
/// shows its error.
pub struct Lacking {
    pub name: &'static str,
    pub base: Engine,
    /// Takes the capabilities away.
    pub lacks: fn(&mut Capabilities),
}

/// Every node spelled as `base` spells it.
impl Dialect for Lacking {
    fn name(&self) -> &'static str {
        self.name
    }
    fn profile(&self) -> Profile {
        self.base.dialect().profile()
    }
    fn capabilities(&self) -> Capabilities {
        let mut capabilities = self.base.dialect().capabilities();
        (self.lacks)(&mut capabilities);
        capabilities
    }
    fn quote_ident(&self, name: &str) -> String {
        self.base.dialect().quote_ident(name)
    }
    fn string_literal(&self, text: &str) -> String {
        self.base.dialect().string_literal(text)
    }
    fn spelled_out(&self, c: char) -> bool {
        self.base.dialect().spelled_out(c)
    }
    fn char_code(&self, c: char) -> String {
        self.base.dialect().char_code(c)
    }
    fn number_literal(&self, n: f64) -> String {
        self.base.dialect().number_literal(n)
    }
    fn arithmetic(&self, op: ArithOp, left: Expr, right: Expr) -> Expr {
        self.base.dialect().arithmetic(op, left, right)
    }
    fn float64(&self, value: Expr) -> Expr {
        self.base.dialect().float64(value)
    }
    fn finite(&self, value: Expr) -> Expr {
        self.base.dialect().finite(value)
    }
    fn timestamp_literal(&self, ts: Timestamp) -> String {
        self.base.dialect().timestamp_literal(ts)
    }
    fn interval_literal(&self, seconds: i64) -> String {
        self.base.dialect().interval_literal(seconds)
    }
    fn now(&self) -> &'static str {
        self.base.dialect().now()
    }
    fn utc_timestamp(&self, text: Expr) -> Expr {
        self.base.dialect().utc_timestamp(text)
    }
    fn filter_clause(&self) -> (&'static str, &'static str) {
        self.base.dialect().filter_clause()
    }
    fn function(&self, function: Function) -> &'static str {
        self.base.dialect().function(function)
    }
    fn lower(&self, text: Expr) -> Expr {
        self.base.dialect().lower(text)
    }
    fn type_name(&self, ty: SqlType) -> &'static str {
        self.base.dialect().type_name(ty)
    }
    fn frame(&self, frame: Frame) -> String {
        self.base.dialect().frame(frame)
    }
    fn contains(&self, value: Expr, text: Expr) -> Expr {
        self.base.dialect().contains(value, text)
    }
    fn make_date(&self, year: Expr, month: Expr, day: Expr) -> Expr {
        self.base.dialect().make_date(year, month, day)
    }
    fn json_property(&self, column: Expr, key: &str, ty: Type) -> Expr {
        self.base.dialect().json_property(column, key, ty)
    }
    fn epoch_micros(&self, ts: Expr) -> Expr {
        self.base.dialect().epoch_micros(ts)
    }
    fn numeric_range(&self, key: Expr, offset: i64) -> Option<(Expr, i64)> {
        self.base.dialect().numeric_range(key, offset)
    }
    fn int_div(&self, a: Expr, b: Expr) -> Expr {
        self.base.dialect().int_div(a, b)
    }
    fn md5_u32(&self, text: Expr) -> Expr {
        self.base.dialect().md5_u32(text)
    }
    fn regex_contains(&self, value: Expr, pattern: String) -> Expr {
        self.base.dialect().regex_contains(value, pattern)
    }
    fn starts_with(&self, value: Expr, prefix: Expr) -> Expr {
        self.base.dialect().starts_with(value, prefix)
    }
    fn ends_with(&self, value: Expr, suffix: Expr) -> Expr {
        self.base.dialect().ends_with(value, suffix)
    }
    fn days_between(&self, from: Expr, to: Expr) -> Expr {
        self.base.dialect().days_between(from, to)
    }
    fn utc_offset_seconds(&self, ts: Expr, zone: &str) -> Expr {
        self.base.dialect().utc_offset_seconds(ts, zone)
    }
    fn epoch_seconds_timestamp(&self, seconds: Expr) -> Expr {
        self.base.dialect().epoch_seconds_timestamp(seconds)
    }
    fn byte_order_collation(&self) -> &'static str {
        self.base.dialect().byte_order_collation()
    }
    fn byte_ordered(&self, value: Expr) -> Expr {
        self.base.dialect().byte_ordered(value)
    }
    fn output_boolean(&self, flag: Expr) -> Expr {
        self.base.dialect().output_boolean(flag)
    }
    fn query_settings(&self) -> Option<&'static str> {
        self.base.dialect().query_settings()
    }
}
