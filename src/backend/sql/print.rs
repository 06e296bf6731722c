//! Renders the SQL tree as readable, deterministic text: SQL that people
//! review in a pull request.
//!
//! Layout: one clause per line, one CTE per block, one column per line, the
//! top-level `AND` of a `WHERE` one condition per line. An expression that
//! does not fit in [`WIDTH`] columns is broken along its structure (`AND`
//! and `OR` operands, `CASE` arms, call arguments, window clauses), one part
//! per line, so a change to one number in a definition changes one line.
//! Comments name the Seg text each column and CTE implements. Every compound
//! operand is parenthesised, so the text never depends on an engine's
//! operator precedence.

use std::fmt::Write;

use super::ast::{Cte, Expr, Ident, Join, Order, Query, Select, Source};
use super::dialect::Dialect;

/// The line width the printer breaks expressions to fit; a line may still
/// be longer when it holds one long literal or name.
pub const WIDTH: usize = 100;

/// The longest comment text, in characters: a long predicate is cut with `…`.
const COMMENT_WIDTH: usize = 88;

pub fn query(q: &Query, d: &dyn Dialect) -> String {
    let mut p = Printer::new(d, false);
    for line in &q.header {
        p.comment(line);
        p.out.push('\n');
    }
    if !q.ctes.is_empty() {
        p.out.push_str("WITH\n");
        for (i, cte) in q.ctes.iter().enumerate() {
            p.cte(cte);
            p.out
                .push_str(if i + 1 < q.ctes.len() { ",\n" } else { "\n" });
        }
    }
    p.select(&q.body, 0);
    if let Some(settings) = d.query_settings() {
        p.out.push_str("\nSETTINGS ");
        p.out.push_str(settings);
    }
    p.out.push('\n');
    p.out
}

/// One expression on one line (used by tests, error messages and as the
/// key under which identical aggregates are shared).
pub fn expr(e: &Expr, d: &dyn Dialect) -> String {
    let mut p = Printer::new(d, true);
    p.expr(e);
    p.out
}

/// Text as a one-line SQL comment body: whitespace runs (line breaks
/// included) as one space, every character that SQL text never holds raw
/// ([`crate::chars::spelled_out_in_sql`]) as its code point, cut to
/// [`COMMENT_WIDTH`] characters. So a comment can never end early or hide
/// what follows it.
pub fn comment_text(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if crate::chars::spelled_out_in_sql(c) {
                out.push_str(&crate::chars::code_point(c));
            } else {
                out.push(c);
            }
        }
    }
    if out.chars().count() > COMMENT_WIDTH {
        out = out.chars().take(COMMENT_WIDTH - 1).collect();
        out.push('…');
    }
    out
}

struct Printer<'d> {
    d: &'d dyn Dialect,
    out: String,
    /// Everything on one line: for keys, and to measure what would fit.
    flat: bool,
    /// The indentation (in steps of two spaces) of the current line.
    indent: usize,
}

impl<'d> Printer<'d> {
    fn new(d: &'d dyn Dialect, flat: bool) -> Self {
        Printer {
            d,
            out: String::new(),
            flat,
            indent: 0,
        }
    }

    /// Starts a new line at `level` (a space when flat).
    fn newline(&mut self, level: usize) {
        if self.flat {
            self.out.push(' ');
        } else {
            self.out.push('\n');
            self.indent = level;
            for _ in 0..level {
                self.out.push_str("  ");
            }
        }
    }

    /// The characters on the current line so far.
    fn column(&self) -> usize {
        let line = self.out.rsplit('\n').next().unwrap_or("");
        line.chars().count()
    }

    fn comment(&mut self, text: &str) {
        let text = comment_text(text);
        if !text.is_empty() {
            let _ = write!(self.out, "-- {text}");
        }
    }

    fn cte(&mut self, cte: &Cte) {
        if let Some(note) = &cte.note {
            self.out.push_str("  ");
            self.comment(note);
            self.out.push('\n');
        }
        self.out.push_str("  ");
        self.ident(&cte.name);
        self.out.push_str(" AS (");
        self.newline(2);
        self.select(&cte.select, 2);
        self.out.push_str("\n  )");
        self.indent = 0;
    }

    /// A SELECT starting at the current position, continuation lines at `level`.
    fn select(&mut self, s: &Select, level: usize) {
        self.out.push_str("SELECT");
        if s.columns.len() == 1 && s.notes.is_empty() {
            self.out.push(' ');
            self.indent = level;
            self.column_def(&s.columns[0]);
        } else {
            for (i, c) in s.columns.iter().enumerate() {
                if let Some(note) = s.notes.get(&i) {
                    self.newline(level + 1);
                    self.comment(note);
                }
                self.newline(level + 1);
                self.column_def(c);
                if i + 1 < s.columns.len() {
                    self.out.push(',');
                }
            }
        }
        if !matches!(s.from, Source::Nothing) {
            self.newline(level);
            self.out.push_str("FROM ");
            self.source(&s.from, level);
        }
        for Join { source, on } in &s.joins {
            self.newline(level);
            self.out.push_str("LEFT JOIN ");
            self.source(source, level);
            self.out.push_str(" ON ");
            self.expr(on);
        }
        if let Some(filter) = &s.filter {
            self.newline(level);
            self.out.push_str("WHERE ");
            match filter {
                Expr::And(parts) => {
                    for (i, part) in parts.iter().enumerate() {
                        if i > 0 {
                            self.newline(level + 1);
                            self.out.push_str("AND ");
                        }
                        self.operand(part);
                    }
                }
                other => self.expr(other),
            }
        }
        if !s.group_by.is_empty() {
            self.newline(level);
            self.out.push_str("GROUP BY ");
            self.list(&s.group_by);
        }
    }

    fn column_def(&mut self, (e, alias): &(Expr, Option<Ident>)) {
        // Room for ` AS alias,` after the expression.
        let alias_width = alias.as_ref().map_or(1, |a| {
            let mut p = Printer::new(self.d, true);
            p.ident(a);
            p.out.chars().count() + 5
        });
        self.expr_before(e, alias_width);
        if let Some(alias) = alias {
            self.out.push_str(" AS ");
            self.ident(alias);
        }
    }

    fn source(&mut self, source: &Source, level: usize) {
        let alias = match source {
            Source::Table(parts, alias) => {
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.out.push('.');
                    }
                    self.out.push_str(&self.d.quote_ident(part));
                }
                alias.as_ref()
            }
            Source::Cte(name, alias) => {
                self.ident(name);
                alias.as_ref()
            }
            Source::Subquery(select, alias) => {
                self.out.push('(');
                self.newline(level + 1);
                self.select(select, level + 1);
                self.newline(level);
                self.out.push(')');
                Some(alias)
            }
            Source::Nothing => None,
        };
        if let Some(alias) = alias {
            self.out.push_str(" AS ");
            self.ident(alias);
        }
    }

    fn ident(&mut self, ident: &Ident) {
        match ident {
            Ident::Plain(name) => self.out.push_str(name),
            Ident::Numbered(name, n) => {
                let _ = write!(self.out, "{name}_{n}");
            }
            Ident::Derived(name) => self.out.push_str(name),
            Ident::Quoted(name) => self.out.push_str(&self.d.quote_ident(name)),
        }
    }

    fn list(&mut self, items: &[Expr]) {
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(e);
        }
    }

    /// Items one per line at `level + 1`, then the closing line at `level`.
    fn broken_list(&mut self, items: &[Expr], level: usize) {
        for (i, e) in items.iter().enumerate() {
            self.newline(level + 1);
            self.expr(e);
            if i + 1 < items.len() {
                self.out.push(',');
            }
        }
        self.newline(level);
    }

    /// An expression that is an operand of an operator: parenthesised unless atomic.
    fn operand(&mut self, e: &Expr) {
        let compound = matches!(
            e,
            Expr::Not(_)
                | Expr::And(_)
                | Expr::Or(_)
                | Expr::Binary(..)
                | Expr::IsNull(..)
                | Expr::InList(..)
                | Expr::InQuery(..)
        ) || matches!(e, Expr::Number(n) if *n < 0.0)
            || matches!(e, Expr::Int(n) if *n < 0);
        if compound {
            self.out.push('(');
            self.expr(e);
            self.out.push(')');
        } else {
            self.expr(e);
        }
    }

    /// `e` on one line, as [`expr`] prints it.
    fn flat_text(&self, e: &Expr) -> String {
        expr(e, self.d)
    }

    /// Prints `e` on the current line when it fits, else broken along its
    /// structure.
    fn expr(&mut self, e: &Expr) {
        self.expr_before(e, 0);
    }

    /// Whether `e` fits flat on the current line after `before` more characters.
    fn fits(&self, e: &Expr, before: usize) -> bool {
        self.column() + before + self.flat_text(e).chars().count() <= WIDTH
    }

    /// [`Printer::expr`] with room for `after` more characters on its last line.
    fn expr_before(&mut self, e: &Expr, after: usize) {
        if self.flat || self.fits(e, after) {
            self.flat_expr(e);
            return;
        }
        let level = self.indent;
        match e {
            Expr::And(parts) | Expr::Or(parts) => {
                let op = if matches!(e, Expr::And(_)) {
                    "AND "
                } else {
                    "OR "
                };
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        self.newline(level + 1);
                        self.out.push_str(op);
                    }
                    self.operand(part);
                }
                self.indent = level;
            }
            Expr::Case(whens, otherwise) => {
                self.out.push_str("CASE");
                for (when, then) in whens {
                    self.newline(level + 1);
                    self.out.push_str("WHEN ");
                    self.expr(when);
                    if !self.fits(then, " THEN ".len()) {
                        self.newline(level + 2);
                        self.out.push_str("THEN ");
                    } else {
                        self.out.push_str(" THEN ");
                    }
                    self.expr(then);
                }
                if let Some(otherwise) = otherwise {
                    self.newline(level + 1);
                    self.out.push_str("ELSE ");
                    self.expr(otherwise);
                }
                self.newline(level);
                self.out.push_str("END");
            }
            Expr::Func(function, args) if !args.is_empty() => {
                self.out.push_str(self.d.function(*function));
                self.out.push('(');
                self.broken_list(args, level);
                self.out.push(')');
            }
            Expr::Aggregate {
                filter: Some(filter),
                ..
            } => {
                let (open, close) = self.d.filter_clause();
                self.aggregate_call(e);
                self.out.push_str(open.trim_end());
                self.newline(level + 1);
                self.expr(filter);
                self.newline(level);
                self.out.push_str(close.trim_start());
            }
            Expr::Window {
                func,
                partition,
                order,
                frame,
            } => {
                self.expr(func);
                self.out.push_str(" OVER (");
                if !partition.is_empty() {
                    self.newline(level + 1);
                    self.out.push_str("PARTITION BY ");
                    self.list(partition);
                }
                if !order.is_empty() {
                    self.newline(level + 1);
                    self.order_by(order);
                }
                if let Some(frame) = frame {
                    self.newline(level + 1);
                    self.out.push_str(&self.d.frame(*frame));
                }
                self.newline(level);
                self.out.push(')');
            }
            Expr::Binary(l, op, r) => {
                self.operand(l);
                if self.fits(r, op.len() + 2) {
                    let _ = write!(self.out, " {op} ");
                } else {
                    self.newline(level + 1);
                    let _ = write!(self.out, "{op} ");
                }
                self.operand(r);
            }
            Expr::InList(inner, items, negated) => {
                self.operand(inner);
                self.out
                    .push_str(if *negated { " NOT IN (" } else { " IN (" });
                self.broken_list(items, level);
                self.out.push(')');
            }
            Expr::InQuery(inner, select) => {
                self.operand(inner);
                self.out.push_str(" IN (");
                self.newline(level + 1);
                self.select(select, level + 1);
                self.newline(level);
                self.out.push(')');
            }
            Expr::Scalar(select) => {
                self.out.push('(');
                self.newline(level + 1);
                self.select(select, level + 1);
                self.newline(level);
                self.out.push(')');
            }
            // The rest keep their shape; their parts break as they need.
            _ => self.flat_expr(e),
        }
    }

    /// `e` with its parts printed by [`Printer::expr`], which keeps them on
    /// this line when flat or when they fit.
    fn flat_expr(&mut self, e: &Expr) {
        match e {
            Expr::Column(qualifier, name) => {
                if let Some(q) = qualifier {
                    self.ident(q);
                    self.out.push('.');
                }
                self.ident(name);
            }
            Expr::Null => self.out.push_str("NULL"),
            Expr::Str(s) => self.out.push_str(&self.d.string_literal(s)),
            Expr::Number(n) => self.out.push_str(&self.d.number_literal(*n)),
            Expr::Int(n) => {
                let _ = write!(self.out, "{n}");
            }
            Expr::Bool(b) => self.out.push_str(if *b { "TRUE" } else { "FALSE" }),
            Expr::Timestamp(ts) => self.out.push_str(&self.d.timestamp_literal(*ts)),
            Expr::Interval(seconds) => self.out.push_str(&self.d.interval_literal(*seconds)),
            Expr::Now => self.out.push_str(self.d.now()),
            Expr::Star => self.out.push('*'),
            Expr::Keyword(word) => self.out.push_str(word),
            Expr::Not(inner) => {
                self.out.push_str("NOT ");
                self.operand(inner);
            }
            Expr::And(parts) => self.joined(parts, " AND "),
            Expr::Or(parts) => self.joined(parts, " OR "),
            Expr::Binary(l, op, r) => {
                self.operand(l);
                let _ = write!(self.out, " {op} ");
                self.operand(r);
            }
            Expr::Func(function, args) => {
                self.out.push_str(self.d.function(*function));
                self.out.push('(');
                self.list(args);
                self.out.push(')');
            }
            Expr::Aggregate { filter, .. } => {
                self.aggregate_call(e);
                if let Some(filter) = filter {
                    let (open, close) = self.d.filter_clause();
                    self.out.push_str(open);
                    self.expr(filter);
                    self.out.push_str(close);
                }
            }
            Expr::Window {
                func,
                partition,
                order,
                frame,
            } => {
                self.expr(func);
                self.out.push_str(" OVER (");
                let mut sep = "";
                if !partition.is_empty() {
                    self.out.push_str("PARTITION BY ");
                    self.list(partition);
                    sep = " ";
                }
                if !order.is_empty() {
                    self.out.push_str(sep);
                    self.order_by(order);
                    sep = " ";
                }
                if let Some(frame) = frame {
                    self.out.push_str(sep);
                    self.out.push_str(&self.d.frame(*frame));
                }
                self.out.push(')');
            }
            Expr::Case(whens, otherwise) => {
                self.out.push_str("CASE");
                for (when, then) in whens {
                    self.out.push_str(" WHEN ");
                    self.expr(when);
                    self.out.push_str(" THEN ");
                    self.expr(then);
                }
                if let Some(otherwise) = otherwise {
                    self.out.push_str(" ELSE ");
                    self.expr(otherwise);
                }
                self.out.push_str(" END");
            }
            Expr::Cast(inner, ty) => {
                self.out.push_str("CAST(");
                self.expr(inner);
                let _ = write!(self.out, " AS {})", self.d.type_name(*ty));
            }
            Expr::Extract(field, inner) => {
                let _ = write!(self.out, "EXTRACT({field} FROM ");
                self.expr(inner);
                self.out.push(')');
            }
            Expr::Collate(inner, collation) => {
                self.operand(inner);
                let _ = write!(self.out, " COLLATE {collation}");
            }
            Expr::IsNull(inner, negated) => {
                self.operand(inner);
                self.out
                    .push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
            }
            Expr::InList(inner, items, negated) => {
                self.operand(inner);
                self.out
                    .push_str(if *negated { " NOT IN (" } else { " IN (" });
                self.list(items);
                self.out.push(')');
            }
            Expr::InQuery(inner, select) => {
                self.operand(inner);
                self.out.push_str(" IN (");
                let flat = std::mem::replace(&mut self.flat, true);
                self.select(select, 0);
                self.flat = flat;
                self.out.push(')');
            }
            Expr::Scalar(select) => {
                self.out.push('(');
                let flat = std::mem::replace(&mut self.flat, true);
                self.select(select, 0);
                self.flat = flat;
                self.out.push(')');
            }
        }
    }

    /// `FUNC(arg)` or `FUNC(DISTINCT arg)` of an aggregate, without its filter.
    fn aggregate_call(&mut self, e: &Expr) {
        if let Expr::Aggregate {
            func,
            distinct,
            arg,
            ..
        } = e
        {
            let _ = write!(self.out, "{func}(");
            if *distinct {
                self.out.push_str("DISTINCT ");
            }
            self.expr(arg);
            self.out.push(')');
        }
    }

    fn joined(&mut self, parts: &[Expr], op: &str) {
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.out.push_str(op);
            }
            self.operand(part);
        }
    }

    fn order_by(&mut self, order: &[Order]) {
        self.out.push_str("ORDER BY ");
        for (i, o) in order.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(&o.expr);
            if o.descending {
                self.out.push_str(" DESC");
            }
            if o.nulls_last {
                self.out.push_str(" NULLS LAST");
            }
        }
    }
}
