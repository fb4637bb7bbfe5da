//! `fleet plan`: what apply would do, for people and for CI.

use super::{ManifestArgs, RenderArgs, print_steps, shown, summary};
use crate::cli::args::FleetDirArg;
use crate::cli::output::print_json;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::fleet;

#[derive(Debug, Args)]
#[command(
    after_help = "With --exit-code: 0 when there is nothing to do, 5 when apply would \
    change something, 1 on errors (2 is a usage error), as `terraform plan -detailed-exitcode` \
    does with its own numbers.\n\n\
    Examples:\n  \
    mqauth fleet plan\n  \
    mqauth fleet plan --json | jq '.[] | select(.action != \"orphaned\")'\n  \
    mqauth fleet plan --exit-code || mqauth fleet apply"
)]
pub(super) struct PlanArgs {
    #[command(flatten)]
    dir: FleetDirArg,
    /// Plan revoking and removing the credentials of devices no longer in the manifest
    #[arg(long)]
    prune: bool,
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
    /// Exit with 5 when changes are pending (0 when there are none)
    #[arg(long, visible_alias = "detailed-exitcode")]
    exit_code: bool,
    #[command(flatten)]
    render: RenderArgs,
}

pub(super) fn run(m: &ManifestArgs, a: PlanArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let fleet = m.load()?;
    let dir = m.fleet_dir(a.dir.dir.as_deref());
    let steps = fleet::plan(&fleet, &dir, &a.render.options(a.prune))?;
    if a.json {
        print_json(&steps)?;
    } else if !steps.is_empty() {
        print_steps(&steps, ui)?;
    }
    ui.summary(format!("{} in {}", summary("plan:", &steps), shown(&dir)));
    Ok(if a.exit_code && fleet::changes_anything(&steps) {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}
