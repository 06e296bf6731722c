//! What differs between SQL engines, generic first.
//!
//! A dialect is a trait: the default methods produce standard SQL that
//! PostgreSQL and DuckDB share, and each dialect overrides only the nodes it
//! writes differently. What an engine cannot write at all it says in its
//! [`Capabilities`]; the generic rewrites ([`super::rewrite`]) then express
//! the construct another way, or compilation fails with
//! [`super::Unsupported`]. [`DIALECTS`] is the one list of dialects: the
//! CLI's `--dialect` values, the docs table and the tests read it. The
//! escaping contract of every dialect is written in `docs/sql.md`; the engine
//! tests execute adversarial strings on each.

use super::ast::{Expr, Frame, Function, SqlType};
use crate::ir::{ArithOp, Type};
use crate::time::{Timestamp, SECONDS_PER_DAY};

/// The constructs an engine may lack, each of which the generator emits in
/// its standard form. A new dialect states what it has; a missing one is
/// rewritten generically where a rewrite exists (see `docs/sql.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// `agg(x) FILTER (WHERE c)`. Without it: `agg(CASE WHEN c THEN x END)`.
    pub aggregate_filter: bool,
    /// `RANGE BETWEEN INTERVAL '…' PRECEDING AND CURRENT ROW` over a
    /// timestamp order key (a sequence's `within` with `then not`).
    /// Without it: the same frame over epoch microseconds, when the dialect
    /// has [`Capabilities::numeric_range_frames`].
    pub interval_range_frames: bool,
    /// `RANGE BETWEEN n PRECEDING AND CURRENT ROW` over a numeric order key.
    /// Without it, and without interval frames, a sequence with `within` and
    /// `then not` is unsupported.
    pub numeric_range_frames: bool,
    /// Whether profile tests ANDed at the top of a segment are also pushed
    /// into the events scan as a semi-join on the users table. A row store
    /// (PostgreSQL) then aggregates only the profile's users. A preference,
    /// not a limit: both forms are correct.
    pub profile_semi_join: bool,
}

impl Capabilities {
    /// Standard SQL, as PostgreSQL 12+ writes it.
    pub const STANDARD: Capabilities = Capabilities {
        aggregate_filter: true,
        interval_range_frames: true,
        numeric_range_frames: true,
        profile_semi_join: true,
    };

    /// Each capability under the name the docs table gives it.
    pub fn named(&self) -> [(&'static str, bool); 4] {
        [
            ("aggregate `FILTER`", self.aggregate_filter),
            ("interval `RANGE` frames", self.interval_range_frames),
            ("numeric `RANGE` frames", self.numeric_range_frames),
            ("profile semi-join", self.profile_semi_join),
        ]
    }
}

/// What `docs/sql.md` says of a dialect beyond its capabilities: each
/// dialect states it next to its code, and the docs table is generated
/// from the registry.
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    /// The engine and versions the SQL is written for.
    pub engine: &'static str,
    /// How string literals are written (the escaping contract).
    pub strings: &'static str,
    /// The regex engine `matches` runs on.
    pub regex: &'static str,
    /// How `ignoring case` lowers text.
    pub lower: &'static str,
    /// How the dialect's SQL is checked: executed on which engine, re-parsed by what.
    pub verified: &'static str,
}

pub trait Dialect: Sync {
    /// The name used on the command line and in snapshots.
    fn name(&self) -> &'static str;

    /// What the docs say of this dialect; see [`Profile`].
    fn profile(&self) -> Profile;

    /// What this engine can write; see [`Capabilities`].
    fn capabilities(&self) -> Capabilities {
        Capabilities::STANDARD
    }

    /// `"name"`, a double quote doubled. Identifiers never use backslash escapes.
    fn quote_ident(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    /// `'text'`, a single quote doubled; a backslash is an ordinary character
    /// (standard-conforming strings). A character that must never stand raw
    /// in SQL text ([`crate::chars::spelled_out_in_sql`]) is spelled by [`Dialect::char_code`]
    /// and concatenated: `('a' || chr(13) || 'b')`. So no literal spans a
    /// line, and no client (the DuckDB CLI cuts a line at NUL and drops CR,
    /// psql reads `\` commands at a line's start) sees anything but text.
    fn string_literal(&self, text: &str) -> String {
        let mut pieces = Vec::new();
        let mut run = String::new();
        for c in text.chars() {
            if self.spelled_out(c) {
                if !run.is_empty() {
                    pieces.push(format!("'{}'", std::mem::take(&mut run)));
                }
                pieces.push(self.char_code(c));
            } else if let Some(escaped) = self.literal_escape(c) {
                run.push_str(escaped);
            } else {
                run.push(c);
            }
        }
        if !run.is_empty() || pieces.is_empty() {
            pieces.push(format!("'{run}'"));
        }
        match pieces.len() {
            1 => pieces.pop().unwrap_or_default(),
            _ => format!("({})", pieces.join(" || ")),
        }
    }

    /// Whether [`Dialect::string_literal`] spells `c` by [`Dialect::char_code`]
    /// instead of writing it: the characters that never stand raw in SQL
    /// text, and any a dialect cannot write the same way in every setting.
    fn spelled_out(&self, c: char) -> bool {
        crate::chars::spelled_out_in_sql(c)
    }

    /// How [`Dialect::string_literal`] writes `c` inside the quotes, when not
    /// as itself: a single quote is doubled. An engine whose literals take
    /// backslash escapes also escapes the backslash.
    fn literal_escape(&self, c: char) -> Option<&'static str> {
        (c == '\'').then_some("''")
    }

    /// The one-character string of code point `c`, as an expression.
    fn char_code(&self, c: char) -> String {
        format!("chr({})", u32::from(c))
    }

    fn timestamp_literal(&self, ts: Timestamp) -> String {
        let text = ts.to_string();
        let text = text.trim_end_matches('Z').replacen('T', " ", 1);
        format!("TIMESTAMP '{text}'")
    }

    /// An interval of whole seconds, in the largest unit that divides it.
    fn interval_literal(&self, seconds: i64) -> String {
        let (n, unit) = interval_unit(seconds);
        let plural = if n == 1 { "" } else { "s" };
        format!("INTERVAL '{n} {unit}{plural}'")
    }

    /// A number literal, exact: decimal notation, which every engine
    /// reads as an exact numeric.
    fn number_literal(&self, n: f64) -> String {
        // Far from 1, the exponent form: `1.7976931348623157e308`, not 309 digits.
        if n != 0.0 && !(1e-6..1e16).contains(&n.abs()) {
            format!("{n:e}")
        } else {
            format!("{n}")
        }
    }

    /// `left op right` on binary64 values, never raising whatever the data
    /// (spec §3.11): NULL for a missing operand, a zero divisor or a result
    /// that is not finite. Engines whose float arithmetic gives infinities
    /// compute and test; those that raise override.
    fn arithmetic(&self, op: ArithOp, left: Expr, right: Expr) -> Expr {
        let result = match op {
            ArithOp::Add => left.bin("+", right),
            ArithOp::Sub => left.bin("-", right),
            ArithOp::Mul => left.bin("*", right),
            ArithOp::Div => Expr::Case(
                vec![(right.clone().bin("=", Expr::Number(0.0)), Expr::Null)],
                Some(Box::new(left.bin("/", right))),
            ),
        };
        self.finite(result)
    }

    /// A number as the engine's binary64 type, so that arithmetic is IEEE
    /// (not DECIMAL from a literal such as `0.5`, nor integer division).
    fn float64(&self, value: Expr) -> Expr {
        value.cast(SqlType::Engine("DOUBLE"))
    }

    /// A number, NULL unless finite (an overflowed sum, an infinity).
    /// NaN compares false with everything but in engines that sort it
    /// last, where it is above every finite number: NULL either way.
    fn finite(&self, value: Expr) -> Expr {
        let max = Expr::Number(f64::MAX);
        Expr::func("abs", vec![value.clone()])
            .bin("<=", max)
            .then(value)
    }

    /// The current instant as a UTC timestamp without time zone.
    fn now(&self) -> &'static str {
        "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')"
    }

    /// An RFC 3339 string as a UTC timestamp without time zone, honouring
    /// its offset.
    fn utc_timestamp(&self, text: Expr) -> Expr {
        text.cast(SqlType::TimestampTz)
            .bin("AT TIME ZONE", Expr::Str("UTC".into()))
    }

    /// What surrounds the condition of a filtered aggregate, after the call.
    /// Reached only with [`Capabilities::aggregate_filter`]; without it the
    /// rewrites leave no filter.
    fn filter_clause(&self) -> (&'static str, &'static str) {
        (" FILTER (WHERE ", ")")
    }

    /// The name of a function the generator calls by what it computes.
    fn function(&self, function: Function) -> &'static str {
        match function {
            Function::Coalesce => "COALESCE",
            Function::Lower => "lower",
            Function::Greatest => "GREATEST",
            Function::Least => "LEAST",
            Function::Rank => "RANK",
            Function::RowNumber => "ROW_NUMBER",
            Function::Engine(name) => name,
        }
    }

    /// `text` lower-cased by the simple Unicode mapping (spec §3.7), as the
    /// engine's `lower` does unless a dialect compensates.
    fn lower(&self, text: Expr) -> Expr {
        Expr::call(Function::Lower, vec![text])
    }

    /// The name of a type the generator casts to.
    fn type_name(&self, ty: SqlType) -> &'static str {
        match ty {
            SqlType::Integer => "INTEGER",
            SqlType::Date => "DATE",
            SqlType::Text => "TEXT",
            SqlType::TimestampTz => "TIMESTAMPTZ",
            SqlType::Engine(name) => name,
        }
    }

    /// A window frame over one user's rows in time order. An interval frame
    /// reaches a dialect only when it has
    /// [`Capabilities::interval_range_frames`].
    fn frame(&self, frame: Frame) -> String {
        match frame {
            Frame::Earlier => "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING".into(),
            Frame::Later => "ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING".into(),
            Frame::Preceding(seconds) => format!(
                "RANGE BETWEEN {} PRECEDING AND CURRENT ROW",
                self.interval_literal(seconds)
            ),
            Frame::PrecedingBy(n) => format!("RANGE BETWEEN {n} PRECEDING AND CURRENT ROW"),
        }
    }

    /// A property of type `ty` read from the JSON column; missing when absent,
    /// JSON `null`, or of another JSON type.
    fn json_property(&self, column: Expr, key: &str, ty: Type) -> Expr;

    /// Microseconds since the Unix epoch of a timestamp, as an integer.
    fn epoch_micros(&self, ts: Expr) -> Expr;

    /// The order key and offset of `RANGE BETWEEN offset PRECEDING` that
    /// frame the rows whose `key` (an integer) lies within `offset` below
    /// the current row's; `None` when the engine cannot write that frame.
    fn numeric_range(&self, key: Expr, offset: i64) -> Option<(Expr, i64)> {
        Some((key, offset))
    }

    /// Integer division of non-negative integers.
    fn int_div(&self, a: Expr, b: Expr) -> Expr {
        a.bin("/", b)
    }

    /// The first 4 bytes of the MD5 of `text`, big-endian, as an integer.
    fn md5_u32(&self, text: Expr) -> Expr;

    /// `value` contains a match of `pattern` (already translated by `regex.rs`).
    fn regex_contains(&self, value: Expr, pattern: String) -> Expr;

    /// `value` contains `text`.
    fn contains(&self, value: Expr, text: Expr) -> Expr {
        Expr::func("strpos", vec![value, text]).bin(">", Expr::Int(0))
    }

    fn starts_with(&self, value: Expr, prefix: Expr) -> Expr {
        Expr::func("starts_with", vec![value, prefix])
    }

    fn ends_with(&self, value: Expr, suffix: Expr) -> Expr;

    /// The date of a year, month and day (integers; the day exists).
    fn make_date(&self, year: Expr, month: Expr, day: Expr) -> Expr {
        Expr::func("make_date", vec![year, month, day])
    }

    /// The UTC offset, in whole seconds, that time zone `zone` (an IANA
    /// name) has at the instant `ts` (a UTC timestamp), from the engine's
    /// own tz database. The only time-zone look-up calendar SQL makes.
    fn utc_offset_seconds(&self, ts: Expr, zone: &str) -> Expr {
        let local = ts
            .clone()
            .bin("AT TIME ZONE", Expr::Str("UTC".into()))
            .bin("AT TIME ZONE", Expr::Str(zone.into()));
        let seconds = |t: Expr| self.int_div(self.epoch_micros(t), Expr::Int(1_000_000));
        seconds(local).bin("-", seconds(ts))
    }

    /// The UTC timestamp `seconds` (an integer) after the Unix epoch.
    fn epoch_seconds_timestamp(&self, seconds: Expr) -> Expr {
        Expr::func(
            "make_timestamp",
            vec![seconds.bin("*", Expr::Int(1_000_000))],
        )
    }

    /// Whole days from date `from` to date `to`.
    fn days_between(&self, from: Expr, to: Expr) -> Expr {
        to.bin("-", from)
    }

    /// `value` ordered by UTF-8 bytes in comparisons: under
    /// [`Dialect::byte_order_collation`], or as it is where the engine
    /// compares text by bytes anyway.
    fn byte_ordered(&self, value: Expr) -> Expr {
        Expr::Collate(Box::new(value), self.byte_order_collation())
    }

    /// A boolean the query returns (`holdout`, a combined query's segment
    /// column), as the engine's BOOLEAN type. An engine whose comparisons
    /// give integers casts it here.
    fn output_boolean(&self, flag: Expr) -> Expr {
        flag
    }

    /// The `SETTINGS` the query runs under, written at its end, so that a
    /// user who pastes the SQL gets the same answer; none by default.
    fn query_settings(&self) -> Option<&'static str> {
        None
    }

    /// The collation that orders text by UTF-8 bytes, which is code point
    /// order (spec §3.7), whatever the database's default or locale.
    fn byte_order_collation(&self) -> &'static str {
        "\"C\""
    }
}

mod clickhouse;
mod duckdb;
mod postgres;
mod spark;

pub use clickhouse::ClickHouse;
pub use duckdb::DuckDb;
pub use postgres::Postgres;
pub use spark::Spark;

/// An interval of whole seconds as a count of the largest unit that
/// divides it: `(n, "day" | "hour" | "minute" | "second")`.
pub(super) fn interval_unit(seconds: i64) -> (i64, &'static str) {
    [(SECONDS_PER_DAY, "day"), (3600, "hour"), (60, "minute")]
        .into_iter()
        .find(|(size, _)| seconds % size == 0)
        .map_or((seconds, "second"), |(size, unit)| (seconds / size, unit))
}

/// The first 8 hex digits (4 bytes) of the MD5 of `text`.
pub(super) fn md5_hex8(text: Expr) -> Expr {
    Expr::func(
        "substr",
        vec![Expr::func("md5", vec![text]), Expr::Int(1), Expr::Int(8)],
    )
}

/// Every dialect, in the order the CLI and the docs list them.
pub const DIALECTS: &[&dyn Dialect] = &[&DuckDb, &Postgres, &ClickHouse, &Spark];

/// The dialect `segc sql --dialect` calls `name`.
pub fn by_name(name: &str) -> Option<&'static dyn Dialect> {
    DIALECTS.iter().copied().find(|d| d.name() == name)
}

/// The names `--dialect` accepts.
pub fn names() -> impl Iterator<Item = &'static str> {
    DIALECTS.iter().map(|d| d.name())
}

/// The Markdown table of every dialect's [`Profile`] that `docs/sql.md`
/// holds verbatim (a test compares them).
pub fn profile_table() -> String {
    let mut table = String::from(
        "| dialect | engine | string literals | `matches` | `ignoring case` | verified by |\n|---|---|---|---|---|---|\n",
    );
    for d in DIALECTS {
        let p = d.profile();
        table.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            d.name(),
            p.engine,
            p.strings,
            p.regex,
            p.lower,
            p.verified
        ));
    }
    table
}

/// The Markdown table of every dialect's capabilities that `docs/sql.md`
/// holds verbatim (a test compares them).
pub fn capabilities_table() -> String {
    let labels = Capabilities::STANDARD.named().map(|(label, _)| label);
    let mut table = format!("| dialect | {} |\n|---|", labels.join(" | "));
    table.push_str(&"---|".repeat(labels.len()));
    table.push('\n');
    for d in DIALECTS {
        let cells = d
            .capabilities()
            .named()
            .map(|(_, has)| if has { "yes" } else { "no" });
        table.push_str(&format!("| `{}` | {} |\n", d.name(), cells.join(" | ")));
    }
    table
}
