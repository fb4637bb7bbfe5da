//! Where a fleet's files live under its directory (`--out`).

use super::model::{Broker, Fleet};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct FleetDir {
    root: PathBuf,
    pki: PathBuf,
}

impl FleetDir {
    pub fn new(root: &Path, fleet: &Fleet) -> Self {
        FleetDir {
            root: root.to_path_buf(),
            pki: root.join(&fleet.pki.dir),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn pki(&self) -> &Path {
        &self.pki
    }

    /// Every PSK identity and key of the fleet: the source of the brokers' psk files.
    pub fn psk_store(&self) -> PathBuf {
        self.root.join("psk").join("devices.psk")
    }

    pub fn broker_dir(&self, broker: &str) -> PathBuf {
        self.root.join("brokers").join(broker)
    }

    pub fn mosquitto_conf(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("mosquitto.conf")
    }

    pub fn mtls_acl(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("mtls.acl")
    }

    pub fn psk_acl(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("psk.acl")
    }

    pub fn broker_psk(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("psk.txt")
    }

    pub fn emqx_dir(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("emqx")
    }

    pub fn emqx_acl(&self, broker: &str) -> PathBuf {
        self.emqx_dir(broker).join("acl.conf")
    }

    pub fn emqx_psk(&self, broker: &str) -> PathBuf {
        self.emqx_dir(broker).join("psk.txt")
    }

    pub fn rabbitmq_conf(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("rabbitmq.conf")
    }

    pub fn rabbitmq_advanced(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("advanced.config")
    }

    pub fn rabbitmq_definitions(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("definitions.json")
    }

    pub fn rabbitmq_script(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("rabbitmqctl.sh")
    }

    /// Where RabbitMQ (Erlang's `ssl_crl_hash_dir`) finds the CRL, named by its issuer's hash.
    pub fn rabbitmq_crl_dir(&self, broker: &str) -> PathBuf {
        self.broker_dir(broker).join("crls")
    }

    /// The psk_files a broker reads (Mosquitto's and EMQX's), when it has a PSK listener.
    pub fn broker_psk_files(&self, broker: &Broker) -> Vec<PathBuf> {
        match broker.psk_port {
            Some(_) => vec![self.broker_psk(&broker.name), self.emqx_psk(&broker.name)],
            None => Vec::new(),
        }
    }

    /// Every file that holds the fleet's PSK identities: the store and each broker's copies.
    pub fn psk_files(&self, fleet: &Fleet) -> Vec<PathBuf> {
        std::iter::once(self.psk_store())
            .chain(fleet.brokers.iter().flat_map(|b| self.broker_psk_files(b)))
            .collect()
    }

    /// Where a batch of broker files keeps its journal while it renames them.
    pub fn journal(&self) -> PathBuf {
        self.root.join(".fleet.mqauth-journal")
    }

    /// The directories only mqauth writes, under the fleet directory's lock.
    pub fn owned_dirs(&self) -> Vec<PathBuf> {
        let brokers = self.root.join("brokers");
        let mut dirs = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&brokers) {
            for entry in entries.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    dirs.push(entry.path().join("emqx"));
                    dirs.push(entry.path().join("crls"));
                    dirs.push(entry.path());
                }
            }
        }
        dirs
    }
}

/// How paths are written into broker configurations.
#[derive(Debug, Clone)]
pub enum PathStyle {
    /// Absolute paths of the files where they are now.
    Absolute(PathBuf),
    /// The fleet directory will be deployed at this path on the broker host.
    Base { root: PathBuf, base: PathBuf },
}

impl PathStyle {
    /// Absolute paths under `root` (made absolute here), or paths under `base`.
    pub fn new(root: &Path, base: Option<&Path>) -> std::io::Result<Self> {
        let absolute = std::path::absolute(root)?;
        Ok(match base {
            Some(base) => PathStyle::Base {
                root: absolute,
                base: base.to_path_buf(),
            },
            None => PathStyle::Absolute(absolute),
        })
    }

    pub fn show(&self, path: &Path) -> String {
        let (root, base) = match self {
            PathStyle::Absolute(root) => (root, root),
            PathStyle::Base { root, base } => (root, base),
        };
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        match absolute.strip_prefix(root) {
            Ok(rel) => base.join(rel).display().to_string(),
            Err(_) => absolute.display().to_string(),
        }
    }

    /// Checks the directories every rendered path starts with, before anything is written:
    /// they end up in broker configurations.
    pub fn check(&self) -> Result<(), (String, crate::fleet::render::config_value::UnsafeValue)> {
        let dirs = match self {
            PathStyle::Absolute(root) => vec![root],
            PathStyle::Base { root, base } => vec![root, base],
        };
        for dir in dirs {
            let text = dir.display().to_string();
            crate::fleet::render::config_value::check(&text).map_err(|why| (text, why))?;
        }
        Ok(())
    }

    pub fn note(&self) -> String {
        match self {
            PathStyle::Absolute(root) => {
                format!("absolute, in the fleet directory {}", root.display())
            }
            PathStyle::Base { base, .. } => format!(
                "under {}, where the fleet directory is to be deployed",
                base.display()
            ),
        }
    }
}
