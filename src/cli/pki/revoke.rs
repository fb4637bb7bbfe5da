//! `pki revoke`: withdraw a certificate and publish the CRL that says so.

use super::{PkiCommon, open_pki};
use crate::cli::args::choice;
use crate::cli::output::date;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::lifetime::{self, Lifetime};
use mqauth::pki::{self, CrlInfo, Reason, RevokeTarget, Serial, SigningCa};

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["name", "serial"]))]
#[command(after_help = "Examples:\n  \
    mqauth pki revoke sensor-0042 --reason keyCompromise\n  \
    mqauth pki revoke --serial 4aaee933b9c9c0e28bf90de6113be8bb --reason superseded")]
pub(super) struct RevokeArgs {
    /// Revoke every unexpired certificate of this name (renewals without rekeying share a key)
    name: Option<String>,
    /// Revoke exactly the certificate with this serial (hex, colons allowed)
    #[arg(long, value_name = "HEX", value_parser = |s: &str| Serial::from_hex(s))]
    serial: Option<Serial>,
    /// Why, as recorded in the CRL
    #[arg(long, default_value = "unspecified", value_parser = choice::<Reason>())]
    reason: Reason,
    /// Lifetime of the CRL published with the revocation (its nextUpdate)
    #[arg(long = "crl-lifetime", visible_alias = "crl-days", value_parser = lifetime::positive, default_value_t = pki::DEFAULT_CRL_LIFETIME, value_name = "DURATION")]
    crl_days: Lifetime,
}

pub(super) fn crl_summary(crl: &CrlInfo) -> String {
    format!(
        "published {} (CRL number {}, {} revoked, next update {})\n  \
         Mosquitto reads crlfile at start and on SIGHUP: reload brokers to enforce it, and \
         re-sign before the next update, after which every client is refused",
        crl.path.display(),
        crl.number,
        crl.revoked,
        date(crl.next_update)
    )
}

pub(super) fn run(common: &PkiCommon, a: RevokeArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let target = match (a.serial, a.name) {
        (Some(serial), _) => RevokeTarget::Serial(serial),
        (None, Some(name)) => RevokeTarget::Name(name),
        (None, None) => {
            return Err(CliError::Usage(
                "name a certificate or give --serial".into(),
            ));
        }
    };
    let pass = common.passphrase(ui)?;
    let mut pki = open_pki(common, ui)?;
    let ca = SigningCa::issuing(&pki, pass.as_ref())?;
    let outcome = pki::revoke(
        &mut pki,
        &ca,
        std::slice::from_ref(&target),
        a.reason,
        a.crl_days,
    )?;
    let mut lines: Vec<String> = outcome
        .revoked
        .iter()
        .map(|e| {
            format!(
                "revoked {} {} (serial {}, reason {})",
                e.profile, e.name, e.serial, a.reason
            )
        })
        .collect();
    lines.push(crl_summary(&outcome.crl));
    ui.summary(lines.join("\n"));
    Ok(ExitStatus::Success)
}
