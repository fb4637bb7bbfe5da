//! `pki crl`: re-sign a CRL before its next update passes.

use super::revoke::crl_summary;
use super::{PkiCommon, open_pki};
use crate::cli::args::choice;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::lifetime::{self, Lifetime};
use mqauth::pki::{self, CrlSigner, SigningCa};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth pki crl                  # crl.pem, valid 7 days: run it daily\n  \
    mqauth pki crl --lifetime 30d\n  \
    mqauth pki crl --ca root        # ca.crl.pem, covering the intermediate")]
pub(super) struct CrlArgs {
    /// Lifetime of the CRL (its nextUpdate); re-sign before it passes, or brokers that check
    /// the CRL refuse every client
    #[arg(long = "lifetime", visible_alias = "days", value_parser = lifetime::positive, default_value_t = pki::DEFAULT_CRL_LIFETIME, value_name = "DURATION")]
    days: Lifetime,
    /// Which CA signs
    #[arg(long, default_value = "issuing", value_parser = choice::<CrlSigner>())]
    ca: CrlSigner,
}

pub(super) fn run(common: &PkiCommon, a: CrlArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let pass = common.passphrase(ui)?;
    let mut pki = open_pki(common, ui)?;
    let ca = match a.ca {
        CrlSigner::Issuing => SigningCa::issuing(&pki, pass.as_ref())?,
        CrlSigner::Root => SigningCa::root(&pki, pass.as_ref())?,
    };
    let info = pki::publish_crl(&mut pki, &ca, a.days)?;
    ui.summary(format!("signed by {}\n{}", info.issuer, crl_summary(&info)));
    Ok(ExitStatus::Success)
}
