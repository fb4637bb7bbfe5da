use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The configuration itself cannot be read: nothing can be audited (exit 1).
    #[error("{}: {why}", path.display())]
    Config { path: PathBuf, why: String },
}
