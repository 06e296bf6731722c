//! Calendar periods in the project's time zone (spec §3.10, §6).
//!
//! One algorithm, written once here and once per SQL dialect in the same
//! steps, decides where a calendar period starts, so the interpreter and
//! every engine agree: the only thing taken from a time-zone database is the
//! UTC offset in force at an instant (the bundled tz database here, the
//! engine's own in SQL).
//!
//! The start of local date `D` is found from the offsets `o1` a day and a
//! half before and `o2` a day and a half after its local midnight `M`
//! (real zones never change offset twice within three days): `c1 = M - o1`
//! when that instant really has offset `o1` (it is then the first instant of
//! the day, also when midnight happens twice), else `c2 = M - o2` when it
//! has offset `o2`, else (midnight skipped) `c1`, the end of the gap. This is
//! the spec's "first instant whose local date is that day" whenever a gap
//! starts at midnight or does not contain it; a gap that starts before
//! midnight and ends after it (no zone in the tz database has one since
//! 1970 that we know of) would start the day at `c1` rather than at the
//! transition (docs/language.md says so).

use serde::{Deserialize, Serialize};

use crate::time::{civil_from_days, days_from_civil, Date, MICROS_PER_SECOND, SECONDS_PER_DAY};

/// The first day of a calendar week.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekStart {
    #[default]
    Monday,
    Sunday,
}

impl WeekStart {
    /// Added to a day number (days since 1970-01-01, a Thursday) before
    /// `mod 7`, it gives days since the start of the week.
    pub fn shift(self) -> i64 {
        match self {
            WeekStart::Monday => 3,
            WeekStart::Sunday => 4,
        }
    }
}

/// `[settings]` of `segc.toml`: the project's time zone and week start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// An IANA name, checked against the bundled tz database.
    pub time_zone: String,
    pub week_starts_on: WeekStart,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            time_zone: "UTC".into(),
            week_starts_on: WeekStart::Monday,
        }
    }
}

impl Settings {
    /// Whether calendar arithmetic is plain UTC arithmetic.
    pub fn is_default(&self) -> bool {
        *self == Settings::default()
    }
}

/// A calendar period kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Quarter => "quarter",
            Unit::Year => "year",
        }
    }

    /// At least as long as any period of the unit, in seconds (a day may
    /// have 25 hours): how far back `ago` periods can reach, for estimates.
    pub fn longest_seconds(self) -> i64 {
        let days = match self {
            Unit::Day => 1,
            Unit::Week => 7,
            Unit::Month => 31,
            Unit::Quarter => 92,
            Unit::Year => 366,
        };
        days * (SECONDS_PER_DAY + 3600)
    }

    /// Months in one period, for the month-based units.
    pub fn months(self) -> Option<i64> {
        match self {
            Unit::Month => Some(1),
            Unit::Quarter => Some(3),
            Unit::Year => Some(12),
            Unit::Day | Unit::Week => None,
        }
    }
}

/// Seconds from local midnight at which the offsets around it are read.
pub const PROBE_SECONDS: i64 = 129_600;

/// The names of the bundled tz database, for checking and suggestions.
pub fn zone_names() -> Vec<String> {
    jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .collect()
}

/// A time zone ready for offset look-ups.
#[derive(Clone, Debug)]
pub struct Zone {
    tz: jiff::tz::TimeZone,
    week: WeekStart,
}

impl Zone {
    /// The zone of `settings`; `None` when the tz database lacks the name
    /// (sema reports that; a hand-written program falls back to UTC).
    pub fn new(settings: &Settings) -> Option<Zone> {
        // The database looks names up ignoring case; its own spelling is
        // the one engines all know.
        let tz = jiff::tz::TimeZone::get(&settings.time_zone).ok()?;
        let exact = tz.iana_name() == Some(settings.time_zone.as_str());
        exact.then_some(Zone {
            tz,
            week: settings.week_starts_on,
        })
    }

    /// The zone of `settings`, or UTC when it is unknown.
    pub fn or_utc(settings: &Settings) -> Zone {
        Zone::new(settings).unwrap_or(Zone {
            tz: jiff::tz::TimeZone::UTC,
            week: settings.week_starts_on,
        })
    }

    /// The UTC offset in seconds in force at `seconds` since the epoch.
    pub fn offset(&self, seconds: i64) -> i64 {
        match jiff::Timestamp::from_second(seconds) {
            Ok(t) => i64::from(self.tz.to_offset(t).seconds()),
            Err(_) => 0,
        }
    }

    /// The local day number (days since 1970-01-01) of an instant.
    pub fn local_day(&self, micros: i64) -> i64 {
        let seconds = micros.div_euclid(MICROS_PER_SECOND);
        (seconds + self.offset(seconds)).div_euclid(SECONDS_PER_DAY)
    }

    /// The first instant (microseconds) of local day number `day`.
    pub fn day_start(&self, day: i64) -> i64 {
        let midnight = day * SECONDS_PER_DAY;
        let o1 = self.offset(midnight - PROBE_SECONDS);
        let o2 = self.offset(midnight + PROBE_SECONDS);
        let (c1, c2) = (midnight - o1, midnight - o2);
        let start = if self.offset(c1) == o1 {
            c1
        } else if self.offset(c2) == o2 {
            c2
        } else {
            c1
        };
        start * MICROS_PER_SECOND
    }

    /// The first instant of a local date.
    pub fn date_start(&self, date: Date) -> i64 {
        self.day_start(days_from_civil(date))
    }

    /// The local day number on which period `ago` of `unit` starts,
    /// numbering periods backwards from the one holding `now` (period 0).
    pub fn period_first_day(&self, now: i64, unit: Unit, ago: i64) -> i64 {
        let today = self.local_day(now);
        match unit {
            Unit::Day => today - ago,
            Unit::Week => today - (today + self.week.shift()).rem_euclid(7) - 7 * ago,
            _ => {
                let months = unit.months().unwrap_or(1);
                let d = civil_from_days(today);
                let index = i64::from(d.year) * 12 + i64::from(d.month) - 1;
                let first = index - index.rem_euclid(months) - months * ago;
                days_from_civil(Date {
                    year: first.div_euclid(12) as i32,
                    month: first.rem_euclid(12) as u32 + 1,
                    day: 1,
                })
            }
        }
    }

    /// The first instant of calendar period `ago` of `unit` (microseconds).
    pub fn period_start(&self, now: i64, unit: Unit, ago: i64) -> i64 {
        self.day_start(self.period_first_day(now, unit, ago))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{parse_timestamp, Timestamp};

    fn zone(name: &str, week: WeekStart) -> Zone {
        Zone::new(&Settings {
            time_zone: name.into(),
            week_starts_on: week,
        })
        .expect(name)
    }

    fn at(text: &str) -> i64 {
        parse_timestamp(text).unwrap().0
    }

    fn show(micros: i64) -> String {
        Timestamp(micros).to_string()
    }

    #[test]
    fn local_midnights() {
        let berlin = zone("Europe/Berlin", WeekStart::Monday);
        let now = at("2026-03-29T12:00:00Z"); // a Sunday, the 23-hour day
        assert_eq!(
            show(berlin.period_start(now, Unit::Day, 0)),
            "2026-03-28T23:00:00Z"
        );
        assert_eq!(
            show(berlin.period_start(now, Unit::Day, 1)),
            "2026-03-27T23:00:00Z"
        );
        assert_eq!(
            show(berlin.period_start(now, Unit::Week, 0)),
            "2026-03-22T23:00:00Z"
        );
        assert_eq!(
            show(berlin.period_start(now, Unit::Month, 0)),
            "2026-02-28T23:00:00Z"
        );
        assert_eq!(
            show(berlin.period_start(now, Unit::Quarter, 1)),
            "2025-09-30T22:00:00Z"
        );
        assert_eq!(
            show(berlin.period_start(now, Unit::Year, 0)),
            "2025-12-31T23:00:00Z"
        );
        let sunday = zone("America/New_York", WeekStart::Sunday);
        assert_eq!(
            show(sunday.period_start(now, Unit::Week, 0)),
            "2026-03-29T04:00:00Z"
        );
        let kathmandu = zone("Asia/Kathmandu", WeekStart::Monday);
        assert_eq!(
            show(kathmandu.period_start(now, Unit::Day, 0)),
            "2026-03-28T18:15:00Z"
        );
    }

    /// Santiago skips local midnight when daylight saving starts: the day
    /// starts at 01:00 local, the instant of the change.
    #[test]
    fn skipped_midnight_starts_the_day_at_the_change() {
        let santiago = zone("America/Santiago", WeekStart::Monday);
        let day = days_from_civil(Date::new(2026, 9, 6).unwrap());
        assert_eq!(show(santiago.day_start(day)), "2026-09-06T04:00:00Z");
        let apia = zone("Pacific/Apia", WeekStart::Monday);
        let skipped = days_from_civil(Date::new(2011, 12, 30).unwrap());
        assert_eq!(apia.day_start(skipped), apia.day_start(skipped + 1));
    }

    #[test]
    fn names_are_spelled_as_in_the_database() {
        assert!(Zone::new(&Settings::default()).is_some());
        let lower = Settings {
            time_zone: "europe/berlin".into(),
            week_starts_on: WeekStart::Monday,
        };
        assert!(Zone::new(&lower).is_none());
    }
}
