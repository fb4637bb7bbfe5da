//! Mosquitto's `psk_file` format, read the way Mosquitto reads it.
//!
//! Mosquitto (src/psk_file.c) skips lines whose first character is `#` and lines without a `:`;
//! otherwise the identity is the text before the first `:` and the key the text up to the next
//! `:`, both trimmed of blanks; anything after a second `:` is silently dropped. Keys must be
//! hex or the broker refuses to start. This module mirrors those rules so that what `psk check`
//! reports is what the broker will do, and it keeps every line it does not change verbatim.

use super::error::PskError;
use crate::atomic::{self, FileError, Mode};
use crate::lock::{self, Lock};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// One line as Mosquitto sees it.
#[derive(Debug, PartialEq, Eq)]
pub enum LineKind<'a> {
    Blank,
    /// `#` in the first column.
    Comment,
    /// Not blank, but without a `:`: Mosquitto ignores it without a word.
    NoSeparator,
    Entry {
        identity: &'a str,
        key: &'a str,
        /// Text after a second `:`, which Mosquitto drops.
        extra: Option<&'a str>,
    },
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\r'
}

pub fn classify(line: &str) -> LineKind<'_> {
    if line.trim_matches(is_blank).is_empty() {
        return LineKind::Blank;
    }
    if line.starts_with('#') {
        return LineKind::Comment;
    }
    if !line.contains(':') {
        return LineKind::NoSeparator;
    }
    // strtok(3) semantics: empty fields (leading or doubled ':') are skipped.
    let mut fields = line.split(':').filter(|f| !f.is_empty());
    let identity = fields.next().unwrap_or_default().trim_matches(is_blank);
    let key = fields.next().unwrap_or_default().trim_matches(is_blank);
    let rest = fields.collect::<Vec<_>>();
    let extra = if rest.is_empty() {
        None
    } else {
        let start = line.find(rest[0]).unwrap_or(line.len());
        Some(&line[start..])
    };
    LineKind::Entry {
        identity,
        key,
        extra,
    }
}

/// A PSK file loaded for changing: entries by identity, every other line kept as it was.
pub struct PskFile {
    pub path: PathBuf,
    /// Removed lines become `None`, so removing many identities stays linear.
    lines: Vec<Option<Zeroizing<String>>>,
    /// identity -> index into `lines`
    entries: HashMap<String, usize>,
    order: Vec<String>,
    /// The writers' lock, held while the file may be changed; `None` once read only.
    lock: Option<Lock>,
}

impl std::fmt::Debug for PskFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PskFile")
            .field("path", &self.path)
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// The file a PSK path names. A symbolic link is followed on purpose (`/etc/mosquitto/psk.txt`
/// pointing into a fleet directory is a common layout): the real file is replaced, next to
/// itself, and the link stays a link.
pub fn resolve(path: &Path) -> Result<PathBuf, PskError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)
            .map_err(|e| FileError::io("follow the symbolic link", path, e).into()),
        _ => Ok(path.to_path_buf()),
    }
}

/// Takes the lock that serialises writers of the PSK file `real` (its directory: the file
/// itself is replaced by rename, so a lock on it would not outlive the first writer), and
/// finishes or undoes what an interrupted change of it left.
pub(super) fn open_for_change(real: &Path) -> Result<Lock, PskError> {
    let dir = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let lock = lock::lock_dir(dir)?;
    atomic::recover(&atomic::journal_for(real))?;
    atomic::sweep_temporaries_of(real);
    Ok(lock)
}

impl PskFile {
    /// Loads `path` under a lock held until the value is dropped. Refuses a file in which an
    /// identity appears twice: which of the two a change should touch is anyone's guess.
    pub fn open(path: &Path) -> Result<PskFile, PskError> {
        let path = &resolve(path)?;
        let lock = open_for_change(path)?;
        let bytes = Zeroizing::new(crate::input::read_regular(
            path,
            crate::input::Kind::PskFile,
        )?);
        let text = std::str::from_utf8(&bytes).map_err(|_| PskError::NotText {
            path: path.to_path_buf(),
        })?;
        let mut lines = Vec::new();
        let mut entries = HashMap::new();
        let mut order = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if let LineKind::Entry { identity, .. } = classify(line) {
                if let Some(first) = entries.insert(identity.to_string(), i) {
                    return Err(PskError::AmbiguousFile {
                        path: path.to_path_buf(),
                        identity: identity.to_string(),
                        line: i + 1,
                        first: first + 1,
                    });
                }
                order.push(identity.to_string());
            }
            lines.push(Some(Zeroizing::new(line.to_string())));
        }
        Ok(PskFile {
            path: path.to_path_buf(),
            lines,
            entries,
            order,
            lock: Some(lock),
        })
    }

    /// Loads `path` as [`PskFile::open`] does (an interrupted change finished first), then lets
    /// go of the writers' lock: for a reader that needs the contents only, and may itself lock
    /// the directory the file is in (an export written beside its PSK file). Such a file cannot
    /// be saved.
    pub fn read(path: &Path) -> Result<PskFile, PskError> {
        let mut file = PskFile::open(path)?;
        file.lock = None;
        Ok(file)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Identities in file order.
    pub fn identities(&self) -> impl Iterator<Item = &str> {
        self.order
            .iter()
            .map(String::as_str)
            .filter(|id| self.entries.contains_key(*id))
    }

    /// The 1-based line of `identity`, if present.
    pub fn line_of(&self, identity: &str) -> Option<usize> {
        self.entries.get(identity).map(|i| i + 1)
    }

    /// The key of `identity` as written (hex).
    pub fn key_of(&self, identity: &str) -> Option<&str> {
        let i = *self.entries.get(identity)?;
        match classify(self.lines[i].as_deref()?) {
            LineKind::Entry { key, .. } => Some(key),
            _ => None,
        }
    }

    pub fn require(&self, identity: &str) -> Result<(), PskError> {
        if self.entries.contains_key(identity) {
            Ok(())
        } else {
            Err(PskError::UnknownIdentity {
                path: self.path.clone(),
                identity: identity.to_string(),
            })
        }
    }

    /// Replaces the line of `identity` with `identity:hexkey`.
    pub fn set_key(&mut self, identity: &str, hex_key: &str) -> Result<(), PskError> {
        self.require(identity)?;
        let i = self.entries[identity];
        self.lines[i] = Some(Zeroizing::new(format!("{identity}:{hex_key}")));
        Ok(())
    }

    /// Removes the line of `identity`.
    pub fn remove(&mut self, identity: &str) -> Result<(), PskError> {
        self.require(identity)?;
        if let Some(i) = self.entries.remove(identity) {
            self.lines[i] = None;
        }
        Ok(())
    }

    /// Appends an `identity:hexkey` line.
    pub fn append(&mut self, identity: &str, hex_key: &str) -> Result<(), PskError> {
        if let Some(line) = self.line_of(identity) {
            return Err(PskError::AlreadyPresent {
                path: self.path.clone(),
                identity: identity.to_string(),
                line,
            });
        }
        self.entries.insert(identity.to_string(), self.lines.len());
        self.order.push(identity.to_string());
        self.lines
            .push(Some(Zeroizing::new(format!("{identity}:{hex_key}"))));
        Ok(())
    }

    /// The file's text as it now stands.
    pub fn contents(&self) -> Zeroizing<Vec<u8>> {
        let size = self.lines.iter().flatten().map(|l| l.len() + 1).sum();
        let mut out = Zeroizing::new(Vec::with_capacity(size));
        for line in self.lines.iter().flatten() {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// Writes the file back atomically, keeping its permissions.
    pub fn save(&self) -> Result<(), PskError> {
        if self.lock.is_none() {
            return Err(PskError::ReadOnly {
                path: self.path.clone(),
            });
        }
        atomic::write_file(&self.path, &self.contents(), Mode::Preserve, true)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_like_mosquitto() {
        assert_eq!(classify(""), LineKind::Blank);
        assert_eq!(classify("  \t\r"), LineKind::Blank);
        assert_eq!(classify("# a:b"), LineKind::Comment);
        assert_eq!(classify("garbage"), LineKind::NoSeparator);
        assert_eq!(
            classify(" id : ab \r"),
            LineKind::Entry {
                identity: "id",
                key: "ab",
                extra: None
            }
        );
        assert_eq!(
            classify("::id:ab:cd:ef"),
            LineKind::Entry {
                identity: "id",
                key: "ab",
                extra: Some("cd:ef")
            }
        );
        assert_eq!(
            classify("id:"),
            LineKind::Entry {
                identity: "id",
                key: "",
                extra: None
            }
        );
        // An indented '#' is not a comment to Mosquitto.
        assert!(matches!(
            classify("  # old:ab"),
            LineKind::Entry {
                identity: "# old",
                ..
            }
        ));
    }
}
