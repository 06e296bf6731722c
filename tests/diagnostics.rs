//! One rendered snapshot per diagnostic code, drawn without colour at a fixed
//! width, from a small project that provokes exactly that code.

use segc::diagnostics::{render_all, Code, RenderOptions};
use segc::{check, Project};

const SCHEMA: &str = include_str!("corpus/segc.toml");

struct Case {
    code: Code,
    schema: Option<&'static str>,
    files: &'static [(&'static str, &'static str)],
}

const fn case(code: Code, files: &'static [(&'static str, &'static str)]) -> Case {
    Case {
        code,
        schema: Some(SCHEMA),
        files,
    }
}

fn cases() -> Vec<Case> {
    vec![
        case(
            Code::UnterminatedString,
            &[("a.seg", "did \"purchase within 7d\n")],
        ),
        case(
            Code::BadEscape,
            &[("a.seg", "did \"purchase\" where category = \"a\\qb\"\n")],
        ),
        case(
            Code::BadDuration,
            &[(
                "a.seg",
                "did \"login\" within 3mo or did \"login\" within 1.5h\n",
            )],
        ),
        case(
            Code::BadDateTime,
            &[("a.seg", "did \"login\" since 2026-02-30\n")],
        ),
        case(
            Code::UnexpectedChar,
            &[("a.seg", "did \"login\" && did “purchase”\n")],
        ),
        case(
            Code::BadQuotedName,
            &[("a.seg", "did \"view_item\" where `$browser = \"Firefox\"\n")],
        ),
        case(
            Code::TooDeep,
            &[("a.seg", include_str!("fixtures/too_deep.seg"))],
        ),
        case(
            Code::ControlChar,
            &[(
                "a.seg",
                "user.country = \"x\0\" and user.plan = \"a\rb\"\n",
            )],
        ),
        case(
            Code::BadNumber,
            &[("a.seg", include_str!("fixtures/huge_number.seg"))],
        ),
        case(Code::Syntax, &[("a.seg", "did \"login\" within 2 hours\n")]),
        case(
            Code::BadSegmentName,
            &[
                ("a.seg", "segment Big_Spenders = true\n"),
                ("My Cart.seg", "true\n"),
            ],
        ),
        case(
            Code::DuplicateSegment,
            &[
                ("a.seg", "segment vip = true\n"),
                ("b.seg", "\nsegment vip = false\n"),
            ],
        ),
        case(
            Code::UnknownSegment,
            &[(
                "a.seg",
                "segment vip = true\nsegment promo = in segment vips\n",
            )],
        ),
        case(
            Code::Cycle,
            &[
                ("a.seg", "segment a = in segment b\n"),
                (
                    "b.seg",
                    "segment b = in segment c and did \"login\"\nsegment c = not in segment a\n",
                ),
            ],
        ),
        case(
            Code::UnknownAttribute,
            &[("a.seg", "user.countyr = \"ZA\"\n")],
        ),
        case(
            Code::UnknownProperty,
            &[("a.seg", "did \"purchase\" where amout > 50\n")],
        ),
        case(Code::TypeMismatch, &[("a.seg", "user.country = 5\n")]),
        case(
            Code::StringOpOnNonString,
            &[("a.seg", "user.lifetime_value contains \"5\"\n")],
        ),
        case(
            Code::TimeOpOnNonTimestamp,
            &[("a.seg", "user.country within 7d\n")],
        ),
        case(
            Code::EmptyWindow,
            &[("a.seg", "did \"login\" between 7d and 30d ago\n")],
        ),
        case(
            Code::BadRegularity,
            &[("a.seg", "did \"login\" in at least 5 of the last 4 weeks\n")],
        ),
        case(
            Code::BadPercent,
            &[(
                "a.seg",
                "segment a = top 0% by count of \"login\" holdout 12.345%\nsegment b = bucket 50% to 10%\nsegment c = bucket 0% to 100.5%\nsegment d = bucket 0.001% to 1%\n",
            )],
        ),
        case(
            Code::BadCount,
            &[("a.seg", "did \"login\" at least 2.5 times\n")],
        ),
        case(
            Code::BadPattern,
            &[("a.seg", "user.email matches \"\\\\bfoo(?i)\"\n")],
        ),
        case(
            Code::MisplacedCondition,
            &[(
                "a.seg",
                "did \"purchase\" where amount > 50 and category = \"shoes\"\n",
            )],
        ),
        case(
            Code::BadInstant,
            &[("a.seg", "did \"login\" on 2026-01-31T12:00:00Z\n")],
        ),
        case(
            Code::BadOrdering,
            &[("a.seg", "user.marketing_opt_in > false or user.country < \"m\" ignoring case\n")],
        ),
        Case {
            code: Code::Schema,
            schema: Some(
                "[events]\ntable = \"events\"\n\n[events.properties]\namount = \"numbr\"\n\n[users]\ntable = \"users\"\ncreated_at = \"country\"\n\n[users.attributes]\ncountry = \"string\"\n",
            ),
            files: &[("a.seg", "true\n")],
        },
        Case {
            code: Code::UnknownTimeZone,
            schema: Some(
                "[settings]\ntime_zone = \"Europe/Berlim\"\n\n[events]\ntable = \"events\"\n",
            ),
            files: &[("a.seg", "did any event today\n")],
        },
        Case {
            code: Code::BadWeekStart,
            schema: Some(
                "[settings]\ntime_zone = \"America/New_York\"\nweek_starts_on = \"Monday\"\n\n[events]\ntable = \"events\"\n",
            ),
            files: &[("a.seg", "did any event this week\n")],
        },
        case(
            Code::BadCalendarCount,
            &[("a.seg", "did \"login\" in the last 0 calendar days or did \"login\" in the previous 1.5 calendar months\n")],
        ),
        case(
            Code::UnknownEvent,
            &[("a.seg", "did \"purchace\" within 7d\n")],
        ),
        case(Code::EmptyFile, &[("a.seg", "# nothing here yet\n")]),
        case(
            Code::AlwaysEmpty,
            &[("a.seg", "did \"login\" at least 5 times within 7d and did \"login\" at most 3 times within 7d\n")],
        ),
        case(
            Code::Everyone,
            &[("a.seg", "user.country = \"ZA\" or not user.country = \"ZA\"\n")],
        ),
        case(
            Code::Redundant,
            &[("a.seg", "segment a = did \"login\" within 7d or did \"login\" within 30d\n")],
        ),
        case(
            Code::UnboundedHistory,
            &[("a.seg", "segment a = did \"purchase\" at least 2 times\n")],
        ),
        case(
            Code::NotEqualMissing,
            &[("a.seg", "segment a = user.plan != \"pro\"\n")],
        ),
        case(
            Code::SequenceWithoutWithin,
            &[("a.seg", "segment a = did \"view_item\" then \"purchase\" starting within 30d\n")],
        ),
        case(
            Code::LongWindow,
            &[("a.seg", "segment a = did \"purchase\" within 1000d\n")],
        ),
        case(
            Code::UnreachableArm,
            &[("a.seg", "partition p {\n  monthly = did any event within 30d\n  weekly  = did any event within 7d\n}\n")],
        ),
        case(
            Code::UnusedInternal,
            &[("a.seg", "segment _a = did \"login\" within 7d\n")],
        ),
        case(
            Code::TooBig,
            &[(
                "a.seg",
                "segment a_segment_name_that_is_far_too_long_to_keep = true\n",
            )],
        ),
        case(
            Code::MixedAndOr,
            &[("a.seg", "segment a = did \"login\" within 7d and user.plan = \"pro\" or user.plan = \"team\"\n")],
        ),
        case(
            Code::BidiControl,
            &[("a.seg", "user.plan = \"gold\u{202E}\" # \u{2066}or not\u{2069}\n")],
        ),
        case(
            Code::SameQuantity,
            &[("a.seg", "segment a = did \"view_item\" at most 2 times within 7d with same product_id\n")],
        ),
        case(
            Code::SameTwice,
            &[("a.seg", "segment a = did \"add_to_cart\" then \"purchase\" within 1d with same product_id, device, product_id\n")],
        ),
        case(
            Code::SameNotCarried,
            &[("a.seg", "segment a = did \"add_to_cart\" then not \"purchase\" where product_id is not set within 1h with same product_id\n")],
        ),
        case(
            Code::NotANumber,
            &[(
                "a.seg",
                "segment a = user.country * 2 > 1\nsegment b = most_frequent(category) of \"purchase\" + 1 > sum(amount) of \"purchase\"\n",
            )],
        ),
        case(
            Code::DivisionByMaybeZero,
            &[(
                "a.seg",
                "segment a = count of \"refund\" within 90d / count of \"purchase\" within 90d > 0.2\n",
            )],
        ),
        Case {
            code: Code::TypesUnchecked,
            schema: None,
            files: &[("a.seg", "did \"purchase\"\n")],
        },
    ]
}

#[test]
fn every_code_has_a_case() {
    let covered: Vec<Code> = cases().iter().map(|c| c.code).collect();
    for code in Code::ALL {
        assert!(
            covered.contains(code),
            "no diagnostic case for {}",
            code.as_str()
        );
    }
}

#[test]
fn each_code_renders() {
    for case in cases() {
        let project = Project::from_sources(case.schema, case.files);
        let checked = check(&project);
        assert!(
            checked.diagnostics.iter().any(|d| d.code == case.code),
            "{} not produced: {:?}",
            case.code.as_str(),
            checked.diagnostics
        );
        let rendered = render_all(
            &checked.diagnostics,
            &project.sources,
            RenderOptions::plain(),
        );
        insta::assert_snapshot!(case.code.as_str(), rendered);
    }
}

#[test]
fn all_errors_of_a_run_are_reported() {
    let project = Project::from_sources(
        Some(SCHEMA),
        &[
            (
                "a.seg",
                "segment a = user.countyr = \"ZA\" and did \"login\" between 1d and 2d ago\n",
            ),
            ("b.seg", "did \"login\" within 3mo or \"x\\q\"\n"),
        ],
    );
    let codes: Vec<&str> = check(&project)
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E0030", "E0035", "E0003", "E0002"]);
}

#[test]
fn common_slips_get_the_fix_in_the_help() {
    let slips = [
        ("did \"login\" within 2 hours", "2h"),
        ("did \"login\" within 3 months", "90d"),
        ("did \"login\" within 3mo", "90d"),
        ("did \"login\" within 1.5h", "90m"),
        ("did \"login\" within 2hours", "2h"),
        ("user.lifetime_value > 1e3", "1000"),
        ("user.lifetime_value > +2", "plus sign"),
        ("user.country == \"ZA\"", "single `=`"),
        (
            "user.country = \u{201C}ZA\u{201D}",
            "straight double quotes",
        ),
        ("did \"purchase\" where not amount > 5", "(not amount > 50)"),
        ("segment first = true", "reserved word"),
        (
            "did \"purchase\" where user.country = \"ZA\"",
            "move it out",
        ),
        ("country = \"ZA\"", "user.country"),
        ("did purchase", "\"purchase\""),
        (
            "did \"login\" between 7d and 30d ago",
            "longer duration first",
        ),
        ("user.email matches \"^\\d+\"", "\\\\d"),
        ("did \"login\" withn 7d", "did you mean `within`?"),
        (
            "segment a = (did \"login\" within 7d and user.country = \"ZA\"\nsegment b = true",
            "close the `(` with `)`",
        ),
        (
            "partition p {\n  a = did \"login\" within 7d holdout 10%\n  b = true\n}",
            "`segment p_a = in segment p.a holdout 10%`",
        ),
        (
            "segment a = did \"login\" within 7d holdout 10% salt spring",
            "the salt is a quoted string: `salt \"spring\"`",
        ),
        (
            "user.plan in \"gold\", \"silver\"",
            "a list is written in parentheses: `in (\"gold\", \"silver\")`",
        ),
        ("did \"login\" in the last 30d", "write `within 30d`"),
        ("did \"login\" in the last 30 days", "write `within 30d`"),
        ("segment a = top 10 % by count of \"login\"", "write `10%`"),
        (
            "segment lapsing = last \"login\" more than 21d ago\nsegment b = in segment lapsed",
            "did you mean `lapsing`?",
        ),
        (
            "user.birthday anniversary in next 7d",
            "did you mean `birth_date`?",
        ),
        (
            "did \"purchase\" where categry = \"shoes\"",
            "did you mean `category`?",
        ),
        (
            "user.amount > 50",
            "`amount` is an event property: test it in a `where`",
        ),
        (
            "did \"login\" in segment lapsing",
            "join it to the one before with `and` or `or`",
        ),
    ];
    for (text, fix) in slips {
        let project = Project::from_sources(Some(SCHEMA), &[("a.seg", text)]);
        let helps: Vec<String> = check(&project)
            .diagnostics
            .iter()
            .filter_map(|d| d.help.clone())
            .collect();
        assert!(
            helps.iter().any(|h| h.contains(fix)),
            "{text:?}: no help mentions {fix:?}: {helps:?}"
        );
    }
}

/// Hints that once sent people the wrong way, each with what it said.
#[test]
fn misleading_hints_are_gone() {
    let slips = [
        ("did \"login\" withn 7d", "user.withn"),
        (
            "partition p {\n  a = did \"login\" within 7d holdout 10%\n  b = true\n}",
            "reserved word",
        ),
        (
            "segment a = did \"login\" within 7d holdout 10% salt spring",
            "event names",
        ),
        ("segment a = top 10 % by count of \"login\"", "backquotes"),
    ];
    for (text, misleading) in slips {
        let project = Project::from_sources(Some(SCHEMA), &[("a.seg", text)]);
        for d in check(&project).diagnostics {
            let said = format!("{} {}", d.message, d.help.unwrap_or_default());
            assert!(!said.contains(misleading), "{text:?}: {said}");
        }
    }
    // An unclosed `(` names the `)` it misses, in the message and a label.
    let project = Project::from_sources(
        Some(SCHEMA),
        &[(
            "a.seg",
            "segment a = (did \"login\" within 7d and user.country = \"ZA\"\n",
        )],
    );
    let d = &check(&project).diagnostics[0];
    assert!(d.message.contains("`)`"), "{}", d.message);
    assert!(d.labels.iter().any(|l| l.message.contains("not closed")));
}

/// A first draft with many slips: one run reports every syntax error of
/// every file (each definition is parsed on its own) and every error of
/// the definitions that parsed, and lints the definitions without an error
/// of their own. Nothing is reported twice, and a definition that refers
/// to a broken one gets no error for it.
#[test]
fn one_run_reports_every_error_and_lints_the_rest() {
    let draft = "\
## Carted and did not buy within the hour.
segment cart_abandoners = did \"add_to_cart\" then not \"purchase\" within 1h

segment lapsing = last \"login\" more than 21d ago
segment winback = in segment lapsng and user.country = \"ZA\"

segment big_spenders = sum(amount) of \"purchase\" within 2 hours > 500
segment promo = in segment big_spenders and did \"email_open\"

segment birthdays =
  user.birth_date anniversary in next 7d and user.country = \"ZA\" or user.country = \"NG\"

partition tier {
  gold   = sum(amount) of \"purchase\" within 365d >= 1000 holdout 10%
  silver = true
}

segment repeat_buyers = did \"purchase\" at least 2 times withn 30d
segment regions = user.country in \"ZA\", \"NG\"
segment vip = top 10 % by sum(amount) of \"purchase\" within 365d
segment fans = (did \"view_item\" within 7d and user.plan = \"pro\"
segment _recent = did \"purchase\" within 30d
segment recent_fans = in segment _recent and did \"view_item\" within 7d withn
segment contradiction = did \"login\" within 7d and not did \"login\" within 30d
";
    let other =
        "segment typo = user.contry = \"ZA\"\nsegment quarterly = did \"login\" within 3mo\n";
    let project =
        Project::from_sources(Some(SCHEMA), &[("draft.seg", draft), ("other.seg", other)]);
    let checked = check(&project);
    let codes: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "W0006", "E0022", "E0010", "W0006", "W0013", "E0010", "E0010", "E0010", "E0005",
            "E0010", "E0010", "W0003", "E0030", "E0003"
        ],
        "{:#?}",
        checked.diagnostics
    );
    let rendered = render_all(
        &checked.diagnostics,
        &project.sources,
        RenderOptions::plain(),
    );
    insta::assert_snapshot!(rendered);
}

/// Each fix, applied, leaves a definition that checks without the error
/// or warning it fixed; a safe fix keeps the meaning (the same IR).
#[test]
fn fixes_apply_and_check() {
    let cases = [
        "did \"login\" within 2 hours",
        "did \"login\" within 3mo",
        "did \"login\" within 2hours",
        "did \"login\" withn 7d",
        "segment a = did \"login\" within 7d holdout 10% salt spring",
        "user.plan in \"gold\", \"silver\"",
        "did \"login\" in the last 30d",
        "segment a = top 10 % by count of \"login\"",
        "segment lapsing = last \"login\" more than 21d ago\nsegment b = in segment lapsed",
        "user.birthday anniversary in next 7d",
        "did \"purchse\" within 7d",
        "country = \"ZA\"",
        "did purchase within 7d",
        "segment a = user.plan = \"pro\" and did \"login\" within 7d or did \"purchase\" within 7d\n\
         segment b = did \"purchase\" where (amount > 5 and category = \"x\" or coupon is set) within 7d",
    ];
    for text in cases {
        let project = Project::from_sources(Some(SCHEMA), &[("a.seg", text)]);
        let checked = check(&project);
        let fixes: Vec<_> = checked
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.clone())
            .collect();
        assert!(
            !fixes.is_empty(),
            "{text:?}: no fix: {:#?}",
            checked.diagnostics
        );
        // Fixes of one run do not overlap: apply them from the end.
        let mut fixed = text.to_string();
        for fix in fixes.iter().rev() {
            fixed = fix.apply(&fixed);
        }
        let after = check(&Project::from_sources(Some(SCHEMA), &[("a.seg", &fixed)]));
        let fixed_codes: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.fix.is_some())
            .map(|d| d.code)
            .collect();
        assert!(
            !after
                .diagnostics
                .iter()
                .any(|d| d.is_error() || fixed_codes.contains(&d.code)),
            "{text:?} fixed to {fixed:?}: {:#?}",
            after.diagnostics
        );
        let safe = fixes
            .iter()
            .all(|f| f.applicability == segc::diagnostics::Applicability::Safe);
        if let (true, Some(before)) = (safe, &checked.program) {
            let ir = |p: &segc::ir::Program| {
                let bodies: Vec<_> = p.segments.iter().map(|s| &s.body).collect();
                segc::ir::fold::key_of(&bodies)
            };
            assert_eq!(ir(before), ir(after.program.as_ref().unwrap()), "{text:?}");
        }
    }
}
