//! A validated fleet: what the manifest asks for, in types the planners and renderers use.

use super::topic::Rule;
use crate::lifetime::Lifetime;
use crate::pki::{KeyAlgorithm, San};
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Auth {
    Mtls,
    Psk,
}

impl Auth {
    pub fn id(self) -> &'static str {
        match self {
            Auth::Mtls => "mtls",
            Auth::Psk => "psk",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PkiSettings {
    /// Relative to the fleet directory (`--out`).
    pub dir: PathBuf,
    pub key: KeyAlgorithm,
    pub ca_name: String,
    pub client_lifetime: Lifetime,
    pub broker_lifetime: Lifetime,
}

/// The broker software a manifest's broker runs (`kind:`), which decides the files rendered for
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BrokerKind {
    Mosquitto,
    Emqx,
    Rabbitmq,
}

impl crate::choice::Choice for BrokerKind {
    const ALL: &'static [Self] = &[
        BrokerKind::Mosquitto,
        BrokerKind::Emqx,
        BrokerKind::Rabbitmq,
    ];
    fn id(self) -> &'static str {
        match self {
            BrokerKind::Mosquitto => "mosquitto",
            BrokerKind::Emqx => "emqx",
            BrokerKind::Rabbitmq => "rabbitmq",
        }
    }
    fn help(self) -> &'static str {
        match self {
            BrokerKind::Mosquitto => {
                "Mosquitto 2.0: mosquitto.conf, acl_file per listener, psk_file"
            }
            BrokerKind::Emqx => "EMQX 5: emqx.conf, file authorization acl.conf, PSK init file",
            BrokerKind::Rabbitmq => {
                "RabbitMQ 3.10+ MQTT plugin: rabbitmq.conf, advanced.config, definitions, rabbitmqctl script"
            }
        }
    }
}

/// The Mosquitto release a Mosquitto broker runs, which decides how its configuration says the
/// same thing: 2.0 needs `per_listener_settings` and `acl_file`, which 2.1 deprecates (3.0
/// removes them) in favour of an acl-file plugin per listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MosquittoVersion {
    /// Debian 12's 2.0.11: the default while distributions ship it.
    #[default]
    V2_0,
    V2_1,
}

impl crate::choice::Choice for MosquittoVersion {
    const ALL: &'static [Self] = &[MosquittoVersion::V2_0, MosquittoVersion::V2_1];
    fn id(self) -> &'static str {
        match self {
            MosquittoVersion::V2_0 => "2.0",
            MosquittoVersion::V2_1 => "2.1",
        }
    }
    fn help(self) -> &'static str {
        match self {
            MosquittoVersion::V2_0 => "per_listener_settings true, acl_file per listener",
            MosquittoVersion::V2_1 => {
                "an acl-file plugin per listener (plugin_load/plugin_use), listener_allow_anonymous"
            }
        }
    }
}

impl MosquittoVersion {
    /// Where Debian installs Mosquitto's plugins (the multiarch library directory, which is also
    /// upstream's `CMAKE_INSTALL_LIBDIR` on a Debian build).
    pub const DEFAULT_PLUGIN_DIR: &'static str = "/usr/lib/x86_64-linux-gnu";
}

#[derive(Debug, Clone)]
pub struct Broker {
    pub name: String,
    /// What the manifest says it runs; absent, the renderer's default applies (Mosquitto, or
    /// the older per-run choice of Mosquitto or EMQX).
    pub kind: Option<BrokerKind>,
    /// Bind address; all interfaces when absent.
    pub listen: Option<IpAddr>,
    pub sans: Vec<San>,
    pub mtls_port: Option<u16>,
    pub psk_port: Option<u16>,
    pub psk_hint: String,
    /// The Mosquitto release it runs (`mosquitto: "2.1"`); absent, the renderer's default.
    pub mosquitto: Option<MosquittoVersion>,
    /// Where the broker's Mosquitto plugins are (`plugin_dir:`); absent,
    /// [`MosquittoVersion::DEFAULT_PLUGIN_DIR`].
    pub plugin_dir: Option<String>,
}

impl Broker {
    pub fn port(&self, auth: Auth) -> Option<u16> {
        match auth {
            Auth::Mtls => self.mtls_port,
            Auth::Psk => self.psk_port,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub auth: Auth,
    /// Normalised: one rule per topic, sorted.
    pub rules: Vec<Rule>,
    /// Devices get a bootstrap PSK from `fleet apply` and their certificate from the enrollment
    /// service (`auth: mtls` only).
    pub enroll: bool,
}

pub use crate::enroll::Bootstrap;

/// The manifest's `enroll:` section: how `enroll serve -m` answers, and the topics the ACLs
/// reserve for it.
#[derive(Debug, Clone)]
pub struct EnrollSettings {
    /// Topic prefix, without wildcards or a trailing `/`.
    pub prefix: String,
    /// The service's identity: the CN of the client certificate `fleet apply` issues for it.
    pub service: String,
    /// The broker the service connects to (one with an mTLS listener).
    pub broker: String,
    pub keys: Vec<KeyAlgorithm>,
    pub lifetime: Lifetime,
    /// Fraction of the lifetime, at its end, in which a renewal with the same key is granted.
    pub renew_window: f64,
    pub bootstrap: Bootstrap,
    pub reenroll: bool,
    pub reload_command: Option<String>,
    /// Requests per device per minute.
    pub rate: u16,
    /// The rules a device and the service hold on the prefix, made once.
    pub rules: EnrollRules,
}

/// The enrollment topics as ACL rules (`{id}` is the device).
#[derive(Debug, Clone)]
pub struct EnrollRules {
    /// A device on its bootstrap PSK: write `/csr`, read `/result`.
    pub bootstrap: Vec<Rule>,
    /// A device on its certificate: write `/renew`, read `/result`.
    pub renew: Vec<Rule>,
    /// The service: read every `/csr` and `/renew`, write every `/result`.
    pub service: Vec<Rule>,
}

impl EnrollSettings {
    pub const DEFAULT_SERVICE: &'static str = crate::enroll::defaults::SERVICE;
}

#[derive(Debug, Clone)]
pub struct Device {
    pub id: String,
    /// Index into [`Fleet::groups`].
    pub group: usize,
    /// Rules for this device only, on top of its group's.
    pub extra: Vec<Rule>,
}

#[derive(Debug, Clone)]
pub struct Fleet {
    pub name: String,
    pub pki: PkiSettings,
    pub psk_bytes: usize,
    pub brokers: Vec<Broker>,
    pub groups: Vec<Group>,
    /// In manifest order, templates expanded.
    pub devices: Vec<Device>,
    /// Present when a group enrolls or the manifest has an `enroll:` section.
    pub enroll: Option<EnrollSettings>,
}

impl Fleet {
    pub fn auth_of(&self, device: &Device) -> Auth {
        self.groups[device.group].auth
    }

    pub fn enrolls(&self, device: &Device) -> bool {
        self.groups[device.group].enroll
    }

    /// Whether `device` can authenticate with `auth`: a device that enrolls holds a bootstrap
    /// PSK and, once enrolled, a certificate.
    pub fn holds(&self, device: &Device, auth: Auth) -> bool {
        self.auth_of(device) == auth || (auth == Auth::Psk && self.enrolls(device))
    }

    /// The devices that can authenticate with `auth`.
    pub fn devices_with(&self, auth: Auth) -> impl Iterator<Item = &Device> {
        self.devices.iter().filter(move |d| self.holds(d, auth))
    }

    pub fn uses(&self, auth: Auth) -> bool {
        self.devices_with(auth).next().is_some()
    }

    /// The devices whose certificates `fleet apply` issues (not those that enroll).
    pub fn certified_by_apply(&self) -> impl Iterator<Item = &Device> {
        self.devices
            .iter()
            .filter(move |d| self.auth_of(d) == Auth::Mtls && !self.enrolls(d))
    }

    /// The enrollment service's identity, when the fleet has one.
    pub fn enroll_service(&self) -> Option<&str> {
        self.enroll.as_ref().map(|e| e.service.as_str())
    }
}
