//! `pki init`, `pki broker`, `pki client`, `pki sign`: creating CAs and issuing certificates.

use super::{PkiCommon, issue_all, key_parser, leaf_key, lifetime_options, passphrase};
use crate::cli::output::date;
use crate::cli::{CliError, Ui};
use clap::{Args, ValueEnum};
use mqauth::lifetime::Lifetime;
use mqauth::names::NameTemplate;
use mqauth::pki::{self, KeyAlgorithm, LeafKey, LeafRequest, Profile, San};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// Common Name of the root CA (the intermediate gets "<NAME> Intermediate")
    #[arg(long, default_value = pki::DEFAULT_CA_NAME)]
    pub(super) name: String,
    /// Key type of the CAs, and the default for keys issued later
    #[arg(long, default_value = "p256", value_parser = key_parser())]
    pub(super) key: KeyAlgorithm,
    /// Lifetime of the root CA (e.g. 3650d, 10y)
    #[arg(value_parser = mqauth::lifetime::positive, long, default_value = "3650d", value_name = "DURATION")]
    pub(super) days: Lifetime,
    /// Lifetime of the intermediate CA
    #[arg(value_parser = mqauth::lifetime::positive, long, default_value = "1825d", value_name = "DURATION")]
    pub(super) intermediate_days: Lifetime,
    /// Issue leaves directly from the root (no intermediate CA)
    #[arg(long)]
    pub(super) no_intermediate: bool,
}

#[derive(Debug, Args)]
pub(super) struct LeafArgs {
    /// Key type for new keys [default: the PKI's key type]
    #[arg(long, value_parser = key_parser())]
    pub(super) key: Option<KeyAlgorithm>,
    /// Replace existing files and supersede a certificate already in force for the name
    #[arg(long)]
    pub(super) force: bool,
}

#[derive(Debug, Args)]
pub(super) struct BrokerArgs {
    /// Broker name: file name and CN
    pub(super) name: String,
    /// DNS name clients use to reach the broker (repeatable)
    #[arg(long = "dns", value_name = "NAME")]
    pub(super) dns: Vec<String>,
    /// IP address clients use to reach the broker (repeatable)
    #[arg(long = "ip", value_name = "ADDR")]
    pub(super) ip: Vec<String>,
    /// Lifetime
    #[arg(value_parser = mqauth::lifetime::positive, long, default_value = "825d", value_name = "DURATION")]
    pub(super) days: Lifetime,
    #[command(flatten)]
    pub(super) leaf: LeafArgs,
}

#[derive(Debug, Args)]
pub(super) struct ClientArgs {
    /// Device IDs (each becomes the certificate's CN and file name)
    #[arg(conflicts_with = "count", required_unless_present = "count")]
    pub(super) ids: Vec<String>,
    /// Issue a numbered batch of N devices named by --template (at most 1,000,000)
    #[arg(long, value_name = "N", value_parser = crate::cli::batch_count())]
    pub(super) count: Option<u64>,
    /// Name template for --count; {n} is the number, {n:04} pads it to 4 digits
    #[arg(long, default_value = "device-{n:04}", requires = "count")]
    pub(super) template: String,
    /// First number of the batch
    #[arg(long, default_value_t = 1, requires = "count", value_name = "K")]
    pub(super) start: u64,
    /// Lifetime
    #[arg(value_parser = mqauth::lifetime::positive, long, default_value = "365d", value_name = "DURATION")]
    pub(super) days: Lifetime,
    #[command(flatten)]
    pub(super) leaf: LeafArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum SignProfile {
    Client,
    Broker,
}

#[derive(Debug, Args)]
pub(super) struct SignArgs {
    /// The certificate signing request (PEM or DER)
    #[arg(long, value_name = "FILE")]
    pub(super) csr: PathBuf,
    /// Certificate profile to issue
    #[arg(long, value_enum, default_value_t = SignProfile::Client)]
    pub(super) profile: SignProfile,
    /// Name (CN and file name) [default: the CSR's CN]
    #[arg(long)]
    pub(super) name: Option<String>,
    /// Lifetime [default: 365d for clients, 825d for brokers]
    #[arg(value_parser = mqauth::lifetime::positive, long, value_name = "DURATION")]
    pub(super) days: Option<Lifetime>,
    /// Extra DNS name for a broker certificate (repeatable)
    #[arg(long = "dns", value_name = "NAME")]
    pub(super) dns: Vec<String>,
    /// Extra IP address for a broker certificate (repeatable)
    #[arg(long = "ip", value_name = "ADDR")]
    pub(super) ip: Vec<String>,
    /// Replace an existing certificate file and supersede the one in force
    #[arg(long)]
    pub(super) force: bool,
}

pub(super) fn init(common: &PkiCommon, a: InitArgs, ui: &Ui) -> Result<u8, CliError> {
    let pass = passphrase(common, ui)?;
    let opts = pki::InitOptions {
        name: a.name,
        key: a.key,
        root_lifetime: a.days,
        intermediate_lifetime: a.intermediate_days,
        intermediate: !a.no_intermediate,
        passphrase: pass.as_ref(),
    };
    let pki = pki::init(&common.dir, &opts)?;
    let layout = pki.layout();
    let mut lines = vec![format!("created PKI in {}", layout.dir().display())];
    for e in &pki.index().certificates {
        let file = match e.profile {
            Profile::Root => layout.ca_cert(),
            _ => layout.intermediate_cert(),
        };
        lines.push(format!(
            "  {:<13} {}  {}, {}, valid until {}",
            e.profile.id(),
            file.display(),
            e.subject,
            e.key.label(),
            date(e.not_after)
        ));
    }
    lines.push(format!(
        "  {:<13} {}  (the broker's cafile)",
        "chain",
        layout.chain().display()
    ));
    if pass.is_some() {
        lines.push("  CA keys are encrypted with the passphrase".into());
    }
    ui.summary(lines.join("\n"));
    Ok(0)
}

fn sans_from(dns: &[String], ip: &[String]) -> Result<Vec<San>, CliError> {
    let mut sans = Vec::with_capacity(dns.len() + ip.len());
    for d in dns {
        sans.push(San::dns(d)?);
    }
    for i in ip {
        sans.push(San::ip(i)?);
    }
    Ok(sans)
}

pub(super) fn broker(common: &PkiCommon, a: BrokerArgs, ui: &Ui) -> Result<u8, CliError> {
    let request = LeafRequest {
        name: a.name,
        profile: Profile::Broker,
        sans: sans_from(&a.dns, &a.ip)?,
        key: LeafKey::Generate(leaf_key(common, a.leaf.key)?),
        lifetime: None,
    };
    let (pki, entries) = issue_all(
        common,
        std::slice::from_ref(&request),
        lifetime_options(a.days, a.leaf.force),
        ui,
    )?;
    let layout = pki.layout();
    for e in &entries {
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
    Ok(0)
}

pub(super) fn client(common: &PkiCommon, a: ClientArgs, ui: &Ui) -> Result<u8, CliError> {
    let names = match a.count {
        Some(count) => NameTemplate::parse(&a.template)?.expand(a.start, count)?,
        None => a.ids,
    };
    let key = leaf_key(common, a.leaf.key)?;
    let requests: Vec<LeafRequest> = names
        .into_iter()
        .map(|name| LeafRequest {
            name,
            profile: Profile::Client,
            sans: Vec::new(),
            key: LeafKey::Generate(key),
            lifetime: None,
        })
        .collect();
    let (pki, entries) = issue_all(
        common,
        &requests,
        lifetime_options(a.days, a.leaf.force),
        ui,
    )?;
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
    Ok(0)
}

pub(super) fn sign(common: &PkiCommon, a: SignArgs, ui: &Ui) -> Result<u8, CliError> {
    let (profile, default_days) = match a.profile {
        SignProfile::Client => (Profile::Client, Lifetime::days(365)),
        SignProfile::Broker => (Profile::Broker, Lifetime::days(825)),
    };
    if profile == Profile::Client && !(a.dns.is_empty() && a.ip.is_empty()) {
        return Err(CliError::Usage(
            "--dns and --ip apply to --profile broker; client certificates are identified by their CN".into(),
        ));
    }
    let csr = pki::read_csr(&a.csr)?;
    let dropped_sans = profile == Profile::Client && !csr.sans.is_empty();
    let request = csr.into_leaf_request(profile, a.name, sans_from(&a.dns, &a.ip)?)?;
    let (pki, entries) = issue_all(
        common,
        std::slice::from_ref(&request),
        lifetime_options(a.days.unwrap_or(default_days), a.force),
        ui,
    )?;
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
    Ok(0)
}
