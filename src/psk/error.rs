use crate::atomic::FileError;
use crate::names::{NameError, TemplateError};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PskError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    #[error("invalid identity: {0}")]
    Name(#[from] NameError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("key size {0} bytes is out of range: use 16 to 64 bytes (128 to 512 bits)")]
    KeySize(usize),
    #[error("the operating system's random number generator failed: {0}")]
    Random(#[source] rand::rngs::SysError),
    #[error("a key-generating thread stopped early")]
    WorkerStopped,
    #[error("{identity} is given twice")]
    DuplicateIdentity { identity: String },
    #[error("{}: {identity} is already in the file (line {line})", path.display())]
    AlreadyPresent {
        path: PathBuf,
        identity: String,
        line: usize,
    },
    /// A file loaded to be read, without the writers' lock, is never written back.
    #[error("{}: was read without the writers' lock and cannot be saved", path.display())]
    ReadOnly { path: PathBuf },
    #[error("{}: no identity {identity}", path.display())]
    UnknownIdentity { path: PathBuf, identity: String },
    #[error("{}:{line}: {identity} appears more than once (first on line {first}); fix the file before changing it", path.display())]
    AmbiguousFile {
        path: PathBuf,
        identity: String,
        line: usize,
        first: usize,
    },
    #[error("{}: the file is not valid UTF-8 text", path.display())]
    NotText { path: PathBuf },
    #[error("nothing to generate: no identity was named and no count given")]
    NothingToGenerate,
    #[error("cannot write: {0}")]
    Write(#[from] std::io::Error),
}
