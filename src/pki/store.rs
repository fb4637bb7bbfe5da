//! An open PKI directory: its layout, its records, and the lock that serialises writers.
//!
//! Opening a PKI for changes takes `DIR/.lock`, finishes or undoes a batch a crash
//! interrupted, and migrates an `index.json` left by an earlier mqauth into `pki.db`.

use super::entry::{Snapshot, Status};
use super::error::PkiError;
use super::layout::Layout;
use super::legacy_index::LegacyIndex;
use super::profile::Profile;
use super::records::{self, Change, Records};
use crate::atomic::{self, Batch, FileError, Recovery};
use crate::input::{self, Kind};
use crate::lock::{self, Lock};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// An `index.json` moved into `pki.db`.
#[derive(Debug, Clone)]
pub struct Migration {
    pub from: PathBuf,
    pub kept_as: PathBuf,
    pub certificates: usize,
}

/// A PKI opened for writing. Holding it holds an exclusive lock on `DIR/.lock`: writers take
/// turns over the files, and the database's own lock serialises the records besides.
#[derive(Debug)]
pub struct Pki {
    pub(super) layout: Layout,
    pub(super) records: Box<dyn Records>,
    recovery: Option<Recovery>,
    migration: Option<Migration>,
    _lock: Lock,
}

impl Pki {
    /// Opens an existing PKI for changes, waiting for any other writer to finish; finishes or
    /// undoes whatever an interrupted run left, and migrates an `index.json`.
    pub fn open(dir: &Path) -> Result<Pki, PkiError> {
        let layout = Layout::new(dir);
        require_pki(&layout)?;
        let lock = lock::lock_file(&layout.lock())?;
        let migration = migrate_legacy(&layout)?;
        let mut records = records::open_in(layout.dir(), &layout.db(), false)?;
        records.lock_writers()?;
        let recovery = recover_batch(&layout, records.as_ref())?;
        if !records.initialised()? {
            // An init that was interrupted (and now undone): there is no PKI yet.
            return Err(missing(&layout, layout.records_file()));
        }
        record_keys(&layout, records.as_mut())?;
        check_private_dir(&layout)?;
        begin_writing(&layout)?;
        Ok(Pki {
            layout,
            records,
            recovery,
            migration,
            _lock: lock,
        })
    }

    /// Starts a PKI in a directory that must not hold one yet; used by `pki init`.
    /// With `server`, the records go to that PostgreSQL database (which must hold no PKI),
    /// and the directory says so in `records.url`.
    pub(super) fn create(dir: &Path, server: Option<&ServerRecords>) -> Result<Pki, PkiError> {
        let layout = Layout::new(dir);
        atomic::create_dir(layout.dir(), 0o755)?;
        let lock = lock::lock_file(&layout.lock())?;
        let migration = migrate_legacy(&layout)?;
        // An empty pki.db beside a CA is a PKI's damaged records, not an init to redo.
        if std::fs::symlink_metadata(layout.db()).is_ok_and(|m| m.is_file() && m.len() == 0)
            && std::fs::symlink_metadata(layout.ca_cert()).is_ok()
        {
            return Err(records::RecordsError::Empty { path: layout.db() }.into());
        }
        if let Some(server) = server {
            name_server(&layout, server)?;
        }
        let mut records = records::open_in(layout.dir(), &layout.db(), true)?;
        records.lock_writers()?;
        // An init that was killed half-way is undone, so it can simply be run again.
        let recovery = recover_batch(&layout, records.as_ref())?;
        if records.initialised()? {
            return Err(PkiError::AlreadyInitialised {
                dir: dir.to_path_buf(),
                file: layout.records_file(),
            });
        }
        for file in [layout.ca_cert(), layout.ca_key()] {
            if std::fs::symlink_metadata(&file).is_ok() {
                return Err(PkiError::AlreadyInitialised {
                    dir: dir.to_path_buf(),
                    file,
                });
            }
        }
        atomic::create_dir(&layout.issued_dir(), 0o755)?;
        atomic::create_dir(&layout.private_dir(), 0o700)?;
        check_private_dir(&layout)?;
        begin_writing(&layout)?;
        Ok(Pki {
            layout,
            records,
            recovery,
            migration,
            _lock: lock,
        })
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The records, for queries.
    pub fn records(&self) -> &dyn Records {
        self.records.as_ref()
    }

    /// What opening the PKI did about a run that was interrupted, if there was one.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// The `index.json` opening the PKI migrated, if there was one.
    pub fn migration(&self) -> Option<&Migration> {
        self.migration.as_ref()
    }

    /// Puts `files` in place, then records `change` as their commit point: the records name
    /// files only once they exist, and a failure (or a crash, recovered by the next run)
    /// undoes the files.
    pub(super) fn commit(&mut self, files: Batch, change: Change) -> Result<(), PkiError> {
        let records = &mut self.records;
        files
            .journal_at(self.layout.journal())
            .commit_with(|batch| -> Result<(), PkiError> {
                records.commit(batch, &change)?;
                Ok(())
            })
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        // Every batch removed its own temporaries, whether it committed or failed.
        let _ = std::fs::remove_file(self.layout.writing());
    }
}

/// Marks the PKI as being written, sweeping first what a writer that was killed left: only
/// then, since listing `issued/` at a million certificates takes longer than issuing one.
fn begin_writing(layout: &Layout) -> Result<(), PkiError> {
    let marker = layout.writing();
    if marker.exists() {
        sweep(layout);
    }
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&marker)
        .map_err(|e| FileError::io("create", &marker, e))?;
    Ok(())
}

/// Removes the temporaries of interrupted runs; only mqauth writes `issued/` and `private/`,
/// and only under the lock, but the PKI directory may hold other files.
fn sweep(layout: &Layout) {
    atomic::sweep_temporaries(&layout.issued_dir());
    atomic::sweep_temporaries(&layout.private_dir());
    for file in layout.top_level_files() {
        atomic::sweep_temporaries_of(&file);
    }
}

/// Finishes or undoes the batch a crash interrupted: it committed if the records hold its id.
fn recover_batch(layout: &Layout, records: &dyn Records) -> Result<Option<Recovery>, PkiError> {
    Ok(atomic::recover_with(&layout.journal(), &|id| {
        records.batch_committed(id).map_err(|e| e.to_string())
    })?)
}

/// A PostgreSQL database for a new PKI's records, and the password to keep for it.
#[derive(Debug)]
pub struct ServerRecords {
    pub location: records::PgLocation,
    /// Kept in `private/records.password` (0600) so that every later command finds it; none
    /// when the password file (`~/.pgpass`) or the server's own authentication serves.
    pub password: Option<zeroize::Zeroizing<Vec<u8>>>,
}

/// Writes `records.url` (and the password, if any) in a new PKI directory: every later
/// command opens the records through it. Written before the records are: an init that fails
/// leaves a directory that a second init, to the same or another URL, takes over.
pub(super) fn name_server(layout: &Layout, server: &ServerRecords) -> Result<(), PkiError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let write = |path: &Path, bytes: &[u8], mode: u32| -> Result<(), FileError> {
        let io = |e| FileError::io("write", path, e);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(path)
            .map_err(io)?;
        f.write_all(bytes).map_err(io)?;
        f.sync_all().map_err(io)
    };
    atomic::create_dir(&layout.private_dir(), 0o700)?;
    match &server.password {
        Some(p) => write(&layout.records_password(), p, 0o600)?,
        None => match std::fs::remove_file(layout.records_password()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(FileError::io("remove", layout.records_password(), e).into()),
        },
    }
    write(
        &layout.records_url(),
        format!("{}\n", server.location.url).as_bytes(),
        0o644,
    )?;
    sync_dir(layout.dir())?;
    Ok(())
}

/// The records of the PKI at `dir`, for reading without the writers' lock (readers see every
/// committed change, never half of one). An `index.json` that still needs migrating is
/// migrated first, under the lock; the migration is returned so the caller can say so.
pub fn read_records(dir: &Path) -> Result<(Box<dyn Records>, Option<Migration>), PkiError> {
    let layout = Layout::new(dir);
    require_pki(&layout)?;
    let migration = if layout.db().exists() || layout.records_url().exists() {
        None
    } else {
        Pki::open(dir)?.migration.take()
    };
    let mut records = records::open_in(layout.dir(), &layout.db(), false)?;
    if !records.initialised()? {
        return Err(missing(&layout, layout.records_file()));
    }
    if records.keys_to_record()?.is_some() {
        // Reading the keys is a write: under the lock, as a writer does it.
        drop(records);
        drop(Pki::open(dir)?);
        records = records::open_in(layout.dir(), &layout.db(), false)?;
    }
    Ok((records, migration))
}

/// Every certificate of the PKI at `dir`, read without changing anything: from `pki.db`, or
/// from an `index.json` not migrated yet.
pub fn snapshot(dir: &Path) -> Result<Snapshot, PkiError> {
    let layout = Layout::new(dir);
    require_pki(&layout)?;
    if layout.db().exists() || layout.records_url().exists() {
        let mut records = records::open_in(layout.dir(), &layout.db(), false)?;
        if !records.initialised()? {
            return Err(missing(&layout, layout.records_file()));
        }
        if records.keys_to_record()?.is_some() {
            // Reading the keys is a write: under the lock, as a writer does it.
            drop(records);
            drop(Pki::open(dir)?);
            records = records::open_in(layout.dir(), &layout.db(), false)?;
        }
        return Ok(records.snapshot()?);
    }
    let legacy = layout.legacy_index();
    let index = LegacyIndex::parse(&input::read(&legacy, Kind::Index)?, &legacy)?;
    Ok(Snapshot {
        key: index.key,
        certificates: index.certificates,
    })
}

/// Brings the PKI at `dir` up to date before it is read to decide what to change (`fleet
/// apply`): finishes or undoes an interrupted run, migrates an `index.json`.
pub fn prepare(dir: &Path) -> Result<(Option<Recovery>, Option<Migration>), PkiError> {
    let layout = Layout::new(dir);
    let legacy = !layout.db().exists() && layout.legacy_index().exists();
    if interrupted_run(dir).is_none() && !legacy {
        return Ok((None, None));
    }
    match Pki::open(dir) {
        Ok(mut pki) => Ok((pki.recovery.take(), pki.migration.take())),
        // An interrupted `init`, undone: the caller creates the PKI afresh.
        Err(PkiError::Missing { .. }) => Ok((None, None)),
        Err(e) => Err(e),
    }
}

/// Whether an interrupted run left a journal that the next write will finish or undo.
pub fn interrupted_run(dir: &Path) -> Option<PathBuf> {
    let layout = Layout::new(dir);
    [
        layout.journal(),
        atomic::journal_for(&layout.legacy_index()),
    ]
    .into_iter()
    .find(|j| j.exists())
}

fn missing(layout: &Layout, file: PathBuf) -> PkiError {
    PkiError::Missing {
        dir: layout.dir().to_path_buf(),
        file,
    }
}

fn require_pki(layout: &Layout) -> Result<(), PkiError> {
    if !layout.ca_cert().exists() {
        return Err(missing(layout, layout.ca_cert()));
    }
    if !layout.db().exists() && !layout.legacy_index().exists() && !layout.records_url().exists() {
        return Err(missing(layout, layout.db()));
    }
    Ok(())
}

/// Moves the records of an `index.json` (mqauth before 0.2) into a new `pki.db`, in one
/// transaction, and keeps the old file as `index.json.migrated`. The database is built under
/// a temporary name and renamed into place, so a crash leaves the old state or the new one.
fn migrate_legacy(layout: &Layout) -> Result<Option<Migration>, PkiError> {
    let legacy = layout.legacy_index();
    let kept_as = legacy.with_file_name("index.json.migrated");
    if !legacy.exists() {
        return Ok(None);
    }
    if layout.db().exists() {
        // Migrated, then interrupted before the old file was set aside.
        std::fs::rename(&legacy, &kept_as).map_err(|e| FileError::io("rename", &legacy, e))?;
        return Ok(None);
    }
    // A batch an earlier mqauth did not finish, committed by renaming index.json last.
    atomic::recover(&atomic::journal_for(&legacy))?;
    let bytes = input::read(&legacy, Kind::Index)?;
    let mut index = LegacyIndex::parse(&bytes, &legacy)?;
    for e in &mut index.certificates {
        complete_legacy_entry(layout, e);
    }
    let building = layout.dir().join(".pki.db.migrating");
    for stale in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{stale}", building.display()));
    }
    {
        let mut records = records::open(&building, true)?;
        let change = Change {
            operation: format!("migrate {}", legacy.display()),
            settings: Some(super::records::Settings {
                key: index.key,
                crl_number: index.crl_number,
                root_crl_number: index.root_crl_number,
            }),
            insert: index.certificates.clone(),
            ..Change::default()
        };
        records.commit("migration", &change)?;
    }
    let rename = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(|e| FileError::io("rename", from, e))
    };
    rename(&building, &layout.db())?;
    sync_dir(layout.dir())?;
    rename(&legacy, &kept_as)?;
    sync_dir(layout.dir())?;
    Ok(Some(Migration {
        from: legacy,
        kept_as,
        certificates: index.certificates.len(),
    }))
}

fn sync_dir(dir: &Path) -> Result<(), FileError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| FileError::io("sync directory", dir, e))
}

/// What index.json did not record: whether the key is held here, and the certificate's
/// fingerprint, where the file on disk still is that certificate.
fn complete_legacy_entry(layout: &Layout, e: &mut super::entry::Entry) {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (cert, key) = match e.profile {
        Profile::Root => (layout.ca_cert(), layout.ca_key()),
        Profile::Intermediate => (layout.intermediate_cert(), layout.intermediate_key()),
        _ => (layout.leaf_cert(&e.name), layout.leaf_key(&e.name)),
    };
    e.key_held = key.exists();
    if e.status == Status::Superseded && e.profile.is_ca() {
        return;
    }
    let Ok(text) = input::read(&cert, Kind::Certificates) else {
        return;
    };
    let Ok(block) = pem::parse(&text) else { return };
    let der = block.contents();
    if let Ok((_, parsed)) = X509Certificate::from_der(der)
        && super::serial::Serial::from_bytes(parsed.raw_serial()) == e.serial
    {
        e.fingerprint_sha256 = Some(super::entry::fingerprint(der));
    }
}

/// Records the public keys of the certificates recorded before mqauth kept them (schema
/// version 2), once, from their files: a file that still holds that certificate (same serial)
/// gives its key. One whose file was replaced since (by a renewal or a re-issue under the same
/// name) or cannot be read keeps an unknown key; a revoked certificate with an unknown key
/// keeps its device from being allowed to enroll again without saying so explicitly
/// (`allow::allow_again`), since a CSR for that key could not be recognised.
fn record_keys(layout: &Layout, records: &mut dyn Records) -> Result<(), PkiError> {
    use rayon::prelude::*;
    let Some(unknown) = records.keys_to_record()? else {
        return Ok(());
    };
    let found: Vec<(super::serial::Serial, String)> = unknown
        .par_iter()
        .filter_map(|e| key_in_file(layout, e).map(|key| (e.serial.clone(), key)))
        .collect();
    records.record_keys(&found)?;
    Ok(())
}

/// The SHA-256 of the public key of `e`'s certificate, when its file still holds it.
fn key_in_file(layout: &Layout, e: &super::entry::Entry) -> Option<String> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let cert = match e.profile {
        Profile::Root => layout.ca_cert(),
        Profile::Intermediate => layout.intermediate_cert(),
        _ => layout.leaf_cert(&e.name),
    };
    let text = input::read(&cert, Kind::Certificates).ok()?;
    let der = pem::parse(&text).ok()?.into_contents();
    let (_, parsed) = X509Certificate::from_der(&der).ok()?;
    (super::serial::Serial::from_bytes(parsed.raw_serial()) == e.serial)
        .then(|| super::entry::spki_sha256(parsed.public_key().raw))
}

/// Keys are written into `private/`: a link to somewhere else, a directory others can write
/// (and so swap files in), or one owned by another user would hand them the keys silently.
fn check_private_dir(layout: &Layout) -> Result<(), PkiError> {
    let path = layout.private_dir();
    let unsafe_dir = |why: String| PkiError::UnsafeDirectory {
        path: path.clone(),
        why,
    };
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            atomic::create_dir(&path, 0o700)?;
            return Ok(());
        }
        Err(e) => return Err(FileError::io("inspect", &path, e).into()),
    };
    if meta.file_type().is_symlink() {
        return Err(unsafe_dir(
            "is a symbolic link; private keys are written only into a real directory".into(),
        ));
    }
    if !meta.is_dir() {
        return Err(unsafe_dir("is not a directory".into()));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(unsafe_dir(format!(
            "is writable by {} (mode {mode:04o}); chmod 700 {}",
            if mode & 0o002 != 0 {
                "everyone"
            } else {
                "its group"
            },
            path.display()
        )));
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(unsafe_dir(format!(
            "belongs to user {}, not to you (user {me}); its owner could replace the keys in it",
            meta.uid()
        )));
    }
    Ok(())
}
