//! Flags several commands share, declared once with their help (where the PKI is, the
//! passphrase, numbered batches, the fleet directory), and value parsers for the library's own
//! enums and durations.

use super::{CliError, Ui};
use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use mqauth::choice::Choice;
use mqauth::pki::Passphrase;
use std::path::{Path, PathBuf};

/// A value parser for a library enum, listing each value with its help.
pub fn choice<T: Choice>() -> impl TypedValueParser<Value = T> {
    choice_of(T::ALL)
}

/// Like [`choice`], limited to some of the enum's values.
pub fn choice_of<T: Choice>(values: &'static [T]) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(
        values
            .iter()
            .map(|v| PossibleValue::new(v.id()).help(v.help())),
    )
    .try_map(|s: String| T::from_id(&s).ok_or_else(|| format!("unknown value {s:?}")))
}

/// `--count N`: at least one, at most the one batch limit.
pub fn batch_count() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=mqauth::names::MAX_BATCH)
}

/// The PKI directory of every `pki` verb.
#[derive(Debug, Args)]
pub struct PkiDirArg {
    /// PKI directory
    #[arg(
        long = "pki",
        visible_alias = "dir",
        global = true,
        env = "MQAUTH_PKI_DIR",
        default_value = "pki",
        value_name = "DIR"
    )]
    pub dir: PathBuf,
}

/// The CA keys' passphrase.
#[derive(Debug, Args)]
pub struct PassphraseArg {
    /// File whose first line is the CA keys' passphrase: encrypts them at `pki init`, unlocks
    /// them when signing (a pipe such as <(pass show ca) works)
    #[arg(
        long,
        global = true,
        env = "MQAUTH_PASSPHRASE_FILE",
        value_name = "FILE"
    )]
    pub passphrase_file: Option<PathBuf>,
}

impl PassphraseArg {
    /// Reads the passphrase, warning when others may read its file.
    pub fn read(&self, ui: &Ui) -> Result<Option<Passphrase>, CliError> {
        read_passphrase(self.passphrase_file.as_deref(), ui)
    }
}

fn read_passphrase(path: Option<&Path>, ui: &Ui) -> Result<Option<Passphrase>, CliError> {
    let Some(path) = path else { return Ok(None) };
    let pass = Passphrase::from_file(path)?;
    if let Some(mode) = pass.loose_mode() {
        ui.warn(format!(
            "passphrase file {} is readable by others (mode {mode:04o}); chmod 600 {}",
            path.display(),
            path.display()
        ));
    }
    Ok(Some(pass))
}

/// A numbered batch: `--count N --template T --start K`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Make a numbered batch of N (1 to 1,000,000) named by --template
    #[arg(long, value_name = "N", value_parser = batch_count())]
    pub count: Option<u64>,
    /// Name template for --count: {n:04} is the number zero-padded to 4 digits, {n:01} the
    /// number unpadded
    #[arg(long, default_value = "device-{n:04}", requires = "count")]
    pub template: String,
    /// First number of the batch
    #[arg(long, default_value_t = 1, requires = "count", value_name = "K")]
    pub start: u64,
}

/// The fleet directory of `fleet plan|apply` and `broker render`.
#[derive(Debug, Args)]
pub struct FleetDirArg {
    /// Fleet directory: where the PKI, PSKs and broker files live [default: the manifest's
    /// directory]
    #[arg(long = "fleet-dir", alias = "out", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Drops the environment fallback of every argument whose variable is set to the empty
/// string: `MQAUTH_PASSPHRASE_FILE=` means "no passphrase file", not "a value is required".
pub fn forget_empty_env(cmd: clap::Command) -> clap::Command {
    let empty: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|a| {
            a.get_env()
                .and_then(std::env::var_os)
                .is_some_and(|v| v.is_empty())
        })
        .map(|a| a.get_id().clone())
        .collect();
    let mut cmd = cmd;
    for id in empty {
        cmd = cmd.mut_arg(id, |a| a.env(None::<&str>));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, forget_empty_env);
    }
    cmd
}

/// `--stack`, `--strict`, `--clock`, `--service-life`: what the devices' TLS stack and clock
/// can use, checked before anything is written.
#[derive(Debug, Args)]
pub struct StackArgs {
    /// The devices' TLS stack: warn when the credentials will not work on it
    #[arg(long, value_parser = choice::<mqauth::export::Stack>(), value_name = "STACK")]
    pub stack: Option<mqauth::export::Stack>,
    /// Refuse, instead of warning, when the credentials will not work on --stack or --clock
    #[arg(long)]
    pub strict: bool,
    /// Whether the devices keep time; `none` checks that certificates outlive --service-life
    #[arg(long, value_parser = choice::<mqauth::export::Clock>(), value_name = "CLOCK")]
    pub clock: Option<mqauth::export::Clock>,
    /// How long a device without a clock must work on one certificate
    #[arg(long, default_value = "3650d", value_parser = mqauth::lifetime::positive, value_name = "DURATION")]
    pub service_life: mqauth::lifetime::Lifetime,
}

impl StackArgs {
    /// Fills in what the flags state about the devices.
    pub fn facts<'a>(
        &self,
        mut facts: mqauth::export::StackFacts<'a>,
    ) -> mqauth::export::StackFacts<'a> {
        facts.clock = self.clock;
        facts.service_life = Some(self.service_life.duration().unsigned_abs());
        facts
    }

    /// Prints the findings; with --strict, a warning is an error.
    pub fn report(
        &self,
        facts: &mqauth::export::StackFacts<'_>,
        subject: &str,
        ui: &Ui,
    ) -> Result<(), CliError> {
        use mqauth::export::Severity;
        let findings = mqauth::export::check_stack(self.stack, facts);
        if self.strict
            && let Some(f) = findings.iter().find(|f| f.severity == Severity::Warning)
        {
            return Err(CliError::Refused(format!(
                "{subject}: {} (refused: --strict)",
                f.message
            )));
        }
        for f in findings {
            match f.severity {
                Severity::Warning => ui.warn(format!("{subject}: {}", f.message)),
                Severity::Note => ui.summary(format!("note: {subject}: {}", f.message)),
            }
        }
        Ok(())
    }
}

/// `--group`: what a broker running as its own user must read, given to its group.
#[derive(Debug, Args)]
pub struct GroupArg {
    /// Make the broker's key or PSK file readable by this group (mode 0640; the directories to
    /// it passable, not listable), so that a broker running as its own user (mosquitto) can
    /// read it; device and CA keys stay private
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
}

impl GroupArg {
    /// The group's id, looked up before any work is done.
    pub fn gid(&self) -> Result<Option<u32>, CliError> {
        self.group
            .as_deref()
            .map(|name| {
                mqauth::group::group_id(name)
                    .map_err(|why| CliError::Usage(format!("--group: {why}")))
            })
            .transpose()
    }
}
