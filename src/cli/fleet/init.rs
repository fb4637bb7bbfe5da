//! `fleet init`: a commented manifest to start from.

use super::ManifestArgs;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::atomic::{self, Mode};
use mqauth::fleet;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth fleet init                       # ./fleet.yaml\n  \
    mqauth fleet init -m /srv/acme/fleet.yaml")]
pub(super) struct InitArgs {
    /// Replace the manifest file if it exists
    #[arg(long)]
    force: bool,
}

pub(super) fn run(m: &ManifestArgs, a: InitArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    atomic::write_file(
        &m.manifest,
        fleet::EXAMPLE.as_bytes(),
        Mode::Public,
        a.force,
    )?;
    ui.summary(format!(
        "wrote {}: edit it, then `mqauth fleet plan` and `mqauth fleet apply`",
        m.manifest.display()
    ));
    Ok(ExitStatus::Success)
}
