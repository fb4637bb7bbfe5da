//! What `mqauth audit` reports: one finding per mistake, with where it is, why it matters and
//! the fix.

use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the deployment works as intended.
    Note,
    /// Likely to break, or weaker than it should be.
    Warning,
    /// Exploitable or broken now.
    Problem,
}

impl crate::choice::Choice for Severity {
    const ALL: &'static [Self] = &[Severity::Note, Severity::Warning, Severity::Problem];
    fn id(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Problem => "problem",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Severity::Note => "everything",
            Severity::Warning => "warnings and problems",
            Severity::Problem => "problems only",
        }
    }
}

/// One check: a stable code, the pitfall it belongs to, and the principle it enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    /// Why it matters, in one sentence: the principle.
    pub why: &'static str,
    /// The most severe a finding of this check is.
    pub severity: Severity,
    /// The fix in general (each finding says its own, for its file and listener).
    pub fix: &'static str,
    /// What Mosquitto 2.0.11 does that the check relies on (its source, or a measurement).
    pub behaviour: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub file: PathBuf,
    /// 1-based; absent for findings about a whole file.
    pub line: Option<usize>,
    /// The listener concerned (`listener 8883 127.0.0.1`), when there is one.
    pub listener: Option<String>,
    pub message: String,
    pub why: &'static str,
    pub fix: String,
}

impl Finding {
    pub fn new(
        rule: &Rule,
        severity: Severity,
        (file, line): (PathBuf, Option<usize>),
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding {
            code: rule.code,
            name: rule.name,
            severity,
            file,
            line,
            listener: None,
            message: message.into(),
            why: rule.why,
            fix: fix.into(),
        }
    }

    pub fn on(mut self, listener: Option<String>) -> Finding {
        self.listener = listener;
        self
    }
}

/// Everything an audit found, in the order of the configuration.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// The configuration files read (includes expanded).
    pub files: Vec<PathBuf>,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}
