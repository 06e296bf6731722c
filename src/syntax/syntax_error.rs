//! Turns pest's "expected rule X" into plain words: what was expected, after
//! which word, what was found instead, and a hint for the common slips, with
//! the fix as edits where it is clear.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::parser::Rule;
use super::slips;
use super::token::{Token, TokenKind};
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::span::{FileId, Span};

/// What a rule is, in a marketer's words. Rules that describe the same thing
/// share a phrase, so a list of alternatives stays short.
fn describe(rule: Rule) -> String {
    let name = format!("{rule:?}");
    if let Some(word) = name.strip_prefix("kw_") {
        return format!("`{word}`");
    }
    match rule {
        Rule::EOI => "the end of the definition",
        Rule::expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::group
        | Rule::did
        | Rule::aggregate_cmp
        | Rule::recency
        | Rule::percentile
        | Rule::in_segment
        | Rule::boolean
        | Rule::field_pred
        | Rule::field
        | Rule::user_attr => "a condition such as `did \"purchase\"` or `user.country = \"ZA\"`",
        Rule::file => "a segment definition or an expression such as `did \"purchase\"`",
        Rule::definition | Rule::segment_def => "`segment`",
        Rule::partition_def => "`partition`",
        Rule::name | Rule::ident | Rule::segment_ref => "a name",
        Rule::prop_name | Rule::quoted_name => "a property name",
        Rule::string | Rule::step | Rule::any_event | Rule::any_of => {
            "an event name in quotes like \"purchase\", or `any event`"
        }
        Rule::number => "a number",
        Rule::duration | Rule::seq_within => "a duration like 7d",
        Rule::percent => "a percentage like 10%",
        Rule::date | Rule::timestamp => {
            "a date like 2026-01-31 or a timestamp like 2026-01-31T12:00:00Z"
        }
        r if is_window(r) => "a window like `within 7d`",
        r if is_quantity(r) => "a count like `at least 2 times`",
        Rule::cmp_op | Rule::compare => "a comparison like `=` or `>=`",
        Rule::value | Rule::value_list => "a value: a string, number, date, `true` or `false`",
        Rule::where_clause => "`where`",
        Rule::then_step | Rule::then_not_step | Rule::sequence => "`then`",
        Rule::regularity => "`in at least … of the last …`",
        Rule::streak => "`on each of the last … days`",
        Rule::starting => "`starting`",
        Rule::holdout => "`holdout`",
        Rule::period => "`hours`, `days` or `weeks`",
        Rule::measure
        | Rule::count
        | Rule::count_distinct
        | Rule::sum
        | Rule::avg
        | Rule::min
        | Rule::max
        | Rule::aggregate => "an aggregate like `sum(amount)`",
        Rule::measure_cmp
        | Rule::arith
        | Rule::arith_term
        | Rule::arith_unary
        | Rule::arith_group
        | Rule::unsigned => "a measure like `count of \"login\" within 30d` or a number",
        Rule::value_pred | Rule::value_of | Rule::value_fn => {
            "a property value like `last_value(category) of \"purchase\"`"
        }
        Rule::add_op | Rule::mul_op | Rule::neg => "an operator like `+`, `-`, `*` or `/`",
        r if is_operator(r) => "an operator like `=`, `in (…)` or `is set`",
        Rule::ignoring_case => "`ignoring case`",
        Rule::arm => "a partition arm like `active = did any event within 7d`",
        _ => return name.replace('_', " "),
    }
    .to_string()
}

/// Joins phrases as "a, b or c".
fn one_of(phrases: &[String]) -> String {
    match phrases {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Where pest stopped, in the tokens of the whole file.
pub(super) struct At<'a> {
    pub text: &'a str,
    /// The tokens that are not comments.
    pub code: Vec<&'a Token>,
    /// The index in `code` of the first token not yet read, if any.
    pub found: Option<usize>,
    /// The rules pest would have accepted there.
    pub positives: Vec<Rule>,
}

impl<'a> At<'a> {
    pub fn slice(&self, t: &Token) -> &'a str {
        &self.text[t.span.range()]
    }

    /// The `n`th token from the one pest stopped at (0 is that one).
    pub fn ahead(&self, n: usize) -> Option<&'a Token> {
        self.code.get(self.found? + n).copied()
    }

    pub fn ahead_text(&self, n: usize) -> Option<&'a str> {
        self.ahead(n).map(|t| self.slice(t))
    }

    /// The last token read before pest stopped.
    pub fn previous(&self) -> Option<&'a Token> {
        let i = self.found.unwrap_or(self.code.len());
        i.checked_sub(1).map(|p| self.code[p])
    }

    pub fn previous_is(&self, word: &str) -> bool {
        self.previous()
            .is_some_and(|p| self.slice(p).eq_ignore_ascii_case(word))
    }

    pub fn wants(&self, rule: Rule) -> bool {
        self.positives.contains(&rule)
    }

    /// Whether pest stopped where the definition can only end: at the end
    /// of the text, at the next definition, or at a closing bracket.
    fn definition_ends(&self) -> bool {
        self.ahead(0).is_none_or(|t| {
            let word = self.slice(t);
            ["segment", "partition", ")", "}"]
                .iter()
                .any(|w| w.eq_ignore_ascii_case(word))
        })
    }
}

/// A help text, and the fix that goes with it when one is clear.
pub(super) type Hint = (String, Option<Fix>);

/// `chunk_start` is the byte offset of the text pest was given (one
/// definition of the file): pest's positions count from it. `tokens` are
/// that definition's and a few after it.
pub fn translate(
    error: &Error<Rule>,
    file: FileId,
    text: &str,
    tokens: &[Token],
    chunk_start: usize,
) -> Diagnostic {
    let pos = chunk_start
        + match error.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let code: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Comment | TokenKind::DocComment))
        .collect();
    let found = code.iter().position(|t| t.span.end as usize > pos);
    let mut positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    positives.sort_by_key(|r| *r as usize);
    let at = At {
        text,
        code,
        found,
        positives,
    };
    let open = unclosed(&at, pos);

    // A definition may end where the file does or the next one starts:
    // one phrase says both.
    let ends = at.wants(Rule::EOI);
    let next_definition = [
        Rule::kw_segment,
        Rule::kw_partition,
        Rule::segment_def,
        Rule::partition_def,
        Rule::definition,
    ];
    let mut phrases: Vec<String> = Vec::new();
    for rule in at
        .positives
        .iter()
        .filter(|r| !(ends && next_definition.contains(r)))
    {
        let phrase = describe(*rule);
        if !phrases.contains(&phrase) {
            phrases.push(phrase);
        }
    }
    // After `where`, only a property test or a parenthesised condition fits.
    let after_where = at.previous_is("where");
    if after_where {
        phrases = vec![
            "a property test such as `amount > 50`, or a condition in parentheses".to_string(),
        ];
    }
    // A value after `in` can only start a list, which takes parentheses.
    if at.previous_is("in") && at.ahead(0).is_some_and(|t| slips::is_value(&at, t)) {
        phrases = vec!["a list in parentheses such as `(\"a\", \"b\")`".to_string()];
    }
    // pest lists rules, not the punctuation that could close a bracket.
    let closing = open.filter(|o| o.closes_here(&at));
    if let Some(o) = closing {
        phrases.push(format!("`{}`", o.close));
    }
    let expected = one_of(&phrases);
    let message = match at.previous() {
        Some(p) => format!("expected {expected} after `{}`", at.slice(p)),
        None => format!("expected {expected}"),
    };
    let (span, label) = match at.ahead(0) {
        Some(t) if at.slice(t).starts_with('`') => (t.span, format!("found {}", at.slice(t))),
        Some(t) => (t.span, format!("found `{}`", at.slice(t))),
        None => {
            let end = text.trim_end().len();
            (Span::new(file, end, end), "the text ends here".to_string())
        }
    };
    let mut diagnostic = Diagnostic::new(Code::Syntax, message).label(span, label);
    let negated_where = after_where
        && at
            .ahead_text(0)
            .is_some_and(|t| t.eq_ignore_ascii_case("not"));
    let unclosed_here = closing.filter(|_| at.definition_ends());
    let hint = if negated_where {
        Some((
            "to negate a property test, put it in parentheses: `where (not amount > 50)`"
                .to_string(),
            None,
        ))
    } else if let Some(open) = unclosed_here {
        diagnostic = diagnostic.label(open.span, format!("this `{}` is not closed", open.open));
        Some((
            format!(
                "close the `{}` with `{}`, or remove it",
                open.open, open.close
            ),
            None,
        ))
    } else {
        slips::hint(&at, open)
    };
    if let Some((help, fix)) = hint {
        diagnostic = diagnostic.help(help);
        if let Some(fix) = fix {
            diagnostic = diagnostic.fix(fix);
        }
    }
    diagnostic
}

/// A bracket opened before pest stopped and not closed.
#[derive(Clone, Copy)]
pub(super) struct Open {
    pub span: Span,
    /// Its index in [`At::code`].
    pub index: usize,
    pub open: char,
    pub close: char,
}

impl Open {
    /// Whether the closing bracket would fit where pest stopped: after a
    /// whole condition in parentheses, or after a partition's arm.
    fn closes_here(&self, at: &At) -> bool {
        match self.close {
            ')' => at.wants(Rule::kw_or),
            _ => at.wants(Rule::kw_or) || at.wants(Rule::arm) || at.wants(Rule::name),
        }
    }
}

/// The innermost bracket opened before `pos` and not closed there.
fn unclosed(at: &At, pos: usize) -> Option<Open> {
    let mut stack: Vec<Open> = Vec::new();
    let read = at
        .code
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == TokenKind::Punct && t.span.end as usize <= pos);
    for (index, t) in read {
        let open = |open, close| Open {
            span: t.span,
            index,
            open,
            close,
        };
        match at.slice(t) {
            "(" => stack.push(open('(', ')')),
            "{" => stack.push(open('{', '}')),
            ")" | "}" => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

/// The grammar rules of a window (`within 7d`, `since DATE`, …), which
/// messages and hints name together, as they do the two families below.
pub(super) fn is_window(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::window
            | Rule::within
            | Rule::between_ago
            | Rule::more_than_ago
            | Rule::since
            | Rule::before
            | Rule::between_dates
            | Rule::on_date
    )
}

/// The grammar rules of a quantity (`at least 2 times`, …).
pub(super) fn is_quantity(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::quantity
            | Rule::at_least
            | Rule::at_most
            | Rule::exactly
            | Rule::more_than
            | Rule::fewer_than
            | Rule::between_times
    )
}

/// The grammar rules of the operators of a field test (`is set`, `in (…)`,
/// `contains`, …).
pub(super) fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::is_set
            | Rule::not_in
            | Rule::in_next
            | Rule::in_list
            | Rule::anniversary
            | Rule::contains
            | Rule::starts_with
            | Rule::ends_with
            | Rule::matches
    )
}
