//! `pki sign`: a certificate for a key made elsewhere (a secure element, a TPM).

use super::broker::sans_from;
use super::{PkiCommon, issue_all};
use crate::cli::args::choice_of;
use crate::cli::output::date;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::lifetime::{self, Lifetime};
use mqauth::pki::{self, IssueOptions, Profile};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    after_help = "The CSR's self-signature is checked and a request for CA rights is \
    refused; only its public key and CN are used.\n\n\
    Examples:\n  \
    mqauth pki sign --csr device.csr                     # client profile, CN from the CSR\n  \
    mqauth pki sign --csr edge.csr --profile broker --ip 10.0.0.5"
)]
pub(super) struct SignArgs {
    /// The certificate signing request (PEM or DER)
    #[arg(long, value_name = "FILE")]
    csr: PathBuf,
    /// Certificate profile to issue
    #[arg(long, default_value = "client", value_parser = choice_of(&[Profile::Client, Profile::Broker]))]
    profile: Profile,
    /// Name (CN and file name) [default: the CSR's CN]
    #[arg(long)]
    name: Option<String>,
    /// Lifetime [default: 365d for clients, 825d for brokers]
    #[arg(long = "lifetime", visible_alias = "days", value_parser = lifetime::positive, value_name = "DURATION")]
    days: Option<Lifetime>,
    /// Extra DNS name for a broker certificate (repeatable)
    #[arg(long = "dns", value_name = "NAME")]
    dns: Vec<String>,
    /// Extra IP address for a broker certificate (repeatable)
    #[arg(long = "ip", value_name = "ADDR")]
    ip: Vec<String>,
    /// Replace an existing certificate file and supersede the one in force
    #[arg(long)]
    force: bool,
}

pub(super) fn run(common: &PkiCommon, a: SignArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let profile = a.profile;
    if profile == Profile::Client && !(a.dns.is_empty() && a.ip.is_empty()) {
        return Err(CliError::Usage(
            "--dns and --ip apply to --profile broker; client certificates are identified by their CN".into(),
        ));
    }
    let csr = pki::read_csr(&a.csr)?;
    let dropped_sans = profile == Profile::Client && !csr.sans.is_empty();
    let request = csr.into_leaf_request(profile, a.name, sans_from(&a.dns, &a.ip)?)?;
    let opts = IssueOptions {
        lifetime: a.days.unwrap_or(profile.default_lifetime()),
        force: a.force,
    };
    let (pki, entries) = issue_all(common, |_| Ok(vec![request]), opts, ui)?;
    if dropped_sans {
        ui.warn("the CSR's subject alternative names were dropped: client certificates carry only CN = device ID");
    }
    for e in &entries {
        ui.summary(format!(
            "signed {} certificate {} from {} (serial {}, {}, valid until {})\n  certificate  {}",
            e.profile,
            e.name,
            a.csr.display(),
            e.serial,
            e.key.label(),
            date(e.not_after),
            pki.layout().leaf_cert(&e.name).display()
        ));
    }
    Ok(ExitStatus::Success)
}
