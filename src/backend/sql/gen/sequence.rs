//! Sequences: a chain of CTEs with window functions over one user's events,
//! cost linear in them (no self-joins).

use std::collections::BTreeSet;

use super::scan::note_names;
use super::{events_table, names, quoted, Scope};
use crate::backend::sql::ast::{Cte, Expr, Frame, Ident, Order, Select, Source};
use crate::ir::{Sequence, Step};

/// Whether no event can hold two adjacent steps, nor the last step and the
/// `then not`: their event names are disjoint. Then a sequence needs no
/// per-instant grouping (about 25% of a 2-step query on DuckDB): ordering
/// the rows of one instant by the earlier step's flag keeps "strictly
/// before" exact.
fn apart(s: &Sequence) -> bool {
    let disjoint = |a: &Step, b: &Step| a.events.disjoint(&b.events);
    let last = s.steps.last();
    s.steps.windows(2).all(|w| disjoint(&w[0], &w[1]))
        && s.then_not
            .as_ref()
            .is_none_or(|not| last.is_some_and(|l| disjoint(l, not)))
}

impl Scope<'_, '_> {
    /// A window over one user's instants in time order, per value of the
    /// first `same` key columns (`k_1`, …) too: one chain per value of a
    /// `with same` (spec §3.13). `tie` orders rows of one instant: a flag,
    /// descending or not.
    pub(super) fn over(
        &self,
        func: Expr,
        frame: Frame,
        tie: Option<(Expr, bool)>,
        same: usize,
    ) -> Expr {
        let mut order = vec![Order {
            expr: Expr::bare(Ident::Plain("ts")),
            descending: false,
            nulls_last: false,
        }];
        order.extend(tie.map(|(expr, descending)| Order {
            expr,
            descending,
            nulls_last: false,
        }));
        Expr::Window {
            func: Box::new(func),
            partition: std::iter::once(Expr::bare(Ident::Plain("user_id")))
                .chain((1..=same).map(|i| Expr::bare(Ident::Numbered("k", i))))
                .collect(),
            order,
            frame: Some(frame),
        }
    }

    /// Sequences without self-joins (see `docs/sql.md`). Events are first
    /// grouped per instant (user, ts) with one flag per step, so "strictly
    /// before" is "an earlier row" — unless no event can hold two adjacent
    /// steps ([`apart`]): then each event is a row, and rows of one instant
    /// are ordered so that the earlier step's come last. Then `l_j` at a row holding step j
    /// is the latest start of a chain of steps 1..j ending there: the MAX of
    /// `l_(j-1)` over earlier rows. The latest start is the best one for the
    /// `within` limit; for `then not`, the earliest start in range is best,
    /// and every start at or before `l_k` can begin a chain ending at that row.
    /// `with same` adds its values as key columns `k_i` to every row and
    /// partition: rows without a value are left out, the rest are chained
    /// per user and value.
    pub(super) fn sequence(&mut self, s: &Sequence) -> Expr {
        let key = super::node_key(s);
        if let Some(done) = self.shared.get(&key) {
            return done.clone();
        }
        let (_, alias) = self.side("q");
        let base = self.unique_cte(names::sequence(s));
        let name = |stage: &str| self.cte_name(format!("{base}{stage}"));
        let k = s.steps.len();
        let ts = || Expr::bare(Ident::Plain("ts"));
        let flag = |i: usize| Expr::bare(Ident::Numbered("f", i)).bin("=", Expr::Int(1));
        let not_flag = || Expr::bare(Ident::Plain("f_not")).bin("=", Expr::Int(1));
        let one_if =
            |cond: Expr| Expr::Case(vec![(cond, Expr::Int(1))], Some(Box::new(Expr::Int(0))));
        let apart = apart(s);
        let same = s.same.len();
        let over = |this: &Self, func, frame, tie| this.over(func, frame, tie, same);
        // Among rows of one instant, those holding `i` last (`descending`: first).
        let tie = |i: Ident, descending: bool| apart.then(|| (Expr::bare(i), descending));

        // Stage 1: one row per instant (or per event), a flag per step.
        let ev = &self.g.schema.events;
        let mut columns = vec![
            (
                Expr::bare(quoted(&ev.user_id)),
                Some(Ident::Plain("user_id")),
            ),
            (self.ts(), Some(Ident::Plain("ts"))),
        ];
        let keys: Vec<Expr> = s.same.iter().map(|f| self.same_value(f)).collect();
        columns.extend(
            keys.iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), Some(Ident::Numbered("k", i + 1)))),
        );
        let mut names = Some(BTreeSet::new());
        let steps = s.steps.iter().chain(&s.then_not);
        for (i, step) in steps.enumerate() {
            note_names(&mut names, &step.events);
            let mut cond = self.step(&step.events, step.filter.as_ref());
            if let (0, Some(w)) = (i, &s.starting) {
                cond.extend(self.g.window(&self.ts(), w, false));
            }
            let alias = if i < k {
                Ident::Numbered("f", i + 1)
            } else {
                Ident::Plain("f_not")
            };
            let flag = one_if(Expr::all(cond));
            let flag = if apart {
                flag
            } else {
                Expr::agg("MAX", flag, None)
            };
            columns.push((flag, Some(alias)));
        }
        let mut instants = Select::new(columns, events_table(self.g.schema));
        let start = s.starting.as_ref().and_then(|w| w.start);
        let mut filter =
            self.prefilter_parts(names.as_ref(), start.as_ref().map(std::slice::from_ref));
        filter.extend(keys.iter().map(|k| k.clone().is_not_null()));
        instants.filter = Some(Expr::all(filter));
        if !apart {
            instants.group_by = vec![Expr::bare(quoted(&ev.user_id)), self.ts()];
            instants.group_by.extend(keys);
        }
        let mut first = Cte::new(name("_instants"), instants);
        first.note = self.g.seg_text(s.span);
        let mut stages = vec![first];

        // Stage 2: l_1 or l_2, the next `then not` instant, the first start in range.
        let start_ts = || flag(1).then(ts());
        let mut columns = vec![(Expr::Star, None)];
        let l = |j: usize| Expr::bare(Ident::Numbered("l", j));
        columns.push(if k == 1 {
            (start_ts(), Some(Ident::Numbered("l", 1)))
        } else {
            let latest = over(
                self,
                Expr::agg("MAX", start_ts(), None),
                Frame::Earlier,
                tie(Ident::Numbered("f", 1), false),
            );
            (flag(2).then(latest), Some(Ident::Numbered("l", 2)))
        });
        if s.then_not.is_some() {
            let next = over(
                self,
                Expr::agg("MIN", not_flag().then(ts()), None),
                Frame::Later,
                tie(Ident::Plain("f_not"), true),
            );
            columns.push((next, Some(Ident::Plain("next_not"))));
        }
        let first_start = match (s.then_not.is_some(), s.within) {
            (true, Some(d)) if k > 1 => {
                let first = over(
                    self,
                    Expr::agg("MIN", start_ts(), None),
                    Frame::Preceding(d),
                    None,
                );
                columns.push((first, Some(Ident::Plain("first_start"))));
                Some(Expr::bare(Ident::Plain("first_start")))
            }
            _ => None,
        };
        let mut previous = stages[0].name.clone();
        let mut level = |columns, filter, stages: &mut Vec<Cte>, stage: String| {
            let mut select = Select::new(columns, Source::Cte(previous.clone(), None));
            select.filter = filter;
            let cte = Cte::new(name(&stage), select);
            previous = cte.name.clone();
            stages.push(cte);
        };
        level(columns, None, &mut stages, "_chain2".into());
        // Stages 3..k: one window per further step, over the rows that still
        // matter: a chain through step j-1 ends there, or a later step is there.
        for j in 3..=k {
            let mut useful = vec![l(j - 1).is_not_null()];
            useful.extend((j..=k).map(flag));
            let latest = over(
                self,
                Expr::agg("MAX", l(j - 1), None),
                Frame::Earlier,
                tie(Ident::Numbered("f", j - 1), false),
            );
            let columns = vec![
                (Expr::Star, None),
                (flag(j).then(latest), Some(Ident::Numbered("l", j))),
            ];
            level(
                columns,
                Some(Expr::Or(useful)),
                &mut stages,
                format!("_chain{j}"),
            );
        }

        // Which rows complete the sequence.
        let end = l(k);
        let plus = |e: Expr, d: i64| e.bin("+", Expr::Interval(d));
        let next_not = || Expr::bare(Ident::Plain("next_not"));
        let mut hit = vec![end.clone().is_not_null()];
        match (s.then_not.is_some(), s.within) {
            (false, None) => {}
            (false, Some(d)) => hit.push(ts().bin("<=", plus(end, d))),
            (true, None) => hit.push(next_not().is_null()),
            (true, Some(d)) => {
                // The chosen start: the row itself for one step, else the first in range.
                let begin = match first_start {
                    Some(first) => {
                        hit.push(first.clone().bin("<=", end));
                        first
                    }
                    None => end,
                };
                let deadline = plus(begin, d);
                hit.push(deadline.clone().bin("<=", self.g.now()));
                hit.push(Expr::Or(vec![
                    next_not().is_null(),
                    next_not().bin(">", deadline),
                ]));
            }
        }
        let mut done = Select::new(
            vec![
                (Expr::bare(Ident::Plain("user_id")), None),
                (
                    Expr::agg("MAX", one_if(Expr::all(hit)), None),
                    Some(Ident::Plain("hit")),
                ),
            ],
            Source::Cte(previous, None),
        );
        done.group_by = vec![Expr::bare(Ident::Plain("user_id"))];
        stages.push(Cte::new(name(""), done));
        self.side_hit(key, stages, alias)
    }

    /// Adds a side's CTEs, the last one `(user_id, hit)`, joins that one and
    /// returns its test, shared under `key`.
    pub(super) fn side_hit(&mut self, key: String, stages: Vec<Cte>, alias: Ident) -> Expr {
        let cte_name = stages.last().expect("a side has CTEs").name.clone();
        self.ctes.extend(stages);
        self.join_side(cte_name, alias.clone());
        let hit = Expr::Column(Some(alias), Ident::Plain("hit"))
            .or_else(Expr::Int(0))
            .bin("=", Expr::Int(1));
        self.shared.insert(key, hit.clone());
        hit
    }
}
