use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("{}: {message}", path.display())]
    Crl { path: PathBuf, message: String },
    #[error("{}: {message}", path.display())]
    Certificates { path: PathBuf, message: String },
    #[error(transparent)]
    Pki(#[from] crate::pki::PkiError),
}
