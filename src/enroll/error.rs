//! What can stop the enrollment service, named for the thing at fault (the command line maps
//! each to the flag or manifest entry the user wrote).

use super::settings::Setting;
use std::path::PathBuf;
use thiserror::Error;

/// A setting that cannot be used: refused before anything starts.
#[derive(Debug, Error)]
pub enum SettingsError {
    #[error("{given:?}: expected HOST:PORT, e.g. 127.0.0.1:8883")]
    BrokerAddress { given: String },
    #[error("{0} is required")]
    Missing(Setting),
    #[error("prefix: {why}")]
    Prefix { why: String },
    #[error("client id {given:?}: 1 to 256 printable characters")]
    ClientId { given: String },
    #[error("shared subscription group {given:?}: 1 to 128 printable characters, no /, + or #")]
    ShareGroup { given: String },
    #[error("the renewal window is a percentage, 1 to 100 (not {percent})")]
    RenewWindow { percent: u8 },
    #[error("the rate must be at least 1 request per minute")]
    Rate,
    #[error("the default certificate lifetime does not parse")]
    Lifetime,
    #[error("no group enrolls and there is no enroll: section; add `enroll: true` to a group")]
    NotEnrolling,
    #[error("unknown broker {name}")]
    UnknownBroker { name: String },
    #[error(transparent)]
    Psk(#[from] crate::psk::PskError),
}

/// One of the files the service's TLS connection is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsInput {
    BrokerCa,
    Cert,
    Key,
    /// The certificate and the key together (they do not match).
    CertAndKey,
}

#[derive(Debug, Error)]
pub enum EnrollError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("{}: cannot use it for TLS: {why}", path.display())]
    Tls {
        input: TlsInput,
        path: PathBuf,
        why: String,
    },
    #[error(transparent)]
    File(#[from] crate::atomic::FileError),
    #[error(transparent)]
    Pki(#[from] crate::pki::PkiError),
    #[error(
        "another client connected as {client_id:?} and the broker gave it this service's session: is a second service running with the same client id? stopping"
    )]
    TakenOver { client_id: String },
    #[error("cannot start the service: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot listen on {addr} for metrics: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
}
