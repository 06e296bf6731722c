//! Field tests: attributes and event properties, their declared types,
//! operators and literals.

use super::*;

impl Lowerer<'_> {
    /// The declared type of a field: `Ok(None)` without a schema, `Err` when
    /// the schema does not declare it (reported).
    pub(super) fn declared_type(&mut self, field: &ast::Field) -> Result<Option<Type>, ()> {
        let Some(schema) = self.schema else {
            return Ok(None);
        };
        let name = field.name();
        let (declared, what, section) = match field {
            ast::Field::User(_) => (
                schema.users.as_ref().map(|u| &u.attributes),
                "user attribute",
                "[users.attributes]",
            ),
            ast::Field::Property(_) => (
                Some(&schema.events.properties),
                "event property",
                "[events.properties]",
            ),
        };
        if let Some(ty) = declared.and_then(|d| d.get(&name.value)) {
            return Ok(Some(*ty));
        }
        let code = match field {
            ast::Field::User(_) => Code::UnknownAttribute,
            ast::Field::Property(_) => Code::UnknownProperty,
        };
        let d = Diagnostic::new(code, format!("unknown {what} `{}`", name.value))
            .label(name.span, format!("not declared in {section}"));
        let candidates = declared
            .map(|d| d.keys().map(String::as_str).collect::<Vec<_>>())
            .unwrap_or_default();
        // `user.amount`: a property where an attribute was meant to be.
        let is_property = matches!(field, ast::Field::User(_))
            && schema.events.properties.contains_key(&name.value);
        let d = match suggest(&name.value, candidates) {
            Some(s) => did_you_mean(d, &format!("`{s}`"), name.span, bare_name(s)),
            None if is_property => d.help(format!(
                "`{0}` is an event property: test it in a `where`, e.g. `did \"purchase\" where {0} …`",
                name.value
            )),
            None => d.help(format!("declare it in {section} of segc.toml")),
        };
        self.error(d);
        Err(())
    }

    /// Checks a field test and lowers it to tests that are ORed (a date
    /// compared with `!=` becomes two). `None` after an error.
    pub(super) fn field_pred(
        &mut self,
        f: &ast::FieldPred,
        scope: Scope,
    ) -> Option<Vec<ir::FieldPred>> {
        let name = f.field.name();
        match (&f.field, scope) {
            (ast::Field::Property(_), Scope::User) => {
                let is_attribute = self
                    .schema
                    .and_then(|s| s.users.as_ref())
                    .is_some_and(|u| u.attributes.contains_key(&name.value));
                let d = Diagnostic::new(
                    Code::MisplacedCondition,
                    format!("`{}` stands alone, outside any `where`", name.value),
                )
                .label(name.span, "a bare name is an event property");
                let d = if is_attribute {
                    let attribute = bare_name(&name.value).map(|n| format!("user.{n}"));
                    did_you_mean(d, &format!("`user.{}`", name.value), name.span, attribute)
                } else {
                    d.help(format!(
                        "`where` takes one comparison: to test several properties, wrap them in parentheses: `where (… and {} …)`; a user attribute is written `user.{}`",
                        name.value, name.value
                    ))
                };
                self.error(d);
                return None;
            }
            (ast::Field::User(_), Scope::Event) => {
                self.error(
                    Diagnostic::new(Code::MisplacedCondition, "`where` filters on the event's own properties, not user attributes")
                        .label(f.span, "a user attribute")
                        .help("move it out of the `where`: `(did \"purchase\" where amount > 50) and user.country = \"ZA\"`"),
                );
                return None;
            }
            _ => {}
        }
        let declared = self.declared_type(&f.field).ok()?;
        let subject = match scope {
            Scope::User => format!("user.{}", name.value),
            Scope::Event => name.value.clone(),
        };
        let ty = declared.or_else(|| inferred_type(&f.op));
        let tests = self.field_ops(&f.op, ty, &subject, f.span)?;
        Some(
            tests
                .into_iter()
                .map(|op| ir::FieldPred {
                    field: ir::Field {
                        name: name.value.clone(),
                        ty,
                    },
                    op,
                    span: f.span,
                })
                .collect(),
        )
    }

    pub(super) fn mismatch(
        &mut self,
        subject: &str,
        ty: Type,
        what: String,
        span: Span,
        help: String,
    ) {
        self.error(
            Diagnostic::new(
                Code::TypeMismatch,
                format!("cannot compare `{subject}` ({}) with {what}", ty.name()),
            )
            .label(span, format!("`{subject}` is a {}", ty.name()))
            .help(help),
        );
    }

    pub(super) fn field_ops(
        &mut self,
        op: &AstOp,
        ty: Option<Type>,
        subject: &str,
        span: Span,
    ) -> Option<Vec<FieldOp>> {
        let needs = |this: &mut Self, wanted: Type, what: &str, code: Code| -> Option<()> {
            match ty {
                Some(t) if t != wanted => {
                    this.error(
                        Diagnostic::new(code, format!("{what} needs a {}, but `{subject}` is a {}", wanted.name(), t.name()))
                            .label(span, format!("`{subject}` is a {}", t.name()))
                            .help(match code {
                                Code::TimeOpOnNonTimestamp => "windows, `in next` and `anniversary` apply to timestamp attributes such as `user.signed_up_at`".to_string(),
                                _ if matches!(t, Type::Number | Type::Timestamp) => format!("compare a {} with `=`, `!=`, `<`, `<=`, `>`, `>=` or `in (…)`", t.name()),
                                _ => format!("compare a {} with `=`, `!=` or `in (…)`", t.name()),
                            }),
                    );
                    None
                }
                _ => Some(()),
            }
        };
        let case = |this: &mut Self, ignore_case: bool| -> Option<()> {
            if ignore_case {
                needs(
                    this,
                    Type::String,
                    "`ignoring case`",
                    Code::StringOpOnNonString,
                )
            } else {
                Some(())
            }
        };
        Some(match op {
            AstOp::IsSet { negated } => vec![FieldOp::IsSet { negated: *negated }],
            AstOp::Contains { text, ignore_case }
            | AstOp::StartsWith { text, ignore_case }
            | AstOp::EndsWith { text, ignore_case } => {
                let word = match op {
                    AstOp::Contains { .. } => "`contains`",
                    AstOp::StartsWith { .. } => "`starts with`",
                    _ => "`ends with`",
                };
                needs(self, Type::String, word, Code::StringOpOnNonString)?;
                let (text, ignore_case) = (text.value.clone(), *ignore_case);
                vec![match op {
                    AstOp::Contains { .. } => FieldOp::Contains { text, ignore_case },
                    AstOp::StartsWith { .. } => FieldOp::StartsWith { text, ignore_case },
                    _ => FieldOp::EndsWith { text, ignore_case },
                }]
            }
            AstOp::Matches(p) => {
                needs(self, Type::String, "`matches`", Code::StringOpOnNonString)?;
                if let Err(why) = pattern::check_pattern(&p.value) {
                    self.error(
                        Diagnostic::new(Code::BadPattern, format!("pattern outside the portable subset: {why}"))
                            .label(p.span, "this pattern")
                            .help("use literals, `.`, `[...]`, \\d \\w \\s, escaped punctuation, `* + ? {m,n}`, `^ $`, `|` and groups; in a Seg string write \\\\d for \\d"),
                    );
                    return None;
                }
                vec![FieldOp::Matches {
                    pattern: p.value.clone(),
                }]
            }
            AstOp::Window(w) => {
                needs(
                    self,
                    Type::Timestamp,
                    "a window",
                    Code::TimeOpOnNonTimestamp,
                )?;
                vec![FieldOp::Window(self.window(w))]
            }
            AstOp::InNext(d) => {
                needs(
                    self,
                    Type::Timestamp,
                    "`in next`",
                    Code::TimeOpOnNonTimestamp,
                )?;
                vec![FieldOp::InNext { seconds: d.value }]
            }
            AstOp::Anniversary(d) => {
                needs(
                    self,
                    Type::Timestamp,
                    "`anniversary`",
                    Code::TimeOpOnNonTimestamp,
                )?;
                if d.value < SECONDS_PER_DAY || d.value % SECONDS_PER_DAY != 0 {
                    self.error(
                        Diagnostic::new(Code::BadInstant, "`anniversary in next` takes whole days")
                            .label(d.span, "not a whole number of days")
                            .help("write days or weeks, e.g. `anniversary in next 7d`"),
                    );
                    return None;
                }
                vec![FieldOp::Anniversary {
                    days: d.value / SECONDS_PER_DAY,
                }]
            }
            AstOp::In {
                values,
                negated,
                ignore_case,
            } => {
                case(self, *ignore_case)?;
                let mut literals = Vec::new();
                for v in values {
                    literals.push(self.literal(v, ty, subject, span)?);
                }
                let has_date = values
                    .iter()
                    .any(|v| matches!(v.value, ast::Value::Instant(Instant::Date(_))));
                if has_date && matches!(ty, Some(Type::Timestamp) | None) {
                    return Some(instants_in(&self.zone, values, *negated));
                }
                vec![FieldOp::In {
                    values: literals,
                    negated: *negated,
                    ignore_case: *ignore_case,
                }]
            }
            AstOp::Compare {
                op,
                value,
                ignore_case,
            } => {
                case(self, *ignore_case)?;
                let cmp = op.value;
                if cmp.is_ordering() && ty == Some(Type::Bool) {
                    self.error(
                        Diagnostic::new(
                            Code::BadOrdering,
                            format!("`{}` does not apply to a bool", cmp.as_str()),
                        )
                        .label(op.span, format!("`{subject}` is a bool"))
                        .help("compare booleans with `=`, `!=` or `in (…)`"),
                    );
                    return None;
                }
                if cmp.is_ordering() && *ignore_case {
                    // Spec §3.7: strings order by code point; lower-casing
                    // first would give an order no engine collation has.
                    self.error(
                        Diagnostic::new(Code::BadOrdering, format!("`ignoring case` does not apply to `{}`", cmp.as_str()))
                            .label(op.span, "strings order by code point")
                            .help("remove `ignoring case`; to compare without case use `=` or `in (…)` with `ignoring case`"),
                    );
                    return None;
                }
                if let ast::Value::Instant(Instant::Date(d)) = value.value {
                    if ty == Some(Type::Timestamp) || ty.is_none() {
                        return Some(date_comparison(&self.zone, cmp, d));
                    }
                }
                vec![FieldOp::Compare {
                    cmp,
                    value: self.literal(value, ty, subject, span)?,
                    ignore_case: *ignore_case,
                }]
            }
        })
    }

    /// A literal, checked against the field's type.
    pub(super) fn literal(
        &mut self,
        v: &Spanned<ast::Value>,
        ty: Option<Type>,
        subject: &str,
        span: Span,
    ) -> Option<Literal> {
        let (literal, lit_ty) = match &v.value {
            ast::Value::String(s) => (Literal::String(s.clone()), Type::String),
            ast::Value::Number(n) => (Literal::Number(*n), Type::Number),
            ast::Value::Bool(b) => (Literal::Bool(*b), Type::Bool),
            ast::Value::Instant(i) => (
                Literal::Timestamp(start_of(&self.zone, *i)),
                Type::Timestamp,
            ),
        };
        match ty {
            Some(t) if t != lit_ty => {
                let help = match (t, &v.value) {
                    (Type::String, ast::Value::Number(n)) => format!("write the value as a string: \"{n}\""),
                    (Type::Number, ast::Value::String(s)) if s.parse::<f64>().is_ok() => format!("write the number without quotes: {s}"),
                    (Type::Timestamp, _) => "compare a timestamp with a date (2026-01-31) or a timestamp (2026-01-31T12:00:00Z), or use a window such as `within 30d`".into(),
                    _ => format!("compare it with a {} value", t.name()),
                };
                let what = format!("a {} value", lit_ty.name());
                self.mismatch(subject, t, what, v.span.to(span), help);
                None
            }
            _ => Some(literal),
        }
    }
}

/// `in (…)` / `not in (…)` on a timestamp with dates in the list (spec
/// §3.7): each date is its whole day, each timestamp its instant. The list
/// becomes a union of half-open intervals of microseconds (an instant `t` is
/// `[t, t + 1µs)`), merged; `not in` is its complement, so both are
/// windows and comparisons every backend already runs (OR-ed by the caller),
/// and a missing value is in none of them.
pub(super) fn instants_in(
    zone: &Zone,
    values: &[Spanned<ast::Value>],
    negated: bool,
) -> Vec<FieldOp> {
    let mut intervals: Vec<(i64, i64)> = values
        .iter()
        .filter_map(|v| match v.value {
            ast::Value::Instant(Instant::Date(d)) => {
                let (start, end) = day_of(zone, d);
                Some((start.0, end.0))
            }
            ast::Value::Instant(Instant::Timestamp(t)) => Some((t.0, t.0 + 1)),
            _ => None,
        })
        .collect();
    intervals.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (start, end) in intervals {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let compare = |cmp, t| FieldOp::Compare {
        cmp,
        value: Literal::Timestamp(Timestamp(t)),
        ignore_case: false,
    };
    let span = |start: i64, end: i64| {
        if end == start + 1 {
            compare(Cmp::Eq, start)
        } else {
            FieldOp::Window(ir::Window {
                start: Some(Point::At(Timestamp(start))),
                end: End::Before(Point::At(Timestamp(end))),
            })
        }
    };
    if !negated {
        return merged.into_iter().map(|(a, b)| span(a, b)).collect();
    }
    let mut out = Vec::new();
    let mut from: Option<i64> = None;
    for (start, end) in merged {
        match from {
            None => out.push(compare(Cmp::Lt, start)),
            Some(f) => out.push(span(f, start)),
        }
        from = Some(end);
    }
    out.extend(from.map(|f| compare(Cmp::Ge, f)));
    out
}

/// A date compared with a timestamp denotes the whole day in the project's
/// time zone (spec §3.7).
pub(super) fn date_comparison(zone: &Zone, cmp: Cmp, d: time::Date) -> Vec<FieldOp> {
    let (day_start, next_day) = day_of(zone, d);
    let compare = |cmp, t| FieldOp::Compare {
        cmp,
        value: Literal::Timestamp(t),
        ignore_case: false,
    };
    match cmp {
        Cmp::Eq => vec![FieldOp::Window(ir::Window {
            start: Some(Point::At(day_start)),
            end: End::Before(Point::At(next_day)),
        })],
        Cmp::Ne => vec![compare(Cmp::Lt, day_start), compare(Cmp::Ge, next_day)],
        Cmp::Lt => vec![compare(Cmp::Lt, day_start)],
        Cmp::Ge => vec![compare(Cmp::Ge, day_start)],
        Cmp::Gt => vec![compare(Cmp::Ge, next_day)],
        Cmp::Le => vec![compare(Cmp::Lt, next_day)],
    }
}

/// What type a test implies, for projects without a schema.
pub(super) fn inferred_type(op: &AstOp) -> Option<Type> {
    let of_value = |v: &ast::Value| match v {
        ast::Value::String(_) => Type::String,
        ast::Value::Number(_) => Type::Number,
        ast::Value::Bool(_) => Type::Bool,
        ast::Value::Instant(_) => Type::Timestamp,
    };
    match op {
        AstOp::IsSet { .. } => None,
        AstOp::In { values, .. } => values.first().map(|v| of_value(&v.value)),
        AstOp::Compare { value, .. } => Some(of_value(&value.value)),
        AstOp::Contains { .. }
        | AstOp::StartsWith { .. }
        | AstOp::EndsWith { .. }
        | AstOp::Matches(_) => Some(Type::String),
        AstOp::Window(_) | AstOp::InNext(_) | AstOp::Anniversary(_) => Some(Type::Timestamp),
    }
}
