//! `mqauth acl render`: the fleet's authorization rules.

use super::args::choice;
use super::fleet::ManifestArgs;
use super::output::print_line;
use super::{CliError, ExitStatus, Ui};
use clap::{Args, Subcommand};
use mqauth::atomic::{self, Mode};
use mqauth::fleet::{self, AclFormat};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth acl render\n  \
    mqauth acl render --format dynsec --out dynamic-security.json")]
pub struct AclArgs {
    #[command(flatten)]
    manifest: ManifestArgs,
    #[command(subcommand)]
    verb: AclVerb,
}

#[derive(Debug, Subcommand)]
enum AclVerb {
    /// Render the fleet's authorization rules (least privilege, from the manifest)
    Render(RenderArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth acl render                               # Mosquitto acl_file on stdout\n  \
    mqauth acl render --format dynsec --out dynamic-security.json\n  \
    mqauth acl render --format emqx --out acl.conf")]
struct RenderArgs {
    /// Output format
    #[arg(long, default_value = "mosquitto", value_parser = choice::<AclFormat>())]
    format: AclFormat,
    /// Write to FILE (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "out")]
    force: bool,
    /// Fleet directory, to deny identities that can still authenticate but left the manifest
    /// [default: the manifest's directory]
    #[arg(long = "fleet-dir", value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run(args: AclArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let AclVerb::Render(a) = args.verb;
    let fleet = args.manifest.load()?;
    let dir = args.manifest.fleet_dir(a.dir.as_deref());
    let unmanaged = fleet::unmanaged(&fleet, &dir)?;
    let text = fleet::fleet_acl(&fleet, &unmanaged, a.format);
    match &a.out {
        Some(path) => {
            atomic::write_file(path, text.as_bytes(), Mode::Public, a.force)?;
            ui.summary(format!(
                "wrote {} ({} devices)",
                path.display(),
                fleet.devices.len()
            ));
        }
        None => print_line(text.trim_end_matches('\n'))?,
    }
    Ok(ExitStatus::Success)
}
