//! SARIF 2.1.0, for CI systems that show findings inline.

use super::finding::{Report, Severity};
use super::rules::ALL;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Note => "note",
        Severity::Warning => "warning",
        Severity::Problem => "error",
    }
}

/// A file as a SARIF artifact URI: `file://` and an absolute path.
fn uri(path: &std::path::Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = absolute.display().to_string();
    let mut out = String::from("file://");
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn sarif(report: &Report) -> Value {
    let rules: Vec<Value> = ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.name },
                "fullDescription": { "text": r.why },
                "help": { "text": r.why },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut region = json!({});
            if let Some(line) = f.line {
                region = json!({ "startLine": line });
            }
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(&f.file) },
                }
            });
            if f.line.is_some() {
                location["physicalLocation"]["region"] = region;
            }
            let text = &f.message;
            json!({
                "ruleId": f.code,
                "ruleIndex": ALL.iter().position(|r| r.code == f.code).unwrap_or(0),
                "level": level(f.severity),
                "message": { "text": format!("{text}. Why: {}. Fix: {}.", f.why, f.fix) },
                "locations": [location],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "mqauth",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    })
}
