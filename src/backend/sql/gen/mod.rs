//! Typed IR → SQL tree.
//!
//! The shape of every query (see `docs/sql.md`):
//! - the universe: the users table, else the users with an event up to now;
//! - one scan of the events table per query, grouped by user, with one
//!   filtered aggregate per behavioural predicate, prefiltered by the event
//!   names used and the earliest window start (and a second scan for the
//!   predicates over all history);
//! - a sequence or a regularity gets its own small CTE chain (window
//!   functions over one user's events: cost linear in them); a percentile
//!   ranks in the final SELECT list;
//! - `in segment` reads a CTE holding the referenced segment's members;
//! - every predicate becomes a boolean that is never NULL, so `NOT` is plain
//!   negation (spec §3.9).
//!
//! One module per seam: [`scan`] plans the events scans, [`members`] shapes
//! what a query returns, [`sequence`], [`regularity`] and [`percentile`]
//! build their own CTEs or windows, [`field`] tests one value.

mod field;
mod members;
mod percentile;
mod regularity;
mod scan;
mod sequence;

use super::ast::{Cte, Expr, Ident, Join, Query, Select, Source};
use super::dialect::Dialect;
use crate::ir::{Cmp, Measure, Point, Pred, Program, Recency, Segment, SegmentRef, Which, Window};
use crate::sema::schema::Schema;
use crate::time::{Timestamp, MICROS_PER_SECOND};
use scan::Scan;

/// Which result a query returns.
pub enum Output<'a> {
    /// `user_id` (+ `holdout`, or `arm` for a partition), one row per member.
    Members(&'a Segment),
    /// `user_id` and one column per segment, one row per user of the universe.
    Combined(Vec<&'a Segment>),
}

pub struct Generator<'a> {
    pub dialect: &'a dyn Dialect,
    pub program: &'a Program,
    pub schema: &'a Schema,
    /// The evaluation instant; `None` for the engine's current time.
    pub as_of: Option<Timestamp>,
}

/// The name of the CTE that holds a user set when there is no users table.
const UNIVERSE: &str = "segc_universe";

impl Generator<'_> {
    pub fn query(&self, output: Output) -> Query {
        let roots: Vec<&Segment> = match &output {
            Output::Members(s) => vec![*s],
            Output::Combined(segments) => segments.clone(),
        };
        let mut ctes = Vec::new();
        if self.schema.users.is_none() {
            ctes.push(self.universe_cte());
        }
        for name in self.program.dependencies(&roots) {
            let segment = self.program.segment(&name).expect("resolved by sema");
            let mut scope = Scope::new(self, format!("{name}__"));
            let body = scope.members(segment, false);
            ctes.extend(scope.ctes);
            ctes.push(Cte {
                name: members_cte(&name),
                select: body,
            });
        }
        let body = match output {
            Output::Members(segment) => {
                let mut scope = Scope::new(self, format!("{}__", segment.name));
                let body = scope.members(segment, true);
                ctes.extend(scope.ctes);
                body
            }
            Output::Combined(segments) => {
                let mut prefix = String::from("combined");
                while self.program.segment(&prefix).is_some() {
                    prefix.push('_');
                }
                let mut scope = Scope::new(self, format!("{prefix}__"));
                let body = scope.combined(&segments);
                ctes.extend(scope.ctes);
                body
            }
        };
        Query { ctes, body }
    }

    fn universe_cte(&self) -> Cte {
        let ev = &self.schema.events;
        let mut select = Select::new(
            vec![(
                Expr::bare(quoted(&ev.user_id)),
                Some(Ident::Plain("user_id")),
            )],
            events_table(self.schema),
        );
        select.filter = Some(Expr::bare(quoted(&ev.timestamp)).bin("<=", self.now()));
        select.group_by = vec![Expr::bare(quoted(&ev.user_id))];
        Cte {
            name: Ident::Plain(UNIVERSE),
            select,
        }
    }

    fn now(&self) -> Expr {
        self.as_of.map_or(Expr::Now, Expr::Timestamp)
    }

    fn point(&self, p: Point) -> Expr {
        match (p, self.as_of) {
            (Point::At(ts), _) => Expr::Timestamp(ts),
            (Point::Ago(0), None) => Expr::Now,
            (Point::Ago(s), Some(now)) => Expr::Timestamp(Timestamp(now.0 - s * MICROS_PER_SECOND)),
            (Point::Ago(s), None) => Expr::Now.bin("-", Expr::Interval(s)),
        }
    }

    /// Conditions putting `value` in `window`; `clip` adds `<= now` for
    /// windows that end now (event scans are already clipped).
    fn window(&self, value: &Expr, window: &Window, clip: bool) -> Vec<Expr> {
        window
            .bounds(clip)
            .into_iter()
            .map(|(cmp, p)| value.clone().bin(cmp_op(cmp), self.point(p)))
            .collect()
    }
}

/// Counts and sums are 0 over no events; averages, minima and maxima are
/// missing (spec §3.3).
fn zero_without_events(measure: &Measure) -> bool {
    matches!(
        measure,
        Measure::Count | Measure::CountDistinct(_) | Measure::Sum(_)
    )
}

fn quoted(name: &str) -> Ident {
    Ident::Quoted(name.to_string())
}

fn members_cte(segment: &str) -> Ident {
    Ident::Quoted(format!("{segment}__members"))
}

fn events_table(schema: &Schema) -> Source {
    Source::Table(
        schema.events.table.split('.').map(String::from).collect(),
        None,
    )
}

fn cmp_op(cmp: Cmp) -> &'static str {
    match cmp {
        Cmp::Eq => "=",
        Cmp::Ne => "<>",
        Cmp::Lt => "<",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Ge => ">=",
    }
}

/// A boolean that may be NULL (a comparison with a missing value) as one
/// that is FALSE instead.
fn definite(e: Expr) -> Expr {
    e.or_else(Expr::Bool(false))
}

/// One SELECT over the universe and the CTEs it needs.
struct Scope<'g, 'a> {
    g: &'g Generator<'a>,
    /// Prefix of this scope's CTE names: `segment__`.
    prefix: String,
    /// Aggregates over windows that start somewhere, prefiltered by the
    /// earliest start; then those over all history (`first`, `last`, no
    /// window). Apart, a full-history predicate does not make every other
    /// aggregate read all history too: 25 windowed aggregates took 0.4 s
    /// alone and 2.5 s in one scan with 5 history ones, at 20M events.
    scans: [Scan; 2],
    /// CTEs of sequences and regularities.
    ctes: Vec<Cte>,
    /// Whether a percentile put window functions in the final SELECT list.
    ranks: bool,
    joins: Vec<Join>,
    sides: usize,
    /// Profile conditions ANDed at the top of the segment, pushed into every
    /// events scan as a semi-join on the users table.
    profile: Option<Expr>,
}

impl<'g, 'a> Scope<'g, 'a> {
    fn new(g: &'g Generator<'a>, prefix: String) -> Self {
        Scope {
            g,
            prefix,
            scans: [Scan::new("scan", "s"), Scan::new("history", "h")],
            ctes: Vec::new(),
            ranks: false,
            joins: Vec::new(),
            sides: 0,
            profile: None,
        }
    }

    fn d(&self) -> &'a dyn Dialect {
        self.g.dialect
    }

    fn cte_name(&self, kind: String) -> Ident {
        Ident::Quoted(format!("{}{kind}", self.prefix))
    }

    /// The user id of the universe row.
    fn user_id(&self) -> Expr {
        match &self.g.schema.users {
            Some(users) => Expr::col("u", quoted(&users.user_id)),
            None => Expr::col("u", Ident::Plain("user_id")),
        }
    }

    fn universe(&self) -> Source {
        match &self.g.schema.users {
            Some(users) => Source::Table(
                users.table.split('.').map(String::from).collect(),
                Some(Ident::Plain("u")),
            ),
            None => Source::Cte(Ident::Plain(UNIVERSE), Some(Ident::Plain("u"))),
        }
    }

    fn join_on(&self, alias: Ident) -> Expr {
        Expr::Column(Some(alias), Ident::Plain("user_id")).bin("=", self.user_id())
    }

    fn pred(&mut self, p: &Pred) -> Expr {
        match p {
            Pred::Const(b) => Expr::Bool(*b),
            Pred::And(ps) => Expr::all(ps.iter().map(|p| self.pred(p)).collect()),
            Pred::Or(ps) => Expr::Or(ps.iter().map(|p| self.pred(p)).collect()),
            Pred::Not(p) => Expr::Not(Box::new(self.pred(p))),
            Pred::Behaviour(b) => {
                let value = self.measure(&b.selection, &b.measure);
                let test = value.bin(cmp_op(b.cmp), Expr::Number(b.value));
                if zero_without_events(&b.measure) {
                    test
                } else {
                    definite(test)
                }
            }
            Pred::Recency(r) => self.recency(r),
            Pred::Sequence(s) => self.sequence(s),
            Pred::Regularity(r) => self.regularity(r),
            Pred::Attribute(fp) => {
                let value = Expr::col("u", quoted(&fp.field.name));
                self.field_pred(value, fp)
            }
            Pred::Ref(r) => self.reference(r),
            Pred::Percentile(p) => self.percentile(p),
        }
    }

    fn recency(&mut self, r: &Recency) -> Expr {
        let (kind, func) = match r.which {
            Which::First => ("first", "MIN"),
            Which::Last => ("last", "MAX"),
        };
        let filter = Expr::all_opt(self.step(&r.events, r.filter.as_ref()));
        let column = self.aggregate(kind, Expr::agg(func, self.ts(), filter), &r.events, None);
        let mut parts = vec![column.clone().is_not_null()];
        parts.extend(self.g.window(&column, &r.window, false));
        definite(Expr::all(parts))
    }

    fn reference(&self, r: &SegmentRef) -> Expr {
        let mut select = Select::new(
            vec![(Expr::bare(Ident::Plain("user_id")), None)],
            Source::Cte(members_cte(&r.segment), None),
        );
        if let Some(arm) = &r.arm {
            select.filter = Some(Expr::bare(Ident::Plain("arm")).bin("=", Expr::Str(arm.clone())));
        }
        definite(Expr::InQuery(Box::new(self.user_id()), Box::new(select)))
    }

    /// The next side CTE number and its alias (`q_1`, `r_2`, `p_3`).
    fn side(&mut self, kind: &'static str) -> (usize, Ident) {
        self.sides += 1;
        (self.sides, Ident::Numbered(kind, self.sides))
    }

    fn join_side(&mut self, cte: Ident, alias: Ident) {
        let on = self.join_on(alias.clone());
        self.joins.push(Join {
            source: Source::Cte(cte, Some(alias)),
            on,
        });
    }
}
