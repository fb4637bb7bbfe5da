//! `--compare`: the same storm once per credential kind (PSK, P-256, RSA-2048, …), each from a
//! temporary fleet made for it (`fleet apply` in a private temporary directory) and against
//! a Mosquitto of its own on loopback running that fleet's rendered configuration, so that the
//! kinds differ in nothing but their credentials. Needs Mosquitto installed.

use super::Observer;
use super::devices;
use super::engine;
use super::error::StormError;
use super::local_broker::{self, LocalBroker};
use super::plan::{self, Pace, Source, StormOptions, Target};
use super::report::StormReport;
use super::temp_dir::TempDir;
use crate::choice::Choice;
use crate::fleet::{ApplyOptions, FleetDir};
use crate::pki::KeyAlgorithm;
use std::time::Duration;

/// What a device of one column of the comparison holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Psk,
    Certificate(KeyAlgorithm),
}

impl CredentialKind {
    pub fn id(self) -> &'static str {
        match self {
            CredentialKind::Psk => "psk",
            CredentialKind::Certificate(key) => key.id(),
        }
    }

    /// A comma-separated list: `psk,p256,rsa2048`.
    pub fn parse_list(text: &str) -> Result<Vec<CredentialKind>, StormError> {
        let mut kinds: Vec<CredentialKind> = Vec::new();
        for word in text.split(',').map(str::trim) {
            let kind = if word.eq_ignore_ascii_case("psk") {
                CredentialKind::Psk
            } else {
                KeyAlgorithm::from_id(word)
                    .map(CredentialKind::Certificate)
                    .ok_or_else(|| StormError::UnknownKind(word.to_string()))?
            };
            if kinds.contains(&kind) {
                return Err(StormError::RepeatedKind(word.to_string()));
            }
            kinds.push(kind);
        }
        Ok(kinds)
    }
}

#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub kinds: Vec<CredentialKind>,
    /// Devices per kind.
    pub clients: usize,
    pub pace: Pace,
    pub duration: Duration,
    pub timeout: Duration,
    pub publish: Option<String>,
}

/// One storm per kind, in the order given.
pub fn compare(
    options: &CompareOptions,
    observer: &dyn Observer,
) -> Result<Vec<StormReport>, StormError> {
    plan::check_count(options.clients)?;
    plan::check_times(options.duration, options.timeout)?;
    if let Some(topic) = &options.publish {
        plan::check_topic(topic)?;
    }
    LocalBroker::available()?;
    let mut reports = Vec::with_capacity(options.kinds.len());
    for kind in &options.kinds {
        reports.push(one(*kind, options, observer)?);
    }
    Ok(reports)
}

fn one(
    kind: CredentialKind,
    options: &CompareOptions,
    observer: &dyn Observer,
) -> Result<StormReport, StormError> {
    let temp = TempDir::new(kind.id())?;
    let port = local_broker::free_port()?;
    let topic = options.publish.as_deref().unwrap_or("storm/{id}");
    let text = manifest(kind, options.clients, port, topic);
    let path = temp.path().join("fleet.yaml");
    std::fs::write(&path, &text).map_err(|e| StormError::Temp {
        path: path.clone(),
        why: e.to_string(),
    })?;
    let fleet = crate::fleet::parse(&text, &path)?;
    observer.phase(
        &format!("{}: making credentials", kind.id()),
        options.clients as u64,
    );
    crate::fleet::apply(
        &fleet,
        temp.path(),
        &ApplyOptions {
            prune: false,
            target: crate::fleet::Target::Mosquitto,
            templates: None,
            path_base: None,
            // The Mosquitto installed here: Debian's, 2.0.
            mosquitto: crate::fleet::MosquittoVersion::default(),
        },
        None,
        &|n| observer.advance(n),
    )?;
    let rendered = FleetDir::new(temp.path(), &fleet).mosquitto_conf("local");
    let broker = LocalBroker::start(temp.path(), &rendered, port)?;
    let target = Target {
        host: "127.0.0.1".into(),
        port: Some(port),
    };
    let storm = StormOptions {
        source: Source::Fleet {
            manifest: path,
            dir: temp.path().to_path_buf(),
            group: None,
        },
        target: target.clone(),
        clients: Some(options.clients),
        pace: options.pace,
        duration: options.duration,
        timeout: options.timeout,
        publish: options.publish.clone(),
        broker_pid: Some(broker.pid()),
        allow_remote: false,
    };
    let devices = devices::load(&storm.source, &target)?;
    let report = engine::run(devices, &storm, Some(kind.id()), observer);
    drop(broker);
    report
}

/// A fleet of `clients` devices of one kind, one broker on loopback with one listener.
fn manifest(kind: CredentialKind, clients: usize, port: u16, topic: &str) -> String {
    let (key, auth, listener) = match kind {
        CredentialKind::Psk => ("p256", "psk", "psk_port"),
        CredentialKind::Certificate(key) => (key.id(), "mtls", "mtls_port"),
    };
    // JSON strings are YAML strings: the topic goes in quoted, whatever it holds.
    let topic = serde_json::to_string(topic).unwrap_or_else(|_| "\"storm/{id}\"".into());
    format!(
        "fleet: storm\n\
         pki:\n  key: {key}\n\
         brokers:\n  - name: local\n    listen: 127.0.0.1\n    dns: [localhost]\n    ip: [127.0.0.1]\n    {listener}: {port}\n\
         groups:\n  devices:\n    auth: {auth}\n    publish: [{topic}]\n\
         devices:\n  - {{ template: \"storm-{{n:06}}\", from: 1, to: {clients}, group: devices }}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse() {
        let kinds = CredentialKind::parse_list("psk,p256,rsa2048").unwrap();
        assert_eq!(
            kinds,
            vec![
                CredentialKind::Psk,
                CredentialKind::Certificate(KeyAlgorithm::P256),
                CredentialKind::Certificate(KeyAlgorithm::Rsa2048)
            ]
        );
        assert!(CredentialKind::parse_list("psk,psk").is_err());
        assert!(CredentialKind::parse_list("dsa").is_err());
    }

    #[test]
    fn the_manifest_parses() {
        for kind in [
            CredentialKind::Psk,
            CredentialKind::Certificate(KeyAlgorithm::Rsa2048),
        ] {
            let text = manifest(kind, 3, 18883, "storm/{id}");
            let fleet = crate::fleet::parse(&text, std::path::Path::new("m.yaml")).unwrap();
            assert_eq!(fleet.devices.len(), 3);
        }
    }
}
