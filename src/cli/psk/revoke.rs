//! `psk revoke`: remove identities, which (with a reload) is the revocation of a PSK device.

use super::RELOAD;
use crate::cli::output::count;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::psk;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth psk revoke --file psk.txt device-0007\n  \
    mqauth psk revoke --file /etc/mosquitto/psk.txt gw-01 gw-02 && systemctl reload mosquitto")]
pub(super) struct RevokeArgs {
    /// The PSK file (Mosquitto format)
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// Identities to remove
    #[arg(required = true)]
    ids: Vec<String>,
}

pub(super) fn run(a: RevokeArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    psk::revoke(&a.file, &a.ids)?;
    ui.summary(format!(
        "removed {} from {}\n  {RELOAD}: reload the broker to lock them out",
        count(a.ids.len(), "identity", "identities"),
        a.file.display()
    ));
    Ok(ExitStatus::Success)
}
