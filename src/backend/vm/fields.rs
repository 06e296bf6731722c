//! Field tests that need more than a comparison: string tests, turned into
//! one table per test over the data's distinct strings when a run starts
//! (so the event loop compares integers, never text), and anniversaries.

use std::collections::HashSet;

use super::exec::RunError;
use super::program::TextTest;
use super::verify;
use crate::time::{civil_from_days, days_from_civil, Date};

/// Simple per-character Unicode lower-casing (spec §3.7): one character to
/// one, as DuckDB and PostgreSQL do; `İ` becomes `i`.
pub fn fold_case(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\u{130}' {
                'i'
            } else {
                c.to_lowercase().next().unwrap_or(c)
            }
        })
        .collect()
}

/// The outcome of a text test for every string of the dataset.
pub(super) fn text_table(
    test: &TextTest,
    pool: &[String],
    strings: &[String],
) -> Result<Vec<bool>, RunError> {
    /// Copies a string only to fold its case.
    fn fold(s: &str, ignore_case: bool) -> std::borrow::Cow<'_, str> {
        if ignore_case {
            fold_case(s).into()
        } else {
            s.into()
        }
    }
    // `contains`, `starts with`, `ends with`: `test(value, needle)` per string.
    let affix = |needle: &str, ignore_case: bool, test: fn(&str, &str) -> bool| -> Vec<bool> {
        let needle = fold(needle, ignore_case);
        strings
            .iter()
            .map(|s| test(&fold(s, ignore_case), &needle))
            .collect()
    };
    let table = match test {
        TextTest::OneOf {
            strings: wanted,
            negated,
            ignore_case,
        } => {
            // A set: a list of any length costs one lookup per string.
            let wanted: HashSet<_> = wanted
                .iter()
                .map(|i| fold(&pool[*i as usize], *ignore_case))
                .collect();
            strings
                .iter()
                .map(|s| wanted.contains(&fold(s, *ignore_case)) != *negated)
                .collect()
        }
        TextTest::Contains {
            string,
            ignore_case,
        } => affix(&pool[*string as usize], *ignore_case, |s, n| s.contains(n)),
        TextTest::StartsWith {
            string,
            ignore_case,
        } => affix(&pool[*string as usize], *ignore_case, |s, n| {
            s.starts_with(n)
        }),
        TextTest::EndsWith {
            string,
            ignore_case,
        } => affix(&pool[*string as usize], *ignore_case, |s, n| s.ends_with(n)),
        // `str`'s order is the order of UTF-8 bytes, which is code point order.
        TextTest::Order { cmp, string } => {
            let bound = pool[*string as usize].as_str();
            strings
                .iter()
                .map(|s| cmp.holds(s.as_str(), bound))
                .collect()
        }
        TextTest::Matches { string } => {
            let re = verify::pattern(&pool[*string as usize]).map_err(RunError::Pattern)?;
            strings.iter().map(|s| re.is_match(s)).collect()
        }
    };
    Ok(table)
}

/// `0 <= next anniversary - today < days`, 29 February on 28 February in
/// other years (spec §3.7).
/// `value_day` and `today` are local day numbers in the project's time zone.
pub(super) fn anniversary_within(value_day: i64, today: i64, days: i64) -> bool {
    let year = civil_from_days(today).year;
    let of = civil_from_days(value_day);
    let on = |y: i32| {
        let d = if of.month == 2 && of.day == 29 && !crate::time::is_leap_year(y) {
            28
        } else {
            of.day
        };
        days_from_civil(Date {
            year: y,
            month: of.month,
            day: d,
        })
    };
    let this_year = on(year);
    let next = if this_year >= today {
        this_year
    } else {
        on(year + 1)
    };
    next - today < days
}
