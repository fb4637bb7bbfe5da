//! A set of files that become visible together.

use super::journal::{Entry, Journal, journal_for};
use super::{FileError, Mode, TEMP_MARK, marked_name, new_tag};
use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Below this many files, fsync each one; above, one `syncfs` is far cheaper.
const SYNCFS_THRESHOLD: usize = 16;

/// Crash points for the tests of crash recovery, in debug builds only: `MQAUTH_CRASH=journal-created`
/// (the journal file created, nothing written into it), `journaled`
/// (journal written, nothing renamed), `rename:N` (after N renames), `renamed` (every file in
/// place, an outside commit point not yet reached), `committed` (committed, backups not yet
/// removed) abort the process there, as `kill -9` would.
#[cfg(debug_assertions)]
pub(super) mod crash {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static RENAMES: AtomicUsize = AtomicUsize::new(0);

    fn wanted() -> Option<String> {
        std::env::var("MQAUTH_CRASH").ok()
    }

    pub(in crate::atomic) fn at(point: &str) {
        if wanted().as_deref() == Some(point) {
            std::process::abort();
        }
    }

    pub(super) fn renamed() {
        let done = RENAMES.fetch_add(1, Ordering::SeqCst) + 1;
        if wanted().as_deref() == Some(format!("rename:{done}").as_str()) {
            std::process::abort();
        }
    }
}

#[cfg(not(debug_assertions))]
pub(super) mod crash {
    pub(in crate::atomic) fn at(_: &str) {}
    pub(super) fn renamed() {}
}

#[derive(Debug)]
struct Staged {
    target: PathBuf,
    tag: u64,
    overwrite: bool,
    /// Renamed only after every other file landed: the batch's commit point (an index).
    last: bool,
}

impl Staged {
    fn temp(&self) -> PathBuf {
        marked_name(&self.target, TEMP_MARK, self.tag)
    }
}

/// A set of files that become visible together, in the order they were staged.
#[derive(Debug)]
pub struct Batch {
    overwrite: bool,
    journal: Option<PathBuf>,
    staged: Mutex<Vec<Staged>>,
}

impl Batch {
    pub fn new(overwrite: bool) -> Self {
        Batch {
            overwrite,
            journal: None,
            staged: Mutex::new(Vec::new()),
        }
    }

    /// Keeps the journal at `path` instead of next to the commit point; whoever recovers
    /// interrupted batches of this kind must look there.
    pub fn journal_at(mut self, path: PathBuf) -> Self {
        self.journal = Some(path);
        self
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
        let tag = write_temp(target, mode.ownership_for(target), fill)?;
        self.push(tag, target, self.overwrite, false);
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
        let tag = write_temp(target, mode.ownership_for(target), |f| {
            f.write_all(contents)
        })?;
        self.push(tag, target, overwrite, last);
        Ok(())
    }

    fn push(&self, tag: u64, target: &Path, overwrite: bool, last: bool) {
        let staged = Staged {
            target: target.to_path_buf(),
            tag,
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

    /// Makes every staged file durable and renames them into place (one thread per directory,
    /// since renames within a directory serialise on its lock), the commit point last, then
    /// syncs their directories. A batch of several files journals its renames: a failure, or a
    /// crash recovered by the next run, leaves nothing staged under a final name and every
    /// replaced file restored.
    pub fn commit(self) -> Result<(), FileError> {
        let mut staged = self.take();
        match staged.len() {
            0 => return Ok(()),
            1 => return commit_one(&staged[0]),
            _ => {}
        }
        if !staged.iter().any(|s| s.last)
            && let Some(s) = staged.last_mut()
        {
            s.last = true;
        }
        let commit_point = staged
            .iter()
            .find(|s| s.last)
            .map(|s| s.target.clone())
            .unwrap_or_default();
        let journal = self
            .journal
            .clone()
            .unwrap_or_else(|| journal_for(&commit_point));
        commit_journaled(staged, journal, |_| Ok::<(), FileError>(()))
    }

    /// Like [`Batch::commit`], for a batch whose commit point is outside the files: once every
    /// file is in place, `commit` runs with the batch's id and must record that id durably
    /// (a database transaction). If it fails, the files are undone; if the process dies, the
    /// next run asks whether the id was recorded (`atomic::recover_with`) to finish or undo.
    /// The journal goes where [`Batch::journal_at`] said.
    pub fn commit_with<E: From<FileError>>(
        self,
        commit: impl FnOnce(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        let staged = self.take();
        let Some(journal) = self.journal.clone() else {
            return Err(FileError::Journal {
                path: PathBuf::new(),
                why: "a batch with an outside commit point needs a journal path".into(),
            }
            .into());
        };
        commit_journaled(staged, journal, commit)
    }
}

fn commit_journaled<E: From<FileError>>(
    staged: Vec<Staged>,
    journal_path: PathBuf,
    commit: impl FnOnce(&str) -> Result<(), E>,
) -> Result<(), E> {
    let id = format!("{:016x}", new_tag());
    let journal = Journal::new(
        journal_path,
        id.clone(),
        staged
            .iter()
            .map(|s| Entry {
                target: s.target.clone(),
                tag: s.tag,
                // A file that must not be replaced cannot have existed, or its rename fails
                // and the batch is undone; only replacements need a look.
                existed: s.overwrite && fs::symlink_metadata(&s.target).is_ok(),
                last: s.last,
            })
            .collect(),
    );
    let prepared = sync_files(&staged).and_then(|()| journal.write());
    if let Err(e) = prepared {
        remove_temps(&staged);
        return Err(e.into());
    }
    crash::at("journaled");
    let renamed = rename_all(&staged).map_err(E::from).and_then(|()| {
        crash::at("renamed");
        commit(&id)
    });
    if let Err(e) = renamed {
        // Undo from the journal, as a recovery would; if even that fails, the journal stays
        // for the next run.
        if journal.roll_back().is_ok() {
            let _ = journal.remove();
        }
        return Err(e);
    }
    crash::at("committed");
    let dirs: BTreeSet<&Path> = staged.iter().map(|s| parent_of(&s.target)).collect();
    for dir in dirs {
        sync_dir(dir)?;
    }
    journal.finish()?;
    journal.remove()?;
    Ok(())
}

impl Drop for Batch {
    fn drop(&mut self) {
        remove_temps(&self.take());
    }
}

fn remove_temps(staged: &[Staged]) {
    for s in staged {
        let _ = fs::remove_file(s.temp());
    }
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// One file needs no journal: its rename is atomic by itself.
fn commit_one(s: &Staged) -> Result<(), FileError> {
    let temp = s.temp();
    let renamed = File::open(&temp)
        .and_then(|f| f.sync_all())
        .map_err(|e| FileError::io("sync", &s.target, e))
        .and_then(|()| {
            if s.overwrite {
                fs::rename(&temp, &s.target).map_err(|e| FileError::io("replace", &s.target, e))
            } else {
                rename_noreplace(&temp, &s.target)
            }
        });
    if renamed.is_err() {
        let _ = fs::remove_file(&temp);
    }
    renamed?;
    sync_dir(parent_of(&s.target))
}

fn write_temp(
    target: &Path,
    (mode, group): (u32, Option<u32>),
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<u64, FileError> {
    let tag = new_tag();
    let temp = marked_name(target, TEMP_MARK, tag);
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&temp)?;
        if let Some(gid) = group {
            use std::os::unix::fs::MetadataExt as _;
            if file.metadata()?.gid() != gid {
                std::os::unix::fs::fchown(&file, None, Some(gid))?;
            }
        }
        // A strict umask may have narrowed the mode; set it exactly then.
        if mode & process_umask() != 0 {
            file.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        fill(&mut file)
    })();
    match result {
        Ok(()) => Ok(tag),
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
            File::open(s.temp())
                .and_then(|f| f.sync_all())
                .map_err(|e| FileError::io("sync", &s.target, e))?;
        }
        return Ok(());
    }
    let mut filesystems: Vec<(u64, &Staged)> = Vec::new();
    for s in staged {
        let dev = fs::metadata(s.temp())
            .map(|m| std::os::unix::fs::MetadataExt::dev(&m))
            .map_err(|e| FileError::io("sync", &s.target, e))?;
        if !filesystems.iter().any(|(d, _)| *d == dev) {
            filesystems.push((dev, s));
        }
    }
    for (_, s) in filesystems {
        File::open(s.temp())
            .and_then(|f| rustix::fs::syncfs(&f).map_err(io::Error::from))
            .map_err(|e| FileError::io("sync", &s.target, e))?;
    }
    Ok(())
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
    let failures: Vec<FileError> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .iter()
            .map(|group| scope.spawn(move || rename_group(group)))
            .collect();
        handles
            .into_iter()
            .filter_map(|h| {
                h.join()
                    .unwrap_or_else(|_| {
                        let e = io::Error::other("rename thread panicked");
                        Err(FileError::io("rename", "batch", e))
                    })
                    .err()
            })
            .collect()
    });
    match failures.into_iter().next() {
        Some(e) => Err(e),
        None => rename_group(&last),
    }
}

/// Renames `group` in order, stopping at the first failure.
fn rename_group(group: &[&Staged]) -> Result<(), FileError> {
    group.iter().try_for_each(|s| rename_one(s))
}

fn rename_one(s: &Staged) -> Result<(), FileError> {
    let temp = s.temp();
    if !s.overwrite {
        rename_noreplace(&temp, &s.target)?;
    } else {
        if fs::symlink_metadata(&s.target).is_ok() {
            // Keep the old version reachable until the whole batch is in place.
            let backup = marked_name(&s.target, super::BACKUP_MARK, s.tag);
            fs::hard_link(&s.target, &backup)
                .map_err(|e| FileError::io("back up", &s.target, e))?;
        }
        fs::rename(&temp, &s.target).map_err(|e| FileError::io("replace", &s.target, e))?;
    }
    crash::renamed();
    Ok(())
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
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| FileError::io("sync directory", dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atomic::recover;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
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
        assert_eq!(names(dir.path()), vec!["b"]);
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

    /// Writes a journal for `files` (name, old contents or None, new contents) and performs
    /// the first `renames` of the batch's renames, as a run killed at that point would leave
    /// the directory.
    fn interrupted(dir: &Path, files: &[(&str, Option<&str>, &str)], renames: usize) -> PathBuf {
        let mut staged = Vec::new();
        for (i, (name, old, new)) in files.iter().enumerate() {
            let target = dir.join(name);
            if let Some(old) = old {
                fs::write(&target, old).unwrap();
            }
            let tag = write_temp(&target, (0o600, None), |f| f.write_all(new.as_bytes())).unwrap();
            staged.push(Staged {
                target,
                tag,
                overwrite: true,
                last: i + 1 == files.len(),
            });
        }
        let journal = journal_for(&staged.last().unwrap().target);
        Journal::new(
            journal.clone(),
            "0".into(),
            staged
                .iter()
                .map(|s| Entry {
                    target: s.target.clone(),
                    tag: s.tag,
                    existed: s.target.exists(),
                    last: s.last,
                })
                .collect(),
        )
        .write()
        .unwrap();
        for s in staged.iter().take(renames) {
            rename_one(s).unwrap();
        }
        journal
    }

    #[test]
    fn recovery_undoes_an_uncommitted_batch_at_every_point() {
        let files = [
            ("a.key", Some("old a"), "new a"),
            ("b.crt", None, "new b"),
            ("index", Some("old index"), "new index"),
        ];
        for renames in 0..files.len() {
            let dir = tempfile::tempdir().unwrap();
            let journal = interrupted(dir.path(), &files, renames);
            let r = recover(&journal).unwrap().unwrap();
            assert!(!r.finished, "after {renames} renames");
            assert_eq!(names(dir.path()), vec!["a.key", "index"], "{renames}");
            assert_eq!(
                fs::read_to_string(dir.path().join("a.key")).unwrap(),
                "old a"
            );
            assert_eq!(
                fs::read_to_string(dir.path().join("index")).unwrap(),
                "old index"
            );
            // Recovering twice changes nothing.
            assert_eq!(recover(&journal).unwrap(), None);
        }
    }

    #[test]
    fn recovery_finishes_a_committed_batch() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("a.key", Some("old a"), "new a"),
            ("index", Some("old"), "new"),
        ];
        let journal = interrupted(dir.path(), &files, 2);
        let r = recover(&journal).unwrap().unwrap();
        assert!(r.finished);
        assert_eq!(names(dir.path()), vec!["a.key", "index"]);
        assert_eq!(
            fs::read_to_string(dir.path().join("a.key")).unwrap(),
            "new a"
        );
    }

    #[test]
    fn an_outside_commit_point_decides_what_recovery_does() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join(".journal");
        // The commit fails: every file is undone on the spot.
        let batch = Batch::new(true).journal_at(journal.clone());
        batch
            .stage(&dir.path().join("a"), b"a", Mode::Public)
            .unwrap();
        let failed: Result<(), FileError> = batch.commit_with(|_| {
            Err(FileError::Journal {
                path: PathBuf::from("db"),
                why: "no".into(),
            })
        });
        assert!(failed.is_err());
        assert_eq!(names(dir.path()), Vec::<String>::new());
        // It succeeds, recording the id it was given.
        let recorded = std::cell::RefCell::new(String::new());
        let batch = Batch::new(true).journal_at(journal.clone());
        batch
            .stage(&dir.path().join("a"), b"a", Mode::Public)
            .unwrap();
        batch
            .commit_with(|id| {
                *recorded.borrow_mut() = id.to_string();
                Ok::<(), FileError>(())
            })
            .unwrap();
        assert_eq!(names(dir.path()), vec!["a"]);
        assert_eq!(recorded.borrow().len(), 16);
    }

    #[test]
    fn an_unrecovered_journal_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let files = [("a", Some("old a"), "new a"), ("index", Some("old"), "new")];
        let journal = interrupted(dir.path(), &files, 1);
        let batch = Batch::new(true);
        batch
            .stage(&dir.path().join("a"), b"third", Mode::Public)
            .unwrap();
        batch
            .stage_last(&dir.path().join("index"), b"third", Mode::Public)
            .unwrap();
        assert!(matches!(batch.commit(), Err(FileError::Journal { .. })));
        assert!(recover(&journal).unwrap().is_some());
        assert_eq!(fs::read_to_string(dir.path().join("a")).unwrap(), "old a");
    }
}
