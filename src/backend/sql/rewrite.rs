//! Generic rewrites driven by a dialect's
//! [`Capabilities`](super::dialect::Capabilities): the generator writes
//! every construct in its standard form, and this pass turns each one the
//! dialect lacks into an equivalent it has, or refuses with [`Unsupported`].
//! So a new engine states what it has instead of the generator asking it at
//! every node, and no engine ever gets SQL it would misread.

use std::fmt;

use super::ast::{Expr, Frame, Order, Query, Select, Source};
use super::dialect::Dialect;
use crate::time::MICROS_PER_SECOND;

/// A construct that a dialect cannot express and no rewrite covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// What the query needed, in the user's terms where there are some.
    pub construct: &'static str,
    /// The dialect's name ([`Dialect::name`]).
    pub dialect: &'static str,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "the {} dialect cannot express {}",
            self.dialect, self.construct
        )
    }
}

impl std::error::Error for Unsupported {}

/// Rewrites `query` in place for `dialect`; the first construct it cannot
/// express is the error.
pub fn for_dialect(query: &mut Query, dialect: &dyn Dialect) -> Result<(), Unsupported> {
    let caps = dialect.capabilities();
    let unsupported = |construct| Unsupported {
        construct,
        dialect: dialect.name(),
    };
    let mut rewrite = |e: &mut Expr| match e {
        Expr::Aggregate { arg, filter, .. } if !caps.aggregate_filter => {
            if let Some(condition) = filter.take() {
                conditional_argument(arg, *condition);
            }
            Ok(())
        }
        Expr::Window {
            order,
            frame: Some(frame @ Frame::Preceding(_)),
            ..
        } if !caps.interval_range_frames => match (caps.numeric_range_frames, &mut order[..]) {
            (true, [key]) => {
                if numeric_frame(dialect, key, frame) {
                    Ok(())
                } else {
                    Err(unsupported(
                        "a window frame this long over time (RANGE … PRECEDING), \
                         which a sequence with `within` and `then not` needs",
                    ))
                }
            }
            _ => Err(unsupported(
                "a window frame over a time interval (RANGE … PRECEDING), \
                 which a sequence with `within` and `then not` needs",
            )),
        },
        _ => Ok(()),
    };
    for cte in &mut query.ctes {
        select(&mut cte.select, &mut rewrite)?;
    }
    select(&mut query.body, &mut rewrite)
}

/// `agg(x) FILTER (WHERE c)` as `agg(CASE WHEN c THEN x END)`: the rows
/// that fail `c` give NULL, which every aggregate skips (`COUNT(*)` counts
/// `1` instead).
fn conditional_argument(arg: &mut Box<Expr>, condition: Expr) {
    let value = match std::mem::replace(arg.as_mut(), Expr::Null) {
        Expr::Star => Expr::Int(1),
        value => value,
    };
    **arg = condition.then(value);
}

/// A frame over the last `seconds` of a timestamp order key as the same
/// frame over its epoch microseconds: RANGE offsets then are integers.
/// False, changing nothing, when the dialect cannot write that offset
/// ([`Dialect::numeric_range`]).
fn numeric_frame(dialect: &dyn Dialect, key: &mut Order, frame: &mut Frame) -> bool {
    let Frame::Preceding(seconds) = *frame else {
        return true;
    };
    let micros = dialect.epoch_micros(key.expr.clone());
    match dialect.numeric_range(micros, seconds * MICROS_PER_SECOND) {
        Some((expr, offset)) => {
            key.expr = expr;
            *frame = Frame::PrecedingBy(offset);
            true
        }
        None => false,
    }
}

type Rewrite<'r> = dyn FnMut(&mut Expr) -> Result<(), Unsupported> + 'r;

/// Applies `f` to every expression of `s`, innermost first.
fn select(s: &mut Select, f: &mut Rewrite) -> Result<(), Unsupported> {
    for (e, _) in &mut s.columns {
        expr(e, f)?;
    }
    source(&mut s.from, f)?;
    for join in &mut s.joins {
        source(&mut join.source, f)?;
        expr(&mut join.on, f)?;
    }
    for e in s.filter.iter_mut().chain(&mut s.group_by) {
        expr(e, f)?;
    }
    Ok(())
}

fn source(s: &mut Source, f: &mut Rewrite) -> Result<(), Unsupported> {
    match s {
        Source::Subquery(inner, _) => select(inner, f),
        Source::Table(..) | Source::Cte(..) | Source::Nothing => Ok(()),
    }
}

fn expr(e: &mut Expr, f: &mut Rewrite) -> Result<(), Unsupported> {
    match e {
        Expr::Column(..)
        | Expr::Null
        | Expr::Str(_)
        | Expr::Number(_)
        | Expr::Int(_)
        | Expr::Bool(_)
        | Expr::Timestamp(_)
        | Expr::Interval(_)
        | Expr::Now
        | Expr::Star
        | Expr::Keyword(_) => {}
        Expr::Not(inner)
        | Expr::Cast(inner, _)
        | Expr::Extract(_, inner)
        | Expr::Collate(inner, _)
        | Expr::IsNull(inner, _) => expr(inner, f)?,
        Expr::And(parts) | Expr::Or(parts) | Expr::Func(_, parts) => {
            for p in parts {
                expr(p, f)?;
            }
        }
        Expr::Binary(l, _, r) => {
            expr(l, f)?;
            expr(r, f)?;
        }
        Expr::Aggregate { arg, filter, .. } => {
            expr(arg, f)?;
            if let Some(filter) = filter {
                expr(filter, f)?;
            }
        }
        Expr::Window {
            func,
            partition,
            order,
            ..
        } => {
            expr(func, f)?;
            for p in partition {
                expr(p, f)?;
            }
            for o in order {
                expr(&mut o.expr, f)?;
            }
        }
        Expr::Case(whens, otherwise) => {
            for (when, then) in whens {
                expr(when, f)?;
                expr(then, f)?;
            }
            if let Some(otherwise) = otherwise {
                expr(otherwise, f)?;
            }
        }
        Expr::InList(inner, items, _) => {
            expr(inner, f)?;
            for item in items {
                expr(item, f)?;
            }
        }
        Expr::InQuery(inner, query) => {
            expr(inner, f)?;
            select(query, f)?;
        }
        Expr::Scalar(query) => select(query, f)?,
    }
    f(e)
}
