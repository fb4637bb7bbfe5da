//! `mqauth audit`: the classic mistakes of a Mosquitto deployment, with where, why and the fix.

use super::args::choice;
use super::{CliError, ExitStatus, Ui, escape};
use clap::Args;
use mqauth::audit::{self, Options, Severity};
use mqauth::inspect::PeerName;
use std::io::Write as _;
use std::path::PathBuf;
use time::OffsetDateTime;

#[derive(Debug, Args)]
#[command(
    after_help = "Reads the configuration as Mosquitto 2.0.11 does (its tokenising, \
    booleans, per_listener_settings, the default listener, include_dir order; lines the broker \
    refuses are MQA001) and every file it names: psk_file, acl_file, password_file, \
    cafile/capath, certfile, keyfile, crlfile, the dynamic-security JSON. At most 1,000 files \
    and 64 MiB of configuration are read (MQA002). Every check: docs/audit-checks.md. Several \
    --config are audited together: a PSK shared between their psk_files is found.\n\n\
    Exit status: 0 nothing (or notes only), 3 warnings only, 4 problems, 1 when a configuration \
    cannot be read.\n\n\
    Examples:\n  \
    mqauth audit\n  \
    mqauth audit --config /etc/mosquitto/mosquitto.conf --host mqtt.acme.example\n  \
    mqauth audit --at 2027-01-04 --min-severity warning   # still fine next Monday?\n  \
    mqauth audit --config broker-a.conf --config broker-b.conf --sarif > audit.sarif"
)]
pub struct AuditArgs {
    /// Mosquitto configuration file (repeatable)
    #[arg(
        long,
        value_name = "FILE",
        default_value = "/etc/mosquitto/mosquitto.conf"
    )]
    config: Vec<PathBuf>,
    /// Print the findings as a JSON array
    #[arg(long, conflicts_with = "sarif")]
    json: bool,
    /// Print SARIF 2.1.0 (for CI systems that show findings inline)
    #[arg(long)]
    sarif: bool,
    /// Report only findings this severe or more
    #[arg(long, value_parser = choice::<Severity>(), default_value = "note", value_name = "SEVERITY")]
    min_severity: Severity,
    /// Evaluate every validity check at this moment instead of now (a date, or RFC 3339)
    #[arg(long, value_name = "TIME", value_parser = super::verify::parse_time)]
    at: Option<OffsetDateTime>,
    /// Warn about certificates and CRLs that expire within this many days
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    warn_days: u32,
    /// A name devices dial: every broker certificate must hold it (repeatable)
    #[arg(long, value_name = "NAME", value_parser = host_or_ip)]
    host: Vec<PeerName>,
}

fn host_or_ip(text: &str) -> Result<PeerName, String> {
    PeerName::ip(text).or_else(|_| PeerName::host(text))
}

pub fn run(a: AuditArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let opts = Options {
        at: a.at.unwrap_or_else(OffsetDateTime::now_utc),
        warn: time::Duration::days(i64::from(a.warn_days)),
        hosts: a.host.clone(),
    };
    let mut report = audit::audit(&a.config, &opts)?;
    report.findings.retain(|f| f.severity >= a.min_severity);
    let mut out = std::io::stdout().lock();
    if a.sarif {
        let text = serde_json::to_string_pretty(&audit::sarif(&report))
            .map_err(|e| CliError::stdout(std::io::Error::other(e)))?;
        writeln!(out, "{text}").map_err(CliError::stdout)?;
    } else if a.json {
        let text = serde_json::to_string_pretty(&report.findings)
            .map_err(|e| CliError::stdout(std::io::Error::other(e)))?;
        writeln!(out, "{text}").map_err(CliError::stdout)?;
    } else {
        for f in &report.findings {
            let place = match f.line {
                Some(line) => format!("{}:{line}", f.file.display()),
                None => f.file.display().to_string(),
            };
            let severity = match f.severity {
                Severity::Problem => ui.paint_red("problem"),
                Severity::Warning => ui.paint_yellow("warning"),
                Severity::Note => "note".to_string(),
            };
            let listener = f
                .listener
                .as_deref()
                .map(|l| format!(" [{l}]"))
                .unwrap_or_default();
            writeln!(
                out,
                "{}\n  {}\n  why: {}\n  fix: {}",
                escape(&format!(
                    "{place}: {severity} {} {}{listener}",
                    f.code, f.name
                )),
                escape(&f.message),
                f.why,
                escape(&f.fix)
            )
            .map_err(CliError::stdout)?;
        }
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let (problems, warnings, notes) = (
        count(Severity::Problem),
        count(Severity::Warning),
        count(Severity::Note),
    );
    ui.summary(format!(
        "{problems} problem{}, {warnings} warning{}, {notes} note{} in {} configuration file{}",
        if problems == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        if notes == 1 { "" } else { "s" },
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
    ));
    Ok(ExitStatus::of_check(problems > 0, warnings > 0))
}
