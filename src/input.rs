//! Reading the files users name: certificates, CSRs, CRLs, keys, PSK files, manifests,
//! passphrase files, indexes.
//!
//! `std::fs::read` on `/dev/zero` grows memory until the machine gives out, and on a FIFO
//! without a writer it blocks forever. So inputs must be regular files or pipes (a pipe keeps
//! `--passphrase-file <(pass show ca)` working), are opened without blocking, and are read up
//! to a cap that depends on what they are.

use crate::atomic::FileError;
use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// What a file is expected to hold; sets the cap on its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Certificates, bundles, CSRs and CRLs.
    Certificates,
    PrivateKey,
    PskFile,
    Manifest,
    Passphrase,
    /// The PKI's own records.
    Index,
    Template,
    /// A Mosquitto configuration file.
    BrokerConfig,
    /// What a broker's authorization reads: acl_file, password_file, dynamic-security JSON.
    AccessFile,
}

const MIB: u64 = 1 << 20;

impl Kind {
    /// The most mqauth reads of such a file: far beyond any real one, far below running out
    /// of memory.
    pub fn limit(self) -> u64 {
        match self {
            Kind::Certificates | Kind::Manifest | Kind::BrokerConfig => 256 * MIB,
            Kind::PrivateKey | Kind::Passphrase => MIB,
            Kind::PskFile | Kind::Index | Kind::AccessFile => 2048 * MIB,
            Kind::Template => 16 * MIB,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Certificates => "certificate file",
            Kind::PrivateKey => "key file",
            Kind::PskFile => "PSK file",
            Kind::Manifest => "manifest",
            Kind::Passphrase => "passphrase file",
            Kind::Index => "index",
            Kind::Template => "template",
            Kind::BrokerConfig => "Mosquitto configuration",
            Kind::AccessFile => "access-control file",
        }
    }
}

fn describe(ft: std::fs::FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Reads `path`, which must be a regular file or a pipe, up to `kind`'s cap.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, FileError> {
    read_with_metadata(path, kind).map(|(bytes, _)| bytes)
}

/// Reads `path` like [`read`], with the metadata of the file it opened: one `fstat` for the
/// checks callers make on the file's mode, and no race between that check and the read.
pub fn read_with_metadata(path: &Path, kind: Kind) -> Result<(Vec<u8>, Metadata), FileError> {
    let io_err = |e: io::Error| FileError::io("read", path, e);
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    let ft = meta.file_type();
    let limit = kind.limit();
    if ft.is_fifo() {
        // A pipe with a writer: read it as a blocking stream (with no writer it is at EOF).
        rustix::fs::fcntl_setfl(&file, rustix::fs::OFlags::empty())
            .map_err(|e| io_err(e.into()))?;
    } else if !ft.is_file() {
        return Err(FileError::NotAFile {
            path: path.to_path_buf(),
            what: describe(ft),
            expected: kind.noun(),
        });
    } else if meta.len() > limit {
        return Err(too_large(path, kind));
    }
    let mut bytes = Vec::with_capacity(if ft.is_file() {
        meta.len() as usize
    } else {
        4096
    });
    read_capped(&mut file, &mut bytes, limit).map_err(io_err)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, kind));
    }
    Ok((bytes, meta))
}

/// Reads `path` like [`read`], but only a regular file: for files mqauth will replace.
pub fn read_regular(path: &Path, kind: Kind) -> Result<Vec<u8>, FileError> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(FileError::NotAFile {
            path: path.to_path_buf(),
            what: if meta.file_type().is_fifo() {
                "a pipe"
            } else {
                describe(meta.file_type())
            },
            expected: kind.noun(),
        });
    }
    read(path, kind)
}

/// Reads `path` as UTF-8 text (see [`read`]).
pub fn read_text(path: &Path, kind: Kind) -> Result<String, FileError> {
    let bytes = read(path, kind)?;
    String::from_utf8(bytes).map_err(|_| FileError::NotText {
        path: path.to_path_buf(),
    })
}

fn read_capped(file: &mut File, out: &mut Vec<u8>, limit: u64) -> io::Result<()> {
    // One byte past the cap tells a file that grew while being read from one at the cap.
    file.take(limit + 1).read_to_end(out)?;
    Ok(())
}

fn too_large(path: &Path, kind: Kind) -> FileError {
    FileError::TooLarge {
        path: path.to_path_buf(),
        limit_mib: kind.limit() / MIB,
        what: kind.noun(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_and_directories() {
        let e = read(Path::new("/dev/zero"), Kind::Certificates).unwrap_err();
        assert!(e.to_string().contains("character device"), "{e}");
        let e = read(Path::new("/"), Kind::Manifest).unwrap_err();
        assert!(e.to_string().contains("directory"), "{e}");
    }

    #[test]
    fn a_fifo_without_writer_reads_as_empty_instead_of_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert_eq!(read(&fifo, Kind::Passphrase).unwrap(), b"");
    }

    #[test]
    fn caps_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        let f = File::create(&big).unwrap();
        f.set_len(Kind::Passphrase.limit() + 1).unwrap();
        let e = read(&big, Kind::Passphrase).unwrap_err();
        assert!(e.to_string().contains("larger than 1 MiB"), "{e}");
    }
}
