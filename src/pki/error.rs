use super::keys::KeyError;
use super::legacy_index::IndexError;
use super::passphrase::PassphraseError;
use super::profile::SanError;
use super::serial::Serial;
use crate::atomic::FileError;
use crate::names::{NameError, TemplateError};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("no PKI in {} ({} is missing)", dir.display(), file.display())]
    Missing { dir: PathBuf, file: PathBuf },
    #[error("{} already holds a PKI ({} exists); refusing to overwrite it", dir.display(), file.display())]
    AlreadyInitialised { dir: PathBuf, file: PathBuf },
    #[error(transparent)]
    File(#[from] FileError),
    #[error("the records of {} are in PostgreSQL already ({})", dir.display(), file.display())]
    RecordsOnServer { dir: PathBuf, file: PathBuf },
    #[error(
        "records at {url}: the database is not empty; records are moved only into an empty one"
    )]
    ServerNotEmpty { url: String },
    #[error("records at {url}: the copy differs from pki.db ({what}); pki.db stays in use")]
    CopyDiffers { url: String, what: String },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Records(#[from] super::records::RecordsError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Passphrase(#[from] PassphraseError),
    #[error("invalid name: {0}")]
    Name(#[from] NameError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    San(#[from] SanError),
    #[error("{}: {message}", path.display())]
    Certificate { path: PathBuf, message: String },
    #[error("{}: {message}", path.display())]
    Csr { path: PathBuf, message: String },
    /// A CSR without a CN, and no name given for its certificate.
    #[error("{}: the request has no CN and no name was given for the certificate", path.display())]
    CsrWithoutName { path: PathBuf },
    #[error(
        "broker certificate {name:?} has no DNS name or IP address: clients check the broker against its subject alternative names, not its name"
    )]
    NoSan { name: String },
    #[error("{name} already has a valid certificate (serial {serial})")]
    AlreadyIssued { name: String, serial: Serial },
    #[error("{name} is named twice")]
    DuplicateName { name: String },
    #[error("nothing to issue: no ID was named and no count given")]
    NothingToIssue,
    #[error("certificate lifetime must be at least one hour")]
    ZeroLifetime,
    #[error("a CRL's lifetime (until its next update) must be at least one hour")]
    ShortCrlLifetime,
    #[error("no certificate named {name:?} in the index")]
    UnknownName { name: String },
    #[error("no certificate with serial {serial} in the index")]
    UnknownSerial { serial: Serial },
    #[error("{name} (serial {serial}) is already revoked")]
    AlreadyRevoked { name: String, serial: Serial },
    #[error("{name} has no unexpired certificate; nothing to revoke")]
    NothingToRevoke { name: String },
    #[error(
        "{name}: the key of revoked certificate {} is unknown (recorded before mqauth kept keys, its file replaced since), so a CSR for it could not be refused", serials.iter().map(Serial::to_string).collect::<Vec<_>>().join(", ")
    )]
    RevokedKeyUnknown { name: String, serials: Vec<Serial> },
    #[error(
        "{name} has no certificate in force (all revoked or superseded); issue a new one instead"
    )]
    NothingToRenew { name: String },
    #[error(
        "refusing to revoke the CA certificate {name}: a CA is retired by replacing the PKI, and revoking the issuing CA would cut off every device at once"
    )]
    RevokeCa { name: String },
    #[error(
        "{name} was signed from a CSR, so its key lives on the device; rekey there and sign the new CSR with `mqauth pki sign`"
    )]
    RekeyWithoutKey { name: String },
    #[error("cannot sign: {0}")]
    Sign(#[from] rcgen::Error),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    #[error(transparent)]
    CaName(#[from] super::ca::CaNameError),
    #[error(transparent)]
    Token(#[from] super::token::TokenError),
    #[error("{}: {why}", path.display())]
    UnsafeDirectory { path: PathBuf, why: String },
}
