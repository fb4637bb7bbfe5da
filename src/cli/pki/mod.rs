//! `mqauth pki …`: argument handling for the certificate authority, one file per group of verbs.

mod issue;
mod lifecycle;
mod list;

use super::progress::Progress;
use super::{CliError, Ui};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand};
use mqauth::lifetime::Lifetime;
use mqauth::pki::{
    self, Entry, IssueOptions, KeyAlgorithm, LeafRequest, Passphrase, Pki, SigningCa,
};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct PkiArgs {
    #[command(flatten)]
    common: PkiCommon,
    #[command(subcommand)]
    verb: PkiVerb,
}

#[derive(Debug, Args)]
pub(super) struct PkiCommon {
    /// PKI directory
    #[arg(
        long,
        global = true,
        env = "MQAUTH_PKI_DIR",
        default_value = "pki",
        value_name = "DIR"
    )]
    pub(super) dir: PathBuf,
    /// File whose first line is the CA keys' passphrase (encrypts them at init, unlocks them
    /// when signing)
    #[arg(
        long,
        global = true,
        env = "MQAUTH_PASSPHRASE_FILE",
        value_name = "FILE"
    )]
    pub(super) passphrase_file: Option<PathBuf>,
}

pub(super) fn key_parser() -> impl TypedValueParser<Value = KeyAlgorithm> {
    PossibleValuesParser::new(KeyAlgorithm::ALL.map(KeyAlgorithm::id))
        .try_map(|s| s.parse::<KeyAlgorithm>())
}

#[derive(Debug, Subcommand)]
enum PkiVerb {
    /// Create a root CA and an intermediate issuing CA
    #[command(
        after_help = "Writes ca.crt, ca.key, intermediate.crt, intermediate.key, chain.pem \
        and index.json in the PKI directory. Refuses to run over an existing PKI."
    )]
    Init(issue::InitArgs),
    /// Issue a broker (server) certificate with subject alternative names
    Broker(issue::BrokerArgs),
    /// Issue client certificates, one key per device (CN = device ID)
    #[command(after_help = "Examples:\n  mqauth pki client sensor-1 sensor-2\n  \
        mqauth pki client --count 1000 --template \"device-{n:04}\" --start 1")]
    Client(issue::ClientArgs),
    /// Sign a certificate signing request whose key was made elsewhere (a secure element)
    Sign(issue::SignArgs),
    /// List the certificates in index.json
    List(list::ListArgs),
    /// Revoke a certificate and publish a new CRL
    #[command(
        after_help = "Examples:\n  mqauth pki revoke sensor-0042 --reason keyCompromise\n  \
        mqauth pki revoke --serial 4aaee933b9c9c0e28bf90de6113be8bb --reason superseded"
    )]
    Revoke(lifecycle::RevokeArgs),
    /// Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)
    Crl(lifecycle::CrlArgs),
    /// Re-issue certificates that expire soon (or the named ones), keeping their keys
    #[command(after_help = "Examples:\n  mqauth pki renew --within 30d\n  \
        mqauth pki renew broker1 --rekey")]
    Renew(lifecycle::RenewArgs),
}

pub fn run(args: PkiArgs, ui: &Ui) -> Result<u8, CliError> {
    let common = &args.common;
    match args.verb {
        PkiVerb::Init(a) => issue::init(common, a, ui),
        PkiVerb::Broker(a) => issue::broker(common, a, ui),
        PkiVerb::Client(a) => issue::client(common, a, ui),
        PkiVerb::Sign(a) => issue::sign(common, a, ui),
        PkiVerb::List(a) => list::list(common, a, ui),
        PkiVerb::Revoke(a) => lifecycle::revoke(common, a, ui),
        PkiVerb::Crl(a) => lifecycle::crl(common, a, ui),
        PkiVerb::Renew(a) => lifecycle::renew(common, a, ui),
    }
}

pub(super) fn passphrase(common: &PkiCommon, ui: &Ui) -> Result<Option<Passphrase>, CliError> {
    read_passphrase(common.passphrase_file.as_deref(), ui)
}

/// Reads a passphrase file, warning when others may read it.
pub(crate) fn read_passphrase(
    path: Option<&std::path::Path>,
    ui: &Ui,
) -> Result<Option<Passphrase>, CliError> {
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

/// Opens the PKI for changes, and says what opening it found: an interrupted run finished or
/// undone, secrets that others can read.
pub(super) fn open_pki(common: &PkiCommon, ui: &Ui) -> Result<Pki, CliError> {
    let pki = Pki::open(&common.dir)?;
    report_opened(&pki, ui);
    Ok(pki)
}

pub(crate) fn report_opened(pki: &Pki, ui: &Ui) {
    if let Some(r) = pki.recovery() {
        ui.warn(if r.finished {
            format!(
                "finished an interrupted run on {} (its {} files were in place; removed the backups it kept)",
                pki.layout().dir().display(),
                r.files
            )
        } else {
            format!(
                "undid an interrupted run on {}: its {} files were removed or restored, so it left no trace; run it again",
                pki.layout().dir().display(),
                r.files
            )
        });
    }
    for exposed in pki::exposed_ca_secrets(pki.layout()) {
        ui.warn(exposed.to_string());
    }
}

pub(super) fn lifetime_options(days: Lifetime, force: bool) -> IssueOptions {
    IssueOptions {
        lifetime: days,
        force,
    }
}

/// Opens the PKI, loads the issuing CA and issues `requests`, with a progress bar.
pub(super) fn issue_all(
    common: &PkiCommon,
    requests: &[LeafRequest],
    opts: IssueOptions,
    ui: &Ui,
) -> Result<(Pki, Vec<Entry>), CliError> {
    let pass = passphrase(common, ui)?;
    let mut pki = open_pki(common, ui)?;
    let ca = SigningCa::issuing(&pki, pass.as_ref())?;
    let progress = Progress::new(ui, requests.len() as u64, "issuing");
    let entries = pki::issue(&mut pki, &ca, requests, opts, &progress.tick())?;
    drop(progress);
    if let Some(end) = entries
        .iter()
        .find_map(|e| pki::cut_short(e, opts.lifetime.duration()))
    {
        ui.warn(format!(
            "valid only until {}, when the issuing CA expires, not for the {} asked for: no certificate outlives the CA that signs it",
            crate::cli::output::date(end),
            opts.lifetime
        ));
    }
    Ok((pki, entries))
}

pub(super) fn leaf_key(
    common: &PkiCommon,
    key: Option<KeyAlgorithm>,
) -> Result<KeyAlgorithm, CliError> {
    match key {
        Some(k) => Ok(k),
        None => Ok(pki::read_only_index(&common.dir)?.key),
    }
}
