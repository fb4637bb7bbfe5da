//! `mqauth verify`: chains checked the way `openssl verify` checks them, for CI.

use super::args::choice;
use super::output::{count, print_json, print_line};
use super::{CliError, ExitStatus, Ui, escape};
use clap::Args;
use mqauth::inspect::{self, CrlSet, PeerName, PkiTrust, Purpose, Verdict, VerifyOptions};
use serde::Serialize;
use std::path::PathBuf;
use time::OffsetDateTime;

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("trust").required(true).args(["ca", "pki"]).multiple(true))]
#[command(
    after_help = "Exit codes: 0 every certificate verified, 4 otherwise, 1 when none \
    could be read.\n\n\
    Examples:\n  \
    mqauth verify --pki pki --purpose client pki/issued/*.crt\n  \
    mqauth verify --ca ca.crt --untrusted intermediate.crt --crl crl.pem device.crt\n  \
    mqauth verify --pki pki --at 2028-01-01 pki/issued/broker1.crt   # still valid then?\n  \
    mqauth verify --pki pki --purpose server --host mqtt.example.com pki/issued/broker1.crt\n  \
    mqauth verify --strict --ca ca.crt --untrusted chain.pem vendor-device.crt"
)]
pub struct VerifyArgs {
    /// Certificates to verify (the first certificate of each file, as openssl does)
    #[arg(required = true)]
    certs: Vec<PathBuf>,
    /// Trusted root certificate(s)
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
    /// Take the trust anchor, intermediate and CRLs from this PKI directory (ca.crt,
    /// intermediate.crt, crl.pem, ca.crl.pem)
    #[arg(long, value_name = "DIR")]
    pki: Option<PathBuf>,
    /// Intermediate certificates that may complete the chain (repeatable)
    #[arg(long, value_name = "FILE")]
    untrusted: Vec<PathBuf>,
    /// Check the extended key usage for this purpose
    #[arg(long, value_parser = choice::<Purpose>())]
    purpose: Option<Purpose>,
    /// Check revocation with this CRL (repeatable); the certificate's issuer must have one
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
    /// Verify at this time instead of now: a date (2028-01-01, midnight UTC) or an RFC 3339
    /// time (2028-01-01T12:00:00Z)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<OffsetDateTime>,
    /// Also apply RFC 5280's rules for conforming CAs, as `openssl verify -x509_strict`: CA
    /// basicConstraints critical, key identifiers present, no keyCertSign on a leaf, a critical
    /// SAN when the subject is empty, no explicit curve parameters, a valid serial
    #[arg(long)]
    strict: bool,
    /// Most intermediate CAs allowed between a certificate and its trust anchor, as `openssl
    /// verify -verify_depth`
    #[arg(long, value_name = "N", default_value_t = inspect::DEFAULT_MAX_DEPTH)]
    max_depth: usize,
    /// A host name TLS clients dial: the certificate must be valid for it (SAN dNSName, a
    /// left-most wildcard at most; the CN only without SANs). Repeatable
    #[arg(long, value_name = "NAME", value_parser = super::flag_hints::host_name)]
    host: Vec<PeerName>,
    /// An IP address TLS clients dial: a SAN iPAddress must equal it. Repeatable
    #[arg(long, value_name = "ADDR", value_parser = PeerName::ip)]
    ip: Vec<PeerName>,
    /// Print JSON instead of one line per certificate
    #[arg(long)]
    json: bool,
}

/// A moment as a date alone (midnight UTC) or an RFC 3339 time.
pub(super) fn parse_time(s: &str) -> Result<OffsetDateTime, String> {
    let day = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = time::Date::parse(s, &day) {
        return Ok(date.midnight().assume_utc());
    }
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|_| {
        format!("{s:?} is neither a date (2028-01-01) nor an RFC 3339 time (2028-01-01T00:00:00Z)")
    })
}

/// One verdict in `verify --json` (docs/json.md).
#[derive(Serialize)]
struct JsonVerdict<'a> {
    file: String,
    subject: &'a str,
    cn: Option<&'a str>,
    ok: bool,
    chain: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    depth: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
}

pub fn run(a: VerifyArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let mut trust = match &a.pki {
        Some(dir) => PkiTrust::of(dir)?,
        None => PkiTrust::default(),
    };
    trust.anchors.extend(a.ca.clone());
    trust.untrusted.extend(a.untrusted.iter().cloned());
    trust.crls.extend(a.crl.iter().cloned());
    let mut anchors = Vec::new();
    for path in &trust.anchors {
        anchors.extend(inspect::load_certificates(path)?);
    }
    let mut untrusted = Vec::new();
    for path in &trust.untrusted {
        untrusted.extend(inspect::load_certificates(path)?);
    }
    let opts = VerifyOptions {
        purpose: a.purpose,
        at: a.at.unwrap_or_else(OffsetDateTime::now_utc),
        crls: CrlSet::load(&trust.crls)?,
        strict: a.strict,
        max_depth: a.max_depth,
        peer_names: a.host.iter().chain(&a.ip).cloned().collect(),
    };
    let certs = inspect::certificate_files(&a.certs)
        .map_err(|(path, reason)| CliError::Unusable { path, reason })?;
    if certs.is_empty() {
        return Err(CliError::NothingFound(
            a.certs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    let verdicts: Vec<Result<Verdict, String>> =
        inspect::verify_files(&certs, &anchors, &untrusted, &opts)
            .into_iter()
            .map(|v| v.map_err(|e| e.to_string()))
            .collect();
    if let Some(Err(first)) = verdicts.first()
        && verdicts.iter().all(Result::is_err)
    {
        // The verifier's message names the file already.
        return Err(CliError::Refused(first.clone()));
    }
    let good = verdicts
        .iter()
        .filter(|v| matches!(v, Ok(v) if v.failure.is_none()))
        .count();
    if a.json {
        let rows: Vec<JsonVerdict<'_>> = verdicts
            .iter()
            .zip(&certs)
            .map(|(v, file)| match v {
                Ok(v) => JsonVerdict {
                    file: v.file.display().to_string(),
                    subject: &v.subject,
                    cn: v.cn.as_deref(),
                    ok: v.failure.is_none(),
                    chain: &v.chain,
                    depth: v.failure.as_ref().map(|f| f.depth),
                    error: v.failure.as_ref().map(|f| f.reason()),
                    code: v.failure.as_ref().map(|f| f.code()),
                },
                Err(e) => JsonVerdict {
                    file: file.display().to_string(),
                    subject: "",
                    cn: None,
                    ok: false,
                    chain: &[],
                    depth: None,
                    error: Some(e.clone()),
                    code: None,
                },
            })
            .collect();
        print_json(&rows)?;
    } else {
        let lines: Vec<String> = verdicts
            .iter()
            .map(|v| {
                let line = match v {
                    Ok(Verdict {
                        file,
                        failure: None,
                        ..
                    }) => format!("{}: OK", file.display()),
                    Ok(Verdict {
                        file,
                        failure: Some(f),
                        ..
                    }) => format!(
                        "{}: FAILED: {} (depth {}, {})",
                        file.display(),
                        f.reason(),
                        f.depth,
                        f.subject
                    ),
                    Err(e) => e.clone(),
                };
                escape(&line).into_owned()
            })
            .collect();
        print_line(&lines.join("\n"))?;
    }
    ui.summary(format!(
        "{} of {} verified",
        good,
        count(verdicts.len(), "certificate", "certificates")
    ));
    Ok(if good == verdicts.len() {
        ExitStatus::Success
    } else {
        ExitStatus::Problems
    })
}
