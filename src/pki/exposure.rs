//! Secrets that others can read: CA keys, leaf keys and the directory that holds them.
//!
//! mqauth writes them 0600 (0700 for `private/`), but a `chmod`, a copy or a restore from a
//! backup can loosen them, and nothing else would say so.

use super::layout::Layout;
use std::fmt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A key file, or the directory of keys, that its group or everyone may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    pub path: PathBuf,
    pub mode: u32,
    pub is_dir: bool,
}

impl fmt::Display for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = if self.mode & 0o004 != 0 {
            "everyone"
        } else {
            "its group"
        };
        write!(
            f,
            "{} is readable by {who} (mode {:04o}); chmod {} {}",
            self.path.display(),
            self.mode,
            if self.is_dir { "700" } else { "600" },
            self.path.display()
        )
    }
}

/// The mode of `path` when its group or others may read it (or, for a directory, enter it).
pub fn exposure(path: &Path) -> Option<Exposure> {
    exposure_of(path, &std::fs::metadata(path).ok()?)
}

/// [`exposure`] from metadata already read.
pub fn exposure_of(path: &Path, meta: &std::fs::Metadata) -> Option<Exposure> {
    let mode = meta.mode() & 0o7777;
    (mode & 0o044 != 0).then(|| Exposure {
        path: path.to_path_buf(),
        mode,
        is_dir: meta.is_dir(),
    })
}

/// The CA keys and the `private/` directory, checked on every command that signs.
pub fn exposed_ca_secrets(layout: &Layout) -> Vec<Exposure> {
    [
        layout.ca_key(),
        layout.intermediate_key(),
        layout.private_dir(),
    ]
    .iter()
    .filter_map(|p| exposure(p))
    .collect()
}
