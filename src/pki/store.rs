//! An open PKI directory: its layout, its index, and the lock that serialises writers.

use super::error::PkiError;
use super::index::Index;
use super::layout::Layout;
use crate::atomic::{self, Batch, FileError, Mode, Recovery};
use crate::input::{self, Kind};
use crate::lock::{self, Lock};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A PKI opened for writing. Holding it holds an exclusive lock on `DIR/.lock`, so two
/// concurrent mqauth runs on one PKI take turns instead of losing each other's index updates.
#[derive(Debug)]
pub struct Pki {
    pub(super) layout: Layout,
    pub(super) index: Index,
    recovery: Option<Recovery>,
    _lock: Lock,
}

impl Pki {
    /// Opens an existing PKI for changes, waiting for any other writer to finish, and finishes
    /// or undoes whatever an interrupted run left.
    pub fn open(dir: &Path) -> Result<Pki, PkiError> {
        let layout = Layout::new(dir);
        require_pki(&layout)?;
        let lock = lock::lock_file(&layout.lock())?;
        let recovery = atomic::recover(&atomic::journal_for(&layout.index()))?;
        check_private_dir(&layout)?;
        // Read the index only once the lock is held: another writer may just have replaced it.
        let index = read_index(&layout)?;
        sweep(&layout);
        Ok(Pki {
            layout,
            index,
            recovery,
            _lock: lock,
        })
    }

    /// Starts a PKI in a directory that must not hold one yet; used by `pki init`.
    pub(super) fn create(dir: &Path, index: Index) -> Result<Pki, PkiError> {
        let layout = Layout::new(dir);
        atomic::create_dir(layout.dir(), 0o755)?;
        let lock = lock::lock_file(&layout.lock())?;
        // An init that was killed half-way is undone, so it can simply be run again.
        let recovery = atomic::recover(&atomic::journal_for(&layout.index()))?;
        for file in [layout.ca_cert(), layout.ca_key(), layout.index()] {
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
        sweep(&layout);
        Ok(Pki {
            layout,
            index,
            recovery,
            _lock: lock,
        })
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The index as the changes made through this handle left it; releases the lock.
    pub fn into_index(self) -> Index {
        self.index
    }

    /// What opening the PKI did about a run that was interrupted, if there was one.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// Stages index.json as the batch's commit point and commits: the index lands only after
    /// every file it names, and a failure undoes them all.
    pub(super) fn commit_with_index(&self, files: Batch) -> Result<(), PkiError> {
        let path = self.layout.index();
        let json = self.index.to_json(&path)?;
        files.stage_last(&path, &json, Mode::Public)?;
        files.commit()?;
        Ok(())
    }
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

/// Reads the index without taking the lock: readers see either the old or the new file,
/// never a mix, because writers replace it by rename.
pub fn read_only_index(dir: &Path) -> Result<Index, PkiError> {
    let layout = Layout::new(dir);
    require_pki(&layout)?;
    read_index(&layout)
}

/// Finishes or undoes a run on the PKI at `dir` that was interrupted, if one was: for callers
/// that read the PKI before deciding whether to change it (`fleet apply`).
pub fn recover(dir: &Path) -> Result<Option<Recovery>, PkiError> {
    let layout = Layout::new(dir);
    if interrupted_run(dir).is_none() {
        return Ok(None);
    }
    let _lock = lock::lock_file(&layout.lock())?;
    let recovery = atomic::recover(&atomic::journal_for(&layout.index()))?;
    sweep(&layout);
    Ok(recovery)
}

/// Whether an interrupted run left a journal that the next write will finish or undo.
pub fn interrupted_run(dir: &Path) -> Option<PathBuf> {
    let journal = atomic::journal_for(&Layout::new(dir).index());
    journal.exists().then_some(journal)
}

fn missing(layout: &Layout, file: PathBuf) -> PkiError {
    PkiError::Missing {
        dir: layout.dir().to_path_buf(),
        file,
    }
}

fn require_pki(layout: &Layout) -> Result<(), PkiError> {
    for file in [layout.index(), layout.ca_cert()] {
        if !file.exists() {
            return Err(missing(layout, file));
        }
    }
    Ok(())
}

fn read_index(layout: &Layout) -> Result<Index, PkiError> {
    let path = layout.index();
    let bytes = input::read(&path, Kind::Index)?;
    Ok(Index::parse(&bytes, &path)?)
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
