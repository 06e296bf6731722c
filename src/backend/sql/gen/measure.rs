//! Measures (spec §3.11) and property values (spec §3.12).
//!
//! A measure's aggregates are columns of the events scan; its arithmetic
//! runs in the final SELECT on binary64 values, each operation guarded by
//! the dialect so that no data makes an engine raise. A property value is
//! a side CTE with one row per user: the chosen event's value, picked by a
//! row number whose order spells the tie rules (time, then the smallest
//! value by code point, number, `false` first).

use super::{cmp_op, definite, events_table, names, quoted, Scope};
use crate::backend::sql::ast::{Cte, Expr, Function, Ident, Order, Select, Source};
use crate::ir::{Compare, FieldPred, Measure, Num, Type, ValueFn, ValueOf, ValuePred};
use crate::span::Span;

impl Scope<'_, '_> {
    /// `left cmp right`: FALSE when either side is missing.
    pub(super) fn compare(&mut self, c: &Compare) -> Expr {
        let left = self.num(&c.left, c.span);
        let right = self.num(&c.right, c.span);
        definite(left.bin(cmp_op(c.cmp), right))
    }

    /// A property value tested as a field is (`= "shoes"`, `in (…)`, `is set`).
    pub(super) fn value_pred(&mut self, v: &ValuePred) -> Expr {
        let value = self.value_of(&v.value, v.span);
        let tested = FieldPred {
            field: v.value.field.clone(),
            op: v.op.clone(),
            span: v.span,
        };
        self.field_pred(value, &tested)
    }

    /// A measure as a binary64 expression, NULL when missing.
    pub(super) fn num(&mut self, n: &Num, span: Span) -> Expr {
        let d = self.d();
        match n {
            Num::Aggregate(a) => {
                let value = d.float64(self.measure(&a.selection, &a.measure, span));
                // Only a sum or an average can overflow.
                if matches!(a.measure, Measure::Sum(_) | Measure::Avg(_)) {
                    d.finite(value)
                } else {
                    value
                }
            }
            Num::Value(v) => d.float64(self.value_of(v, span)),
            Num::Attribute(f) => d.float64(Expr::col("u", quoted(&f.name))),
            Num::Const(c) => d.float64(Expr::Number(*c)),
            Num::Neg(inner) => {
                let inner = self.num(inner, span);
                d.float64(Expr::Number(0.0)).bin("-", inner)
            }
            Num::Binary(op, l, r) => {
                let (l, r) = (self.num(l, span), self.num(r, span));
                d.arithmetic(*op, l, r)
            }
        }
    }

    /// The value column of a property value's side CTE (NULL without one).
    pub(super) fn value_of(&mut self, v: &ValueOf, span: Span) -> Expr {
        let key = super::node_key(v);
        if let Some(done) = self.shared.get(&key) {
            return done.clone();
        }
        let d = self.d();
        let (_, alias) = self.side("v");
        let words = format!("{}_{}", v.func.as_str(), v.field.name);
        let base = self.unique_cte(crate::backend::sql::ast::derived_name(
            &[
                &names::events(&v.selection.events),
                &words,
                &names::window(&v.selection.window),
            ],
            48,
        ));
        let ev = &self.g.schema.events;
        let value = self.property(&v.field);
        let user = || Expr::bare(Ident::Plain("user_id"));
        let column = |name| Expr::bare(Ident::Plain(name));
        // Ties: the smallest value, strings by code point.
        let by_value = |e: Expr| Order {
            expr: if v.field.ty.unwrap_or(Type::String) == Type::String {
                d.byte_ordered(e)
            } else {
                e
            },
            descending: false,
            nulls_last: false,
        };
        let mut filter = vec![self.prefilter(None, Some(v.selection.window.start.as_slice()))];
        filter.extend(self.selection(&v.selection));
        filter.push(value.clone().is_not_null());
        let from_events = |columns: Vec<(Expr, Option<Ident>)>| {
            let mut select = Select::new(columns, events_table(self.g.schema));
            select.filter = Some(Expr::all(filter.clone()));
            select
        };
        let user_column = (
            Expr::bare(quoted(&ev.user_id)),
            Some(Ident::Plain("user_id")),
        );
        let place = |order: Vec<Order>| Expr::Window {
            func: Box::new(Expr::call(Function::RowNumber, vec![])),
            partition: vec![user()],
            order,
            frame: None,
        };
        let mut ctes = Vec::new();
        let ranked = match v.func {
            ValueFn::MostFrequent => {
                let mut counts = from_events(vec![
                    user_column,
                    (value.clone(), Some(Ident::Plain("value"))),
                    (
                        Expr::agg("COUNT", Expr::Star, None),
                        Some(Ident::Plain("hits")),
                    ),
                ]);
                counts.group_by = vec![Expr::bare(quoted(&ev.user_id)), value];
                let counts = Cte::new(self.cte_name(format!("{base}_counts")), counts);
                let order = vec![
                    Order {
                        expr: column("hits"),
                        descending: true,
                        nulls_last: false,
                    },
                    by_value(column("value")),
                ];
                let ranked = Select::new(
                    vec![
                        (user(), None),
                        (column("value"), None),
                        (place(order), Some(Ident::Plain("place"))),
                    ],
                    Source::Cte(counts.name.clone(), None),
                );
                ctes.push(counts);
                ranked
            }
            ValueFn::FirstValue | ValueFn::LastValue => {
                let order = vec![
                    Order {
                        expr: self.ts(),
                        descending: v.func == ValueFn::LastValue,
                        nulls_last: false,
                    },
                    by_value(value.clone()),
                ];
                from_events(vec![
                    user_column,
                    (value, Some(Ident::Plain("value"))),
                    (place(order), Some(Ident::Plain("place"))),
                ])
            }
        };
        let mut ranked = Cte::new(self.cte_name(format!("{base}_ranked")), ranked);
        ranked.note = self.g.seg_text(span);
        let mut chosen = Select::new(
            vec![(user(), None), (column("value"), None)],
            Source::Cte(ranked.name.clone(), None),
        );
        chosen.filter = Some(column("place").bin("=", Expr::Int(1)));
        let chosen = Cte::new(self.cte_name(base), chosen);
        let name = chosen.name.clone();
        ctes.push(ranked);
        ctes.push(chosen);
        self.ctes.extend(ctes);
        self.join_side(name, alias.clone());
        let result = Expr::Column(Some(alias), Ident::Plain("value"));
        self.shared.insert(key, result.clone());
        result
    }
}
