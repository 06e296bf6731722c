//! The spelling of the tokens the formatter may respell: durations, names
//! and dates. Strings and numbers are never respelled: their text is the
//! user's, and two spellings of one string (`"\u{41}"`, `"A"`) are both fine.

use std::borrow::Cow;

use crate::syntax::token::is_keyword;

/// The units a duration is reduced to, largest first. Weeks are not among
/// them: `7d`, `14d` and `28d` stay days, as marketers count windows in days
/// (there are no months), and `2w` stays weeks when written so.
const REDUCIBLE: [(char, i64); 4] = [('d', 86_400), ('h', 3600), ('m', 60), ('s', 1)];

/// A duration literal in canonical form: a lower-case unit, no leading
/// zeros, and the largest unit up to days that divides it exactly
/// (`24h` → `1d`, `90m` stays `90m`, `2W` → `2w`).
pub(super) fn duration(written: &str, seconds: i64) -> String {
    let unit = written
        .chars()
        .last()
        .map_or('s', |c| c.to_ascii_lowercase());
    if unit == 'w' {
        return format!("{}w", seconds / 604_800);
    }
    let written_size = REDUCIBLE
        .iter()
        .find(|(u, _)| *u == unit)
        .map_or(1, |(_, size)| *size);
    let (unit, size) = REDUCIBLE
        .iter()
        .find(|(_, size)| *size >= written_size && seconds != 0 && seconds % size == 0)
        .copied()
        .unwrap_or((unit, written_size));
    format!("{}{unit}", seconds / size)
}

/// A property or attribute name: bare when it reads as an identifier,
/// backquoted otherwise (`` `$browser` ``, a reserved word such as `` `first` ``).
pub(super) fn name(name: &str) -> Cow<'_, str> {
    let mut chars = name.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier && !is_keyword(name) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("`{name}`"))
    }
}

/// A date or timestamp with its `T` and `Z` in upper case; the offset the
/// user wrote stays (`+02:00` says where the instant was meant).
pub(super) fn instant(written: &str) -> String {
    written.to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_reduce_to_the_largest_exact_unit_up_to_days() {
        for (written, seconds, canonical) in [
            ("24h", 86_400, "1d"),
            ("48H", 172_800, "2d"),
            ("90m", 5400, "90m"),
            ("120s", 120, "2m"),
            ("7d", 604_800, "7d"),
            ("14D", 1_209_600, "14d"),
            ("2W", 1_209_600, "2w"),
            ("0h", 0, "0h"),
            ("007d", 604_800, "7d"),
        ] {
            assert_eq!(duration(written, seconds), canonical, "{written}");
        }
    }

    #[test]
    fn names_are_quoted_only_when_needed() {
        assert_eq!(name("amount"), "amount");
        assert_eq!(name("$browser"), "`$browser`");
        assert_eq!(name("first"), "`first`");
        assert_eq!(name("First"), "`First`");
        assert_eq!(name("9lives"), "`9lives`");
    }
}
