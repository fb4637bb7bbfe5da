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
    Examples:\n  \
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
    /// The broker, HOST:PORT (its mutual-TLS listener)
    #[arg(long, value_name = "HOST:PORT")]
    broker: String,
    /// Trust anchor(s) for the broker's certificate (PEM)
    #[arg(long, value_name = "FILE")]
    cafile: PathBuf,
    /// The service's own client certificate (PEM; may hold its chain)
    #[arg(long, value_name = "FILE")]
    cert: PathBuf,
    /// The service's private key (unencrypted PKCS#8 PEM)
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
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

pub(super) fn run(a: ServeArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let (host, port) = split_broker(&a.broker)?;
    if a.prefix.is_empty() || a.prefix.contains(['+', '#']) || a.prefix.ends_with('/') {
        return Err(CliError::Usage(format!(
            "--prefix {:?}: a topic without wildcards or a trailing /",
            a.prefix
        )));
    }
    let enrollers = match &a.bootstrap_psk_file {
        Some(path) => Some(
            mqauth::psk::PskFile::open(path)?
                .identities()
                .map(str::to_string)
                .collect(),
        ),
        None => Some(Default::default()),
    };
    // The PKI must be there and usable (an interrupted run finished, an index.json migrated)
    // before the service says it runs; it is opened again for each batch.
    drop(mqauth::pki::Pki::open(&a.pki.dir)?);
    let config = ServiceConfig {
        host,
        port,
        client_id: a.client_id,
        broker_ca_pem: read(&a.cafile, mqauth::input::Kind::Certificates)?,
        cert_pem: read(&a.cert, mqauth::input::Kind::Certificates)?,
        key_pem: zeroize::Zeroizing::new(read(&a.key, mqauth::input::Kind::PrivateKey)?),
        pki_dir: a.pki.dir.clone(),
        passphrase: a.passphrase.read(ui)?,
        prefix: a.prefix,
        policy: Policy {
            lifetime: a.days,
            renew_window: f64::from(a.renew_window) / 100.0,
            keys: a.key_types,
            enrollers,
            reenroll: a.reenroll,
        },
        rate_per_minute: usize::from(a.rate),
        batch_max: 256,
        retire_bootstrap: (a.bootstrap == Bootstrap::Once)
            .then(|| a.bootstrap_psk_file.clone())
            .flatten(),
        reload_command: a.reload_command,
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
    let line = match (format, event) {
        (
            LogFormat::Json,
            ServiceEvent::Answered {
                device,
                ask,
                outcome,
                elapsed,
            },
        ) => {
            let (result, code) = outcome_words(outcome);
            serde_json::json!({
                "time": now(),
                "device": device,
                "request": ask_word(*ask),
                "outcome": result,
                "code": code,
                "serial": outcome.serial,
                "ms": elapsed.as_secs_f64() * 1000.0,
            })
            .to_string()
        }
        (LogFormat::Json, other) => serde_json::json!({
            "time": now(),
            "event": event_text(other),
        })
        .to_string(),
        (
            LogFormat::Text,
            ServiceEvent::Answered {
                device,
                ask,
                outcome,
                elapsed,
            },
        ) => {
            let (result, code) = outcome_words(outcome);
            let detail = match (code, &outcome.serial) {
                (Some(code), _) => format!(" {code}"),
                (None, Some(serial)) => format!(" serial {serial}"),
                (None, None) => String::new(),
            };
            escape(&format!(
                "{} {device} {}: {result}{detail} ({:.1} ms)",
                now(),
                ask_word(*ask),
                elapsed.as_secs_f64() * 1000.0
            ))
            .into_owned()
        }
        (LogFormat::Text, other) => {
            escape(&format!("{} {}", now(), event_text(other))).into_owned()
        }
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
