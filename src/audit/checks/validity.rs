//! Pitfall 3, time and validity, at `--at`: the broker's certificate, the CAs, the CRL, and a
//! CRL the broker does not read although revocations exist.

use super::{AuditRun, certificates, validity};
use crate::audit::config::Listener;
use crate::audit::finding::Severity;
use crate::audit::rules;
use crate::input::Kind;

pub(super) fn check(ctx: &mut AuditRun<'_>) {
    let config = ctx.config;
    for l in &config.listeners {
        if let Some(d) = l.get("certfile")
            && ctx.first_time(&d.path(), "validity")
            && let Some(bytes) = ctx.read_named(d, l, "certfile", Kind::Certificates)
            && let Some(leaf) = certificates(&d.path(), &bytes).into_iter().next()
            && let Some((severity, when)) = validity(leaf.not_before, leaf.not_after, ctx.opts)
        {
            ctx.report(
                &rules::BROKER_CERT_VALIDITY,
                severity,
                &d.at,
                Some(l),
                format!("the broker certificate {} {when}", leaf.name()),
                "issue a new one (`mqauth pki renew NAME` keeps the key) and reload the broker",
            );
        }
        ca_files(ctx, l);
        if let Some(d) = l.get("crlfile")
            && ctx.first_time(&d.path(), "crl")
            && ctx
                .read_named(d, l, "crlfile", Kind::Certificates)
                .is_some()
        {
            match crate::inspect::CrlSet::load(&[d.path()]) {
                Ok(set) => {
                    for crl in set.crls() {
                        crl_due(ctx, l, &d.at, crl);
                    }
                }
                Err(e) => ctx.report(
                    &rules::CRL_VALIDITY,
                    Severity::Problem,
                    &d.at,
                    Some(l),
                    e.to_string(),
                    "publish a CRL Mosquitto can read (`mqauth pki crl`)",
                ),
            }
        }
        if l.is_set("require_certificate") && l.get("crlfile").is_none() {
            unread_revocations(ctx, l);
        }
    }
}

/// A CRL whose nextUpdate has passed, or is near: within a quarter of its own lifetime (a CRL
/// lives days, not months) and the warning window.
fn crl_due(
    ctx: &mut AuditRun<'_>,
    l: &Listener,
    at: &crate::audit::config::Place,
    crl: &crate::inspect::LoadedCrl,
) {
    let Some(next) = crl.next_update else { return };
    let window = ctx.opts.warn.min((next - crl.this_update) / 4);
    let (severity, when) = if ctx.opts.at > next {
        (Severity::Problem, format!("passed on {}", next.date()))
    } else if next - ctx.opts.at < window {
        (
            Severity::Warning,
            format!(
                "is on {}, {} hours after {}",
                next.date(),
                (next - ctx.opts.at).whole_hours(),
                ctx.opts.at.date()
            ),
        )
    } else {
        return;
    };
    ctx.report(
        &rules::CRL_VALIDITY,
        severity,
        at,
        Some(l),
        format!("the CRL of {}: its nextUpdate {when}", crl.issuer),
        "re-sign it (`mqauth pki crl`, or `mqauth fleet apply`) and reload the broker; re-sign it daily from cron",
    );
}

/// The CA certificates a listener trusts (cafile, and the files of capath).
fn ca_files(ctx: &mut AuditRun<'_>, l: &Listener) {
    let mut files = Vec::new();
    if let Some(d) = l.get("cafile") {
        files.push((d.clone(), d.path()));
    }
    if let Some(d) = l.get("capath")
        && let Ok(entries) = std::fs::read_dir(d.path())
    {
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        files.extend(paths.into_iter().map(|p| (d.clone(), p)));
    }
    for (d, path) in files {
        if !ctx.first_time(&path, "ca") {
            continue;
        }
        let bytes = if path == d.path() {
            ctx.read_named(&d, l, "cafile", Kind::Certificates)
        } else {
            crate::input::read(&path, Kind::Certificates).ok()
        };
        for ca in certificates(&path, &bytes.unwrap_or_default()) {
            if let Some((severity, when)) = validity(ca.not_before, ca.not_after, ctx.opts) {
                ctx.report(
                    &rules::CA_VALIDITY,
                    severity,
                    &d.at,
                    Some(l),
                    format!("CA certificate {} in {} {when}", ca.name(), path.display()),
                    "plan the CA's successor: issue devices under a new CA and trust both during the change",
                );
            }
        }
    }
}

/// An mqauth PKI next to the cafile that has revoked certificates, while the broker reads no
/// CRL: those devices still connect.
fn unread_revocations(ctx: &mut AuditRun<'_>, l: &Listener) {
    let Some(d) = l.get("cafile") else { return };
    let Some(dir) = d.path().parent().map(std::path::Path::to_path_buf) else {
        return;
    };
    let layout = crate::pki::Layout::new(&dir);
    if !layout.db().exists() && !layout.legacy_index().exists() {
        return;
    }
    let Ok(snapshot) = crate::pki::snapshot(&dir) else {
        return;
    };
    let revoked = snapshot
        .certificates
        .iter()
        .filter(|e| e.status == crate::pki::Status::Revoked && e.not_after > ctx.opts.at)
        .count();
    if revoked > 0 {
        ctx.report(
            &rules::CRL_MISSING,
            Severity::Problem,
            &l.at,
            Some(l),
            format!(
                "{} reads no crlfile, and the PKI in {} has {revoked} revoked certificate{} that are not expired",
                l.label(),
                dir.display(),
                if revoked == 1 { "" } else { "s" }
            ),
            format!("crlfile {}", layout.crl().display()),
        );
    }
}
