//! `mqauth export`: what one device, a list, or the whole fleet needs, in the format the device
//! or the factory reads.

use super::args::{PkiDirArg, StackArgs, choice_of};
use super::fleet::ManifestArgs;
use super::{CliError, ExitStatus, Ui, escape};
use clap::Args;
use mqauth::atomic::{self, Batch, Mode};
use mqauth::choice::Choice;
use mqauth::export::{
    Bundle, Credential, Endpoint, ExportFile, FactoryFormat, FactoryWriter, Format, Sources,
    StackFacts, dial_name,
};
use mqauth::pki::{KeyAlgorithm, Passphrase};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// `--format`: a device format, or for `--all` a factory stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutFormat {
    Device(Format),
    Factory(FactoryFormat),
}

impl Choice for OutFormat {
    const ALL: &'static [Self] = &[
        OutFormat::Device(Format::Dir),
        OutFormat::Device(Format::Pem),
        OutFormat::Device(Format::Der),
        OutFormat::Device(Format::Pkcs12),
        OutFormat::Device(Format::CHeader),
        OutFormat::Device(Format::Json),
        OutFormat::Device(Format::Env),
        OutFormat::Factory(FactoryFormat::Jsonl),
        OutFormat::Factory(FactoryFormat::Csv),
    ];
    fn id(self) -> &'static str {
        match self {
            OutFormat::Device(f) => f.id(),
            OutFormat::Factory(f) => f.id(),
        }
    }
    fn help(self) -> &'static str {
        match self {
            OutFormat::Device(f) => f.help(),
            OutFormat::Factory(FactoryFormat::Jsonl) => {
                "--all: one JSON object per device and line"
            }
            OutFormat::Factory(FactoryFormat::Csv) => {
                "--all: one CSV row per device, with a header"
            }
        }
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "Where files go: a one-file format (pem, pkcs12, c-header, json, env) \
    for one device is written to --out FILE (default ./DEVICE.EXT; `-` is standard output, the \
    only way a key is printed); dir and der make the directory --out DIR (default ./DEVICE/). \
    For several devices --out is the directory that receives DEVICE.EXT or DEVICE/ \
    (default .). Key and PSK files are written 0600, and never over an existing file without \
    --force.\n\n\
    Every export carries the broker's address and public-key pin (SHA-256 of its \
    SubjectPublicKeyInfo: base64 as curl's --pinnedpubkey sha256//..., and hex) and the DER \
    sizes of what the device stores. The trust anchor is the root CA alone: the broker sends its \
    intermediate.\n\n\
    Examples:\n  \
    mqauth export sensor-1\n  \
    mqauth export sensor-1 --format c-header --out main/credentials.h --stack mbedtls3\n  \
    mqauth export sensor-1 --format pkcs12 --p12-passphrase-file p12.pass\n  \
    mqauth export gw-01 --format env --out - -m fleet.yaml\n  \
    mqauth export --all -m fleet.yaml --format jsonl --include-keys --out factory.jsonl"
)]
pub struct ExportArgs {
    /// Devices to export (certificate devices from the PKI, PSK devices from the PSK file)
    #[arg(value_name = "DEVICE", required_unless_present = "all")]
    devices: Vec<String>,
    /// Every device of the manifest (-m), as a stream: --format jsonl or csv
    #[arg(long, requires = "manifest", conflicts_with = "devices")]
    all: bool,
    /// Output format [default: dir; jsonl with --all]
    #[arg(long, value_parser = choice_of(OutFormat::ALL), value_name = "FORMAT")]
    format: Option<OutFormat>,
    /// Where to write (see below); `-` writes a one-file format to standard output
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// With --all: put each device's private key or PSK in the stream too
    #[arg(long, requires = "all")]
    include_keys: bool,
    /// Fleet manifest: the PKI, the PSK store and the brokers come from it
    #[arg(short, long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// The fleet directory (default: the manifest's directory)
    #[arg(long, value_name = "DIR", requires = "manifest")]
    fleet_dir: Option<PathBuf>,
    #[command(flatten)]
    pki: PkiDirArg,
    /// Without -m: the psk_file that holds PSK devices' keys
    #[arg(long, value_name = "FILE", conflicts_with = "manifest")]
    psk_file: Option<PathBuf>,
    /// The broker devices connect to: a broker certificate of the PKI, or of the manifest
    /// [default: the only one, or the manifest's first]
    #[arg(long, value_name = "NAME")]
    broker: Option<String>,
    /// The name devices dial [default: the broker certificate's first DNS name, else its
    /// first IP address]
    #[arg(long, value_name = "HOST")]
    host: Option<String>,
    /// The port devices dial [default: the manifest's mtls_port or psk_port; 8883 or 8884]
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,
    /// File whose first line is the PKCS#12 bundle's passphrase
    #[arg(long, env = "MQAUTH_P12_PASSPHRASE_FILE", value_name = "FILE")]
    p12_passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    stack: StackArgs,
    /// Replace files that exist
    #[arg(long)]
    force: bool,
}

/// Opens the PKI and PSK file, and decides the broker and the addresses devices dial.
fn sources(a: &ExportArgs) -> Result<(Sources, Option<Vec<String>>), CliError> {
    let mut all = None;
    let mut sources;
    let broker_name;
    let (mut mtls_port, mut psk_port) = (Some(8883), Some(8884));
    let mut listen = None;
    match &a.manifest {
        Some(manifest) => {
            let args = ManifestArgs {
                manifest: manifest.clone(),
                example: false,
            };
            let fleet = args.load()?;
            let root = args.fleet_dir(a.fleet_dir.as_deref());
            let dir = mqauth::fleet::FleetDir::new(&root, &fleet);
            let store = dir.psk_store();
            sources = Sources::open(Some(dir.pki()), store.exists().then_some(store.as_path()))?;
            let broker = match &a.broker {
                Some(name) => fleet
                    .brokers
                    .iter()
                    .find(|b| &b.name == name)
                    .ok_or_else(|| {
                        CliError::Usage(format!(
                            "--broker {name}: not a broker of {}",
                            manifest.display()
                        ))
                    })?,
                None => fleet
                    .brokers
                    .iter()
                    .find(|b| b.mtls_port.is_some())
                    .or(fleet.brokers.first())
                    .ok_or_else(|| CliError::Usage("the manifest has no broker".into()))?,
            };
            (mtls_port, psk_port) = (broker.mtls_port, broker.psk_port);
            listen = broker
                .listen
                .filter(|ip| !ip.is_unspecified())
                .map(|ip| ip.to_string());
            sources.psk_hint = Some(broker.psk_hint.clone());
            broker_name = broker.mtls_port.map(|_| broker.name.clone());
            if a.all {
                all = Some(fleet.devices.iter().map(|d| d.id.clone()).collect());
            }
        }
        None => {
            sources = Sources::open(Some(&a.pki.dir), a.psk_file.as_deref())?;
            broker_name = match &a.broker {
                Some(name) => Some(name.clone()),
                None => {
                    let brokers = sources.brokers()?;
                    match brokers.as_slice() {
                        [] => None,
                        [one] => Some(one.name.clone()),
                        many => {
                            return Err(CliError::Usage(format!(
                                "the PKI has {} brokers ({}): name one with --broker",
                                many.len(),
                                many.iter()
                                    .map(|b| b.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )));
                        }
                    }
                }
            };
        }
    }
    if let Some(name) = &broker_name {
        sources.broker = Some(sources.broker_facts(name)?);
    }
    let host = a
        .host
        .clone()
        .or_else(|| sources.broker.as_ref().and_then(|b| dial_name(&b.sans)))
        .or(listen);
    let endpoint = |port: Option<u16>| {
        let port = a.port.or(port)?;
        host.clone().map(|host| Endpoint { host, port })
    };
    sources.mtls = endpoint(mtls_port);
    sources.psk_endpoint = endpoint(psk_port);
    Ok((sources, all))
}

/// What a device's bundle tells the stack checks.
fn facts<'b>(bundle: &'b Bundle, ca_keys: &[(&'b str, KeyAlgorithm)]) -> StackFacts<'b> {
    let mut facts = StackFacts {
        chain_keys: ca_keys.to_vec(),
        broker_sans: bundle.broker.as_ref().map(|b| b.sans.as_slice()),
        dial: bundle.endpoint.as_ref().map(|e| e.host.as_str()),
        ..StackFacts::default()
    };
    if let Some(b) = &bundle.broker {
        facts.chain_keys.push(("the broker's certificate", b.key));
    }
    match &bundle.credential {
        Credential::Certificate {
            key,
            not_before,
            not_after,
            ..
        } => {
            facts.device_key = Some(*key);
            facts.lifetime = Some((*not_after - *not_before).unsigned_abs());
        }
        Credential::Psk { key } => facts.psk_bytes = Some(key.len()),
    }
    facts
}

/// The algorithms of the CAs a device verifies: a PSK device verifies none.
fn ca_keys<'s>(sources: &'s Sources, bundle: &Bundle) -> &'s [(&'static str, KeyAlgorithm)] {
    if bundle.is_psk() {
        &[]
    } else {
        sources.ca_keys()
    }
}

fn write_files(dir: &Path, files: &[ExportFile], force: bool) -> Result<(), CliError> {
    atomic::create_dir(dir, 0o700)?;
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let _lock = mqauth::export::claim(dir, &names)?;
    let batch = Batch::new(force);
    for f in files {
        let mode = if f.secret { Mode::Secret } else { Mode::Public };
        batch.stage(&dir.join(&f.name), &f.contents, mode)?;
    }
    batch.commit()?;
    Ok(())
}

fn describe(bundle: &Bundle) -> String {
    let mut parts = Vec::new();
    match &bundle.credential {
        Credential::Certificate {
            cert_der,
            key_der,
            ca_der,
            ..
        } => {
            parts.push(format!("certificate {} B", cert_der.len()));
            if let Some(k) = key_der {
                parts.push(format!("key {} B", k.len()));
            }
            parts.push(format!("CA {} B DER", ca_der.len()));
        }
        Credential::Psk { key } => parts.push(format!("{}-byte PSK", key.len())),
    }
    if let Some(e) = &bundle.endpoint {
        parts.push(format!("broker {}:{}", e.host, e.port));
    }
    if let Some(pin) = bundle.pin() {
        parts.push(format!("pin {}", pin.curl()));
    }
    parts.join(", ")
}

pub fn run(a: ExportArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let format = a.format.unwrap_or(if a.all {
        OutFormat::Factory(FactoryFormat::Jsonl)
    } else {
        OutFormat::Device(Format::Dir)
    });
    let (sources, all) = sources(&a)?;
    match (format, all) {
        (OutFormat::Factory(f), Some(devices)) => factory(&a, &sources, f, &devices, ui),
        (OutFormat::Factory(f), None) => Err(CliError::Usage(format!(
            "--format {} is for --all; one device's formats: dir, pem, der, pkcs12, c-header, json, env",
            f.id()
        ))),
        (OutFormat::Device(f), None) => devices(&a, &sources, f, ui),
        (OutFormat::Device(f), Some(_)) => Err(CliError::Usage(format!(
            "--all streams --format jsonl or csv, not {}",
            f.id()
        ))),
    }
}

fn devices(
    a: &ExportArgs,
    sources: &Sources,
    format: Format,
    ui: &Ui,
) -> Result<ExitStatus, CliError> {
    let p12 = match (&a.p12_passphrase_file, format) {
        (Some(path), Format::Pkcs12) => Some(Passphrase::from_file(path)?),
        (None, Format::Pkcs12) => {
            return Err(CliError::Usage(
                "--format pkcs12 needs --p12-passphrase-file FILE (or MQAUTH_P12_PASSPHRASE_FILE): a passphrase never goes on the command line".into(),
            ));
        }
        _ => None,
    };
    let to_stdout = a.out.as_deref() == Some(Path::new("-"));
    if to_stdout && (format.is_directory() || a.devices.len() > 1) {
        return Err(CliError::Usage(
            "--out - takes one device in a one-file format (pem, pkcs12, c-header, json, env)"
                .into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = a.devices.iter().find(|d| !seen.insert(d.as_str())) {
        return Err(CliError::Usage(format!("{twice} is named twice")));
    }
    // Everything is gathered and checked before anything is written.
    let mut rendered = Vec::with_capacity(a.devices.len());
    for device in &a.devices {
        let bundle = sources.load(device)?;
        let keys = ca_keys(sources, &bundle);
        a.stack
            .report(&a.stack.facts(facts(&bundle, keys)), device, ui)?;
        let files = mqauth::export::render(&bundle, format, p12.as_ref())?;
        rendered.push((bundle, files));
    }
    let single = a.devices.len() == 1;
    for (bundle, files) in &rendered {
        let shown = if to_stdout {
            let mut out = std::io::stdout().lock();
            for f in files {
                out.write_all(&f.contents).map_err(CliError::stdout)?;
            }
            out.flush().map_err(CliError::stdout)?;
            "standard output".to_string()
        } else if format.is_directory() {
            let dir = match (&a.out, single) {
                (Some(out), true) => out.clone(),
                (Some(out), false) => out.join(&bundle.device),
                (None, _) => PathBuf::from(&bundle.device),
            };
            write_files(&dir, files, a.force)?;
            format!("{}/", dir.display())
        } else {
            let path = match (&a.out, single) {
                (Some(out), true) => out.clone(),
                (Some(out), false) => out.join(format.file_name(&bundle.device)),
                (None, _) => PathBuf::from(format.file_name(&bundle.device)),
            };
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            atomic::create_dir(parent, 0o755)?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let _lock = mqauth::export::claim(parent, &[name.as_deref().unwrap_or_default()])?;
            for f in files {
                let mode = if f.secret { Mode::Secret } else { Mode::Public };
                atomic::write_file(&path, &f.contents, mode, a.force)?;
            }
            path.display().to_string()
        };
        ui.summary(escape(&format!(
            "exported {} ({}) to {shown}: {}",
            bundle.device,
            if bundle.is_psk() { "psk" } else { "mtls" },
            describe(bundle)
        )));
    }
    Ok(ExitStatus::Success)
}

/// `--all`: one record per device, streamed to a 0600 file (or stdout with `--out -`).
fn factory(
    a: &ExportArgs,
    sources: &Sources,
    format: FactoryFormat,
    devices: &[String],
    ui: &Ui,
) -> Result<ExitStatus, CliError> {
    // Identical findings of many devices are said once, with a count.
    let mut findings: BTreeMap<String, (usize, mqauth::export::Severity)> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut count = 0usize;
    let mut stream = |out: &mut dyn std::io::Write| -> Result<(), CliError> {
        let mut writer = FactoryWriter::new(out, format, a.include_keys);
        for device in devices {
            let bundle = match sources.load(device) {
                Ok(b) => b,
                Err(mqauth::export::ExportError::UnknownDevice { .. }) => {
                    skipped.push(device.clone());
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let keys = ca_keys(sources, &bundle);
            for f in
                mqauth::export::check_stack(a.stack.stack, &a.stack.facts(facts(&bundle, keys)))
            {
                if a.stack.strict && f.severity == mqauth::export::Severity::Warning {
                    return Err(CliError::Refused(format!(
                        "{device}: {} (refused: --strict)",
                        f.message
                    )));
                }
                findings.entry(f.message).or_insert((0, f.severity)).0 += 1;
            }
            writer.write(&bundle)?;
            count += 1;
        }
        writer.finish()?;
        Ok(())
    };
    let shown = match a.out.as_deref() {
        Some(p) if p == Path::new("-") => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            stream(&mut lock)?;
            "standard output".to_string()
        }
        out => {
            let path = out.map_or_else(
                || PathBuf::from(format!("factory.{}", format.id())),
                Path::to_path_buf,
            );
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let _lock = mqauth::export::claim(parent, &[name.as_deref().unwrap_or_default()])?;
            let mut failure = None;
            let written = atomic::write_file_streamed(&path, Mode::Secret, a.force, |file| {
                let mut buffered = std::io::BufWriter::with_capacity(1 << 20, file);
                match stream(&mut buffered) {
                    Ok(()) => buffered.flush(),
                    Err(e) => {
                        failure = Some(e);
                        Err(std::io::Error::other("export failed"))
                    }
                }
            });
            if let Some(e) = failure {
                return Err(e);
            }
            written?;
            path.display().to_string()
        }
    };
    for (message, (n, severity)) in findings {
        let line = format!("{n} device{}: {message}", if n == 1 { "" } else { "s" });
        match severity {
            mqauth::export::Severity::Warning => ui.warn(line),
            mqauth::export::Severity::Note => ui.summary(format!("note: {line}")),
        }
    }
    if !skipped.is_empty() {
        ui.warn(format!(
            "{} device{} of the manifest have no credentials yet (run `mqauth fleet apply`): {}",
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" },
            skipped
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    ui.summary(format!(
        "exported {count} devices to {shown}{}",
        if a.include_keys {
            " (with their keys: keep it like a key file)"
        } else {
            " (no keys: add --include-keys for a provisioning line)"
        }
    ));
    Ok(ExitStatus::Success)
}
