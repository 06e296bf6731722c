//! Typed IR → bytecode.
//!
//! Each behavioural predicate becomes an accumulator and one event block per
//! event test (a sequence has one per step); identical ones are shared. The
//! boolean structure becomes user code with short-circuit jumps.

mod filter;
mod measure;

use std::collections::HashMap;

use super::program::{
    Acc, Block, CalendarBuckets, On, Op, PercentileInfo, Pool, Program, SegmentInfo, Test, VERSION,
};
use crate::ir::{self, Body, EventSet, Field, FieldPred, Point, Pred, Which};
use crate::sema::schema::Schema;
use crate::span::Span;

/// Compiles `root` and the segments it references into one program.
pub fn compile(program: &ir::Program, schema: &Schema, root: &ir::Segment) -> Program {
    let mut order: Vec<&ir::Segment> = program
        .dependencies(&[root])
        .iter()
        .map(|n| program.segment(n).expect("references are resolved by sema"))
        .collect();
    order.push(root);
    let mut c = Compiler {
        out: Program {
            version: VERSION,
            settings: program.settings.clone(),
            events: Vec::new(),
            properties: schema
                .events
                .properties
                .iter()
                .map(|(n, t)| (n.clone(), *t))
                .collect(),
            attributes: schema
                .users
                .iter()
                .flat_map(|u| u.attributes.iter())
                .map(|(n, t)| (n.clone(), *t))
                .collect(),
            created_at: schema.users.as_ref().and_then(|u| {
                let name = u.created_at.as_ref()?;
                u.attributes
                    .keys()
                    .position(|n| n == name)
                    .map(|i| i as u32)
            }),
            pool: Pool::default(),
            accumulators: Vec::new(),
            blocks: Vec::new(),
            segments: order
                .iter()
                .map(|s| SegmentInfo {
                    name: s.name.clone(),
                    arms: match &s.body {
                        Body::Partition { arms } => arms.iter().map(|a| a.name.clone()).collect(),
                        Body::Predicate { .. } => Vec::new(),
                    },
                    holdout: match &s.body {
                        Body::Predicate {
                            holdout: Some(h), ..
                        } => Some((h.basis_points, h.salt.clone())),
                        _ => None,
                    },
                })
                .collect(),
            percentiles: Vec::new(),
            code: Vec::new(),
            spans: Vec::new(),
        },
        user: Vec::new(),
        user_spans: Vec::new(),
        shared: HashMap::new(),
        segment_ids: order
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i as u32))
            .collect(),
    };
    for (i, segment) in order.iter().enumerate() {
        let i = i as u32;
        match &segment.body {
            Body::Predicate { pred, .. } => {
                c.pred(pred);
                c.emit_user(Op::Store(i), segment.span);
            }
            Body::Partition { arms } => {
                for (a, arm) in arms.iter().enumerate() {
                    c.pred(&arm.pred);
                    c.emit_user(
                        Op::StoreArm {
                            segment: i,
                            arm: a as u32,
                        },
                        arm.span,
                    );
                }
            }
        }
    }
    c.finish()
}

struct Compiler {
    out: Program,
    /// User code, with jump targets relative to its start until `finish`.
    user: Vec<Op>,
    user_spans: Vec<(u32, Span)>,
    /// Accumulators by their definition and blocks, to share identical ones.
    shared: HashMap<String, u32>,
    segment_ids: HashMap<String, u32>,
}

impl Compiler {
    fn finish(mut self) -> Program {
        let base = self.out.code.len() as u32;
        self.out
            .code
            .extend(self.user.drain(..).map(|op| op.relocated(base)));
        self.out
            .spans
            .extend(self.user_spans.iter().map(|(at, s)| (at + base, *s)));
        self.out
    }

    fn emit_user(&mut self, op: Op, span: Span) {
        self.user_spans.push((self.user.len() as u32, span));
        self.user.push(op);
    }

    fn index<T: PartialEq>(table: &mut Vec<T>, value: T) -> u32 {
        match table.iter().position(|v| *v == value) {
            Some(i) => i as u32,
            None => {
                table.push(value);
                table.len() as u32 - 1
            }
        }
    }

    fn number(&mut self, n: f64) -> u32 {
        Self::index(&mut self.out.pool.numbers, n)
    }

    fn string(&mut self, s: &str) -> u32 {
        Self::index(&mut self.out.pool.strings, s.to_string())
    }

    fn time(&mut self, p: Point) -> u32 {
        Self::index(&mut self.out.pool.times, p)
    }

    fn test(&mut self, t: Test) -> u32 {
        Self::index(&mut self.out.pool.tests, t)
    }

    fn event_ids(&mut self, events: &EventSet) -> On {
        let mut ids = |names: &[String]| {
            names
                .iter()
                .map(|n| Self::index(&mut self.out.events, n.clone()))
                .collect()
        };
        match events {
            EventSet::Any => On::Any,
            EventSet::Names(names) => On::Events(ids(names)),
            EventSet::Except(names) => On::AllBut(ids(names)),
        }
    }

    fn property(&self, f: &Field) -> u32 {
        self.out
            .properties
            .iter()
            .position(|(n, _)| *n == f.name)
            .expect("declared in segc.toml") as u32
    }

    fn properties(&self, fields: &[Field]) -> Vec<u32> {
        fields.iter().map(|f| self.property(f)).collect()
    }

    fn attribute(&self, f: &Field) -> u32 {
        self.out
            .attributes
            .iter()
            .position(|(n, _)| *n == f.name)
            .expect("declared in segc.toml") as u32
    }

    /// An accumulator fed by one block per `(events, conditions)`; shared
    /// with an identical earlier one. The last op of each block is made by
    /// `update` from the accumulator id and the block's position.
    fn accumulator(
        &mut self,
        acc: Acc,
        blocks: Vec<(EventSet, Vec<Vec<Op>>)>,
        update: impl Fn(u32, u32) -> Op,
        span: Span,
    ) -> u32 {
        let key = format!("{acc:?} {blocks:?}");
        if let Some(id) = self.shared.get(&key) {
            return *id;
        }
        let id = self.out.accumulators.len() as u32;
        self.out.accumulators.push(acc);
        for (position, (events, conditions)) in blocks.into_iter().enumerate() {
            let on = self.event_ids(&events);
            let start = self.out.code.len() as u32;
            let mut exits = Vec::new();
            for condition in conditions {
                let base = self.out.code.len() as u32;
                // Conditions were built from 0; place them here.
                self.out
                    .code
                    .extend(condition.into_iter().map(|op| op.relocated(base)));
                exits.push(self.out.code.len());
                self.out.code.push(Op::JumpIfFalse(0));
            }
            self.out.spans.push((self.out.code.len() as u32, span));
            self.out.code.push(update(id, position as u32));
            let end = self.out.code.len() as u32;
            for at in exits {
                self.out.code[at] = Op::JumpIfFalse(end);
            }
            self.out.blocks.push(Block { on, start, end });
        }
        self.shared.insert(key, id);
        id
    }

    /// User code for a predicate: leaves one boolean on the stack.
    fn pred(&mut self, p: &Pred) {
        match p {
            Pred::Const(b) => self
                .user
                .push(if *b { Op::PushTrue } else { Op::PushFalse }),
            Pred::Not(p) => {
                self.pred(p);
                self.user.push(Op::Not);
            }
            Pred::And(ps) | Pred::Or(ps) => {
                let and = matches!(p, Pred::And(_));
                let mut jumps = Vec::new();
                for (i, p) in ps.iter().enumerate() {
                    if i > 0 {
                        jumps.push(self.user.len());
                        self.user.push(Op::PushFalse);
                    }
                    self.pred(p);
                }
                let end = self.user.len() as u32;
                for at in jumps {
                    self.user[at] = if and {
                        Op::AndJump(end)
                    } else {
                        Op::OrJump(end)
                    };
                }
            }
            Pred::Behaviour(b) => {
                let acc = self.measure(&b.selection, &b.measure, b.span);
                let number = self.number(b.value);
                self.emit_user(
                    Op::Measure {
                        acc,
                        cmp: b.cmp,
                        number,
                    },
                    b.span,
                );
            }
            Pred::Recency(r) => {
                let acc = match r.which {
                    Which::First => Acc::First,
                    Which::Last => Acc::Last,
                };
                let conditions = self.conditions(r.filter.as_ref(), None);
                let acc = self.accumulator(
                    acc,
                    vec![(r.events.clone(), conditions)],
                    |id, _| Op::Update(id),
                    r.span,
                );
                let mut tests = vec![Op::RecencySet(acc)];
                for (cmp, point) in r.window.bounds(false) {
                    let time = self.time(point);
                    tests.push(Op::Recency { acc, cmp, time });
                }
                self.all(tests, r.span);
            }
            Pred::Sequence(s) => {
                let steps = s.steps.len() as u32;
                let mut blocks = Vec::new();
                for (i, step) in s.steps.iter().chain(&s.then_not).enumerate() {
                    let window = if i == 0 { s.starting.as_ref() } else { None };
                    let conditions = self.conditions(step.filter.as_ref(), window);
                    blocks.push((step.events.clone(), conditions));
                }
                let acc = if s.same.is_empty() {
                    let acc = Acc::Sequence {
                        steps,
                        then_not: s.then_not.is_some(),
                        within: s.within,
                    };
                    self.accumulator(acc, blocks, |acc, step| Op::Step { acc, step }, s.span)
                } else {
                    let acc = Acc::SameSequence {
                        steps,
                        then_not: s.then_not.is_some(),
                        within: s.within,
                        same: self.properties(&s.same),
                    };
                    self.accumulator(acc, blocks, |acc, step| Op::SameStep { acc, step }, s.span)
                };
                self.emit_user(Op::Holds(acc), s.span);
            }
            Pred::SameCount(c) => {
                let acc = Acc::SameCount {
                    same: self.properties(&c.same),
                    at_least: c.at_least,
                };
                let conditions =
                    self.conditions(c.selection.filter.as_ref(), Some(&c.selection.window));
                let acc = self.accumulator(
                    acc,
                    vec![(c.selection.events.clone(), conditions)],
                    |id, _| Op::Update(id),
                    c.span,
                );
                self.emit_user(Op::Holds(acc), c.span);
            }
            Pred::Regularity(r) => {
                let per_bucket = r
                    .per_bucket
                    .iter()
                    .map(|c| (c.cmp, self.number(c.value)))
                    .collect();
                let span = r.span_window();
                let conditions = self.conditions(r.filter.as_ref(), Some(&span));
                let calendar = r.calendar.map(|c| {
                    let at = |ago| Point::Calendar { unit: c.unit, ago };
                    CalendarBuckets {
                        starts: (0..r.buckets).map(|i| self.time(at(i + c.skip))).collect(),
                        end: (c.skip > 0).then(|| self.time(at(0))),
                    }
                });
                let acc = Acc::Regularity {
                    buckets: r.buckets,
                    period_seconds: r.period_seconds,
                    per_bucket,
                    at_least: r.at_least,
                    calendar,
                };
                let acc = self.accumulator(
                    acc,
                    vec![(r.events.clone(), conditions)],
                    |id, _| Op::Update(id),
                    r.span,
                );
                self.emit_user(Op::Holds(acc), r.span);
            }
            Pred::Attribute(fp) => {
                let attribute = self.attribute(&fp.field);
                let tests = self
                    .field_tests(fp)
                    .into_iter()
                    .map(|t| Op::Attribute {
                        attribute,
                        test: self.test(t),
                    })
                    .collect();
                self.all(tests, fp.span);
            }
            Pred::Ref(r) => {
                let segment = self.segment_ids[&r.segment];
                let op = match &r.arm {
                    None => Op::Member(segment),
                    Some(arm) => {
                        let arms = &self.out.segments[segment as usize].arms;
                        let arm = arms
                            .iter()
                            .position(|a| a == arm)
                            .expect("resolved by sema") as u32;
                        Op::InArm { segment, arm }
                    }
                };
                self.emit_user(op, r.span);
            }
            Pred::Bucket(b) => {
                let salt = self.string(&b.salt);
                let op = Op::Bucket {
                    salt,
                    from: b.from,
                    to: b.to,
                };
                self.emit_user(op, b.span);
            }
            Pred::Percentile(p) => {
                let measure = self.num(&p.measure, p.span);
                let index = self.out.percentiles.len() as u32;
                self.out.percentiles.push(PercentileInfo {
                    measure,
                    top: p.top,
                    percent: p.percent,
                });
                self.emit_user(Op::Percentile(index), p.span);
            }
            Pred::Compare(c) => {
                let left = self.num(&c.left, c.span);
                let right = self.num(&c.right, c.span);
                let op = Op::Compare {
                    left,
                    cmp: c.cmp,
                    right,
                };
                self.emit_user(op, c.span);
            }
            Pred::Value(v) => {
                let acc = self.value_of(&v.value, v.span);
                let tested = FieldPred {
                    field: v.value.field.clone(),
                    op: v.op.clone(),
                    span: v.span,
                };
                let tests = self
                    .field_tests(&tested)
                    .into_iter()
                    .map(|t| Op::ValueTest {
                        acc,
                        test: self.test(t),
                    })
                    .collect();
                self.all(tests, v.span);
            }
        }
    }

    /// Several boolean leaves that must all hold.
    fn all(&mut self, leaves: Vec<Op>, span: Span) {
        self.user_spans.push((self.user.len() as u32, span));
        and_chain(&mut self.user, leaves);
    }
}

/// Appends leaves joined by short-circuit AND: one boolean results.
fn and_chain(code: &mut Vec<Op>, leaves: Vec<Op>) {
    let mut jumps = Vec::new();
    for (i, op) in leaves.into_iter().enumerate() {
        if i > 0 {
            jumps.push(code.len());
            code.push(Op::AndJump(0));
        }
        code.push(op);
    }
    let end = code.len() as u32;
    for at in jumps {
        code[at] = Op::AndJump(end);
    }
}
