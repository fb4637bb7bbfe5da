//! Where an export is written. Files are replaced by rename, so the lock is the directory's;
//! holding it, the temporaries a killed export of the same files left (keys among them) are
//! removed before anything is written.

use super::error::ExportError;
use crate::lock::Lock;
use std::path::Path;

/// Locks `dir` and removes the leftovers of a killed export of `files` in it.
pub fn claim(dir: &Path, files: &[&str]) -> Result<Lock, ExportError> {
    let lock = crate::lock::lock_dir(dir)?;
    for file in files {
        crate::atomic::sweep_temporaries_of(&dir.join(file));
    }
    Ok(lock)
}
