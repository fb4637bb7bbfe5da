//! `mqauth fleet …`: from a manifest to credentials and broker files, one file per verb. The
//! manifest and rendering flags are shared with `acl render` and `broker render`.

mod apply;
mod init;
mod plan;

use super::args::choice;
use super::output::count;
use super::table::StatusTable;
use super::{CliError, ExitStatus, Ui};
use clap::{Args, Subcommand};
use mqauth::fleet::{self, ApplyOptions, Fleet, MosquittoVersion, Step, Target};
use std::path::{Path, PathBuf};

/// Where the manifest comes from; shared by the fleet, acl and broker nouns.
#[derive(Debug, Args)]
pub(crate) struct ManifestArgs {
    /// Fleet manifest (YAML)
    #[arg(
        short,
        long,
        global = true,
        default_value = "fleet.yaml",
        value_name = "FILE"
    )]
    pub(crate) manifest: PathBuf,
    /// Use the example manifest built into mqauth (the one `fleet init` writes)
    #[arg(long, global = true, conflicts_with = "manifest")]
    pub(crate) example: bool,
}

impl ManifestArgs {
    /// The fleet directory: as given, or the manifest's own directory, so that running from
    /// another folder never starts a second CA there. The built-in example has no directory:
    /// the current one.
    pub(crate) fn fleet_dir(&self, given: Option<&Path>) -> PathBuf {
        match given {
            Some(dir) => dir.to_path_buf(),
            None if self.example => PathBuf::from("."),
            None => match self.manifest.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                _ => PathBuf::from("."),
            },
        }
    }

    pub(crate) fn load(&self) -> Result<Fleet, CliError> {
        if self.example {
            return Ok(fleet::parse(
                fleet::EXAMPLE,
                Path::new("<example manifest>"),
            )?);
        }
        if std::fs::symlink_metadata(&self.manifest).is_err() {
            return Err(CliError::Unusable {
                path: self.manifest.clone(),
                reason:
                    "no such manifest: write one with `mqauth fleet init`, or name one with -m FILE"
                        .into(),
            });
        }
        Ok(fleet::load(&self.manifest)?)
    }
}

/// Options of everything that renders broker files.
#[derive(Debug, Args)]
pub(super) struct RenderArgs {
    /// Broker software of brokers whose manifest entry has no `kind:` (kept for older
    /// manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)
    #[arg(long, default_value = "mosquitto", value_parser = choice::<Target>())]
    pub(super) target: Target,
    /// Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`
    #[arg(long = "mosquitto-version", default_value = "2.0", value_parser = choice::<MosquittoVersion>(), value_name = "VERSION")]
    pub(super) mosquitto: MosquittoVersion,
    /// Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2,
    /// rabbitmq.conf.j2, rabbitmq-advanced.config.j2)
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Write paths in broker configs under this directory (where the fleet directory will be
    /// deployed) instead of absolute paths of this machine
    #[arg(long, value_name = "DIR")]
    path_base: Option<PathBuf>,
}

impl RenderArgs {
    pub(super) fn options(&self, prune: bool) -> ApplyOptions {
        ApplyOptions {
            prune,
            target: self.target,
            mosquitto: self.mosquitto,
            templates: self.templates.clone(),
            path_base: self.path_base.clone(),
        }
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "The fleet directory is the manifest's directory unless --fleet-dir says \
    otherwise.\n\n\
    Examples:\n  \
    mqauth fleet init\n  \
    mqauth fleet plan\n  \
    mqauth fleet apply --prune"
)]
pub struct FleetArgs {
    #[command(flatten)]
    manifest: ManifestArgs,
    #[command(subcommand)]
    verb: FleetVerb,
}

#[derive(Debug, Subcommand)]
enum FleetVerb {
    /// Write a commented example manifest to start from
    Init(init::InitArgs),
    /// Show what apply would create, change or remove; writes nothing
    Plan(plan::PlanArgs),
    /// Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for
    Apply(apply::ApplyArgs),
}

pub fn run(args: FleetArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    match args.verb {
        FleetVerb::Init(a) => init::run(&args.manifest, a, ui),
        FleetVerb::Plan(a) => plan::run(&args.manifest, a, ui),
        FleetVerb::Apply(a) => apply::run(&args.manifest, a, ui),
    }
}

/// The fleet directory as the summary names it: absolute, so there is no doubt which one.
pub(super) fn shown(dir: &Path) -> String {
    let absolute = dir
        .canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    format!("fleet directory {}", absolute.display())
}

/// Steps beyond this many per kind and action are summarised in the table.
const SHOWN_PER_CATEGORY: usize = 20;

pub(super) fn print_steps(steps: &[Step], ui: &Ui) -> Result<(), CliError> {
    let mut table = StatusTable::new(&["Kind", "Name", "Detail", "Action"]);
    let mut total: std::collections::HashMap<(&str, &str), usize> = Default::default();
    for s in steps {
        *total.entry((s.kind, s.action.id())).or_default() += 1;
    }
    // Each category's "... and N more" row follows its last row shown, not the whole table.
    let mut shown: std::collections::HashMap<(&str, &str), usize> = Default::default();
    for s in steps {
        let category = (s.kind, s.action.id());
        let n = shown.entry(category).or_default();
        *n += 1;
        if *n <= SHOWN_PER_CATEGORY {
            table.push(vec![
                s.kind.into(),
                s.name.clone(),
                s.detail.clone(),
                s.action.id().into(),
            ]);
        }
        let all = total.get(&category).copied().unwrap_or(0);
        if *n == SHOWN_PER_CATEGORY && all > SHOWN_PER_CATEGORY {
            table.push(vec![
                s.kind.into(),
                format!("... and {} more", all - SHOWN_PER_CATEGORY),
                String::new(),
                s.action.id().into(),
            ]);
        }
    }
    table.print(ui)
}

pub(super) fn summary(verb: &str, steps: &[Step]) -> String {
    if !fleet::changes_anything(steps) {
        let notes = if steps.is_empty() {
            String::new()
        } else {
            format!(" ({} listed above)", count(steps.len(), "note", "notes"))
        };
        return format!("nothing to do: everything matches the manifest{notes}");
    }
    let parts: Vec<String> = fleet::tally(steps)
        .into_iter()
        .map(|(what, n)| format!("{what} {n}"))
        .collect();
    format!(
        "{verb} {}: {}",
        count(steps.len(), "step", "steps"),
        parts.join(", ")
    )
}
