//! `enroll device`: the reference device's flags and its one line of output; the device itself
//! is `mqauth::enroll::device`.

use crate::cli::args::choice_of;
use crate::cli::{CliError, ExitStatus, Ui, escape};
use clap::Args;
use mqauth::enroll::device::{self, Credentials, DeviceError, DeviceOptions};
use mqauth::enroll::{BrokerAddress, SettingsError, TlsInput, defaults};
use mqauth::pki::KeyAlgorithm;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
#[command(
    after_help = "The reference device, what firmware is compared against: makes a new key and a CSR with CN=ID, \
    connects with its bootstrap PSK (--psk-file: TLS-PSK, publishes on PREFIX/ID/csr) or its \
    current certificate (--cert/--key: mutual TLS, publishes on PREFIX/ID/renew; --renew says \
    so explicitly), subscribes to PREFIX/ID/result before publishing, sends the CSR with QoS 1 \
    and MQTT 5 Correlation Data, and takes only the answer to that request. The certificate must \
    be for the new key, carry CN=ID and chain to --cafile. Then OUT/ID.crt (the certificate \
    followed by its chain) and OUT/ID.key (0600) are written together; neither is overwritten \
    without --force (renewing into the files in use needs it).\n\n\
    Exit status 1 for a rejection (`error: rejected: CODE: message`), silence (no answer within \
    --timeout: the broker denied the publish or no service runs) and every other failure; 2 \
    for usage errors.\n\n\
    Examples:\n  \
    mqauth enroll device dev1 --broker 127.0.0.1:8884 --psk-file dev1.psk --cafile ca.crt\n  \
    mqauth enroll device dev1 --broker 127.0.0.1:8883 --cafile ca.crt \\\n      \
    --cert dev1.crt --key dev1.key --renew --out renewed/"
)]
pub(super) struct DeviceArgs {
    /// The device id: PSK identity, certificate CN, topic level and file name
    #[arg(value_name = "ID")]
    id: String,
    /// The broker, HOST:PORT: its TLS-PSK listener with --psk-file, its mutual-TLS one with
    /// --cert/--key
    #[arg(long, value_name = "HOST:PORT")]
    broker: String,
    /// Bootstrap PSK: a Mosquitto psk_file holding the line ID:HEXKEY (first certificate)
    #[arg(long, value_name = "FILE", required_unless_present = "cert", conflicts_with_all = ["cert", "key", "renew"])]
    psk_file: Option<PathBuf>,
    /// The device's current certificate (PEM, may hold its chain), to renew over mutual TLS
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,
    /// The key of --cert (unencrypted PKCS#8 PEM)
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    /// Renew (publish on PREFIX/ID/renew); implied by --cert/--key, which it requires
    #[arg(long, requires = "cert")]
    renew: bool,
    /// The CA the certificate received must chain to; with --cert, also the broker's trust
    /// anchor
    #[arg(long, value_name = "FILE")]
    cafile: PathBuf,
    /// Topic prefix of the protocol
    #[arg(long, default_value = defaults::PREFIX, value_name = "PREFIX")]
    prefix: String,
    /// Type of the new key
    #[arg(long, value_parser = choice_of(&[KeyAlgorithm::P256, KeyAlgorithm::P384]), default_value = "p256")]
    key_type: KeyAlgorithm,
    /// Where ID.crt and ID.key are written
    #[arg(long, value_name = "DIR", default_value = ".")]
    out: PathBuf,
    /// How long the whole exchange may take, connecting included (e.g. 30s, 2m)
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = timeout)]
    timeout: Duration,
    /// Overwrite ID.crt and ID.key
    #[arg(long)]
    force: bool,
}

fn timeout(input: &str) -> Result<Duration, String> {
    let wait = mqauth::lifetime::parse_wait(input)?;
    if wait.is_zero() {
        return Err("the timeout must be at least 1 second".into());
    }
    Ok(wait)
}

pub(super) fn run(a: DeviceArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let broker: BrokerAddress = a
        .broker
        .parse()
        .map_err(|e: SettingsError| CliError::Usage(format!("--broker {e}")))?;
    let credentials = match (a.psk_file, a.cert, a.key) {
        (Some(psk_file), None, None) => Credentials::Psk { psk_file },
        (None, Some(cert), Some(key)) => Credentials::Certificate { cert, key },
        // clap's rules leave no other case; said plainly should they change.
        _ => {
            return Err(CliError::Usage(
                "give either --psk-file or --cert and --key".into(),
            ));
        }
    };
    let options = DeviceOptions {
        id: a.id,
        broker,
        credentials,
        ca_file: a.cafile,
        prefix: a.prefix,
        key_type: a.key_type,
        timeout: a.timeout,
        out: a.out,
        overwrite: a.force,
    };
    let enrolled = device::enroll(&options).map_err(device_error)?;
    ui.summary(escape(&format!(
        "{}: serial {} not_after {} renew_after {} new={} (key {})",
        enrolled.certificate.display(),
        enrolled.serial,
        enrolled.not_after,
        enrolled.renew_after,
        enrolled.new,
        enrolled.key.display(),
    )));
    Ok(ExitStatus::Success)
}

/// A device error in the words of the command line: a TLS file is named by its flag, a bad id
/// or prefix is a usage error.
fn device_error(e: DeviceError) -> CliError {
    match e {
        DeviceError::Tls { input, why, .. } => CliError::FlagValue {
            flag: match input {
                TlsInput::BrokerCa => "--cafile",
                TlsInput::Cert => "--cert",
                TlsInput::Key => "--key",
                TlsInput::CertAndKey => "--cert/--key",
            },
            reason: format!("cannot use it for TLS: {why}"),
        },
        DeviceError::Name(e) => CliError::Usage(format!("ID: {e}")),
        DeviceError::Prefix(why) => CliError::Usage(format!("--prefix {why}")),
        e => CliError::Device(e),
    }
}
