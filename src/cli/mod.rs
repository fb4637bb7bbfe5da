//! The command line: clap declarations, one file per verb, and the formatting of results.
//! Every flag is declared once, with its help and an example per command; `--help`, the man
//! pages and the completions all come from these declarations.

mod acl;
mod args;
mod audit;
mod broker;
mod enroll;
mod error;
mod escape;
mod exit;
mod export;
mod flag_hints;
pub(crate) mod fleet;
mod generate;
mod inspect;
mod output;
mod pki;
mod progress;
mod psk;
mod storm;
mod table;
mod ui;
mod verify;

use clap::{Args, Parser, Subcommand, ValueEnum};
pub use error::CliError;
pub use escape::escape;
pub use exit::ExitStatus;
pub use ui::Ui;

#[derive(Debug, Parser)]
#[command(
    name = "mqauth",
    version,
    about = "PKI and PSK toolkit for MQTT device fleets",
    long_about = "PKI and PSK toolkit for MQTT device fleets.\n\n\
        Gives every device and broker its own credentials - X.509 certificates for mutual TLS or \
        TLS pre-shared keys - and renders the broker's configuration and least-privilege ACLs.",
    after_help = "Examples:\n  \
        mqauth fleet init && mqauth fleet apply     # a whole fleet from fleet.yaml\n  \
        mqauth pki init && mqauth pki broker broker1 --dns mqtt.example.com\n  \
        mqauth pki client --count 100               # device-0001 .. device-0100\n  \
        mqauth psk gen --count 100 --out psk.txt\n  \
        mqauth inspect pki/issued --warn-days 30\n\n\
        Exit codes: 0 success, 1 runtime error, 2 usage error; checks use 3 for warnings only \
        and 4 for problems; `fleet plan --exit-code` uses 5 for pending changes.",
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
    /// Print no summary on stderr (errors and warnings are still printed)
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
    Inspect(inspect::InspectArgs),
    /// Verify certificate chains like `openssl verify`: signatures, validity, CA flags, purpose,
    /// revocation
    Verify(verify::VerifyArgs),
    /// Fleet manifests: plan and apply every credential and broker file from one YAML file
    Fleet(fleet::FleetArgs),
    /// Render the fleet's ACL (Mosquitto acl_file, dynamic-security JSON, EMQX acl.conf)
    Acl(acl::AclArgs),
    /// Render complete broker configurations (Mosquitto, EMQX) for the fleet
    Broker(broker::BrokerArgs),
    /// Enrollment over MQTT: devices trade a CSR for a certificate, and renew in the field
    Enroll(enroll::EnrollArgs),
    /// Find the classic mistakes in an existing Mosquitto deployment (ACLs, PSKs, certificates,
    /// CRLs, listeners)
    Audit(audit::AuditArgs),
    /// Hand devices their credentials: directories, PEM, DER, PKCS#12, C headers, JSON, env,
    /// and factory streams, with the broker's address and pin
    Export(export::ExportArgs),
    /// Measure what a reconnect storm costs the broker, with the fleet's own credentials
    /// (PSK vs certificates side by side with --compare)
    Storm(storm::StormArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell
    Completions(generate::CompletionsArgs),
    /// Write one man page per command into DIR
    Man(generate::ManArgs),
    /// Write the man pages or shell completions (how `man/` and `completions/` are made)
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<ExitStatus, CliError> {
    let ui = Ui::new(&cli.global);
    mqauth::lock::configure(mqauth::lock::WaitPolicy {
        timeout: cli.global.lock_timeout,
        on_wait: Some(announce_wait),
    });
    match cli.command {
        Command::Pki(args) => pki::run(args, &ui),
        Command::Psk(args) => psk::run(args, &ui),
        Command::Inspect(args) => inspect::run(args, &ui),
        Command::Verify(args) => verify::run(args, &ui),
        Command::Fleet(args) => fleet::run(args, &ui),
        Command::Acl(args) => acl::run(args, &ui),
        Command::Broker(args) => broker::run(args, &ui),
        Command::Enroll(args) => enroll::run(args, &ui),
        Command::Export(args) => export::run(args, &ui),
        Command::Audit(args) => audit::run(args, &ui),
        Command::Storm(args) => storm::run(args, &ui),
        Command::Completions(args) => generate::print_completions(args),
        Command::Man(args) => generate::write_man(args, &ui),
        Command::Generate(args) => generate::run(args, &ui),
    }
}

/// Said once per lock another process holds, so a wait is never silent.
fn announce_wait(path: &std::path::Path) {
    eprintln!(
        "waiting for {} held by another mqauth (giving up after --lock-timeout)...",
        escape(&path.display().to_string())
    );
}

/// The clap command, ready to parse: colours as `--color`/`NO_COLOR` ask even for clap's own
/// errors, and an environment variable set to the empty string counts as unset.
pub fn command(args: &[std::ffi::OsString]) -> clap::Command {
    use clap::CommandFactory;
    let color = match early_color(args) {
        ColorChoice::Always => clap::ColorChoice::Always,
        ColorChoice::Never => clap::ColorChoice::Never,
        ColorChoice::Auto => clap::ColorChoice::Auto,
    };
    args::forget_empty_env(Cli::command().color(color))
}

/// `--color` as given (before clap has parsed anything), or NO_COLOR.
fn early_color(args: &[std::ffi::OsString]) -> ColorChoice {
    let mut choice = None;
    let mut iter = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        let value = match arg.strip_prefix("--color") {
            Some("") => iter.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => continue,
        };
        choice = match value.as_deref() {
            Some("always") => Some(ColorChoice::Always),
            Some("never") => Some(ColorChoice::Never),
            Some("auto") => Some(ColorChoice::Auto),
            _ => choice,
        };
    }
    match choice {
        Some(c) => c,
        None if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => ColorChoice::Never,
        None => ColorChoice::Auto,
    }
}
