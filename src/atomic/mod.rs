//! The only way mqauth writes files: to a temporary name in the target's directory, made
//! durable, then renamed into place, so a reader or a crash never sees a torn file.
//!
//! Batches group durability: fsync per file costs ~0.3 ms (docs/design-notes.md), which would cap
//! issuance near 1,800 devices/s, so a [`Batch`] writes every temporary file, makes them durable
//! together, renames them in order and fsyncs the directories once. A batch of several files
//! keeps a journal while it renames (see [`journal`]): a crash at any moment is finished or
//! undone by the next writer, which calls [`recover`] while holding the same lock.

mod batch;
mod journal;

pub use batch::Batch;
pub use journal::{Recovery, journal_for, recover, recover_with};

use rand::RngExt as _;
use std::fs::{self, File};
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

const TEMP_MARK: &str = ".mqauth-tmp-";
const BACKUP_MARK: &str = ".mqauth-bak-";

/// Who may read a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Certificates, chains, CRLs, configs: 0644.
    Public,
    /// Private keys and PSK files: 0600.
    Secret,
    /// Keep the mode of the file being replaced (0600 when it does not exist).
    Preserve,
}

/// A secret given to one group (`--group`): the broker's key or psk_file, which the broker reads
/// as its own user.
pub const SHARED_KEY_MODE: u32 = 0o640;

impl Mode {
    /// The mode of the new file, and the group to give it: a secret that replaces one shared
    /// with a group stays shared with it (a re-issued broker key must stay readable by the
    /// broker), and `Preserve` keeps both.
    fn ownership_for(self, target: &Path) -> (u32, Option<u32>) {
        use std::os::unix::fs::MetadataExt as _;
        let existing = fs::metadata(target).ok();
        let mode_of = |m: &fs::Metadata| m.permissions().mode() & 0o7777;
        match (self, existing) {
            (Mode::Public, _) => (0o644, None),
            (Mode::Secret, Some(m)) if mode_of(&m) == SHARED_KEY_MODE => {
                (SHARED_KEY_MODE, Some(m.gid()))
            }
            (Mode::Secret, _) => (0o600, None),
            (Mode::Preserve, Some(m)) => (mode_of(&m), Some(m.gid())),
            (Mode::Preserve, None) => (0o600, None),
        }
    }
}

/// Gives `file` to group `gid`, readable by it (0640), and lets the group through the
/// directories between `base` and `file` (adding only g+x: the group can reach the file but
/// not list what else is there, so the other keys stay private).
pub fn share_with_group(base: &Path, file: &Path, gid: u32) -> Result<(), FileError> {
    use std::os::unix::fs::MetadataExt as _;
    std::os::unix::fs::chown(file, None, Some(gid)).map_err(|e| FileError::io("chgrp", file, e))?;
    fs::set_permissions(file, fs::Permissions::from_mode(SHARED_KEY_MODE))
        .map_err(|e| FileError::io("chmod", file, e))?;
    // Only the directories from `base` down to the file: never above what mqauth manages.
    let Ok(inside) = file.strip_prefix(base) else {
        return Ok(());
    };
    let mut d = base.to_path_buf();
    let mut dirs = vec![d.clone()];
    if let Some(parent) = inside.parent() {
        for part in parent.components() {
            d.push(part);
            dirs.push(d.clone());
        }
    }
    for d in dirs.iter().filter(|d| !d.as_os_str().is_empty()) {
        let meta = fs::metadata(d).map_err(|e| FileError::io("read", d, e))?;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o011 == 0 {
            // Neither the group nor others may enter: give this group the right to pass.
            if meta.gid() != gid {
                std::os::unix::fs::chown(d, None, Some(gid))
                    .map_err(|e| FileError::io("chgrp", d, e))?;
            }
            fs::set_permissions(d, fs::Permissions::from_mode(mode | 0o010))
                .map_err(|e| FileError::io("chmod", d, e))?;
        }
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{} already exists", path.display())]
    Exists { path: PathBuf },
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is {what}, not a {expected}", path.display())]
    NotAFile {
        path: PathBuf,
        what: &'static str,
        expected: &'static str,
    },
    #[error("{} is larger than {limit_mib} MiB, the most mqauth reads from a {what}", path.display())]
    TooLarge {
        path: PathBuf,
        limit_mib: u64,
        what: &'static str,
    },
    #[error("{} is not valid UTF-8 text", path.display())]
    NotText { path: PathBuf },
    #[error("{}: damaged journal of an interrupted run ({why}); move it away to continue", path.display())]
    Journal { path: PathBuf, why: String },
}

impl FileError {
    /// The message without the file's name, for reports that name the file already.
    pub fn reason(&self) -> String {
        match self {
            FileError::Io { op, source, .. } => format!("cannot {op}: {source}"),
            FileError::NotAFile { what, expected, .. } => format!("it is {what}, not a {expected}"),
            FileError::TooLarge {
                limit_mib, what, ..
            } => format!("larger than {limit_mib} MiB, the most mqauth reads from a {what}"),
            FileError::NotText { .. } => "not valid UTF-8 text".into(),
            FileError::Exists { .. } => "already exists".into(),
            FileError::Journal { why, .. } => {
                format!("damaged journal of an interrupted run ({why})")
            }
        }
    }

    pub fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        FileError::Io {
            op,
            path: path.into(),
            source,
        }
    }
}

/// Writes one file atomically and durably.
pub fn write_file(
    target: &Path,
    contents: &[u8],
    mode: Mode,
    overwrite: bool,
) -> Result<(), FileError> {
    let batch = Batch::new(overwrite);
    batch.stage(target, contents, mode)?;
    batch.commit()
}

/// Writes one file atomically and durably, its contents streamed by `fill`.
pub fn write_file_streamed(
    target: &Path,
    mode: Mode,
    overwrite: bool,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), FileError> {
    let batch = Batch::new(overwrite);
    batch.stage_streamed(target, mode, fill)?;
    batch.commit()
}

/// Fails when `path` exists and overwriting was not asked for. Used to refuse early, before any
/// work is done; the final rename checks again without a race.
pub fn ensure_absent(path: &Path, overwrite: bool) -> Result<(), FileError> {
    if !overwrite && fs::symlink_metadata(path).is_ok() {
        return Err(FileError::Exists {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Creates a directory (and parents) with the given mode if it does not exist.
pub fn create_dir(path: &Path, mode: u32) -> Result<(), FileError> {
    if path.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(path)
        .map_err(|e| FileError::io("create directory", path, e))
}

/// `.NAME.mqauth-tmp-TAG` (or `-bak-`) next to `target`.
fn marked_name(target: &Path, mark: &str, tag: u64) -> PathBuf {
    let file = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{file}{mark}{tag:016x}"))
}

fn new_tag() -> u64 {
    rand::rng().random()
}

fn remove_if_present(path: &Path) -> Result<(), FileError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(FileError::io("remove", path, e)),
        _ => Ok(()),
    }
}

/// Removes the temporaries a crashed run left in `dir` (every one of them: call it only for
/// directories no one but the lock holder writes). Backups are left to [`recover`], which
/// knows whether they are still the only copy of a file.
pub fn sweep_temporaries(dir: &Path) {
    sweep(dir, |_| true);
}

/// Removes the temporaries a crashed run left for `target` alone.
pub fn sweep_temporaries_of(target: &Path) {
    let Some(dir) = target.parent() else { return };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = match target.file_name() {
        Some(n) => format!(".{}{TEMP_MARK}", n.to_string_lossy()),
        None => return,
    };
    sweep(dir, |name| name.starts_with(&prefix));
}

fn sweep(dir: &Path, wanted: impl Fn(&str) -> bool) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(TEMP_MARK) && wanted(&name) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode_of(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn writes_with_mode_and_refuses_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("a.key");
        write_file(&key, b"secret", Mode::Secret, false).unwrap();
        assert_eq!(mode_of(&key), 0o600);
        let err = write_file(&key, b"other", Mode::Secret, false).unwrap_err();
        assert!(matches!(err, FileError::Exists { .. }));
        assert_eq!(fs::read(&key).unwrap(), b"secret");
        write_file(&key, b"other", Mode::Public, true).unwrap();
        assert_eq!(fs::read(&key).unwrap(), b"other");
        assert_eq!(mode_of(&key), 0o644);
        fs::set_permissions(&key, fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&key, b"third", Mode::Preserve, true).unwrap();
        assert_eq!(mode_of(&key), 0o640);
        // No temporaries left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn sweeps_only_the_named_targets_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let mine = marked_name(&dir.path().join("psk.txt"), TEMP_MARK, 1);
        let other = marked_name(&dir.path().join("other.txt"), TEMP_MARK, 2);
        fs::write(&mine, b"k").unwrap();
        fs::write(&other, b"k").unwrap();
        sweep_temporaries_of(&dir.path().join("psk.txt"));
        assert!(!mine.exists());
        assert!(other.exists());
    }

    #[test]
    fn a_journal_shorter_than_its_header_is_torn_and_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let journal = journal_for(&dir.path().join("index"));
        for torn in [&b""[..], b"mqauth-jour"] {
            fs::write(&journal, torn).unwrap();
            assert_eq!(recover(&journal).unwrap(), None);
            assert!(!journal.exists(), "{torn:?}");
        }
        // Not a prefix of the header: damaged, and left for a person to look at.
        fs::write(&journal, b"garbage").unwrap();
        assert!(matches!(recover(&journal), Err(FileError::Journal { .. })));
        assert!(journal.exists());
    }
}
