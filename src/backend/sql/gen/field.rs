//! Field tests: a property or profile attribute compared, matched, tested
//! against a window or an anniversary; never NULL.

use super::{cmp_op, definite, quoted, Scope};
use crate::backend::regex;
use crate::backend::sql::ast::{Expr, SqlType};
use crate::ir::{Field, FieldOp, FieldPred, Filter, Literal, Type};
use crate::time::{is_leap_year, Timestamp, MICROS_PER_SECOND};

impl Scope<'_, '_> {
    /// An event property: a plain column, or read from the JSON column.
    pub(super) fn property(&self, f: &Field) -> Expr {
        let ty = f.ty.unwrap_or(Type::String);
        match &self.g.schema.events.properties_json {
            Some(column) => self
                .d()
                .json_property(Expr::bare(quoted(column)), &f.name, ty),
            None => Expr::bare(quoted(&f.name)),
        }
    }

    pub(super) fn filter(&self, f: &Filter) -> Expr {
        match f {
            Filter::And(fs) => Expr::all(fs.iter().map(|f| self.filter(f)).collect()),
            Filter::Or(fs) => Expr::Or(fs.iter().map(|f| self.filter(f)).collect()),
            Filter::Not(f) => Expr::Not(Box::new(self.filter(f))),
            Filter::Const(b) => Expr::Bool(*b),
            Filter::Property(fp) => self.field_pred(self.property(&fp.field), fp),
        }
    }

    /// A test of one field, FALSE when the value is missing (but `is not set`).
    pub(super) fn field_pred(&self, value: Expr, fp: &FieldPred) -> Expr {
        let d = self.d();
        let folded = |e: Expr, ignore_case: bool| {
            if ignore_case {
                d.lower(e)
            } else {
                e
            }
        };
        let text = |s: &str, ignore_case: bool| folded(Expr::Str(s.into()), ignore_case);
        let test = match &fp.op {
            FieldOp::IsSet { negated } => return Expr::IsNull(Box::new(value), !*negated),
            FieldOp::Compare {
                cmp,
                value: lit,
                ignore_case,
            } if cmp.is_ordering() && matches!(lit, Literal::String(_)) => {
                // Code point order, never the database's locale (spec §3.7).
                d.byte_ordered(value).bin(cmp_op(*cmp), literal(lit))
            }
            FieldOp::Compare {
                cmp,
                value: lit,
                ignore_case,
            } => folded(value, *ignore_case).bin(cmp_op(*cmp), folded(literal(lit), *ignore_case)),
            FieldOp::In {
                values,
                negated,
                ignore_case,
            } => {
                let items = values
                    .iter()
                    .map(|v| folded(literal(v), *ignore_case))
                    .collect();
                Expr::InList(Box::new(folded(value, *ignore_case)), items, *negated)
            }
            FieldOp::Contains {
                text: t,
                ignore_case,
            } => d.contains(folded(value, *ignore_case), text(t, *ignore_case)),
            FieldOp::StartsWith {
                text: t,
                ignore_case,
            } => d.starts_with(folded(value, *ignore_case), text(t, *ignore_case)),
            FieldOp::EndsWith {
                text: t,
                ignore_case,
            } => d.ends_with(folded(value, *ignore_case), text(t, *ignore_case)),
            FieldOp::Matches { pattern } => d.regex_contains(value, regex::portable(pattern)),
            FieldOp::Window(w) => Expr::all(self.g.window(&value, w, true)),
            FieldOp::InNext { seconds } => {
                let now = self.g.now();
                let until = match self.g.as_of {
                    Some(t) => Expr::Timestamp(Timestamp(t.0 + seconds * MICROS_PER_SECOND)),
                    None => Expr::Now.bin("+", Expr::Interval(*seconds)),
                };
                Expr::all(vec![value.clone().bin(">=", now), value.bin("<=", until)])
            }
            FieldOp::Anniversary { days } => self.anniversary(value, *days),
        };
        definite(test)
    }

    /// Days from today to the next anniversary of `value`'s month and day
    /// (29 February on 28 February in other years) is below `days`.
    pub(super) fn anniversary(&self, value: Expr, days: i64) -> Expr {
        let d = self.d();
        let int = |e: Expr| e.cast(SqlType::Integer);
        // Month, day and today in the project's time zone (spec §3.7).
        let value = self.g.local_wall(value);
        let part = |field| int(Expr::Extract(field, Box::new(value.clone())));
        let (month, day) = (part("MONTH"), part("DAY"));
        let today = self.g.local_wall(self.g.now()).cast(SqlType::Date);
        let as_of_year = self.g.as_of_local_year();
        let year = match as_of_year {
            Some(y) => Expr::Int(i64::from(y)),
            None => int(Expr::Extract("YEAR", Box::new(today.clone()))),
        };
        let leap_day = Expr::all(vec![
            month.clone().bin("=", Expr::Int(2)),
            day.clone().bin("=", Expr::Int(29)),
        ]);
        let on = |year: Expr, offset: i64| {
            let year = if offset == 0 {
                year
            } else {
                year.bin("+", Expr::Int(offset))
            };
            let shifted = Expr::Case(
                vec![(leap_day.clone(), Expr::Int(28))],
                Some(Box::new(day.clone())),
            );
            let day = match as_of_year {
                Some(y) if is_leap_year(y + offset as i32) => day.clone(),
                Some(_) => shifted,
                None => {
                    let y = year.clone();
                    let divisible = |n| y.clone().bin("%", Expr::Int(n)).bin("=", Expr::Int(0));
                    let leap = Expr::all(vec![
                        divisible(4),
                        Expr::Or(vec![Expr::Not(Box::new(divisible(100))), divisible(400)]),
                    ]);
                    Expr::Case(
                        vec![(
                            Expr::all(vec![leap_day.clone(), Expr::Not(Box::new(leap))]),
                            Expr::Int(28),
                        )],
                        Some(Box::new(day.clone())),
                    )
                }
            };
            d.make_date(year, month.clone(), day)
        };
        let this_year = on(year.clone(), 0);
        let next = Expr::Case(
            vec![(this_year.clone().bin(">=", today.clone()), this_year)],
            Some(Box::new(on(year, 1))),
        );
        d.days_between(today, next).bin("<", Expr::Int(days))
    }
}

fn literal(l: &Literal) -> Expr {
    match l {
        Literal::String(s) => Expr::Str(s.clone()),
        Literal::Number(n) => Expr::Number(*n),
        Literal::Bool(b) => Expr::Bool(*b),
        Literal::Timestamp(t) => Expr::Timestamp(*t),
    }
}
