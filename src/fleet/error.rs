use crate::atomic::FileError;
use crate::pki::PkiError;
use crate::psk::PskError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    /// A problem in the manifest, at a place in it.
    #[error("{}:{line}:{column}: {message}", file.display())]
    Manifest {
        file: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },
    #[error(transparent)]
    Pki(#[from] PkiError),
    #[error(transparent)]
    Psk(#[from] PskError),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    #[error("template {name}: {source}")]
    Template {
        name: String,
        #[source]
        source: minijinja::Error,
    },
    #[error("cannot resolve {}: {source}", path.display())]
    Resolve {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is missing: run `mqauth fleet apply` first to create the fleet's credentials", path.display())]
    NotApplied { path: PathBuf },
    #[error("refusing to write {value:?} into the configuration of broker {broker}: {why}")]
    UnsafeValue {
        broker: String,
        value: String,
        why: crate::fleet::render::config_value::UnsafeValue,
    },
    #[error("refusing to write {value:?} into broker configurations: {why}")]
    UnsafePath {
        value: String,
        why: crate::fleet::render::config_value::UnsafeValue,
    },
    /// A rule a RabbitMQ broker cannot enforce exactly (the manifest check reports it first,
    /// with its place).
    #[error("device {device}: {why}")]
    Unexpressible {
        device: String,
        why: crate::fleet::render::rabbitmq_topic::Unexpressible,
    },
    #[error("unknown broker {name:?} (brokers: {known})")]
    UnknownBroker { name: String, known: String },
}
