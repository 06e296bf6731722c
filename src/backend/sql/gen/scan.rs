//! Scan planning: the scans of the events table, each grouped by user with
//! one filtered aggregate per behavioural measure (shared when identical) and
//! prefiltered by what all of them need: event names, the earliest window
//! start, the profile semi-join.

use std::collections::{BTreeSet, HashMap};

use super::{events_table, names, quoted, zero_without_events, Scope};
use crate::backend::sql::ast::{Cte, Expr, Function, Ident, Join, Select, Source};
use crate::ir::{EventSet, Filter, Measure, Point, Pred, Selection};
use crate::span::Span;
use crate::time::{Timestamp, MICROS_PER_SECOND};

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

/// Adds a read's event names to a prefilter's set; any event makes it `None`.
pub(super) fn note_names(names: &mut Option<BTreeSet<String>>, events: &EventSet) {
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

/// One scan of the events table grouped by user: its filtered aggregates,
/// each once however many predicates use it, and what its prefilter may assume.
pub(super) struct Scan {
    /// `scan` or `history`; also the CTE's name after the scope's prefix.
    name: &'static str,
    /// The alias the final SELECT joins it under.
    alias: &'static str,
    /// Each column's name, aggregate and the Seg text it implements.
    aggregates: Vec<(Ident, Expr, Option<String>)>,
    keys: HashMap<String, usize>,
    /// Event names read; `None` once some predicate reads any event.
    names: Option<BTreeSet<String>>,
    /// Window starts (none in the history scan).
    starts: Vec<Point>,
}

impl Scan {
    pub(super) fn new(name: &'static str, alias: &'static str) -> Scan {
        Scan {
            name,
            alias,
            aggregates: Vec::new(),
            keys: HashMap::new(),
            names: Some(BTreeSet::new()),
            starts: Vec::new(),
        }
    }

    /// The column computing `e` (`key` is its text), added when new under
    /// `name` (made unique among the `taken` names of the query).
    fn column(
        &mut self,
        key: String,
        name: String,
        note: Option<String>,
        e: Expr,
        taken: &mut BTreeSet<String>,
    ) -> Expr {
        let n = match self.keys.get(&key) {
            Some(n) => *n,
            None => {
                self.aggregates
                    .push((Ident::Derived(names::unique(name, taken)), e, note));
                self.keys.insert(key, self.aggregates.len());
                self.aggregates.len()
            }
        };
        Expr::col(self.alias, self.aggregates[n - 1].0.clone())
    }
}

impl Scope<'_, '_> {
    /// The SELECT over the universe with its joins; emits the scan CTE.
    pub(super) fn finish(&mut self, columns: Vec<(Expr, Option<Ident>)>) -> Select {
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

    pub(super) fn scan_cte(&self, scan: &Scan) -> Cte {
        let ev = &self.g.schema.events;
        let mut columns = vec![(
            Expr::bare(quoted(&ev.user_id)),
            Some(Ident::Plain("user_id")),
        )];
        columns.extend(
            scan.aggregates
                .iter()
                .map(|(alias, e, _)| (e.clone(), Some(alias.clone()))),
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
        select.notes = (scan.aggregates.iter().enumerate())
            .filter_map(|(i, (_, _, note))| Some((i + 1, note.clone()?)))
            .collect();
        select.filter = Some(Expr::all(given));
        select.group_by = vec![Expr::bare(quoted(&ev.user_id))];
        Cte::new(self.cte_name(scan.name.into()), select)
    }

    /// The users the segment can hold at most, from the attribute tests
    /// ANDed at its top: `user_id IN (SELECT … FROM users WHERE …)`. Not
    /// with a percentile, which ranks every user of the universe.
    pub(super) fn profile_filter(&self, pred: &Pred) -> Option<Expr> {
        self.g.schema.users.as_ref()?;
        if !self.d().capabilities().profile_semi_join {
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
    pub(super) fn prefilter(
        &self,
        names: Option<&BTreeSet<String>>,
        starts: Option<&[Point]>,
    ) -> Expr {
        Expr::all(self.prefilter_parts(names, starts))
    }

    pub(super) fn prefilter_parts(
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
    pub(super) fn earliest(&self, starts: &[Point]) -> Option<Expr> {
        // A calendar point counts as the furthest back it can be: the
        // prefilter only needs to let through every event its window holds.
        let longest_ago = starts.iter().filter_map(|p| p.reach()).max();
        let first_at = starts
            .iter()
            .filter_map(|p| match p {
                Point::At(t) => Some(*t),
                Point::Ago(_) | Point::Calendar { .. } => None,
            })
            .min_by_key(|t| t.0);
        match (longest_ago, first_at, self.g.as_of) {
            (None, None, _) => None,
            (Some(s), None, _) => Some(self.g.point(Point::Ago(s))),
            (None, Some(t), _) => Some(Expr::Timestamp(t)),
            (Some(s), Some(t), Some(now)) => Some(Expr::Timestamp(Timestamp(
                (now.0 - s * MICROS_PER_SECOND).min(t.0),
            ))),
            (Some(s), Some(t), None) => Some(Expr::call(
                Function::Least,
                vec![self.g.point(Point::Ago(s)), Expr::Timestamp(t)],
            )),
        }
    }

    pub(super) fn ts(&self) -> Expr {
        Expr::bare(quoted(&self.g.schema.events.timestamp))
    }

    /// `name = 'a'` or `name IN ('a', …)`.
    pub(super) fn event_in(&self, names: Vec<String>) -> Expr {
        self.event_name_test(names, false)
    }

    /// `name <> 'a'` or `name NOT IN ('a', …)`.
    pub(super) fn event_not_in(&self, names: Vec<String>) -> Expr {
        self.event_name_test(names, true)
    }

    fn event_name_test(&self, mut names: Vec<String>, negated: bool) -> Expr {
        let column = Expr::bare(quoted(&self.g.schema.events.name));
        if names.len() == 1 {
            let op = if negated { "<>" } else { "=" };
            column.bin(op, Expr::Str(names.pop().expect("one name")))
        } else {
            let items = names.into_iter().map(Expr::Str).collect();
            Expr::InList(Box::new(column), items, negated)
        }
    }

    /// A filtered aggregate over events of `events` from `start` on, in
    /// the scan of its kind (shared when identical); its column, named
    /// `name` and commented with the Seg text at `span`.
    pub(super) fn aggregate(
        &mut self,
        (name, span): (String, Span),
        e: Expr,
        events: &EventSet,
        start: Option<Point>,
    ) -> Expr {
        let key = crate::backend::sql::print::expr(&e, self.d());
        let note = self.g.seg_text(span);
        let scan = &mut self.scans[usize::from(start.is_none())];
        note_names(&mut scan.names, events);
        scan.starts.extend(start);
        scan.column(key, name, note, e, &mut self.taken)
    }

    /// The condition selecting a step's events (names and property filter).
    pub(super) fn step(&self, events: &EventSet, filter: Option<&Filter>) -> Vec<Expr> {
        let mut parts = Vec::new();
        match events {
            EventSet::Any => {}
            EventSet::Names(names) => parts.push(self.event_in(names.clone())),
            EventSet::Except(names) => parts.push(self.event_not_in(names.clone())),
        }
        if let Some(f) = filter {
            parts.push(self.filter(f));
        }
        parts
    }

    pub(super) fn selection(&self, s: &Selection) -> Option<Expr> {
        let mut parts = self.step(&s.events, s.filter.as_ref());
        parts.extend(self.g.window(&self.ts(), &s.window, false));
        Expr::all_opt(parts)
    }

    /// The value of a measure over a selection: its scan column, with 0 for
    /// "no events" where the spec says so. `span`: the Seg text asking for it.
    pub(super) fn measure(&mut self, selection: &Selection, measure: &Measure, span: Span) -> Expr {
        let filter = self.selection(selection);
        let (func, arg, distinct) = match measure {
            Measure::Count => ("COUNT", Expr::Star, false),
            Measure::CountDistinct(f) => ("COUNT", self.property(f), true),
            Measure::Sum(f) => ("SUM", self.property(f), false),
            Measure::Avg(f) => ("AVG", self.property(f), false),
            Measure::Min(f) => ("MIN", self.property(f), false),
            Measure::Max(f) => ("MAX", self.property(f), false),
        };
        let column = self.aggregate(
            (names::measure(selection, measure), span),
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
}
