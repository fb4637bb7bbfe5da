//! Pitfall 2, shared PSKs: the `psk check` engine on every psk_file the listeners read, keys
//! compared across all of them (and across every configuration audited at once).

use super::AuditRun;
use crate::audit::finding::{Finding, Severity};
use crate::audit::rules;

pub(super) fn check(ctx: &mut AuditRun<'_>, checker: &mut crate::psk::Checker) {
    let config = ctx.config;
    for l in &config.listeners {
        let Some(d) = config.security(l, "psk_file") else {
            continue;
        };
        if !l.has_psk_hint() || !ctx.first_time(&d.path(), "psk") {
            continue;
        }
        if ctx
            .read_named(d, l, "psk_file", crate::input::Kind::PskFile)
            .is_none()
        {
            continue;
        }
        let report = checker.check_file(&d.path());
        let found: Vec<Finding> = report
            .findings
            .iter()
            .filter(|f| f.code != "unreadable")
            .map(|f| {
                let (rule, severity, fix) = match f.code {
                    "shared-key" => (
                        &rules::SHARED_PSK,
                        Severity::Problem,
                        "give every device its own key: `mqauth psk rotate --file FILE ID`",
                    ),
                    "short-key" => (
                        &rules::SHORT_PSK,
                        Severity::Problem,
                        "use 16 bytes or more: `mqauth psk rotate --bytes 32`",
                    ),
                    "weak-key" | "patterned-key" => (
                        &rules::WEAK_PSK,
                        Severity::Warning,
                        "draw keys from a CSPRNG: `mqauth psk rotate`",
                    ),
                    // The broker's group may read it on purpose (`--group`): a note, not a leak.
                    "permissions" if f.message.contains("the group") => (
                        &rules::PSK_FILE_READABLE,
                        Severity::Note,
                        "keep the mode if the broker reads the file through its group (as `--group` sets it up; chmod 600 would lock the broker out); make sure the group holds only the broker's user",
                    ),
                    "permissions" => (
                        &rules::PSK_FILE_READABLE,
                        Severity::Problem,
                        "chmod 600 (or 640 for the broker's group only)",
                    ),
                    _ => (
                        &rules::PSK_FILE_LINES,
                        Severity::Warning,
                        "fix the line: identity:hexkey",
                    ),
                };
                // The checker's own advice (chmod 600) is for a file nobody else should read;
                // for a file shared with the broker's group the finding states the fact only.
                let message = if f.code == "permissions" && f.message.contains("the group") {
                    f.message.replace("; chmod 600", "")
                } else {
                    f.message.clone()
                };
                Finding::new(rule, severity, (d.path(), f.line), message, fix)
                    .on(Some(l.label()))
            })
            .collect();
        ctx.findings.extend(found);
    }
}
