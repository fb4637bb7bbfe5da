//! `mqauth enroll`: certificates for devices over the fleet's own MQTT broker.

mod allow;
mod device;
mod serve;

pub(crate) use serve::systemd_unit;

use super::{CliError, ExitStatus, Ui};
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth enroll serve --broker 127.0.0.1:8883 --cafile pki/ca.crt \\\n      \
    --cert pki/issued/enroll-service.crt --key pki/private/enroll-service.key \\\n      \
    --bootstrap-psk-file bootstrap.psk\n  \
    mqauth enroll device dev1 --broker 127.0.0.1:8884 --psk-file dev1.psk --cafile pki/ca.crt\n  \
    mqauth enroll allow meter-01                 # after `mqauth pki revoke meter-01`")]
pub struct EnrollArgs {
    #[command(subcommand)]
    verb: EnrollVerb,
}

#[derive(Debug, Subcommand)]
enum EnrollVerb {
    /// Answer enrollment and renewal requests (CSRs over MQTT) with the fleet's PKI
    // Boxed: its flags outweigh every other verb's, and the enum takes the largest size.
    Serve(Box<serve::ServeArgs>),
    /// The reference device: a new key, its CSR over MQTT (bootstrap PSK or current
    /// certificate), the certificate checked and written
    Device(device::DeviceArgs),
    /// Let devices whose certificate was revoked enroll again (with a new key)
    Allow(allow::AllowArgs),
}

pub fn run(args: EnrollArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    match args.verb {
        EnrollVerb::Serve(a) => serve::run(*a, ui),
        EnrollVerb::Device(a) => device::run(a, ui),
        EnrollVerb::Allow(a) => allow::run(a, ui),
    }
}
