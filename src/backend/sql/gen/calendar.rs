//! Calendar points and periods in SQL (spec §3.10), in the steps of
//! `crate::calendar`: integer arithmetic on day and month numbers, which
//! every engine does alike, and the engine's own tz database for one thing
//! only, the UTC offset at an instant. `now` may be the engine's clock, so
//! nothing here is folded at compile time.

use super::Generator;
use crate::backend::sql::ast::{Expr, Ident, Select, Source, SqlType};
use crate::calendar::{Unit, Zone, PROBE_SECONDS};
use crate::time::SECONDS_PER_DAY;

impl Generator<'_> {
    fn zone(&self) -> &str {
        &self.program.settings.time_zone
    }

    /// In UTC local time is UTC time: no offset look-up is written.
    fn is_utc(&self) -> bool {
        self.zone() == "UTC"
    }

    /// The local wall time of the instant `ts`, as a timestamp (whole
    /// seconds): what local dates and their parts are read from.
    pub(super) fn local_wall(&self, ts: Expr) -> Expr {
        if self.is_utc() {
            return ts;
        }
        self.dialect.epoch_seconds_timestamp(self.local_seconds(ts))
    }

    /// The local year of `--as-of`, when given.
    pub(super) fn as_of_local_year(&self) -> Option<i32> {
        let zone = Zone::or_utc(&self.program.settings);
        self.as_of
            .map(|t| crate::time::civil_from_days(zone.local_day(t.0)).year)
    }

    /// Whole seconds since the epoch of a timestamp (instants after 1970).
    fn epoch_seconds(&self, ts: Expr) -> Expr {
        let d = self.dialect;
        d.int_div(d.epoch_micros(ts), Expr::Int(1_000_000))
    }

    /// The zone's UTC offset at `seconds` since the epoch.
    fn offset_at(&self, seconds: Expr) -> Expr {
        let d = self.dialect;
        d.utc_offset_seconds(d.epoch_seconds_timestamp(seconds), self.zone())
    }

    /// Local wall-clock seconds since the epoch of the instant `ts`.
    fn local_seconds(&self, ts: Expr) -> Expr {
        let seconds = self.epoch_seconds(ts);
        if self.is_utc() {
            return seconds;
        }
        seconds.clone().bin("+", self.offset_at(seconds))
    }

    /// The local day number (days since 1970-01-01) of `ts`.
    fn local_day(&self, ts: Expr) -> Expr {
        self.dialect
            .int_div(self.local_seconds(ts), Expr::Int(SECONDS_PER_DAY))
    }

    /// `year × 12 + month - 1` of the local date of `ts`.
    fn local_month_index(&self, ts: Expr) -> Expr {
        let local = self.local_wall(ts);
        let part = |field| Expr::Extract(field, Box::new(local.clone())).cast(SqlType::Integer);
        part("YEAR")
            .bin("*", Expr::Int(12))
            .bin("+", part("MONTH"))
            .bin("-", Expr::Int(1))
    }

    /// The number of the calendar period of `unit` holding `ts`, counted
    /// forwards (period numbers of `now` and `ts` differ by how many
    /// periods ago `ts` is). Days and weeks from the local day number, the
    /// others from the local month index.
    pub(super) fn local_period(&self, ts: Expr, unit: Unit) -> Expr {
        let d = self.dialect;
        match unit {
            Unit::Day => self.local_day(ts),
            Unit::Week => d.int_div(
                self.local_day(ts)
                    .bin("+", Expr::Int(self.program.settings.week_starts_on.shift())),
                Expr::Int(7),
            ),
            _ => d.int_div(
                self.local_month_index(ts),
                Expr::Int(unit.months().unwrap_or(1)),
            ),
        }
    }

    /// The first instant of calendar period `ago` of `unit` (see
    /// `Zone::period_start`, which this spells in SQL), as a scalar
    /// subquery whose nested selects name each intermediate value once.
    pub(super) fn calendar_point(&self, unit: Unit, ago: u32) -> Expr {
        let d = self.dialect;
        let ago = i64::from(ago);
        let col = |name| Expr::Column(None, Ident::Plain(name));
        let now = self.now();
        let first_day = match unit {
            Unit::Day => one_row(minus(self.local_day(now), ago), "segc_day"),
            Unit::Week => {
                let shift = self.program.settings.week_starts_on.shift();
                let today = one_row(self.local_day(now), "segc_today");
                let into_week = col("segc_today")
                    .bin("+", Expr::Int(shift))
                    .bin("%", Expr::Int(7));
                let day = minus(col("segc_today").bin("-", into_week), 7 * ago);
                next(today, day, "segc_day")
            }
            _ => {
                let months = unit.months().unwrap_or(1);
                let index = one_row(self.local_month_index(now), "segc_month");
                let mut first = col("segc_month");
                if months > 1 {
                    first = first.bin("-", col("segc_month").bin("%", Expr::Int(months)));
                }
                first = minus(first, months * ago);
                let first = next(index, first, "segc_first");
                let date = d.make_date(
                    d.int_div(col("segc_first"), Expr::Int(12)),
                    col("segc_first")
                        .bin("%", Expr::Int(12))
                        .bin("+", Expr::Int(1)),
                    Expr::Int(1),
                );
                let epoch = d.make_date(Expr::Int(1970), Expr::Int(1), Expr::Int(1));
                next(first, d.days_between(epoch, date), "segc_day")
            }
        };
        // BIGINT: seconds since 1970 overflow a 32-bit integer in 2038.
        let midnight = col("segc_day")
            .cast(SqlType::Engine("BIGINT"))
            .bin("*", Expr::Int(SECONDS_PER_DAY));
        let start = if self.is_utc() {
            next(first_day, midnight, "segc_start")
        } else {
            self.day_start(next(first_day, midnight, "segc_midnight"))
        };
        let at = d.epoch_seconds_timestamp(col("segc_start"));
        Expr::Scalar(Box::new(next(start, at, "segc_at")))
    }

    /// The first instant of the local day whose midnight (as seconds, UTC
    /// arithmetic) `midnight` selects: `c1 = M - o1` when it has offset
    /// `o1`, else `c2 = M - o2` when it has `o2`, else `c1`; as `segc_start`.
    fn day_start(&self, midnight: Select) -> Select {
        let col = |name| Expr::Column(None, Ident::Plain(name));
        let m = || col("segc_midnight");
        let probe = |op| self.offset_at(m().bin(op, Expr::Int(PROBE_SECONDS)));
        let offsets = Select::new(
            vec![
                (m(), Some(Ident::Plain("segc_midnight"))),
                (probe("-"), Some(Ident::Plain("segc_o1"))),
                (probe("+"), Some(Ident::Plain("segc_o2"))),
            ],
            Source::Subquery(Box::new(midnight), Ident::Plain("segc_m")),
        );
        let c = |o| m().bin("-", col(o));
        let holds = |o| self.offset_at(c(o)).bin("=", col(o));
        let start = Expr::Case(
            vec![
                (holds("segc_o1"), c("segc_o1")),
                (holds("segc_o2"), c("segc_o2")),
            ],
            Some(Box::new(c("segc_o1"))),
        );
        next(offsets, start, "segc_start")
    }
}

/// `value - n`, or `value` for 0.
fn minus(value: Expr, n: i64) -> Expr {
    if n == 0 {
        value
    } else {
        value.bin("-", Expr::Int(n))
    }
}

/// `SELECT value AS name`, without `FROM`.
fn one_row(value: Expr, name: &'static str) -> Select {
    Select::new(vec![(value, Some(Ident::Plain(name)))], Source::Nothing)
}

/// `SELECT value AS name FROM (inner)`: `value` reads `inner`'s columns.
fn next(inner: Select, value: Expr, name: &'static str) -> Select {
    Select::new(
        vec![(value, Some(Ident::Plain(name)))],
        Source::Subquery(Box::new(inner), Ident::Plain("segc_calendar")),
    )
}
