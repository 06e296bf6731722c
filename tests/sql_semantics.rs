//! Every construct of the spec executed on DuckDB and PostgreSQL, on small
//! hand-written data. The expected members were worked out by hand from
//! `shared/spec/language.md` (the comments say why), not taken from segc.
//! `now` is 2026-06-01T00:00:00Z unless a case says otherwise.

mod engines;

use engines::{ev, user, Case, Event, Layout, User};
use serde_json::json;

const NOW: Option<&str> = Some("2026-06-01T00:00:00Z");

fn users(ids: &[&'static str]) -> Vec<User> {
    ids.iter().map(|id| user(id, json!({}))).collect()
}

/// A purchase on 2026-05-30 with these properties.
fn bought(user: &'static str, props: serde_json::Value) -> Event {
    ev(user, "purchase", "2026-05-30T00:00:00Z", props)
}

fn login(user: &'static str, ts: &'static str) -> Event {
    ev(user, "login", ts, json!({}))
}

fn window_events() -> Vec<Event> {
    vec![
        login("u1", "2026-05-25T00:00:00Z"), // exactly now - 7d
        login("u2", "2026-05-24T23:59:59Z"), // one second earlier
        login("u3", "2026-06-01T00:00:00Z"), // exactly now
        login("u4", "2026-06-01T00:00:01Z"), // one second after now: never seen
        login("u6", "2026-05-31T00:00:00Z"),
        login("u6", "2026-05-31T01:00:00Z"),
        login("u6", "2026-04-01T00:00:00Z"),
    ]
}

#[test]
fn did_windows_and_quantities() {
    Case {
        layout: Layout::Json,
        users: users(&["u1", "u2", "u3", "u4", "u5", "u6"]),
        events: window_events(),
        segments: r#"
            segment a = did "login" within 7d
            segment b = not did "login" within 7d
            segment c = did "login" fewer than 1 time
            segment d = did "login" exactly 2 times within 7d
            segment e = did "login" between 30d and 7d ago
            segment f = did "login" more than 7d ago
            segment g = did "login" since 2026-05-31
            segment h = did "login" before 2026-05-25
            segment i = did "login" on 2026-05-24
            segment j = did "login" between 2026-05-25 and 2026-05-31
            segment k = did "login" between 2026-05-25T00:00:00Z and 2026-06-01T00:00:00Z
            segment k2 = did "login" between 2026-05-25 and 2026-05-31T01:00:00Z
            segment k3 = did "login" between 2026-05-24T23:59:59Z and 2026-05-25
            segment l = did any event within 1000d
            segment m = did "login" between 1 and 2 times
            segment n = did "login" more than 2 times
            segment o = did "login" at most 1 time
            segment p = did any of ("login", "signup") exactly 0 times
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            // [now - 7d, now]: both ends included; u4's event is after now.
            ("a", "u1 u3 u6"),
            ("b", "u2 u4 u5"),
            // Zero events (u4's only event is in the future; u5 has none).
            ("c", "u4 u5"),
            ("d", "u6"),
            // [now - 30d, now - 7d): u1 sits on the open end.
            ("e", "u2"),
            ("f", "u2 u6"),
            ("g", "u3 u6"),
            ("h", "u2 u6"),
            ("i", "u2"),
            // Whole days 05-25 to 05-31: u3 (06-01 00:00) is outside.
            ("j", "u1 u6"),
            // Between two timestamps: half-open, so u3 (exactly the end
            // instant, 06-01 00:00) is out (spec v0.2 §3.2).
            ("k", "u1 u6"),
            // A date start and a timestamp end: u6's 01:00 login is the end
            // instant and left out, its 00:00 login is in.
            ("k2", "u1 u6"),
            // A timestamp start and a date end: the whole end day counts.
            ("k3", "u1 u2"),
            ("l", "u1 u2 u3 u6"),
            ("m", "u1 u2 u3"),
            ("n", "u6"),
            ("o", "u1 u2 u3 u4 u5"),
            ("p", "u4 u5"),
        ],
    }
    .run();
}

/// `any event except (...)` (spec §3.1, v0.2): every event whose name is
/// not listed, in counts, aggregates and sequence steps.
#[test]
fn any_event_except() {
    let at = |u: &'static str, name: &str, ts: &str| ev(u, name, ts, json!({}));
    Case {
        layout: Layout::Json,
        users: users(&["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"]),
        events: vec![
            at("u1", "login", "2026-05-30T00:00:00Z"),
            at("u1", "message_sent", "2026-05-30T00:30:00Z"),
            at("u2", "message_sent", "2026-05-30T00:00:00Z"),
            at("u3", "purchase", "2026-05-30T00:00:00Z"),
            at("u5", "message_sent", "2026-05-30T00:00:00Z"),
            at("u5", "email_open", "2026-05-30T00:10:00Z"),
            at("u6", "message_sent", "2026-05-30T00:00:00Z"),
            at("u6", "purchase", "2026-05-30T00:30:00Z"),
            at("u7", "login", "2026-05-30T00:00:00Z"),
            at("u7", "purchase", "2026-05-30T00:30:00Z"),
            at("u8", "login", "2026-05-30T00:00:00Z"),
            at("u8", "login", "2026-05-30T00:20:00Z"),
        ],
        segments: r#"
            segment x1 = did any event except ("message_sent")
            segment x2 = did any event except ("message_sent", "email_open") within 7d
            segment x3 = count of any event except ("message_sent") within 7d = 0
            segment x4 = did any event except ("login") then "purchase"
            segment x5 = did "login" then not any event except ("login") within 1h
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            // Everyone with an event not named message_sent (u5's email_open counts).
            ("x1", "u1 u3 u5 u6 u7 u8"),
            ("x2", "u1 u3 u6 u7 u8"),
            // Only message_sent events, or none.
            ("x3", "u2 u4"),
            // A non-login event strictly before a purchase: u6's message_sent.
            // u3's purchase has nothing before it; u7's first event is a login.
            ("x4", "u6"),
            // A login followed within the hour by nothing but logins: u8. u1's
            // message_sent and u7's purchase come 30 minutes after.
            ("x5", "u8"),
        ],
    }
    .run();
}

/// `bucket A% to B%` (spec §4.1, v0.2): `[A, B)` of the holdout's hash
/// space. The buckets below were computed with Python's hashlib, not segc:
/// `int.from_bytes(md5(f"{salt}:{user}").digest()[:4], "big") % 10000`.
#[test]
fn buckets_slice_the_hash_space() {
    // salt "exp" (the partition's name): u1 567, u2 8973, u3 6010, u4 1708,
    // u5 6979, u6 6586, u7 1227, u8 5947, u9 7929, u10 9212.
    // salt "global": u1 2197, u5 448, u8 1946; every other user is at 2561 or above.
    // salt "half" (the segment's name): u1 4993, u2 8678, u4 5334, u6 8314,
    // u9 7386; the others are below 5000.
    Case {
        layout: Layout::Json,
        users: users(&["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10"]),
        events: vec![],
        segments: r#"
            partition exp {
              control = bucket 0% to 20%
              a       = bucket 20% to 60%
              b       = true
            }
            segment global_control = bucket 0% to 5% salt "global"
            segment outside_control = not in segment global_control
            segment lower_closed = bucket 21.97% to 21.98% salt "global"
            segment upper_open = bucket 0% to 21.97% salt "global"
            segment half = bucket 50% to 100%
            segment everyone = bucket 0% to 100% salt "x"
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            (
                "exp",
                "u1|control u4|control u7|control u8|a u2|b u3|b u5|b u6|b u9|b u10|b",
            ),
            ("global_control", "u5"),
            ("outside_control", "u1 u2 u3 u4 u6 u7 u8 u9 u10"),
            // u1 sits exactly on 2197: the lower bound is in, the upper out.
            ("lower_closed", "u1"),
            ("upper_open", "u5 u8"),
            ("half", "u2 u4 u6 u9"),
            ("everyone", "u1 u2 u3 u4 u5 u6 u7 u8 u9 u10"),
        ],
    }
    .run();
}

/// `created_at` (spec §5, v0.2): users created after now are not in the
/// universe, so not in any segment, not even `not did …`, and not ranked by
/// a percentile; a user without a creation time is in.
#[test]
fn users_created_after_now_are_not_in_the_universe() {
    let signed = |id: &'static str, ts: &str| user(id, json!({ "signed_up_at": ts }));
    Case {
        layout: Layout::CreatedAt,
        users: vec![
            signed("u1", "2026-01-01T00:00:00Z"),
            signed("u2", "2026-06-01T00:00:00Z"), // exactly now: in
            signed("u3", "2026-06-01T00:00:00.000001Z"), // 1 µs after now: out
            user("u4", json!({})),                // no creation time: in
            signed("u5", "2027-01-01T00:00:00Z"), // a back-test's future user
        ],
        events: vec![
            bought("u1", json!({"amount": 10})),
            bought("u3", json!({"amount": 50})),
            bought("u5", json!({"amount": 90})),
        ],
        segments: r#"
            segment everyone = true
            segment non_buyers = not did "purchase"
            segment buyers = did "purchase"
            segment top_third = top 30% by sum(amount) of "purchase"
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("everyone", "u1 u2 u4"),
            ("non_buyers", "u2 u4"),
            // u3 and u5 bought, but do not exist yet.
            ("buyers", "u1"),
            // Ranked among u1, u2, u4 (sums 10, 0, 0; n = 3): g × 100 < 30 × 3
            // holds for u1 alone (g = 0). Were u3 (50) and u5 (90) ranked
            // too, u1 would have g = 2 and nobody would qualify.
            ("top_third", "u1"),
        ],
    }
    .run();
}

#[test]
fn universe_without_users_table_is_users_with_events_up_to_now() {
    Case {
        layout: Layout::NoUsers,
        users: vec![],
        events: window_events(),
        segments: r#"
            segment a = not did "login" within 7d
            segment b = true
            segment c = did "login" fewer than 2 times
        "#,
        as_of: NOW,
        canary: false,
        // u4's only event is after now, so u4 is not in the universe.
        expect: vec![("a", "u2"), ("b", "u1 u2 u3 u6"), ("c", "u1 u2 u3")],
    }
    .run();
}

fn purchases() -> Vec<Event> {
    vec![
        bought("u1", json!({"amount": 10})),
        ev(
            "u1",
            "purchase",
            "2026-05-31T00:00:00Z",
            json!({"amount": 20}),
        ),
        ev("u1", "purchase", "2026-05-31T00:00:00Z", json!({})),
        // A string where a number is declared: missing.
        ev(
            "u1",
            "purchase",
            "2026-05-31T00:00:00Z",
            json!({"amount": "7"}),
        ),
        ev(
            "u2",
            "purchase",
            "2025-01-01T00:00:00Z",
            json!({"amount": 600}),
        ),
        ev(
            "u2",
            "purchase",
            "2026-05-01T00:00:00Z",
            json!({"amount": 100}),
        ),
        ev(
            "u3",
            "view_item",
            "2026-05-31T00:00:00Z",
            json!({"category": "a"}),
        ),
        ev(
            "u3",
            "view_item",
            "2026-05-31T00:00:00Z",
            json!({"category": "a"}),
        ),
        ev(
            "u3",
            "view_item",
            "2026-05-31T00:00:00Z",
            json!({"category": "b"}),
        ),
        ev(
            "u3",
            "view_item",
            "2026-05-31T00:00:00Z",
            json!({"category": null}),
        ),
    ]
}

#[test]
fn aggregates_and_missing_values() {
    Case {
        layout: Layout::Json,
        users: users(&["u1", "u2", "u3", "u4"]),
        events: purchases(),
        segments: r#"
            segment s1 = sum(amount) of "purchase" within 365d > 25
            segment s2 = sum(amount) of "purchase" within 365d = 0
            segment s3 = avg(amount) of "purchase" < 20
            segment s4 = not avg(amount) of "purchase" < 20
            segment s5 = min(amount) of "purchase" >= 100
            segment s6 = max(amount) of "purchase" within 365d = 100
            segment s7 = count distinct(category) of "view_item" >= 2
            segment s8 = count of "purchase" = 4
            segment s9 = count of any event within 7d = 0
            segment s10 = avg(amount) of "purchase" != 15
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("s1", "u1 u2"), // 10 + 20 (the "7" and the absent amount are ignored); 100
            ("s2", "u3 u4"), // sum over no events is 0
            ("s3", "u1"),    // avg 15; u3, u4 have no avg: false
            ("s4", "u2 u3 u4"),
            ("s5", "u2"),
            ("s6", "u2"), // 600 is older than 365 days
            ("s7", "u3"), // a, b (null ignored)
            ("s8", "u1"),
            ("s9", "u2 u4"),
            ("s10", "u2"), // missing avg compares false even with !=
        ],
    }
    .run();
}

#[test]
fn properties_as_plain_columns() {
    Case {
        layout: Layout::Columns,
        users: users(&["u1", "u2", "u3"]),
        events: vec![
            bought("u1", json!({"amount": 60, "category": "shoes"})),
            bought("u2", json!({"amount": 40, "gift": true})),
            bought("u3", json!({"shipped_at": "2026-05-31T10:00:00Z"})),
        ],
        segments: r#"
            segment a = did "purchase" where amount > 50
            segment b = did "purchase" where (not amount > 50)
            segment c = sum(amount) of "purchase" >= 40
            segment d = did "purchase" where gift = true
            segment e = did "purchase" where shipped_at on 2026-05-31
            segment f = did "purchase" where category is set
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("a", "u1"),
            ("b", "u2 u3"),
            ("c", "u1 u2"),
            ("d", "u2"),
            ("e", "u3"),
            ("f", "u1"),
        ],
    }
    .run();
}

#[test]
fn where_filters_on_json_properties() {
    Case {
        layout: Layout::Json,
        users: users(&["w1", "w2", "w3", "w4", "w5"]),
        events: vec![
            bought("w1", json!({"amount": 60, "category": "shoes"})),
            bought(
                "w2",
                json!({"amount": 40, "category": "bags", "gift": true}),
            ),
            bought("w3", json!({"category": "Shoes", "gift": "yes"})),
            bought("w4", json!({"amount": "100", "coupon": "A'B"})),
            bought("w5", json!({"shipped_at": "2026-05-31T01:00:00+02:00"})),
        ],
        segments: r#"
            segment p1 = did "purchase" where amount > 50
            segment p2 = did "purchase" where (not amount > 50)
            segment p3 = did "purchase" where (amount > 30 and category in ("shoes", "bags"))
            segment p4 = did "purchase" where category = "shoes" ignoring case
            segment p5 = did "purchase" where amount is not set
            segment p6 = did "purchase" where coupon = "A'B"
            segment p7 = did "purchase" where gift = true
            segment p8 = did "purchase" where gift is set
            segment p9 = did "purchase" where shipped_at on 2026-05-30
            segment p10 = did "purchase" where (category != "shoes" or amount < 50)
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("p1", "w1"),
            ("p2", "w2 w3 w4 w5"), // missing (or mistyped) amount: `not` of false
            ("p3", "w1 w2"),
            ("p4", "w1 w3"),
            ("p5", "w3 w4 w5"), // w4's amount is a string: not a number
            ("p6", "w4"),
            ("p7", "w2"),
            ("p8", "w2"), // "yes" is not a bool
            ("p9", "w5"), // 01:00+02:00 is 05-30T23:00Z
            ("p10", "w2 w3"),
        ],
    }
    .run();
}

#[test]
fn first_and_last() {
    Case {
        layout: Layout::Json,
        users: users(&["u1", "u2", "u3", "u4", "u5"]),
        events: vec![
            login("u1", "2026-05-01T00:00:00Z"),
            login("u1", "2026-05-20T00:00:00Z"),
            login("u2", "2026-04-01T00:00:00Z"),
            login("u3", "2026-05-31T00:00:00Z"),
            login("u5", "2026-04-01T00:00:00Z"),
            login("u5", "2026-06-02T00:00:00Z"), // after now
        ],
        segments: r#"
            segment r1 = last "login" more than 21d ago
            segment r2 = first "login" within 7d
            segment r3 = not last "login" within 14d
            segment r4 = first "login" before 2026-05-02
            segment r5 = last "login" on 2026-05-20
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("r1", "u2 u5"), // u5's later login is in the future
            ("r2", "u3"),
            ("r3", "u2 u4 u5"),
            ("r4", "u1 u2 u5"),
            ("r5", "u1"),
        ],
    }
    .run();
}

const V: &str = "view_item";
const C: &str = "add_to_cart";
const P: &str = "purchase";

fn at(user: &'static str, name: &str, ts: &'static str) -> Event {
    ev(user, name, ts, json!({}))
}

#[test]
fn positive_sequences() {
    Case {
        layout: Layout::Json,
        users: users(&[
            "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10", "u11",
        ]),
        events: vec![
            at("u1", V, "2026-05-31T10:00:00Z"),
            at("u1", C, "2026-05-31T10:30:00Z"),
            at("u2", V, "2026-05-31T10:00:00Z"), // same instant: not "then"
            at("u2", C, "2026-05-31T10:00:00Z"),
            at("u3", C, "2026-05-31T09:00:00Z"), // wrong order
            at("u3", V, "2026-05-31T10:00:00Z"),
            at("u4", V, "2026-05-31T10:00:00Z"), // exactly 1h: included
            at("u4", C, "2026-05-31T11:00:00Z"),
            at("u5", V, "2026-05-31T10:00:00Z"), // 1h and 1s
            at("u5", C, "2026-05-31T11:00:01Z"),
            at("u6", V, "2026-05-31T09:00:00Z"), // the later view is close enough
            at("u6", V, "2026-05-31T10:30:00Z"),
            at("u6", C, "2026-05-31T11:00:00Z"),
            at("u7", V, "2026-05-31T23:50:00Z"), // the cart is after now
            at("u7", C, "2026-06-01T00:10:00Z"),
            at("u8", V, "2026-05-30T10:00:00Z"), // three steps in 2h
            at("u8", C, "2026-05-30T11:00:00Z"),
            at("u8", P, "2026-05-30T12:00:00Z"),
            at("u9", V, "2026-05-30T10:00:00Z"), // purchase before cart; the later one 27h after the view
            at("u9", P, "2026-05-30T11:00:00Z"),
            at("u9", C, "2026-05-30T12:00:00Z"),
            at("u9", P, "2026-05-31T13:00:00Z"),
            at("u10", V, "2026-05-29T10:00:00Z"), // chain needs the old view: 24.5h
            at("u10", C, "2026-05-30T09:00:00Z"),
            at("u10", V, "2026-05-30T09:30:00Z"),
            at("u10", P, "2026-05-30T10:30:00Z"),
            at("u11", V, "2026-05-30T10:00:00Z"), // all three at one instant
            at("u11", C, "2026-05-30T10:00:00Z"),
            at("u11", P, "2026-05-30T10:00:00Z"),
        ],
        segments: r#"
            segment two = did "view_item" then "add_to_cart" within 1h
            segment three = did "view_item" then "add_to_cart" then "purchase" within 1d
            segment started = did "view_item" then "add_to_cart" starting within 2d
            segment any_two = did any event then any event within 1h
            segment three_open = did "view_item" then "add_to_cart" then "purchase"
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("two", "u1 u4 u6 u8"), // u8 carts exactly 1h after the view
            ("three", "u8"),
            // First view in [05-30T00:00, now], then a cart (no limit).
            ("started", "u1 u4 u5 u6 u8 u9"),
            // Two events at distinct instants at most 1h apart.
            ("any_two", "u1 u3 u4 u6 u8 u9 u10"),
            ("three_open", "u8 u9 u10"),
        ],
    }
    .run();
}

#[test]
fn abandonment_sequences() {
    Case {
        layout: Layout::Json,
        users: users(&[
            "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "b1", "b2", "b3", "b4",
            "b5", "b6",
        ]),
        events: vec![
            at("a1", C, "2026-05-31T10:00:00Z"),
            at("a1", P, "2026-05-31T10:30:00Z"),
            at("a2", C, "2026-05-31T10:00:00Z"), // purchase exactly at e1 + 1h: counts
            at("a2", P, "2026-05-31T11:00:00Z"),
            at("a3", C, "2026-05-31T10:00:00Z"), // 1s too late to count
            at("a3", P, "2026-05-31T11:00:01Z"),
            at("a4", C, "2026-05-31T10:00:00Z"), // same instant is not "after"
            at("a4", P, "2026-05-31T10:00:00Z"),
            at("a5", C, "2026-05-31T23:30:00Z"), // the hour has not passed
            at("a6", C, "2026-05-31T23:00:00Z"), // the hour ends exactly now
            at("a7", C, "2026-05-31T09:00:00Z"),
            at("a7", P, "2026-05-31T09:30:00Z"),
            at("a7", C, "2026-05-31T12:00:00Z"), // a second, unconverted cart
            at("a9", C, "2026-05-31T23:00:00Z"),
            at("a9", P, "2026-06-01T00:00:00Z"), // purchase at now
            at("a10", C, "2026-05-31T10:00:00Z"),
            at("a10", P, "2026-06-01T00:00:01Z"), // after now: unseen
            at("b1", V, "2026-05-31T10:00:00Z"),
            at("b1", C, "2026-05-31T10:30:00Z"),
            at("b1", P, "2026-05-31T11:00:00Z"),
            at("b2", V, "2026-05-31T10:00:00Z"),
            at("b2", C, "2026-05-31T10:30:00Z"),
            at("b2", P, "2026-05-31T12:00:01Z"),
            at("b3", V, "2026-05-31T10:00:00Z"), // the earliest view gives (11:30, 12:00]
            at("b3", V, "2026-05-31T11:00:00Z"),
            at("b3", C, "2026-05-31T11:30:00Z"),
            at("b3", P, "2026-05-31T12:30:00Z"),
            at("b4", V, "2026-05-31T10:00:00Z"), // cart too late
            at("b4", C, "2026-05-31T12:30:00Z"),
            at("b5", V, "2026-05-31T10:00:00Z"),
            at("b5", C, "2026-05-31T10:30:00Z"),
            at("b5", P, "2026-05-31T10:30:00Z"),
            at("b6", V, "2026-05-31T22:30:00Z"), // deadline 00:30 is after now
            at("b6", C, "2026-05-31T23:00:00Z"),
        ],
        segments: r#"
            segment in_hour = did "add_to_cart" then not "purchase" within 1h
            segment ever = did "add_to_cart" then not "purchase"
            segment funnel = did "view_item" then "add_to_cart" then not "purchase" within 2h
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            // The b users' carts count here too: b2, b4, b5, b6 went unbought for an hour.
            ("in_hour", "a3 a4 a6 a7 a10 b2 b4 b5 b6"),
            ("ever", "a4 a5 a6 a7 a10 b4 b5 b6"),
            ("funnel", "b2 b3 b5"),
        ],
    }
    .run();
}

#[test]
fn regularity_buckets_align_to_now() {
    Case {
        layout: Layout::Json,
        users: users(&["c1", "c2", "c3", "c4", "c5"]),
        events: vec![
            login("c1", "2026-05-31T12:00:00Z"),
            login("c1", "2026-05-30T12:00:00Z"),
            login("c1", "2026-05-29T12:00:00Z"),
            login("c2", "2026-05-31T00:00:00Z"), // exactly one period before now: bucket 0
            login("c2", "2026-05-30T12:00:00Z"),
            login("c2", "2026-05-29T00:00:00Z"), // exactly 3 periods before now: bucket 2
            login("c3", "2026-06-01T00:00:00Z"), // now: bucket 0
            login("c3", "2026-05-30T00:00:00Z"), // now - 2P: bucket 1
            login("c3", "2026-05-28T23:59:59Z"), // outside the 3 days
            login("c5", "2026-05-31T01:00:00Z"),
            login("c5", "2026-05-31T02:00:00Z"),
        ],
        segments: r#"
            segment streak = did "login" on each of the last 3 days
            segment calm = did "login" at most 1 time in at least 3 of the last 3 days
            segment two_of_three = did "login" in at least 2 of the last 3 days
            segment busy = did "login" at least 2 times in at least 1 of the last 2 hours
            segment twice_daily = did "login" at least 2 times on each of the last 1 day
            segment calm_streak = did "login" at most 1 time on each of the last 3 days
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("streak", "c1 c2"),
            // Empty buckets satisfy "at most 1 time".
            ("calm", "c1 c2 c3 c4"),
            ("two_of_three", "c1 c2 c3"),
            ("busy", ""),
            // c5's two logins are both in bucket 0; c1's and c2's one each.
            ("twice_daily", "c5"),
            ("calm_streak", "c1 c2 c3 c4"),
        ],
    }
    .run();
}

fn people() -> Vec<User> {
    vec![
        user(
            "v1",
            json!({"country": "ZA", "plan": "pro", "email": "Ann@Example.com",
                   "signed_up_at": "2026-05-20T00:00:00Z", "birth_date": "1990-06-03T08:00:00Z",
                   "opt_in": true, "ltv": 100}),
        ),
        user(
            "v2",
            json!({"country": "za", "email": "bob@example.org", "signed_up_at": "2025-01-01T00:00:00Z",
                   "birth_date": "2000-02-29T00:00:00Z", "opt_in": false, "ltv": 50}),
        ),
        user("v3", json!({})),
        user(
            "v4",
            json!({"country": "NG", "email": "x\ny", "birth_date": "1991-05-31T00:00:00Z", "ltv": 0,
                   "signed_up_at": "2026-06-20T00:00:00Z"}),
        ),
    ]
}

#[test]
fn user_attributes_two_valued() {
    Case {
        layout: Layout::Json,
        users: people(),
        events: vec![],
        segments: r#"
            segment t1 = user.country != "ZA"
            segment t2 = not user.country = "ZA"
            segment t3 = user.country = "za" ignoring case
            segment t4 = user.country in ("ZA", "NG")
            segment t5 = user.country not in ("ZA")
            segment t6 = user.plan is not set
            segment t7 = user.email ends with "@EXAMPLE.com" ignoring case
            segment t8 = user.email contains "example"
            segment t9 = user.email starts with "ann" ignoring case
            segment t10 = user.email matches "^[a-z]+@"
            segment t11 = user.email matches "x.y"
            segment t12 = user.signed_up_at within 30d
            segment t13 = user.ltv > 60
            segment t14 = user.opt_in = false
            segment t15 = user.birth_date anniversary in next 7d
            segment t16 = user.signed_up_at in next 30d
            segment t17 = user.signed_up_at > 2026-05-19
            segment t18 = user.signed_up_at = 2026-05-20
            segment t19 = not user.ltv > 60
            segment t20 = user.email matches "\\w+\\s?y$"
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("t1", "v2 v4"), // missing country: false
            ("t2", "v2 v3 v4"),
            ("t3", "v1 v2"),
            ("t4", "v1 v4"),
            ("t5", "v2 v4"),
            ("t6", "v2 v3 v4"),
            ("t7", "v1"),
            ("t8", "v2"),
            ("t9", "v1"),
            ("t10", "v2"),
            ("t11", ""), // `.` does not match a newline
            ("t12", "v1"),
            ("t13", "v1"),
            ("t14", "v2"),
            ("t15", "v1"), // 06-03 is 2 days away; v4's 05-31 was yesterday
            ("t16", "v4"),
            ("t17", "v1 v4"), // from 05-20 on
            ("t18", "v1"),
            ("t19", "v2 v3 v4"),
            ("t20", "v4"), // "x\ny": \s matches the newline
        ],
    }
    .run();
}

#[test]
fn anniversaries_of_29_february() {
    let users = || {
        vec![
            user("leap", json!({"birth_date": "2000-02-29T12:00:00Z"})),
            user("march", json!({"birth_date": "1999-03-01T00:00:00Z"})),
        ]
    };
    let segments = r#"
        segment in4 = user.birth_date anniversary in next 4d
        segment in2 = user.birth_date anniversary in next 2d
        segment in1 = user.birth_date anniversary in next 1d
    "#;
    let cases = [
        // 2027 is not a leap year: 29 February falls on 28 February, 3 days away.
        ("2027-02-25T23:00:00Z", ["leap", "", ""]),
        // 2028 is: 29 February is 2 days away, 1 March 3 days.
        ("2028-02-27T00:00:00Z", ["leap march", "", ""]),
        // On the day itself: 0 days away; 1 March is 1 day away.
        ("2027-02-28T10:00:00Z", ["leap march", "leap march", "leap"]),
    ];
    for (as_of, [in4, in2, in1]) in cases {
        Case {
            layout: Layout::Json,
            users: users(),
            events: vec![],
            segments,
            as_of: Some(as_of),
            canary: false,
            expect: vec![("in4", in4), ("in2", in2), ("in1", in1)],
        }
        .run();
    }
}

fn spenders() -> (Vec<User>, Vec<Event>) {
    let users = users(&["x1", "x2", "x3", "x4", "x5"]);
    let buy = |u: &'static str, amount: i64| {
        ev(
            u,
            "purchase",
            "2026-05-30T00:00:00Z",
            json!({"amount": amount}),
        )
    };
    (
        users,
        vec![buy("x1", 100), buy("x2", 50), buy("x3", 50), buy("x4", 10)],
    )
}

#[test]
fn composition_percentiles_holdouts_partitions() {
    let (users, events) = spenders();
    Case {
        layout: Layout::Json,
        users,
        events,
        segments: r#"
            segment top20 = top 20% by sum(amount) of "purchase"
            segment top40 = top 40% by sum(amount) of "purchase"
            segment bottom20 = bottom 20% by sum(amount) of "purchase"
            segment top50avg = top 50% by avg(amount) of "purchase"
            segment not_top20 = not top 20% by sum(amount) of "purchase"
            segment hv = did "purchase" holdout 50%
            segment hs = did "purchase" holdout 25% salt "spring '26"
            segment h0 = did "purchase" holdout 0%
            segment h100 = did "purchase" holdout 100%
            segment in_hv = in segment hv
            partition life {
              buyer = did "purchase"
              big = sum(amount) of "purchase" > 20
              rest = true
            }
            segment rest = in segment life.rest
            segment big = in segment life.big
            segment assigned = in segment life
            segment neither = not in segment hv and not in segment life.rest
            segment always = true
            segment never = false
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            // n = 5 (x5's sum is 0); x1: 0 ahead, 0 < 20·5.
            ("top20", "x1"),
            // x2, x3: 1 ahead, 100 < 200; x4: 3 ahead.
            ("top40", "x1 x2 x3"),
            ("bottom20", "x5"),
            // avg: x5 has none, n = 4; x2 and x3 tie at the boundary: both in.
            ("top50avg", "x1 x2 x3"),
            ("not_top20", "x2 x3 x4 x5"),
            // md5("hv:x1") begins 0xce6a6c31 = 3463061041, mod 10000 = 1041 < 5000.
            ("hv", "x1|true x2|false x3|false x4|false"),
            // md5("spring '26:x4") begins 3330991922, mod 10000 = 1922 < 2500.
            ("hs", "x1|false x2|false x3|false x4|true"),
            // `holdout 0%` holds out nobody; the column stays (spec v0.2 §4).
            ("h0", "x1|false x2|false x3|false x4|false"),
            ("h100", "x1|true x2|true x3|true x4|true"),
            // Membership includes the holdout users.
            ("in_hv", "x1 x2 x3 x4"),
            ("life", "x1|buyer x2|buyer x3|buyer x4|buyer x5|rest"),
            ("rest", "x5"),
            ("big", ""), // every big spender is a buyer first
            ("assigned", "x1 x2 x3 x4 x5"),
            ("neither", ""),
            ("always", "x1 x2 x3 x4 x5"),
            ("never", ""),
        ],
    }
    .run();
}

/// Without `--as-of` the SQL reads the engine's clock. The data sits far
/// enough in the past that the answer does not depend on the day.
#[test]
fn current_time_from_the_engine() {
    Case {
        layout: Layout::Json,
        users: users(&["u1", "u2", "u3"]),
        events: vec![
            login("u1", "2020-01-01T00:00:00Z"),
            at("u1", "add_to_cart", "2020-01-02T00:00:00Z"),
            login("u2", "2099-01-01T00:00:00Z"), // the future, for a long while
        ],
        segments: r#"
            segment old = did "login" more than 1d ago
            segment recent = did "login" within 36500d
            segment future = did "login" since 2098-12-31
            segment abandoned = did "add_to_cart" then not "purchase" within 1h
            segment lapsed = last "login" more than 7d ago
            segment quiet = did "login" at most 1 time in at least 2 of the last 2 days
            segment fresh = user.signed_up_at in next 1d
            segment bday = user.birth_date anniversary in next 366d
        "#,
        as_of: None,
        canary: false,
        expect: vec![
            ("old", "u1"),
            ("recent", "u1"),
            ("future", ""),
            ("abandoned", "u1"),
            ("lapsed", "u1"),
            ("quiet", "u1 u2 u3"),
            ("fresh", ""),
            ("bday", ""),
        ],
    }
    .run();
}
