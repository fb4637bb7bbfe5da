//! An open PKI directory: its layout, its index, and the lock that serialises writers.

use super::error::PkiError;
use super::index::Index;
use super::layout::Layout;
use crate::atomic::{self, Batch, FileError, Mode};
use std::fs::{File, OpenOptions};
use std::path::Path;

/// A PKI opened for writing. Holding it holds an exclusive lock on `DIR/.lock`, so two
/// concurrent mqauth runs on one PKI take turns instead of losing each other's index updates.
#[derive(Debug)]
pub struct Pki {
    pub(super) layout: Layout,
    pub(super) index: Index,
    _lock: File,
}

impl Pki {
    /// Opens an existing PKI for changes, waiting for any other writer to finish.
    pub fn open(dir: &Path) -> Result<Pki, PkiError> {
        let layout = Layout::new(dir);
        require_pki(&layout)?;
        let lock = lock(&layout)?;
        // Read the index only once the lock is held: another writer may just have replaced it.
        let index = read_index(&layout)?;
        for d in [
            layout.dir().to_path_buf(),
            layout.issued_dir(),
            layout.private_dir(),
        ] {
            atomic::sweep_temporaries(&d);
        }
        Ok(Pki {
            layout,
            index,
            _lock: lock,
        })
    }

    /// Starts a PKI in a directory that must not hold one yet; used by `pki init`.
    pub(super) fn create(dir: &Path, index: Index) -> Result<Pki, PkiError> {
        let layout = Layout::new(dir);
        atomic::create_dir(layout.dir(), 0o755)?;
        let lock = lock(&layout)?;
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
        Ok(Pki {
            layout,
            index,
            _lock: lock,
        })
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn index(&self) -> &Index {
        &self.index
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

/// Reads the index without taking the lock: readers see either the old or the new file,
/// never a mix, because writers replace it by rename.
pub fn read_only_index(dir: &Path) -> Result<Index, PkiError> {
    let layout = Layout::new(dir);
    require_pki(&layout)?;
    read_index(&layout)
}

fn require_pki(layout: &Layout) -> Result<(), PkiError> {
    for file in [layout.index(), layout.ca_cert()] {
        if !file.exists() {
            return Err(PkiError::Missing {
                dir: layout.dir().to_path_buf(),
                file,
            });
        }
    }
    Ok(())
}

fn read_index(layout: &Layout) -> Result<Index, PkiError> {
    let path = layout.index();
    let bytes = std::fs::read(&path).map_err(|e| FileError::io("read", &path, e))?;
    Ok(Index::parse(&bytes, &path)?)
}

fn lock(layout: &Layout) -> Result<File, PkiError> {
    let path = layout.lock();
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| PkiError::Lock {
            path: path.clone(),
            source,
        })?;
    file.lock()
        .map_err(|source| PkiError::Lock { path, source })?;
    Ok(file)
}
