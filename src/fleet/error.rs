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
    #[error("cannot read manifest {}: {message}", path.display())]
    Read { path: PathBuf, message: String },
    #[error(transparent)]
    Pki(#[from] PkiError),
    #[error(transparent)]
    Psk(#[from] PskError),
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{0}")]
    Render(String),
    #[error("unknown broker {name:?} (brokers: {known})")]
    UnknownBroker { name: String, known: String },
}
