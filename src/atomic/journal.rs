//! The record a batch of several files keeps while it renames them into place, so that a crash
//! at any moment is finished or undone by the next run.
//!
//! Before its first rename a batch writes, and makes durable, a journal: its id, and for every
//! target the tag of its temporary and backup names and whether the target existed. The batch
//! commits either by renaming its last file (the commit point, e.g. an index) or by something
//! outside the files — a database transaction that records the batch's id. The next writer,
//! holding the same lock, calls [`recover`] (or [`recover_with`], saying how to tell whether
//! the id was committed). If the batch committed, only its cleanup (removing backups) is
//! finished. Otherwise every rename is undone from what is on disk — a replaced file is restored
//! from its backup, a created one removed — and the temporaries go. Every step can be repeated,
//! and the journal is removed last, so a crash during recovery is recovered again.

use super::{BACKUP_MARK, FileError, TEMP_MARK, marked_name, remove_if_present};
use rayon::prelude::*;
use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"mqauth-journal 1\n";
const END: &[u8] = b"END";

/// One file of a batch.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) target: PathBuf,
    pub(super) tag: u64,
    /// Whether the target existed when the journal was written (it is then replaced, with a
    /// backup kept until the batch is done).
    pub(super) existed: bool,
    /// The commit point: renamed after every other file.
    pub(super) last: bool,
}

impl Entry {
    pub(super) fn temp(&self) -> PathBuf {
        marked_name(&self.target, TEMP_MARK, self.tag)
    }

    pub(super) fn backup(&self) -> PathBuf {
        marked_name(&self.target, BACKUP_MARK, self.tag)
    }
}

/// The journal of a batch in progress.
#[derive(Debug)]
pub(super) struct Journal {
    path: PathBuf,
    /// The batch's id, which an outside commit point (a database) records.
    id: String,
    entries: Vec<Entry>,
}

/// What [`recover`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    pub journal: PathBuf,
    /// The interrupted batch had committed and was finished; otherwise it was undone.
    pub finished: bool,
    /// Files the batch named.
    pub files: usize,
}

/// Where a batch whose commit point is `target` keeps its journal.
pub fn journal_for(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.mqauth-journal"))
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::symlink_metadata(a), fs::symlink_metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

impl Journal {
    pub(super) fn new(path: PathBuf, id: String, entries: Vec<Entry>) -> Journal {
        Journal { path, id, entries }
    }

    /// Writes the journal durably. Fails, touching nothing, when a journal is already there:
    /// an interrupted run that nobody recovered must not be overwritten.
    pub(super) fn write(&self) -> Result<(), FileError> {
        let mut out = Vec::with_capacity(MAGIC.len() + self.entries.len() * 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(b"I\0");
        out.extend_from_slice(self.id.as_bytes());
        out.push(0);
        let mut dirs: Vec<&Path> = Vec::new();
        for e in &self.entries {
            let dir = parent_of(&e.target);
            let index = match dirs.iter().position(|d| *d == dir) {
                Some(i) => i,
                None => {
                    dirs.push(dir);
                    out.extend_from_slice(b"D\0");
                    out.extend_from_slice(dir.as_os_str().as_bytes());
                    out.push(0);
                    dirs.len() - 1
                }
            };
            let name = e.target.file_name().unwrap_or_default();
            let flags = match (e.existed, e.last) {
                (true, true) => "el",
                (true, false) => "e",
                (false, true) => "l",
                (false, false) => "-",
            };
            out.extend_from_slice(format!("E\0{index}\0").as_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(format!("\0{:016x}\0{flags}\0", e.tag).as_bytes());
        }
        out.extend_from_slice(END);
        out.push(0);
        let io = |e| FileError::io("write journal", &self.path, e);
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&self.path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    FileError::Journal {
                        path: self.path.clone(),
                        why: "an interrupted run was not recovered".into(),
                    }
                } else {
                    io(e)
                }
            })?;
        super::batch::crash::at("journal-created");
        file.write_all(&out)
            .and_then(|()| file.sync_all())
            .map_err(io)?;
        File::open(parent_of(&self.path))
            .and_then(|d| d.sync_all())
            .map_err(io)
    }

    fn read(path: &Path) -> Result<Option<Journal>, FileError> {
        let bytes = crate::input::read(path, crate::input::Kind::Index)?;
        let damaged = |why: &str| FileError::Journal {
            path: path.to_path_buf(),
            why: why.to_string(),
        };
        let Some(body) = bytes.strip_prefix(MAGIC) else {
            // Shorter than its header (a kill between creating the file and writing it leaves
            // it empty): torn before any rename could start, like a journal without its end.
            if MAGIC.starts_with(&bytes) {
                return Ok(None);
            }
            return Err(damaged("unknown format"));
        };
        let mut fields = body.split(|b| *b == 0);
        let mut dirs: Vec<PathBuf> = Vec::new();
        let mut entries = Vec::new();
        let mut id = String::new();
        loop {
            match fields.next() {
                Some(b"I") => {
                    let text = fields.next().ok_or_else(|| damaged("truncated"))?;
                    id = String::from_utf8_lossy(text).into_owned();
                }
                Some(b"D") => {
                    let dir = fields.next().ok_or_else(|| damaged("truncated"))?;
                    dirs.push(PathBuf::from(OsStr::from_bytes(dir)));
                }
                Some(b"E") => {
                    let mut next = || fields.next().ok_or_else(|| damaged("truncated"));
                    let dir: usize = std::str::from_utf8(next()?)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| damaged("bad directory number"))?;
                    let name = OsStr::from_bytes(next()?).to_owned();
                    let tag = std::str::from_utf8(next()?)
                        .ok()
                        .and_then(|s| u64::from_str_radix(s, 16).ok())
                        .ok_or_else(|| damaged("bad tag"))?;
                    let flags = next()?;
                    let dir = dirs.get(dir).ok_or_else(|| damaged("unknown directory"))?;
                    if name.is_empty() || name.as_bytes().contains(&b'/') {
                        return Err(damaged("bad file name"));
                    }
                    entries.push(Entry {
                        target: dir.join(name),
                        tag,
                        existed: flags.contains(&b'e'),
                        last: flags.contains(&b'l'),
                    });
                }
                // Written completely: the renames may have started.
                Some(END) => {
                    return Ok(Some(Journal {
                        path: path.to_path_buf(),
                        id,
                        entries,
                    }));
                }
                // Torn while being written: no rename had started.
                _ => return Ok(None),
            }
        }
    }

    fn committed(&self) -> bool {
        self.entries
            .iter()
            .find(|e| e.last)
            .is_some_and(|e| !exists(&e.temp()))
    }

    /// Undoes whatever renames happened, newest first, judging each file by what is on disk.
    pub(super) fn roll_back(&self) -> Result<(), FileError> {
        for e in self.entries.iter().rev() {
            let (temp, backup) = (e.temp(), e.backup());
            let temp_there = exists(&temp);
            if e.existed {
                if exists(&backup) {
                    if temp_there {
                        // Backed up but not yet replaced: the target is still the old file.
                        remove_if_present(&backup)?;
                    } else {
                        fs::rename(&backup, &e.target)
                            .map_err(|err| FileError::io("restore", &e.target, err))?;
                    }
                }
            } else if !temp_there || same_file(&temp, &e.target) {
                // The target did not exist before the batch: whatever is there now is ours.
                remove_if_present(&e.target)?;
            }
            remove_if_present(&temp)?;
        }
        Ok(())
    }

    /// The batch committed: drop the backups (the old versions). Every temporary was renamed
    /// before the commit point; strays are swept with the others.
    pub(super) fn finish(&self) -> Result<(), FileError> {
        // Freeing an inode is most of an unlink's cost and happens outside the directory's
        // lock: 10,000 backups of a renewal go away several times faster from all cores.
        self.entries
            .par_iter()
            .filter(|e| e.existed)
            .try_for_each(|e| remove_if_present(&e.backup()))
    }

    pub(super) fn remove(&self) -> Result<(), FileError> {
        remove_if_present(&self.path)?;
        File::open(parent_of(&self.path))
            .and_then(|d| d.sync_all())
            .map_err(|e| FileError::io("sync directory", parent_of(&self.path), e))
    }
}

/// Finishes or undoes the batch whose journal is at `path`, if there is one: a batch whose
/// commit point is its last file. Call it only while holding the lock the batch was written
/// under.
pub fn recover(path: &Path) -> Result<Option<Recovery>, FileError> {
    recover_inner(path, None)
}

/// Whether the batch with this id committed, or why that cannot be told.
pub type CommitCheck<'a> = &'a dyn Fn(&str) -> Result<bool, String>;

/// Like [`recover`], for a batch committed outside the files: `committed` says whether the
/// batch with this id committed (e.g. whether a database recorded it), or why it cannot tell,
/// in which case nothing is touched.
pub fn recover_with(
    path: &Path,
    committed: CommitCheck<'_>,
) -> Result<Option<Recovery>, FileError> {
    recover_inner(path, Some(committed))
}

fn recover_inner(
    path: &Path,
    committed: Option<CommitCheck<'_>>,
) -> Result<Option<Recovery>, FileError> {
    if !exists(path) {
        return Ok(None);
    }
    let Some(journal) = Journal::read(path)? else {
        // Nothing was renamed; the temporaries are swept with the others.
        remove_if_present(path)?;
        return Ok(None);
    };
    let finished = match committed {
        Some(check) => check(&journal.id).map_err(|why| FileError::Journal {
            path: path.to_path_buf(),
            why: format!("cannot tell whether it committed: {why}"),
        })?,
        None => journal.committed(),
    };
    if finished {
        journal.finish()?;
    } else {
        journal.roll_back()?;
    }
    journal.remove()?;
    Ok(Some(Recovery {
        journal: path.to_path_buf(),
        finished,
        files: journal.entries.len(),
    }))
}
