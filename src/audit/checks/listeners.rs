//! Listeners themselves: plain TCP where it is reachable, anonymous access, old TLS, TLS that
//! authenticates only the broker, and the scaling notes.

use super::AuditRun;
use crate::audit::config::{Directive, Listener, Origin};
use crate::audit::finding::Severity;
use crate::audit::rules;

/// Why a listener nobody wrote exists.
fn opened_by(l: &Listener) -> String {
    match l.origin {
        Origin::Block => String::new(),
        Origin::Default => format!(
            " (Mosquitto opens this default listener because of line {}: `port`, `bind_address` or a listener option before the first `listener`)",
            l.at.line
        ),
        Origin::LocalOnly => " (no listener is configured: Mosquitto's local-only mode)".into(),
    }
}

/// Clients without a username are let in on `l`. Where TLS already demands a certificate or
/// PSK, that is not "anyone": it is every holder of one, under a name of its choosing, which
/// the authorization checks report; elsewhere it is anyone.
fn anonymous(ctx: &mut AuditRun<'_>, l: &Listener, anon: &Directive) {
    let implicit = anon.at == l.at;
    let source = if implicit {
        format!("Mosquitto's default for this listener{}", opened_by(l))
    } else {
        "allow_anonymous true".to_string()
    };
    if l.identity_is_username() {
        return;
    }
    // Where TLS demands a certificate or PSK, the authorization checks say what an unused
    // identity means (MQA105 or MQA605).
    if l.tls_authenticates() {
        return;
    }
    ctx.report(
        &rules::ANONYMOUS,
        Severity::Problem,
        &anon.at,
        Some(l),
        format!(
            "{source}: clients connect to {} without any credential",
            l.label()
        ),
        "give every device a credential first (a password_file, or certificates with require_certificate true and use_identity_as_username true), then set allow_anonymous false",
    );
}

pub(super) fn check(ctx: &mut AuditRun<'_>) {
    let config = ctx.config;
    for l in &config.listeners {
        if !l.is_tls() && !l.is_loopback() {
            ctx.report(
                &rules::PLAIN_TCP,
                Severity::Problem,
                &l.at,
                Some(l),
                format!(
                    "{} is plain TCP on {}{}",
                    l.label(),
                    l.bind.as_deref().unwrap_or("every interface"),
                    opened_by(l)
                ),
                "give it certfile/keyfile (or psk_hint and psk_file), or bind it to 127.0.0.1",
            );
        }
        // Without per_listener_settings the psk_file is the broker's: it is unused only when
        // no listener has a psk_hint.
        let psk_unused = !l.has_psk_hint()
            && (config.per_listener_settings || !config.listeners.iter().any(|o| o.has_psk_hint()));
        if let Some(psk_file) = config.security(l, "psk_file").filter(|_| psk_unused)
            && ctx.once(&psk_file.at, rules::PSK_WITHOUT_HINT.code, l)
        {
            ctx.report(
                &rules::PSK_WITHOUT_HINT,
                Severity::Problem,
                &psk_file.at,
                Some(l),
                format!(
                    "{} has psk_file but no psk_hint: it does not do TLS-PSK",
                    l.label()
                ),
                "add `psk_hint NAME` to the listener",
            );
        }
        if let Some(anon) = config.anonymous(l) {
            anonymous(ctx, l, anon);
        }
        if l.is_tls() {
            match l.get("tls_version") {
                Some(v) if matches!(v.value.as_str(), "tlsv1" | "tlsv1.1") => ctx.report(
                    &rules::OLD_TLS,
                    Severity::Problem,
                    &v.at,
                    Some(l),
                    format!("tls_version {} allows TLS older than 1.2", v.value),
                    "tls_version tlsv1.2",
                ),
                Some(_) => {}
                None => ctx.report(
                    &rules::OLD_TLS,
                    Severity::Note,
                    &l.at,
                    Some(l),
                    format!(
                        "{} sets no tls_version: Mosquitto 2.0 then accepts TLS 1.1 where OpenSSL's security level allows it",
                        l.label()
                    ),
                    "tls_version tlsv1.2",
                ),
            }
            ctx.report(
                &rules::NO_SESSION_RESUMPTION,
                Severity::Note,
                &l.at,
                Some(l),
                format!(
                    "{}: Mosquitto 2.0 cannot configure TLS session resumption (no session cache or ticket options)",
                    l.label()
                ),
                "size the broker's CPU for full handshakes after an outage, or put a TLS terminator that resumes sessions in front",
            );
        }
        if l.has_certificate()
            && !l.tls_authenticates()
            && !l.has_psk_hint()
            && config.security(l, "password_file").is_none()
            && !config.has_plugin(l)
        {
            ctx.report(
                &rules::CLIENTS_UNAUTHENTICATED,
                Severity::Problem,
                &l.at,
                Some(l),
                format!(
                    "{} has TLS but neither require_certificate nor a password_file nor PSK",
                    l.label()
                ),
                "require_certificate true with use_identity_as_username true, or a password_file",
            );
        }
        if l.get("max_connections").is_none() {
            ctx.report(
                &rules::NO_MAX_CONNECTIONS,
                Severity::Note,
                &l.at,
                Some(l),
                format!("{} has no max_connections", l.label()),
                "max_connections N, sized to the fleet plus headroom",
            );
        }
    }
}
