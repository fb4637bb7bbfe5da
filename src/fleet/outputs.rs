//! The files a fleet's brokers need, rendered in memory so they can be compared with what is on
//! disk before anything is written.

use super::error::FleetError;
use super::layout::{FleetDir, PathStyle};
use super::model::{Auth, Broker, BrokerKind, Fleet, MosquittoVersion};
use crate::fleet::render::{
    Policy, Scope, config_value, dynsec, emqx_acl, mosquitto_acl, rabbitmq, templates,
};
use crate::psk::{LineKind, classify};
use serde::Serialize;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Which broker software to render for, for brokers whose manifest entry has no `kind:` (the
/// older, per-run way to choose EMQX; the manifest's `kind` is the one that is documented).
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

impl From<Target> for BrokerKind {
    fn from(target: Target) -> BrokerKind {
        match target {
            Target::Mosquitto => BrokerKind::Mosquitto,
            Target::Emqx => BrokerKind::Emqx,
        }
    }
}

impl Broker {
    /// The software this broker runs: its manifest `kind`, else `default`.
    pub fn kind_or(&self, default: Target) -> BrokerKind {
        self.kind.unwrap_or_else(|| default.into())
    }

    /// The Mosquitto release this broker runs: its manifest `mosquitto`, else `default`.
    pub fn mosquitto_or(&self, default: MosquittoVersion) -> MosquittoVersion {
        self.mosquitto.unwrap_or(default)
    }

    /// Whether its ACL files are secrets: Mosquitto 2.1 warns about ACL files others can read
    /// ("future versions will refuse to load this file"), so they are written 0600 (0640 with
    /// `--group`) for it.
    pub fn acl_files_private(&self, target: Target, mosquitto: MosquittoVersion) -> bool {
        self.kind_or(target) == BrokerKind::Mosquitto
            && self.mosquitto_or(mosquitto) == MosquittoVersion::V2_1
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
    /// Whether apply is about to sign the CRL anew (a plan): copies of it will change.
    pub crl_pending: bool,
    /// Devices of the manifest whose certificate is revoked (RabbitMQ: no user for them).
    pub revoked: &'a [String],
    /// The software of brokers whose manifest entry has no `kind`.
    pub target: Target,
    /// The Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto`.
    pub mosquitto: MosquittoVersion,
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
    rabbitmq: Option<RabbitmqContext>,
    /// Present for Mosquitto 2.1, whose configuration loads an acl-file plugin per listener
    /// instead of `per_listener_settings` and `acl_file`.
    mosquitto21: Option<Mosquitto21Context>,
}

/// What a Mosquitto 2.1 configuration names besides what 2.0's does.
#[derive(Serialize)]
pub(crate) struct Mosquitto21Context {
    /// The acl-file plugin's path on the broker's machine.
    pub(crate) acl_plugin: String,
    /// The plugin instances' names (`plugin_load NAME`, `plugin_use NAME`).
    pub(crate) mtls_acl: &'static str,
    pub(crate) psk_acl: &'static str,
}

impl Mosquitto21Context {
    /// `plugin_dir`: where the broker's machine has Mosquitto's plugins.
    pub(crate) fn new(plugin_dir: Option<&str>) -> Self {
        let dir = plugin_dir.unwrap_or(MosquittoVersion::DEFAULT_PLUGIN_DIR);
        Mosquitto21Context {
            acl_plugin: format!("{dir}/mosquitto_acl_file.so"),
            mtls_acl: "acl_mtls",
            psk_acl: "acl_psk",
        }
    }
}

/// What only RabbitMQ's files name.
#[derive(Serialize)]
struct RabbitmqContext {
    /// `mqtt.listeners.ssl.default`: `ADDRESS:PORT`, or the port alone for every interface.
    listener: String,
    vhost: &'static str,
    exchange: &'static str,
    definitions: String,
    /// Where the CRL copy is, when the PKI has a CRL.
    crl_dir: Option<String>,
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
    let kinds: Vec<BrokerKind> = brokers.iter().map(|b| b.kind_or(inputs.target)).collect();
    let emqx_acl = kinds.contains(&BrokerKind::Emqx).then(|| {
        emqx_acl::render(
            fleet,
            &Policy::new(fleet, Scope::All, true, &inputs.unmanaged.all()),
        )
    });
    let pki = crate::pki::Layout::new(inputs.dir.pki());
    let show = |p: &Path| inputs.paths.show(p);
    let mut out = Vec::new();
    let rabbitmq_definitions = match kinds.contains(&BrokerKind::Rabbitmq) {
        true => Some(rabbitmq::definitions(fleet, inputs.revoked)?),
        false => None,
    };
    for (b, kind) in brokers.into_iter().zip(kinds) {
        let dir = inputs.dir;
        let (acl_path, psk_path) = match kind {
            BrokerKind::Mosquitto => (dir.mtls_acl(&b.name), dir.broker_psk(&b.name)),
            BrokerKind::Emqx => (dir.emqx_acl(&b.name), dir.emqx_psk(&b.name)),
            BrokerKind::Rabbitmq => (dir.rabbitmq_definitions(&b.name), dir.broker_psk(&b.name)),
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
            rabbitmq: (kind == BrokerKind::Rabbitmq).then(|| RabbitmqContext {
                listener: match (b.listen, b.mtls_port) {
                    (Some(ip), Some(port)) => format!("{ip}:{port}"),
                    (None, Some(port)) => port.to_string(),
                    (_, None) => String::new(),
                },
                vhost: rabbitmq::VHOST,
                exchange: rabbitmq::EXCHANGE,
                definitions: show(&dir.rabbitmq_definitions(&b.name)),
                crl_dir: inputs.crl.then(|| show(&dir.rabbitmq_crl_dir(&b.name))),
            }),
            mosquitto21: (kind == BrokerKind::Mosquitto
                && b.mosquitto_or(inputs.mosquitto) == MosquittoVersion::V2_1)
                .then(|| Mosquitto21Context::new(b.plugin_dir.as_deref())),
        };
        let acl_private = b.acl_files_private(inputs.target, inputs.mosquitto);
        config_value::check_all(&context).map_err(|(value, why)| FleetError::UnsafeValue {
            broker: b.name.clone(),
            value,
            why,
        })?;
        match kind {
            BrokerKind::Mosquitto => {
                if b.mtls_port.is_some() {
                    out.push(Output {
                        path: dir.mtls_acl(&b.name),
                        contents: text(mtls_acl.clone()),
                        secret: acl_private,
                        kind: "ACL (mTLS)",
                    });
                }
                if b.psk_port.is_some() {
                    out.push(Output {
                        path: dir.psk_acl(&b.name),
                        contents: text(psk_acl.clone()),
                        secret: acl_private,
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
            BrokerKind::Emqx => {
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
            BrokerKind::Rabbitmq => {
                let definitions = rabbitmq_definitions.clone().unwrap_or_default();
                out.extend(rabbitmq_outputs(inputs, b, &env, &context, definitions)?);
            }
        }
    }
    Ok(out)
}

/// What a RabbitMQ broker reads: its two configuration files, the definitions, the script that
/// applies them to a running node, and the CRL where Erlang looks for it.
fn rabbitmq_outputs(
    inputs: &RenderInputs<'_>,
    b: &Broker,
    env: &minijinja::Environment<'_>,
    context: &BrokerContext,
    definitions: String,
) -> Result<Vec<Output>, FleetError> {
    let dir = inputs.dir;
    let unsafe_value = |value: &str, why| FleetError::UnsafeValue {
        broker: b.name.clone(),
        value: value.to_string(),
        why,
    };
    if let Some(r) = &context.rabbitmq {
        config_value::check_rabbitmq_conf(&r.definitions)
            .map_err(|why| unsafe_value(&r.definitions, why))?;
    }
    let definitions_path = dir.rabbitmq_definitions(&b.name);
    let kept = rabbitmq::users(inputs.fleet, inputs.revoked);
    let mut out = vec![
        Output {
            path: dir.rabbitmq_conf(&b.name),
            contents: text(templates::render(env, templates::RABBITMQ_CONF, context)?),
            secret: false,
            kind: "RabbitMQ config",
        },
        Output {
            path: dir.rabbitmq_advanced(&b.name),
            contents: text(templates::render(
                env,
                templates::RABBITMQ_ADVANCED,
                context,
            )?),
            secret: false,
            kind: "RabbitMQ advanced.config",
        },
        Output {
            path: dir.rabbitmq_script(&b.name),
            contents: text(rabbitmq::script(
                inputs.fleet,
                &b.name,
                &inputs.paths.show(&definitions_path),
                &kept,
            )),
            secret: false,
            kind: "RabbitMQ rabbitmqctl script",
        },
        Output {
            path: definitions_path,
            contents: text(definitions),
            secret: false,
            kind: "RabbitMQ definitions",
        },
    ];
    if inputs.crl {
        let pki = crate::pki::Layout::new(dir.pki());
        let read = |path: &Path| crate::input::read(path, crate::input::Kind::Certificates);
        // A plan before the CRL is signed (or before the first apply, when no certificate names
        // the issuer yet) only needs to show that the copy changes.
        let (name, contents) = match inputs.crl_pending {
            true => (
                read(&pki.leaf_cert(&b.name))
                    .ok()
                    .and_then(|pem| rabbitmq::crl_file_name(&pem))
                    .unwrap_or_else(|| "ISSUER-HASH.r0".to_string()),
                b"(the CRL apply signs)\n".to_vec(),
            ),
            false => {
                let cert = pki.leaf_cert(&b.name);
                let name = rabbitmq::crl_file_name(&read(&cert)?).ok_or_else(|| {
                    FleetError::Pki(crate::pki::PkiError::Certificate {
                        path: cert.clone(),
                        message: "not a PEM certificate".into(),
                    })
                })?;
                (name, read(&pki.crl())?)
            }
        };
        out.push(Output {
            path: dir.rabbitmq_crl_dir(&b.name).join(name),
            contents: Zeroizing::new(contents),
            secret: false,
            kind: "RabbitMQ CRL copy",
        });
    }
    Ok(out)
}

/// Whether `output` would change the file on disk: its contents, or, for a secret, a mode that
/// lets others read it (an ACL file that becomes private when its broker moves to Mosquitto
/// 2.1 has the same text but must be written again).
pub fn differs(output: &Output) -> bool {
    match crate::input::read(&output.path, crate::input::Kind::PskFile) {
        Ok(current) => {
            let current = Zeroizing::new(current);
            *current != *output.contents || (output.secret && open_to_others(&output.path))
        }
        Err(_) => true,
    }
}

/// Whether others than the owner and its group may read or anyone but the owner may write.
fn open_to_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o027 != 0)
}
