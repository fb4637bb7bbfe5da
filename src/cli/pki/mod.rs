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

pub(super) fn passphrase(common: &PkiCommon) -> Result<Option<Passphrase>, CliError> {
    Ok(common
        .passphrase_file
        .as_deref()
        .map(Passphrase::from_file)
        .transpose()?)
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
    let pass = passphrase(common)?;
    let mut pki = Pki::open(&common.dir)?;
    let ca = SigningCa::issuing(&pki, pass.as_ref())?;
    let progress = Progress::new(ui, requests.len() as u64, "issuing");
    let entries = pki::issue(&mut pki, &ca, requests, opts, &progress.tick())?;
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
