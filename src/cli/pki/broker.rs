//! `pki broker`: a server certificate with the names clients dial.

use super::{LeafArgs, PkiCommon, issue_all};
use crate::cli::output::date;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::lifetime::{self, Lifetime};
use mqauth::pki::{IssueOptions, LeafKey, LeafRequest, Profile, San};

#[derive(Debug, Args)]
#[command(
    after_help = "At least one --dns or --ip: TLS clients check the broker against the \
    subject alternative names, never against the CN.\n\n\
    Examples:\n  \
    mqauth pki broker broker1 --dns mqtt.acme.example --ip 10.0.0.5\n  \
    mqauth pki broker broker1 --dns mqtt.acme.example --force    # re-issue, new key\n  \
    mqauth pki broker broker1 --dns mqtt.acme.example --group mosquitto --stack mbedtls2"
)]
pub(super) struct BrokerArgs {
    /// Broker name: file name and CN
    name: String,
    /// DNS name clients use to reach the broker (repeatable)
    #[arg(long = "dns", value_name = "NAME")]
    dns: Vec<String>,
    /// IP address clients use to reach the broker (repeatable)
    #[arg(long = "ip", value_name = "ADDR")]
    ip: Vec<String>,
    /// Lifetime of the certificate (e.g. 825d, 2y)
    #[arg(long = "lifetime", visible_alias = "days", value_parser = lifetime::positive, default_value_t = Profile::Broker.default_lifetime(), value_name = "DURATION")]
    days: Lifetime,
    #[command(flatten)]
    leaf: LeafArgs,
    #[command(flatten)]
    group: crate::cli::args::GroupArg,
    #[command(flatten)]
    stack: crate::cli::args::StackArgs,
}

/// The SANs `--dns` and `--ip` ask for.
pub(super) fn sans_from(dns: &[String], ip: &[String]) -> Result<Vec<San>, CliError> {
    let mut sans = Vec::with_capacity(dns.len() + ip.len());
    for d in dns {
        sans.push(San::dns(d)?);
    }
    for i in ip {
        sans.push(San::ip(i)?);
    }
    Ok(sans)
}

pub(super) fn run(common: &PkiCommon, a: BrokerArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let sans = sans_from(&a.dns, &a.ip)?;
    let gid = a.group.gid()?;
    if a.stack.stack.is_some() {
        let key = super::planned_key(common, a.leaf.key)?;
        let layout = mqauth::pki::Layout::new(common.dir());
        let mut facts = mqauth::export::StackFacts {
            broker_sans: Some(&sans),
            chain_keys: mqauth::export::pki_ca_keys(&layout),
            ..Default::default()
        };
        facts.chain_keys.push(("the broker's certificate", key));
        a.stack.report(&a.stack.facts(facts), &a.name, ui)?;
    }
    let request = |pki: &_| {
        Ok(vec![LeafRequest {
            name: a.name,
            profile: Profile::Broker,
            sans,
            key: LeafKey::Generate(a.leaf.key(pki)?),
            lifetime: None,
        }])
    };
    let opts = IssueOptions {
        lifetime: a.days,
        force: a.leaf.force,
    };
    let (pki, entries) = issue_all(common, request, opts, ui)?;
    let layout = pki.layout();
    for e in &entries {
        if let (Some(gid), Some(group)) = (gid, &a.group.group) {
            mqauth::atomic::share_with_group(layout.dir(), &layout.leaf_key(&e.name), gid)?;
            ui.summary(format!(
                "gave group {group} read access to {} (mode 0640) and passage through {}",
                layout.leaf_key(&e.name).display(),
                layout.private_dir().display()
            ));
        }
        ui.summary(format!(
            "issued broker certificate {} (serial {}, {}, valid until {})\n  certificate  {}\n  full chain   {}\n  key          {}\n  SANs         {}",
            e.name,
            e.serial,
            e.key.label(),
            date(e.not_after),
            layout.leaf_cert(&e.name).display(),
            layout.leaf_fullchain(&e.name).display(),
            layout.leaf_key(&e.name).display(),
            e.sans.iter().map(San::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(ExitStatus::Success)
}
