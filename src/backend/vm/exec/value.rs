//! Property values (spec §3.12): `most_frequent`, `first_value` and
//! `last_value` pick one event's value; ties go to the smallest value in
//! the order defined here (code points for strings).

use super::Machine;
use crate::data::Val;

impl Machine<'_> {
    /// The order of ties (spec §3.12): code points for strings, numeric
    /// for numbers, `false` before `true`, earlier before later.
    #[inline]
    pub(super) fn less(&self, a: Val, b: Val) -> bool {
        less_by(&self.string_rank, a, b)
    }
}

/// -0 and 0 are one value (as in `count distinct`).
#[inline]
pub(super) fn normalized(v: Val) -> Val {
    match v {
        Val::Num(n) => Val::Num(n + 0.0),
        v => v,
    }
}

#[inline]
fn less_by(string_rank: &[u32], a: Val, b: Val) -> bool {
    order(string_rank, a, b).is_lt()
}

/// The order of property values (one property has one type).
#[inline]
pub(super) fn order(string_rank: &[u32], a: Val, b: Val) -> std::cmp::Ordering {
    use std::cmp::Ordering::Equal;
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(&y).unwrap_or(Equal),
        (Val::Str(x), Val::Str(y)) => string_rank[x as usize].cmp(&string_rank[y as usize]),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(&y),
        (Val::Time(x), Val::Time(y)) => x.cmp(&y),
        _ => Equal,
    }
}

/// Each string's place when all are sorted by code point (UTF-8 bytes).
pub(super) fn code_point_ranks(strings: &[String]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..strings.len() as u32).collect();
    order.sort_by(|a, b| strings[*a as usize].cmp(&strings[*b as usize]));
    let mut rank = vec![0; strings.len()];
    for (place, id) in order.into_iter().enumerate() {
        rank[id as usize] = place as u32;
    }
    rank
}
