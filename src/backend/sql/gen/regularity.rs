//! Regularity: events counted per period bucket aligned to now, then the
//! buckets that satisfy the quantity counted per user.

use super::{cmp_op, events_table, names, quoted, Scope};
use crate::backend::sql::ast::{Cte, Expr, Function, Ident, Select, Source};
use crate::ir::Regularity;
use crate::time::MICROS_PER_SECOND;

impl Scope<'_, '_> {
    /// Buckets aligned to now: bucket i holds `now - (i+1)·P <= ts < now - i·P`,
    /// bucket 0 also `ts = now`; in microseconds, `i = max(age - 1, 0) div P`.
    pub(super) fn regularity(&mut self, r: &Regularity) -> Expr {
        let key = super::node_key(r);
        if let Some(done) = self.shared.get(&key) {
            return done.clone();
        }
        let d = self.d();
        let (_, alias) = self.side("r");
        let base = self.unique_cte(names::regularity(r));
        let ev = &self.g.schema.events;
        let now_us = match self.g.as_of {
            Some(t) => Expr::Int(t.0),
            None => d.epoch_micros(Expr::Now),
        };
        let age = now_us
            .bin("-", d.epoch_micros(self.ts()))
            .bin("-", Expr::Int(1));
        let bucket = match r.calendar {
            // Calendar buckets: how many periods before now's the local
            // date of the event lies, less the periods `previous` skips.
            Some(c) => {
                let now = self.g.local_period(self.g.now(), c.unit);
                let skipped = now.bin("-", self.g.local_period(self.ts(), c.unit));
                match c.skip {
                    0 => skipped,
                    skip => skipped.bin("-", Expr::Int(i64::from(skip))),
                }
            }
            None => d.int_div(
                Expr::call(Function::Greatest, vec![age, Expr::Int(0)]),
                Expr::Int(r.period_seconds * MICROS_PER_SECOND),
            ),
        };
        let mut buckets = Select::new(
            vec![
                (
                    Expr::bare(quoted(&ev.user_id)),
                    Some(Ident::Plain("user_id")),
                ),
                (bucket.clone(), Some(Ident::Plain("bucket"))),
                (
                    Expr::agg("COUNT", Expr::Star, None),
                    Some(Ident::Plain("hits")),
                ),
            ],
            events_table(self.g.schema),
        );
        let span = r.span_window();
        let mut filter = vec![self.prefilter(None, Some(span.start.as_slice()))];
        if r.calendar.is_some() {
            filter.extend(self.g.window(&self.ts(), &span, false));
        }
        filter.extend(self.step(&r.events, r.filter.as_ref()));
        buckets.filter = Some(Expr::all(filter));
        buckets.group_by = vec![Expr::bare(quoted(&ev.user_id)), bucket];
        let mut buckets = Cte::new(self.cte_name(format!("{base}_buckets")), buckets);
        buckets.note = self.g.seg_text(r.span);

        let hits = || Expr::bare(Ident::Plain("hits"));
        let good = Expr::all_opt(
            r.per_bucket
                .iter()
                .map(|c| hits().bin(cmp_op(c.cmp), Expr::Number(c.value)))
                .collect(),
        );
        // Buckets without events satisfy the quantity when 0 does (`at
        // most 2 times`): then the buckets with events are counted too.
        let zero_ok = r.per_bucket.iter().all(|c| c.cmp.holds(0.0, c.value));
        let mut columns = vec![
            (Expr::bare(Ident::Plain("user_id")), None),
            (
                Expr::agg("COUNT", Expr::Star, good),
                Some(Ident::Plain("good")),
            ),
        ];
        if zero_ok {
            columns.push((
                Expr::agg("COUNT", Expr::Star, None),
                Some(Ident::Plain("busy")),
            ));
        }
        let mut per_user = Select::new(columns, Source::Cte(buckets.name.clone(), None));
        per_user.group_by = vec![Expr::bare(Ident::Plain("user_id"))];
        let per_user = Cte::new(self.cte_name(base), per_user);
        let cte_name = per_user.name.clone();
        self.ctes.push(buckets);
        self.ctes.push(per_user);
        self.join_side(cte_name, alias.clone());

        let col =
            |name| Expr::Column(Some(alias.clone()), Ident::Plain(name)).or_else(Expr::Int(0));
        let satisfied = if zero_ok {
            let empty = Expr::Int(i64::from(r.buckets)).bin("-", col("busy"));
            col("good").bin("+", empty)
        } else {
            col("good")
        };
        let regular = satisfied.bin(">=", Expr::Int(i64::from(r.at_least)));
        self.shared.insert(key, regular.clone());
        regular
    }
}
