//! `psk check`: the classic PSK mistakes, found before a broker or an attacker finds them.

use crate::cli::output::{count, print_json};
use crate::cli::{CliError, ExitStatus, Ui, escape};
use clap::Args;
use mqauth::psk::{Checker, Severity};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 clean, 3 warnings only, 4 at least one problem, 1 when \
    no file could be read.\n\n\
    Examples:\n  \
    mqauth psk check /etc/mosquitto/psk.txt\n  \
    mqauth psk check broker1/psk.txt broker2/psk.txt --json   # keys shared across files too"
)]
pub(super) struct CheckArgs {
    /// PSK files to check (keys shared across files are found too)
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

pub(super) fn run(a: CheckArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let mut checker = Checker::new();
    for file in &a.files {
        checker.check_file(file);
    }
    let reports = checker.into_reports();
    if let Some(first) = reports.first()
        && reports.iter().all(|r| !r.readable)
    {
        return Err(CliError::Unusable {
            path: first.file.clone(),
            reason: first
                .findings
                .first()
                .map_or_else(String::new, |f| f.message.clone()),
        });
    }
    if a.json {
        print_json(&reports)?;
    } else {
        let mut out = String::new();
        for r in &reports {
            for f in &r.findings {
                let place = match f.line {
                    Some(line) => format!("{}:{line}", r.file.display()),
                    None => r.file.display().to_string(),
                };
                let severity = match f.severity {
                    Severity::Problem => ui.paint_red("problem"),
                    Severity::Warning => ui.paint_yellow("warning"),
                };
                out.push_str(&format!(
                    "{}: {severity} [{}] {}\n",
                    escape(&place),
                    f.code,
                    escape(&f.message)
                ));
            }
        }
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(CliError::stdout)?;
    }
    let all = reports.iter().flat_map(|r| &r.findings);
    let problems = all
        .clone()
        .filter(|f| f.severity == Severity::Problem)
        .count();
    let warnings = all.filter(|f| f.severity == Severity::Warning).count();
    let entries: usize = reports.iter().map(|r| r.entries).sum();
    ui.summary(format!(
        "checked {}, {}: {}, {}",
        count(reports.len(), "file", "files"),
        count(entries, "entry", "entries"),
        count(problems, "problem", "problems"),
        count(warnings, "warning", "warnings")
    ));
    Ok(ExitStatus::of_check(problems > 0, warnings > 0))
}
