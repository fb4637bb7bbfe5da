//! `mqauth pki …`: the certificate authority, one file per verb.

mod broker;
mod client;
mod crl;
mod hsm;
mod init;
mod list;
mod migrate;
mod pin;
mod renew;
mod revoke;
mod sign;

use super::args::{PassphraseArg, PkiDirArg};
use super::output::date;
use super::progress::Progress;
use super::{CliError, ExitStatus, Ui};
use clap::{Args, Subcommand};
use mqauth::pki::{
    self, Entry, IssueOptions, KeyAlgorithm, LeafRequest, Passphrase, Pki, SigningCa,
};

#[derive(Debug, Args)]
#[command(
    after_help = "Every verb takes --pki DIR (default ./pki, or MQAUTH_PKI_DIR) and \
    --passphrase-file FILE, before or after the verb.\n\n\
    Examples:\n  \
    mqauth pki init --name \"Acme Fleet CA\"\n  \
    mqauth pki broker broker1 --dns mqtt.acme.example\n  \
    mqauth pki client --count 100\n  \
    mqauth pki list --expiring 30d"
)]
pub struct PkiArgs {
    #[command(flatten)]
    common: PkiCommon,
    #[command(subcommand)]
    verb: PkiVerb,
}

/// What every `pki` verb takes: the directory and the CA keys' passphrase.
#[derive(Debug, Args)]
pub(super) struct PkiCommon {
    #[command(flatten)]
    pki: PkiDirArg,
    #[command(flatten)]
    passphrase: PassphraseArg,
}

impl PkiCommon {
    fn dir(&self) -> &std::path::Path {
        &self.pki.dir
    }

    fn passphrase(&self, ui: &Ui) -> Result<Option<Passphrase>, CliError> {
        self.passphrase.read(ui)
    }
}

#[derive(Debug, Subcommand)]
enum PkiVerb {
    /// Create a root CA and an intermediate issuing CA
    Init(Box<init::InitArgs>),
    /// Issue a broker (server) certificate with subject alternative names
    Broker(broker::BrokerArgs),
    /// Issue client certificates, one key per device (CN = device ID)
    Client(client::ClientArgs),
    /// Sign a certificate signing request whose key was made elsewhere (a secure element)
    Sign(sign::SignArgs),
    /// List the certificates the PKI issued
    List(list::ListArgs),
    /// Revoke a certificate and publish a new CRL
    Revoke(revoke::RevokeArgs),
    /// Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)
    Crl(crl::CrlArgs),
    /// Re-issue certificates that expire soon (or the named ones), keeping their keys
    Renew(renew::RenewArgs),
    /// Print a broker's public-key pin (SHA-256 of its SubjectPublicKeyInfo)
    Pin(pin::PinArgs),
    /// CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)
    Hsm(hsm::HsmArgs),
    /// Move the records from pki.db into an empty PostgreSQL database
    Migrate(migrate::MigrateArgs),
}

pub fn run(args: PkiArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let common = &args.common;
    match args.verb {
        PkiVerb::Init(a) => init::run(common, *a, ui),
        PkiVerb::Broker(a) => broker::run(common, a, ui),
        PkiVerb::Client(a) => client::run(common, a, ui),
        PkiVerb::Sign(a) => sign::run(common, a, ui),
        PkiVerb::List(a) => list::run(common, a, ui),
        PkiVerb::Revoke(a) => revoke::run(common, a, ui),
        PkiVerb::Crl(a) => crl::run(common, a, ui),
        PkiVerb::Renew(a) => renew::run(common, a, ui),
        PkiVerb::Pin(a) => pin::run(common, a, ui),
        PkiVerb::Hsm(a) => hsm::run(common, a, ui),
        PkiVerb::Migrate(a) => migrate::run(common, a, ui),
    }
}

/// `--key` of the commands that make keys, and `--force`.
#[derive(Debug, Args)]
struct LeafArgs {
    /// Key type for new keys [default: the PKI's key type]
    #[arg(long, value_parser = super::args::choice::<KeyAlgorithm>())]
    key: Option<KeyAlgorithm>,
    /// Replace existing files and supersede a certificate already in force for the name
    #[arg(long)]
    force: bool,
}

impl LeafArgs {
    /// `--key`, or the PKI's key type: read from the PKI opened for the change, so that one
    /// certificate costs one opening of the database.
    fn key(&self, pki: &Pki) -> Result<KeyAlgorithm, CliError> {
        match self.key {
            Some(k) => Ok(k),
            None => Ok(pki.records().settings().map_err(pki::PkiError::from)?.key),
        }
    }
}

/// The key type a command will generate, read before anything is issued (for `--stack`).
fn planned_key(common: &PkiCommon, given: Option<KeyAlgorithm>) -> Result<KeyAlgorithm, CliError> {
    match given {
        Some(k) => Ok(k),
        None => {
            let (records, _) = pki::read_records(common.dir())?;
            Ok(records.settings().map_err(pki::PkiError::from)?.key)
        }
    }
}

/// Opens the PKI for changes, and says what opening it found: an interrupted run finished or
/// undone, secrets that others can read.
fn open_pki(common: &PkiCommon, ui: &Ui) -> Result<Pki, CliError> {
    open_pki_at(common.dir(), ui)
}

/// [`open_pki`] for a command outside `pki` that changes the PKI at `dir` (`enroll allow`).
pub(super) fn open_pki_at(dir: &std::path::Path, ui: &Ui) -> Result<Pki, CliError> {
    let pki = Pki::open(dir)?;
    if let Some(m) = pki.migration() {
        note_migration(m, ui);
    }
    if let Some(r) = pki.recovery() {
        let dir = pki.layout().dir().display();
        ui.warn(if r.finished {
            format!(
                "finished an interrupted run on {dir} (its {} files were in place; removed the backups it kept)",
                r.files
            )
        } else {
            format!(
                "undid an interrupted run on {dir}: its {} files were removed or restored, so it left no trace; run it again",
                r.files
            )
        });
    }
    for exposed in pki::exposed_ca_secrets(pki.layout()) {
        ui.warn(exposed.to_string());
    }
    Ok(pki)
}

/// Said once, by the command that moved an `index.json` into `pki.db`.
fn note_migration(m: &pki::Migration, ui: &Ui) {
    ui.warn(format!(
        "moved the {} records of {} into pki.db; the old file is kept as {}",
        m.certificates,
        m.from.display(),
        m.kept_as.display()
    ));
}

/// Opens the PKI, loads the issuing CA and issues `requests`, with a progress bar; warns when
/// the CA's expiry cut the lifetime asked for.
fn issue_all(
    common: &PkiCommon,
    requests: impl FnOnce(&Pki) -> Result<Vec<LeafRequest>, CliError>,
    opts: IssueOptions,
    ui: &Ui,
) -> Result<(Pki, Vec<Entry>), CliError> {
    let pass = common.passphrase(ui)?;
    let mut pki = open_pki(common, ui)?;
    let requests = &requests(&pki)?;
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
            date(end),
            opts.lifetime
        ));
    }
    Ok((pki, entries))
}
