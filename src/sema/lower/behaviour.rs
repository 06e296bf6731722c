//! Behaviours: event selections, aggregates, quantities, sequences,
//! regularities, segment references and windows.

use super::*;

impl Lowerer<'_> {
    pub(super) fn step(&mut self, step: &ast::Step) -> (EventSet, Option<Filter>) {
        let events = self.events(&step.events);
        let filter = step.filter.as_ref().map(|f| self.filter(f));
        (events, filter)
    }

    pub(super) fn selection(
        &mut self,
        step: &ast::Step,
        window: Option<&ast::Window>,
    ) -> ir::Selection {
        let (events, filter) = self.step(step);
        ir::Selection {
            events,
            filter,
            window: window.map_or(ir::Window::ALL, |w| self.window(w)),
        }
    }

    pub(super) fn events(&mut self, events: &ast::Events) -> EventSet {
        let (names, except): (Vec<&Spanned<String>>, bool) = match events {
            ast::Events::Any(_) => return EventSet::Any,
            ast::Events::Name(n) => (vec![n], false),
            ast::Events::AnyOf(list) => (list.iter().collect(), false),
            ast::Events::AnyExcept(list) => (list.iter().collect(), true),
        };
        if let Some(catalog) = self.schema.and_then(|s| s.events.catalog.as_ref()) {
            for name in &names {
                if catalog.contains(&name.value) {
                    continue;
                }
                let d = Diagnostic::new(
                    Code::UnknownEvent,
                    format!("event {:?} is not in the catalog", name.value),
                )
                .label(name.span, "unknown event");
                let d = match suggest(&name.value, catalog.iter().map(String::as_str)) {
                    Some(s) => did_you_mean(d, &format!("{s:?}"), name.span, plain_string(s)),
                    None => d.help("check the spelling, or add the event to `catalog` under [events] in segc.toml"),
                };
                self.diags.push(d);
            }
        }
        let mut list: Vec<String> = names.into_iter().map(|n| n.value.clone()).collect();
        list.sort();
        list.dedup();
        if except {
            EventSet::Except(list)
        } else {
            EventSet::Names(list)
        }
    }

    /// A count of events: whole and not negative.
    pub(super) fn count(&mut self, n: &Spanned<f64>) -> f64 {
        if n.value < 0.0 || n.value.fract() != 0.0 {
            self.error(
                Diagnostic::new(
                    Code::BadCount,
                    format!("{} is not a count of events", n.value),
                )
                .label(n.span, "counts are whole numbers, 0 or more")
                .help("write a whole number such as 3"),
            );
        }
        n.value
    }

    /// The count comparisons a quantity means; `at least 1 time` by default.
    pub(super) fn quantity(&mut self, q: Option<&ast::Quantity>) -> Vec<CountCmp> {
        let one = |cmp, value| vec![CountCmp { cmp, value }];
        let Some(q) = q else {
            return one(Cmp::Ge, 1.0);
        };
        match &q.kind {
            QuantityKind::AtLeast(n) => one(Cmp::Ge, self.count(n)),
            QuantityKind::AtMost(n) => one(Cmp::Le, self.count(n)),
            QuantityKind::Exactly(n) => one(Cmp::Eq, self.count(n)),
            QuantityKind::MoreThan(n) => one(Cmp::Gt, self.count(n)),
            QuantityKind::FewerThan(n) => one(Cmp::Lt, self.count(n)),
            QuantityKind::Between(a, b) => {
                let (low, high) = (self.count(a), self.count(b));
                if low > high {
                    self.error(
                        Diagnostic::new(
                            Code::BadCount,
                            format!("`between {low} and {high} times` can never hold"),
                        )
                        .label(q.span, "the first count is above the second")
                        .help(format!("write `between {high} and {low} times`")),
                    );
                }
                vec![
                    CountCmp {
                        cmp: Cmp::Ge,
                        value: low,
                    },
                    CountCmp {
                        cmp: Cmp::Le,
                        value: high,
                    },
                ]
            }
        }
    }

    pub(super) fn aggregate(&mut self, a: &ast::Aggregate) -> ir::Aggregate {
        let numeric = |this: &mut Self, name: &ast::Name, what: &str| {
            let field = this.property(name, Some(Type::Number));
            if let Some(ty) = field.ty.filter(|t| *t != Type::Number) {
                this.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("{what}({}) needs a number property", name.value),
                    )
                    .label(name.span, format!("`{}` is a {}", name.value, ty.name()))
                    .help("use `count distinct(…)` for other types, or a number property"),
                );
            }
            field
        };
        let measure = match &a.measure.value {
            ast::Measure::Count => ir::Measure::Count,
            ast::Measure::CountDistinct(n) => ir::Measure::CountDistinct(self.property(n, None)),
            ast::Measure::Sum(n) => ir::Measure::Sum(numeric(self, n, "sum")),
            ast::Measure::Avg(n) => ir::Measure::Avg(numeric(self, n, "avg")),
            ast::Measure::Min(n) => ir::Measure::Min(numeric(self, n, "min")),
            ast::Measure::Max(n) => ir::Measure::Max(numeric(self, n, "max")),
        };
        ir::Aggregate {
            selection: self.selection(&a.step, a.window.as_ref()),
            measure,
        }
    }

    /// A property used by an aggregate; `hint` is its type when usage tells.
    pub(super) fn property(&mut self, name: &ast::Name, hint: Option<Type>) -> ir::Field {
        // Undeclared (reported) or no schema: fall back to what usage tells.
        let declared = self.declared_type(&ast::Field::Property(name.clone()));
        let ty = declared.ok().flatten().or(hint);
        ir::Field {
            name: name.value.clone(),
            ty,
        }
    }

    pub(super) fn sequence(&mut self, s: &ast::Sequence, span: Span) -> Pred {
        let steps: Vec<ir::Step> = s.steps.iter().map(|st| self.ir_step(st)).collect();
        let then_not = s.then_not.as_ref().map(|st| self.ir_step(st));
        if steps.len() > ir::MAX_SEQUENCE_STEPS {
            self.error(
                Diagnostic::new(
                    Code::TooBig,
                    format!(
                        "a sequence of {} steps; the limit is {}",
                        steps.len(),
                        ir::MAX_SEQUENCE_STEPS
                    ),
                )
                .label(span, "too many steps")
                .help("the interpreter tracks at most 64 steps per sequence; keep the steps that define the journey"),
            );
        }
        let within = s.within.as_ref().map(|d| {
            if d.value == 0 && steps.len() > 1 {
                self.error(
                    Diagnostic::new(Code::EmptyWindow, "a sequence `within 0s` can never hold")
                        .label(
                            d.span,
                            "steps must follow each other, so they need time between them",
                        )
                        .help("give the sequence time to happen, e.g. `within 1h`"),
                );
            }
            d.value
        });
        Pred::Sequence(ir::Sequence {
            steps,
            then_not,
            within,
            starting: s.starting.as_ref().map(|w| self.window(w)),
            same: self.same_fields(&s.same),
            span,
        })
    }

    /// The properties of `with same` (spec §3.13): declared event
    /// properties (an unknown one is reported with a suggestion), each once.
    fn same_fields(&mut self, names: &[ast::Name]) -> Vec<ir::Field> {
        let mut fields: Vec<ir::Field> = Vec::new();
        if let (Some(first), Some(last)) = (names.first(), names.last()) {
            if names.len() > ir::MAX_SAME_PROPERTIES {
                self.error(
                    Diagnostic::new(
                        Code::TooBig,
                        format!(
                            "`with same` {} properties; the limit is {}",
                            names.len(),
                            ir::MAX_SAME_PROPERTIES
                        ),
                    )
                    .label(first.span.to(last.span), "too many properties")
                    .help("the interpreter reads each one per event; keep those that identify the item"),
                );
            }
        }
        for name in names {
            if let Some(first) = names.iter().find(|n| n.value == name.value) {
                if !std::ptr::eq(first, name) {
                    self.error(
                        Diagnostic::new(
                            Code::SameTwice,
                            format!("`with same` lists `{}` twice", name.value),
                        )
                        .label(name.span, "listed again")
                        .label(first.span, "first listed here")
                        .help(format!("remove the second `{}`", name.value)),
                    );
                    continue;
                }
            }
            fields.push(self.property(name, None));
        }
        fields
    }

    /// `did … QUANTITY [WINDOW] with same PROP` (spec §3.13): only a lower
    /// bound of at least one event means "one value reaches it"; any other
    /// quantity would hold through some value the user never had events
    /// with, so it is refused rather than silently meaning "for some value".
    pub(super) fn same_count(&mut self, did: &ast::Did, span: Span) -> Pred {
        let refuse = |this: &mut Self, at: Span, written: String| {
            this.error(
                Diagnostic::new(
                    Code::SameQuantity,
                    format!("`{written}` cannot be counted `with same`"),
                )
                .label(at, "not a lower bound of at least one event")
                .help("`with same` asks whether ONE value reaches the count, so it takes `at least N times` (N ≥ 1) or `more than N times`; for \"no value more than N times\" write `not did … more than N times with same …`"),
            );
        };
        let at_least = match did.quantity.as_ref().map(|q| (&q.kind, q.span)) {
            None => 1.0,
            Some((QuantityKind::AtLeast(n), at)) => {
                let n = self.count(n);
                if n < 1.0 {
                    refuse(self, at, format!("at least {n} times"));
                }
                n
            }
            Some((QuantityKind::MoreThan(n), _)) => self.count(n) + 1.0,
            Some((kind, at)) => {
                let written = match kind {
                    QuantityKind::AtMost(n) => format!("at most {} times", n.value),
                    QuantityKind::Exactly(n) => format!("exactly {} times", n.value),
                    QuantityKind::FewerThan(n) => format!("fewer than {} times", n.value),
                    QuantityKind::Between(a, b) => {
                        format!("between {} and {} times", a.value, b.value)
                    }
                    QuantityKind::AtLeast(_) | QuantityKind::MoreThan(_) => {
                        unreachable!("matched above")
                    }
                };
                refuse(self, at, written);
                1.0
            }
        };
        Pred::SameCount(ir::SameCount {
            selection: self.selection(&did.step, did.window.as_ref()),
            // Whole (checked above); `as` saturates a count beyond u64.
            at_least: at_least.max(1.0) as u64,
            same: self.same_fields(&did.same),
            span,
        })
    }

    pub(super) fn ir_step(&mut self, step: &ast::Step) -> ir::Step {
        let (events, filter) = self.step(step);
        ir::Step { events, filter }
    }

    pub(super) fn regularity(&mut self, r: &ast::Regularity, span: Span) -> Pred {
        let (events, filter) = self.step(&r.step);
        let per_bucket = self.quantity(r.quantity.as_ref());
        let buckets = r.last.value;
        let at_least = r.at_least.as_ref().map_or(buckets, |k| k.value);
        let whole = |v: f64| v >= 1.0 && v.fract() == 0.0;
        if !whole(buckets) || buckets > MAX_BUCKETS {
            self.error(
                Diagnostic::new(
                    Code::BadRegularity,
                    format!("`the last {buckets}` needs a whole number from 1 to {MAX_BUCKETS}"),
                )
                .label(r.last.span, "not a number of periods")
                .help("write e.g. `in at least 3 of the last 4 weeks`"),
            );
        } else if let Some(k) = &r.at_least {
            if !whole(k.value) {
                self.error(
                    Diagnostic::new(
                        Code::BadRegularity,
                        format!(
                            "`at least {}` needs a whole number of periods, 1 or more",
                            k.value
                        ),
                    )
                    .label(k.span, "not a number of periods")
                    .help("write e.g. `in at least 3 of the last 4 weeks`"),
                );
            } else if k.value > buckets {
                self.error(
                    Diagnostic::new(
                        Code::BadRegularity,
                        format!("{} of the last {} can never hold", k.value, buckets),
                    )
                    .label(k.span.to(r.last.span), "K is larger than N")
                    .help(format!(
                        "K must be at most N, e.g. `in at least {buckets} of the last {buckets} …`"
                    )),
                );
            }
        }
        Pred::Regularity(ir::Regularity {
            events,
            filter,
            per_bucket,
            at_least: at_least as u32,
            buckets: buckets as u32,
            period_seconds: r.period.value.seconds(),
            calendar: match r.period.value {
                ast::Period::Calendar { unit, previous } => Some(ir::CalendarBuckets {
                    unit,
                    skip: u32::from(previous),
                }),
                _ => None,
            },
            span,
        })
    }

    pub(super) fn reference(&mut self, r: &ast::SegmentRef, span: Span) -> Pred {
        let full = match &r.arm {
            Some(arm) => format!("{}.{}", r.segment.value, arm.value),
            None => r.segment.value.clone(),
        };
        let unknown = |this: &mut Self| {
            // Its syntax error is reported; this would only repeat it.
            if this.table.maybe_unparsed(&r.segment.value) {
                return;
            }
            let names = this.table.all_names();
            let d = Diagnostic::new(
                Code::UnknownSegment,
                format!("there is no segment `{full}`"),
            )
            .label(span, "unknown segment");
            let written = r
                .arm
                .as_ref()
                .map_or(r.segment.span, |a| r.segment.span.to(a.span));
            let d = match suggest(&full, names.iter().map(String::as_str)) {
                Some(s) => did_you_mean(d, &format!("`{s}`"), written, Some(s.to_string())),
                None => d.help("define it with `segment NAME = …` in any .seg file of the project"),
            };
            this.error(d);
        };
        match self.table.symbols.get(&r.segment.value) {
            None => unknown(self),
            Some(symbol) => {
                self.references.push((symbol.index, span));
                match (&r.arm, &symbol.arms) {
                    (Some(arm), None) => self.error(
                        Diagnostic::new(
                            Code::UnknownSegment,
                            format!("`{}` is a segment, not a partition", r.segment.value),
                        )
                        .label(arm.span, "only partitions have arms")
                        .help(format!("write `in segment {}`", r.segment.value)),
                    ),
                    (Some(arm), Some(arms)) if !arms.contains(&arm.value) => unknown(self),
                    _ => {}
                }
            }
        }
        Pred::Ref(ir::SegmentRef {
            segment: r.segment.value.clone(),
            arm: r.arm.as_ref().map(|a| a.value.clone()),
            span,
        })
    }

    /// An event window: every form of spec §3.2 as one interval.
    pub(super) fn window(&mut self, w: &ast::Window) -> ir::Window {
        let empty = |this: &mut Self, help: String| {
            this.error(
                Diagnostic::new(Code::EmptyWindow, "this window can hold nothing")
                    .label(w.span, "empty interval")
                    .help(help),
            );
        };
        match &w.kind {
            WindowKind::Within(d) => ir::Window {
                start: Some(Point::Ago(d.value)),
                end: End::Now,
            },
            WindowKind::BetweenAgo(d1, d2) => {
                if d1.value <= d2.value {
                    let (a, b) = (
                        time::format_duration(d1.value),
                        time::format_duration(d2.value),
                    );
                    empty(
                        self,
                        format!("put the longer duration first: `between {b} and {a} ago`"),
                    );
                }
                ir::Window {
                    start: Some(Point::Ago(d1.value)),
                    end: End::Before(Point::Ago(d2.value)),
                }
            }
            WindowKind::MoreThanAgo(d) => ir::Window {
                start: None,
                end: End::Before(Point::Ago(d.value)),
            },
            WindowKind::Since(i) => ir::Window {
                start: Some(Point::At(start_of(&self.zone, i.value))),
                end: End::Now,
            },
            WindowKind::Before(i) => ir::Window {
                start: None,
                end: End::Before(Point::At(start_of(&self.zone, i.value))),
            },
            WindowKind::Between(a, b) => {
                let start = start_of(&self.zone, a.value);
                // Half-open whatever the mix (spec §3.2): the end of a date is
                // the next day's start, the end of a timestamp that instant.
                let end = match b.value {
                    Instant::Date(d) => day_of(&self.zone, d).1,
                    Instant::Timestamp(t) => t,
                };
                if end <= start {
                    let help = if end == start {
                        "`between` leaves out its end instant, so `between T and T` holds nothing; give a later end, or write `on DATE` for a whole day"
                    } else {
                        "put the earlier date first: `between 2026-01-01 and 2026-01-31`"
                    };
                    empty(self, help.into());
                }
                ir::Window {
                    start: Some(Point::At(start)),
                    end: End::Before(Point::At(end)),
                }
            }
            WindowKind::On(i) => {
                if let Instant::Timestamp(_) = i.value {
                    self.error(
                        Diagnostic::new(Code::BadInstant, "`on` takes a date, not a timestamp")
                            .label(i.span, "a timestamp")
                            .help("write `on 2026-01-31` for a whole UTC day, or `between T1 and T2` for instants"),
                    );
                }
                let (start, end) = match i.value {
                    Instant::Date(d) => day_of(&self.zone, d),
                    Instant::Timestamp(t) => (t, Timestamp(t.0 + DAY_MICROS)),
                };
                ir::Window {
                    start: Some(Point::At(start)),
                    end: End::Before(Point::At(end)),
                }
            }
            WindowKind::Calendar(c) => self.calendar_window(c),
        }
    }

    /// A calendar window (spec §3.10) as an interval between calendar points.
    fn calendar_window(&mut self, c: &ast::CalendarWindow) -> ir::Window {
        let at = |unit, ago| Point::Calendar { unit, ago };
        match c {
            ast::CalendarWindow::This(unit) => ir::Window {
                start: Some(at(*unit, 0)),
                end: End::Now,
            },
            ast::CalendarWindow::Last(unit) => ir::Window {
                start: Some(at(*unit, 1)),
                end: End::Before(at(*unit, 0)),
            },
            ast::CalendarWindow::InLast(n, unit) => {
                let n = self.calendar_count(n);
                ir::Window {
                    start: Some(at(*unit, n - 1)),
                    end: End::Now,
                }
            }
            ast::CalendarWindow::InPrevious(n, unit) => {
                let n = self.calendar_count(n);
                ir::Window {
                    start: Some(at(*unit, n)),
                    end: End::Before(at(*unit, 0)),
                }
            }
        }
    }

    /// N of `the last|previous N calendar …`: a whole number from 1 to
    /// [`MAX_CALENDAR_PERIODS`]; an error (and 1) otherwise.
    pub(super) fn calendar_count(&mut self, n: &Spanned<f64>) -> u32 {
        let v = n.value;
        if v.fract() == 0.0 && (1.0..=f64::from(MAX_CALENDAR_PERIODS)).contains(&v) {
            return v as u32;
        }
        self.error(
            Diagnostic::new(
                Code::BadCalendarCount,
                format!("{v} is not a number of calendar periods"),
            )
            .label(n.span, "not a whole number from 1 to 10000")
            .help("write a whole number of periods, 1 or more: `in the last 3 calendar months`"),
        );
        1
    }
}
