//! A Mosquitto of the comparison's own, on loopback, with the configuration `fleet apply`
//! rendered for the temporary fleet; stopped (by its process id) when dropped.

use super::error::StormError;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Mosquitto may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(15);

pub(crate) struct LocalBroker {
    child: Child,
}

/// `mosquitto` on PATH, or where Debian puts it (/usr/sbin is not on every user's PATH).
fn mosquitto() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("mosquitto"));
    on_path
        .chain([PathBuf::from("/usr/sbin/mosquitto")])
        .find(|p| p.is_file())
}

/// A loopback port nobody listens on now (the broker binds it a moment later).
pub(crate) fn free_port() -> Result<u16, StormError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| StormError::LocalBroker {
            why: format!("no free loopback port: {e}"),
        })
}

impl LocalBroker {
    /// Checked before credentials are made, so a missing Mosquitto costs nothing.
    pub fn available() -> Result<(), StormError> {
        mosquitto().map(|_| ()).ok_or(StormError::NoMosquitto)
    }

    /// Starts Mosquitto on `rendered` (written into `dir` with a log file) and waits until
    /// `port` accepts connections.
    pub fn start(dir: &Path, rendered: &Path, port: u16) -> Result<LocalBroker, StormError> {
        let program = mosquitto().ok_or(StormError::NoMosquitto)?;
        let fail = |why: String| StormError::LocalBroker { why };
        let body = std::fs::read_to_string(rendered)
            .map_err(|e| fail(format!("{}: {e}", rendered.display())))?;
        let mut config = String::new();
        // Started as root, Mosquitto drops to the `mosquitto` user, who cannot read the
        // temporary fleet's 0600 keys: this throwaway broker stays the invoking user.
        if rustix::process::geteuid().is_root() {
            config.push_str("user root\n");
        }
        config.push_str(&format!(
            "log_dest file {}\n",
            dir.join("mosquitto.log").display()
        ));
        config.push_str(&body);
        let conf = dir.join("storm-mosquitto.conf");
        std::fs::write(&conf, config).map_err(|e| fail(format!("{}: {e}", conf.display())))?;
        let child = Command::new(program)
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("cannot run mosquitto: {e}")))?;
        let mut broker = LocalBroker { child };
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = broker.child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = broker.child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                let log = std::fs::read_to_string(dir.join("mosquitto.log")).unwrap_or_default();
                let last = err
                    .lines()
                    .chain(log.lines())
                    .rfind(|l| !l.trim().is_empty())
                    .unwrap_or("no message")
                    .to_string();
                return Err(fail(format!("it exited ({status}): {last}")));
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "it did not listen on port {port} within {} s",
                    START_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(broker)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for LocalBroker {
    fn drop(&mut self) {
        // A throwaway broker: nothing of it is kept, so no need for a graceful stop.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
