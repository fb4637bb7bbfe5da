//! `mqauth inspect` and `mqauth verify`: certificates for people and for CI.

use super::output::{count, date, print_json, print_line};
use super::table::StatusTable;
use super::{CliError, Ui, escape};
use clap::{Args, ValueEnum};
use mqauth::inspect::{
    self, CertStatus, CrlSet, InspectOptions, Inspection, Mismatch, PkiAudit, Purpose, Row,
    Verdict, VerifyOptions,
};
use mqauth::lifetime::Lifetime;
use serde::Serialize;
use std::path::PathBuf;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SortKey {
    /// Input order: paths as given, directories in name order
    File,
    /// Soonest expiry first
    Expiry,
    /// By subject
    Subject,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["paths", "pki"]))]
pub struct InspectArgs {
    /// Certificate files (PEM, bundles, DER) and directories (searched recursively)
    paths: Vec<PathBuf>,
    /// Audit a PKI directory: the certificates in force, checked against index.json and keys
    #[arg(long, value_name = "DIR", conflicts_with = "paths")]
    pki: Option<PathBuf>,
    /// Certificates expiring within this many days are reported as expiring (exit 3)
    #[arg(long, default_value = "30", value_name = "DAYS")]
    warn_days: Lifetime,
    /// Mark certificates listed in this CRL as revoked (repeatable)
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
    /// Order of the rows
    #[arg(long, value_enum, default_value_t = SortKey::File)]
    sort: SortKey,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PurposeArg {
    /// TLS client (like openssl's sslclient)
    Client,
    /// TLS server (like openssl's sslserver)
    Server,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Certificates to verify (the first certificate of each file, as openssl does)
    #[arg(required = true)]
    certs: Vec<PathBuf>,
    /// Trusted root certificate(s)
    #[arg(long, value_name = "FILE")]
    ca: PathBuf,
    /// Intermediate certificates that may complete the chain (repeatable)
    #[arg(long, value_name = "FILE")]
    untrusted: Vec<PathBuf>,
    /// Check the extended key usage for this purpose
    #[arg(long, value_enum)]
    purpose: Option<PurposeArg>,
    /// Check revocation with this CRL (repeatable); the certificate's issuer must have one
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
    /// Verify at this time instead of now (RFC 3339, e.g. 2027-01-01T00:00:00Z)
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<OffsetDateTime>,
    /// Print JSON instead of one line per certificate
    #[arg(long)]
    json: bool,
}

fn parse_time(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("{s:?} is not an RFC 3339 time (e.g. 2027-01-01T00:00:00Z): {e}"))
}

fn load_crls(paths: &[PathBuf]) -> Result<CrlSet, CliError> {
    CrlSet::load(paths).map_err(|e| CliError::Failed(e.to_string()))
}

/// One certificate in `inspect --json`, or one unreadable file (status "unparseable").
#[derive(Serialize)]
struct JsonRow<'a> {
    file: String,
    #[serde(flatten)]
    facts: Option<&'a inspect::CertFacts>,
    days_left: Option<i64>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

pub fn run_inspect(a: InspectArgs, ui: &Ui) -> Result<u8, CliError> {
    let opts = InspectOptions {
        warn: a.warn_days.duration(),
        crls: load_crls(&a.crl)?,
        now: OffsetDateTime::now_utc(),
    };
    let audit = match &a.pki {
        Some(dir) => inspect::audit_pki(dir, &opts).map_err(|e| CliError::Failed(e.to_string()))?,
        None => PkiAudit {
            inspection: inspect::inspect(&a.paths, &opts),
            ..PkiAudit::default()
        },
    };
    let PkiAudit {
        inspection: mut found,
        mismatches,
        exposures,
    } = audit;
    if found.rows.is_empty() && mismatches.is_empty() && exposures.is_empty() {
        let why = match found.problems.first() {
            Some(p) => format!("{}: {}", p.file.display(), p.message),
            None => format!("no certificates found in {}", describe_paths(&a.paths)),
        };
        return Err(CliError::Failed(why));
    }
    sort_rows(&mut found.rows, a.sort);
    if a.json {
        let mut rows: Vec<JsonRow<'_>> = found
            .rows
            .iter()
            .map(|r| JsonRow {
                file: r.file.display().to_string(),
                facts: Some(&r.facts),
                days_left: Some(r.days_left),
                status: r.status.id(),
                error: None,
            })
            .collect();
        rows.extend(found.problems.iter().map(|p| JsonRow {
            file: p.file.display().to_string(),
            facts: None,
            days_left: None,
            status: "unparseable",
            error: Some(&p.message),
        }));
        rows.extend(mismatches.iter().map(|m| JsonRow {
            file: m.path.display().to_string(),
            facts: None,
            days_left: None,
            status: "mismatch",
            error: Some(&m.message),
        }));
        let exposed: Vec<String> = exposures.iter().map(|e| e.to_string()).collect();
        rows.extend(exposures.iter().zip(&exposed).map(|(e, message)| JsonRow {
            file: e.path.display().to_string(),
            facts: None,
            days_left: None,
            status: "exposed",
            error: Some(message),
        }));
        print_json(&rows)?;
    } else {
        print_table(&found, ui)?;
        for p in &found.problems {
            let line = format!("{}: {}", p.file.display(), p.message);
            eprintln!("unparseable: {}", escape(&line));
        }
        for m in &mismatches {
            let line = format!("{}: {}", m.path.display(), m.message);
            eprintln!("mismatch: {}", escape(&line));
        }
        for e in &exposures {
            eprintln!("warning: {}", escape(&e.to_string()));
        }
    }
    let mut text = summary(&found, &mismatches);
    if !exposures.is_empty() {
        text.push_str(&format!(
            "; {} readable by others",
            count(exposures.len(), "key file", "key files")
        ));
    }
    ui.summary(text);
    let code = exit_code(&found, &mismatches);
    Ok(if code == 0 && !exposures.is_empty() {
        3
    } else {
        code
    })
}

fn describe_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn sort_rows(rows: &mut [Row], key: SortKey) {
    match key {
        SortKey::File => {}
        SortKey::Expiry => rows.sort_by_key(|r| r.facts.not_after),
        SortKey::Subject => rows.sort_by(|a, b| a.facts.subject.cmp(&b.facts.subject)),
    }
}

fn print_table(found: &Inspection, ui: &Ui) -> Result<(), CliError> {
    let mut table = StatusTable::new(&[
        "File",
        "Subject",
        "Issuer",
        "Serial",
        "Key",
        "Not before",
        "Not after",
        "Days left",
        "SANs",
        "EKU",
        "Status",
    ]);
    for r in &found.rows {
        let f = &r.facts;
        table.push(vec![
            r.file.display().to_string(),
            f.subject.clone(),
            f.issuer.clone(),
            f.serial.clone(),
            f.key.clone(),
            date(f.not_before),
            date(f.not_after),
            r.days_left.to_string(),
            f.sans.join(", "),
            f.eku.join(", "),
            r.status.id().to_string(),
        ]);
    }
    table.print(ui)
}

fn summary(found: &Inspection, mismatches: &[Mismatch]) -> String {
    let mut parts = Vec::new();
    for status in [
        CertStatus::Valid,
        CertStatus::Expiring,
        CertStatus::Expired,
        CertStatus::NotYetValid,
        CertStatus::Revoked,
    ] {
        let n = found.count(status);
        if n > 0 {
            parts.push(format!("{n} {}", status.id()));
        }
    }
    let mut text = format!(
        "{}: {}",
        count(found.rows.len(), "certificate", "certificates"),
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(", ")
        }
    );
    if !found.problems.is_empty() {
        text.push_str(&format!(
            "; {} unparseable",
            count(found.problems.len(), "file", "files")
        ));
    }
    if !mismatches.is_empty() {
        text.push_str(&format!(
            "; {}",
            count(mismatches.len(), "mismatch", "mismatches")
        ));
    }
    if !found.skipped.is_empty() {
        text.push_str(&format!(
            "; skipped {} without certificates",
            count(found.skipped.len(), "file", "files")
        ));
    }
    text
}

fn exit_code(found: &Inspection, mismatches: &[Mismatch]) -> u8 {
    if !found.problems.is_empty()
        || !mismatches.is_empty()
        || found.rows.iter().any(|r| r.status.is_problem())
    {
        4
    } else if found.rows.iter().any(|r| r.status == CertStatus::Expiring) {
        3
    } else {
        0
    }
}

#[derive(Serialize)]
struct JsonVerdict<'a> {
    file: String,
    subject: &'a str,
    ok: bool,
    chain: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    depth: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
}

pub fn run_verify(a: VerifyArgs, ui: &Ui) -> Result<u8, CliError> {
    let failed = |e: inspect::InspectError| CliError::Failed(e.to_string());
    let anchors = inspect::load_certificates(&a.ca).map_err(failed)?;
    let mut untrusted = Vec::new();
    for path in &a.untrusted {
        untrusted.extend(inspect::load_certificates(path).map_err(failed)?);
    }
    let opts = VerifyOptions {
        purpose: a.purpose.map(|p| match p {
            PurposeArg::Client => Purpose::Client,
            PurposeArg::Server => Purpose::Server,
        }),
        at: a.at.unwrap_or_else(OffsetDateTime::now_utc),
        crls: load_crls(&a.crl)?,
    };
    let mut verdicts: Vec<Result<Verdict, String>> = Vec::new();
    for cert in &a.certs {
        verdicts.push(
            inspect::verify_file(cert, &anchors, &untrusted, &opts).map_err(|e| e.to_string()),
        );
    }
    if verdicts.iter().all(Result::is_err)
        && let Some(Err(first)) = verdicts.first()
    {
        return Err(CliError::Failed(first.clone()));
    }
    let good = verdicts
        .iter()
        .filter(|v| matches!(v, Ok(v) if v.failure.is_none()))
        .count();
    if a.json {
        let rows: Vec<JsonVerdict<'_>> = verdicts
            .iter()
            .zip(&a.certs)
            .map(|(v, file)| match v {
                Ok(v) => JsonVerdict {
                    file: v.file.display().to_string(),
                    subject: &v.subject,
                    ok: v.failure.is_none(),
                    chain: &v.chain,
                    depth: v.failure.as_ref().map(|f| f.depth),
                    error: v.failure.as_ref().map(|f| f.reason.as_str()),
                    code: v.failure.as_ref().map(|f| f.code),
                },
                Err(e) => JsonVerdict {
                    file: file.display().to_string(),
                    subject: "",
                    ok: false,
                    chain: &[],
                    depth: None,
                    error: Some(e),
                    code: None,
                },
            })
            .collect();
        print_json(&rows)?;
    } else {
        let mut lines = Vec::new();
        for v in &verdicts {
            lines.push(match v {
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
                    f.reason,
                    f.depth,
                    f.subject
                ),
                Err(e) => e.to_string(),
            });
        }
        let lines: Vec<String> = lines.iter().map(|l| escape(l).into_owned()).collect();
        print_line(&lines.join("\n"))?;
    }
    ui.summary(format!(
        "{} of {} verified",
        good,
        count(verdicts.len(), "certificate", "certificates")
    ));
    Ok(if good == verdicts.len() { 0 } else { 4 })
}
