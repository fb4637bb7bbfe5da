//! `psk rotate`: fresh keys, same identities.

use super::RELOAD;
use crate::cli::output::count;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::psk::{self, ChangedOut, Selection};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["ids", "all"]))]
#[command(after_help = "Examples:\n  \
    mqauth psk rotate --file psk.txt device-0007\n  \
    mqauth psk rotate --file psk.txt --all --changed-out rotated.txt")]
pub(super) struct RotateArgs {
    /// The PSK file (Mosquitto format)
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// Identities to rotate
    ids: Vec<String>,
    /// Rotate every identity in the file
    #[arg(long)]
    all: bool,
    /// New key size in bytes [default: each key keeps its size]
    #[arg(long, value_name = "N", value_parser = super::key_bytes)]
    bytes: Option<usize>,
    /// Also write the rotated entries to FILE (0600), to push to the devices; `-` for stdout
    #[arg(long, value_name = "FILE")]
    changed_out: Option<PathBuf>,
    /// Replace the --changed-out file if it exists
    #[arg(long, requires = "changed_out")]
    force: bool,
}

pub(super) fn run(a: RotateArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let selection = if a.all {
        Selection::All
    } else {
        Selection::Some(a.ids)
    };
    let to_stdout = a.changed_out.as_deref() == Some(std::path::Path::new("-"));
    let changed_out = a.changed_out.filter(|_| !to_stdout).map(|path| ChangedOut {
        path,
        force: a.force,
    });
    let rotation = psk::rotate(&a.file, &selection, a.bytes, changed_out.as_ref())?;
    if to_stdout {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&rotation.changed)
            .and_then(|()| stdout.flush())
            .map_err(CliError::stdout)?;
    }
    let mut summary = format!(
        "rotated {} in {}",
        count(rotation.rotated.len(), "identity", "identities"),
        a.file.display()
    );
    if let Some(out) = &changed_out {
        summary.push_str(&format!("; new keys also in {}", out.path.display()));
    }
    summary.push_str(&format!(
        "\n  {RELOAD}: reload the broker once the devices have their new keys"
    ));
    ui.summary(summary);
    Ok(ExitStatus::Success)
}
