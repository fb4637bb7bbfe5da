//! `mqauth psk …`: generate, rotate, revoke and check pre-shared keys, one file per verb.

mod check;
mod generate;
mod revoke;
mod rotate;

use super::{CliError, ExitStatus, Ui};
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth psk gen --count 1000 --out psk.txt\n  \
    mqauth psk rotate --file psk.txt device-0007\n  \
    mqauth psk check psk.txt")]
pub struct PskArgs {
    #[command(subcommand)]
    verb: PskVerb,
}

#[derive(Debug, Subcommand)]
enum PskVerb {
    /// Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)
    Gen(generate::GenArgs),
    /// Give identities fresh keys in an existing PSK file
    Rotate(rotate::RotateArgs),
    /// Remove identities from a PSK file
    Revoke(revoke::RevokeArgs),
    /// Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys,
    /// loose permissions
    Check(check::CheckArgs),
}

pub fn run(args: PskArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    match args.verb {
        PskVerb::Gen(a) => generate::run(a, ui),
        PskVerb::Rotate(a) => rotate::run(a, ui),
        PskVerb::Revoke(a) => revoke::run(a, ui),
        PskVerb::Check(a) => check::run(a, ui),
    }
}

/// The reminder after a change: Mosquitto reads psk_file at start and on SIGHUP only.
const RELOAD: &str = "Mosquitto re-reads psk_file on SIGHUP";

/// `--bytes N`: a key size mqauth generates.
fn key_bytes(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    mqauth::psk::check_key_size(n).map_err(|e| e.to_string())?;
    Ok(n)
}
