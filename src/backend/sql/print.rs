//! Renders the SQL tree as readable, deterministic text.
//!
//! Layout: one clause per line, one CTE per block, the top-level `AND` of a
//! `WHERE` one condition per line. Every compound operand is parenthesised,
//! so the text never depends on an engine's operator precedence.

use std::fmt::Write;

use super::ast::{Cte, Expr, Ident, Join, Order, Query, Select, Source};
use super::dialect::Dialect;

pub fn query(q: &Query, d: &dyn Dialect) -> String {
    let mut p = Printer {
        d,
        out: String::new(),
        inline: false,
    };
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

/// One expression on one line (used by tests and error messages).
pub fn expr(e: &Expr, d: &dyn Dialect) -> String {
    let mut p = Printer {
        d,
        out: String::new(),
        inline: false,
    };
    p.expr(e);
    p.out
}

struct Printer<'d> {
    d: &'d dyn Dialect,
    out: String,
    /// Inside an expression: a sub-select goes on one line.
    inline: bool,
}

impl Printer<'_> {
    fn indent(&mut self, level: usize) {
        if !self.inline {
            for _ in 0..level {
                self.out.push_str("  ");
            }
        }
    }

    fn newline(&mut self, level: usize) {
        if self.inline {
            self.out.push(' ');
        } else {
            self.out.push('\n');
            self.indent(level);
        }
    }

    fn cte(&mut self, cte: &Cte) {
        self.out.push_str("  ");
        self.ident(&cte.name);
        self.out.push_str(" AS (");
        self.newline(2);
        self.select(&cte.select, 2);
        self.out.push_str("\n  )");
    }

    /// A SELECT starting at the current position, continuation lines at `level`.
    fn select(&mut self, s: &Select, level: usize) {
        self.out.push_str("SELECT");
        if s.columns.len() == 1 {
            self.out.push(' ');
            self.column(&s.columns[0]);
        } else {
            for (i, c) in s.columns.iter().enumerate() {
                self.newline(level + 1);
                self.column(c);
                if i + 1 < s.columns.len() {
                    self.out.push(',');
                }
            }
        }
        self.newline(level);
        self.out.push_str("FROM ");
        self.source(&s.from, level);
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

    fn column(&mut self, (e, alias): &(Expr, Option<Ident>)) {
        self.expr(e);
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

    fn joined(&mut self, parts: &[Expr], op: &str) {
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.out.push_str(op);
            }
            self.operand(part);
        }
    }

    fn expr(&mut self, e: &Expr) {
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
            Expr::Number(n) => {
                let _ = write!(self.out, "{n}");
            }
            Expr::Int(n) => {
                let _ = write!(self.out, "{n}");
            }
            Expr::Bool(b) => self.out.push_str(if *b { "TRUE" } else { "FALSE" }),
            Expr::Timestamp(ts) => self.out.push_str(&self.d.timestamp_literal(*ts)),
            Expr::Interval(seconds) => self.out.push_str(&self.d.interval_literal(*seconds)),
            Expr::Now => self.out.push_str(self.d.now()),
            Expr::Star => self.out.push('*'),
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
            Expr::Aggregate {
                func,
                distinct,
                arg,
                filter,
            } => {
                let _ = write!(self.out, "{func}(");
                if *distinct {
                    self.out.push_str("DISTINCT ");
                }
                self.expr(arg);
                self.out.push(')');
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
                    self.out.push_str("ORDER BY ");
                    for (i, o) in order.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(", ");
                        }
                        self.order(o);
                    }
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
                let inline = std::mem::replace(&mut self.inline, true);
                self.select(select, 0);
                self.inline = inline;
                self.out.push(')');
            }
        }
    }

    fn order(&mut self, o: &Order) {
        self.expr(&o.expr);
        if o.descending {
            self.out.push_str(" DESC");
        }
        if o.nulls_last {
            self.out.push_str(" NULLS LAST");
        }
    }
}
