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

#[derive(Debug, Clone)]
pub struct Broker {
    pub name: String,
    /// Bind address; all interfaces when absent.
    pub listen: Option<IpAddr>,
    pub sans: Vec<San>,
    pub mtls_port: Option<u16>,
    pub psk_port: Option<u16>,
    pub psk_hint: String,
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
}

impl Fleet {
    pub fn auth_of(&self, device: &Device) -> Auth {
        self.groups[device.group].auth
    }

    pub fn devices_with(&self, auth: Auth) -> impl Iterator<Item = &Device> {
        self.devices.iter().filter(move |d| self.auth_of(d) == auth)
    }

    pub fn uses(&self, auth: Auth) -> bool {
        self.devices_with(auth).next().is_some()
    }
}
