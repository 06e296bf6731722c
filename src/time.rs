//! Calendar arithmetic on UTC instants, without a date library.
//!
//! Seg needs only a little of it: parse RFC 3339 literals, turn a date into the
//! instant its UTC day starts, and print instants back. Instants are
//! microseconds since the Unix epoch, which covers RFC 3339 fractions exactly
//! enough for every engine we target (they all store microseconds).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const SECONDS_PER_DAY: i64 = 86_400;

/// An instant: microseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's `days_from_civil`).
pub fn days_from_civil(date: Date) -> i64 {
    let y = i64::from(date.year) - i64::from(date.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(date.month);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(date.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Checks the ranges of month and day; `None` for dates like 2026-02-30.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// The instant this UTC day starts.
    pub fn start(self) -> Timestamp {
        Timestamp(days_from_civil(self) * SECONDS_PER_DAY * MICROS_PER_SECOND)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A duration in the largest whole unit: `7d`, `90m`, `45s`.
pub fn format_duration(seconds: i64) -> String {
    for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds != 0 && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

/// Why a date or timestamp literal is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError(pub String);

fn digits(s: &str, what: &str) -> Result<u32, TimeError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TimeError(format!("{what} must be digits")));
    }
    s.parse()
        .map_err(|_| TimeError(format!("{what} is too large")))
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<Date, TimeError> {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return Err(TimeError(
            "write dates as YYYY-MM-DD, e.g. 2026-01-31".into(),
        ));
    }
    let year = digits(parts[0], "the year")? as i32;
    let month = digits(parts[1], "the month")?;
    let day = digits(parts[2], "the day")?;
    if !(1..=12).contains(&month) {
        return Err(TimeError(format!(
            "there is no month {month}: months are 01 to 12"
        )));
    }
    Date::new(year, month, day).ok_or_else(|| {
        TimeError(format!(
            "{s} does not exist: {:04}-{:02} has {} days",
            year,
            month,
            days_in_month(year, month)
        ))
    })
}

/// An instant written as an RFC 3339 timestamp, or as a date for its start
/// (UTC midnight): what `--as-of` and test files accept. Text with a `T` is
/// meant as a timestamp, and gets the timestamp's error.
pub fn parse_instant(s: &str) -> Result<Timestamp, TimeError> {
    match parse_timestamp(s) {
        Err(e) if s.contains(['T', 't']) => Err(e),
        Err(_) => parse_date(s).and_then(|d| Timestamp::checked(d.start().0)),
        ok => ok,
    }
}

/// Parses an RFC 3339 timestamp (`2026-01-31T12:00:00Z`, optional fraction,
/// `Z` or `±HH:MM`) into the UTC instant it names, which must lie in years
/// 0001 to 9999. Any string is safe to give it: every part is checked to be
/// ASCII digits before it is sliced or parsed.
pub fn parse_timestamp(s: &str) -> Result<Timestamp, TimeError> {
    const FORM: &str =
        "write timestamps as 2026-01-31T12:00:00Z (RFC 3339: seconds and a zone are required)";
    let (date, rest) = s
        .split_once(['T', 't'])
        .ok_or_else(|| TimeError(FORM.into()))?;
    let date = parse_date(date)?;
    let zone_at = rest
        .find(['Z', 'z', '+', '-'])
        .ok_or_else(|| TimeError(FORM.into()))?;
    let (clock, zone) = rest.split_at(zone_at);
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, frac)) => (hms, Some(frac)),
        None => (clock, None),
    };
    let hms: Vec<&str> = hms.split(':').collect();
    if hms.len() != 3 || hms.iter().any(|p| p.len() != 2) {
        return Err(TimeError(FORM.into()));
    }
    let (h, m, sec) = (
        digits(hms[0], "the hour")?,
        digits(hms[1], "the minute")?,
        digits(hms[2], "the second")?,
    );
    if h > 23 || m > 59 || sec > 59 {
        return Err(TimeError(format!(
            "{:02}:{:02}:{:02} is not a time of day",
            h, m, sec
        )));
    }
    let micros = match fraction {
        None => 0,
        Some(f) if f.is_empty() || f.len() > 9 => {
            return Err(TimeError("a fraction of a second has 1 to 9 digits".into()))
        }
        Some(f) => {
            // All ASCII digits, so every byte index is a character boundary.
            digits(f, "the fraction of a second")?;
            let micros = &f[..f.len().min(6)];
            i64::from(digits(micros, "the fraction")?) * 10_i64.pow(6 - micros.len() as u32)
        }
    };
    let offset_seconds = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (oh, om) = zone[1..]
                .split_once(':')
                .filter(|(oh, om)| oh.len() == 2 && om.len() == 2)
                .ok_or_else(|| TimeError(FORM.into()))?;
            let (oh, om) = (digits(oh, "the zone hour")?, digits(om, "the zone minute")?);
            if oh > 23 || om > 59 {
                return Err(TimeError(format!("{zone} is not a time zone offset")));
            }
            sign * i64::from(oh * 3600 + om * 60)
        }
    };
    let seconds = days_from_civil(date) * SECONDS_PER_DAY + i64::from(h * 3600 + m * 60 + sec)
        - offset_seconds;
    Timestamp::checked(seconds * MICROS_PER_SECOND + micros)
}

/// The first instant of year 0001 and the last of year 9999: the range
/// PostgreSQL and DuckDB both accept, and every RFC 3339 year.
const FIRST: Timestamp = Timestamp(-62_135_596_800 * MICROS_PER_SECOND);
const LAST: Timestamp = Timestamp(253_402_300_800 * MICROS_PER_SECOND - 1);

impl Timestamp {
    pub fn from_seconds(s: i64) -> Timestamp {
        Timestamp(s * MICROS_PER_SECOND)
    }

    /// `micros` as an instant, if it lies in years 0001 to 9999.
    pub fn checked(micros: i64) -> Result<Timestamp, TimeError> {
        if (FIRST.0..=LAST.0).contains(&micros) {
            Ok(Timestamp(micros))
        } else {
            Err(TimeError(
                "the instant is outside years 0001 to 9999 (the range SQL engines accept)".into(),
            ))
        }
    }

    /// `count` units of `unit_micros` microseconds since the epoch (epoch
    /// seconds or milliseconds in a data file), rounded to the microsecond.
    /// NaN, infinities and instants outside years 0001 to 9999 are errors,
    /// never a saturated or zero instant.
    pub fn from_epoch(count: f64, unit_micros: i64) -> Result<Timestamp, TimeError> {
        let micros = (count * unit_micros as f64).round();
        if !micros.is_finite() {
            return Err(TimeError(format!("{count} is not a finite number")));
        }
        // A saturating cast: anything it clamps is out of range anyway.
        Timestamp::checked(micros as i64)
    }

    /// The UTC date of this instant.
    pub fn date(self) -> Date {
        civil_from_days(self.0.div_euclid(MICROS_PER_SECOND * SECONDS_PER_DAY))
    }
}

/// RFC 3339 in UTC, with a fraction only when there is one.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.div_euclid(MICROS_PER_SECOND);
        let micros = self.0.rem_euclid(MICROS_PER_SECOND);
        let day_secs = secs.rem_euclid(SECONDS_PER_DAY);
        write!(
            f,
            "{}T{:02}:{:02}:{:02}",
            self.date(),
            day_secs / 3600,
            day_secs / 60 % 60,
            day_secs % 60
        )?;
        if micros != 0 {
            write!(f, ".{micros:06}")?;
        }
        f.write_str("Z")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let s = String::deserialize(d)?;
        parse_timestamp(&s).map_err(|e| serde::de::Error::custom(e.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_454, 2_932_896] {
            assert_eq!(days_from_civil(civil_from_days(days)), days);
        }
        assert_eq!(days_from_civil(Date::new(2000, 3, 1).unwrap()), 11_017);
    }

    #[test]
    fn timestamps_parse_to_utc() {
        let t = parse_timestamp("2026-01-31T12:00:00+02:00").unwrap();
        assert_eq!(t.to_string(), "2026-01-31T10:00:00Z");
        let t = parse_timestamp("2026-01-31T00:00:00.5Z").unwrap();
        assert_eq!(t.to_string(), "2026-01-31T00:00:00.500000Z");
        assert!(parse_timestamp("2026-01-31T24:00:00Z").is_err());
        assert!(parse_timestamp("2026-01-31T12:00Z").is_err());
        assert!(parse_date("2026-02-29").is_err());
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2026-13-01").is_err());
    }

    /// Multi-byte characters where digits belong are errors, not a slice
    /// inside a character (this panicked).
    #[test]
    fn no_string_panics_the_parser() {
        for s in [
            "2026-01-01T00:00:00.a€€Z",
            "2026-01-01T00:00:00.€Z",
            "2026-01-01T00:00:00.12345€Z",
            "2026-01-01T00:00:00+€:00",
            "2026-01-01T00:00:00+0€:0",
            "2026-01-01T€0:00:00Z",
            "2026-01-01T00:00:00-",
            "2026-01-01T",
            "T",
            "€T€Z",
            "2026-0€-01T00:00:00Z",
        ] {
            assert!(parse_timestamp(s).is_err(), "{s}");
            assert!(parse_instant(s).is_err(), "{s}");
        }
        let t = parse_timestamp("2026-01-01T00:00:00.123456789Z").unwrap();
        assert_eq!(t.to_string(), "2026-01-01T00:00:00.123456Z");
        let t = parse_timestamp("2026-01-01T00:00:00.05Z").unwrap();
        assert_eq!(t.to_string(), "2026-01-01T00:00:00.050000Z");
    }

    #[test]
    fn instants_stay_in_years_1_to_9999() {
        assert!(parse_timestamp("0001-01-01T00:00:00Z").is_ok());
        assert!(parse_timestamp("9999-12-31T23:59:59.999999Z").is_ok());
        assert!(parse_timestamp("0000-12-31T23:59:59Z").is_err());
        assert!(parse_timestamp("0001-01-01T00:00:00+00:01").is_err());
        assert!(parse_timestamp("9999-12-31T23:59:59-00:01").is_err());
        assert!(parse_instant("0000-01-01").is_err());
        assert_eq!(
            parse_instant("2026-01-01T00:00:00.xZ").unwrap_err().0,
            "the fraction of a second must be digits"
        );
        assert_eq!(
            Timestamp::from_epoch(1.5, MICROS_PER_SECOND),
            Ok(Timestamp(1_500_000))
        );
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            -1e300,
            3e11,
        ] {
            assert!(
                Timestamp::from_epoch(bad, MICROS_PER_SECOND).is_err(),
                "{bad}"
            );
        }
        assert!(Timestamp::from_epoch(-62_135_596_800.0, MICROS_PER_SECOND).is_ok());
        assert!(Timestamp::from_epoch(-62_135_596_801.0, MICROS_PER_SECOND).is_err());
    }
}
