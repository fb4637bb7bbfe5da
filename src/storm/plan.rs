//! A storm's options and the bounds every storm stays within: a storm is a load test of the
//! operator's own broker, so it is finite by construction (clients, duration, per-client
//! timeout) and aims at loopback unless a remote broker is allowed explicitly.

use super::error::StormError;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

/// The most clients one storm starts.
pub const MAX_CLIENTS: usize = 100_000;
/// The longest a storm runs; clients still connecting then are cut off.
pub const MAX_DURATION: Duration = Duration::from_secs(600);
/// How long one client may take, from its TCP connect to its last acknowledgement.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How the clients are started.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// This many new connections per second, evenly spaced.
    Rate(f64),
    /// All at once.
    Burst,
}

/// The broker: a host and, unless a fleet manifest names its ports, a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: Option<u16>,
}

impl Target {
    pub fn shown(&self) -> String {
        match self.port {
            Some(port) if self.host.contains(':') => format!("[{}]:{port}", self.host),
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }
}

impl std::str::FromStr for Target {
    type Err = String;

    /// `HOST`, `HOST:PORT`, `[IPv6]:PORT`, `[IPv6]`.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?}: expected HOST:PORT");
        if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or_else(bad)?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or_else(bad)?
                        .parse()
                        .map_err(|_| bad())?,
                ),
            };
            return Ok(Target {
                host: host.to_string(),
                port,
            });
        }
        match text.rsplit_once(':') {
            Some((host, _)) if host.contains(':') => Err(bad()),
            Some((host, port)) if !host.is_empty() => Ok(Target {
                host: host.to_string(),
                port: Some(port.parse().map_err(|_| bad())?),
            }),
            Some(_) => Err(bad()),
            None if text.is_empty() => Err(bad()),
            None => Ok(Target {
                host: text.to_string(),
                port: None,
            }),
        }
    }
}

/// Where the devices and their credentials come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A fleet manifest and its directory (what `fleet apply` wrote), optionally one group.
    Fleet {
        manifest: PathBuf,
        dir: PathBuf,
        group: Option<String>,
    },
    /// A PKI directory: every client certificate whose key it holds.
    Pki { dir: PathBuf },
    /// A Mosquitto psk_file: every identity in it.
    PskFile { path: PathBuf },
}

#[derive(Debug, Clone)]
pub struct StormOptions {
    pub source: Source,
    pub target: Target,
    /// How many devices connect; all of the source's when absent.
    pub clients: Option<usize>,
    pub pace: Pace,
    /// The storm stops starting clients then, and cuts off those still running.
    pub duration: Duration,
    /// How long one client may take.
    pub timeout: Duration,
    /// One QoS 1 message per client on this topic (`{id}` is the device).
    pub publish: Option<String>,
    /// A local broker's process, whose CPU time is measured.
    pub broker_pid: Option<u32>,
    /// Whether a target outside loopback is allowed.
    pub allow_remote: bool,
}

impl StormOptions {
    /// Checks everything that does not need the devices.
    pub(crate) fn check(&self) -> Result<(), StormError> {
        if let Some(count) = self.clients {
            check_count(count)?;
        }
        check_times(self.duration, self.timeout)?;
        if let Pace::Rate(rate) = self.pace
            && !(rate.is_finite() && rate > 0.0)
        {
            return Err(StormError::Rate { rate });
        }
        if let Some(template) = &self.publish {
            check_topic(template)?;
        }
        Ok(())
    }
}

pub(crate) fn check_count(count: usize) -> Result<(), StormError> {
    if count == 0 {
        return Err(StormError::NoClients);
    }
    if count > MAX_CLIENTS {
        return Err(StormError::TooManyClients {
            count,
            max: MAX_CLIENTS,
        });
    }
    Ok(())
}

pub(crate) fn check_times(duration: Duration, timeout: Duration) -> Result<(), StormError> {
    if duration > MAX_DURATION {
        return Err(StormError::TooLong {
            given: duration,
            max: MAX_DURATION,
        });
    }
    if duration < Duration::from_secs(1) || timeout < Duration::from_secs(1) {
        return Err(StormError::TooShort);
    }
    Ok(())
}

/// A topic a client can publish on once `{id}` is replaced: no wildcards, no empty topic.
pub(crate) fn check_topic(template: &str) -> Result<(), StormError> {
    let bad = |why: &str| StormError::Topic {
        template: template.to_string(),
        why: why.into(),
    };
    if template.is_empty() {
        return Err(bad("empty"));
    }
    if template.contains(['+', '#']) {
        return Err(bad("a topic to publish on has no wildcards"));
    }
    if template.contains('\0') {
        return Err(bad("a topic has no NUL character"));
    }
    Ok(())
}

/// The addresses `host:port` resolves to, refused unless all are loopback or remote targets
/// are allowed: a name that also resolves elsewhere could send the storm there.
pub(crate) fn resolve(
    host: &str,
    port: u16,
    allow_remote: bool,
) -> Result<Vec<SocketAddr>, StormError> {
    let target = Target {
        host: host.to_string(),
        port: Some(port),
    }
    .shown();
    let addresses: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| StormError::Resolve {
            target: target.clone(),
            why: e.to_string(),
        })?
        .collect();
    if addresses.is_empty() {
        return Err(StormError::Resolve {
            target,
            why: "no address".into(),
        });
    }
    if !allow_remote && addresses.iter().any(|a| !a.ip().is_loopback()) {
        return Err(StormError::Remote { target });
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        let t: Target = "127.0.0.1:8883".parse().unwrap();
        assert_eq!((t.host.as_str(), t.port), ("127.0.0.1", Some(8883)));
        let t: Target = "localhost".parse().unwrap();
        assert_eq!((t.host.as_str(), t.port), ("localhost", None));
        let t: Target = "[::1]:1883".parse().unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", Some(1883)));
        assert!("::1:1883".parse::<Target>().is_err());
        assert!(":1883".parse::<Target>().is_err());
        assert!("host:port".parse::<Target>().is_err());
        assert!("".parse::<Target>().is_err());
    }

    #[test]
    fn only_loopback_unless_allowed() {
        assert!(resolve("127.0.0.1", 1, false).is_ok());
        assert!(matches!(
            resolve("192.0.2.1", 1, false),
            Err(StormError::Remote { .. })
        ));
        assert!(resolve("192.0.2.1", 1, true).is_ok());
    }

    #[test]
    fn bounds() {
        assert!(check_count(MAX_CLIENTS).is_ok());
        assert!(check_count(MAX_CLIENTS + 1).is_err());
        assert!(check_count(0).is_err());
        assert!(check_times(MAX_DURATION + Duration::from_secs(1), DEFAULT_TIMEOUT).is_err());
        assert!(check_topic("devices/{id}/storm").is_ok());
        assert!(check_topic("devices/+/storm").is_err());
    }
}
