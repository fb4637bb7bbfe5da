//! `mqauth broker render`: complete broker configurations from the fleet's credentials.

use super::args::FleetDirArg;
use super::fleet::{ManifestArgs, RenderArgs, print_steps, shown, summary};
use super::{CliError, ExitStatus, Ui};
use clap::{Args, Subcommand};
use mqauth::fleet;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth broker render\n  \
    mqauth broker render --broker broker1 --target emqx\n  \
    mqauth broker snippet --pki pki --broker broker1 --psk-file psk.txt")]
pub struct BrokerArgs {
    #[command(flatten)]
    manifest: ManifestBeforeVerb,
    #[command(subcommand)]
    verb: BrokerVerb,
}

/// `-m`/`--example` given before the verb (`mqauth broker -m fleet.yaml render`): they belong
/// to `render` alone, so they are declared here without `global`, which would list them in
/// `broker snippet --help` too.
#[derive(Debug, Args)]
struct ManifestBeforeVerb {
    /// Fleet manifest (YAML) for `broker render` [default: fleet.yaml]
    #[arg(
        short = 'm',
        long = "manifest",
        id = "manifest_before_verb",
        value_name = "FILE"
    )]
    manifest: Option<std::path::PathBuf>,
    /// `broker render`: use the example manifest built into mqauth
    #[arg(
        long = "example",
        id = "example_before_verb",
        conflicts_with = "manifest_before_verb"
    )]
    example: bool,
}

impl ManifestBeforeVerb {
    fn given(&self) -> bool {
        self.manifest.is_some() || self.example
    }

    /// Joins what was given before the verb with `render`'s own `-m`/`--example`.
    fn merge(self, after: ManifestArgs) -> Result<ManifestArgs, CliError> {
        let after_manifest = after.manifest != std::path::Path::new(DEFAULT_MANIFEST);
        let manifest_given = self.manifest.is_some() || after_manifest;
        let example = self.example || after.example;
        if example && manifest_given {
            return Err(CliError::Usage(
                "--example cannot be used with --manifest".into(),
            ));
        }
        if self.manifest.is_some() && after_manifest {
            return Err(CliError::Usage(
                "--manifest given twice (before and after `render`)".into(),
            ));
        }
        Ok(ManifestArgs {
            manifest: self.manifest.unwrap_or(after.manifest),
            example,
        })
    }
}

/// `ManifestArgs`' default manifest.
const DEFAULT_MANIFEST: &str = "fleet.yaml";

#[derive(Debug, Subcommand)]
enum BrokerVerb {
    /// Render complete broker configurations (needs the credentials `fleet apply` made)
    Render(RenderBrokerArgs),
    /// Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file
    Snippet(SnippetArgs),
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The mTLS listener requires a client certificate from the PKI's CA and makes \
    its CN the username; the PSK listener makes the PSK identity the username. crlfile names the \
    PKI's CRL, which `pki init` signs, so a reload (SIGHUP) enforces even the first \
    revocation; a PKI without one (made by an older mqauth) gets it from `mqauth pki crl`, \
    before the snippet is rendered. There is no acl_file: write one, or use a fleet manifest.\n\n\
    Examples:\n  \
    mqauth broker snippet --pki pki --broker broker1 > /etc/mosquitto/conf.d/mqauth.conf\n  \
    mqauth broker snippet --pki pki --broker broker1 --mtls-port 8883 \\\n      \
    --psk-file devices.psk --psk-port 8884 --out mosquitto.conf"
)]
struct SnippetArgs {
    #[command(flatten)]
    pki: super::args::PkiDirArg,
    /// The broker certificate's name in the PKI
    #[arg(long, value_name = "NAME")]
    broker: String,
    /// Port of the mutual-TLS listener
    #[arg(long, default_value_t = 8883, value_parser = clap::value_parser!(u16).range(1..), value_name = "PORT")]
    mtls_port: u16,
    /// A psk_file (identity:hexkey lines): adds a TLS-PSK listener
    #[arg(long, value_name = "FILE")]
    psk_file: Option<std::path::PathBuf>,
    /// Port of the PSK listener
    #[arg(long, default_value_t = 8884, value_parser = clap::value_parser!(u16).range(1..), requires = "psk_file", value_name = "PORT")]
    psk_port: u16,
    /// PSK hint the PSK listener sends [default: the broker's name]
    #[arg(long, requires = "psk_file", value_name = "HINT")]
    psk_hint: Option<String>,
    /// Bind address of both listeners [default: all interfaces]
    #[arg(long, value_name = "ADDRESS")]
    listen: Option<std::net::IpAddr>,
    /// Mosquitto release the listeners are for
    #[arg(long = "mosquitto-version", default_value = "2.0", value_parser = super::args::choice::<fleet::MosquittoVersion>(), value_name = "VERSION")]
    mosquitto: fleet::MosquittoVersion,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<std::path::PathBuf>,
    /// Replace --out when it exists
    #[arg(long)]
    force: bool,
}

fn absolute(path: &std::path::Path) -> Result<std::path::PathBuf, CliError> {
    std::fs::canonicalize(path).map_err(|e| CliError::Unusable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

fn snippet(a: SnippetArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    if a.psk_file.is_some() && a.psk_port == a.mtls_port {
        return Err(CliError::Usage(format!(
            "--psk-port {} is also --mtls-port",
            a.psk_port
        )));
    }
    // The broker's certificate must be in force: a config naming missing files fails at start.
    let sources = mqauth::export::Sources::open(Some(&a.pki.dir), None)?;
    sources.broker_facts(&a.broker)?;
    let psk = match &a.psk_file {
        Some(file) => {
            mqauth::psk::PskFile::open(file)?;
            Some((
                absolute(file)?,
                a.psk_port,
                a.psk_hint.clone().unwrap_or_else(|| a.broker.clone()),
            ))
        }
        None => None,
    };
    let pki = absolute(&a.pki.dir)?;
    let text = fleet::render::snippet::render(&fleet::render::snippet::SnippetInputs {
        pki: &pki,
        broker: &a.broker,
        listen: a.listen,
        mtls_port: Some(a.mtls_port),
        psk,
        mosquitto: a.mosquitto,
    })?;
    match &a.out {
        Some(path) => {
            mqauth::atomic::write_file(
                path,
                text.as_bytes(),
                mqauth::atomic::Mode::Public,
                a.force,
            )?;
            ui.summary(format!("wrote {}", path.display()));
        }
        None => {
            use std::io::Write as _;
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(CliError::stdout)?;
        }
    }
    Ok(ExitStatus::Success)
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
    #[command(flatten)]
    manifest: ManifestArgs,
    /// Only this broker [default: all]
    #[arg(long, value_name = "NAME")]
    broker: Option<String>,
    #[command(flatten)]
    dir: FleetDirArg,
    #[command(flatten)]
    render: RenderArgs,
}

pub fn run(args: BrokerArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let a = match args.verb {
        BrokerVerb::Render(a) => a,
        BrokerVerb::Snippet(a) => {
            if args.manifest.given() {
                return Err(CliError::Usage(
                    "broker snippet takes no manifest (-m/--example are for broker render); \
                     it reads a plain PKI (--pki)"
                        .into(),
                ));
            }
            return snippet(a, ui);
        }
    };
    let manifest = args.manifest.merge(a.manifest)?;
    let fleet = manifest.load()?;
    let dir = manifest.fleet_dir(a.dir.dir.as_deref());
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
