//! Regularity: events counted per period bucket aligned to now, then the
//! buckets that satisfy the quantity counted per user.

use super::{cmp_op, events_table, quoted, Scope};
use crate::backend::sql::ast::{Cte, Expr, Function, Ident, Select, Source};
use crate::ir::{Point, Regularity};
use crate::time::MICROS_PER_SECOND;

impl Scope<'_, '_> {
    /// Buckets aligned to now: bucket i holds `now - (i+1)·P <= ts < now - i·P`,
    /// bucket 0 also `ts = now`; in microseconds, `i = max(age - 1, 0) div P`.
    pub(super) fn regularity(&mut self, r: &Regularity) -> Expr {
        let d = self.d();
        let (n, alias) = self.side("r");
        let ev = &self.g.schema.events;
        let now_us = match self.g.as_of {
            Some(t) => Expr::Int(t.0),
            None => d.epoch_micros(Expr::Now),
        };
        let age = now_us
            .bin("-", d.epoch_micros(self.ts()))
            .bin("-", Expr::Int(1));
        let bucket = d.int_div(
            Expr::call(Function::Greatest, vec![age, Expr::Int(0)]),
            Expr::Int(r.period_seconds * MICROS_PER_SECOND),
        );
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
        let span = Point::Ago(i64::from(r.buckets) * r.period_seconds);
        let mut filter = vec![self.prefilter(None, Some(&[span]))];
        filter.extend(self.step(&r.events, r.filter.as_ref()));
        buckets.filter = Some(Expr::all(filter));
        buckets.group_by = vec![Expr::bare(quoted(&ev.user_id)), bucket];
        let buckets = Cte {
            name: self.cte_name(format!("r{n}_buckets")),
            select: buckets,
        };

        let hits = || Expr::bare(Ident::Plain("hits"));
        let good = Expr::all_opt(
            r.per_bucket
                .iter()
                .map(|c| hits().bin(cmp_op(c.cmp), Expr::Number(c.value)))
                .collect(),
        );
        let mut per_user = Select::new(
            vec![
                (Expr::bare(Ident::Plain("user_id")), None),
                (
                    Expr::agg("COUNT", Expr::Star, good),
                    Some(Ident::Plain("good")),
                ),
                (
                    Expr::agg("COUNT", Expr::Star, None),
                    Some(Ident::Plain("busy")),
                ),
            ],
            Source::Cte(buckets.name.clone(), None),
        );
        per_user.group_by = vec![Expr::bare(Ident::Plain("user_id"))];
        let per_user = Cte {
            name: self.cte_name(format!("r{n}")),
            select: per_user,
        };
        let cte_name = per_user.name.clone();
        self.ctes.push(buckets);
        self.ctes.push(per_user);
        self.join_side(cte_name, alias.clone());

        let col =
            |name| Expr::Column(Some(alias.clone()), Ident::Plain(name)).or_else(Expr::Int(0));
        // Buckets without events satisfy the quantity when 0 does (`at most 2 times`).
        let zero_ok = r.per_bucket.iter().all(|c| c.cmp.holds(0.0, c.value));
        let satisfied = if zero_ok {
            let empty = Expr::Int(i64::from(r.buckets)).bin("-", col("busy"));
            col("good").bin("+", empty)
        } else {
            col("good")
        };
        satisfied.bin(">=", Expr::Int(i64::from(r.at_least)))
    }
}
