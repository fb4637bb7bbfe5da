//! What `/healthz` answers: healthy while the service is subscribed at the broker *and* its PKI
//! can be written. Either alone is not enough: a service connected to the broker with a PKI on
//! a read-only file system answers every request `internal-error`.
//!
//! The broker's side comes from the service's events (connected, unreachable, stopping); the
//! PKI's from a probe run when asked (at most every [`PROBE_EVERY`]): a file created and removed
//! in the PKI directory (where the database's journal and every issued file go) and the
//! database opened for writing (not written). It is cheap and touches no record, and it fails
//! the way signing would fail: permissions, a read-only or full file system, a directory gone.

use super::service::ServiceEvent;
use crate::pki::Layout;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A probe's verdict is reused this long, so that a flood of `/healthz` requests does not
/// become a flood of file creations.
pub const PROBE_EVERY: Duration = Duration::from_secs(2);

/// The broker connection as the events told it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Broker {
    NotYet,
    Connected,
    Unreachable(String),
    Stopping,
}

/// The connection state, fed from the service's events.
#[derive(Debug)]
pub struct BrokerHealth {
    state: Mutex<Broker>,
}

impl Default for BrokerHealth {
    fn default() -> Self {
        BrokerHealth {
            state: Mutex::new(Broker::NotYet),
        }
    }
}

impl BrokerHealth {
    pub fn observe(&self, event: &ServiceEvent<'_>) {
        let next = match event {
            ServiceEvent::Connected { .. } => Broker::Connected,
            ServiceEvent::Unreachable { error, .. } => Broker::Unreachable(error.clone()),
            ServiceEvent::Stopping { .. } => Broker::Stopping,
            _ => return,
        };
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = next;
    }

    /// `Err` with a one-line reason while not subscribed at the broker.
    pub fn check(&self) -> Result<(), String> {
        match &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            Broker::Connected => Ok(()),
            Broker::NotYet => Err("not connected to the broker yet".into()),
            Broker::Unreachable(error) => Err(format!("broker unreachable: {error}")),
            Broker::Stopping => Err("stopping".into()),
        }
    }
}

/// The PKI probe and its last verdict.
#[derive(Debug)]
pub struct PkiProbe {
    dir: PathBuf,
    last: Mutex<Option<(Instant, Result<(), String>)>>,
}

impl PkiProbe {
    pub fn new(dir: PathBuf) -> PkiProbe {
        PkiProbe {
            dir,
            last: Mutex::new(None),
        }
    }

    /// `Err` with a one-line reason when the PKI cannot be written; blocks on the file system.
    pub fn check(&self) -> Result<(), String> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((at, verdict)) = &*last
            && at.elapsed() < PROBE_EVERY
        {
            return verdict.clone();
        }
        let verdict = probe(&self.dir);
        *last = Some((Instant::now(), verdict.clone()));
        verdict
    }
}

/// Whether the PKI in `dir` can be written: see the module's comment.
fn probe(dir: &Path) -> Result<(), String> {
    let file = dir.join(format!(".mqauth-healthz-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&file)
        .map_err(|e| format!("PKI directory {} not writable: {e}", dir.display()))?;
    std::fs::remove_file(&file)
        .map_err(|e| format!("PKI directory {}: cannot remove a file: {e}", dir.display()))?;
    let db = Layout::new(dir).db();
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&db)
        .map_err(|e| format!("PKI database {} not writable: {e}", db.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_broker_state_follows_the_events() {
        let h = BrokerHealth::default();
        assert!(h.check().is_err());
        h.observe(&ServiceEvent::Connected { broker: "b" });
        assert_eq!(h.check(), Ok(()));
        h.observe(&ServiceEvent::Unreachable {
            broker: "b",
            error: "connection refused".into(),
            retry_in: Duration::from_secs(1),
        });
        assert_eq!(
            h.check(),
            Err("broker unreachable: connection refused".into())
        );
        h.observe(&ServiceEvent::Stopping { signal: "SIGTERM" });
        assert_eq!(h.check(), Err("stopping".into()));
    }

    #[test]
    fn the_probe_needs_a_writable_directory_and_database() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let e = probe(dir.path()).expect_err("no database");
        assert!(e.contains("PKI database"), "{e}");
        std::fs::write(Layout::new(dir.path()).db(), b"")?;
        assert_eq!(probe(dir.path()), Ok(()));
        // Nothing left behind.
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
        let gone = dir.path().join("gone");
        let e = probe(&gone).expect_err("no directory");
        assert!(e.contains("not writable"), "{e}");
        Ok(())
    }
}
