//! Changing a PSK file in place: append, rotate, revoke. Each change is all-or-nothing.

use super::error::PskError;
use super::file::PskFile;
use super::generate::{Format, PskBatch};
use super::key::{MAX_KEY_BYTES, MIN_KEY_BYTES, decode_hex, push_hex, random_keys};
use crate::atomic::{self, Batch, Mode};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Which identities to rotate.
#[derive(Debug, Clone)]
pub enum Selection {
    Some(Vec<String>),
    All,
}

/// Where the rotated entries also go, for pushing to devices.
#[derive(Debug, Clone)]
pub struct ChangedOut {
    pub path: PathBuf,
    pub force: bool,
}

#[derive(Debug)]
pub struct Rotation {
    pub rotated: Vec<String>,
    /// The rotated entries in Mosquitto format.
    pub changed: Zeroizing<Vec<u8>>,
}

/// Writes `batch` to a new file (0600, atomically; an existing one only with `force`).
pub fn write_new(
    path: &Path,
    batch: &PskBatch,
    format: Format,
    force: bool,
) -> Result<(), PskError> {
    // Refuse before generating anything; the final rename checks again.
    atomic::ensure_absent(path, force)?;
    let path = &super::file::resolve(path)?;
    let _lock = super::file::open_for_change(path)?;
    let mut failure = None;
    let written = atomic::write_file_streamed(path, Mode::Secret, force, |file| {
        batch.write_to(format, file).map_err(|e| match e {
            // Named with the file by the writer (a full disk, say).
            PskError::Write(io) => io,
            other => {
                let io = std::io::Error::other(other.to_string());
                failure = Some(other);
                io
            }
        })
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(written?),
    }
}

/// Adds `batch` to an existing Mosquitto PSK file, refusing identities already in it.
pub fn append(path: &Path, batch: &PskBatch) -> Result<(), PskError> {
    let mut file = PskFile::open(path)?;
    let text = batch.render(Format::Mosquitto)?;
    let text = std::str::from_utf8(&text).map_err(|_| PskError::NotText {
        path: path.to_path_buf(),
    })?;
    for line in text.lines() {
        if let Some((identity, key)) = line.split_once(':') {
            file.append(identity, key)?;
        }
    }
    file.save()
}

/// Gives the selected identities fresh keys, of `bytes` bytes or of their current length.
/// The changed entries are written to `changed_out` first and the PSK file last, in one batch:
/// a failure leaves both as they were.
pub fn rotate(
    path: &Path,
    selection: &Selection,
    bytes: Option<usize>,
    changed_out: Option<&ChangedOut>,
) -> Result<Rotation, PskError> {
    let mut file = PskFile::open(path)?;
    let rotated: Vec<String> = match selection {
        Selection::All => file.identities().map(str::to_string).collect(),
        Selection::Some(ids) => {
            super::generate::check_unique(ids)?;
            for id in ids {
                file.require(id)?;
            }
            ids.clone()
        }
    };
    if let Some(out) = changed_out {
        atomic::ensure_absent(&out.path, out.force)?;
    }
    let mut changed = Zeroizing::new(Vec::new());
    let mut hex = Zeroizing::new(Vec::new());
    for id in &rotated {
        let size = bytes.unwrap_or_else(|| current_size(file.key_of(id)));
        let key = random_keys(1, size)?;
        hex.clear();
        push_hex(&mut hex, &key);
        let hex_str = std::str::from_utf8(&hex).unwrap_or_default();
        file.set_key(id, hex_str)?;
        changed.extend_from_slice(id.as_bytes());
        changed.push(b':');
        changed.extend_from_slice(&hex);
        changed.push(b'\n');
    }
    let files = Batch::new(changed_out.is_some_and(|o| o.force));
    if let Some(out) = changed_out {
        files.stage(&out.path, &changed, Mode::Secret)?;
    }
    files.stage_last(&file.path, &file.contents(), Mode::Preserve)?;
    files.commit()?;
    Ok(Rotation { rotated, changed })
}

/// The size a rotated key keeps: the old key's, when that was a sensible size.
fn current_size(old_hex: Option<&str>) -> usize {
    old_hex
        .and_then(decode_hex)
        .map(|k| k.len())
        .filter(|n| (MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(n))
        .unwrap_or(super::key::DEFAULT_KEY_BYTES)
}

/// Removes identities; an unknown one leaves the file untouched.
pub fn revoke(path: &Path, identities: &[String]) -> Result<(), PskError> {
    super::generate::check_unique(identities)?;
    let mut file = PskFile::open(path)?;
    for id in identities {
        file.require(id)?;
    }
    for id in identities {
        file.remove(id)?;
    }
    file.save()
}
