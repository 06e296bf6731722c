//! Reading one test file: the TOML is read with spans, and every name in it
//! (segments, arms, users) is checked against the project, so a typo is a
//! diagnostic pointing into the file rather than a test that passes for the
//! wrong reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::fixture::{self, a_type, RawRows, Rows};
use crate::data::Dataset;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Body};
use crate::sema::schema::Schema;
use crate::sema::suggest;
use crate::span::{FileId, Span};
use crate::time;

/// A list of user ids as written, each with its span.
type Names = Spanned<Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    as_of: Spanned<toml::Value>,
    users: Option<Spanned<RawRows>>,
    events: Option<Spanned<RawRows>>,
    #[serde(default)]
    expect: Vec<Spanned<RawExpect>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    segment: Spanned<String>,
    name: Option<String>,
    as_of: Option<Spanned<toml::Value>>,
    members: Option<Names>,
    holdout: Option<Names>,
    arms: Option<Spanned<BTreeMap<Spanned<String>, Names>>>,
}

/// A checked test file, its fixture read.
#[derive(Debug)]
pub struct TestFile {
    pub file: FileId,
    pub data: Dataset,
    /// The users fixture; `None` when the schema has no users table.
    pub users: Option<Rows>,
    pub events: Rows,
    pub expectations: Vec<Expectation>,
}

/// One `[[expect]]`: what an engine must return for a segment.
#[derive(Clone, Debug)]
pub struct Expectation {
    /// The segment to evaluate (the partition, for an arm).
    pub segment: String,
    /// Set when the expectation names one arm: `lifecycle.active`.
    pub arm: Option<String>,
    /// The author's description of the case.
    pub name: Option<String>,
    /// The evaluation instant, in microseconds.
    pub as_of: i64,
    /// Every member (for an arm: the users assigned to it).
    pub members: Option<BTreeSet<String>>,
    /// The members in the holdout.
    pub holdout: Option<BTreeSet<String>>,
    /// Every arm of the partition, in order; an arm not written has no members.
    pub arms: Option<Vec<(String, BTreeSet<String>)>>,
    pub span: Span,
}

impl Expectation {
    /// The segment as the test file names it.
    pub fn target(&self) -> String {
        match &self.arm {
            Some(arm) => format!("{}.{arm}", self.segment),
            None => self.segment.clone(),
        }
    }
}

/// Reads and checks a test file; fixture files are relative to `dir`.
pub fn load(
    file: FileId,
    text: &str,
    dir: &Path,
    program: &ir::Program,
    schema: &Schema,
) -> Result<TestFile, Vec<Diagnostic>> {
    let at = |range: std::ops::Range<usize>| Span::new(file, range.start, range.end);
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        vec![Diagnostic::new(Code::Schema, format!("test file: {}", e.message().trim()))
            .label(at(span), "here")
            .help("a test file has `as_of`, [[users]] and [[events]] rows (or a file name), and [[expect]] tables with `segment` and `members`, `arms` or `holdout`; see docs/testing.md")]
    })?;
    let mut diags = Vec::new();
    let as_of = instant(&raw.as_of, file).map_err(|d| vec![d])?;
    let fixture = fixture::read(file, raw.users, raw.events, dir, schema, &mut diags);
    if raw.expect.is_empty() {
        diags.push(
            Diagnostic::new(Code::Schema, "this test file expects nothing")
                .label(at(0..0), "no [[expect]]")
                .help("add e.g. [[expect]] segment = \"vip\" members = [\"u1\"]"),
        );
    }
    let mut expectations = Vec::new();
    let users = fixture.as_ref().map(|f| f.data.users.as_slice());
    for expect in raw.expect {
        let span = at(expect.span());
        let result = expectation(
            expect.into_inner(),
            span,
            as_of,
            program,
            &mut Users {
                known: users,
                file,
                diags: &mut diags,
            },
        );
        match result {
            Ok(e) => expectations.push(e),
            Err(d) => diags.push(d),
        }
    }
    let Some(fixture) = fixture else {
        return Err(diags);
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(TestFile {
        file,
        data: fixture.data,
        users: fixture.users,
        events: fixture.events,
        expectations,
    })
}

/// An instant: RFC 3339 text or a date (its first instant), quoted or as a
/// TOML date-time with an offset or a TOML date.
pub(super) fn instant(value: &Spanned<toml::Value>, file: FileId) -> Result<i64, Diagnostic> {
    let span = value.span();
    let bad = |why: String| {
        Diagnostic::new(Code::Schema, format!("not an instant: {why}"))
            .label(Span::new(file, span.start, span.end), "here")
            .help("write e.g. \"2026-06-01T00:00:00Z\" (UTC, or with an offset) or \"2026-06-01\" for the start of that day")
    };
    let text = match value.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(dt) if dt.time.is_some() && dt.offset.is_none() => {
            return Err(bad(format!("{dt} has no time zone")))
        }
        toml::Value::Datetime(dt) => dt.to_string(),
        other => return Err(bad(a_type(other))),
    };
    time::parse_instant(&text)
        .map(|t| t.0)
        .map_err(|e| bad(format!("{text:?}: {}", e.0)))
}

fn expectation(
    raw: RawExpect,
    span: Span,
    as_of: i64,
    program: &ir::Program,
    users: &mut Users,
) -> Result<Expectation, Diagnostic> {
    let file = span.file;
    let at = |range: std::ops::Range<usize>| Span::new(file, range.start, range.end);
    let target = raw.segment.get_ref();
    let target_span = at(raw.segment.span());
    let (name, arm) = match target.split_once('.') {
        Some((segment, arm)) => (segment, Some(arm)),
        None => (target.as_str(), None),
    };
    let segment = program.segment(name).ok_or_else(|| {
        let names = program.segments.iter().map(|s| s.name.as_str());
        let d = Diagnostic::new(
            Code::UnknownSegment,
            format!("no segment `{name}` in this project"),
        )
        .label(target_span, "not a segment");
        match suggest(name, names) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("`segment` names a segment of the project, or `partition.arm`"),
        }
    })?;
    let arm_names: Vec<&str> = match &segment.body {
        Body::Partition { arms } => arms.iter().map(|a| a.name.as_str()).collect(),
        Body::Predicate { .. } => Vec::new(),
    };
    let unknown_arm = |arm: &str, span: Span| {
        let d = Diagnostic::new(Code::UnknownSegment, format!("`{name}` has no arm `{arm}`"))
            .label(span, "not an arm");
        match suggest(arm, arm_names.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None if arm_names.is_empty() => d.help(format!("`{name}` is not a partition")),
            None => d.help(format!("its arms are: {}", arm_names.join(", "))),
        }
    };
    if let Some(arm) = arm {
        if !arm_names.contains(&arm) {
            return Err(unknown_arm(arm, target_span));
        }
    }
    if raw.members.is_none() && raw.holdout.is_none() && raw.arms.is_none() {
        return Err(Diagnostic::new(
            Code::Schema,
            format!("this expectation for `{target}` checks nothing"),
        )
        .label(span, "no `members`, `arms` or `holdout`")
        .help("add members = [\"u1\", ...] (an empty list expects no members)"));
    }
    let has_holdout = matches!(
        &segment.body,
        Body::Predicate {
            holdout: Some(_),
            ..
        }
    );
    if let (Some(holdout), false) = (&raw.holdout, has_holdout) {
        return Err(
            Diagnostic::new(Code::Schema, format!("`{name}` has no holdout"))
                .label(at(holdout.span()), "nobody can be held out")
                .help(
                    "`holdout` lists the members held out of a segment declared with `holdout P%`",
                ),
        );
    }
    let arms = match raw.arms {
        None => None,
        Some(arms) if arm.is_some() || arm_names.is_empty() => return Err(Diagnostic::new(
            Code::Schema,
            format!("`{target}` has no arms to expect"),
        )
        .label(at(arms.span()), "here")
        .help("`arms` goes with a partition: segment = \"lifecycle\" arms = { new = [\"u1\"] }")),
        Some(arms) => {
            let mut written: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for (arm, names) in arms.into_inner() {
                if !arm_names.contains(&arm.get_ref().as_str()) {
                    return Err(unknown_arm(arm.get_ref(), at(arm.span())));
                }
                written.insert(arm.into_inner(), users.set(names));
            }
            Some(
                arm_names
                    .iter()
                    .map(|a| (a.to_string(), written.remove(*a).unwrap_or_default()))
                    .collect(),
            )
        }
    };
    let as_of = match &raw.as_of {
        Some(value) => instant(value, file)?,
        None => as_of,
    };
    Ok(Expectation {
        segment: segment.name.clone(),
        arm: arm.map(String::from),
        name: raw.name,
        as_of,
        members: raw.members.map(|n| users.set(n)),
        holdout: raw.holdout.map(|n| users.set(n)),
        arms,
        span: target_span,
    })
}

/// Checks the user ids an expectation names: each must be in the fixture,
/// since a typo would otherwise only show as a confusing failure.
struct Users<'a> {
    /// The fixture's users; `None` when the fixture could not be read.
    known: Option<&'a [String]>,
    file: FileId,
    diags: &'a mut Vec<Diagnostic>,
}

impl Users<'_> {
    fn set(&mut self, names: Names) -> BTreeSet<String> {
        let mut set = BTreeSet::new();
        for name in names.into_inner() {
            let span = name.span();
            let user = name.into_inner();
            if let Some(known) = self.known {
                if known.binary_search(&user).is_err() {
                    let d = Diagnostic::new(
                        Code::Schema,
                        format!("user {user:?} is not in this test's fixture"),
                    )
                    .label(Span::new(self.file, span.start, span.end), "unknown user");
                    self.diags.push(match suggest(&user, known.iter().map(String::as_str)) {
                        Some(s) => d.help(format!("did you mean {s:?}?")),
                        None => d.help("add the user to [[users]] (or give them an event when segc.toml has no [users] table)"),
                    });
                }
            }
            set.insert(user);
        }
        set
    }
}
