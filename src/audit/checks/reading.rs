//! What reading the configuration found before any check: lines Mosquitto refuses (the broker
//! will not start) and bounds the audit reached (what follows was not audited).

use super::AuditRun;
use crate::audit::finding::Severity;
use crate::audit::rules;

/// Refusals reported, most: Mosquitto stops at the first; a few more help fix them at once.
const MAX_REFUSALS: usize = 20;

pub(super) fn check(ctx: &mut AuditRun<'_>) {
    let config = ctx.config;
    for r in config.refusals.iter().take(MAX_REFUSALS) {
        ctx.report(
            &rules::WILL_NOT_START,
            Severity::Problem,
            &r.at,
            None,
            format!("{}: the broker will not start", r.why),
            "correct this line; Mosquitto 2.0 names it too (\"Error found at FILE:LINE\")",
        );
    }
    for r in &config.limits {
        ctx.report(
            &rules::AUDIT_BOUND,
            Severity::Problem,
            &r.at,
            None,
            format!("{}: the audit is incomplete", r.why),
            "keep the broker's configuration to a few files in one include_dir",
        );
    }
}
