//! `enroll serve`: the flags, the log lines; the service itself is `mqauth::enroll`.

use crate::cli::args::{PassphraseArg, PkiDirArg};
use crate::cli::{CliError, ExitStatus, Ui, escape};
use clap::{Args, ValueEnum};
use mqauth::enroll::{self, Ask, Policy, ServiceConfig, ServiceEvent};
use mqauth::lifetime::{self, Lifetime};
use mqauth::pki::KeyAlgorithm;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use time::OffsetDateTime;

/// What becomes of a device's bootstrap PSK identity once it holds a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Bootstrap {
    /// Leave it in the psk_file
    Keep,
    /// Remove it (atomically) after the first certificate, then run --reload-command
    Once,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Devices publish a CSR to PREFIX/ID/csr (first certificate, connected with \
    their bootstrap PSK) or PREFIX/ID/renew (connected with their current certificate) and read \
    the JSON answer on PREFIX/ID/result. The broker's ACL must bind ID to the client's identity \
    (README, \"Enrollment over MQTT\", has the protocol, the ACL and a device walk-through).\n\n\
    Runs until SIGTERM or SIGINT, then finishes the requests in hand and exits 0. One log line \
    per request on stderr; never a key or a PSK.\n\n\
    With -m, everything comes from the fleet manifest's enroll: section and the files \
    `fleet apply` made: the broker and its port, the CA, the service's own certificate \
    (enroll.service), the devices that may enroll (groups with enroll: true) and their \
    bootstrap PSKs.\n\n\
    Examples:\n  \
    mqauth enroll serve -m fleet.yaml\n  \
    mqauth pki client enroll-service\n  \
    mqauth enroll serve --broker 127.0.0.1:8883 --cafile pki/ca.crt \\\n      \
    --cert pki/issued/enroll-service.crt --key pki/private/enroll-service.key \\\n      \
    --bootstrap-psk-file bootstrap.psk\n  \
    mqauth enroll serve --broker mqtt.example.com:8883 --cafile pki/ca.crt --cert svc.crt \\\n      \
    --key svc.key --days 30d --log-format json"
)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    pki: PkiDirArg,
    #[command(flatten)]
    passphrase: PassphraseArg,
    /// Fleet manifest: the settings come from its enroll: section and the fleet directory
    #[arg(
        short,
        long,
        value_name = "FILE",
        conflicts_with_all = ["bootstrap_psk_file", "bootstrap", "reload_command", "prefix", "days",
            "renew_window", "key_types", "reenroll", "rate"]
    )]
    manifest: Option<PathBuf>,
    /// The fleet directory (default: the manifest's directory)
    #[arg(long, visible_alias = "out", value_name = "DIR", requires = "manifest")]
    fleet_dir: Option<PathBuf>,
    /// The broker, HOST:PORT (its mutual-TLS listener); with -m, the enroll.broker's first
    /// name and mtls_port
    #[arg(long, value_name = "HOST:PORT", required_unless_present = "manifest")]
    broker: Option<String>,
    /// Trust anchor(s) for the broker's certificate (PEM); with -m, the fleet's root CA
    #[arg(long, value_name = "FILE", required_unless_present = "manifest")]
    cafile: Option<PathBuf>,
    /// The service's own client certificate (PEM; may hold its chain); with -m, the one
    /// `fleet apply` issued for enroll.service
    #[arg(long, value_name = "FILE", required_unless_present = "manifest")]
    cert: Option<PathBuf>,
    /// The service's private key (unencrypted PKCS#8 PEM)
    #[arg(long, value_name = "FILE", required_unless_present = "manifest")]
    key: Option<PathBuf>,
    /// Devices whose identity is in this psk_file may enroll on PREFIX/ID/csr; without it,
    /// only renewals are answered
    #[arg(long, value_name = "FILE")]
    bootstrap_psk_file: Option<PathBuf>,
    /// `once`: remove a device's identity from --bootstrap-psk-file after its first
    /// certificate, so that a factory PSK that leaks later enrolls nothing
    #[arg(long, value_enum, default_value_t = Bootstrap::Keep, requires = "bootstrap_psk_file")]
    bootstrap: Bootstrap,
    /// Shell command run after identities were removed, so that the broker re-reads its
    /// psk_file (e.g. `systemctl reload mosquitto`; Mosquitto reloads on SIGHUP)
    #[arg(long, value_name = "COMMAND", requires = "bootstrap_psk_file")]
    reload_command: Option<String>,
    /// Topic prefix of the protocol
    #[arg(long, default_value = enroll::DEFAULT_PREFIX, value_name = "PREFIX")]
    prefix: String,
    /// Lifetime of the certificates issued
    #[arg(long, default_value = "365d", value_parser = lifetime::positive, value_name = "DURATION")]
    days: Lifetime,
    /// The last part of a certificate's lifetime, in percent, in which it may be renewed with
    /// the same key (a new key may renew at any time)
    #[arg(long, default_value_t = 33, value_parser = clap::value_parser!(u8).range(1..=100), value_name = "PERCENT")]
    renew_window: u8,
    /// Key types certified (repeatable)
    #[arg(long = "key-type", value_parser = crate::cli::args::choice::<KeyAlgorithm>(), default_values = ["p256", "p384"])]
    key_types: Vec<KeyAlgorithm>,
    /// Let a device that holds a valid certificate enroll again on /csr with a new key (a
    /// device reset to factory state) instead of refusing it with already-enrolled
    #[arg(long)]
    reenroll: bool,
    /// Requests answered per device per minute; more are refused with rate-limited
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..), value_name = "N")]
    rate: u16,
    /// MQTT client id of the service (its persistent session is kept under it)
    #[arg(long, default_value = "mqauth-enroll", value_name = "ID")]
    client_id: String,
    /// Log lines as text or JSON
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

fn split_broker(broker: &str) -> Result<(String, u16), CliError> {
    let bad = || {
        CliError::Usage(format!(
            "--broker {broker:?}: expected HOST:PORT, e.g. 127.0.0.1:8883"
        ))
    };
    let (host, port) = broker.rsplit_once(':').ok_or_else(bad)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port: u16 = port.parse().map_err(|_| bad())?;
    if host.is_empty() || port == 0 {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

fn read(path: &std::path::Path, kind: mqauth::input::Kind) -> Result<Vec<u8>, CliError> {
    Ok(mqauth::input::read(path, kind)?)
}

/// Where the service connects and what it answers, from the flags or from a manifest.
struct Settings {
    host: String,
    port: u16,
    cafile: PathBuf,
    cert: PathBuf,
    key: PathBuf,
    pki_dir: PathBuf,
    prefix: String,
    policy: Policy,
    rate: u16,
    retire: Vec<PathBuf>,
    retire_lock: Option<PathBuf>,
    reload_command: Option<String>,
}

fn from_flags(a: &ServeArgs) -> Result<Settings, CliError> {
    let missing = |flag: &str| CliError::Usage(format!("{flag} is required without -m"));
    let (host, port) = split_broker(a.broker.as_deref().ok_or_else(|| missing("--broker"))?)?;
    if a.prefix.is_empty() || a.prefix.contains(['+', '#']) || a.prefix.ends_with('/') {
        return Err(CliError::Usage(format!(
            "--prefix {:?}: a topic without wildcards or a trailing /",
            a.prefix
        )));
    }
    let enrollers = match &a.bootstrap_psk_file {
        Some(path) => mqauth::psk::PskFile::open(path)?
            .identities()
            .map(str::to_string)
            .collect(),
        None => Default::default(),
    };
    Ok(Settings {
        host,
        port,
        cafile: a.cafile.clone().ok_or_else(|| missing("--cafile"))?,
        cert: a.cert.clone().ok_or_else(|| missing("--cert"))?,
        key: a.key.clone().ok_or_else(|| missing("--key"))?,
        pki_dir: a.pki.dir.clone(),
        prefix: a.prefix.clone(),
        policy: Policy {
            lifetime: a.days,
            renew_window: f64::from(a.renew_window) / 100.0,
            keys: a.key_types.clone(),
            enrollers: Some(enrollers),
            renewers: None,
            reenroll: a.reenroll,
        },
        rate: a.rate,
        retire: (a.bootstrap == Bootstrap::Once)
            .then(|| a.bootstrap_psk_file.clone())
            .flatten()
            .into_iter()
            .collect(),
        retire_lock: None,
        reload_command: a.reload_command.clone(),
    })
}

fn from_manifest(a: &ServeArgs, manifest: &std::path::Path) -> Result<Settings, CliError> {
    let args = crate::cli::fleet::ManifestArgs {
        manifest: manifest.to_path_buf(),
        example: false,
    };
    let fleet = args.load()?;
    let root = args.fleet_dir(a.fleet_dir.as_deref());
    let Some(enroll) = fleet.enroll.clone() else {
        return Err(CliError::Usage(format!(
            "{}: no group enrolls and there is no enroll: section; add `enroll: true` to a group",
            manifest.display()
        )));
    };
    let dir = mqauth::fleet::FleetDir::new(&root, &fleet);
    let layout = mqauth::pki::Layout::new(dir.pki());
    let broker = fleet
        .brokers
        .iter()
        .find(|b| b.name == enroll.broker)
        .ok_or_else(|| CliError::Usage(format!("unknown broker {}", enroll.broker)))?;
    let (host, port) = match &a.broker {
        Some(given) => split_broker(given)?,
        None => {
            // A name the broker's certificate holds, so that the service can verify it.
            let host = match broker.sans.first() {
                Some(mqauth::pki::San::Dns(name)) => name.clone(),
                Some(mqauth::pki::San::Ip(ip)) => ip.to_string(),
                None => "localhost".to_string(),
            };
            (host, broker.mtls_port.unwrap_or(8883))
        }
    };
    let enrolling: std::collections::HashSet<String> = fleet
        .devices
        .iter()
        .filter(|d| fleet.enrolls(d))
        .map(|d| d.id.clone())
        .collect();
    let retire = match enroll.bootstrap {
        mqauth::fleet::Bootstrap::Keep => Vec::new(),
        mqauth::fleet::Bootstrap::Once => std::iter::once(dir.psk_store())
            .chain(
                fleet
                    .brokers
                    .iter()
                    .filter(|b| b.psk_port.is_some())
                    .flat_map(|b| {
                        [
                            dir.broker_psk(&b.name),
                            dir.emqx_dir(&b.name).join("psk.txt"),
                        ]
                    }),
            )
            .collect(),
    };
    Ok(Settings {
        host,
        port,
        cafile: a.cafile.clone().unwrap_or_else(|| layout.ca_cert()),
        cert: a
            .cert
            .clone()
            .unwrap_or_else(|| layout.leaf_cert(&enroll.service)),
        key: a
            .key
            .clone()
            .unwrap_or_else(|| layout.leaf_key(&enroll.service)),
        pki_dir: dir.pki().to_path_buf(),
        prefix: enroll.prefix.clone(),
        policy: Policy {
            lifetime: enroll.lifetime,
            renew_window: enroll.renew_window,
            keys: enroll.keys.clone(),
            enrollers: Some(enrolling.clone()),
            renewers: Some(enrolling),
            reenroll: enroll.reenroll,
        },
        rate: enroll.rate,
        retire_lock: (!retire.is_empty()).then(|| dir.root().to_path_buf()),
        retire,
        reload_command: enroll.reload_command.clone(),
    })
}

pub(super) fn run(a: ServeArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let settings = match &a.manifest {
        Some(manifest) => from_manifest(&a, manifest)?,
        None => from_flags(&a)?,
    };
    // The PKI must be there and usable (an interrupted run finished, an index.json migrated)
    // before the service says it runs; it is opened again for each batch.
    drop(mqauth::pki::Pki::open(&settings.pki_dir)?);
    let config = ServiceConfig {
        host: settings.host,
        port: settings.port,
        client_id: a.client_id,
        broker_ca_pem: read(&settings.cafile, mqauth::input::Kind::Certificates)?,
        cert_pem: read(&settings.cert, mqauth::input::Kind::Certificates)?,
        key_pem: zeroize::Zeroizing::new(read(&settings.key, mqauth::input::Kind::PrivateKey)?),
        pki_dir: settings.pki_dir,
        passphrase: a.passphrase.read(ui)?,
        prefix: settings.prefix,
        policy: settings.policy,
        rate_per_minute: usize::from(settings.rate),
        batch_max: 256,
        retire_bootstrap: settings.retire,
        retire_lock: settings.retire_lock,
        reload_command: settings.reload_command,
    };
    let format = a.log_format;
    let log: enroll::Log = Arc::new(move |event| log_line(format, &event));
    enroll::serve(config, log)?;
    Ok(ExitStatus::Success)
}

/// RFC 3339 in UTC, to the millisecond.
fn now() -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}

/// One line on stderr per event. Never a payload: a CSR carries no secret, but an answer is the
/// device's business, and keys and PSKs never reach this code.
fn log_line(format: LogFormat, event: &ServiceEvent<'_>) {
    let line = match event {
        ServiceEvent::Answered {
            device,
            ask,
            outcome,
            elapsed,
        } => {
            let (result, code) = outcome_words(outcome);
            let ms = elapsed.as_secs_f64() * 1000.0;
            match format {
                LogFormat::Json => serde_json::json!({
                    "time": now(),
                    "device": device,
                    "request": ask_word(*ask),
                    "outcome": result,
                    "code": code,
                    "serial": outcome.serial,
                    "ms": ms,
                })
                .to_string(),
                LogFormat::Text => {
                    let detail = match (code, &outcome.serial) {
                        (Some(code), _) => format!(" {code}"),
                        (None, Some(serial)) => format!(" serial {serial}"),
                        (None, None) => String::new(),
                    };
                    escape(&format!(
                        "{} {device} {}: {result}{detail} ({ms:.1} ms)",
                        now(),
                        ask_word(*ask)
                    ))
                    .into_owned()
                }
            }
        }
        other => match format {
            LogFormat::Json => serde_json::json!({
                "time": now(),
                "event": event_text(other),
            })
            .to_string(),
            LogFormat::Text => escape(&format!("{} {}", now(), event_text(other))).into_owned(),
        },
    };
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn ask_word(ask: Ask) -> &'static str {
    match ask {
        Ask::Enroll => "enroll",
        Ask::Renew => "renew",
    }
}

fn outcome_words(outcome: &enroll::Outcome) -> (&'static str, Option<&'static str>) {
    match &outcome.answer {
        enroll::Answer::Issued { .. } if outcome.issued => ("issued", None),
        enroll::Answer::Issued { .. } => ("sent again", None),
        enroll::Answer::Rejected { code, .. } => ("rejected", Some(*code)),
    }
}

fn event_text(event: &ServiceEvent<'_>) -> String {
    match event {
        ServiceEvent::Connected { broker } => format!("connected to {broker}; answering requests"),
        ServiceEvent::Unreachable {
            broker,
            error,
            retry_in,
        } => format!(
            "broker {broker} unreachable ({error}); retrying in {} s",
            retry_in.as_secs()
        ),
        ServiceEvent::Ignored { topic } => format!("ignored a message on {topic}"),
        ServiceEvent::Stopping { signal } => {
            format!("{signal}: answered what was in hand; stopping")
        }
        ServiceEvent::Answered { device, .. } => format!("answered {device}"),
        ServiceEvent::Retired {
            devices,
            error: None,
        } => format!(
            "removed {} bootstrap identit{} from the psk_file: {}",
            devices.len(),
            if devices.len() == 1 { "y" } else { "ies" },
            devices.join(", ")
        ),
        ServiceEvent::Retired {
            error: Some(error), ..
        } => format!("could not remove bootstrap identities: {error}"),
    }
}
