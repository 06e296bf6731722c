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

use std::collections::{BTreeSet, HashMap};

use super::ast::{Cte, Expr, Frame, Ident, Join, Order, Query, Select, Source};
use super::dialect::Dialect;
use crate::backend::regex;
use crate::ir::{
    Arm, Body, Cmp, EventSet, Field, FieldOp, FieldPred, Filter, Literal, Measure, Percentile,
    Point, Pred, Program, Recency, Regularity, Segment, SegmentRef, Selection, Sequence, Type,
    Which, Window,
};
use crate::sema::schema::Schema;
use crate::time::{is_leap_year, Timestamp, MICROS_PER_SECOND};

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

/// A scan aggregate's FILTER without the conditions the scan's WHERE
/// already guarantees (`event = 'x'`, `ts >= start`); `None` when nothing is
/// left. A FILTER that tests nothing new still costs a test per row: about
/// 10% of a one-predicate scan on DuckDB.
fn without_given(filter: Expr, given: &[Expr]) -> Option<Expr> {
    let parts = match filter {
        Expr::And(parts) => parts,
        part => vec![part],
    };
    Expr::all_opt(parts.into_iter().filter(|p| !given.contains(p)).collect())
}

/// Whether no event can hold two adjacent steps, nor the last step and the
/// `then not`: their event names are disjoint. Then a sequence needs no
/// per-instant grouping (about 25% of a 2-step query on DuckDB): ordering
/// the rows of one instant by the earlier step's flag keeps "strictly
/// before" exact.
fn apart(s: &Sequence) -> bool {
    let disjoint = |a: &crate::ir::Step, b: &crate::ir::Step| match (&a.events, &b.events) {
        (EventSet::Names(x), EventSet::Names(y)) => x.iter().all(|n| !y.contains(n)),
        _ => false,
    };
    let last = s.steps.last();
    s.steps.windows(2).all(|w| disjoint(&w[0], &w[1]))
        && s.then_not
            .as_ref()
            .is_none_or(|not| last.is_some_and(|l| disjoint(l, not)))
}

/// Counts and sums are 0 over no events; averages, minima and maxima are
/// missing (spec §3.3).
fn zero_without_events(measure: &Measure) -> bool {
    matches!(
        measure,
        Measure::Count | Measure::CountDistinct(_) | Measure::Sum(_)
    )
}

/// Adds a read's event names to a prefilter's set; any event makes it `None`.
fn note_names(names: &mut Option<BTreeSet<String>>, events: &EventSet) {
    match (events, names.as_mut()) {
        (EventSet::Names(read), Some(all)) => all.extend(read.iter().cloned()),
        _ => *names = None,
    }
}

fn has_percentile(p: &Pred) -> bool {
    let mut found = false;
    crate::ir::fold::for_each_leaf(p, &mut |leaf| found |= matches!(leaf, Pred::Percentile(_)));
    found
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

/// One scan of the events table grouped by user: its filtered aggregates,
/// each once however many predicates use it, and what its prefilter may assume.
struct Scan {
    /// `scan` or `history`; also the CTE's name after the scope's prefix.
    name: &'static str,
    /// The alias the final SELECT joins it under.
    alias: &'static str,
    aggregates: Vec<(Ident, Expr)>,
    keys: HashMap<String, usize>,
    /// Event names read; `None` once some predicate reads any event.
    names: Option<BTreeSet<String>>,
    /// Window starts (none in the history scan).
    starts: Vec<Point>,
}

impl Scan {
    fn new(name: &'static str, alias: &'static str) -> Scan {
        Scan {
            name,
            alias,
            aggregates: Vec::new(),
            keys: HashMap::new(),
            names: Some(BTreeSet::new()),
            starts: Vec::new(),
        }
    }

    /// The column computing `e` (`key` is its text), added when new.
    fn column(&mut self, key: String, kind: &'static str, e: Expr) -> Expr {
        let n = *self.keys.entry(key).or_insert_with(|| {
            let n = self.aggregates.len() + 1;
            self.aggregates.push((Ident::Numbered(kind, n), e));
            n
        });
        Expr::col(self.alias, self.aggregates[n - 1].0.clone())
    }
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

    /// The members query of a segment: `user_id` (+ `holdout` when `outer`
    /// and declared), or `user_id, arm` for a partition.
    fn members(&mut self, segment: &Segment, outer: bool) -> Select {
        let user_id = (self.user_id(), Some(Ident::Plain("user_id")));
        match &segment.body {
            Body::Predicate { pred, holdout } => {
                self.profile = self.profile_filter(pred);
                let condition = self.pred(pred);
                let mut columns = vec![user_id];
                if let (true, Some(h)) = (outer, holdout) {
                    let text = Expr::Str(format!("{}:", h.salt))
                        .bin("||", self.user_id().cast(self.d().text_type()));
                    let bucket = self.d().md5_u32(text).bin("%", Expr::Int(10_000));
                    let flag = bucket.bin("<", Expr::Int(i64::from(h.basis_points)));
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

    /// `CASE WHEN arm1 THEN 'arm1' … END`: the first arm that matches.
    fn arm(&mut self, arms: &[Arm]) -> Expr {
        let whens: Vec<_> = arms
            .iter()
            .map(|a| (self.pred(&a.pred), Expr::Str(a.name.clone())))
            .collect();
        if whens.is_empty() {
            // No arms: nobody is assigned (`CASE` needs at least one `WHEN`).
            return Expr::Null.cast(self.d().text_type());
        }
        Expr::Case(whens, None)
    }

    /// One row per user of the universe, one column per segment.
    fn combined(&mut self, segments: &[&Segment]) -> Select {
        let mut columns = vec![(self.user_id(), Some(Ident::Plain("user_id")))];
        for segment in segments {
            let value = match &segment.body {
                Body::Predicate { pred, .. } => self.pred(pred),
                Body::Partition { arms } => self.arm(arms),
            };
            columns.push((value, Some(quoted(&segment.name))));
        }
        self.finish(columns)
    }

    /// The SELECT over the universe with its joins; emits the scan CTE.
    fn finish(&mut self, columns: Vec<(Expr, Option<Ident>)>) -> Select {
        let mut joins = Vec::new();
        for scan in self.scans.iter().rev() {
            if scan.aggregates.is_empty() {
                continue;
            }
            let cte = self.scan_cte(scan);
            let alias = Ident::Plain(scan.alias);
            joins.insert(
                0,
                Join {
                    source: Source::Cte(cte.name.clone(), Some(alias.clone())),
                    on: self.join_on(alias),
                },
            );
            // The scans come before the CTEs that read them.
            self.ctes.insert(0, cte);
        }
        joins.append(&mut self.joins);
        let mut select = Select::new(columns, self.universe());
        select.joins = joins;
        select
    }

    fn scan_cte(&self, scan: &Scan) -> Cte {
        let ev = &self.g.schema.events;
        let mut columns = vec![(
            Expr::bare(quoted(&ev.user_id)),
            Some(Ident::Plain("user_id")),
        )];
        columns.extend(
            scan.aggregates
                .iter()
                .map(|(alias, e)| (e.clone(), Some(alias.clone()))),
        );
        let given = self.prefilter_parts(scan.names.as_ref(), Some(&scan.starts));
        for (aggregate, _) in &mut columns {
            if let Expr::Aggregate { filter, .. } = aggregate {
                *filter = filter
                    .take()
                    .and_then(|f| without_given(*f, &given))
                    .map(Box::new);
            }
        }
        let mut select = Select::new(columns, events_table(self.g.schema));
        select.filter = Some(Expr::all(given));
        select.group_by = vec![Expr::bare(quoted(&ev.user_id))];
        Cte {
            name: self.cte_name(scan.name.into()),
            select,
        }
    }

    /// The users the segment can hold at most, from the attribute tests
    /// ANDed at its top: `user_id IN (SELECT … FROM users WHERE …)`. Not
    /// with a percentile, which ranks every user of the universe.
    fn profile_filter(&self, pred: &Pred) -> Option<Expr> {
        self.g.schema.users.as_ref()?;
        if !self.d().profile_semi_join() {
            return None;
        }
        let Pred::And(items) = pred else { return None };
        if has_percentile(pred) {
            return None;
        }
        let tests: Vec<Expr> = items
            .iter()
            .filter_map(|p| match p {
                Pred::Attribute(fp) => {
                    Some(self.field_pred(Expr::col("u", quoted(&fp.field.name)), fp))
                }
                _ => None,
            })
            .collect();
        if tests.is_empty() || tests.len() == items.len() {
            return None; // nothing to push, or no scan to push it into
        }
        let mut select = Select::new(vec![(self.user_id(), None)], self.universe());
        select.filter = Some(Expr::all(tests));
        let ev = &self.g.schema.events;
        Some(Expr::InQuery(
            Box::new(Expr::bare(quoted(&ev.user_id))),
            Box::new(select),
        ))
    }

    /// `ts <= now`, the event names and the earliest start, when known; the
    /// profile semi-join when there is one.
    fn prefilter(&self, names: Option<&BTreeSet<String>>, starts: Option<&[Point]>) -> Expr {
        Expr::all(self.prefilter_parts(names, starts))
    }

    fn prefilter_parts(
        &self,
        names: Option<&BTreeSet<String>>,
        starts: Option<&[Point]>,
    ) -> Vec<Expr> {
        let ts = self.ts();
        let mut parts = vec![ts.clone().bin("<=", self.g.now())];
        parts.extend(self.profile.clone());
        if let Some(names) = names {
            parts.push(self.event_in(names.iter().cloned().collect()));
        }
        if let Some(earliest) = starts.and_then(|s| self.earliest(s)) {
            parts.push(ts.bin(">=", earliest));
        }
        parts
    }

    /// The earliest of several window starts, folded where the values are known.
    fn earliest(&self, starts: &[Point]) -> Option<Expr> {
        let longest_ago = starts
            .iter()
            .filter_map(|p| match p {
                Point::Ago(s) => Some(*s),
                Point::At(_) => None,
            })
            .max();
        let first_at = starts
            .iter()
            .filter_map(|p| match p {
                Point::At(t) => Some(*t),
                Point::Ago(_) => None,
            })
            .min_by_key(|t| t.0);
        match (longest_ago, first_at, self.g.as_of) {
            (None, None, _) => None,
            (Some(s), None, _) => Some(self.g.point(Point::Ago(s))),
            (None, Some(t), _) => Some(Expr::Timestamp(t)),
            (Some(s), Some(t), Some(now)) => Some(Expr::Timestamp(Timestamp(
                (now.0 - s * MICROS_PER_SECOND).min(t.0),
            ))),
            (Some(s), Some(t), None) => Some(Expr::func(
                "LEAST",
                vec![self.g.point(Point::Ago(s)), Expr::Timestamp(t)],
            )),
        }
    }

    fn ts(&self) -> Expr {
        Expr::bare(quoted(&self.g.schema.events.timestamp))
    }

    fn event_in(&self, mut names: Vec<String>) -> Expr {
        let column = Expr::bare(quoted(&self.g.schema.events.name));
        if names.len() == 1 {
            column.bin("=", Expr::Str(names.pop().expect("one name")))
        } else {
            let items = names.into_iter().map(Expr::Str).collect();
            Expr::InList(Box::new(column), items, false)
        }
    }

    /// A filtered aggregate over events of `events` from `start` on, in
    /// the scan of its kind (shared when identical); its column.
    fn aggregate(
        &mut self,
        kind: &'static str,
        e: Expr,
        events: &EventSet,
        start: Option<Point>,
    ) -> Expr {
        let key = super::print::expr(&e, self.d());
        let scan = &mut self.scans[usize::from(start.is_none())];
        note_names(&mut scan.names, events);
        scan.starts.extend(start);
        scan.column(key, kind, e)
    }

    /// The condition selecting a step's events (names and property filter).
    fn step(&self, events: &EventSet, filter: Option<&Filter>) -> Vec<Expr> {
        let mut parts = Vec::new();
        if let EventSet::Names(names) = events {
            parts.push(self.event_in(names.clone()));
        }
        if let Some(f) = filter {
            parts.push(self.filter(f));
        }
        parts
    }

    fn selection(&self, s: &Selection) -> Option<Expr> {
        let mut parts = self.step(&s.events, s.filter.as_ref());
        parts.extend(self.g.window(&self.ts(), &s.window, false));
        Expr::all_opt(parts)
    }

    /// The value of a measure over a selection: its scan column, with 0 for
    /// "no events" where the spec says so.
    fn measure(&mut self, selection: &Selection, measure: &Measure) -> Expr {
        let filter = self.selection(selection);
        let (kind, func, arg, distinct) = match measure {
            Measure::Count => ("count", "COUNT", Expr::Star, false),
            Measure::CountDistinct(f) => ("distinct", "COUNT", self.property(f), true),
            Measure::Sum(f) => ("sum", "SUM", self.property(f), false),
            Measure::Avg(f) => ("avg", "AVG", self.property(f), false),
            Measure::Min(f) => ("min", "MIN", self.property(f), false),
            Measure::Max(f) => ("max", "MAX", self.property(f), false),
        };
        let column = self.aggregate(
            kind,
            Expr::Aggregate {
                func,
                distinct,
                arg: Box::new(arg),
                filter: filter.map(Box::new),
            },
            &selection.events,
            selection.window.start,
        );
        if zero_without_events(measure) {
            column.or_else(Expr::Int(0))
        } else {
            column
        }
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

    /// `RANK` over the universe gives 1 + the users strictly ahead (`g`);
    /// a member has g × 100 < P × n, n the users with a value, P as written
    /// so the test is exact in SQL decimals.
    fn percentile(&mut self, p: &Percentile) -> Expr {
        let score = self.measure(&p.aggregate.selection, &p.aggregate.measure);
        self.ranks = true;
        // Every user has a count or a sum (0 without events).
        let always = zero_without_events(&p.aggregate.measure);
        let place = Expr::Window {
            func: Box::new(Expr::func("RANK", vec![])),
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

    /// A window over one user's instants in time order.
    /// `tie` orders rows of one instant: a flag, descending or not.
    fn over(&self, func: Expr, frame: Frame, tie: Option<(Expr, bool)>) -> Expr {
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
            partition: vec![Expr::bare(Ident::Plain("user_id"))],
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
    fn sequence(&mut self, s: &Sequence) -> Expr {
        let (n, alias) = self.side("q");
        let name = |stage: &str| self.cte_name(format!("q{n}{stage}"));
        let k = s.steps.len();
        let ts = || Expr::bare(Ident::Plain("ts"));
        let flag = |i: usize| Expr::bare(Ident::Numbered("f", i)).bin("=", Expr::Int(1));
        let not_flag = || Expr::bare(Ident::Plain("f_not")).bin("=", Expr::Int(1));
        let one_if =
            |cond: Expr| Expr::Case(vec![(cond, Expr::Int(1))], Some(Box::new(Expr::Int(0))));
        let apart = apart(s);
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
        instants.filter =
            Some(self.prefilter(names.as_ref(), start.as_ref().map(std::slice::from_ref)));
        if !apart {
            instants.group_by = vec![Expr::bare(quoted(&ev.user_id)), self.ts()];
        }
        let mut stages = vec![Cte {
            name: name("_instants"),
            select: instants,
        }];

        // Stage 2: l_1 or l_2, the next `then not` instant, the first start in range.
        let start_ts = || flag(1).then(ts());
        let mut columns = vec![(Expr::Star, None)];
        let l = |j: usize| Expr::bare(Ident::Numbered("l", j));
        columns.push(if k == 1 {
            (start_ts(), Some(Ident::Numbered("l", 1)))
        } else {
            let latest = self.over(
                Expr::agg("MAX", start_ts(), None),
                Frame::Earlier,
                tie(Ident::Numbered("f", 1), false),
            );
            (flag(2).then(latest), Some(Ident::Numbered("l", 2)))
        });
        if s.then_not.is_some() {
            let next = self.over(
                Expr::agg("MIN", not_flag().then(ts()), None),
                Frame::Later,
                tie(Ident::Plain("f_not"), true),
            );
            columns.push((next, Some(Ident::Plain("next_not"))));
        }
        let first_start = match (s.then_not.is_some(), s.within) {
            (true, Some(d)) if k > 1 => {
                let first = self.over(
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
            let cte = Cte {
                name: name(&stage),
                select,
            };
            previous = cte.name.clone();
            stages.push(cte);
        };
        level(columns, None, &mut stages, "_chain2".into());
        // Stages 3..k: one window per further step, over the rows that still
        // matter: a chain through step j-1 ends there, or a later step is there.
        for j in 3..=k {
            let mut useful = vec![l(j - 1).is_not_null()];
            useful.extend((j..=k).map(flag));
            let latest = self.over(
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
        let cte = Cte {
            name: name(""),
            select: done,
        };
        let cte_name = cte.name.clone();
        stages.push(cte);
        self.ctes.extend(stages);
        self.join_side(cte_name, alias.clone());
        Expr::Column(Some(alias), Ident::Plain("hit"))
            .or_else(Expr::Int(0))
            .bin("=", Expr::Int(1))
    }

    /// Buckets aligned to now: bucket i holds `now - (i+1)·P <= ts < now - i·P`,
    /// bucket 0 also `ts = now`; in microseconds, `i = max(age - 1, 0) div P`.
    fn regularity(&mut self, r: &Regularity) -> Expr {
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
            Expr::func("GREATEST", vec![age, Expr::Int(0)]),
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

    /// An event property: a plain column, or read from the JSON column.
    fn property(&self, f: &Field) -> Expr {
        let ty = f.ty.unwrap_or(Type::String);
        match &self.g.schema.events.properties_json {
            Some(column) => self
                .d()
                .json_property(Expr::bare(quoted(column)), &f.name, ty),
            None => Expr::bare(quoted(&f.name)),
        }
    }

    fn filter(&self, f: &Filter) -> Expr {
        match f {
            Filter::And(fs) => Expr::all(fs.iter().map(|f| self.filter(f)).collect()),
            Filter::Or(fs) => Expr::Or(fs.iter().map(|f| self.filter(f)).collect()),
            Filter::Not(f) => Expr::Not(Box::new(self.filter(f))),
            Filter::Const(b) => Expr::Bool(*b),
            Filter::Property(fp) => self.field_pred(self.property(&fp.field), fp),
        }
    }

    /// A test of one field, FALSE when the value is missing (but `is not set`).
    fn field_pred(&self, value: Expr, fp: &FieldPred) -> Expr {
        let d = self.d();
        let folded = |e: Expr, ignore_case: bool| {
            if ignore_case {
                Expr::func("lower", vec![e])
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
                let ordered = Expr::Collate(Box::new(value), d.byte_order_collation());
                ordered.bin(cmp_op(*cmp), literal(lit))
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
            } => Expr::func(
                "strpos",
                vec![folded(value, *ignore_case), text(t, *ignore_case)],
            )
            .bin(">", Expr::Int(0)),
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
    fn anniversary(&self, value: Expr, days: i64) -> Expr {
        let d = self.d();
        let int = |e: Expr| e.cast("INTEGER");
        let part = |field| int(Expr::Extract(field, Box::new(value.clone())));
        let (month, day) = (part("MONTH"), part("DAY"));
        let today = self.g.now().cast("DATE");
        let year = match self.g.as_of {
            Some(t) => Expr::Int(i64::from(t.date().year)),
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
            let day = match self.g.as_of {
                Some(t) if is_leap_year(t.date().year + offset as i32) => day.clone(),
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
            Expr::func("make_date", vec![year, month.clone(), day])
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
