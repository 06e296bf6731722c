//! SARIF 2.1.0, the format code-scanning tools read (GitHub code scanning
//! among them): one run of `segc`, its rules, and one result per
//! diagnostic, with its fix as `fixes` when it has one.

use serde_json::{json, Value};

use super::lines::Positions;
use super::{Code, Diagnostic, Severity};
use crate::span::SourceMap;

pub fn to_sarif(diagnostics: &[Diagnostic], sources: &SourceMap) -> Value {
    let positions = Positions::new(sources);
    let mut codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    let rules: Vec<Value> = codes
        .iter()
        .map(|code| {
            let mut rule = json!({
                "id": code.as_str(),
                "shortDescription": { "text": code.summary() },
                "defaultConfiguration": { "level": level(code.severity()) },
            });
            if let Some(r) = crate::lint::rule(code.as_str()) {
                rule["name"] = json!(r.name);
                rule["help"] = json!({ "text": r.doc(), "markdown": r.doc() });
            }
            rule
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let locations: Vec<Value> = d
                .span()
                .map(|span| {
                    let (start_line, start_col) = positions.line_col(span.file, span.start);
                    let (end_line, end_col) = positions.line_col(span.file, span.end);
                    json!({
                        "physicalLocation": {
                            "artifactLocation": { "uri": sources.get(span.file).path },
                            "region": {
                                "startLine": start_line,
                                "startColumn": start_col,
                                "endLine": end_line,
                                "endColumn": end_col,
                            }
                        }
                    })
                })
                .into_iter()
                .collect();
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": codes.binary_search(&d.code).expect("collected above"),
                "level": level(d.severity),
                "message": { "text": d.message_with_help() },
                "locations": locations,
            });
            if let Some(fix) = &d.fix {
                result["fixes"] = json!([fix.to_sarif(sources)]);
            }
            result
        })
        .collect();
    json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": { "driver": {
                "name": "segc",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}
