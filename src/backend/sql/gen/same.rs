//! `with same PROP {, PROP}` (spec §3.13): the values a sequence is chained
//! by (see [`Scope::sequence`]) and counts per value, in one pass over the
//! events grouped by user and value (no self-join).

use super::{events_table, names, quoted, Scope};
use crate::backend::sql::ast::{Cte, Expr, Ident, Select, Source};
use crate::ir::{Field, SameCount, Type};

impl Scope<'_, '_> {
    /// An event's value of a `with same` property, as compared: exactly,
    /// except that a number's `-0` is `0` (as in the interpreter; equal
    /// doubles are one value, so JSON `1` and `1.0` already are).
    pub(super) fn same_value(&self, f: &Field) -> Expr {
        let value = self.property(f);
        match f.ty {
            Some(Type::Number) => Expr::Case(
                vec![(value.clone().bin("=", Expr::Int(0)), Expr::Int(0))],
                Some(Box::new(value)),
            ),
            _ => value,
        }
    }

    /// `did … at least N times … with same p`: the events of the selection
    /// counted per user and value, then whether one value reaches N.
    pub(super) fn same_count(&mut self, c: &SameCount) -> Expr {
        let key = super::node_key(c);
        if let Some(done) = self.shared.get(&key) {
            return done.clone();
        }
        let (_, alias) = self.side("v");
        let base = self.unique_cte(names::same_count(c));
        let user = || Expr::bare(quoted(&self.g.schema.events.user_id));
        let keys: Vec<Expr> = c.same.iter().map(|f| self.same_value(f)).collect();

        // `ts <= now` and the profile; the selection adds names and window.
        let mut filter = self.prefilter_parts(None, None);
        filter.extend(self.selection(&c.selection));
        filter.extend(keys.iter().map(|k| k.clone().is_not_null()));
        let mut values = Select::new(
            vec![
                (user(), Some(Ident::Plain("user_id"))),
                (
                    Expr::agg("COUNT", Expr::Star, None),
                    Some(Ident::Plain("n")),
                ),
            ],
            events_table(self.g.schema),
        );
        values.filter = Some(Expr::all(filter));
        values.group_by = std::iter::once(user()).chain(keys).collect();
        let mut first = Cte::new(self.cte_name(format!("{base}_values")), values);
        first.note = self.g.seg_text(c.span);

        let reached = Expr::bare(Ident::Plain("n")).bin(">=", Expr::Int(saturating(c.at_least)));
        let mut done = Select::new(
            vec![
                (Expr::bare(Ident::Plain("user_id")), None),
                (
                    Expr::agg(
                        "MAX",
                        Expr::Case(vec![(reached, Expr::Int(1))], Some(Box::new(Expr::Int(0)))),
                        None,
                    ),
                    Some(Ident::Plain("hit")),
                ),
            ],
            Source::Cte(first.name.clone(), None),
        );
        done.group_by = vec![Expr::bare(Ident::Plain("user_id"))];
        let last = Cte::new(self.cte_name(base), done);
        self.side_hit(key, vec![first, last], alias)
    }
}

/// A count as an SQL integer; beyond `i64` no user reaches it anyway.
fn saturating(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
