//! `enroll serve`: the flags, the log lines; the service itself is `mqauth::enroll`.

use crate::cli::args::{PassphraseArg, PkiDirArg, choice};
use crate::cli::{CliError, ExitStatus, Ui, escape};
use clap::{Args, CommandFactory, FromArgMatches, ValueEnum};
use mqauth::enroll::{
    self, Ask, Bootstrap, BrokerAddress, EnrollError, Given, Monitor, Overrides, ServiceEvent,
    ServiceSettings, Setting, SettingsError, TlsInput, defaults,
};
use mqauth::lifetime::{self, Lifetime};
use mqauth::pki::KeyAlgorithm;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::OffsetDateTime;

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
    (docs/enrollment.md has the ACL and a device walk-through; docs/enrollment-protocol.md the \
    protocol).\n\n\
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
    --key svc.key --lifetime 30d --log-format json"
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
    #[arg(long, value_parser = choice::<Bootstrap>(), default_value = "keep", requires = "bootstrap_psk_file")]
    bootstrap: Bootstrap,
    /// Shell command run after identities were removed, so that the broker re-reads its
    /// psk_file (e.g. `systemctl reload mosquitto`; Mosquitto reloads on SIGHUP)
    #[arg(long, value_name = "COMMAND", requires = "bootstrap_psk_file")]
    reload_command: Option<String>,
    /// Topic prefix of the protocol
    #[arg(long, default_value = defaults::PREFIX, value_name = "PREFIX")]
    prefix: String,
    /// Lifetime of the certificates issued (e.g. 90d, 12h, 2y)
    #[arg(long = "lifetime", visible_alias = "days", default_value = defaults::LIFETIME, value_parser = lifetime::positive, value_name = "DURATION")]
    days: Lifetime,
    /// The last part of a certificate's lifetime, in percent, in which it may be renewed with
    /// the same key (a new key may renew at any time)
    #[arg(long, default_value_t = defaults::RENEW_WINDOW_PERCENT, value_parser = clap::value_parser!(u8).range(1..=100), value_name = "PERCENT")]
    renew_window: u8,
    /// Key types certified (repeatable)
    #[arg(long = "key-type", value_parser = choice::<KeyAlgorithm>(), default_values_t = defaults::KEY_TYPES.to_vec())]
    key_types: Vec<KeyAlgorithm>,
    /// Let a device that holds a valid certificate enroll again on /csr with a new key (a
    /// device reset to factory state) instead of refusing it with already-enrolled
    #[arg(long)]
    reenroll: bool,
    /// Requests answered per device per minute; more are refused with rate-limited
    #[arg(long, default_value_t = defaults::RATE_PER_MINUTE, value_parser = clap::value_parser!(u16).range(1..), value_name = "N")]
    rate: u16,
    /// MQTT client id of the service (its persistent session is kept under it)
    #[arg(long, default_value = defaults::CLIENT_ID, value_name = "ID")]
    client_id: String,
    /// Subscribe as a member of this shared subscription group ($share/NAME/…, MQTT 5): the
    /// broker gives each request to one of the services in the group. For several services on
    /// one PKI whose records are in PostgreSQL (docs/postgres.md); each needs its own
    /// --client-id
    #[arg(long, value_name = "NAME")]
    share_group: Option<String>,
    /// Log lines as text or JSON
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Serve GET /metrics (Prometheus) and /healthz over HTTP on ADDR, e.g. 127.0.0.1:9464
    /// (only there; bound before the service connects)
    #[arg(long, value_name = "ADDR")]
    metrics: Option<SocketAddr>,
}

fn broker(given: Option<&str>) -> Result<Option<BrokerAddress>, CliError> {
    given
        .map(|text| {
            text.parse()
                .map_err(|e: SettingsError| CliError::Usage(format!("--broker {e}")))
        })
        .transpose()
}

fn flag(setting: Setting) -> &'static str {
    match setting {
        Setting::Broker => "--broker",
        Setting::BrokerCa => "--cafile",
        Setting::Cert => "--cert",
        Setting::Key => "--key",
        Setting::BootstrapPskFile => "--bootstrap-psk-file",
    }
}

/// The settings from the flags alone.
fn from_flags(a: &ServeArgs) -> Result<ServiceSettings, CliError> {
    let given = Given {
        broker: broker(a.broker.as_deref())?,
        broker_ca: a.cafile.clone(),
        cert: a.cert.clone(),
        key: a.key.clone(),
        client_id: Some(a.client_id.clone()),
        pki_dir: Some(a.pki.dir.clone()),
        prefix: Some(a.prefix.clone()),
        lifetime: Some(a.days),
        renew_window_percent: Some(a.renew_window),
        key_types: Some(a.key_types.clone()),
        reenroll: a.reenroll,
        rate_per_minute: Some(a.rate),
        bootstrap_psk_file: a.bootstrap_psk_file.clone(),
        bootstrap: Some(a.bootstrap),
        reload_command: a.reload_command.clone(),
    };
    ServiceSettings::from_given(given).map_err(|e| settings_error(e, None))
}

/// The settings from a manifest and its fleet directory, with the flags that may override it.
fn from_manifest(a: &ServeArgs, manifest: &Path) -> Result<ServiceSettings, CliError> {
    let args = crate::cli::fleet::ManifestArgs {
        manifest: manifest.to_path_buf(),
        example: false,
    };
    let fleet = args.load()?;
    let root = args.fleet_dir(a.fleet_dir.as_deref());
    let dir = mqauth::fleet::FleetDir::new(&root, &fleet);
    let overrides = Overrides {
        broker: broker(a.broker.as_deref())?,
        broker_ca: a.cafile.clone(),
        cert: a.cert.clone(),
        key: a.key.clone(),
        client_id: Some(a.client_id.clone()),
    };
    ServiceSettings::from_fleet(&fleet, &dir, overrides)
        .map_err(|e| settings_error(e, Some(manifest)))
}

/// A settings error in the words of the command line: the flag, or the manifest.
fn settings_error(e: SettingsError, manifest: Option<&Path>) -> CliError {
    match (e, manifest) {
        (SettingsError::Missing(setting), _) => {
            CliError::Usage(format!("{} is required without -m", flag(setting)))
        }
        (SettingsError::Prefix { why }, None) => CliError::Usage(format!("--prefix {why}")),
        (SettingsError::Psk(e), _) => CliError::Psk(e),
        (e, Some(manifest)) => CliError::Usage(format!("{}: {e}", manifest.display())),
        (e, None) => CliError::Usage(e.to_string()),
    }
}

/// A service error in the words of the command line: with flags, a TLS file is named by its
/// flag.
fn service_error(e: EnrollError, flags: bool) -> CliError {
    match e {
        EnrollError::Tls { input, why, .. } if flags => {
            let flag = match input {
                TlsInput::BrokerCa => "--cafile",
                TlsInput::Cert => "--cert",
                TlsInput::Key => "--key",
                TlsInput::CertAndKey => "--cert/--key",
            };
            CliError::FlagValue {
                flag,
                reason: format!("cannot use it for TLS: {why}"),
            }
        }
        e => CliError::Enroll(e),
    }
}

pub(super) fn run(a: ServeArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let mut settings = match &a.manifest {
        Some(manifest) => from_manifest(&a, manifest)?,
        None => from_flags(&a)?,
    };
    if let Some(group) = &a.share_group {
        settings.share_group = Some(
            enroll::share_group(group)
                .map_err(|e| CliError::Usage(format!("--share-group {e}")))?,
        );
    }
    let passphrase = a.passphrase.read(ui)?;
    let format = a.log_format;
    let log: enroll::Log = Arc::new(move |event| log_line(format, &event));
    // Bound now, so that a port in use is one line at start, not a surprise after connecting.
    let monitor = a.metrics.map(Monitor::bind).transpose()?;
    enroll::serve(settings, passphrase, log, monitor)
        .map_err(|e| service_error(e, a.manifest.is_none()))?;
    Ok(ExitStatus::Success)
}

/// `enroll serve ARGS` as a systemd unit runs it (`generate systemd-unit enroll`): the
/// arguments checked as the command checks them, then run from the current directory, as the
/// unit's `User`/`Group`, writing only the PKI (and, with -m, the fleet directory; with
/// --bootstrap once, the psk_file's directory).
pub(crate) fn systemd_unit(
    args: &[String],
    user: String,
    group: String,
) -> Result<enroll::SystemdUnit, CliError> {
    #[derive(Debug, clap::Parser)]
    #[command(name = "mqauth enroll serve", no_binary_name = true)]
    struct Serve {
        #[command(flatten)]
        a: ServeArgs,
    }
    let usage = |what: String| CliError::Usage(format!("the enroll serve arguments: {what}"));
    let matches = Serve::command()
        .try_get_matches_from(args)
        .map_err(|e| usage(clap_message(&e.render().to_string())))?;
    let serve = Serve::from_arg_matches(&matches).map_err(|e| usage(e.to_string()))?;
    let a = serve.a;
    broker(a.broker.as_deref())?;
    let cwd = std::env::current_dir().map_err(|e| usage(format!("the current directory: {e}")))?;
    let absolute = |p: &Path| normal(&cwd.join(p));
    let mut words: Vec<String> = ["enroll", "serve"].map(String::from).to_vec();
    words.extend(args.iter().cloned());
    // The unit does not have this shell's environment: what came from it is written out.
    let from_env =
        |id: &str| matches.value_source(id) == Some(clap::parser::ValueSource::EnvVariable);
    if from_env("dir") {
        words.extend([
            "--pki".to_string(),
            a.pki.dir.to_string_lossy().into_owned(),
        ]);
    }
    if let (true, Some(file)) = (from_env("passphrase_file"), &a.passphrase.passphrase_file) {
        words.extend([
            "--passphrase-file".to_string(),
            file.to_string_lossy().into_owned(),
        ]);
    }
    let mut read_write = Vec::new();
    match &a.manifest {
        Some(manifest) => {
            let manifest = crate::cli::fleet::ManifestArgs {
                manifest: manifest.clone(),
                example: false,
            };
            read_write.push(absolute(&manifest.fleet_dir(a.fleet_dir.as_deref())));
        }
        None => {
            read_write.push(absolute(&a.pki.dir));
            if let (Some(file), Bootstrap::Once) = (&a.bootstrap_psk_file, a.bootstrap) {
                let file = absolute(file);
                if let Some(dir) = file.parent() {
                    read_write.push(dir.to_path_buf());
                }
            }
        }
    }
    read_write.dedup();
    Ok(enroll::SystemdUnit {
        exec: std::env::current_exe()
            .map_err(|e| usage(format!("the path of this program: {e}")))?,
        args: words,
        user,
        group,
        working_directory: cwd,
        read_write,
    })
}

/// `path` without `.` and `..` (systemd refuses paths that hold them).
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A clap error's message on one line: its first paragraph, without `error: ` (the usage and
/// help lines after it are for the command line, not for these arguments).
fn clap_message(text: &str) -> String {
    let text = text.strip_prefix("error: ").unwrap_or(text);
    text.lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
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
        // Counted (metrics, the minute's summary), never a line each: a flood must not become
        // a flood of log lines.
        ServiceEvent::Batch { .. } | ServiceEvent::Quiet { .. } => return,
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
                    "detail": outcome.detail,
                    "ms": ms,
                })
                .to_string(),
                LogFormat::Text => {
                    let detail = match (code, &outcome.serial, &outcome.detail) {
                        (Some(code), _, Some(detail)) => format!(" {code}: {detail}"),
                        (Some(code), _, None) => format!(" {code}"),
                        (None, Some(serial), _) => format!(" serial {serial}"),
                        (None, None, _) => String::new(),
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
    match outcome.answer.code() {
        Some(code) => ("rejected", Some(code)),
        None if outcome.is_new() => ("issued", None),
        None => ("sent again", None),
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
        ServiceEvent::RateLimited { device, count } => format!(
            "{device}: {count} more request{} rate-limited in the last minute (answered once)",
            if *count == 1 { "" } else { "s" }
        ),
        ServiceEvent::Batch { size } => format!("answering {size} requests"),
        ServiceEvent::Quiet { device, .. } => format!("{device}: rate-limited"),
        ServiceEvent::CrlRefreshed {
            number,
            next_update,
        } => format!(
            "signed the CRL again (CRL number {number}, next update {}); reload brokers to read it",
            crate::cli::output::date(*next_update)
        ),
        ServiceEvent::CrlRefreshFailed { error } => {
            format!(
                "the CRL is due but could not be signed again: {error}; trying again in an hour"
            )
        }
    }
}
