//! `mqauth broker render`: complete broker configurations from the fleet's credentials.

use super::args::FleetDirArg;
use super::fleet::{ManifestArgs, RenderArgs, print_steps, shown, summary};
use super::{CliError, ExitStatus, Ui};
use clap::{Args, Subcommand};
use mqauth::fleet;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth broker render\n  \
    mqauth broker render --broker broker1 --target emqx")]
pub struct BrokerArgs {
    #[command(flatten)]
    manifest: ManifestArgs,
    #[command(subcommand)]
    verb: BrokerVerb,
}

#[derive(Debug, Subcommand)]
enum BrokerVerb {
    /// Render complete broker configurations (needs the credentials `fleet apply` made)
    Render(RenderBrokerArgs),
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Files go to DIR/brokers/NAME/ (EMQX: DIR/brokers/NAME/emqx/).\n\n\
    Examples:\n  \
    mqauth broker render\n  \
    mqauth broker render --broker broker1 --target emqx\n  \
    mqauth broker render --path-base /etc/mosquitto/acme"
)]
struct RenderBrokerArgs {
    /// Only this broker [default: all]
    #[arg(long, value_name = "NAME")]
    broker: Option<String>,
    #[command(flatten)]
    dir: FleetDirArg,
    #[command(flatten)]
    render: RenderArgs,
}

pub fn run(args: BrokerArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let BrokerVerb::Render(a) = args.verb;
    let fleet = args.manifest.load()?;
    let dir = args.manifest.fleet_dir(a.dir.dir.as_deref());
    let steps = fleet::render_brokers(&fleet, &dir, &a.render.options(false), a.broker.as_deref())?;
    if !steps.is_empty() && !ui.is_quiet() {
        print_steps(&steps, ui)?;
    }
    ui.summary(format!(
        "{} in {}",
        summary("rendered", &steps),
        shown(&dir)
    ));
    Ok(ExitStatus::Success)
}
