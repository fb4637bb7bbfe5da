//! The checks, one file per pitfall of the field guide, sharing what was read once.

mod authorization;
mod broker_identity;
mod devices;
mod listeners;
mod psk_keys;
mod reading;
mod validity;

use super::config::{Config, Directive, Listener, Place};
use super::finding::{Finding, Rule, Severity};
use crate::inspect::{CertFacts, PeerName};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// What the audit is asked to assume.
#[derive(Debug, Clone)]
pub struct Options {
    /// The moment every validity check is made at (`--at`).
    pub at: OffsetDateTime,
    /// Certificates and CRLs that expire sooner than this are warned about.
    pub warn: time::Duration,
    /// Names devices dial (`--host`): the broker certificates must hold them.
    pub hosts: Vec<PeerName>,
}

/// One audit in progress: what every check reads and writes its findings to.
pub(super) struct AuditRun<'a> {
    pub config: &'a Config,
    pub opts: &'a Options,
    pub findings: Vec<Finding>,
    /// Files already checked, so that a file several listeners name is reported once.
    seen: HashSet<(PathBuf, &'static str)>,
    /// Findings already made at a place, so that a rule several listeners share is reported
    /// once.
    reported: HashSet<(Place, &'static str, String)>,
}

impl AuditRun<'_> {
    fn add(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Reports `rule` at `place` for `listener`.
    fn report(
        &mut self,
        rule: &Rule,
        severity: Severity,
        place: &Place,
        listener: Option<&Listener>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.add(
            Finding::new(
                rule,
                severity,
                (place.file.clone(), Some(place.line)),
                message,
                fix,
            )
            .on(listener.map(Listener::label)),
        );
    }

    /// Whether `code` is still to be reported at `place` for `listener` (and marks it).
    fn once(&mut self, place: &Place, code: &'static str, listener: &Listener) -> bool {
        self.reported
            .insert((place.clone(), code, listener.label()))
    }

    /// Whether `path` still needs checking by `what` (and marks it checked).
    fn first_time(&mut self, path: &Path, what: &'static str) -> bool {
        self.seen.insert((path.to_path_buf(), what))
    }

    /// A file the configuration names: reports it when it cannot be read.
    fn read_named(
        &mut self,
        directive: &Directive,
        listener: &Listener,
        key: &str,
        kind: crate::input::Kind,
    ) -> Option<Vec<u8>> {
        match crate::input::read(&directive.path(), kind) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                if self.first_time(&directive.path(), "missing") {
                    self.report(
                        &super::rules::MISSING_FILE,
                        Severity::Problem,
                        &directive.at,
                        Some(listener),
                        format!(
                            "{key} {}: {}; the broker will not start",
                            directive.value,
                            e.reason()
                        ),
                        format!("create {} or correct the path", directive.value),
                    );
                }
                None
            }
        }
    }
}

/// The certificates in a PEM or DER file, with their facts, read as `inspect` reads them.
pub(super) fn certificates(path: &Path, bytes: &[u8]) -> Vec<CertFacts> {
    let input = crate::inspect::Input {
        path: path.to_path_buf(),
        named: true,
    };
    match crate::inspect::decode(&input, bytes, CertFacts::read) {
        crate::inspect::Contents::Certificates(certs) => certs,
        _ => Vec::new(),
    }
}

/// "expired on …", "expires in N days" or `None` when it is valid past the warning window.
pub(super) fn validity(
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    opts: &Options,
) -> Option<(Severity, String)> {
    let date = |t: OffsetDateTime| t.date().to_string();
    if opts.at > not_after {
        Some((Severity::Problem, format!("expired on {}", date(not_after))))
    } else if opts.at < not_before {
        Some((
            Severity::Problem,
            format!("not valid before {}", date(not_before)),
        ))
    } else if not_after - opts.at < opts.warn {
        Some((
            Severity::Warning,
            format!(
                "expires on {} ({} days after {})",
                date(not_after),
                (not_after - opts.at).whole_days(),
                date(opts.at)
            ),
        ))
    } else {
        None
    }
}

/// Runs every check on `configs`; PSK files are compared across all of them.
pub fn run(configs: &[Config], opts: &Options) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut psk = crate::psk::Checker::new();
    for config in configs {
        let mut ctx = AuditRun {
            config,
            opts,
            findings: Vec::new(),
            seen: HashSet::new(),
            reported: HashSet::new(),
        };
        reading::check(&mut ctx);
        listeners::check(&mut ctx);
        authorization::check(&mut ctx);
        validity::check(&mut ctx);
        broker_identity::check(&mut ctx);
        psk_keys::check(&mut ctx, &mut psk);
        findings.extend(ctx.findings);
    }
    findings
}
