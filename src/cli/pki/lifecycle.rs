//! `pki revoke`, `pki crl`, `pki renew`: the rest of a certificate's life.

use super::{PkiCommon, open_pki, passphrase};
use crate::cli::output::{count, date};
use crate::cli::progress::Progress;
use crate::cli::{CliError, Ui};
use clap::{Args, ValueEnum};
use mqauth::lifetime::Lifetime;
use mqauth::pki::{
    self, CrlInfo, Reason, RenewOptions, RenewSelection, RevokeTarget, Serial, SigningCa,
};

/// Revocation reasons as the command line spells them (RFC 5280 names).
fn reason_parser() -> impl clap::builder::TypedValueParser<Value = Reason> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Reason::ALL.map(Reason::id))
        .try_map(|s| s.parse::<Reason>())
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["name", "serial"]))]
pub(super) struct RevokeArgs {
    /// Revoke every unexpired certificate of this name (renewals without rekeying share a key)
    name: Option<String>,
    /// Revoke exactly the certificate with this serial (hex, colons allowed)
    #[arg(long, value_name = "HEX", value_parser = |s: &str| Serial::from_hex(s))]
    serial: Option<Serial>,
    /// Why, as recorded in the CRL
    #[arg(long, default_value = "unspecified", value_parser = reason_parser())]
    reason: Reason,
    /// Lifetime of the CRL published with the revocation (its nextUpdate)
    #[arg(value_parser = mqauth::lifetime::positive, long, default_value = "7d", value_name = "DURATION")]
    crl_days: Lifetime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum CrlCa {
    /// The CA that issues leaves: crl.pem
    Issuing,
    /// The root, covering the intermediate: ca.crl.pem
    Root,
}

#[derive(Debug, Args)]
pub(super) struct CrlArgs {
    /// Lifetime of the CRL (its nextUpdate); re-sign before it passes, or brokers that check
    /// the CRL refuse every client
    #[arg(value_parser = mqauth::lifetime::positive, long, default_value = "7d", value_name = "DURATION")]
    days: Lifetime,
    /// Which CA signs
    #[arg(long, value_enum, default_value_t = CrlCa::Issuing)]
    ca: CrlCa,
}

#[derive(Debug, Args)]
pub(super) struct RenewArgs {
    /// Renew these certificates, whatever their expiry
    #[arg(conflicts_with = "within")]
    names: Vec<String>,
    /// Renew every certificate that expires within this window (the default: 30d)
    #[arg(long, value_name = "DURATION")]
    within: Option<Lifetime>,
    /// Generate new keys instead of certifying the existing ones again
    #[arg(long)]
    rekey: bool,
    /// Lifetime of the new certificates [default: the same as the old ones]
    #[arg(value_parser = mqauth::lifetime::positive, long, value_name = "DURATION")]
    days: Option<Lifetime>,
}

fn crl_summary(crl: &CrlInfo) -> String {
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

pub(super) fn revoke(common: &PkiCommon, a: RevokeArgs, ui: &Ui) -> Result<u8, CliError> {
    let target = match (a.serial, a.name) {
        (Some(serial), _) => RevokeTarget::Serial(serial),
        (None, Some(name)) => RevokeTarget::Name(name),
        (None, None) => {
            return Err(CliError::Usage(
                "name a certificate or give --serial".into(),
            ));
        }
    };
    let pass = passphrase(common, ui)?;
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
    Ok(0)
}

pub(super) fn crl(common: &PkiCommon, a: CrlArgs, ui: &Ui) -> Result<u8, CliError> {
    let pass = passphrase(common, ui)?;
    let mut pki = open_pki(common, ui)?;
    let ca = match a.ca {
        CrlCa::Issuing => SigningCa::issuing(&pki, pass.as_ref())?,
        CrlCa::Root => SigningCa::root(&pki, pass.as_ref())?,
    };
    let info = pki::publish_crl(&mut pki, &ca, a.days)?;
    ui.summary(format!("signed by {}\n{}", info.issuer, crl_summary(&info)));
    Ok(0)
}

/// Per-certificate lines beyond this many are summarised.
const RENEW_LINES: usize = 50;

pub(super) fn renew(common: &PkiCommon, a: RenewArgs, ui: &Ui) -> Result<u8, CliError> {
    let window = a.within.unwrap_or(Lifetime::days(30));
    let selection = if a.names.is_empty() {
        RenewSelection::Within(window.duration())
    } else {
        RenewSelection::Names(a.names)
    };
    let pass = passphrase(common, ui)?;
    let mut pki = open_pki(common, ui)?;
    let opts = RenewOptions {
        rekey: a.rekey,
        lifetime: a.days,
    };
    let chosen = pki::renew_selection(&pki, &selection, opts)?;
    if chosen.is_empty() {
        ui.summary(match &selection {
            RenewSelection::Names(names) => format!(
                "nothing to renew: renewing {} again now would not extend {} by a day (it was just renewed; --rekey gives new keys anyway)",
                names.join(", "),
                if names.len() == 1 { "it" } else { "them" }
            ),
            RenewSelection::Within(_) => format!(
                "nothing to renew: no certificate in force expires within {window} (renewing one that was just renewed would not extend it)"
            ),
        });
        return Ok(0);
    }
    // Only now is the CA key needed: a scheduled run with nothing to do never unlocks it.
    let ca = SigningCa::issuing(&pki, pass.as_ref())?;
    let progress = Progress::new(ui, chosen.len() as u64, "renewing");
    let renewed = pki::renew(&mut pki, &ca, chosen, opts, &progress.tick())?;
    drop(progress);
    let cut = renewed.iter().find_map(|r| {
        let asked = opts
            .lifetime
            .map(|l| l.duration())
            .unwrap_or(r.old.not_after - r.old.not_before - pki::BACKDATE);
        pki::cut_short(&r.new, asked)
    });
    if let Some(end) = cut {
        ui.warn(format!(
            "renewed certificates are valid only until {}, when the issuing CA expires: no certificate outlives the CA that signs it",
            date(end)
        ));
    }
    let mut lines: Vec<String> = renewed
        .iter()
        .take(RENEW_LINES)
        .map(|r| {
            format!(
                "renewed {} {}: serial {} -> {}, valid until {} ({})",
                r.new.profile,
                r.new.name,
                r.old.serial,
                r.new.serial,
                date(r.new.not_after),
                if r.rekeyed { "new key" } else { "same key" }
            )
        })
        .collect();
    if renewed.len() > RENEW_LINES {
        lines.push(format!(
            "... and {} more (see `mqauth pki list`)",
            renewed.len() - RENEW_LINES
        ));
    }
    lines.push(format!(
        "{} renewed; the previous ones are marked superseded",
        count(renewed.len(), "certificate", "certificates")
    ));
    ui.summary(lines.join("\n"));
    Ok(0)
}
