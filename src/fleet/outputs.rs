//! The files a fleet's brokers need, rendered in memory so they can be compared with what is on
//! disk before anything is written.

use super::error::FleetError;
use super::layout::{FleetDir, PathStyle};
use super::model::{Auth, Broker, Fleet};
use crate::fleet::render::{
    Policy, Scope, config_value, dynsec, emqx_acl, mosquitto_acl, templates,
};
use crate::psk::{LineKind, classify};
use serde::Serialize;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Which broker software to render for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Mosquitto,
    Emqx,
}

impl crate::choice::Choice for Target {
    const ALL: &'static [Self] = &[Target::Mosquitto, Target::Emqx];
    fn id(self) -> &'static str {
        match self {
            Target::Mosquitto => "mosquitto",
            Target::Emqx => "emqx",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Target::Mosquitto => "Mosquitto 2.0: mosquitto.conf, acl_file per listener, psk_file",
            Target::Emqx => "EMQX 5: emqx.conf, file authorization acl.conf, PSK init file",
        }
    }
}

/// One rendered file.
pub struct Output {
    pub path: PathBuf,
    pub contents: Zeroizing<Vec<u8>>,
    /// PSK files: written 0600.
    pub secret: bool,
    /// What it is, for plans and summaries.
    pub kind: &'static str,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Identities that can authenticate but are not devices of the manifest, per listener kind.
#[derive(Debug, Clone, Default)]
pub struct Unmanaged {
    /// Unexpired client certificates of the fleet CA whose names are not mTLS devices.
    pub mtls: Vec<String>,
    /// PSK identities in the fleet's PSK store that are not PSK devices.
    pub psk: Vec<String>,
}

impl Unmanaged {
    pub fn all(&self) -> Vec<String> {
        self.mtls.iter().chain(&self.psk).cloned().collect()
    }
}

/// Everything rendering needs besides the fleet.
pub struct RenderInputs<'a> {
    pub fleet: &'a Fleet,
    pub dir: &'a FleetDir,
    pub paths: &'a PathStyle,
    pub templates: Option<&'a Path>,
    pub unmanaged: &'a Unmanaged,
    /// The PSK store's text (the brokers' psk files are made from it).
    pub psk_store: &'a [u8],
    /// Whether the PKI has a CRL to hand to the brokers.
    pub crl: bool,
    pub target: Target,
    /// Only this broker, or all.
    pub broker: Option<&'a str>,
}

#[derive(Serialize)]
struct MtlsContext {
    port: u16,
    /// Mosquitto's `listener` value: the port, and the bind address when there is one.
    listener: String,
    cafile: String,
    certfile: String,
    keyfile: String,
    crlfile: Option<String>,
    acl_file: String,
}

#[derive(Serialize)]
struct PskContext {
    port: u16,
    listener: String,
    hint: String,
    psk_file: String,
    acl_file: String,
}

#[derive(Serialize)]
struct BrokerContext {
    fleet: String,
    fleet_zone: String,
    broker: String,
    listen: Option<String>,
    bind_host: String,
    paths_note: String,
    mtls: Option<MtlsContext>,
    psk: Option<PskContext>,
    acl_file: String,
    enroll: Option<EnrollContext>,
}

/// What a broker needs when the fleet enrolls over it.
#[derive(Serialize)]
struct EnrollContext {
    max_packet_size: u32,
    max_queued_messages: u32,
}

/// The PSK store's entries alone, one `identity:key` per line: EMQX reads every line as an
/// entry, comments included.
fn entries_only(store: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(store.len()));
    for line in String::from_utf8_lossy(store).lines() {
        if let LineKind::Entry { identity, key, .. } = classify(line) {
            out.extend_from_slice(identity.as_bytes());
            out.push(b':');
            out.extend_from_slice(key.as_bytes());
            out.push(b'\n');
        }
    }
    out
}

fn text(s: String) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(s.into_bytes())
}

/// The ACL for every device of the fleet, in `format` (`acl render`).
pub fn fleet_acl(fleet: &Fleet, unmanaged: &Unmanaged, format: AclFormat) -> String {
    match format {
        AclFormat::Mosquitto => {
            let policy = Policy::new(fleet, Scope::All, true, &unmanaged.all());
            mosquitto_acl::render(fleet, &policy, "every listener")
        }
        AclFormat::Dynsec => dynsec::render(fleet),
        AclFormat::Emqx => {
            let policy = Policy::new(fleet, Scope::All, true, &unmanaged.all());
            emqx_acl::render(fleet, &policy)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclFormat {
    Mosquitto,
    Dynsec,
    Emqx,
}

impl crate::choice::Choice for AclFormat {
    const ALL: &'static [Self] = &[AclFormat::Mosquitto, AclFormat::Dynsec, AclFormat::Emqx];
    fn id(self) -> &'static str {
        match self {
            AclFormat::Mosquitto => "mosquitto",
            AclFormat::Dynsec => "dynsec",
            AclFormat::Emqx => "emqx",
        }
    }
    fn help(self) -> &'static str {
        match self {
            AclFormat::Mosquitto => "Mosquitto acl_file",
            AclFormat::Dynsec => "Mosquitto dynamic-security plugin JSON",
            AclFormat::Emqx => "EMQX file authorization (acl.conf)",
        }
    }
}

/// Renders the files of the selected brokers.
pub fn broker_outputs(inputs: &RenderInputs<'_>) -> Result<Vec<Output>, FleetError> {
    let fleet = inputs.fleet;
    let brokers: Vec<&Broker> = match inputs.broker {
        Some(name) => vec![
            fleet
                .brokers
                .iter()
                .find(|b| b.name == name)
                .ok_or_else(|| FleetError::UnknownBroker {
                    name: name.to_string(),
                    known: fleet
                        .brokers
                        .iter()
                        .map(|b| b.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?,
        ],
        None => fleet.brokers.iter().collect(),
    };
    let env = templates::environment(inputs.templates)?;
    // Every broker serves every device, so the ACLs are the same for all of them.
    let mtls_acl = mosquitto_acl::render(
        fleet,
        &Policy::new(
            fleet,
            Scope::Listener(Auth::Mtls),
            true,
            &inputs.unmanaged.mtls,
        ),
        "mTLS listener",
    );
    let psk_acl = mosquitto_acl::render(
        fleet,
        &Policy::new(
            fleet,
            Scope::Listener(Auth::Psk),
            true,
            &inputs.unmanaged.psk,
        ),
        "PSK listener",
    );
    let emqx_acl = (inputs.target == Target::Emqx).then(|| {
        emqx_acl::render(
            fleet,
            &Policy::new(fleet, Scope::All, true, &inputs.unmanaged.all()),
        )
    });
    let pki = crate::pki::Layout::new(inputs.dir.pki());
    let show = |p: &Path| inputs.paths.show(p);
    let mut out = Vec::new();
    for b in brokers {
        let dir = inputs.dir;
        let (acl_path, psk_path) = match inputs.target {
            Target::Mosquitto => (dir.mtls_acl(&b.name), dir.broker_psk(&b.name)),
            Target::Emqx => (dir.emqx_acl(&b.name), dir.emqx_psk(&b.name)),
        };
        let listener = |port: u16| match b.listen {
            Some(ip) => format!("{port} {ip}"),
            None => port.to_string(),
        };
        let mtls = b.mtls_port.map(|port| MtlsContext {
            port,
            listener: listener(port),
            cafile: show(&pki.chain()),
            certfile: show(&pki.leaf_fullchain(&b.name)),
            keyfile: show(&pki.leaf_key(&b.name)),
            crlfile: inputs.crl.then(|| show(&pki.crl())),
            acl_file: show(&acl_path),
        });
        let psk = b.psk_port.map(|port| PskContext {
            port,
            listener: listener(port),
            hint: b.psk_hint.clone(),
            psk_file: show(&psk_path),
            acl_file: show(&dir.psk_acl(&b.name)),
        });
        let context = BrokerContext {
            fleet: fleet.name.clone(),
            fleet_zone: fleet.name.replace(['-', '.'], "_"),
            broker: b.name.clone(),
            listen: b.listen.map(|ip| ip.to_string()),
            bind_host: b.listen.map_or_else(
                || "0.0.0.0".to_string(),
                |ip| match ip {
                    std::net::IpAddr::V6(v6) => format!("[{v6}]"),
                    v4 => v4.to_string(),
                },
            ),
            paths_note: inputs.paths.note(),
            acl_file: show(&acl_path),
            mtls,
            psk,
            enroll: fleet.enroll.as_ref().map(|_| EnrollContext {
                max_packet_size: crate::enroll::protocol::MAX_PACKET,
                max_queued_messages: crate::enroll::protocol::BROKER_MAX_QUEUED,
            }),
        };
        config_value::check_all(&context).map_err(|(value, why)| FleetError::UnsafeValue {
            broker: b.name.clone(),
            value,
            why,
        })?;
        match inputs.target {
            Target::Mosquitto => {
                if b.mtls_port.is_some() {
                    out.push(Output {
                        path: dir.mtls_acl(&b.name),
                        contents: text(mtls_acl.clone()),
                        secret: false,
                        kind: "ACL (mTLS)",
                    });
                }
                if b.psk_port.is_some() {
                    out.push(Output {
                        path: dir.psk_acl(&b.name),
                        contents: text(psk_acl.clone()),
                        secret: false,
                        kind: "ACL (PSK)",
                    });
                    out.push(Output {
                        path: psk_path,
                        contents: Zeroizing::new(inputs.psk_store.to_vec()),
                        secret: true,
                        kind: "PSK file",
                    });
                }
                out.push(Output {
                    path: dir.mosquitto_conf(&b.name),
                    contents: text(templates::render(
                        &env,
                        templates::MOSQUITTO_CONF,
                        &context,
                    )?),
                    secret: false,
                    kind: "Mosquitto config",
                });
            }
            Target::Emqx => {
                let emqx = dir.emqx_dir(&b.name);
                out.push(Output {
                    path: acl_path,
                    contents: text(emqx_acl.clone().unwrap_or_default()),
                    secret: false,
                    kind: "EMQX acl.conf",
                });
                if b.psk_port.is_some() {
                    out.push(Output {
                        path: psk_path,
                        contents: entries_only(inputs.psk_store),
                        secret: true,
                        kind: "EMQX PSK file",
                    });
                }
                out.push(Output {
                    path: emqx.join("emqx.conf"),
                    contents: text(templates::render(&env, templates::EMQX_CONF, &context)?),
                    secret: false,
                    kind: "EMQX config",
                });
            }
        }
    }
    Ok(out)
}

/// Whether `output` would change the file on disk.
pub fn differs(output: &Output) -> bool {
    match crate::input::read(&output.path, crate::input::Kind::PskFile) {
        Ok(current) => {
            let current = Zeroizing::new(current);
            *current != *output.contents
        }
        Err(_) => true,
    }
}
