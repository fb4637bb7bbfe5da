//! The passphrase that protects CA keys, read the way `openssl -passin file:F` reads it.

use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum PassphraseError {
    #[error("cannot read passphrase file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("passphrase file {} is empty", path.display())]
    Empty { path: PathBuf },
}

/// A passphrase held in memory that is wiped on drop and never printed.
pub struct Passphrase(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase([elided])")
    }
}

impl Passphrase {
    /// The first line of the file, without its line ending; like openssl, the rest is ignored.
    pub fn from_file(path: &Path) -> Result<Self, PassphraseError> {
        let bytes =
            Zeroizing::new(std::fs::read(path).map_err(|source| PassphraseError::Read {
                path: path.to_path_buf(),
                source,
            })?);
        let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Passphrase::from_bytes(line.to_vec()).ok_or_else(|| PassphraseError::Empty {
            path: path.to_path_buf(),
        })
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        let bytes = Zeroizing::new(bytes);
        (!bytes.is_empty()).then_some(Passphrase(bytes))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}
