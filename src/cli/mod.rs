//! Command-line layer: clap declarations and one handler module per noun. Every flag is declared
//! once here, with its help text; `--help`, the man pages and the completions come from it.

mod error;
mod escape;
mod fleet;
mod inspect;
mod output;
mod pki;
mod progress;
mod psk;
mod table;
mod ui;

#[cfg(test)]
mod generated;

use clap::{Args, Parser, Subcommand, ValueEnum};
pub use error::CliError;
pub use escape::escape;
pub use ui::Ui;

#[derive(Debug, Parser)]
#[command(
    name = "mqauth",
    version,
    about = "PKI and PSK toolkit for MQTT device fleets",
    long_about = "PKI and PSK toolkit for MQTT device fleets.\n\n\
        Gives every device and broker its own credentials - X.509 certificates for mutual TLS or \
        TLS pre-shared keys - and renders the broker's configuration and least-privilege ACLs.",
    after_help = "Exit codes: 0 success, 1 runtime error, 2 usage error; checks use 3 for \
        warnings only and 4 for problems.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print no summary on stderr (errors are still printed)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// When to colour output; NO_COLOR in the environment means never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// How long to wait for a lock held by another mqauth (pki/.lock, a PSK file's or fleet
    /// directory) before giving up with exit code 1: seconds, or with s, m or h
    #[arg(
        long,
        global = true,
        env = "MQAUTH_LOCK_TIMEOUT",
        default_value = "30s",
        value_name = "DURATION",
        value_parser = mqauth::lifetime::parse_wait
    )]
    pub lock_timeout: std::time::Duration,
}

/// `--count N`: at least one, at most the one batch limit.
pub(crate) fn batch_count() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=mqauth::names::MAX_BATCH)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Certificate authority: root and intermediate CA, broker and client certificates, CSRs
    Pki(pki::PkiArgs),
    /// TLS pre-shared keys: per-device batches, rotation, revocation, linting
    Psk(psk::PskArgs),
    /// Show certificates (files, bundles, directories) with their expiry and status
    #[command(
        after_help = "Exit codes: 0 all valid, 3 some expiring within --warn-days, 4 any \
        expired, not yet valid, revoked, unparseable or (with --pki) mismatched; 1 when nothing \
        could be read.\n\nExamples:\n  mqauth inspect pki/issued --sort expiry\n  \
        mqauth inspect /etc/mosquitto/certs --warn-days 14 --json\n  mqauth inspect --pki pki"
    )]
    Inspect(inspect::InspectArgs),
    /// Verify certificate chains like `openssl verify`: signatures, validity, CA flags, purpose,
    /// revocation
    #[command(
        after_help = "Exit codes: 0 every certificate verified, 4 otherwise.\n\n\
        Example:\n  mqauth verify --ca pki/ca.crt --untrusted pki/intermediate.crt --purpose client \
        --crl pki/crl.pem pki/issued/*.crt"
    )]
    Verify(inspect::VerifyArgs),
    /// Fleet manifests: plan and apply every credential and broker file from one YAML file
    Fleet(fleet::FleetArgs),
    /// Render the fleet's ACL (Mosquitto acl_file, dynamic-security JSON, EMQX acl.conf)
    Acl(fleet::AclArgs),
    /// Render complete broker configurations (Mosquitto, EMQX) for the fleet
    Broker(fleet::BrokerArgs),
}

/// Said once per lock another process holds, so a wait is never silent.
fn announce_wait(path: &std::path::Path) {
    eprintln!(
        "waiting for {} held by another mqauth (giving up after --lock-timeout)...",
        escape(&path.display().to_string())
    );
}

/// Runs the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<u8, CliError> {
    let ui = Ui::new(&cli.global);
    mqauth::lock::configure(mqauth::lock::WaitPolicy {
        timeout: cli.global.lock_timeout,
        on_wait: Some(announce_wait),
    });
    match cli.command {
        Command::Pki(args) => pki::run(args, &ui),
        Command::Psk(args) => psk::run(args, &ui),
        Command::Inspect(args) => inspect::run_inspect(args, &ui),
        Command::Verify(args) => inspect::run_verify(args, &ui),
        Command::Fleet(args) => fleet::run_fleet(args, &ui),
        Command::Acl(args) => fleet::run_acl(args, &ui),
        Command::Broker(args) => fleet::run_broker(args, &ui),
    }
}
