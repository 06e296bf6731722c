//! Regularity: the events of the current period or
//! calendar bucket are counted, and a period is judged when the next
//! one starts (or after the last event).

use crate::ir::Cmp;

#[derive(Clone, Default)]
pub(super) struct Regularity {
    pub(super) bucket: Option<i64>,
    pub(super) count: u32,
    pub(super) good: u32,
    pub(super) busy: u32,
}

#[inline]
pub(super) fn close_bucket(r: &mut Regularity, per_bucket: &[(Cmp, u32)], numbers: &[f64]) {
    r.busy += 1;
    if per_bucket
        .iter()
        .all(|(cmp, n)| cmp.holds(f64::from(r.count), numbers[*n as usize]))
    {
        r.good += 1;
    }
}
