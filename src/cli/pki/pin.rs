//! `pki pin`: the broker's public-key pin, alone, for firmware and `curl --pinnedpubkey`.

use super::PkiCommon;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::{Args, ValueEnum};
use mqauth::export::Sources;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PinFormat {
    /// sha256//BASE64, as curl's --pinnedpubkey takes it
    Curl,
    /// the SHA-256 in base64 (HPKP)
    Base64,
    /// the SHA-256 in lowercase hex
    Hex,
}

#[derive(Debug, Args)]
#[command(
    after_help = "The pin is the SHA-256 of the certificate's SubjectPublicKeyInfo: it \
    stays the same when the broker's certificate is renewed with the same key (`pki renew` keeps \
    keys), and changes when the key does.\n\n\
    Examples:\n  \
    mqauth pki pin broker1\n  \
    mqauth pki pin broker1 --format hex\n  \
    curl --pinnedpubkey \"$(mqauth pki pin broker1)\" https://broker1.example/"
)]
pub(super) struct PinArgs {
    /// A broker certificate of the PKI
    #[arg(value_name = "BROKER")]
    broker: String,
    /// How to write the pin
    #[arg(long, value_enum, default_value_t = PinFormat::Curl)]
    format: PinFormat,
}

pub(super) fn run(common: &PkiCommon, a: PinArgs, _ui: &Ui) -> Result<ExitStatus, CliError> {
    let sources = Sources::open(Some(common.dir()), None)?;
    let pin = sources.broker_facts(&a.broker)?.pin;
    println!(
        "{}",
        match a.format {
            PinFormat::Curl => pin.curl(),
            PinFormat::Base64 => pin.base64(),
            PinFormat::Hex => pin.hex(),
        }
    );
    Ok(ExitStatus::Success)
}
