//! The registry of diagnostic codes. Codes are stable: once published, a code
//! keeps its meaning. Errors (`E`) and warnings (`W`) are numbered apart;
//! notes (`N`) inform and never fail a run.

use serde::{Serialize, Serializer};

use super::Severity;

macro_rules! codes {
    ($($variant:ident = $code:literal, $severity:ident, $summary:literal;)*) => {
        /// A diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }

            /// One line on what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary),* }
            }
        }
    };
}

codes! {
    // Lexical errors: every one in a file is reported at once.
    UnterminatedString = "E0001", Error, "a string has no closing quote";
    BadEscape = "E0002", Error, "a string holds an escape that Seg does not know";
    BadDuration = "E0003", Error, "a number runs into letters that are not a duration unit";
    BadDateTime = "E0004", Error, "a date or timestamp is malformed or does not exist";
    UnexpectedChar = "E0005", Error, "a character that no Seg token starts with";
    BadQuotedName = "E0006", Error, "a backquoted name is empty or not closed";
    TooDeep = "E0007", Error, "expressions nest deeper than segc allows";
    ControlChar = "E0008", Error, "a control character (such as NUL) in a definition";
    BadNumber = "E0009", Error, "a number too large for a 64-bit float";
    // Syntax.
    Syntax = "E0010", Error, "the text does not follow Seg's grammar";
    // Names.
    BadSegmentName = "E0020", Error, "a segment name is not of the form [a-z_][a-z0-9_]*";
    DuplicateSegment = "E0021", Error, "two segments (or two arms of a partition) share a name";
    UnknownSegment = "E0022", Error, "`in segment` names a segment that does not exist";
    Cycle = "E0023", Error, "segments refer to each other in a cycle";
    // Types and meaning.
    UnknownAttribute = "E0030", Error, "a user attribute that the schema does not declare";
    UnknownProperty = "E0031", Error, "an event property that the schema does not declare";
    TypeMismatch = "E0032", Error, "a comparison between values of incompatible types";
    StringOpOnNonString = "E0033", Error, "a string operator applied to a value that is not a string";
    TimeOpOnNonTimestamp = "E0034", Error, "a window, `in next` or `anniversary` on a value that is not a timestamp";
    EmptyWindow = "E0035", Error, "a window that can hold nothing";
    BadRegularity = "E0036", Error, "`in at least K of the last N` with K > N, or with K or N below 1";
    BadPercent = "E0037", Error, "a percentage outside its range, a holdout or bucket bound with more than two decimals, or an empty bucket";
    BadCount = "E0038", Error, "a count that is negative or not a whole number";
    BadPattern = "E0039", Error, "a `matches` pattern outside the portable regex subset";
    MisplacedCondition = "E0040", Error, "a condition where it cannot be: a property outside `where`, or a user attribute or behaviour inside it";
    BadInstant = "E0041", Error, "`on` given a timestamp, or `anniversary`/`in next` given a duration they cannot use";
    BadOrdering = "E0042", Error, "`<`, `<=`, `>` or `>=` on a boolean, or with `ignoring case`";
    TooBig = "E0043", Error, "a definition beyond a limit that segc or an engine imposes (name length, sequence steps)";
    SameQuantity = "E0044", Error, "`with same` on a count that is not `at least N` (N ≥ 1) or `more than N`";
    SameTwice = "E0045", Error, "`with same` lists one property twice";
    NotANumber = "E0046", Error, "arithmetic or a comparison of measures on a value that is not a number";
    Schema = "E0050", Error, "segc.toml is malformed or declares something invalid";
    UnknownTimeZone = "E0051", Error, "segc.toml names a time zone that is not in the tz database";
    BadWeekStart = "E0052", Error, "segc.toml's week_starts_on is neither \"monday\" nor \"sunday\"";
    BadCalendarCount = "E0053", Error, "a calendar window counts no periods, or more than 10 000";
    // Warnings: reported, but the run succeeds.
    UnknownEvent = "W0001", Warning, "an event name outside the schema's catalog";
    EmptyFile = "W0002", Warning, "a .seg file that defines no segment";
    AlwaysEmpty = "W0003", Warning, "a segment that can never have members";
    Everyone = "W0004", Warning, "a segment that holds for every user";
    Redundant = "W0005", Warning, "a condition implied by the rest of its segment";
    UnboundedHistory = "W0006", Warning, "a behavioural condition without a window reads all history";
    NotEqualMissing = "W0007", Warning, "`!=` or `not in` on a user attribute excludes users without it";
    SequenceWithoutWithin = "W0008", Warning, "a sequence without `within` can span any time";
    LongWindow = "W0009", Warning, "a window longer than two years";
    UnreachableArm = "W0010", Warning, "a partition arm that earlier arms cover, so nobody is assigned to it";
    UnusedInternal = "W0011", Warning, "an internal segment (named `_…`) that no segment uses";
    BidiControl = "W0012", Warning, "an invisible bidirectional control character in a definition";
    MixedAndOr = "W0013", Warning, "`and` and `or` mixed without parentheses";
    SameNotCarried = "W0014", Warning, "`with same` on a property not carried by every step's events";
    DivisionByMaybeZero = "W0015", Warning, "a measure divided by something that may be zero, so the comparison is false for those users";
    // Notes.
    TypesUnchecked = "N0001", Note, "no segc.toml was found, so property and attribute types are unchecked";
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = ();
    fn from_str(s: &str) -> Result<Code, ()> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or(())
    }
}
