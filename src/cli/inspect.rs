//! `mqauth inspect`: certificates for people (a table, or a detail view of each) and for CI
//! (JSON and exit codes).

use super::output::{count, date, print_json, print_line};
use super::table::StatusTable;
use super::{CliError, ExitStatus, Ui, escape};
use clap::{Args, ValueEnum};
use mqauth::inspect::{
    self, CertStatus, CrlSet, InspectOptions, Inspection, Mismatch, PeerName, PkiConsistency, Row,
};
use mqauth::lifetime::Lifetime;
use serde::Serialize;
use std::path::{Path, PathBuf};
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
#[command(
    after_help = "One certificate is shown in detail; several as a table (--long shows \
    each in detail).\n\n\
    Exit codes: 0 all valid, 3 some expiring within --warn-days (or keys others can read, with \
    --pki), 4 any expired, not yet valid, revoked, unparseable or (with --pki) mismatched; 1 \
    when nothing could be read.\n\n\
    Examples:\n  \
    mqauth inspect pki/issued/sensor-0001.crt\n  \
    mqauth inspect pki/issued --sort expiry --warn-days 14\n  \
    mqauth inspect /etc/mosquitto/certs --json\n  \
    mqauth inspect --pki pki\n  \
    mqauth inspect --host mqtt.example.com /etc/mosquitto/certs/broker.crt"
)]
pub struct InspectArgs {
    /// Certificate files (PEM, bundles, DER) and directories (searched recursively)
    paths: Vec<PathBuf>,
    /// Audit a PKI directory: the certificates in force, checked against its index and keys
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
    /// Show every certificate in detail instead of a table
    #[arg(long, conflicts_with = "json")]
    long: bool,
    /// Order of the rows
    #[arg(long, value_enum, default_value_t = SortKey::File)]
    sort: SortKey,
    /// A host name devices dial: every server certificate (EKU serverAuth, or none) must be
    /// valid for it, as a TLS client checks (a mismatch otherwise). Repeatable
    #[arg(long, value_name = "NAME", value_parser = super::flag_hints::host_name)]
    host: Vec<PeerName>,
    /// An IP address devices dial: every server certificate must carry it as a SAN. Repeatable
    #[arg(long, value_name = "ADDR", value_parser = PeerName::ip)]
    ip: Vec<PeerName>,
}

/// One certificate in `inspect --json`, or one file that is not (docs/json.md).
#[derive(Serialize)]
struct JsonRow<'a> {
    file: String,
    #[serde(flatten)]
    facts: Option<&'a inspect::CertFacts>,
    days_left: Option<i64>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// A CRL given by name, shown for what it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    crl: Option<&'a inspect::CrlFacts>,
}

impl<'a> JsonRow<'a> {
    fn note(file: &std::path::Path, status: &'static str, error: String) -> Self {
        JsonRow {
            file: file.display().to_string(),
            facts: None,
            days_left: None,
            status,
            error: Some(error),
            crl: None,
        }
    }

    fn crl(crl: &'a inspect::CrlFacts) -> Self {
        JsonRow {
            file: crl.file.display().to_string(),
            facts: None,
            days_left: None,
            status: crl.status,
            error: None,
            crl: Some(crl),
        }
    }
}

/// The files among `paths` that hold CRLs (named, not found in a directory), described; the
/// other paths are left for the certificate view.
fn split_crls(
    paths: &[PathBuf],
    opts: &InspectOptions,
) -> Result<(Vec<PathBuf>, Vec<inspect::CrlFacts>), CliError> {
    let mut others = Vec::new();
    let mut crls = Vec::new();
    for path in paths {
        let bytes = match std::fs::metadata(path) {
            Ok(m) if m.is_file() => {
                mqauth::input::read(path, mqauth::input::Kind::Certificates).ok()
            }
            _ => None,
        };
        match bytes {
            Some(bytes) if inspect::is_crl(&bytes) => {
                crls.extend(inspect::describe_crls(path, &bytes, opts.now)?);
            }
            _ => others.push(path.clone()),
        }
    }
    Ok((others, crls))
}

fn print_crls(crls: &[inspect::CrlFacts]) -> Result<(), CliError> {
    let mut out = String::new();
    for (i, c) in crls.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let next = c.next_update.map_or_else(|| "-".to_string(), date);
        out.push_str(&format!(
            "File:         {}\nCRL of:       {}\nNumber:       {}\nThis update:  {}\nNext update:  {}\nStatus:       {}\nRevoked:      {}\n",
            c.file.display(),
            c.issuer,
            c.number.as_deref().unwrap_or("-"),
            date(c.this_update),
            next,
            c.status,
            c.entries.len()
        ));
        for e in &c.entries {
            out.push_str(&format!(
                "  {}  {}  {}\n",
                e.serial,
                date(e.revoked_at),
                e.reason.as_deref().unwrap_or("-")
            ));
        }
    }
    let lines: Vec<String> = out
        .trim_end()
        .lines()
        .map(|l| escape(l).into_owned())
        .collect();
    print_line(&lines.join("\n"))
}

pub fn run(a: InspectArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let opts = InspectOptions {
        warn: a.warn_days.duration(),
        crls: CrlSet::load(&a.crl)?,
        now: OffsetDateTime::now_utc(),
    };
    let (paths, crls) = split_crls(&a.paths, &opts)?;
    if !crls.is_empty() {
        let status = |s: &str| crls.iter().any(|c| c.status == s);
        let crl_status = ExitStatus::of_check(status("expired"), status("expiring"));
        if paths.is_empty() {
            if a.json {
                print_json(&crls.iter().map(JsonRow::crl).collect::<Vec<_>>())?;
            } else {
                print_crls(&crls)?;
            }
            ui.summary(count(crls.len(), "CRL", "CRLs"));
            return Ok(crl_status);
        }
        if !a.json {
            print_crls(&crls)?;
        }
    }
    let a = InspectArgs { paths, ..a };
    let PkiConsistency {
        inspection: mut found,
        mut mismatches,
        exposures,
        ca_keys,
        stray_ca_keys,
    } = match &a.pki {
        Some(dir) => inspect::check_pki_consistency(dir, &opts)?,
        None => PkiConsistency {
            inspection: inspect::inspect(&a.paths, &opts),
            ..PkiConsistency::default()
        },
    };
    if found.rows.is_empty() && mismatches.is_empty() && exposures.is_empty() {
        return Err(match found.problems.first() {
            Some(p) => CliError::Unusable {
                path: p.file.clone(),
                reason: p.message.clone(),
            },
            None => CliError::NothingFound(
                a.paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        });
    }
    mismatches.extend(peer_name_mismatches(&found, a.host.iter().chain(&a.ip)));
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
                crl: None,
            })
            .collect();
        rows.extend(
            found
                .problems
                .iter()
                .map(|p| JsonRow::note(&p.file, "unparseable", p.message.clone())),
        );
        rows.extend(
            mismatches
                .iter()
                .map(|m| JsonRow::note(&m.path, "mismatch", m.message.clone())),
        );
        rows.extend(
            exposures
                .iter()
                .map(|e| JsonRow::note(&e.path, "exposed", e.to_string())),
        );
        rows.extend(ca_keys.iter().filter(|k| k.in_token).map(|k| {
            JsonRow::note(
                Path::new(&k.location),
                "ca-key-in-token",
                format!("the {} key is in the token", k.profile.id()),
            )
        }));
        rows.extend(
            stray_ca_keys
                .iter()
                .map(|p| JsonRow::note(p, "ca-key-file", STRAY_CA_KEY.to_string())),
        );
        rows.extend(crls.iter().map(JsonRow::crl));
        print_json(&rows)?;
    } else {
        if a.long || found.rows.len() == 1 {
            print_details(&found, ui)?;
        } else {
            print_table(&found, ui)?;
        }
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
        for k in &ca_keys {
            let place = if k.in_token { "in token" } else { "file" };
            println!("{} key: {place} {}", k.profile.id(), escape(&k.location));
        }
        for p in &stray_ca_keys {
            let line = format!("{}: {STRAY_CA_KEY}", p.display());
            eprintln!("warning: {}", escape(&line));
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
    let problems = crls.iter().any(|c| c.status == "expired")
        || !found.problems.is_empty()
        || !mismatches.is_empty()
        || found.rows.iter().any(|r| r.status.is_problem());
    let warnings = crls.iter().any(|c| c.status == "expiring")
        || !stray_ca_keys.is_empty()
        || !exposures.is_empty()
        || found.rows.iter().any(|r| r.status == CertStatus::Expiring);
    Ok(ExitStatus::of_check(problems, warnings))
}

const STRAY_CA_KEY: &str =
    "a CA key file in a PKI whose CA keys are kept in a token (ca-keys.json says hsm_only)";

/// Server certificates that a client dialling one of `names` would refuse.
fn peer_name_mismatches<'n>(
    found: &Inspection,
    names: impl Iterator<Item = &'n PeerName> + Clone,
) -> Vec<Mismatch> {
    found
        .rows
        .iter()
        .filter(|r| {
            !r.facts.is_ca
                && (r.facts.eku.is_empty() || r.facts.eku.iter().any(|e| e == "serverAuth"))
        })
        .flat_map(|r| {
            names
                .clone()
                .filter(|n| !n.covers(&r.facts))
                .map(|n| Mismatch {
                    path: r.file.clone(),
                    message: format!(
                        "{} (names: {})",
                        n.mismatch(),
                        if r.facts.sans.is_empty() {
                            format!("CN {}", r.facts.cn.as_deref().unwrap_or("none"))
                        } else {
                            r.facts.sans.join(", ")
                        }
                    ),
                })
        })
        .collect()
}

fn sort_rows(rows: &mut [Row], key: SortKey) {
    match key {
        SortKey::File => {}
        SortKey::Expiry => rows.sort_by_key(|r| r.facts.not_after),
        SortKey::Subject => rows.sort_by(|a, b| a.facts.name().cmp(b.facts.name())),
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
            f.name().to_string(),
            f.issuer_name().to_string(),
            f.serial.clone(),
            f.key_label.clone(),
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

/// Each certificate as a block of labelled lines, as `step certificate inspect` shows one:
/// readable in 80 columns, where a table of eleven columns is not.
fn print_details(found: &Inspection, ui: &Ui) -> Result<(), CliError> {
    let mut out = String::new();
    for (i, r) in found.rows.iter().enumerate() {
        let f = &r.facts;
        if i > 0 {
            out.push('\n');
        }
        let none = || "-".to_string();
        let list = |items: &[String]| {
            if items.is_empty() {
                none()
            } else {
                items.join(", ")
            }
        };
        let status = match r.status {
            CertStatus::Valid => r.status.id().to_string(),
            CertStatus::Expiring => ui.paint_yellow(r.status.id()),
            _ => ui.paint_red(r.status.id()),
        };
        let extensions: Vec<String> = f
            .extensions
            .iter()
            .map(|e| {
                if e.critical {
                    format!("{} (critical)", e.name)
                } else {
                    e.name.clone()
                }
            })
            .collect();
        // As openssl prints it, sixteen bytes to a line.
        let fingerprint: Vec<String> = f
            .fingerprint_sha256
            .as_bytes()
            .chunks(32)
            .map(|line| {
                line.chunks(2)
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .collect();
        let one = |value: String| vec![value];
        for (label, values) in [
            ("File", one(r.file.display().to_string())),
            ("Subject", one(f.subject.clone())),
            ("Issuer", one(f.issuer.clone())),
            ("Serial", one(f.serial.clone())),
            ("Not before", one(timestamp(f.not_before))),
            ("Not after", one(timestamp(f.not_after))),
            ("Days left", one(r.days_left.to_string())),
            ("Key", one(f.key_label.clone())),
            ("SANs", one(list(&f.sans))),
            ("Key usage", one(list(&f.key_usage))),
            ("EKU", one(list(&f.eku))),
            ("CA", one(if f.is_ca { "yes" } else { "no" }.to_string())),
            ("SHA-256", fingerprint),
            ("Extensions", one(list(&extensions))),
        ] {
            // Each value is escaped whole: a line break in a CN must not start a line.
            let lines = values.iter().flat_map(|v| wrap(&escape(v)));
            for (i, line) in lines.enumerate() {
                let label = if i == 0 { label } else { "" };
                out.push_str(&format!("{label:<11} {line}\n"));
            }
        }
        out.push_str(&format!("{:<11} {status}\n", "Status"));
    }
    print_line(out.trim_end_matches('\n'))
}

/// The detail view's values fit 80 columns: 12 for the label, 68 for the value, which wraps
/// after a comma where it can.
fn wrap(value: &str) -> Vec<String> {
    const WIDTH: usize = 68;
    let mut lines = Vec::new();
    let mut line = String::new();
    for (i, word) in value.split(", ").enumerate() {
        if i > 0 && line.chars().count() + 2 + word.chars().count() > WIDTH {
            line.push(',');
            lines.push(std::mem::take(&mut line));
        } else if i > 0 {
            line.push_str(", ");
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn timestamp(t: OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.format(&format).unwrap_or_else(|_| date(t))
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
