//! What a query returns: a segment's members (with its holdout flag), a
//! partition's arm per user, or one column per segment.

use super::{members_cte, quoted, Scope};
use crate::backend::sql::ast::{Expr, Ident, Select, Source, SqlType};
use crate::ir::{Arm, Body, Segment, SegmentRef};

impl Scope<'_, '_> {
    /// The members query of a segment: `user_id` (+ `holdout` when `outer`
    /// and declared), or `user_id, arm` for a partition.
    pub(super) fn members(&mut self, segment: &Segment, outer: bool) -> Select {
        let user_id = (self.user_id(), Some(Ident::Plain("user_id")));
        match &segment.body {
            Body::Predicate { pred, holdout } => {
                self.profile = self.profile_filter(pred);
                let condition = self.pred(pred);
                let mut columns = vec![user_id];
                if let (true, Some(h)) = (outer, holdout) {
                    let flag = self
                        .hash_bucket(&h.salt)
                        .bin("<", Expr::Int(i64::from(h.basis_points)));
                    let flag = self.d().output_boolean(flag);
                    columns.push((flag, Some(Ident::Plain("holdout"))));
                }
                if self.ranks {
                    // Window functions rank the whole universe, so they are
                    // computed as a column before any row is filtered.
                    let names: Vec<_> = columns.iter().map(|(_, n)| n.clone()).collect();
                    columns.push((condition, Some(Ident::Plain("member"))));
                    let inner = self.finish(columns);
                    let outer = names
                        .into_iter()
                        .map(|n| (Expr::bare(n.expect("named")), None))
                        .collect();
                    let mut select = Select::new(
                        outer,
                        Source::Subquery(Box::new(inner), Ident::Plain("ranked")),
                    );
                    select.filter = Some(Expr::bare(Ident::Plain("member")));
                    return select;
                }
                let mut select = self.finish(columns);
                select.filter = Expr::all_opt(vec![condition]);
                select
            }
            Body::Partition { arms } => {
                let arm = self.arm(arms);
                let inner = self.finish(vec![user_id, (arm, Some(Ident::Plain("arm")))]);
                let mut select = Select::new(
                    vec![
                        (Expr::bare(Ident::Plain("user_id")), None),
                        (Expr::bare(Ident::Plain("arm")), None),
                    ],
                    Source::Subquery(Box::new(inner), Ident::Plain("assigned")),
                );
                select.filter = Some(Expr::bare(Ident::Plain("arm")).is_not_null());
                select
            }
        }
    }

    /// The user's hash bucket of spec §4, `0..10000`: the first 4 bytes
    /// (big-endian) of `MD5(salt:user_id)` mod 10 000. Holdouts and buckets.
    pub(super) fn hash_bucket(&self, salt: &str) -> Expr {
        let text = Expr::Str(format!("{salt}:")).bin("||", self.user_id().cast(SqlType::Text));
        self.d().md5_u32(text).bin("%", Expr::Int(10_000))
    }

    /// `CASE WHEN arm1 THEN 'arm1' … END`: the first arm that matches.
    pub(super) fn arm(&mut self, arms: &[Arm]) -> Expr {
        let whens: Vec<_> = arms
            .iter()
            .map(|a| (self.pred(&a.pred), Expr::Str(a.name.clone())))
            .collect();
        if whens.is_empty() {
            // No arms: nobody is assigned (`CASE` needs at least one `WHEN`).
            return Expr::Null.cast(SqlType::Text);
        }
        Expr::Case(whens, None)
    }

    /// One row per user of the universe, one column per segment. A segment
    /// that another one reads (`in segment`) has its members CTE already:
    /// its column reads that CTE instead of computing it again.
    pub(super) fn combined(&mut self, segments: &[&Segment], computed: &[String]) -> Select {
        let mut columns = vec![(self.user_id(), Some(Ident::Plain("user_id")))];
        for segment in segments {
            let done = computed.contains(&segment.name);
            let value = match &segment.body {
                Body::Predicate { .. } if done => {
                    let member = self.reference(&SegmentRef {
                        segment: segment.name.clone(),
                        arm: None,
                        span: segment.span,
                    });
                    self.d().output_boolean(member)
                }
                Body::Partition { .. } if done => {
                    let (_, alias) = self.side("m");
                    self.join_side(members_cte(&segment.name), alias.clone());
                    Expr::Column(Some(alias), Ident::Plain("arm"))
                }
                Body::Predicate { pred, .. } => {
                    let member = self.pred(pred);
                    self.d().output_boolean(member)
                }
                Body::Partition { arms } => self.arm(arms),
            };
            columns.push((value, Some(quoted(&segment.name))));
        }
        self.finish(columns)
    }
}
