//! Setting up a run: the program is resolved against the dataset once
//! (times and calendar boundaries, text tables, columns, the dispatch
//! table, scratch state), so that the event loop only compares numbers.

use super::sequence::Sequence;
use super::value::code_point_ranks;
use super::{Machine, RunError, SegmentResult, State};
use crate::backend::vm::fields::text_table;
use crate::backend::vm::program::{Acc, On, Program, Test, MAX_STACK};
use crate::calendar::Zone;
use crate::data::{Dataset, Val};
use crate::ir::Point;
use crate::time::MICROS_PER_SECOND;

impl<'a> Machine<'a> {
    pub(super) fn new(
        p: &'a Program,
        data: &'a Dataset,
        now: i64,
        budget: u64,
    ) -> Result<Self, RunError> {
        // Every calendar boundary is resolved here, once: the event loop
        // compares instants only, never converts one to local time.
        let zone = Zone::or_utc(&p.settings);
        let times: Vec<i64> = p
            .pool
            .times
            .iter()
            .map(|t| match *t {
                // Verified: |s| is at most 100 years, so the product fits;
                // `now` comes from the caller, hence the saturation.
                Point::Ago(s) => now.saturating_sub(s * MICROS_PER_SECOND),
                Point::At(ts) => ts.0,
                Point::Calendar { unit, ago } => zone.period_start(now, unit, i64::from(ago)),
            })
            .collect();
        let calendar = p
            .accumulators
            .iter()
            .map(|a| match a {
                Acc::Regularity {
                    calendar: Some(c), ..
                } => (
                    c.starts.iter().map(|i| times[*i as usize]).collect(),
                    c.end.map(|i| times[i as usize]),
                ),
                _ => (Vec::new(), None),
            })
            .collect();
        let today = zone.local_day(now);
        let mut text = Vec::with_capacity(p.pool.tests.len());
        for t in &p.pool.tests {
            text.push(match t {
                Test::Text(tt) => text_table(tt, &p.pool.strings, &data.strings.strings)?,
                _ => Vec::new(),
            });
        }
        let column = |columns: &Vec<(String, crate::ir::Type, Vec<Val>)>, name: &str| {
            columns.iter().position(|(n, _, _)| n == name)
        };
        let properties = p
            .properties
            .iter()
            .map(|(n, _)| column(&data.properties, n))
            .collect();
        let attributes = p
            .attributes
            .iter()
            .map(|(n, _)| column(&data.attributes, n))
            .collect();
        let mut dispatch = vec![Vec::new(); data.event_names.strings.len()];
        let mut any = Vec::new();
        for (i, b) in p.blocks.iter().enumerate() {
            let named = || {
                b.on.ids()
                    .iter()
                    .filter_map(|id| data.event_names.get(&p.events[*id as usize]))
            };
            match &b.on {
                On::Any => any.push(i as u32),
                On::Events(_) => named().for_each(|d| dispatch[d as usize].push(i as u32)),
                On::AllBut(_) => {
                    let excluded: Vec<u32> = named().collect();
                    for (d, blocks) in dispatch.iter_mut().enumerate() {
                        if !excluded.contains(&(d as u32)) {
                            blocks.push(i as u32);
                        }
                    }
                }
            }
        }
        for blocks in &mut dispatch {
            blocks.extend_from_slice(&any);
        }
        let states = p
            .accumulators
            .iter()
            .map(|a| {
                let mut s = State::default();
                if let Acc::Sequence { steps, .. } = a {
                    s.seq = Sequence::new(*steps as usize);
                }
                s
            })
            .collect();
        Ok(Machine {
            p,
            data,
            now,
            times,
            zone,
            today,
            calendar,
            text,
            properties,
            attributes,
            dispatch,
            user_start: p.user_code_start() as usize,
            sequences: p
                .accumulators
                .iter()
                .enumerate()
                .filter(|(_, a)| matches!(a, Acc::Sequence { .. }))
                .map(|(i, _)| i)
                .collect(),
            same_sequences: accumulators_where(p, |a| matches!(a, Acc::SameSequence { .. })),
            same_accs: accumulators_where(p, |a| {
                matches!(a, Acc::SameSequence { .. } | Acc::SameCount { .. })
            }),
            states,
            results: vec![SegmentResult::default(); p.segments.len()],
            ranked: Vec::new(),
            string_rank: if p
                .accumulators
                .iter()
                .any(|a| matches!(a, Acc::Value { .. }))
            {
                code_point_ranks(&data.strings.strings)
            } else {
                Vec::new()
            },
            stack: [false; MAX_STACK],
            steps: 0,
            budget,
        })
    }
}

/// The indexes of the accumulators that `wanted` picks.
fn accumulators_where(p: &Program, wanted: impl Fn(&Acc) -> bool) -> Vec<usize> {
    (0..p.accumulators.len())
        .filter(|i| wanted(&p.accumulators[*i]))
        .collect()
}
