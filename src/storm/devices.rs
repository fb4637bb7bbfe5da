//! The devices a storm connects, with their own credentials: read from a fleet (what
//! `fleet apply` wrote), a PKI directory or a Mosquitto psk_file. Certificates and keys are
//! named here and read by each client as it starts, so that 100,000 devices do not sit in
//! memory as parsed keys.

use super::error::StormError;
use super::plan::{Source, Target};
use crate::fleet::{Auth, FleetDir};
use crate::pki::{Layout, Profile, Status};
use crate::psk::LineKind;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub(crate) enum Credential {
    /// Mutual TLS: the certificate (with its chain when the PKI wrote one) and its key.
    Certificate { cert: PathBuf, key: PathBuf },
    /// TLS-PSK: the device id is the identity.
    Psk(Zeroizing<Vec<u8>>),
}

pub(crate) struct Device {
    pub id: String,
    pub port: u16,
    pub credential: Credential,
}

pub(crate) struct Devices {
    pub list: Vec<Device>,
    /// The CA the broker's certificate chains to (none for a bare psk_file).
    pub ca_file: Option<PathBuf>,
    /// How the source is named in messages.
    pub what: String,
}

pub(crate) fn load(source: &Source, target: &Target) -> Result<Devices, StormError> {
    match source {
        Source::Fleet {
            manifest,
            dir,
            group,
        } => from_fleet(manifest, dir, group.as_deref(), target),
        Source::Pki { dir } => from_pki(dir, target),
        Source::PskFile { path } => from_psk_file(path, target),
    }
}

fn port_of(target: &Target, what: &str) -> Result<u16, StormError> {
    target.port.ok_or_else(|| StormError::NoPort {
        what: what.to_string(),
    })
}

fn from_fleet(
    manifest: &Path,
    dir: &Path,
    group: Option<&str>,
    target: &Target,
) -> Result<Devices, StormError> {
    let fleet = crate::fleet::load(manifest)?;
    let group_index = match group {
        Some(name) => Some(
            fleet
                .groups
                .iter()
                .position(|g| g.name == name)
                .ok_or_else(|| StormError::UnknownGroup {
                    group: name.to_string(),
                    manifest: manifest.to_path_buf(),
                })?,
        ),
        None => None,
    };
    // A device that enrolls holds its bootstrap PSK for sure, a certificate only once enrolled.
    let kind = |d: &crate::fleet::Device| {
        if fleet.enrolls(d) {
            Auth::Psk
        } else {
            fleet.auth_of(d)
        }
    };
    let mut chosen: Vec<(&crate::fleet::Device, Auth)> = fleet
        .devices
        .iter()
        .filter(|d| group_index.is_none_or(|g| d.group == g))
        .map(|d| (d, kind(d)))
        .collect();
    let ports: HashMap<Auth, u16> = match target.port {
        // The port names the listener, and so the kind of device that connects.
        Some(port) => {
            let listener = fleet.brokers.iter().find_map(|b| {
                if b.mtls_port == Some(port) {
                    Some(Auth::Mtls)
                } else if b.psk_port == Some(port) {
                    Some(Auth::Psk)
                } else {
                    None
                }
            });
            let auth = match listener {
                Some(auth) => auth,
                // A port the manifest does not know (forwarded, say): fine when the devices
                // are all of one kind.
                None => match chosen.first() {
                    Some((_, first)) if chosen.iter().all(|(_, a)| a == first) => *first,
                    _ => {
                        return Err(StormError::UnknownListener {
                            port,
                            manifest: manifest.to_path_buf(),
                        });
                    }
                },
            };
            chosen.retain(|(_, a)| *a == auth);
            HashMap::from([(auth, port)])
        }
        None => {
            let [broker] = fleet.brokers.as_slice() else {
                return Err(StormError::WhichBroker {
                    manifest: manifest.to_path_buf(),
                });
            };
            let mut ports = HashMap::new();
            for auth in [Auth::Mtls, Auth::Psk] {
                if let Some(port) = broker.port(auth) {
                    ports.insert(auth, port);
                } else if chosen.iter().any(|(_, a)| *a == auth) {
                    return Err(StormError::NoListener {
                        auth: auth.id(),
                        manifest: manifest.to_path_buf(),
                    });
                }
            }
            ports
        }
    };
    let root = FleetDir::new(dir, &fleet);
    let layout = Layout::new(root.pki());
    let psk = if chosen.iter().any(|(_, a)| *a == Auth::Psk) {
        read_psk_file(&root.psk_store())?
    } else {
        HashMap::new()
    };
    let mut list = Vec::with_capacity(chosen.len());
    for (device, auth) in chosen {
        let Some(&port) = ports.get(&auth) else {
            return Err(StormError::NoListener {
                auth: auth.id(),
                manifest: manifest.to_path_buf(),
            });
        };
        let credential = match auth {
            Auth::Mtls => certificate(&layout, &device.id)?,
            Auth::Psk => Credential::Psk(psk.get(&device.id).cloned().ok_or_else(|| {
                StormError::Credentials {
                    path: root.psk_store(),
                    why: format!("no key for {}: run `fleet apply`", device.id),
                }
            })?),
        };
        list.push(Device {
            id: device.id.clone(),
            port,
            credential,
        });
    }
    Ok(Devices {
        list,
        ca_file: Some(layout.ca_cert()),
        what: match group {
            Some(g) => format!("group {g} of {}", manifest.display()),
            None => manifest.display().to_string(),
        },
    })
}

/// A device's certificate (its full chain when the PKI has an intermediate) and key, which
/// must both be there.
fn certificate(layout: &Layout, id: &str) -> Result<Credential, StormError> {
    let fullchain = layout.leaf_fullchain(id);
    let cert = if fullchain.exists() {
        fullchain
    } else {
        layout.leaf_cert(id)
    };
    let key = layout.leaf_key(id);
    for path in [&cert, &key] {
        if !path.exists() {
            return Err(StormError::Credentials {
                path: path.clone(),
                why: "missing: the device has no certificate and key here".into(),
            });
        }
    }
    Ok(Credential::Certificate { cert, key })
}

fn from_pki(dir: &Path, target: &Target) -> Result<Devices, StormError> {
    let what = dir.display().to_string();
    let port = port_of(target, &what)?;
    let snapshot = crate::pki::snapshot(dir)?;
    let layout = Layout::new(dir);
    // Each name's latest client certificate whose key the PKI holds; a revoked one stays in,
    // as a real device would still try it (and the broker's CRL is what refuses it).
    let mut latest: Vec<&str> = Vec::new();
    for entry in &snapshot.certificates {
        if entry.profile == Profile::Client
            && entry.key_held
            && entry.status != Status::Superseded
            && !latest.contains(&entry.name.as_str())
        {
            latest.push(entry.name.as_str());
        }
    }
    let mut list = Vec::with_capacity(latest.len());
    for id in latest {
        list.push(Device {
            id: id.to_string(),
            port,
            credential: certificate(&layout, id)?,
        });
    }
    Ok(Devices {
        list,
        ca_file: Some(layout.ca_cert()),
        what,
    })
}

fn from_psk_file(path: &Path, target: &Target) -> Result<Devices, StormError> {
    let what = path.display().to_string();
    let port = port_of(target, &what)?;
    let keys = read_psk_entries(path)?;
    Ok(Devices {
        list: keys
            .into_iter()
            .map(|(id, key)| Device {
                id,
                port,
                credential: Credential::Psk(key),
            })
            .collect(),
        ca_file: None,
        what,
    })
}

fn read_psk_file(path: &Path) -> Result<HashMap<String, Zeroizing<Vec<u8>>>, StormError> {
    Ok(read_psk_entries(path)?.into_iter().collect())
}

/// An identity and its key.
type PskEntry = (String, Zeroizing<Vec<u8>>);

/// Every identity of a psk_file with its key, in file order; the first line for an identity
/// wins, as Mosquitto reads it.
fn read_psk_entries(path: &Path) -> Result<Vec<PskEntry>, StormError> {
    let bytes = Zeroizing::new(crate::input::read(path, crate::input::Kind::PskFile)?);
    let text = String::from_utf8_lossy(&bytes);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let LineKind::Entry { identity, key, .. } = crate::psk::classify(line) {
            if !seen.insert(identity.to_string()) {
                continue;
            }
            let key = crate::psk::decode_hex(key).ok_or_else(|| StormError::Credentials {
                path: path.to_path_buf(),
                why: format!("the key of {identity} is not hex"),
            })?;
            out.push((identity.to_string(), key));
        }
    }
    Ok(out)
}
