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
    mqauth pki crl --ca root        # ca.crl.pem, covering the intermediate\n  \
    mqauth pki crl --refresh-before 3d   # from a timer: re-signs only when due\n\n\
    With --refresh-before the CRL is signed again only when its next update is closer than \
    that (or it is missing); otherwise nothing is touched and the CA key is not read. Either \
    way the exit status is 0, so a timer can run it hourly (examples/systemd/).")]
pub(super) struct CrlArgs {
    /// Lifetime of the CRL (its nextUpdate); re-sign before it passes, or brokers that check
    /// the CRL refuse every client
    #[arg(long = "lifetime", visible_alias = "days", value_parser = lifetime::positive, default_value_t = pki::DEFAULT_CRL_LIFETIME, value_name = "DURATION")]
    days: Lifetime,
    /// Which CA signs
    #[arg(long, default_value = "issuing", value_parser = choice::<CrlSigner>())]
    ca: CrlSigner,
    /// Sign only when the CRL's next update is closer than this (or it is missing): for a timer
    #[arg(long, value_parser = lifetime::positive, value_name = "DURATION")]
    refresh_before: Option<Lifetime>,
}

pub(super) fn run(common: &PkiCommon, a: CrlArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    if let Some(before) = a.refresh_before {
        let path = pki::crl_path(&pki::Layout::new(common.dir()), a.ca);
        if let Some(next) =
            pki::crl_current_until(&path, before.duration(), time::OffsetDateTime::now_utc())
        {
            ui.summary(format!(
                "{} is current until {} (more than {before} away): not signed again",
                path.display(),
                crate::cli::output::date(next)
            ));
            return Ok(ExitStatus::Success);
        }
    }
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
