//! `mqauth pki …`: argument handling for the certificate authority.

use super::output::{date, print_json, print_line};
use super::progress::Progress;
use super::table::{new_table, status_cell};
use super::{CliError, Ui};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand, ValueEnum};
use mqauth::lifetime::Lifetime;
use mqauth::names::NameTemplate;
use mqauth::pki::{
    self, Entry, IssueOptions, KeyAlgorithm, LeafKey, LeafRequest, Passphrase, Pki, Profile, San,
    SigningCa,
};
use serde::Serialize;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

#[derive(Debug, Args)]
pub struct PkiArgs {
    #[command(flatten)]
    common: PkiCommon,
    #[command(subcommand)]
    verb: PkiVerb,
}

#[derive(Debug, Args)]
struct PkiCommon {
    /// PKI directory
    #[arg(
        long,
        global = true,
        env = "MQAUTH_PKI_DIR",
        default_value = "pki",
        value_name = "DIR"
    )]
    dir: PathBuf,
    /// File whose first line is the CA keys' passphrase (encrypts them at init, unlocks them
    /// when signing)
    #[arg(
        long,
        global = true,
        env = "MQAUTH_PASSPHRASE_FILE",
        value_name = "FILE"
    )]
    passphrase_file: Option<PathBuf>,
}

fn key_parser() -> impl TypedValueParser<Value = KeyAlgorithm> {
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
    Init(InitArgs),
    /// Issue a broker (server) certificate with subject alternative names
    Broker(BrokerArgs),
    /// Issue client certificates, one key per device (CN = device ID)
    #[command(after_help = "Examples:\n  mqauth pki client sensor-1 sensor-2\n  \
        mqauth pki client --count 1000 --template \"device-{n:04}\" --start 1")]
    Client(ClientArgs),
    /// Sign a certificate signing request whose key was made elsewhere (a secure element)
    Sign(SignArgs),
    /// List the certificates in index.json
    List(ListArgs),
}

#[derive(Debug, Args)]
struct InitArgs {
    /// Common Name of the root CA (the intermediate gets "<NAME> Intermediate")
    #[arg(long, default_value = pki::DEFAULT_CA_NAME)]
    name: String,
    /// Key type of the CAs, and the default for keys issued later
    #[arg(long, default_value = "p256", value_parser = key_parser())]
    key: KeyAlgorithm,
    /// Lifetime of the root CA (e.g. 3650d, 10y)
    #[arg(long, default_value = "3650d", value_name = "DURATION")]
    days: Lifetime,
    /// Lifetime of the intermediate CA
    #[arg(long, default_value = "1825d", value_name = "DURATION")]
    intermediate_days: Lifetime,
    /// Issue leaves directly from the root (no intermediate CA)
    #[arg(long)]
    no_intermediate: bool,
}

#[derive(Debug, Args)]
struct LeafArgs {
    /// Key type for new keys [default: the PKI's key type]
    #[arg(long, value_parser = key_parser())]
    key: Option<KeyAlgorithm>,
    /// Replace existing files and supersede a certificate already in force for the name
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct BrokerArgs {
    /// Broker name: file name and CN
    name: String,
    /// DNS name clients use to reach the broker (repeatable)
    #[arg(long = "dns", value_name = "NAME")]
    dns: Vec<String>,
    /// IP address clients use to reach the broker (repeatable)
    #[arg(long = "ip", value_name = "ADDR")]
    ip: Vec<String>,
    /// Lifetime
    #[arg(long, default_value = "825d", value_name = "DURATION")]
    days: Lifetime,
    #[command(flatten)]
    leaf: LeafArgs,
}

#[derive(Debug, Args)]
struct ClientArgs {
    /// Device IDs (each becomes the certificate's CN and file name)
    #[arg(conflicts_with = "count", required_unless_present = "count")]
    ids: Vec<String>,
    /// Issue a numbered batch of N devices named by --template
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Name template for --count; {n} is the number, {n:04} pads it to 4 digits
    #[arg(long, default_value = "device-{n:04}", requires = "count")]
    template: String,
    /// First number of the batch
    #[arg(long, default_value_t = 1, requires = "count", value_name = "K")]
    start: u64,
    /// Lifetime
    #[arg(long, default_value = "365d", value_name = "DURATION")]
    days: Lifetime,
    #[command(flatten)]
    leaf: LeafArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SignProfile {
    Client,
    Broker,
}

#[derive(Debug, Args)]
struct SignArgs {
    /// The certificate signing request (PEM or DER)
    #[arg(long, value_name = "FILE")]
    csr: PathBuf,
    /// Certificate profile to issue
    #[arg(long, value_enum, default_value_t = SignProfile::Client)]
    profile: SignProfile,
    /// Name (CN and file name) [default: the CSR's CN]
    #[arg(long)]
    name: Option<String>,
    /// Lifetime [default: 365d for clients, 825d for brokers]
    #[arg(long, value_name = "DURATION")]
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

#[derive(Debug, Args)]
struct ListArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
}

pub fn run(args: PkiArgs, ui: &Ui) -> Result<u8, CliError> {
    let common = &args.common;
    match args.verb {
        PkiVerb::Init(a) => init(common, a, ui),
        PkiVerb::Broker(a) => broker(common, a, ui),
        PkiVerb::Client(a) => client(common, a, ui),
        PkiVerb::Sign(a) => sign(common, a, ui),
        PkiVerb::List(a) => list(common, a, ui),
    }
}

fn passphrase(common: &PkiCommon) -> Result<Option<Passphrase>, CliError> {
    Ok(common
        .passphrase_file
        .as_deref()
        .map(Passphrase::from_file)
        .transpose()?)
}

fn init(common: &PkiCommon, a: InitArgs, ui: &Ui) -> Result<u8, CliError> {
    let pass = passphrase(common)?;
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

fn lifetime_options(days: Lifetime, force: bool) -> IssueOptions {
    IssueOptions {
        lifetime: days,
        force,
    }
}

/// Opens the PKI, loads the issuing CA and issues `requests`, with a progress bar.
fn issue_all(
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

fn leaf_key(common: &PkiCommon, key: Option<KeyAlgorithm>) -> Result<KeyAlgorithm, CliError> {
    match key {
        Some(k) => Ok(k),
        None => Ok(pki::read_only_index(&common.dir)?.key),
    }
}

fn broker(common: &PkiCommon, a: BrokerArgs, ui: &Ui) -> Result<u8, CliError> {
    let request = LeafRequest {
        name: a.name,
        profile: Profile::Broker,
        sans: sans_from(&a.dns, &a.ip)?,
        key: LeafKey::Generate(leaf_key(common, a.leaf.key)?),
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

fn client(common: &PkiCommon, a: ClientArgs, ui: &Ui) -> Result<u8, CliError> {
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

fn sign(common: &PkiCommon, a: SignArgs, ui: &Ui) -> Result<u8, CliError> {
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

/// One row of `pki list`; also its JSON form.
#[derive(Debug, Serialize)]
struct ListRow<'a> {
    name: &'a str,
    profile: Profile,
    serial: String,
    subject: &'a str,
    issuer: &'a str,
    sans: Vec<String>,
    key: KeyAlgorithm,
    #[serde(with = "time::serde::rfc3339")]
    not_before: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    not_after: OffsetDateTime,
    days_left: i64,
    status: &'static str,
    #[serde(with = "time::serde::rfc3339::option")]
    revoked_at: Option<OffsetDateTime>,
    reason: Option<&'static str>,
}

impl<'a> ListRow<'a> {
    fn new(e: &'a Entry, now: OffsetDateTime) -> Self {
        ListRow {
            name: &e.name,
            profile: e.profile,
            serial: e.serial.to_string(),
            subject: &e.subject,
            issuer: &e.issuer,
            sans: e.sans.iter().map(San::to_string).collect(),
            key: e.key,
            not_before: e.not_before,
            not_after: e.not_after,
            days_left: e.days_left(now),
            status: e.effective_status(now),
            revoked_at: e.revoked_at,
            reason: e.reason.map(|r| r.id()),
        }
    }
}

fn list(common: &PkiCommon, a: ListArgs, ui: &Ui) -> Result<u8, CliError> {
    let index = pki::read_only_index(&common.dir)?;
    let now = OffsetDateTime::now_utc();
    let rows: Vec<ListRow<'_>> = index
        .certificates
        .iter()
        .map(|e| ListRow::new(e, now))
        .collect();
    if a.json {
        print_json(&rows)?;
        return Ok(0);
    }
    let mut table = new_table(
        ui,
        &[
            "Name",
            "Profile",
            "Serial",
            "Not after",
            "Days left",
            "Status",
        ],
    );
    for r in &rows {
        table.add_row(vec![
            comfy_table::Cell::new(r.name),
            comfy_table::Cell::new(r.profile.id()),
            comfy_table::Cell::new(&r.serial),
            comfy_table::Cell::new(date(r.not_after)),
            comfy_table::Cell::new(r.days_left),
            status_cell(ui, r.status),
        ]);
    }
    print_line(&table.to_string())?;
    ui.summary(format!(
        "{} certificates in {}",
        rows.len(),
        index_path(&common.dir).display()
    ));
    Ok(0)
}

fn index_path(dir: &Path) -> PathBuf {
    pki::Layout::new(dir).index()
}
