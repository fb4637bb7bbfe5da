//! Pitfall 4, the broker's identity: what devices verify (serverAuth, SANs, the names they
//! dial, the chain they can build) and the key behind it.

use super::{AuditRun, certificates};
use crate::audit::config::Listener;
use crate::audit::finding::Severity;
use crate::audit::rules;
use crate::input::Kind;
use crate::inspect::{CertFacts, PeerName};
use std::os::unix::fs::PermissionsExt;

pub(super) fn check(ctx: &mut AuditRun<'_>) {
    let config = ctx.config;
    for l in &config.listeners {
        let Some(d) = l.get("certfile") else { continue };
        if !ctx.first_time(&d.path(), "identity") {
            continue;
        }
        let Some(bytes) = ctx.read_named(d, l, "certfile", Kind::Certificates) else {
            key(ctx, l, None);
            continue;
        };
        let chain = certificates(&d.path(), &bytes);
        let Some(leaf) = chain.first() else {
            key(ctx, l, None);
            ctx.report(
                &rules::MISSING_FILE,
                Severity::Problem,
                &d.at,
                Some(l),
                format!("certfile {} holds no certificate", d.value),
                "point certfile at the broker's certificate (PEM)",
            );
            continue;
        };
        if !leaf.eku.is_empty()
            && !leaf
                .eku
                .iter()
                .any(|e| e == "serverAuth" || e == "anyExtendedKeyUsage")
        {
            ctx.report(
                &rules::NO_SERVER_AUTH,
                Severity::Problem,
                &d.at,
                Some(l),
                format!("{} allows only {}", leaf.name(), leaf.eku.join(", ")),
                "issue a broker certificate (`mqauth pki broker NAME --dns …`)",
            );
        }
        if leaf.sans.is_empty() {
            ctx.report(
                &rules::NO_SANS,
                Severity::Warning,
                &d.at,
                Some(l),
                format!(
                    "{} has no subject alternative names: OpenSSL-based clients (mosquitto_pub, Python's ssl) still accept its CN, clients that follow RFC 6125 (Go, browsers, rustls) refuse it",
                    leaf.name()
                ),
                "re-issue it with --dns/--ip for every name devices dial",
            );
        } else {
            names(ctx, l, leaf, &d.at);
        }
        intermediate(ctx, l, &chain, &d.at);
        key(ctx, l, Some(leaf));
    }
}

/// The listener's bind address and the `--host` names must be in the certificate.
fn names(ctx: &mut AuditRun<'_>, l: &Listener, leaf: &CertFacts, at: &crate::audit::config::Place) {
    let bind = l
        .bind
        .as_deref()
        .and_then(|b| b.parse::<std::net::IpAddr>().ok())
        .filter(|ip| !ip.is_unspecified() && !ip.is_loopback())
        .map(|ip| {
            (
                PeerName::Ip(ip),
                Severity::Warning,
                "the listener's bind address",
            )
        });
    let stated = ctx
        .opts
        .hosts
        .iter()
        .cloned()
        .map(|h| (h, Severity::Problem, "a name devices dial (--host)"));
    for (name, severity, what) in bind.into_iter().chain(stated).collect::<Vec<_>>() {
        if !name.covers(leaf) {
            let shown = match &name {
                PeerName::Host(h) => h.clone(),
                PeerName::Ip(ip) => ip.to_string(),
            };
            ctx.report(
                &rules::SANS_MISS_NAME,
                severity,
                at,
                Some(l),
                format!(
                    "{shown}, {what}, is not among {}'s names ({})",
                    leaf.name(),
                    leaf.sans.join(", ")
                ),
                format!("re-issue the certificate with {shown} in its SANs"),
            );
        }
    }
}

/// A leaf issued by an intermediate, sent without it.
fn intermediate(
    ctx: &mut AuditRun<'_>,
    l: &Listener,
    chain: &[CertFacts],
    at: &crate::audit::config::Place,
) {
    let [leaf] = chain else { return };
    if leaf.subject == leaf.issuer {
        return;
    }
    // The issuer, where the broker keeps its CAs: is it a root or an intermediate?
    let issuer = l
        .get("cafile")
        .and_then(|d| {
            let bytes = crate::input::read(&d.path(), Kind::Certificates).ok()?;
            Some(certificates(&d.path(), &bytes))
        })
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.subject == leaf.issuer);
    if let Some(issuer) = issuer
        && issuer.subject != issuer.issuer
    {
        ctx.report(
            &rules::NO_INTERMEDIATE,
            Severity::Warning,
            at,
            Some(l),
            format!(
                "certfile holds {} alone; its issuer {} is an intermediate that devices do not hold",
                leaf.name(),
                issuer.name()
            ),
            "point certfile at the full chain (mqauth: issued/NAME.fullchain.pem)",
        );
    }
}

/// The keyfile: readable, private, and the certificate's (`leaf`, when it could be read).
fn key(ctx: &mut AuditRun<'_>, l: &Listener, leaf: Option<&CertFacts>) {
    let Some(d) = l.get("keyfile") else { return };
    let Some(bytes) = ctx.read_named(d, l, "keyfile", Kind::PrivateKey) else {
        return;
    };
    let bytes = zeroize::Zeroizing::new(bytes);
    if let Ok(meta) = std::fs::metadata(d.path()) {
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o004 != 0 {
            ctx.report(
                &rules::KEY_READABLE,
                Severity::Problem,
                &d.at,
                Some(l),
                format!(
                    "keyfile {} is readable by everyone (mode {mode:04o})",
                    d.value
                ),
                format!(
                    "chmod 600 {} (640 with the broker's group: `--group mosquitto`)",
                    d.value
                ),
            );
        }
    }
    let Some(leaf) = leaf else { return };
    let text = String::from_utf8_lossy(&bytes);
    if let Ok(public) = crate::pki::public_key_of_pem(&text, &d.path())
        && public != leaf.public_key
    {
        ctx.report(
            &rules::KEY_MISMATCH,
            Severity::Problem,
            &d.at,
            Some(l),
            format!("keyfile {} is not the key of {}", d.value, leaf.name()),
            "point keyfile at the certificate's own key",
        );
    }
}
