//! `with same PROP` (spec §3.13), on every engine the tests run and on the
//! interpreter, with hand-computed boundary cases: interleaved products,
//! the `then not` step counting only the same value, events missing the
//! property, two properties, counts per value, numbers read from JSON
//! (`1` and `1.0`, `-0` and `0`), case, booleans, instants, `starting` and
//! `within`. `category` plays the product (any string property would do).

mod engines;

use engines::{ev, user, Case, Event, Layout};
use serde_json::{json, Value};

const NOW: Option<&str> = Some("2026-06-01T00:00:00Z");

/// An event on 2026-05-01 at `hh:mm:ss` (or a full RFC 3339 time).
fn at(who: &str, name: &str, time: &str, props: Value) -> Event {
    let ts = if time.contains('T') {
        time.to_string()
    } else {
        format!("2026-05-01T{time}Z")
    };
    ev(who, name, &ts, props)
}

fn cat(c: &str) -> Value {
    json!({ "category": c })
}

/// Carted A, carted B, bought B: only A is abandoned. The `then not` only
/// counts purchases of the carted value, within `(cart, cart + 1h]`.
#[test]
fn abandoned_this_product() {
    // No user `f` or `t`: DuckDB's CSV sniffing may read a column of such
    // ids as booleans.
    let ids = ["a", "b", "c", "d", "e", "m", "g", "h", "i"];
    Case {
        layout: Layout::Json,
        users: ids.iter().map(|id| user(id, json!({}))).collect(),
        events: vec![
            // a: A carted, B carted and bought: A is abandoned.
            at("a", "add_to_cart", "10:00:00", cat("A")),
            at("a", "add_to_cart", "10:05:00", cat("B")),
            at("a", "purchase", "10:10:00", cat("B")),
            // b: A carted and bought.
            at("b", "add_to_cart", "10:00:00", cat("A")),
            at("b", "purchase", "10:30:00", cat("A")),
            // c: another product bought: A is still abandoned.
            at("c", "add_to_cart", "10:00:00", cat("A")),
            at("c", "purchase", "10:30:00", cat("B")),
            // d: bought at exactly cart + 1h: within the hour.
            at("d", "add_to_cart", "10:00:00", cat("A")),
            at("d", "purchase", "11:00:00", cat("A")),
            // e: bought 1 µs after the hour.
            at("e", "add_to_cart", "10:00:00", cat("A")),
            at("e", "purchase", "2026-05-01T11:00:00.000001Z", cat("A")),
            // m: the cart carries no product: no value, no chain.
            at("m", "add_to_cart", "10:00:00", json!({})),
            // g: a purchase without the property never counts.
            at("g", "add_to_cart", "10:00:00", cat("A")),
            at("g", "purchase", "10:10:00", json!({})),
            // h: values only equal ignoring case are different values.
            at("h", "add_to_cart", "10:00:00", cat("a")),
            at("h", "purchase", "10:10:00", cat("A")),
            // i: A carted twice; the second is bought, the first was too
            // (one purchase after both), so nothing is abandoned.
            at("i", "add_to_cart", "10:00:00", cat("A")),
            at("i", "add_to_cart", "10:20:00", cat("A")),
            at("i", "purchase", "10:50:00", cat("A")),
        ],
        segments: r#"
            segment abandoned = did "add_to_cart" then not "purchase" within 1h with same category
            segment abandoned_any = did "add_to_cart" then not "purchase" within 1h
            segment bought_same = did "add_to_cart" then "purchase" within 1h with same category
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("abandoned", "a c e g h"),
            // Without `with same`, any purchase within the hour counts.
            ("abandoned_any", "e m"),
            ("bought_same", "a b d i"),
        ],
    }
    .run();
}

/// A chain of three steps with `then not`: the earliest start of each
/// value is the one that must see no purchase of that value.
#[test]
fn chains_per_value() {
    let ids = ["n1", "n2", "n3", "t1", "t2", "t3", "t4"];
    let two = |c: &str, coupon: &str| json!({ "category": c, "coupon": coupon });
    Case {
        layout: Layout::Json,
        users: ids.iter().map(|id| user(id, json!({}))).collect(),
        events: vec![
            // n1: A viewed, B viewed and carted, A carted, B bought: A
            // (viewed 10:00, carted 10:25) sees no purchase of A by 11:00.
            at("n1", "view_item", "10:00:00", cat("A")),
            at("n1", "view_item", "10:10:00", cat("B")),
            at("n1", "add_to_cart", "10:20:00", cat("B")),
            at("n1", "add_to_cart", "10:25:00", cat("A")),
            at("n1", "purchase", "10:30:00", cat("B")),
            // n2: A viewed, carted, bought in time.
            at("n2", "view_item", "10:00:00", cat("A")),
            at("n2", "add_to_cart", "10:20:00", cat("A")),
            at("n2", "purchase", "10:50:00", cat("A")),
            // n3: B viewed, A carted: no chain of one value.
            at("n3", "view_item", "10:00:00", cat("B")),
            at("n3", "add_to_cart", "10:20:00", cat("A")),
            // Two properties: both must be equal.
            at("t1", "add_to_cart", "10:00:00", two("A", "X")),
            at("t1", "purchase", "12:00:00", two("A", "X")),
            at("t2", "add_to_cart", "10:00:00", two("A", "X")),
            at("t2", "purchase", "12:00:00", two("A", "Y")),
            at("t3", "add_to_cart", "10:00:00", two("A", "X")),
            at("t3", "purchase", "12:00:00", cat("A")),
            at("t4", "add_to_cart", "10:00:00", two("A", "X")),
            at("t4", "add_to_cart", "10:00:00", two("B", "Y")),
            at("t4", "purchase", "12:00:00", two("B", "X")),
        ],
        segments: r#"
            segment funnel_abandoned = did "view_item" then "add_to_cart" then not "purchase" within 1h with same category
            segment both_same = did "add_to_cart" then "purchase" within 1d with same category, coupon
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![("funnel_abandoned", "n1"), ("both_same", "t1")],
    }
    .run();
}

/// `within` and `starting` apply per value: another value's earlier step
/// does not shorten a chain, nor does one outside `starting` begin one.
#[test]
fn within_and_starting_per_value() {
    let ids = ["w1", "w2", "w3", "w4"];
    Case {
        layout: Layout::Json,
        users: ids.iter().map(|id| user(id, json!({}))).collect(),
        events: vec![
            at("w1", "view_item", "2026-05-29T10:00:00Z", cat("A")),
            at("w1", "purchase", "2026-05-29T11:00:00Z", cat("A")),
            // Outside `starting within 7d`.
            at("w2", "view_item", "2026-05-20T10:00:00Z", cat("A")),
            at("w2", "purchase", "2026-05-20T11:00:00Z", cat("A")),
            // B viewed in between does not make A's purchase close enough.
            at("w3", "view_item", "2026-05-29T10:00:00Z", cat("A")),
            at("w3", "view_item", "2026-05-29T11:00:00Z", cat("B")),
            at("w3", "purchase", "2026-05-29T12:30:00Z", cat("A")),
            // An old view of A, then a recent one that starts the chain.
            at("w4", "view_item", "2026-05-20T10:00:00Z", cat("A")),
            at("w4", "view_item", "2026-05-29T10:00:00Z", cat("A")),
            at("w4", "purchase", "2026-05-29T11:00:00Z", cat("A")),
        ],
        segments: r#"
            segment viewed_then_bought = did "view_item" then "purchase" within 2h starting within 7d with same category
            segment any_value = did "view_item" then "purchase" within 2h starting within 7d
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("viewed_then_bought", "w1 w4"),
            ("any_value", "w1 w3 w4"),
        ],
    }
    .run();
}

/// Counts per value: `at least N` and `more than N` in a window, case,
/// missing values; numbers, booleans and instants compared as values.
fn counts(layout: Layout) {
    let ids = [
        "v1", "v2", "v3", "v4", "v5", "p1", "p2", "p3", "g1", "g2", "s1", "s2", "s3",
    ];
    let amount = |n: Value| json!({ "amount": n });
    let shipped = |t: &str| json!({ "shipped_at": t });
    Case {
        layout,
        users: ids.iter().map(|id| user(id, json!({}))).collect(),
        events: vec![
            // v1: A three times this week.
            at("v1", "view_item", "2026-05-30T10:00:00Z", cat("A")),
            at("v1", "view_item", "2026-05-30T11:00:00Z", cat("A")),
            at("v1", "view_item", "2026-05-31T10:00:00Z", cat("A")),
            // v2: A twice, B once.
            at("v2", "view_item", "2026-05-30T10:00:00Z", cat("A")),
            at("v2", "view_item", "2026-05-30T11:00:00Z", cat("B")),
            at("v2", "view_item", "2026-05-31T10:00:00Z", cat("A")),
            // v3: A three times, one before the week (2026-05-25T00:00Z).
            at("v3", "view_item", "2026-05-24T23:59:59Z", cat("A")),
            at("v3", "view_item", "2026-05-30T11:00:00Z", cat("A")),
            at("v3", "view_item", "2026-05-31T10:00:00Z", cat("A")),
            // v4: A, a, A: case counts.
            at("v4", "view_item", "2026-05-30T10:00:00Z", cat("A")),
            at("v4", "view_item", "2026-05-30T11:00:00Z", cat("a")),
            at("v4", "view_item", "2026-05-31T10:00:00Z", cat("A")),
            // v5: three views without the property.
            at("v5", "view_item", "2026-05-30T10:00:00Z", json!({})),
            at("v5", "view_item", "2026-05-30T11:00:00Z", json!({})),
            at("v5", "view_item", "2026-05-31T10:00:00Z", json!({})),
            // p1: 1 and 1.0 are one number; p2: 1 and 1.5 are not; p3: -0 is 0.
            at("p1", "purchase", "10:00:00", amount(json!(1))),
            at("p1", "purchase", "11:00:00", amount(json!(1.0))),
            at("p2", "purchase", "10:00:00", amount(json!(1))),
            at("p2", "purchase", "11:00:00", amount(json!(1.5))),
            at("p3", "purchase", "10:00:00", amount(json!(-0.0))),
            at("p3", "purchase", "11:00:00", amount(json!(0))),
            // g1: true twice; g2: true and false.
            at("g1", "purchase", "10:00:00", json!({ "gift": true })),
            at("g1", "purchase", "11:00:00", json!({ "gift": true })),
            at("g2", "purchase", "10:00:00", json!({ "gift": true })),
            at("g2", "purchase", "11:00:00", json!({ "gift": false })),
            // s1: one instant twice; s2: a microsecond apart; s3: one
            // instant written with two offsets.
            at("s1", "refund", "10:00:00", shipped("2026-04-01T00:00:00Z")),
            at("s1", "refund", "11:00:00", shipped("2026-04-01T00:00:00Z")),
            at("s2", "refund", "10:00:00", shipped("2026-04-01T00:00:00Z")),
            at(
                "s2",
                "refund",
                "11:00:00",
                shipped("2026-04-01T00:00:00.000001Z"),
            ),
            at(
                "s3",
                "refund",
                "10:00:00",
                shipped("2026-04-01T02:00:00+02:00"),
            ),
            at("s3", "refund", "11:00:00", shipped("2026-04-01T00:00:00Z")),
        ],
        segments: r#"
            segment viewed_3x = did "view_item" at least 3 times within 7d with same category
            segment viewed_more_than_2 = did "view_item" more than 2 times with same category
            segment viewed_any = did "view_item" within 7d with same category
            segment same_amount = did "purchase" at least 2 times with same amount
            segment same_gift = did "purchase" more than 1 time with same gift
            segment same_shipment = did "refund" at least 2 times with same shipped_at
        "#,
        as_of: NOW,
        canary: false,
        expect: vec![
            ("viewed_3x", "v1"),
            ("viewed_more_than_2", "v1 v3"),
            ("viewed_any", "v1 v2 v3 v4"),
            ("same_amount", "p1 p3"),
            ("same_gift", "g1"),
            ("same_shipment", "s1 s3"),
        ],
    }
    .run();
}

#[test]
fn counts_per_value_from_json() {
    counts(Layout::Json);
}

#[test]
fn counts_per_value_from_columns() {
    counts(Layout::Columns);
}
