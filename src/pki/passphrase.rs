//! The passphrase that protects CA keys, read the way `openssl -passin file:F` reads it.

use crate::atomic::FileError;
use crate::input::{self, Kind};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// OpenSSL reads the first line with `BIO_gets` into a 1024-byte buffer (APP_PASS_LEN): it sees
/// at most 1023 bytes of it.
pub const MAX_PASSPHRASE_LEN: usize = 1023;

#[derive(Debug, thiserror::Error)]
pub enum PassphraseError {
    #[error("cannot read passphrase file: {0}")]
    Read(#[from] FileError),
    #[error("passphrase file {} is empty", path.display())]
    Empty { path: PathBuf },
    #[error(
        "passphrase file {} ends its first line with \\r (a Windows line ending); OpenSSL would take the \\r as part of the passphrase, so keys would not open with `openssl pkey -passin file:`. Remove it: sed -i 's/\\r$//' {}", path.display(), path.display()
    )]
    CarriageReturn { path: PathBuf },
    #[error(
        "the first line of passphrase file {} is longer than {MAX_PASSPHRASE_LEN} bytes, all that OpenSSL reads of it", path.display()
    )]
    TooLong { path: PathBuf },
}

/// A passphrase held in memory that is wiped on drop and never printed.
pub struct Passphrase {
    bytes: Zeroizing<Vec<u8>>,
    /// The file's mode when others than its owner may read it.
    loose_mode: Option<u32>,
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase([elided])")
    }
}

impl Passphrase {
    /// The first line of the file, without its `\n`; like openssl, the rest is ignored. A `\r`
    /// before the `\n` is refused rather than silently dropped: openssl keeps it.
    pub fn from_file(path: &Path) -> Result<Self, PassphraseError> {
        let bytes = Zeroizing::new(input::read(path, Kind::Passphrase)?);
        let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
        if line.ends_with(b"\r") {
            return Err(PassphraseError::CarriageReturn {
                path: path.to_path_buf(),
            });
        }
        if line.len() > MAX_PASSPHRASE_LEN {
            return Err(PassphraseError::TooLong {
                path: path.to_path_buf(),
            });
        }
        let mut passphrase =
            Passphrase::from_bytes(line.to_vec()).ok_or_else(|| PassphraseError::Empty {
                path: path.to_path_buf(),
            })?;
        passphrase.loose_mode = std::fs::metadata(path)
            .ok()
            .filter(|m| !m.file_type().is_fifo())
            .map(|m| m.mode() & 0o7777)
            .filter(|mode| mode & 0o077 != 0);
        Ok(passphrase)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        let bytes = Zeroizing::new(bytes);
        (!bytes.is_empty()).then_some(Passphrase {
            bytes,
            loose_mode: None,
        })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The passphrase file's mode, when group or others may read it.
    pub fn loose_mode(&self) -> Option<u32> {
        self.loose_mode
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_first_line_as_openssl_does() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pass");
        std::fs::write(&file, b"s3cret\nignored\n").unwrap();
        assert_eq!(Passphrase::from_file(&file).unwrap().as_bytes(), b"s3cret");
        std::fs::write(&file, b"s3cret\r\n").unwrap();
        let e = Passphrase::from_file(&file).unwrap_err().to_string();
        assert!(e.contains("\\r") && e.contains("sed"), "{e}");
        std::fs::write(&file, vec![b'x'; 1024]).unwrap();
        assert!(matches!(
            Passphrase::from_file(&file),
            Err(PassphraseError::TooLong { .. })
        ));
        std::fs::write(&file, b"\n").unwrap();
        assert!(matches!(
            Passphrase::from_file(&file),
            Err(PassphraseError::Empty { .. })
        ));
    }
}
