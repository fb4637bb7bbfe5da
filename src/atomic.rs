//! The only way mqauth writes files: to a temporary name in the target's directory, made
//! durable, then renamed into place, so a reader or a crash never sees a torn file.
//!
//! Batches group durability: fsync per file costs ~0.3 ms here (MEASURED.md), which would cap
//! issuance near 1,800 devices/s, so a [`Batch`] writes every temporary file, makes them durable
//! together, renames them in order and fsyncs the directories once. A crash leaves temporaries
//! behind (swept by [`sweep_temporaries`] on the next run) but never a partial file under a
//! final name. If a rename fails part-way, the renames already done are undone.

use rand::RngExt as _;
use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const TEMP_MARK: &str = ".mqauth-tmp-";
const BACKUP_MARK: &str = ".mqauth-bak-";
/// Below this many files, fsync each one; above, one `syncfs` is far cheaper.
const SYNCFS_THRESHOLD: usize = 16;

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

impl Mode {
    fn bits_for(self, target: &Path) -> u32 {
        match self {
            Mode::Public => 0o644,
            Mode::Secret => 0o600,
            Mode::Preserve => fs::metadata(target)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o600),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{} already exists (use --force to replace it)", path.display())]
    Exists { path: PathBuf },
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl FileError {
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

#[derive(Debug)]
struct Staged {
    temp: PathBuf,
    target: PathBuf,
    overwrite: bool,
    /// Renamed only after every other file landed: the batch's commit point (an index).
    last: bool,
}

/// A set of files that become visible together, in the order they were staged.
#[derive(Debug)]
pub struct Batch {
    overwrite: bool,
    staged: Mutex<Vec<Staged>>,
}

impl Batch {
    pub fn new(overwrite: bool) -> Self {
        Batch {
            overwrite,
            staged: Mutex::new(Vec::new()),
        }
    }

    /// Writes `contents` to a temporary file next to `target`. Safe to call from many threads.
    pub fn stage(&self, target: &Path, contents: &[u8], mode: Mode) -> Result<(), FileError> {
        self.stage_with(target, contents, mode, self.overwrite, false)
    }

    /// Like [`Batch::stage`], but always replaces `target` (a CRL, a chain).
    pub fn stage_replacing(
        &self,
        target: &Path,
        contents: &[u8],
        mode: Mode,
    ) -> Result<(), FileError> {
        self.stage_with(target, contents, mode, true, false)
    }

    /// The batch's commit point (an index naming the other files): always replaced, and
    /// renamed only once every other file is in place.
    pub fn stage_last(&self, target: &Path, contents: &[u8], mode: Mode) -> Result<(), FileError> {
        self.stage_with(target, contents, mode, true, true)
    }

    /// Stages a file whose contents `fill` writes, for output too big to build in memory first.
    pub fn stage_streamed(
        &self,
        target: &Path,
        mode: Mode,
        fill: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> Result<(), FileError> {
        let temp = write_temp(target, mode.bits_for(target), fill)?;
        self.push(temp, target, self.overwrite, false);
        Ok(())
    }

    fn stage_with(
        &self,
        target: &Path,
        contents: &[u8],
        mode: Mode,
        overwrite: bool,
        last: bool,
    ) -> Result<(), FileError> {
        let temp = write_temp(target, mode.bits_for(target), |f| f.write_all(contents))?;
        self.push(temp, target, overwrite, last);
        Ok(())
    }

    fn push(&self, temp: PathBuf, target: &Path, overwrite: bool, last: bool) {
        let staged = Staged {
            temp,
            target: target.to_path_buf(),
            overwrite,
            last,
        };
        match self.staged.lock() {
            Ok(mut list) => list.push(staged),
            Err(poisoned) => poisoned.into_inner().push(staged),
        }
    }

    fn take(&self) -> Vec<Staged> {
        match self.staged.lock() {
            Ok(mut list) => std::mem::take(&mut *list),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }

    /// Makes every staged file durable, renames them into place (one thread per directory,
    /// since renames within a directory serialise on its lock) and syncs their directories.
    /// On failure nothing staged is left under a final name and replaced files are restored.
    pub fn commit(self) -> Result<(), FileError> {
        let staged = self.take();
        if staged.is_empty() {
            return Ok(());
        }
        let result = sync_files(&staged).and_then(|()| rename_all(&staged));
        if result.is_err() {
            for s in &staged {
                let _ = fs::remove_file(&s.temp);
            }
        }
        result?;
        let dirs: BTreeSet<&Path> = staged.iter().filter_map(|s| s.target.parent()).collect();
        for dir in dirs {
            sync_dir(dir)?;
        }
        Ok(())
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        for s in self.take() {
            let _ = fs::remove_file(&s.temp);
        }
    }
}

fn temp_name(target: &Path, mark: &str) -> PathBuf {
    let file = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tag: u64 = rand::rng().random();
    target.with_file_name(format!(".{file}{mark}{tag:016x}"))
}

fn write_temp(
    target: &Path,
    mode: u32,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<PathBuf, FileError> {
    let temp = temp_name(target, TEMP_MARK);
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&temp)?;
        // A strict umask may have narrowed the mode; set it exactly then.
        if mode & process_umask() != 0 {
            file.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        fill(&mut file)
    })();
    match result {
        Ok(()) => Ok(temp),
        Err(e) => {
            let _ = fs::remove_file(&temp);
            Err(FileError::io("write", target, e))
        }
    }
}

/// The process umask, read once from /proc (reading it with umask(2) would change it). When it
/// cannot be read, assume the worst so every file gets an explicit chmod.
fn process_umask() -> u32 {
    static UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *UMASK.get_or_init(|| {
        fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("Umask:"))
                    .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
            })
            .unwrap_or(0o777)
    })
}

fn sync_files(staged: &[Staged]) -> Result<(), FileError> {
    if staged.len() <= SYNCFS_THRESHOLD {
        for s in staged {
            File::open(&s.temp)
                .and_then(|f| f.sync_all())
                .map_err(|e| FileError::io("sync", &s.target, e))?;
        }
        return Ok(());
    }
    let mut filesystems: Vec<(u64, &Staged)> = Vec::new();
    for s in staged {
        let dev = fs::metadata(&s.temp)
            .map(|m| std::os::unix::fs::MetadataExt::dev(&m))
            .map_err(|e| FileError::io("sync", &s.target, e))?;
        if !filesystems.iter().any(|(d, _)| *d == dev) {
            filesystems.push((dev, s));
        }
    }
    for (_, s) in filesystems {
        File::open(&s.temp)
            .and_then(|f| rustix::fs::syncfs(&f).map_err(io::Error::from))
            .map_err(|e| FileError::io("sync", &s.target, e))?;
    }
    Ok(())
}

enum Done {
    Created(PathBuf),
    Replaced { target: PathBuf, backup: PathBuf },
}

fn rename_all(staged: &[Staged]) -> Result<(), FileError> {
    let (last, first): (Vec<&Staged>, Vec<&Staged>) = staged.iter().partition(|s| s.last);
    let mut groups: Vec<Vec<&Staged>> = Vec::new();
    for s in first {
        let dir = s.target.parent();
        match groups.iter_mut().find(|g| g[0].target.parent() == dir) {
            Some(group) => group.push(s),
            None => groups.push(vec![s]),
        }
    }
    let results: Vec<(Vec<Done>, Option<FileError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .iter()
            .map(|group| scope.spawn(move || rename_group(group)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    let e = io::Error::other("rename thread panicked");
                    (Vec::new(), Some(FileError::io("rename", "batch", e)))
                })
            })
            .collect()
    });
    let mut done = Vec::with_capacity(staged.len());
    let mut failure = None;
    for (group_done, error) in results {
        done.extend(group_done);
        failure = failure.or(error);
    }
    if failure.is_none() {
        let (last_done, error) = rename_group(&last);
        done.extend(last_done);
        failure = error;
    }
    if let Some(e) = failure {
        undo(done);
        return Err(e);
    }
    for d in done {
        if let Done::Replaced { backup, .. } = d {
            let _ = fs::remove_file(backup);
        }
    }
    Ok(())
}

/// Renames `group` in order, stopping at the first failure.
fn rename_group(group: &[&Staged]) -> (Vec<Done>, Option<FileError>) {
    let mut done = Vec::with_capacity(group.len());
    for s in group {
        match rename_one(s) {
            Ok(d) => done.push(d),
            Err(e) => return (done, Some(e)),
        }
    }
    (done, None)
}

fn undo(done: Vec<Done>) {
    for d in done.into_iter().rev() {
        match d {
            Done::Created(target) => {
                let _ = fs::remove_file(target);
            }
            Done::Replaced { target, backup } => {
                let _ = fs::rename(backup, target);
            }
        }
    }
}

fn rename_one(s: &Staged) -> Result<Done, FileError> {
    if !s.overwrite {
        rename_noreplace(&s.temp, &s.target)?;
        return Ok(Done::Created(s.target.clone()));
    }
    if fs::symlink_metadata(&s.target).is_ok() {
        // Keep the old version reachable until the whole batch is in place.
        let backup = temp_name(&s.target, BACKUP_MARK);
        fs::hard_link(&s.target, &backup).map_err(|e| FileError::io("back up", &s.target, e))?;
        if let Err(e) = fs::rename(&s.temp, &s.target) {
            let _ = fs::remove_file(&backup);
            return Err(FileError::io("replace", &s.target, e));
        }
        return Ok(Done::Replaced {
            target: s.target.clone(),
            backup,
        });
    }
    fs::rename(&s.temp, &s.target).map_err(|e| FileError::io("create", &s.target, e))?;
    Ok(Done::Created(s.target.clone()))
}

fn rename_noreplace(from: &Path, to: &Path) -> Result<(), FileError> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::EXIST) => Err(FileError::Exists {
            path: to.to_path_buf(),
        }),
        // File systems without RENAME_NOREPLACE: a hard link refuses an existing name too.
        Err(rustix::io::Errno::INVAL) | Err(rustix::io::Errno::NOSYS) => fs::hard_link(from, to)
            .and_then(|()| fs::remove_file(from))
            .map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => FileError::Exists {
                    path: to.to_path_buf(),
                },
                _ => FileError::io("create", to, e),
            }),
        Err(e) => Err(FileError::io("create", to, e.into())),
    }
}

fn sync_dir(dir: &Path) -> Result<(), FileError> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| FileError::io("sync directory", dir, e))
}

/// Removes temporaries and backups a crashed run left in `dir`. Call it only while holding the
/// lock that serialises writers of that directory.
pub fn sweep_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && (name.contains(TEMP_MARK) || name.contains(BACKUP_MARK)) {
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
    fn failed_batch_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("b");
        fs::write(&existing, b"keep").unwrap();
        let batch = Batch::new(false);
        for name in ["a", "b", "c"] {
            batch
                .stage(&dir.path().join(name), name.as_bytes(), Mode::Public)
                .unwrap();
        }
        assert!(batch.commit().is_err());
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, vec!["b"]);
        assert_eq!(fs::read(&existing).unwrap(), b"keep");
    }

    #[test]
    fn large_batch_uses_syncfs_and_lands() {
        let dir = tempfile::tempdir().unwrap();
        let batch = Batch::new(false);
        for i in 0..40 {
            batch
                .stage(&dir.path().join(format!("f{i}")), b"x", Mode::Public)
                .unwrap();
        }
        batch.commit().unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 40);
    }
}
