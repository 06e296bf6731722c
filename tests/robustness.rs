//! Hostile input never panics: mutated corpus files, deep nesting, 1 MB
//! files. Each ends in a result or in diagnostics.

use segc::diagnostics::{render_all, Code, RenderOptions};
use segc::{check, Project};

const SCHEMA: &str = include_str!("corpus/segc.toml");

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "\"",
    "\\",
    "`",
    "not ",
    " and ",
    " or ",
    "did ",
    "then ",
    "within ",
    "7d",
    "2 hours",
    "3mo",
    "10%",
    "2026-02-30",
    "2026-01-31T12:00:00Z",
    "user.",
    ".",
    "=",
    "!=",
    ">=",
    " in (",
    "segment x = ",
    "partition p {",
    "}",
    "where ",
    "\u{1F600}",
    "é",
    "\n",
    "#",
    "## doc\n",
    "-",
    "0",
    "at least ",
    "of the last ",
    "holdout 10%",
    "salt ",
    "\\u{110000}",
    "matches \"(?i)\"",
    "in segment ",
    "top 150% by ",
    "between 2026-02-01 and 2026-01-01",
    "any of (",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(chars.len() + 1).min(chars.len());
        match rng.below(4) {
            0 => {
                let end = (at + rng.below(12)).min(chars.len());
                chars.drain(at..end);
            }
            1 => {
                let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
                chars.splice(at..at, snippet.chars());
            }
            2 => {
                let end = (at + rng.below(20)).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, copy);
            }
            _ => {
                if at < chars.len() {
                    chars[at] = ['"', '(', ')', '`', '\\', 'x', ' ', '\n', '%', '-'][rng.below(10)];
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn corpus_files() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "seg"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    files.sort();
    files
}

/// Checks and renders, as the CLI would: neither may panic.
fn run(text: &str) -> Vec<Code> {
    let project = Project::from_sources(Some(SCHEMA), &[("m.seg", text)]);
    let checked = check(&project);
    render_all(
        &checked.diagnostics,
        &project.sources,
        RenderOptions::plain(),
    );
    checked.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn mutated_inputs_never_panic() {
    let files = corpus_files();
    let mut rng = Rng(0x5EC5_EC5E_C5EC_5EC5);
    let mut with_errors = 0;
    for _ in 0..400 {
        let original = &files[rng.below(files.len())];
        let mutated = mutate(original, &mut rng);
        let codes = run(&mutated);
        with_errors += usize::from(codes.iter().any(|c| c.as_str().starts_with('E')));
    }
    // The mutations must actually exercise the error paths.
    assert!(with_errors > 200, "only {with_errors} mutants had errors");
}

#[test]
fn ten_thousand_parentheses_are_an_error_not_a_crash() {
    let text = format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(run(&text), [Code::TooDeep]);
    let nots = format!("{}true", "not ".repeat(10_000));
    assert_eq!(run(&nots), [Code::TooDeep]);
    let unbalanced = "(".repeat(10_000);
    assert_eq!(run(&unbalanced), [Code::TooDeep]);
}

#[test]
fn nesting_at_the_limit_is_fine() {
    let depth = segc::syntax::MAX_DEPTH;
    let text = format!(
        "{}did \"login\" within 7d{}",
        "(not ".repeat(depth / 2),
        ")".repeat(depth / 2)
    );
    assert_eq!(run(&text), Vec::<Code>::new());
}

#[test]
fn a_megabyte_expression_checks() {
    let clause = "did \"login\" within 7d or ";
    let text = format!(
        "segment big = {}true\n",
        clause.repeat(1_000_000 / clause.len())
    );
    assert!(text.len() > 1_000_000);
    // `… or true` is everyone, and every repeated clause is redundant.
    let mut codes = run(&text);
    codes.dedup();
    assert_eq!(codes, [Code::Everyone, Code::Redundant]);
}

#[test]
fn a_megabyte_of_chained_segments_checks() {
    // 30 000 segments, each referring to the previous one: a long chain for
    // the resolver, which must not recurse per link.
    let mut text = String::from("segment s0 = did \"login\" within 7d\n");
    let mut i = 1;
    while text.len() < 1_000_000 {
        text.push_str(&format!("segment s{i} = in segment s{} and true\n", i - 1));
        i += 1;
    }
    assert_eq!(run(&text), Vec::<Code>::new());
    text.push_str(&format!("segment s0b = in segment s{}\n", i - 1));
    let cyclic = text.replace(
        "segment s0 = did \"login\" within 7d",
        "segment s0 = in segment s0b",
    );
    assert_eq!(run(&cyclic), [Code::Cycle]);
}
