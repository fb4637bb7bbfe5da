//! The PKI's records: every certificate it issued, its settings and its CRL numbers.
//!
//! They live in SQLite (`pki/pki.db`), or in PostgreSQL when the PKI directory holds a
//! `records.url` ([`location`]): a server database that several hosts (enrollment services)
//! share. Every query the commands make is a method of [`Records`], and all the SQL is in
//! [`sqlite`] and [`postgres`].
//!
//! A change is one transaction, and it is the commit point of the files that go with it: the
//! files are staged, made durable and renamed into place first, then [`Records::commit`]
//! records them together with the id of their batch, which is how a run after a crash tells a
//! batch that committed from one to undo (`atomic::recover_with`).

pub mod location;
mod pg_schema;
mod postgres;
mod schema;
mod sqlite;

pub use location::{LocationError, PgLocation};

use super::entry::{Entry, Reason, Snapshot};
use super::keys::KeyAlgorithm;
use super::serial::Serial;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// The PKI's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Key type for new leaf keys unless a command says otherwise.
    pub key: KeyAlgorithm,
    /// Number of the last CRL signed by the issuing CA (0: none yet, or only the empty one
    /// `pki init` signs as number 0).
    pub crl_number: u64,
    /// Number of the last CRL signed by the root, when there is an intermediate.
    pub root_crl_number: u64,
}

/// One change to the records, committed atomically with the files of its batch.
#[derive(Debug, Default)]
pub struct Change {
    /// What the change was, for the history of batches (`issue 1000`, `revoke`, …).
    pub operation: String,
    /// The PKI's settings, when they are set (at `pki init`).
    pub settings: Option<Settings>,
    pub insert: Vec<Entry>,
    /// (certificate, the one that replaced it).
    pub supersede: Vec<(Serial, Serial)>,
    pub revoke: Vec<(Serial, OffsetDateTime, Option<Reason>)>,
    /// Revoked certificates whose device an operator allowed to enroll again, and when.
    pub allow: Vec<(Serial, OffsetDateTime)>,
    /// The DER of inserted certificates, by serial: kept by a backend that stores
    /// certificates (PostgreSQL), so that any host reads them; SQLite keeps them in files.
    pub der: Vec<(Serial, Vec<u8>)>,
    /// New CRL numbers.
    pub crl_number: Option<u64>,
    pub root_crl_number: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error("{}: {source}", path.display())]
    Database {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "{}: made by a newer mqauth (schema version {found}; this one knows up to {known})", path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{}: a record does not make sense ({what}); was the database edited by hand?", path.display())]
    Corrupt { path: PathBuf, what: String },
    #[error("{}: the PKI has no settings yet; run `mqauth pki init`", path.display())]
    Uninitialised { path: PathBuf },
    /// A zero-length file: SQLite would take it for a new database and write a schema into it.
    #[error(
        "{}: is empty (0 bytes), not the PKI's records; restore it from a backup (nothing was written to it)", path.display()
    )]
    Empty { path: PathBuf },
    #[error(
        "{}: not the PKI's records ({what}); restore it from a backup (nothing was written to it)", path.display()
    )]
    Damaged { path: PathBuf, what: String },
    /// Followed, a link would put the records (the commit point of every change) anywhere.
    #[error(
        "{}: is a symbolic link; the PKI's records are kept only in a real file", path.display()
    )]
    Symlink { path: PathBuf },
    #[error("records at {url}: {}", server_message(source))]
    Server {
        url: String,
        #[source]
        source: ::postgres::Error,
    },
    #[error(
        "records at {url}: made by a newer mqauth (schema version {found}; this one knows up to {known})"
    )]
    TooNewServer { url: String, found: i64, known: i64 },
    #[error(
        "records at {url}: a record does not make sense ({what}); was the database edited by hand?"
    )]
    CorruptServer { url: String, what: String },
    #[error("records at {url}: the PKI has no settings yet; run `mqauth pki init`")]
    UninitialisedServer { url: String },
    #[error(transparent)]
    Location(#[from] LocationError),
}

/// What a PostgreSQL error says: the server's own message (its Display is only "db error"),
/// or the client's, with its cause (connection refused, timed out).
fn server_message(e: &::postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

/// The certificate columns every backend reads, in the order its row decoder expects.
pub(super) const COLUMNS: &str = "serial, name, profile, key_type, subject, issuer, sans, not_before, \
    not_after, status, revoked_at, reason, fingerprint_sha256, key_held, superseded_by, \
    spki_sha256, allowed_at";

/// The queries and the one write the commands make.
pub trait Records: std::fmt::Debug {
    fn settings(&self) -> Result<Settings, RecordsError>;
    /// Whether the PKI holds its settings (`pki init` committed).
    fn initialised(&self) -> Result<bool, RecordsError>;
    /// The leaf certificate in force for `name` (status valid), if any.
    fn in_force(&self, name: &str) -> Result<Option<Entry>, RecordsError>;
    /// The leaf certificates in force for any of `names`, by name.
    fn in_force_many(
        &self,
        names: &[&str],
    ) -> Result<std::collections::HashMap<String, Entry>, RecordsError>;
    /// Every certificate of `name`, oldest first.
    fn by_name(&self, name: &str) -> Result<Vec<Entry>, RecordsError>;
    /// The newest leaf certificate of `name`, whatever its status: the one that says whether
    /// a revocation blocks the device.
    fn newest(&self, name: &str) -> Result<Option<Entry>, RecordsError>;
    /// Whether any revoked certificate (any name, any reason) is for the public key whose
    /// SubjectPublicKeyInfo has this SHA-256 (lowercase hex). An indexed lookup.
    fn is_key_revoked(&self, spki_sha256: &str) -> Result<bool, RecordsError>;
    /// The certificates whose public key is not recorded, when their keys have not yet been
    /// read from the certificate files (records made before keys were kept); `None` once
    /// [`Records::record_keys`] has run.
    fn keys_to_record(&self) -> Result<Option<Vec<Entry>>, RecordsError>;
    /// Records the keys found for `keys` (serial, SPKI SHA-256) and that the files were read,
    /// in one transaction: certificates left out keep an unknown key.
    fn record_keys(&mut self, keys: &[(Serial, String)]) -> Result<(), RecordsError>;
    fn by_serial(&self, serial: &Serial) -> Result<Option<Entry>, RecordsError>;
    fn serial_taken(&self, serial: &Serial) -> Result<bool, RecordsError>;
    /// Leaf certificates in force that expire by `by` (or have), soonest first.
    fn expiring(&self, by: OffsetDateTime) -> Result<Vec<Entry>, RecordsError>;
    /// Certificates `issuer` signed, revoked and not yet expired at `at`: what its CRL lists.
    fn revoked_by(&self, issuer: &str, at: OffsetDateTime) -> Result<Vec<Entry>, RecordsError>;
    /// Certificates whose name matches a glob (`*`, `?`, `[…]`), in issuing order.
    fn matching(&self, glob: &str) -> Result<Vec<Entry>, RecordsError>;
    /// Every certificate, in issuing order.
    fn snapshot(&self) -> Result<Snapshot, RecordsError>;
    /// Whether the batch with this id was committed.
    fn batch_committed(&self, id: &str) -> Result<bool, RecordsError>;
    /// Records `change` and the batch id `batch` in one transaction.
    fn commit(&mut self, batch: &str, change: &Change) -> Result<(), RecordsError>;
    /// Makes every other writer of these records, on any host, wait until this one is
    /// dropped: where several hosts share the records (PostgreSQL), the directory's `.lock`
    /// serialises the writers of one host only. SQLite needs nothing more than that lock.
    fn lock_writers(&mut self) -> Result<(), RecordsError> {
        Ok(())
    }
    /// The DER of the certificate with this serial, where the records keep certificates
    /// (PostgreSQL); `None` where they live only in files (SQLite: `issued/`).
    fn certificate_der(&self, _serial: &Serial) -> Result<Option<Vec<u8>>, RecordsError> {
        Ok(None)
    }
}

/// Opens (or, with `create`, creates) the SQLite records kept at `path`, schema brought up to
/// date.
pub fn open(path: &Path, create: bool) -> Result<Box<dyn Records>, RecordsError> {
    Ok(Box::new(sqlite::SqliteRecords::open(path, create)?))
}

/// Opens the records of the PKI directory `dir`: the PostgreSQL database its `records.url`
/// names, else `db` (SQLite; created with `create`). The one place that picks the backend.
pub fn open_in(dir: &Path, db: &Path, create: bool) -> Result<Box<dyn Records>, RecordsError> {
    match PgLocation::of_dir(dir)? {
        Some(location) => open_postgres(&location),
        None => open(db, create),
    }
}

/// Connects to the PostgreSQL records at `location`, creating the schema in an empty
/// database and bringing an older one up to date.
pub fn open_postgres(location: &PgLocation) -> Result<Box<dyn Records>, RecordsError> {
    Ok(Box::new(postgres::PgRecords::open(location)?))
}
