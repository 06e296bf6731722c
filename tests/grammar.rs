//! The grammar and the token layer must agree on the reserved words.

use std::collections::BTreeSet;

#[test]
fn keyword_lists_agree() {
    let grammar = include_str!("../grammar/seg.pest");
    let start = grammar.find("keyword = @{").unwrap();
    let end = start + grammar[start..].find("~ !ident_char }").unwrap();
    let in_grammar: BTreeSet<&str> = grammar[start..end]
        .split("^\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let in_lexer: BTreeSet<&str> = segc::syntax::KEYWORDS.iter().copied().collect();
    assert_eq!(in_grammar, in_lexer);
    // Each keyword also has its own `kw_` rule.
    for word in &in_lexer {
        assert!(
            grammar.contains(&format!("kw_{word} = @{{ ^\"{word}\" ~ !ident_char }}")),
            "no kw_{word}"
        );
    }
}

#[test]
fn keywords_are_case_insensitive_and_bounded() {
    // `order` is an identifier, not `or` + `der`; `DID` is `did`.
    let parsed = segc::parse(0, "DID \"x\" Where order = 1 AND user.`first` Is Set");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
}

/// `today` and `yesterday` are windows only where a window may stand. After
/// an aggregate or a property value a comparison follows, so `today = 20`
/// is the window and `= 20` (the random differential test found this); where
/// a window may end a partition arm, `today = …` is the next arm.
#[test]
fn today_before_an_equals_sign() {
    let text = "partition p {
  low = count of \"a\" today = 20
  fav = last_value(category) of \"a\" yesterday = \"x\"
  seen = did \"a\"
  today = did \"b\" today
  yesterday = first \"b\" yesterday
}";
    let parsed = segc::parse(0, text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let json = serde_json::to_string(&parsed.file).unwrap();
    assert_eq!(json.matches("\"calendar\"").count(), 4, "{json}");
}
