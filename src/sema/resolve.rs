//! Names: one namespace for every segment of a project, duplicates reported
//! with both places, and cycles of `in segment` printed whole.

use std::collections::{BTreeMap, BTreeSet};

use super::Def;
use crate::diagnostics::{Code, Diagnostic};
use crate::span::Span;
use crate::syntax::{ast, token};

pub struct Symbol {
    pub index: usize,
    pub span: Span,
    /// The arm names, for a partition.
    pub arms: Option<Vec<String>>,
}

pub struct SymbolTable {
    pub symbols: BTreeMap<String, Symbol>,
    /// Definition names by index, for messages.
    pub names: Vec<String>,
    /// By index: the definition's name is invalid or already taken.
    pub misnamed: Vec<bool>,
    /// Names that definitions with syntax errors may define: a reference
    /// to one is not reported as unknown.
    pub unparsed: BTreeSet<String>,
    /// A definition with a syntax error has no readable name, so any
    /// unknown reference may be to it.
    pub unparsed_unnamed: bool,
}

fn is_segment_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !token::is_keyword(name)
}

/// A valid name close to `name`: lower case, other characters as `_`.
fn fixed_name(name: &str) -> String {
    let mut fixed: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if fixed.is_empty()
        || fixed.starts_with(|c: char| c.is_ascii_digit())
        || token::is_keyword(&fixed)
    {
        fixed.insert(0, '_');
    }
    fixed
}

/// The longest segment, partition or arm name. The SQL backend names a
/// segment's CTEs `NAME__…` with suffixes of up to 23 bytes, and PostgreSQL
/// cuts identifiers at 63 bytes, so two long names could collide.
pub const MAX_NAME_LEN: usize = 40;

fn check_name(name: &ast::Name, from_file_name: bool, what: &str, diags: &mut Vec<Diagnostic>) {
    if is_segment_name(&name.value) {
        if name.value.len() > MAX_NAME_LEN {
            diags.push(
                Diagnostic::new(
                    Code::TooBig,
                    format!(
                        "the {what} name `{}` is {} characters long; the limit is {MAX_NAME_LEN}",
                        name.value,
                        name.value.len()
                    ),
                )
                .label(name.span, "too long")
                .help(format!(
                    "shorten it to {MAX_NAME_LEN} characters or fewer: warehouses cut the SQL names segc derives from it (PostgreSQL at 63 bytes)"
                )),
            );
        }
        return;
    }
    let fixed = fixed_name(&name.value);
    let d = if from_file_name {
        Diagnostic::new(
            Code::BadSegmentName,
            format!("the file name `{}` is not a valid segment name", name.value),
        )
        .label(
            name.span,
            "this file defines one segment, named after the file",
        )
        .help(format!(
            "rename the file to {fixed}.seg, or write `segment {fixed} = …` in it"
        ))
    } else {
        Diagnostic::new(
            Code::BadSegmentName,
            format!("`{}` is not a valid {what} name", name.value),
        )
        .label(name.span, "names use lower-case letters, digits and _")
        .help(format!("write `{fixed}`"))
    };
    diags.push(d);
}

impl SymbolTable {
    pub fn build(
        defs: &[Def],
        unparsed: BTreeSet<String>,
        unparsed_unnamed: bool,
        diags: &mut Vec<Diagnostic>,
    ) -> SymbolTable {
        let mut symbols: BTreeMap<String, Symbol> = BTreeMap::new();
        let mut names = Vec::new();
        let mut misnamed = Vec::new();
        for (index, d) in defs.iter().enumerate() {
            let errors_before = diags.len();
            let (name, arms) = match &d.def {
                ast::Definition::Segment(s) => (&s.name, None),
                ast::Definition::Partition(p) => {
                    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
                    for arm in &p.arms {
                        check_name(&arm.name, false, "arm", diags);
                        if let Some(first) = seen.insert(&arm.name.value, arm.name.span) {
                            diags.push(
                                Diagnostic::new(
                                    Code::DuplicateSegment,
                                    format!(
                                        "partition `{}` has two arms named `{}`",
                                        p.name.value, arm.name.value
                                    ),
                                )
                                .label(arm.name.span, "second arm with this name")
                                .label(first, "first arm with this name")
                                .help("give each arm its own name"),
                            );
                        }
                    }
                    (
                        &p.name,
                        Some(p.arms.iter().map(|a| a.name.value.clone()).collect()),
                    )
                }
            };
            check_name(name, d.from_file_name, "segment", diags);
            names.push(name.value.clone());
            misnamed.push(diags.len() > errors_before);
            if let Some(first) = symbols.get(&name.value) {
                misnamed[index] = true;
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateSegment,
                        format!("segment `{}` is defined twice", name.value),
                    )
                    .label(name.span, "defined again here")
                    .label(first.span, "first defined here")
                    .help("all segments of a project share one namespace: rename one of them"),
                );
                continue;
            }
            symbols.insert(
                name.value.clone(),
                Symbol {
                    index,
                    span: name.span,
                    arms,
                },
            );
        }
        SymbolTable {
            symbols,
            names,
            misnamed,
            unparsed,
            unparsed_unnamed,
        }
    }

    /// Whether a definition with a syntax error may define `name`.
    pub fn maybe_unparsed(&self, name: &str) -> bool {
        self.unparsed_unnamed || self.unparsed.contains(name)
    }

    /// Every name `in segment` accepts, for did-you-mean.
    pub fn all_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, symbol) in &self.symbols {
            out.push(name.clone());
            for arm in symbol.arms.iter().flatten() {
                out.push(format!("{name}.{arm}"));
            }
        }
        out
    }
}

/// Reports each cycle of references once, as `a → b → c → a`, and returns
/// the definitions in cycles. `references` are `(from, to, span of the
/// reference)`. Iterative, so a long chain of references cannot exhaust
/// the stack.
pub fn report_cycles(
    table: &SymbolTable,
    references: &[(usize, usize, Span)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut in_cycles = Vec::new();
    let n = table.names.len();
    let mut edges: Vec<Vec<(usize, Span)>> = vec![Vec::new(); n];
    for &(from, to, span) in references {
        edges[from].push((to, span));
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; n];
    let mut reported: Vec<Vec<usize>> = Vec::new();
    for root in 0..n {
        if state[root] != State::New {
            continue;
        }
        // (node, next edge to follow, span of the edge that led here)
        let mut stack: Vec<(usize, usize, Option<Span>)> = vec![(root, 0, None)];
        state[root] = State::Open;
        while let Some(&mut (node, ref mut next, _)) = stack.last_mut() {
            if *next == edges[node].len() {
                state[node] = State::Done;
                stack.pop();
                continue;
            }
            let (to, span) = edges[node][*next];
            *next += 1;
            match state[to] {
                State::New => {
                    state[to] = State::Open;
                    stack.push((to, 0, Some(span)));
                }
                State::Open => {
                    let start = stack.iter().position(|(v, _, _)| *v == to).unwrap();
                    let mut members: Vec<(usize, Span)> = stack[start + 1..]
                        .iter()
                        .map(|(v, _, s)| (*v, s.unwrap()))
                        .collect();
                    members.push((to, span));
                    let mut key: Vec<usize> = members.iter().map(|(v, _)| *v).collect();
                    key.sort_unstable();
                    if !reported.contains(&key) {
                        in_cycles.extend(&key);
                        reported.push(key);
                        diags.push(cycle_diagnostic(table, to, &members));
                    }
                }
                State::Done => {}
            }
        }
    }
    in_cycles
}

/// A longer cycle prints only its ends, and labels only its first references.
const MAX_CYCLE_NAMES: usize = 12;
const MAX_CYCLE_LABELS: usize = 8;

/// `members` are the cycle's steps: each node reached and the reference
/// (in the previous node) that reached it; the last one closes the cycle at `start`.
fn cycle_diagnostic(table: &SymbolTable, start: usize, members: &[(usize, Span)]) -> Diagnostic {
    let mut path = vec![table.names[start].as_str()];
    path.extend(members.iter().map(|(v, _)| table.names[*v].as_str()));
    let shown = if path.len() > MAX_CYCLE_NAMES {
        format!(
            "{} → … → {} ({} segments)",
            path[..MAX_CYCLE_NAMES - 3].join(" → "),
            path[path.len() - 3..].join(" → "),
            members.len()
        )
    } else {
        path.join(" → ")
    };
    let mut d = Diagnostic::new(
        Code::Cycle,
        format!("segments refer to each other in a cycle: {shown}"),
    );
    let mut from = start;
    for (to, span) in members.iter().take(MAX_CYCLE_LABELS) {
        let label = if from == *to {
            format!("`{}` refers to itself here", table.names[from])
        } else {
            format!(
                "`{}` refers to `{}` here",
                table.names[from], table.names[*to]
            )
        };
        d = d.label(*span, label);
        from = *to;
    }
    d.help("a segment cannot depend on itself: break the cycle by removing one of these references")
}
