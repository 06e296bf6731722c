//! Calendar windows, calendar regularity and dates in the project's time
//! zone (spec §3.10, §6), on the interpreter and every engine, with
//! boundary cases worked out by hand: local midnights in zones west and
//! east of UTC and off the hour (Kathmandu +5:45, Lord Howe's 30-minute
//! daylight saving), 23- and 25-hour days, a skipped and a doubled
//! midnight, weeks from Monday and from Sunday, quarter, year and leap-day
//! edges, `last` against `previous`, date literals and anniversaries.

mod engines;

use engines::{ev, user, Case, Engine, Event, Layout, User};
use serde_json::json;

const BERLIN: &str = "time_zone = \"Europe/Berlin\"";

/// One user per event, named as the event's user.
fn logins(at: &[(&str, &str)]) -> Vec<Event> {
    at.iter()
        .map(|(id, ts)| ev(id, "login", ts, json!({})))
        .collect()
}

/// Sunday 2026-03-29 in Berlin: clocks go from 02:00 CET (+1) to 03:00
/// CEST (+2) at 01:00Z, so the day has 23 hours; now is 14:00 local.
/// Local midnights: Mar 29 = 03-28T23:00Z, Mar 28 = 03-27T23:00Z, Monday
/// Mar 23 = 03-22T23:00Z, Mar 1 = 02-28T23:00Z, Jan 1 = 2025-12-31T23:00Z,
/// Dec 1 = 2025-11-30T23:00Z, Oct 1 2025 (summer time) = 09-30T22:00Z.
fn berlin_edges() -> Vec<Event> {
    logins(&[
        ("a", "2026-03-28T23:00:00Z"),  // Sun Mar 29 00:00
        ("b", "2026-03-28T22:59:59Z"),  // Sat Mar 28 23:59:59
        ("c", "2026-03-27T23:00:00Z"),  // Sat Mar 28 00:00
        ("d", "2026-03-27T22:59:59Z"),  // Fri Mar 27 23:59:59
        ("e", "2026-03-22T23:00:00Z"),  // Mon Mar 23 00:00
        ("ff", "2026-03-22T22:59:59Z"), // Sun Mar 22 23:59:59
        ("g", "2026-02-28T23:00:00Z"),  // Sun Mar 1 00:00
        ("h", "2026-02-28T22:59:59Z"),  // Sat Feb 28 23:59:59
        ("i", "2025-12-31T23:00:00Z"),  // Thu Jan 1 2026 00:00
        ("j", "2025-12-31T22:59:59Z"),  // Wed Dec 31 2025 23:59:59
        ("k", "2025-09-30T22:00:00Z"),  // Wed Oct 1 2025 00:00 (CEST)
        ("l", "2025-09-30T21:59:59Z"),  // Tue Sep 30 2025 23:59:59
        ("m", "2026-03-29T12:00:00Z"),  // now
        ("n", "2026-03-29T12:00:01Z"),  // after now
    ])
}

#[test]
fn calendar_windows_in_berlin() {
    Case {
        layout: Layout::NoUsers,
        users: vec![],
        events: berlin_edges(),
        segments: r#"
            segment today = did "login" today
            segment this_day = did "login" this day
            segment yesterday = did "login" yesterday
            segment this_week = did "login" this week
            segment last_week = did "login" last week
            segment this_month = did "login" this month
            segment last_month = did "login" last month
            segment this_quarter = did "login" this quarter
            segment last_quarter = did "login" last quarter
            segment this_year = did "login" this year
            segment last_year = did "login" last year
            segment last_2_days = did "login" in the last 2 calendar days
            segment previous_2_days = did "login" in the previous 2 calendar days
            segment last_1_month = did "login" in the last 1 calendar month
            segment previous_3_months = did "login" in the previous 3 calendar months
            segment counted = count of any event last month >= 1
            segment recent = last "login" yesterday
            segment first_seen = first any event in the previous 1 calendar quarter
        "#,
        as_of: Some("2026-03-29T12:00:00Z"),
        canary: false,
        expect: vec![
            ("today", "a m"),
            ("this_day", "a m"),
            ("yesterday", "b c"),
            ("this_week", "a b c d e m"),
            ("last_week", "ff"),
            ("this_month", "a b c d e ff g m"),
            ("last_month", "h"),
            ("this_quarter", "a b c d e ff g h i m"),
            ("last_quarter", "j k"),
            ("this_year", "a b c d e ff g h i m"),
            ("last_year", "j k l"),
            ("last_2_days", "a b c m"),
            ("previous_2_days", "b c d"),
            ("last_1_month", "a b c d e ff g m"),
            ("previous_3_months", "h i j"),
            ("counted", "h"),
            ("recent", "b c"),
            ("first_seen", "j k"),
        ],
    }
    .run_in(BERLIN);
}

/// The same data with weeks from Sunday: this week is Sunday Mar 29 alone,
/// last week Sunday Mar 22 to Saturday Mar 28.
#[test]
fn weeks_from_sunday() {
    Case {
        layout: Layout::NoUsers,
        users: vec![],
        events: berlin_edges(),
        segments: r#"
            segment this_week = did "login" this week
            segment last_week = did "login" last week
            segment previous_2_weeks = did "login" in the previous 2 calendar weeks
        "#,
        as_of: Some("2026-03-29T12:00:00Z"),
        canary: false,
        expect: vec![
            ("this_week", "a m"),
            ("last_week", "b c d e ff"),
            // Sunday Mar 15 (03-14T23:00Z) to Saturday Mar 28.
            ("previous_2_weeks", "b c d e ff"),
        ],
    }
    .run_in(&format!("{BERLIN}\nweek_starts_on = \"sunday\""));
}

fn signed_up(id: &str, at: &str) -> User {
    user(id, json!({ "signed_up_at": at }))
}

/// New York's 25-hour Sunday 2025-11-02 (EDT -4 until 06:00Z, then EST
/// -5): it runs from 04:00Z to 05:00Z the next day. Date literals are
/// whole local days, in windows and in comparisons; the 23-hour
/// 2026-03-08 runs from 05:00Z to 04:00Z.
#[test]
fn new_york_days_and_date_literals() {
    let users = vec![
        signed_up("p", "2025-11-02T04:00:00Z"),  // Nov 2 00:00 EDT
        signed_up("q", "2025-11-02T03:59:59Z"),  // Nov 1 23:59:59 EDT
        signed_up("r", "2025-11-03T04:59:59Z"),  // Nov 2 23:59:59 EST
        signed_up("s", "2025-11-03T05:00:00Z"),  // Nov 3 00:00 EST
        signed_up("tt", "2026-03-09T03:59:59Z"), // Mar 8 23:59:59 EDT
        signed_up("u", "2026-03-09T04:00:00Z"),  // Mar 9 00:00 EDT
        signed_up("v", "2026-03-08T05:00:00Z"),  // Mar 8 00:00 EST
        signed_up("w", "2026-03-08T04:59:59Z"),  // Mar 7 23:59:59 EST
    ];
    let events = logins(&[
        ("p", "2025-11-02T04:00:00Z"),
        ("q", "2025-11-02T03:59:59Z"),
        ("r", "2025-11-03T04:59:59Z"),
        ("s", "2025-11-03T05:00:00Z"),
    ]);
    Case {
        layout: Layout::Json,
        users,
        events,
        segments: r#"
            segment yesterday = did "login" yesterday
            segment today = did "login" today
            segment on_day = did "login" on 2025-11-02
            segment since_day = did "login" since 2025-11-02
            segment before_day = did "login" before 2025-11-02
            segment between_days = did "login" between 2025-11-01 and 2025-11-02
            segment last_week = did "login" last week
            segment signed_on = user.signed_up_at = 2025-11-02
            segment signed_after = user.signed_up_at > 2025-11-02
            segment signed_by = user.signed_up_at <= 2025-11-01
            segment signed_in = user.signed_up_at in (2025-11-02, 2026-03-08)
            segment signed_not_in = user.signed_up_at not in (2025-11-02, 2026-03-08)
            segment short_day = user.signed_up_at on 2026-03-08
            segment signed_yesterday = user.signed_up_at yesterday
        "#,
        as_of: Some("2025-11-03T12:00:00Z"),
        canary: false,
        expect: vec![
            ("yesterday", "p r"),
            ("today", "s"),
            ("on_day", "p r"),
            ("since_day", "p r s"),
            ("before_day", "q"),
            ("between_days", "p q r"),
            // Monday Oct 27 00:00 EDT to Monday Nov 3 00:00 EST.
            ("last_week", "p q r"),
            ("signed_on", "p r"),
            ("signed_after", "s tt u v w"),
            ("signed_by", "q"),
            ("signed_in", "p r tt v"),
            ("signed_not_in", "q s u w"),
            ("short_day", "tt v"),
            ("signed_yesterday", "p r"),
        ],
    }
    .run_in("time_zone = \"America/New_York\"");
}

/// Lord Howe Island leaves its half-hour daylight saving on Sunday
/// 2026-04-05 at 02:00 (+11) → 01:30 (+10:30): that day runs from
/// 04-04T13:00Z to 04-05T13:30Z, 24 and a half hours.
#[test]
fn lord_howe_half_hour_change() {
    Case {
        layout: Layout::NoUsers,
        users: vec![],
        events: logins(&[
            ("x", "2026-04-04T13:00:00Z"),
            ("y", "2026-04-04T12:59:59Z"),
            ("v", "2026-04-05T13:29:59Z"),
            ("w", "2026-04-05T13:30:00Z"),
        ]),
        segments: r#"
            segment yesterday = did "login" yesterday
            segment today = did "login" today
            segment last_2_days = did "login" in the last 2 calendar days
        "#,
        as_of: Some("2026-04-06T00:00:00Z"),
        canary: false,
        expect: vec![
            ("yesterday", "v x"),
            ("today", "w"),
            ("last_2_days", "v w x"),
        ],
    }
    .run_in("time_zone = \"Australia/Lord_Howe\"");
}

/// Kathmandu is +5:45 all year. Now is 2028-03-01 05:45 local, the day
/// after a leap day: local midnights are at 18:15Z the day before.
#[test]
fn kathmandu_months_quarters_and_leap_day() {
    Case {
        layout: Layout::NoUsers,
        users: vec![],
        events: logins(&[
            ("aa", "2028-02-29T18:14:59Z"), // Feb 29 23:59:59
            ("bb", "2028-02-29T18:15:00Z"), // Mar 1 00:00
            ("cc", "2028-01-31T18:15:00Z"), // Feb 1 00:00
            ("dd", "2028-01-31T18:14:59Z"), // Jan 31 23:59:59
            ("ee", "2027-12-31T18:14:59Z"), // Dec 31 2027 23:59:59
            ("ff", "2027-12-31T18:15:00Z"), // Jan 1 2028 00:00
        ]),
        segments: r#"
            segment today = did "login" today
            segment yesterday = did "login" yesterday
            segment this_month = did "login" this month
            segment last_month = did "login" last month
            segment previous_2_months = did "login" in the previous 2 calendar months
            segment this_quarter = did "login" this quarter
            segment last_quarter = did "login" last quarter
            segment last_year = did "login" last year
            segment leap_day = did "login" on 2028-02-29
        "#,
        as_of: Some("2028-03-01T00:00:00Z"),
        canary: false,
        expect: vec![
            ("today", "bb"),
            ("yesterday", "aa"),
            ("this_month", "bb"),
            ("last_month", "aa cc"),
            ("previous_2_months", "aa cc dd ff"),
            ("this_quarter", "aa bb cc dd ff"),
            ("last_quarter", "ee"),
            ("last_year", "ee"),
            ("leap_day", "aa"),
        ],
    }
    .run_in("time_zone = \"Asia/Kathmandu\"");
}

/// Anniversaries take today and the attribute's month and day in the
/// project's time zone: in Kathmandu, 1990-02-28T18:15:00Z is 1 March.
#[test]
fn anniversary_across_local_midnight() {
    let born = |id: &str, at: &str| user(id, json!({ "birth_date": at }));
    Case {
        layout: Layout::Json,
        users: vec![
            born("b1", "1990-02-28T18:15:00Z"), // Mar 1 00:00 local
            born("b2", "1990-02-28T18:14:59Z"), // Feb 28 23:59:59 local
            born("b3", "1990-03-01T18:15:00Z"), // Mar 2 00:00 local
            born("b4", "2000-02-29T12:00:00Z"), // Feb 29 17:45 local
            user("none", json!({})),
        ],
        events: logins(&[("b1", "2028-02-01T00:00:00Z")]),
        segments: r#"
            segment today = user.birth_date anniversary in next 1d
            segment two_days = user.birth_date anniversary in next 2d
            segment a_year = user.birth_date anniversary in next 365d
        "#,
        as_of: Some("2028-03-01T00:00:00Z"),
        canary: false,
        expect: vec![
            ("today", "b1"),
            ("two_days", "b1 b3"),
            // Feb 28 2029 is 364 days on; Feb 29 2028 has passed, so b4's
            // next is 28 February 2029 too.
            ("a_year", "b1 b2 b3 b4"),
        ],
    }
    .run_in("time_zone = \"Asia/Kathmandu\"");
}

/// Calendar regularity in Berlin, now Sunday 2026-03-29 14:00 local:
/// `last` counts March (to now), February and January; `previous`
/// February, January and December.
#[test]
fn calendar_regularity_last_and_previous() {
    let buy = |id: &str, ts: &str| ev(id, "purchase", ts, json!({}));
    Case {
        layout: Layout::NoUsers,
        users: vec![],
        events: vec![
            buy("r1", "2026-02-28T23:00:00Z"), // Mar 1 00:00
            buy("r1", "2026-02-28T22:59:59Z"), // Feb 28 23:59:59
            buy("r1", "2025-12-31T23:00:00Z"), // Jan 1 00:00
            buy("r2", "2026-02-15T12:00:00Z"),
            buy("r2", "2026-01-15T12:00:00Z"),
            buy("r2", "2025-12-31T22:59:59Z"), // Dec 31 23:59:59
            buy("r3", "2026-03-29T12:00:00Z"), // now
            buy("r3", "2026-01-31T23:00:00Z"), // Feb 1 00:00
            buy("r3", "2026-01-31T22:59:59Z"), // Jan 31 23:59:59
            buy("r4", "2026-03-29T12:00:01Z"), // after now
            buy("r4", "2026-02-10T00:00:00Z"),
            buy("r4", "2026-01-10T00:00:00Z"),
            // Twice in each of the last two Monday weeks, and not.
            buy("w1", "2026-03-22T23:00:00Z"), // Mon Mar 23 00:00
            buy("w1", "2026-03-29T11:00:00Z"),
            buy("w1", "2026-03-15T23:00:00Z"), // Mon Mar 16 00:00
            buy("w1", "2026-03-22T22:59:59Z"), // Sun Mar 22 23:59:59
            buy("w2", "2026-03-23T10:00:00Z"),
            buy("w2", "2026-03-24T10:00:00Z"),
            buy("w2", "2026-03-16T10:00:00Z"),
            buy("w2", "2026-03-15T22:59:59Z"), // Sun Mar 15: the week before
        ],
        segments: r#"
            segment last_3 = did "purchase" in at least 3 of the last 3 calendar months
            segment previous_3 = did "purchase" on each of the previous 3 calendar months
            segment twice_weekly = did "purchase" at least 2 times on each of the last 2 calendar weeks
            segment some_days = did "purchase" in at least 2 of the previous 7 calendar days
            segment quiet_month = did "purchase" at most 1 time on each of the previous 1 calendar month
        "#,
        as_of: Some("2026-03-29T12:00:00Z"),
        canary: false,
        expect: vec![
            ("last_3", "r1 r3"),
            ("previous_3", "r2"),
            ("twice_weekly", "w1"),
            // Mar 22 to Mar 28: w1 on Sun 22 and Mon 23, w2 on Mon 23 and
            // Tue 24 (Mar 29 is today, Mar 16 too long ago).
            ("some_days", "w1 w2"),
            // February: r1 1, r2 1, r3 1 (Feb 1), r4 1; w1, w2 none.
            ("quiet_month", "r1 r2 r3 r4 w1 w2"),
        ],
    }
    .run_in(BERLIN);
}

/// Santiago skips midnight when summer time starts (Sunday 2026-09-06,
/// 00:00 -4 → 01:00 -3 at 04:00Z): that day starts at 04:00Z, the first
/// instant whose local date is the 6th. Havana repeats its midnight hour
/// when summer time ends (Sunday 2025-11-02, 01:00 -4 → 00:00 -5 at
/// 05:00Z): that day starts at the first midnight, 04:00Z.
#[test]
fn skipped_and_doubled_midnights() {
    let case = |events: Vec<Event>, as_of| Case {
        layout: Layout::NoUsers,
        users: vec![],
        events,
        segments: r#"
            segment today = did "login" today
            segment yesterday = did "login" yesterday
        "#,
        as_of: Some(as_of),
        canary: false,
        expect: vec![("today", "on"), ("yesterday", "before")],
    };
    case(
        logins(&[
            ("on", "2026-09-06T04:00:00Z"),
            ("before", "2026-09-06T03:59:59Z"),
        ]),
        "2026-09-06T12:00:00Z",
    )
    .run_in("time_zone = \"America/Santiago\"");
    case(
        logins(&[
            ("on", "2025-11-02T04:00:00Z"),
            ("before", "2025-11-02T03:59:59Z"),
        ]),
        "2025-11-02T12:00:00Z",
    )
    .run_in("time_zone = \"America/Havana\"");
}

/// Without `--as-of`, now is each engine's clock and calendar periods are
/// worked out by the engine's own functions at run time: every backend
/// must agree with the interpreter (run a moment earlier) on events spread
/// over the past four months, every 7 hours (so over every hour of the
/// local day).
#[test]
fn engines_clock_agrees_with_the_interpreter() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_micros() as i64;
    let hour = 3_600_000_000;
    let at = |hours_ago: i64| segc::time::Timestamp(now - hours_ago * hour).to_string();
    let mut events = Vec::new();
    for k in 0..430 {
        let id = ["u1", "u2", "u3"][k % 3];
        events.push(ev(id, "login", &at(7 * k as i64 + 1), json!({})));
    }
    let case = Case {
        layout: Layout::NoUsers,
        users: vec![],
        events,
        segments: r#"
            segment today = did "login" today
            segment this_week = did "login" at least 3 times this week
            segment last_month = did "login" at least 10 times last month
            segment previous_3_months = count of "login" in the previous 3 calendar months > 100
            segment regular = did "login" at least 4 times on each of the previous 3 calendar weeks
            segment quarters = did "login" in at least 2 of the last 2 calendar quarters
        "#,
        as_of: None,
        canary: false,
        expect: [
            "today",
            "this_week",
            "last_month",
            "previous_3_months",
            "regular",
            "quarters",
        ]
        .iter()
        .map(|n| (*n, ""))
        .collect(),
    };
    let outcomes = case.outcomes_in(&Engine::ALL, "time_zone = \"Asia/Kathmandu\"");
    let mut disagree = Vec::new();
    for o in &outcomes {
        let vm = outcomes
            .iter()
            .find(|v| v.backend == "vm" && v.segment == o.segment)
            .expect("vm outcome");
        if o.rows != vm.rows {
            disagree.push(format!(
                "{} {}: vm {:?}, got {:?}\n{}",
                o.backend, o.segment, vm.rows, o.rows, o.code
            ));
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}
