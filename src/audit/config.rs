//! A Mosquitto 2.x configuration read the way Mosquitto reads it: one `key value` per line,
//! `#` lines ignored, `include_dir` files in sorted order at the point of the directive,
//! `listener` starting a block, and `per_listener_settings` deciding whether the security
//! options of a block are that listener's or everyone's.

use super::error::AuditError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a directive was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub at: Place,
    pub value: String,
}

impl Directive {
    pub fn is_true(&self) -> bool {
        self.value.eq_ignore_ascii_case("true")
    }

    pub fn path(&self) -> PathBuf {
        PathBuf::from(&self.value)
    }
}

/// Options that `per_listener_settings true` makes per listener, and that are global otherwise
/// (mosquitto.conf(5), "per_listener_settings").
const SECURITY: &[&str] = &[
    "password_file",
    "acl_file",
    "psk_file",
    "allow_anonymous",
    "auth_plugin",
    "plugin",
    "auto_id_prefix",
    "allow_zero_length_clientid",
];

fn is_security(key: &str) -> bool {
    SECURITY.contains(&key) || key.starts_with("plugin_opt_") || key.starts_with("auth_opt_")
}

/// Options that belong to the listener block they are written in (or to the default listener
/// before any `listener`).
const LISTENER: &[&str] = &[
    "bind_address",
    "bind_interface",
    "http_dir",
    "max_connections",
    "maximum_qos",
    "max_topic_alias",
    "mount_point",
    "protocol",
    "socket_domain",
    "use_username_as_clientid",
    "cafile",
    "capath",
    "certfile",
    "keyfile",
    "ciphers",
    "ciphers_tls1.3",
    "crlfile",
    "dhparamfile",
    "require_certificate",
    "tls_version",
    "tls_engine",
    "tls_keyform",
    "use_identity_as_username",
    "use_subject_as_username",
    "psk_hint",
];

#[derive(Debug, Clone)]
pub struct Listener {
    pub port: String,
    /// Bind address or host; all interfaces when absent.
    pub bind: Option<String>,
    pub at: Place,
    /// Options written in its block; the last occurrence wins, as in Mosquitto.
    pub options: BTreeMap<String, Directive>,
}

impl Listener {
    pub fn label(&self) -> String {
        match &self.bind {
            Some(b) => format!("listener {} {b}", self.port),
            None => format!("listener {}", self.port),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Directive> {
        self.options.get(key)
    }

    pub fn is_set(&self, key: &str) -> bool {
        self.get(key).is_some_and(Directive::is_true)
    }

    /// Only reachable from this machine.
    pub fn is_loopback(&self) -> bool {
        self.bind.as_deref().is_some_and(|b| {
            b == "localhost"
                || b == "::1"
                || b.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        })
    }

    /// Serves TLS with a certificate.
    pub fn has_certificate(&self) -> bool {
        self.get("certfile").is_some()
    }

    /// Serves TLS-PSK: Mosquitto enables PSK on a listener only with `psk_hint`.
    pub fn has_psk_hint(&self) -> bool {
        self.get("psk_hint").is_some()
    }

    pub fn is_tls(&self) -> bool {
        self.has_certificate() || self.has_psk_hint()
    }
}

#[derive(Debug, Default)]
pub struct Config {
    pub per_listener_settings: bool,
    /// Options outside any listener block, and (without per_listener_settings) every security
    /// option wherever it was written.
    pub global: BTreeMap<String, Directive>,
    pub listeners: Vec<Listener>,
    /// Every file read, in order.
    pub files: Vec<PathBuf>,
}

impl Config {
    /// A security option as it applies to `listener`.
    pub fn security<'a>(&'a self, listener: &'a Listener, key: &str) -> Option<&'a Directive> {
        if self.per_listener_settings {
            listener.get(key)
        } else {
            self.global.get(key)
        }
    }

    /// `allow_anonymous`: false unless set, in Mosquitto 2.x.
    pub fn anonymous<'a>(&'a self, listener: &'a Listener) -> Option<&'a Directive> {
        self.security(listener, "allow_anonymous")
            .filter(|d| d.is_true())
    }

    /// The dynamic-security plugin's configuration file, when the plugin is loaded.
    pub fn dynsec<'a>(&'a self, listener: &'a Listener) -> Option<&'a Directive> {
        let plugin = self
            .security(listener, "plugin")
            .or_else(|| self.security(listener, "auth_plugin"))?;
        if !plugin.value.contains("dynamic_security") && !plugin.value.contains("dynamic-security")
        {
            return None;
        }
        self.security(listener, "plugin_opt_config_file")
    }

    /// Whether a plugin of any kind decides access on this listener.
    pub fn has_plugin(&self, listener: &Listener) -> bool {
        self.security(listener, "plugin").is_some()
            || self.security(listener, "auth_plugin").is_some()
    }
}

/// Most nesting of `include_dir` followed: Mosquitto allows it only in the main file, but a
/// loop of directories must not hang the audit.
const MAX_DEPTH: usize = 4;

struct Reader {
    config: Config,
    current: Option<usize>,
    /// Options written before any `listener`, for the default listener `port` makes.
    default_options: BTreeMap<String, Directive>,
    default_port: Option<Directive>,
}

/// Reads `path` and every file it includes.
pub fn read(path: &Path) -> Result<Config, AuditError> {
    let mut reader = Reader::new();
    reader.file(path, 0)?;
    Ok(reader.finish())
}

/// Reads configuration `text` as if it were the file `path` (includes are read from disk).
pub fn parse_text(text: &str, path: &Path) -> Result<Config, AuditError> {
    let mut reader = Reader::new();
    reader.config.files.push(path.to_path_buf());
    reader.text(text, path, 0)?;
    Ok(reader.finish())
}

impl Reader {
    fn new() -> Reader {
        Reader {
            config: Config::default(),
            current: None,
            default_options: BTreeMap::new(),
            default_port: None,
        }
    }

    fn finish(self) -> Config {
        let reader = self;
        let mut config = reader.config;
        if let Some(port) = reader.default_port {
            let bind = reader
                .default_options
                .get("bind_address")
                .map(|d| d.value.clone());
            config.listeners.insert(
                0,
                Listener {
                    port: port.value.clone(),
                    bind,
                    at: port.at.clone(),
                    options: reader.default_options,
                },
            );
        }
        config
    }

    fn file(&mut self, path: &Path, depth: usize) -> Result<(), AuditError> {
        let text =
            crate::input::read_text(path, crate::input::Kind::BrokerConfig).map_err(|e| {
                AuditError::Config {
                    path: path.to_path_buf(),
                    why: e.reason(),
                }
            })?;
        self.config.files.push(path.to_path_buf());
        self.text(&text, path, depth)
    }

    fn text(&mut self, text: &str, path: &Path, depth: usize) -> Result<(), AuditError> {
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches(['\r', ' ', '\t']);
            let body = line.trim_start();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            let (key, value) = match body.split_once([' ', '\t']) {
                Some((k, v)) => (k, v.trim_start()),
                None => (body, ""),
            };
            let at = Place {
                file: path.to_path_buf(),
                line: i + 1,
            };
            self.directive(key, value, at, depth)?;
        }
        Ok(())
    }

    fn directive(
        &mut self,
        key: &str,
        value: &str,
        at: Place,
        depth: usize,
    ) -> Result<(), AuditError> {
        let directive = Directive {
            at: at.clone(),
            value: value.to_string(),
        };
        match key {
            "include_dir" => {
                if depth >= MAX_DEPTH {
                    return Err(AuditError::Config {
                        path: at.file,
                        why: format!("line {}: include_dir nested too deep", at.line),
                    });
                }
                let dir = PathBuf::from(value);
                let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                    .map_err(|e| AuditError::Config {
                        path: dir.clone(),
                        why: format!("include_dir at {}:{}: {e}", at.file.display(), at.line),
                    })?
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "conf") && p.is_file())
                    .collect();
                files.sort();
                for file in files {
                    self.file(&file, depth + 1)?;
                }
            }
            "per_listener_settings" => {
                self.config.per_listener_settings = directive.is_true();
            }
            "listener" => {
                let mut parts = value.split_whitespace();
                let port = parts.next().unwrap_or_default().to_string();
                let bind = parts.next().map(str::to_string);
                self.config.listeners.push(Listener {
                    port,
                    bind,
                    at,
                    options: BTreeMap::new(),
                });
                self.current = Some(self.config.listeners.len() - 1);
            }
            "port" if self.current.is_none() => self.default_port = Some(directive),
            _ => {
                if is_security(key) {
                    self.config
                        .global
                        .insert(key.to_string(), directive.clone());
                }
                let block = match self.current {
                    Some(i) => Some(&mut self.config.listeners[i].options),
                    None if LISTENER.contains(&key) || is_security(key) => {
                        Some(&mut self.default_options)
                    }
                    None => None,
                };
                match block {
                    Some(options) if LISTENER.contains(&key) || is_security(key) => {
                        options.insert(key.to_string(), directive);
                    }
                    _ => {
                        self.config.global.insert(key.to_string(), directive);
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_includes_and_security_scope() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("conf.d")).unwrap();
        std::fs::write(d.join("conf.d/b.conf"), "listener 8884\npsk_hint x\n").unwrap();
        std::fs::write(
            d.join("conf.d/a.conf"),
            "listener 8883 127.0.0.1\ncertfile c\n",
        )
        .unwrap();
        std::fs::write(d.join("conf.d/skip.txt"), "listener 1\n").unwrap();
        std::fs::write(
            d.join("main.conf"),
            format!(
                "# comment\nacl_file /a\ninclude_dir {}\nlistener 1883\nallow_anonymous true\n",
                d.join("conf.d").display()
            ),
        )
        .unwrap();
        let c = read(&d.join("main.conf")).unwrap();
        let ports: Vec<&str> = c.listeners.iter().map(|l| l.port.as_str()).collect();
        assert_eq!(ports, ["8883", "8884", "1883"]);
        assert_eq!(c.listeners[0].bind.as_deref(), Some("127.0.0.1"));
        assert!(c.listeners[0].is_loopback() && c.listeners[0].has_certificate());
        // Without per_listener_settings, a block's allow_anonymous is everyone's.
        assert!(c.anonymous(&c.listeners[0]).is_some());
        assert_eq!(c.security(&c.listeners[1], "acl_file").unwrap().at.line, 2);
        assert_eq!(c.files.len(), 3);
    }
}
