//! The shared corpus (`tests/corpus/*.seg`, one file or more per spec section)
//! snapshotted through every stage: tokens → AST → IR.

use std::path::{Path, PathBuf};

use segc::{check, ir, parse, Project};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[test]
fn corpus_parses_to_ast() {
    insta::glob!("corpus/*.seg", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let parsed = parse(0, &text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        insta::assert_json_snapshot!(parsed.file.unwrap());
    });
}

#[test]
fn corpus_lowers_to_ir() {
    let project = Project::load(&corpus()).unwrap();
    let checked = check(&project);
    // The spec's examples are valid; some draw lint warnings (no window).
    assert!(
        !segc::diagnostics::has_errors(&checked.diagnostics),
        "{:?}",
        checked.diagnostics
    );
    let program = checked.program.unwrap();
    insta::glob!("corpus/*.seg", |path| {
        let file = project
            .seg_files
            .iter()
            .find(|(id, _)| Path::new(&project.sources.get(*id).path) == path)
            .map(|(id, _)| *id)
            .unwrap();
        let of_file = ir::Program {
            segments: program
                .segments
                .iter()
                .filter(|s| s.span.file == file)
                .cloned()
                .collect(),
            settings: program.settings.clone(),
        };
        insta::assert_snapshot!(ir::pretty(&of_file));
    });
}

#[test]
fn ir_round_trips_through_json() {
    let checked = check(&Project::load(&corpus()).unwrap());
    let program = checked.program.unwrap();
    let json = serde_json::to_string(&program).unwrap();
    let back: ir::Program = serde_json::from_str(&json).unwrap();
    assert_eq!(back, program);
}

#[test]
fn ast_round_trips_through_json() {
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "seg") {
            let ast = parse(0, &std::fs::read_to_string(&path).unwrap())
                .file
                .unwrap();
            let back: segc::syntax::ast::File =
                serde_json::from_str(&serde_json::to_string(&ast).unwrap()).unwrap();
            assert_eq!(back, ast, "{}", path.display());
        }
    }
}

#[test]
fn tokens_cover_the_text() {
    // Every byte that is not whitespace belongs to exactly one token.
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "seg") {
            let text = std::fs::read_to_string(&path).unwrap();
            let (tokens, errors) = segc::tokens(0, &text);
            assert!(errors.is_empty());
            let mut covered = vec![false; text.len()];
            for t in &tokens {
                for c in &mut covered[t.span.range()] {
                    assert!(!*c, "overlapping tokens in {}", path.display());
                    *c = true;
                }
            }
            for (i, b) in text.bytes().enumerate() {
                assert!(
                    covered[i] || b.is_ascii_whitespace(),
                    "byte {i} of {} is in no token",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn corpus_compiles_to_bytecode() {
    let project = Project::load(&corpus()).unwrap();
    let checked = check(&project);
    let (program, schema) = (checked.program.unwrap(), checked.schema.unwrap());
    for (file, stem) in &project.seg_files {
        let listing: Vec<String> = program
            .segments
            .iter()
            .filter(|s| s.span.file == *file)
            .map(|s| {
                let code = segc::backend::vm::compile(&program, &schema, s);
                code.verify().unwrap();
                // The bytes load back to the same program.
                let loaded = segc::backend::vm::Program::from_bytes(&code.to_bytes()).unwrap();
                assert_eq!(loaded, code);
                format!("== {}\n{}", s.name, code.disassemble())
            })
            .collect();
        insta::assert_snapshot!(format!("{stem}.bytecode"), listing.join("\n"));
    }
}
