//! The enrollment service's settings, resolved in one place: from a fleet manifest and its
//! directory, or from the values given one by one (flags), plus overrides. Both ways share the
//! defaults and the checks below, so a service started with flags answers as one started from
//! the manifest that says the same.

use super::error::SettingsError;
use super::policy::Policy;
use super::protocol;
use crate::fleet::{Fleet, FleetDir};
use crate::lifetime::Lifetime;
use crate::pki::{KeyAlgorithm, Layout, San};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The values a service gets when nothing says otherwise (flags and manifests alike).
pub mod defaults {
    use crate::pki::KeyAlgorithm;

    pub const PREFIX: &str = super::protocol::DEFAULT_PREFIX;
    /// The service's MQTT client id: its persistent session is kept under it.
    pub const CLIENT_ID: &str = "mqauth-enroll";
    /// The service's certificate name in a fleet (`enroll.service`).
    pub const SERVICE: &str = "mqauth-enroll";
    /// Requests answered per device per minute.
    pub const RATE_PER_MINUTE: u16 = 6;
    /// The last third of a certificate's life, as the field guide suggests ("renew at two
    /// thirds").
    pub const RENEW_WINDOW_PERCENT: u8 = 33;
    pub const KEY_TYPES: &[KeyAlgorithm] = &[KeyAlgorithm::P256, KeyAlgorithm::P384];
    /// Lifetime of the certificates issued with flags (a manifest's default is its
    /// `pki.client_days`).
    pub const LIFETIME: &str = "365d";
    /// Most requests answered in one batch (one PKI lock, one transaction).
    pub const BATCH_MAX: usize = 256;
    /// The broker port when a manifest's broker names none.
    pub const MTLS_PORT: u16 = 8883;
}

/// What becomes of a device's bootstrap PSK identity once it holds a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bootstrap {
    /// Leave it in the psk_file.
    Keep,
    /// Remove it after the first certificate, then run the reload command.
    Once,
}

impl crate::choice::Choice for Bootstrap {
    const ALL: &'static [Self] = &[Bootstrap::Keep, Bootstrap::Once];
    fn id(self) -> &'static str {
        match self {
            Bootstrap::Keep => "keep",
            Bootstrap::Once => "once",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Bootstrap::Keep => "Leave it in the psk_file",
            Bootstrap::Once => {
                "Remove it (atomically) after the first certificate, then run the reload command"
            }
        }
    }
}

/// The broker the service connects to: a host name its certificate holds, and the port of its
/// mutual-TLS listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerAddress {
    pub host: String,
    pub port: u16,
}

impl std::str::FromStr for BrokerAddress {
    type Err = SettingsError;

    /// `HOST:PORT`, `[IPv6]:PORT`.
    fn from_str(text: &str) -> Result<Self, SettingsError> {
        let bad = || SettingsError::BrokerAddress {
            given: text.to_string(),
        };
        let (host, port) = text.rsplit_once(':').ok_or_else(bad)?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port: u16 = port.parse().map_err(|_| bad())?;
        if host.is_empty() || port == 0 {
            return Err(bad());
        }
        Ok(BrokerAddress {
            host: host.to_string(),
            port,
        })
    }
}

impl std::fmt::Display for BrokerAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// The files the service's own TLS connection is made from (PEM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// Trust anchor(s) for the broker's certificate.
    pub broker_ca: PathBuf,
    /// The service's client certificate (and its chain).
    pub cert: PathBuf,
    /// The service's private key (unencrypted PKCS#8).
    pub key: PathBuf,
}

/// `bootstrap: once`: where a device's factory identity is removed after its first
/// certificate, so that a factory PSK that leaks later enrolls nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapRetirement {
    /// Every psk_file holding the identities: a fleet's store and each broker's copy.
    pub psk_files: Vec<PathBuf>,
    /// Locked while identities are removed (a fleet directory, which `fleet apply` also
    /// writes).
    pub lock: Option<PathBuf>,
    /// Run by `sh -c` after identities were removed, so the broker re-reads its psk_file.
    pub reload_command: Option<String>,
}

/// Everything `serve` needs, resolved and checked.
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    pub broker: BrokerAddress,
    pub client_id: String,
    pub tls: TlsFiles,
    pub pki_dir: PathBuf,
    pub prefix: String,
    pub policy: Policy,
    /// Requests per device per minute.
    pub rate_per_minute: u16,
    /// Most requests answered in one batch.
    pub batch_max: usize,
    pub retirement: Option<BootstrapRetirement>,
    /// Subscribe through `$share/GROUP/…`: the broker gives each request to one of the
    /// services of the group (several hosts sharing a PKI whose records are in PostgreSQL).
    pub share_group: Option<String>,
}

/// Values given one by one (the command line's flags); `None` takes the default.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub broker: Option<BrokerAddress>,
    pub broker_ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub client_id: Option<String>,
    pub pki_dir: Option<PathBuf>,
    pub prefix: Option<String>,
    pub lifetime: Option<Lifetime>,
    pub renew_window_percent: Option<u8>,
    pub key_types: Option<Vec<KeyAlgorithm>>,
    pub reenroll: bool,
    pub rate_per_minute: Option<u16>,
    /// Devices whose identity is in this psk_file may enroll; without it, only renewals are
    /// answered.
    pub bootstrap_psk_file: Option<PathBuf>,
    pub bootstrap: Option<Bootstrap>,
    pub reload_command: Option<String>,
}

/// What may be given on top of a manifest: where to connect and with which files.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub broker: Option<BrokerAddress>,
    pub broker_ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub client_id: Option<String>,
}

fn renew_window(percent: u8) -> Result<f64, SettingsError> {
    if !(1..=100).contains(&percent) {
        return Err(SettingsError::RenewWindow { percent });
    }
    Ok(f64::from(percent) / 100.0)
}

fn rate(per_minute: u16) -> Result<u16, SettingsError> {
    if per_minute == 0 {
        return Err(SettingsError::Rate);
    }
    Ok(per_minute)
}

/// Checks a shared subscription's group name: MQTT 5 forbids `/`, `+` and `#` in it.
pub fn share_group(name: &str) -> Result<String, SettingsError> {
    if name.is_empty()
        || name.len() > 128
        || name
            .chars()
            .any(|c| matches!(c, '/' | '+' | '#') || c.is_control())
    {
        return Err(SettingsError::ShareGroup {
            given: name.to_string(),
        });
    }
    Ok(name.to_string())
}

fn client_id(given: Option<String>) -> Result<String, SettingsError> {
    let id = given.unwrap_or_else(|| defaults::CLIENT_ID.to_string());
    // MQTT allows up to 65535 bytes; brokers may refuse long ones. Keep it printable.
    if id.is_empty() || id.len() > 256 || id.chars().any(|c| c.is_control() || c == '\0') {
        return Err(SettingsError::ClientId { given: id });
    }
    Ok(id)
}

fn prefix(given: Option<String>) -> Result<String, SettingsError> {
    let prefix = given.unwrap_or_else(|| defaults::PREFIX.to_string());
    protocol::validate_prefix(&prefix).map_err(|why| SettingsError::Prefix { why })?;
    Ok(prefix)
}

impl ServiceSettings {
    /// Settings from values given one by one: the broker and the three TLS files are required.
    pub fn from_given(given: Given) -> Result<ServiceSettings, SettingsError> {
        let required = |v: Option<PathBuf>, what: Setting| v.ok_or(SettingsError::Missing(what));
        let broker = given
            .broker
            .ok_or(SettingsError::Missing(Setting::Broker))?;
        let tls = TlsFiles {
            broker_ca: required(given.broker_ca, Setting::BrokerCa)?,
            cert: required(given.cert, Setting::Cert)?,
            key: required(given.key, Setting::Key)?,
        };
        let enrollers: HashSet<String> = match &given.bootstrap_psk_file {
            Some(path) => crate::psk::PskFile::open(path)?
                .identities()
                .map(str::to_string)
                .collect(),
            None => HashSet::new(),
        };
        let bootstrap = given.bootstrap.unwrap_or(Bootstrap::Keep);
        if given.bootstrap_psk_file.is_none()
            && (bootstrap == Bootstrap::Once || given.reload_command.is_some())
        {
            return Err(SettingsError::Missing(Setting::BootstrapPskFile));
        }
        let retirement = match (&given.bootstrap_psk_file, bootstrap) {
            (Some(file), Bootstrap::Once) => Some(BootstrapRetirement {
                psk_files: vec![file.clone()],
                lock: None,
                reload_command: given.reload_command.clone(),
            }),
            _ => None,
        };
        let lifetime = match given.lifetime {
            Some(l) => l,
            None => defaults::LIFETIME
                .parse()
                .map_err(|_| SettingsError::Lifetime)?,
        };
        Ok(ServiceSettings {
            share_group: None,
            broker,
            client_id: client_id(given.client_id)?,
            tls,
            pki_dir: given.pki_dir.unwrap_or_else(|| PathBuf::from("pki")),
            prefix: prefix(given.prefix)?,
            policy: Policy {
                lifetime,
                renew_window: renew_window(
                    given
                        .renew_window_percent
                        .unwrap_or(defaults::RENEW_WINDOW_PERCENT),
                )?,
                keys: given
                    .key_types
                    .unwrap_or_else(|| defaults::KEY_TYPES.to_vec()),
                enrollers: Some(enrollers),
                renewers: None,
                reenroll: given.reenroll,
            },
            rate_per_minute: rate(given.rate_per_minute.unwrap_or(defaults::RATE_PER_MINUTE))?,
            batch_max: defaults::BATCH_MAX,
            retirement,
        })
    }

    /// Settings from a fleet (its `enroll:` section, already checked when the manifest was
    /// read) and the files `fleet apply` made in its directory.
    pub fn from_fleet(
        fleet: &Fleet,
        dir: &FleetDir,
        overrides: Overrides,
    ) -> Result<ServiceSettings, SettingsError> {
        let enroll = fleet.enroll.as_ref().ok_or(SettingsError::NotEnrolling)?;
        let broker = fleet
            .brokers
            .iter()
            .find(|b| b.name == enroll.broker)
            .ok_or_else(|| SettingsError::UnknownBroker {
                name: enroll.broker.clone(),
            })?;
        let broker_address = match overrides.broker {
            Some(given) => given,
            // A name the broker's certificate holds, so that the service can verify it.
            None => BrokerAddress {
                host: match broker.sans.first() {
                    Some(San::Dns(name)) => name.clone(),
                    Some(San::Ip(ip)) => ip.to_string(),
                    None => "localhost".to_string(),
                },
                port: broker.mtls_port.unwrap_or(defaults::MTLS_PORT),
            },
        };
        let enrolling: HashSet<String> = fleet
            .devices
            .iter()
            .filter(|d| fleet.enrolls(d))
            .map(|d| d.id.clone())
            .collect();
        let layout = Layout::new(dir.pki());
        let retirement = (enroll.bootstrap == Bootstrap::Once).then(|| BootstrapRetirement {
            psk_files: dir.psk_files(fleet),
            lock: Some(dir.root().to_path_buf()),
            reload_command: enroll.reload_command.clone(),
        });
        Ok(ServiceSettings {
            share_group: None,
            broker: broker_address,
            client_id: client_id(overrides.client_id)?,
            tls: TlsFiles {
                broker_ca: overrides.broker_ca.unwrap_or_else(|| layout.ca_cert()),
                cert: overrides
                    .cert
                    .unwrap_or_else(|| layout.leaf_cert(&enroll.service)),
                key: overrides
                    .key
                    .unwrap_or_else(|| layout.leaf_key(&enroll.service)),
            },
            pki_dir: dir.pki().to_path_buf(),
            prefix: prefix(Some(enroll.prefix.clone()))?,
            policy: Policy {
                lifetime: enroll.lifetime,
                renew_window: enroll.renew_window,
                keys: enroll.keys.clone(),
                enrollers: Some(enrolling.clone()),
                renewers: Some(enrolling),
                reenroll: enroll.reenroll,
            },
            rate_per_minute: rate(enroll.rate)?,
            batch_max: defaults::BATCH_MAX,
            retirement,
        })
    }

    /// The PKI directory, for messages.
    pub fn pki_dir(&self) -> &Path {
        &self.pki_dir
    }
}

/// A setting that may be required or refused, named for what it is (the command line maps it
/// to its flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Broker,
    BrokerCa,
    Cert,
    Key,
    BootstrapPskFile,
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Setting::Broker => "the broker's address",
            Setting::BrokerCa => "the broker's trust anchors",
            Setting::Cert => "the service's certificate",
            Setting::Key => "the service's private key",
            Setting::BootstrapPskFile => "the bootstrap psk_file",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given() -> Given {
        Given {
            broker: Some("127.0.0.1:8883".parse().expect("address")),
            broker_ca: Some("ca.crt".into()),
            cert: Some("svc.crt".into()),
            key: Some("svc.key".into()),
            ..Given::default()
        }
    }

    #[test]
    fn broker_addresses() {
        let a: BrokerAddress = "[::1]:8883".parse().expect("v6");
        assert_eq!((a.host.as_str(), a.port), ("::1", 8883));
        assert_eq!(a.to_string(), "[::1]:8883");
        for bad in ["nonsense", "h:0", ":1", "h:99999", "h:x"] {
            assert!(bad.parse::<BrokerAddress>().is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_get_the_shared_defaults_and_checks() {
        let s = ServiceSettings::from_given(given()).expect("settings");
        assert_eq!(s.prefix, defaults::PREFIX);
        assert_eq!(s.rate_per_minute, defaults::RATE_PER_MINUTE);
        assert_eq!(s.policy.keys, defaults::KEY_TYPES);
        assert!((s.policy.renew_window - 0.33).abs() < 1e-9);
        assert_eq!(s.client_id, defaults::CLIENT_ID);
        assert!(s.retirement.is_none());
        // The manifest's prefix rules hold for flags too.
        for bad in ["a/#", "$SYS/x", "a//b", "a/{id}", "a/"] {
            let e = ServiceSettings::from_given(Given {
                prefix: Some(bad.into()),
                ..given()
            });
            assert!(matches!(e, Err(SettingsError::Prefix { .. })), "{bad}");
        }
        let e = ServiceSettings::from_given(Given {
            broker: None,
            ..given()
        });
        assert!(matches!(e, Err(SettingsError::Missing(Setting::Broker))));
        let e = ServiceSettings::from_given(Given {
            bootstrap: Some(Bootstrap::Once),
            ..given()
        });
        assert!(matches!(
            e,
            Err(SettingsError::Missing(Setting::BootstrapPskFile))
        ));
    }
}
