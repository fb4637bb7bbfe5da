//! `mqauth audit`: the field guide's pitfalls, found in a Mosquitto deployment that already
//! exists — its configuration read as Mosquitto 2.x reads it, and every file it names.

mod acl;
mod catalogue;
mod checks;
mod config;
mod error;
mod finding;
#[cfg(test)]
mod regressions;
mod rules;
mod sarif;

pub use catalogue::markdown as catalogue;
pub use checks::Options;
pub use error::AuditError;
pub use finding::{Finding, Report, Rule, Severity};
pub use rules::ALL as RULES;
pub use sarif::sarif;

/// The parsers `mqauth audit` applies to configuration and ACL text, for the fuzzer.
pub fn parse_for_fuzzing(text: &str) {
    let path = std::path::Path::new("fuzz-input.conf");
    let _ = config::parse_text(text, path);
    let _ = acl::parse(path, text);
}

use std::path::PathBuf;

/// Audits the Mosquitto configurations at `paths` (PSK keys are compared across all of them).
pub fn audit(paths: &[PathBuf], opts: &Options) -> Result<Report, AuditError> {
    let configs = paths
        .iter()
        .map(|p| config::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut findings = checks::run(&configs, opts);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.code.cmp(b.code))
    });
    Ok(Report {
        files: configs.into_iter().flat_map(|c| c.files).collect(),
        findings,
    })
}
