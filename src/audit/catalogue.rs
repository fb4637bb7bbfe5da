//! `docs/audit-checks.md`, rendered from the code: every check (its code, name, severity, why,
//! fix and the Mosquitto behaviour behind it) and every Mosquitto option with its scope, so the
//! document cannot drift from what `mqauth audit` does. A unit test fails when the committed
//! file is stale; `MQAUTH_BLESS=1 cargo test --lib audit::catalogue` rewrites it.

use super::config::{self, Opens, Scope, Value};
use super::finding::Severity;
use super::rules::ALL;
use std::fmt::Write as _;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Note => "note",
        Severity::Warning => "warning",
        Severity::Problem => "problem",
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The whole document.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("# `mqauth audit` checks\n\n");
    out.push_str(
        "<!-- Generated from src/audit/rules.rs and src/audit/config/options.rs by \
         src/audit/catalogue.rs; do not edit. Regenerate: \
         MQAUTH_BLESS=1 cargo test --lib audit::catalogue -->\n\n",
    );
    let _ = writeln!(
        out,
        "Every check `mqauth audit` makes, against Mosquitto 2.0.11's behaviour. Severity is the \
         most severe a finding of the check is; a finding may be less severe where the message \
         says why. The configuration is read as described in [audit-reading.md](audit-reading.md); \
         at most {} files and {} MiB of configuration are read (MQA002 when reached).\n",
        config::MAX_FILES,
        config::MAX_BYTES / (1024 * 1024)
    );
    out.push_str("| Code | Name | Severity |\n|---|---|---|\n");
    for r in ALL {
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} |",
            r.code,
            r.code.to_lowercase(),
            r.name,
            severity(r.severity)
        );
    }
    for r in ALL {
        let _ = write!(
            out,
            "\n## {}\n\n**{}**, {}.\n\n- Why: {}.\n- Fix: {}.\n- Mosquitto: {}.\n",
            r.code,
            r.name,
            severity(r.severity),
            r.why,
            r.fix,
            r.behaviour
        );
    }
    out.push_str(
        "\n## Mosquitto 2.0.11 options as the audit reads them\n\n\
         Scope: *security* options land in the current listener with `per_listener_settings \
         true` at the time they are read, in the broker's otherwise; *listener* options in the \
         current `listener` block, or the default listener before the first one; *default \
         listener* options there wherever written. \"Opens default\" says whether writing it \
         before the first `listener` makes Mosquitto open the default listener (port 1883 on \
         every interface unless `port`/`bind_address` say otherwise). Any other option name is \
         refused (MQA001).\n\n\
         | Option | Scope | Value | Opens default |\n|---|---|---|---|\n",
    );
    for o in config::OPTIONS {
        let scope = match o.scope {
            Scope::Global => "broker",
            Scope::Listener => "listener",
            Scope::Security => "security",
            Scope::DefaultListener => "default listener",
            Scope::Bridge => "bridge (after `connection`)",
        };
        let value = match o.value {
            Value::Bool => "true/false/1/0",
            Value::Int => "number",
            Value::Text => "text, once",
            Value::TextRepeatable => "text",
            Value::Word => "word",
            Value::Special => "special",
        };
        let opens = match o.opens_default {
            Opens::Never => "no".to_string(),
            Opens::Always => "yes".to_string(),
            Opens::IfTrue => "if true".to_string(),
            Opens::UnlessDefault(d) => format!("unless {d}"),
            Opens::IfNotNegative => "unless negative".to_string(),
            Opens::IfPerListener => "with per_listener_settings true".to_string(),
        };
        let _ = writeln!(
            out,
            "| `{}` | {scope} | {value} | {} |",
            cell(o.name),
            opens
        );
    }
    out.push_str("| `plugin_opt_*`, `auth_opt_*` | the last plugin's | text | no |\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn docs_audit_checks_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/audit-checks.md");
        let fresh = super::markdown();
        if std::env::var_os("MQAUTH_BLESS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "docs/audit-checks.md is out of date; run `MQAUTH_BLESS=1 cargo test --lib audit::catalogue`"
        );
    }

    #[test]
    fn every_rule_documents_its_fix_and_behaviour() {
        for r in super::ALL {
            assert!(!r.fix.is_empty() && !r.behaviour.is_empty(), "{}", r.code);
        }
    }
}
