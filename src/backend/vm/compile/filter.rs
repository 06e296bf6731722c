//! An event block's conditions: the property filter as short-circuit
//! code over per-event tests (each field predicate becomes one or more
//! pooled [`Test`]s), then the window as bounds on the event's time.

use super::{and_chain, Compiler};
use crate::backend::vm::program::{Op, Test, TextTest};
use crate::ir::{Cmp, FieldOp, FieldPred, Filter, Literal, Point, Window};

impl Compiler {
    /// The conditions of an event block: the property filter and the window.
    pub(super) fn conditions(
        &mut self,
        filter: Option<&Filter>,
        window: Option<&Window>,
    ) -> Vec<Vec<Op>> {
        let mut out = Vec::new();
        if let Some(f) = filter {
            let mut code = Vec::new();
            self.filter(f, &mut code);
            out.push(code);
        }
        if let Some(w) = window {
            for (cmp, point) in w.bounds(false) {
                let time = self.time(point);
                out.push(vec![Op::EventTime { cmp, time }]);
            }
        }
        out
    }

    fn filter(&mut self, f: &Filter, code: &mut Vec<Op>) {
        match f {
            Filter::Const(b) => code.push(if *b { Op::PushTrue } else { Op::PushFalse }),
            Filter::Not(f) => {
                self.filter(f, code);
                code.push(Op::Not);
            }
            Filter::And(fs) | Filter::Or(fs) => {
                let and = matches!(f, Filter::And(_));
                let mut jumps = Vec::new();
                for (i, f) in fs.iter().enumerate() {
                    if i > 0 {
                        jumps.push(code.len());
                        code.push(if and { Op::AndJump(0) } else { Op::OrJump(0) });
                    }
                    self.filter(f, code);
                }
                let end = code.len() as u32;
                for at in jumps {
                    code[at] = if and {
                        Op::AndJump(end)
                    } else {
                        Op::OrJump(end)
                    };
                }
            }
            Filter::Property(fp) => {
                let property = self.property(&fp.field);
                let tests = self
                    .field_tests(fp)
                    .into_iter()
                    .map(|t| Op::Property {
                        property,
                        test: self.test(t),
                    })
                    .collect();
                and_chain(code, tests);
            }
        }
    }

    /// The tests one field predicate needs: one, or one per window bound.
    pub(super) fn field_tests(&mut self, fp: &FieldPred) -> Vec<Test> {
        match &fp.op {
            FieldOp::Compare {
                cmp,
                value,
                ignore_case,
            } => vec![self.compare(*cmp, value, *ignore_case)],
            FieldOp::In {
                values,
                negated,
                ignore_case,
            } => vec![self.one_of(values, *negated, *ignore_case)],
            FieldOp::Contains { text, ignore_case } => {
                let string = self.string(text);
                vec![Test::Text(TextTest::Contains {
                    string,
                    ignore_case: *ignore_case,
                })]
            }
            FieldOp::StartsWith { text, ignore_case } => {
                let string = self.string(text);
                vec![Test::Text(TextTest::StartsWith {
                    string,
                    ignore_case: *ignore_case,
                })]
            }
            FieldOp::EndsWith { text, ignore_case } => {
                let string = self.string(text);
                vec![Test::Text(TextTest::EndsWith {
                    string,
                    ignore_case: *ignore_case,
                })]
            }
            FieldOp::Matches { pattern } => {
                let string = self.string(pattern);
                vec![Test::Text(TextTest::Matches { string })]
            }
            FieldOp::IsSet { negated } => vec![Test::IsSet { negated: *negated }],
            FieldOp::Window(w) => w
                .bounds(true)
                .into_iter()
                .map(|(cmp, p)| Test::Time {
                    cmp,
                    time: self.time(p),
                })
                .collect(),
            FieldOp::InNext { seconds } => vec![
                Test::Time {
                    cmp: Cmp::Ge,
                    time: self.time(Point::Ago(0)),
                },
                Test::Time {
                    cmp: Cmp::Le,
                    time: self.time(Point::Ago(-seconds)),
                },
            ],
            FieldOp::Anniversary { days } => vec![Test::Anniversary { days: *days }],
        }
    }

    fn compare(&mut self, cmp: Cmp, value: &Literal, ignore_case: bool) -> Test {
        match value {
            Literal::String(s) if cmp.is_ordering() => Test::Text(TextTest::Order {
                cmp,
                string: self.string(s),
            }),
            Literal::String(s) => {
                let strings = vec![self.string(s)];
                Test::Text(TextTest::OneOf {
                    strings,
                    negated: cmp == Cmp::Ne,
                    ignore_case,
                })
            }
            Literal::Number(n) => Test::Number {
                cmp,
                value: self.number(*n),
            },
            Literal::Bool(b) => Test::Bool { cmp, value: *b },
            Literal::Timestamp(t) => Test::Time {
                cmp,
                time: self.time(Point::At(*t)),
            },
        }
    }

    fn one_of(&mut self, values: &[Literal], negated: bool, ignore_case: bool) -> Test {
        match values.first() {
            Some(Literal::Number(_)) => Test::NumberIn {
                values: values
                    .iter()
                    .filter_map(|v| {
                        if let Literal::Number(n) = v {
                            Some(self.number(*n))
                        } else {
                            None
                        }
                    })
                    .collect(),
                negated,
            },
            Some(Literal::Bool(_)) => Test::BoolIn {
                values: values
                    .iter()
                    .filter_map(|v| {
                        if let Literal::Bool(b) = v {
                            Some(*b)
                        } else {
                            None
                        }
                    })
                    .collect(),
                negated,
            },
            Some(Literal::Timestamp(_)) => Test::TimeIn {
                times: values
                    .iter()
                    .filter_map(|v| {
                        if let Literal::Timestamp(t) = v {
                            Some(self.time(Point::At(*t)))
                        } else {
                            None
                        }
                    })
                    .collect(),
                negated,
            },
            _ => Test::Text(TextTest::OneOf {
                strings: values
                    .iter()
                    .filter_map(|v| {
                        if let Literal::String(s) = v {
                            Some(self.string(s))
                        } else {
                            None
                        }
                    })
                    .collect(),
                negated,
                ignore_case,
            }),
        }
    }
}
