//! Percentiles: a rank over the whole universe, in the final SELECT list.

use super::{zero_without_events, Scope};
use crate::backend::sql::ast::{Expr, Function, Order};
use crate::ir::{Measure, Num, Percentile};

impl Scope<'_, '_> {
    /// `RANK` over the universe gives 1 + the users strictly ahead (`g`);
    /// a member has g × 100 < P × n, n the users with a value, P as written
    /// so the test is exact in SQL decimals.
    pub(super) fn percentile(&mut self, p: &Percentile) -> Expr {
        // Every user has a count (0 without events); a lone one ranks as it
        // is, every other measure as a binary64 value, missing if not finite.
        let (score, always) = match &p.measure {
            Num::Aggregate(a)
                if matches!(a.measure, Measure::Count | Measure::CountDistinct(_)) =>
            {
                (self.measure(&a.selection, &a.measure, p.span), true)
            }
            Num::Aggregate(a) if !zero_without_events(&a.measure) => {
                (self.measure(&a.selection, &a.measure, p.span), false)
            }
            measure => (self.num(measure, p.span), false),
        };
        self.ranks = true;
        let place = Expr::Window {
            func: Box::new(Expr::call(Function::Rank, vec![])),
            partition: vec![],
            order: vec![Order {
                expr: score.clone(),
                descending: p.top,
                nulls_last: true,
            }],
            frame: None,
        };
        let counted = if always { Expr::Star } else { score.clone() };
        let ranked = Expr::Window {
            func: Box::new(Expr::agg("COUNT", counted, None)),
            partition: vec![],
            order: vec![],
            frame: None,
        };
        let ahead = place.bin("-", Expr::Int(1)).bin("*", Expr::Int(100));
        let share = Expr::Number(p.percent).bin("*", ranked);
        let within = ahead.bin("<", share);
        if always {
            within
        } else {
            Expr::all(vec![score.is_not_null(), within])
        }
    }
}
