//! Locks that serialise mqauth's writers: `pki/.lock` for a PKI, the directory itself for PSK
//! files and fleet directories.
//!
//! Any local user who can open a lock file or directory can hold its lock, so waiting forever
//! would let them stop every writer silently. A wait is announced once (through the callback
//! the program installs) and gives up after a timeout.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long to wait for a lock another process holds, unless the program says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How a process waits for locks. It is a property of the process (one user, one terminal),
/// not of each call, so it is set once by the program and read by every lock.
#[derive(Debug, Clone, Copy)]
pub struct WaitPolicy {
    pub timeout: Duration,
    /// Called once per lock that is found held, before waiting for it.
    pub on_wait: Option<fn(&Path)>,
}

static POLICY: OnceLock<WaitPolicy> = OnceLock::new();

/// Sets the wait policy for the rest of the process; the first call wins.
pub fn configure(policy: WaitPolicy) {
    let _ = POLICY.set(policy);
}

/// How long a writer waits for another one: also how long the database waits for its lock.
pub fn timeout() -> Duration {
    policy().timeout
}

fn policy() -> WaitPolicy {
    POLICY.get().copied().unwrap_or(WaitPolicy {
        timeout: DEFAULT_TIMEOUT,
        on_wait: None,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot lock {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{} is held by another process and was not released within {}s; if no other mqauth is running, find the holder with `fuser {}`", path.display(), timeout.as_secs(), path.display()
    )]
    Timeout { path: PathBuf, timeout: Duration },
    #[error("{} is a symbolic link; refusing to use it as a lock", path.display())]
    Symlink { path: PathBuf },
}

/// An exclusive lock, released when dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Locks the file at `path`, creating it with mode 0600. A symbolic link is refused: following
/// it would let whoever planted it make mqauth (often root) create or truncate another file.
pub fn lock_file(path: &Path) -> Result<Lock, LockError> {
    let io = |source| LockError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                LockError::Symlink {
                    path: path.to_path_buf(),
                }
            } else {
                io(e)
            }
        })?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(io(io::Error::other("not a regular file")));
    }
    acquire(file, path)
}

/// Locks the directory `dir` itself (for files that are replaced by rename, whose own lock
/// would not outlive the first writer).
pub fn lock_dir(dir: &Path) -> Result<Lock, LockError> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let file = File::open(dir).map_err(|source| LockError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    acquire(file, dir)
}

fn acquire(file: File, path: &Path) -> Result<Lock, LockError> {
    let policy = policy();
    let started = Instant::now();
    let mut announced = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(LockError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
        if started.elapsed() >= policy.timeout {
            return Err(LockError::Timeout {
                path: path.to_path_buf(),
                timeout: policy.timeout,
            });
        }
        if !announced {
            if let Some(notify) = policy.on_wait {
                notify(path);
            }
            announced = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn lock_file_is_private_and_refuses_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock");
        let lock = lock_file(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        drop(lock);
        let victim = dir.path().join("victim");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(matches!(lock_file(&link), Err(LockError::Symlink { .. })));
        assert!(!victim.exists(), "the link's target must not be created");
    }
}
