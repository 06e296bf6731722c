//! Arithmetic on measures (spec §3.11), property values (spec §3.12) and
//! `top`/`bottom` by arithmetic (spec §3.8), on the interpreter and every
//! engine, with members worked out by hand from the spec.

mod engines;

use engines::{ev, user, Case, Layout};
use serde_json::json;

const NOW: Option<&str> = Some("2026-06-01T00:00:00Z");

/// 10 days and 45 days before NOW.
const RECENT: &str = "2026-05-22T00:00:00Z";
const OLDER: &str = "2026-04-17T00:00:00Z";

fn logins(id: &str, recent: usize, older: usize) -> Vec<engines::Event> {
    let mut out = Vec::new();
    for _ in 0..recent {
        out.push(ev(id, "login", RECENT, json!({})));
    }
    for _ in 0..older {
        out.push(ev(id, "login", OLDER, json!({})));
    }
    out
}

/// Usage dropped by half, refunds over 20% of purchases, a sum over a
/// number attribute: the marketing examples of §3.11.
#[test]
fn ratios_and_attributes() {
    let mut events = Vec::new();
    events.extend(logins("a", 1, 4)); // 1 < 0.5 × 4
    events.extend(logins("b", 2, 4)); // 2 < 2 is false
    events.extend(logins("d", 0, 1)); // 0 < 0.5
    let buy = |id: &str, name: &str, amount: f64| ev(id, name, RECENT, json!({ "amount": amount }));
    events.extend([
        buy("a", "purchase", 100.0),
        buy("a", "refund", 30.0), // 30 > 20
        buy("b", "purchase", 100.0),
        buy("b", "refund", 20.0), // 20 > 20 is false
        buy("d", "refund", 10.0), // 10 > 0.2 × 0
        buy("c", "purchase", 100.0),
    ]);
    Case {
        layout: Layout::Json,
        users: vec![
            user("a", json!({ "ltv": 50 })),
            user("b", json!({})),
            user("c", json!({ "ltv": 100 })),
            user("d", json!({ "ltv": 0 })),
        ],
        events,
        segments: r#"
            segment dropped = count of "login" within 30d < 0.5 * count of "login" between 60d and 30d ago
            segment refunders = sum(amount) of "refund" within 90d > 0.2 * sum(amount) of "purchase" within 90d
            segment over_ltv = sum(amount) of "purchase" within 30d > user.ltv
            segment grouped = (count of "login" within 30d) * 2 >= 4
            segment minus_two = count of "login" -2 > 2
            segment negated = -count of "login" < -5
            segment precedence = 1 + 2 * count of "login" = 11
            segment left_assoc = 10 - 4 - count of "login" > 1
            segment where_then_divide = count of "refund" where amount > 15 / count of "purchase" >= 0.5
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("dropped", "a d"),
            ("refunders", "a d"),
            // b has no ltv: the comparison is false.
            ("over_ltv", "a"),
            ("grouped", "b"),
            // a has 5 logins, b 6, d 1.
            ("minus_two", "a b"),
            ("negated", "b"),
            ("precedence", "a"),
            ("left_assoc", "c d"),
            // `where` takes one comparison, then `/` divides the count;
            // d has no purchase: 0 / 0 is missing.
            ("where_then_divide", "a b"),
        ],
    }
    .run();
}

/// Division by zero, 0/0, overflow to infinity and missing operands make
/// the measure missing, so every comparison with it is false.
#[test]
fn missing_results() {
    let big = |id: &str, amount: f64| ev(id, "big", RECENT, json!({ "amount": amount }));
    Case {
        layout: Layout::Json,
        users: vec![
            user("huge", json!({ "ltv": 1e308 })),
            user("zero", json!({ "ltv": 0 })),
            user("none", json!({})),
            user("small", json!({ "ltv": 2 })),
            user("sub", json!({ "ltv": 1e-200 })),
        ],
        events: vec![
            big("huge", 1e308),
            big("small", 3.0),
            big("zero", 0.0),
            ev("small", "login", RECENT, json!({})),
        ],
        segments: r#"
            segment times_ten = max(amount) of "big" * 10 > 0
            segment doubled = user.ltv + user.ltv > 1
            segment ratio = count of "login" / user.ltv >= 0
            segment zero_by_zero = max(amount) of "big" / user.ltv <= 0
            segment not_ratio = not count of "login" / user.ltv >= 0
            segment negative = -max(amount) of "big" < 0
            segment constant = 1 / 0 < 1
            segment tiny = user.ltv * user.ltv = 0
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            // 1e308 × 10 is not finite.
            ("times_ten", "small"),
            ("doubled", "small"),
            // zero: 0/0; none: no ltv.
            ("ratio", "huge small sub"),
            ("zero_by_zero", ""),
            ("not_ratio", "none zero"),
            ("negative", "huge small"),
            ("constant", ""),
            // Underflow is 0, a finite value: not missing; huge overflows.
            ("tiny", "sub zero"),
        ],
    }
    .run();
}

/// Ties among property values go to the smallest value: code points for
/// strings (`Z` < `a` < `é`), numeric order, `false` before `true`.
#[test]
fn value_ties() {
    let at = |id: &str, ts: &str, props: serde_json::Value| ev(id, "view", ts, props);
    const T1: &str = "2026-05-20T00:00:00Z";
    const T2: &str = "2026-05-21T00:00:00Z";
    Case {
        layout: Layout::Json,
        users: vec![
            user("same_instant", json!({})),
            user("counts", json!({})),
            user("later", json!({})),
            user("nothing", json!({})),
        ],
        events: vec![
            // One instant: "é", "a", "Z"; amounts 5 and 3; gift true and false.
            at(
                "same_instant",
                T1,
                json!({ "category": "é", "amount": 5, "gift": true }),
            ),
            at(
                "same_instant",
                T1,
                json!({ "category": "a", "amount": 3, "gift": false }),
            ),
            at("same_instant", T1, json!({ "category": "Z" })),
            // Counts: "b" twice, "c" twice, "é" once: a tie of b and c.
            at("counts", T1, json!({ "category": "c", "amount": 7 })),
            at("counts", T1, json!({ "category": "é", "amount": 9 })),
            at("counts", T2, json!({ "category": "b", "amount": 9 })),
            at("counts", T2, json!({ "category": "c" })),
            at("counts", T2, json!({ "category": "b", "amount": 7 })),
            // The first event has no category: it is not considered.
            at("later", T1, json!({ "amount": 1 })),
            at("later", T2, json!({ "category": "z", "amount": 2 })),
            ev("nothing", "login", T1, json!({ "category": "a" })),
        ],
        segments: r#"
            segment first_is_z = first_value(category) of "view" = "Z"
            segment last_is_z = last_value(category) of "view" = "Z"
            segment favourite_b = most_frequent(category) of "view" within 30d = "b"
            segment favourite_z = most_frequent(category) of "view" in ("Z", "z")
            segment small_amount = first_value(amount) of "view" = 3
            segment gift_false = last_value(gift) of "view" = false
            segment no_value = first_value(category) of "view" is not set
            segment frequent_amount = most_frequent(amount) of "view" * 2 = 14
            segment later_first = first_value(category) of "view" starts with "z"
            segment last_amount = last_value(amount) of "view" + 1 > 2.5
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("first_is_z", "same_instant"),
            ("last_is_z", "same_instant"),
            ("favourite_b", "counts"),
            ("favourite_z", "same_instant later"),
            ("small_amount", "same_instant"),
            ("gift_false", "same_instant"),
            ("no_value", "nothing"),
            // counts: 7 twice, 9 twice: 7 wins; same_instant: 3 and 5: 3.
            ("frequent_amount", "counts"),
            ("later_first", "later"),
            // counts: the last instant has 9 and 7: 7; later: 2; same_instant: 3.
            ("last_amount", "counts later same_instant"),
        ],
    }
    .run();
}

/// `top`/`bottom` by an arithmetic measure; ties at the boundary are all in.
#[test]
fn top_by_arithmetic() {
    let mut events = Vec::new();
    for (id, n) in [("u1", 4), ("u2", 3), ("u3", 3), ("u4", 1)] {
        events.extend(logins(id, n, 0));
    }
    events.push(ev("u1", "purchase", RECENT, json!({ "amount": 3 })));
    Case {
        layout: Layout::Json,
        users: vec![
            user("u1", json!({ "ltv": 1 })),
            user("u2", json!({ "ltv": 1 })),
            user("u3", json!({ "ltv": 2 })),
            user("u4", json!({ "ltv": 1 })),
            user("u5", json!({})),
        ],
        events,
        segments: r#"
            segment top_net = top 25% by count of "login" - count of "purchase"
            segment top_per_ltv = top 25% by count of "login" / user.ltv
            segment bottom_per_ltv = bottom 50% by count of "login" / user.ltv
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            // Net: u1 3, u2 3, u3 3, u4 1, u5 0; g × 100 < 25 × 5: g = 0 → u1 u2 u3.
            ("top_net", "u1 u2 u3"),
            // Per ltv: u1 4, u2 3, u3 1.5, u4 1; u5 missing: n = 4, g = 0 only.
            ("top_per_ltv", "u1"),
            // Bottom: u4 (g 0), u3 (g 1): 100 < 200 → in; u2 (g 2) is not.
            ("bottom_per_ltv", "u3 u4"),
        ],
    }
    .run();
}
