//! `enroll allow`: let devices whose certificate was revoked enroll again.

use crate::cli::args::PkiDirArg;
use crate::cli::output::print_json;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::pki::{self, Allowance, PkiError};
use serde::Serialize;

#[derive(Debug, Args)]
#[command(
    after_help = "After `mqauth pki revoke`, the enrollment service refuses the device \
    (`revoked`) on /csr and /renew, whether its bootstrap PSK was kept or not, and `fleet \
    apply` gives it no new bootstrap key. This lifts that for the revocation of each device's \
    newest certificate; a running service sees it at its next request. The key of a revoked \
    certificate stays refused forever (`revoked-key`): the device enrolls with a new key.\n\n\
    Examples:\n  \
    mqauth enroll allow meter-01\n  \
    mqauth enroll allow meter-01 meter-02 --pki /srv/fleet/pki --json"
)]
pub(super) struct AllowArgs {
    /// Devices to allow again (their newest certificate revoked)
    #[arg(required = true, value_name = "DEVICE")]
    devices: Vec<String>,
    #[command(flatten)]
    pki: PkiDirArg,
    /// Allow a device even though the key of one of its revoked certificates is unknown (it
    /// was recorded before mqauth kept keys, and its file was replaced since), so that a CSR
    /// for that key cannot be refused
    #[arg(long)]
    despite_unknown_keys: bool,
    /// Print what was done for each device as JSON
    #[arg(long)]
    json: bool,
}

/// One device's outcome, as `--json` prints it.
#[derive(Debug, Serialize)]
struct Row<'a> {
    device: &'a str,
    /// `allowed`, `already-allowed` or `not-revoked`.
    status: &'static str,
    /// The newest certificate's serial (the revoked one, for the first two).
    serial: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<pki::Reason>,
}

fn row(a: &Allowance) -> Row<'_> {
    match a {
        Allowance::Allowed {
            name,
            serial,
            reason,
        } => Row {
            device: name,
            status: "allowed",
            serial: serial.to_string(),
            reason: *reason,
        },
        Allowance::AlreadyAllowed { name, serial } => Row {
            device: name,
            status: "already-allowed",
            serial: serial.to_string(),
            reason: None,
        },
        Allowance::NotRevoked { name, serial } => Row {
            device: name,
            status: "not-revoked",
            serial: serial.to_string(),
            reason: None,
        },
    }
}

pub(super) fn run(a: AllowArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let mut pki = crate::cli::pki::open_pki_at(&a.pki.dir, ui)?;
    let outcomes = match pki::allow_again(&mut pki, &a.devices, a.despite_unknown_keys) {
        Err(e @ PkiError::RevokedKeyUnknown { .. }) => {
            return Err(CliError::Refused(format!(
                "{e}; --despite-unknown-keys allows it anyway"
            )));
        }
        other => other?,
    };
    let rows: Vec<Row<'_>> = outcomes.iter().map(row).collect();
    if a.json {
        print_json(&rows)?;
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|r| match r.status {
            "allowed" => format!(
                "allowed {} to enroll again (its certificate {} was revoked{}); its old key stays refused",
                r.device,
                r.serial,
                r.reason.map(|x| format!(", {x}")).unwrap_or_default()
            ),
            "already-allowed" => format!("{} was allowed again already", r.device),
            _ => format!(
                "{}: its newest certificate ({}) is not revoked; nothing to allow",
                r.device, r.serial
            ),
        })
        .collect();
    ui.summary(lines.join("\n"));
    Ok(ExitStatus::Success)
}
