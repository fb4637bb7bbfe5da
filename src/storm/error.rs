//! Why a storm could not be run. A storm that ran returns a report, whatever its clients met:
//! these are the errors before (or instead of) a storm. Messages never name flags.

use crate::enroll::EnrollError;
use crate::fleet::FleetError;
use crate::pki::PkiError;
use crate::psk::PskError;
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StormError {
    #[error(
        "{target}: not a loopback address; a storm is for the operator's own broker, and one elsewhere must be allowed explicitly"
    )]
    Remote { target: String },
    #[error("{target}: cannot resolve: {why}")]
    Resolve { target: String, why: String },
    #[error("{count} clients: a storm has at most {max}")]
    TooManyClients { count: usize, max: usize },
    #[error("a storm needs at least one client")]
    NoClients,
    #[error("{count} clients asked for, but {source_name} has only {available}")]
    NotEnoughDevices {
        count: usize,
        available: usize,
        source_name: String,
    },
    #[error("{} s: a storm lasts at most {} s", given.as_secs(), max.as_secs())]
    TooLong {
        given: std::time::Duration,
        max: std::time::Duration,
    },
    #[error("the duration and the client timeout must be at least 1 second")]
    TooShort,
    #[error("{rate}: the rate must be a positive number of connections per second")]
    Rate { rate: f64 },
    #[error("topic template {template:?}: {why}")]
    Topic { template: String, why: String },
    #[error("no group {group} in {}", manifest.display())]
    UnknownGroup { group: String, manifest: PathBuf },
    #[error(
        "port {port} is neither an mTLS nor a PSK port of a broker in {}, and the devices use both: give the listener's port of one kind, or a group of one kind",
        manifest.display()
    )]
    UnknownListener { port: u16, manifest: PathBuf },
    #[error("{}: no port for {auth} devices: the manifest's broker has no such listener", manifest.display())]
    NoListener {
        auth: &'static str,
        manifest: PathBuf,
    },
    #[error("{}: the fleet has several brokers: give the port", manifest.display())]
    WhichBroker { manifest: PathBuf },
    #[error("{}: {why}", path.display())]
    Credentials { path: PathBuf, why: String },
    #[error("{what} has no devices to connect{why}")]
    NoDevices { what: String, why: &'static str },
    #[error("{what}: give the broker's port")]
    NoPort { what: String },
    #[error(transparent)]
    File(#[from] crate::atomic::FileError),
    #[error(transparent)]
    Fleet(#[from] FleetError),
    #[error(transparent)]
    Pki(#[from] PkiError),
    #[error(transparent)]
    Psk(#[from] PskError),
    #[error(transparent)]
    Enroll(#[from] EnrollError),
    #[error("TLS-PSK: {0}")]
    PskTls(#[from] crate::tls_psk::PskTlsError),
    #[error("broker process {pid}: cannot read its CPU time: {why}")]
    BrokerPid { pid: u32, why: String },
    #[error("{0}: unknown credential kind (psk, p256, p384, ed25519, rsa2048, rsa3072, rsa4096)")]
    UnknownKind(String),
    #[error("{0}: named twice in the comparison")]
    RepeatedKind(String),
    #[error(
        "mosquitto is not installed: a comparison starts its own Mosquitto on loopback (apt-get install mosquitto)"
    )]
    NoMosquitto,
    #[error("the local mosquitto did not start: {why}")]
    LocalBroker { why: String },
    #[error("temporary directory {}: {why}", path.display())]
    Temp { path: PathBuf, why: String },
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
}
