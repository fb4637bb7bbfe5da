//! `pki client`: device certificates, one key each, one at a time or a numbered batch.

use super::{LeafArgs, PkiCommon, issue_all};
use crate::cli::args::BatchArgs;
use crate::cli::output::date;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::lifetime::{self, Lifetime};
use mqauth::names::NameTemplate;
use mqauth::pki::{IssueOptions, LeafKey, LeafRequest, Profile};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth pki client sensor-1 sensor-2\n  \
    mqauth pki client --count 1000 --template \"device-{n:04}\" --start 1\n  \
    mqauth pki client gw-01 --key p384 --lifetime 90d\n  \
    mqauth pki client meter-1 --stack mbedtls2 --clock none --lifetime 3650d --strict")]
pub(super) struct ClientArgs {
    /// Device IDs (each becomes the certificate's CN and file name)
    #[arg(conflicts_with = "count", required_unless_present = "count")]
    ids: Vec<String>,
    #[command(flatten)]
    batch: BatchArgs,
    /// Lifetime of the certificates (e.g. 90d, 12h, 2y)
    #[arg(long = "lifetime", visible_alias = "days", value_parser = lifetime::positive, default_value_t = Profile::Client.default_lifetime(), value_name = "DURATION")]
    days: Lifetime,
    #[command(flatten)]
    leaf: LeafArgs,
    #[command(flatten)]
    stack: crate::cli::args::StackArgs,
}

pub(super) fn run(common: &PkiCommon, a: ClientArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let names = match a.batch.count {
        Some(count) => NameTemplate::parse(&a.batch.template)?.expand(a.batch.start, count)?,
        None => a.ids,
    };
    if a.stack.stack.is_some() || a.stack.clock.is_some() {
        let layout = mqauth::pki::Layout::new(common.dir());
        let facts = mqauth::export::StackFacts {
            device_key: Some(super::planned_key(common, a.leaf.key)?),
            chain_keys: mqauth::export::pki_ca_keys(&layout),
            lifetime: Some(a.days.duration().unsigned_abs()),
            ..Default::default()
        };
        let subject = match names.as_slice() {
            [one] => one.clone(),
            many => format!("{} devices", many.len()),
        };
        a.stack.report(&a.stack.facts(facts), &subject, ui)?;
    }
    let requests = |pki: &_| {
        let key = a.leaf.key(pki)?;
        Ok(names
            .into_iter()
            .map(|name| LeafRequest {
                name,
                profile: Profile::Client,
                sans: Vec::new(),
                key: LeafKey::Generate(key),
                lifetime: None,
            })
            .collect())
    };
    let opts = IssueOptions {
        lifetime: a.days,
        force: a.leaf.force,
    };
    let (pki, entries) = issue_all(common, requests, opts, ui)?;
    let layout = pki.layout();
    match entries.as_slice() {
        [e] => ui.summary(format!(
            "issued client certificate {} (serial {}, {}, valid until {})\n  certificate  {}\n  key          {}",
            e.name,
            e.serial,
            e.key.label(),
            date(e.not_after),
            layout.leaf_cert(&e.name).display(),
            layout.leaf_key(&e.name).display()
        )),
        [first, .., last] => ui.summary(format!(
            "issued {} client certificates ({} .. {}, {}, valid until {})\n  certificates in {}\n  keys in         {}",
            entries.len(),
            first.name,
            last.name,
            first.key.label(),
            date(first.not_after),
            layout.issued_dir().display(),
            layout.private_dir().display()
        )),
        [] => {}
    }
    Ok(ExitStatus::Success)
}
