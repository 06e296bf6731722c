//! Tests of one field as sets of values, decided exactly by cutting the
//! field's values into regions: the missing value, each constant the tests
//! name, and the gaps between constants. Every test is constant on a
//! region, so "no region holds A and not B" proves that A implies B.
//!
//! Two-valued logic (spec §3.9): every comparison is false for a missing
//! value, `is not set` is the only test that holds for it, and `not` is
//! plain negation, so `not user.x = "a"` holds for a user without `x`.
//!
//! A gap may hold no value at all (there is no string between `"a"` and
//! `"a\0"`); counting it as a region only ever stops a conclusion, never
//! makes a wrong one, since every conclusion is "no region has …".

use std::cmp::Ordering;

use crate::ir::{Cmp, Field, FieldOp, FieldPred, Literal, Point, Type};

/// A value of a field, in its type's order: numbers as floats (never NaN:
/// literals and data are finite), timestamps in microseconds, strings by
/// code point. Variants are never compared with each other within a field.
#[derive(Clone, Debug)]
pub enum Key {
    Bool(bool),
    Num(f64),
    Time(i64),
    Text(String),
}

impl Key {
    fn rank(&self) -> u8 {
        match self {
            Key::Bool(_) => 0,
            Key::Num(_) => 1,
            Key::Time(_) => 2,
            Key::Text(_) => 3,
        }
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Bool(a), Key::Bool(b)) => a.cmp(b),
            (Key::Num(a), Key::Num(b)) => a.total_cmp(b),
            (Key::Time(a), Key::Time(b)) => a.cmp(b),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

/// How a test reads a string: as written, or with ASCII letters lower-cased
/// (`ignoring case` with an ASCII value, which every engine folds alike).
/// Tests of different modes are never compared with each other; `Free`
/// tests (`is set`, and any test of a non-string) go with both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Free,
    Exact,
    Folded,
}

impl Mode {
    /// The mode of a test made of parts in `self` and `other`; `None` when
    /// they mix exact and folded strings.
    pub fn and(self, other: Mode) -> Option<Mode> {
        match (self, other) {
            (Mode::Free, m) | (m, Mode::Free) => Some(m),
            (a, b) if a == b => Some(a),
            _ => None,
        }
    }
}

/// A test of one field's value.
#[derive(Clone, Debug)]
pub enum Test {
    /// The field has a value.
    Set,
    /// The field has a value and it compares so with the key.
    Cmp(Cmp, Key),
    /// The field has a value and it is one of the keys.
    In(Vec<Key>),
    Not(Box<Test>),
    All(Vec<Test>),
    Any(Vec<Test>),
}

/// The field a test reads (name and type) and how it reads strings.
pub type Subject = (String, Option<Type>);

/// A test the regions can decide, with its subject and mode.
#[derive(Clone, Debug)]
pub struct View {
    pub subject: Subject,
    pub mode: Mode,
    pub test: Test,
}

impl View {
    /// `not` of the view.
    pub fn negated(self) -> View {
        View {
            test: Test::Not(Box::new(self.test)),
            ..self
        }
    }

    /// The views joined by `and` (or `or`) as one, when they test one
    /// field in one mode.
    pub fn joined(views: Vec<View>, and: bool) -> Option<View> {
        let first = views.first()?;
        let subject = first.subject.clone();
        let mut mode = Mode::Free;
        for v in &views {
            if v.subject != subject {
                return None;
            }
            mode = mode.and(v.mode)?;
        }
        let tests = views.into_iter().map(|v| v.test).collect();
        Some(View {
            subject,
            mode,
            test: if and {
                Test::All(tests)
            } else {
                Test::Any(tests)
            },
        })
    }
}

/// A field test as a view; `None` for tests the regions cannot decide
/// (`contains`, `matches`, windows relative to now, `ignoring case` with
/// a value beyond ASCII, …).
pub fn view(fp: &FieldPred) -> Option<View> {
    let Field { name, ty } = &fp.field;
    let (mode, test) = match &fp.op {
        FieldOp::IsSet { negated } => {
            let set = Test::Set;
            let test = if *negated {
                Test::Not(Box::new(set))
            } else {
                set
            };
            (Mode::Free, test)
        }
        FieldOp::Compare {
            cmp,
            value,
            ignore_case,
        } => {
            let (mode, key) = key(value, *ignore_case)?;
            (mode, Test::Cmp(*cmp, key))
        }
        FieldOp::In {
            values,
            negated,
            ignore_case,
        } => {
            let mut mode = Mode::Free;
            let mut keys = Vec::with_capacity(values.len());
            for v in values {
                let (m, k) = key(v, *ignore_case)?;
                mode = mode.and(m)?;
                keys.push(k);
            }
            let listed = Test::In(keys);
            // `not in` is false for a missing value, like every comparison.
            let test = if *negated {
                Test::All(vec![Test::Set, Test::Not(Box::new(listed))])
            } else {
                listed
            };
            (mode, test)
        }
        FieldOp::Window(w) => {
            let mut bounds = Vec::new();
            for (cmp, point) in w.bounds(true) {
                match point {
                    Point::At(t) => bounds.push(Test::Cmp(cmp, Key::Time(t.0))),
                    Point::Ago(_) | Point::Calendar { .. } => return None,
                }
            }
            (Mode::Free, Test::All(bounds))
        }
        _ => return None,
    };
    Some(View {
        subject: (name.clone(), *ty),
        mode,
        test,
    })
}

/// A literal as a key, and the mode it is compared in.
fn key(literal: &Literal, ignore_case: bool) -> Option<(Mode, Key)> {
    Some(match literal {
        Literal::String(s) if ignore_case => {
            if !s.is_ascii() {
                return None;
            }
            (Mode::Folded, Key::Text(s.to_ascii_lowercase()))
        }
        Literal::String(s) => (Mode::Exact, Key::Text(s.clone())),
        // `-0` and `0` are one number.
        Literal::Number(n) => (Mode::Free, Key::Num(n + 0.0)),
        Literal::Bool(b) => (Mode::Free, Key::Bool(*b)),
        Literal::Timestamp(t) => (Mode::Free, Key::Time(t.0)),
    })
}

/// A region of a field's values.
enum Region<'a> {
    Missing,
    Point(&'a Key),
    /// The values strictly between the previous key (if any) and this one;
    /// `None`: above the last key (with no keys at all, every value).
    Gap(Option<&'a Key>),
}

impl Test {
    /// `is set` beside `!=` or `not in`: what W0007 asks authors to write
    /// to say that users without the field are left out on purpose. It is
    /// implied, but it is not redundant to a reader.
    pub fn explicit_in(&self, others: &[&Test]) -> bool {
        let negative = |t: &&Test| match t {
            Test::Cmp(Cmp::Ne, _) => true,
            Test::All(parts) => matches!(parts.as_slice(), [Test::Set, Test::Not(_)]),
            _ => false,
        };
        matches!(self, Test::Set) && others.iter().any(negative)
    }

    fn keys<'a>(&'a self, out: &mut Vec<&'a Key>) {
        match self {
            Test::Set => {}
            Test::Cmp(_, k) => out.push(k),
            Test::In(keys) => out.extend(keys),
            Test::Not(t) => t.keys(out),
            Test::All(ts) | Test::Any(ts) => ts.iter().for_each(|t| t.keys(out)),
        }
    }

    fn holds(&self, region: &Region) -> bool {
        match self {
            Test::Set => !matches!(region, Region::Missing),
            Test::Cmp(cmp, key) => match region {
                Region::Missing => false,
                Region::Point(p) => cmp.holds(*p, key),
                // The key is one of the cuts, so the gap lies wholly below
                // or wholly above it.
                Region::Gap(high) => {
                    let below = high.is_some_and(|h| h <= key);
                    match cmp {
                        Cmp::Eq => false,
                        Cmp::Ne => true,
                        Cmp::Lt | Cmp::Le => below,
                        Cmp::Gt | Cmp::Ge => !below,
                    }
                }
            },
            Test::In(keys) => match region {
                Region::Point(p) => keys.contains(p),
                _ => false,
            },
            Test::Not(t) => !t.holds(region),
            Test::All(ts) => ts.iter().all(|t| t.holds(region)),
            Test::Any(ts) => ts.iter().any(|t| t.holds(region)),
        }
    }
}

/// Above this many distinct keys among the tests of one field, the regions
/// are not worked out (machine-written lists); the tests stay as written.
const MAX_KEYS: usize = 512;

/// For each test, whether it holds in each region of their field; `None`
/// with too many keys. A boolean field has just three regions: missing,
/// `false` and `true`.
pub fn truth_table(tests: &[&Test], ty: Option<Type>) -> Option<Vec<Vec<bool>>> {
    let booleans = [Key::Bool(false), Key::Bool(true)];
    let mut keys = Vec::new();
    tests.iter().for_each(|t| t.keys(&mut keys));
    keys.sort();
    keys.dedup();
    if keys.len() > MAX_KEYS {
        return None;
    }
    let mut regions = vec![Region::Missing];
    if ty == Some(Type::Bool) {
        regions.extend(booleans.iter().map(Region::Point));
    } else {
        for k in &keys {
            regions.push(Region::Gap(Some(*k)));
            regions.push(Region::Point(k));
        }
        regions.push(Region::Gap(None));
    }
    Some(
        tests
            .iter()
            .map(|t| regions.iter().map(|r| t.holds(r)).collect())
            .collect(),
    )
}
