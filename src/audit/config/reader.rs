//! The reading, line after line, with the state Mosquitto 2.0.11 keeps while it reads
//! (`config__read_file_core`, conf.c:724-2184):
//!
//! - `per_listener_settings` decides, when each security line is read, whether it lands in
//!   the current listener's options or the broker's (`conf__set_cur_security_options`,
//!   conf.c:74-81); the value left at the end decides which of the two the running broker
//!   uses. Setting it `true` after any security line is refused (conf.c:1771-1774).
//! - A text value given twice for the same place is refused ("Duplicate … value",
//!   conf.c:2361-2364); booleans and numbers: the last one wins.
//! - `port` and `bind_address` are the default listener's wherever they are written
//!   (conf.c:914-921, 1816-1828); listener options before the first `listener` are its too.
//! - `plugin_opt_*`/`auth_opt_*` belong to the last `plugin`; without one they are refused.
//! - Bridge options outside a `connection` are refused ("Invalid bridge configuration").
//! - Each file starts at the default listener: a `listener` block does not continue into an
//!   included file, nor out of one (the current listener is local to
//!   `config__read_file_core`; found by the differential test, then read in the source).

use super::include::{self, MAX_BYTES, MAX_FILES};
use super::listeners::{Listener, Origin};
use super::options::{self, Opens, Opt, Scope, Value};
use super::tokens::{self, Line};
use super::{AuditError, Config, Directive, Place, Refusal};
use std::collections::BTreeMap;
use std::path::Path;

type Options = BTreeMap<String, Directive>;

/// Where security options go when a line is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Broker,
    Default,
    Block(usize),
}

struct Block {
    port: String,
    bind: Option<String>,
    at: Place,
    options: Options,
    security: Options,
}

pub struct Reader {
    config: Config,
    per_listener_settings: bool,
    /// `cur_security_options` has been set: a later `per_listener_settings true` is refused.
    security_touched: bool,
    plugin: Option<Target>,
    broker_security: Options,
    default_options: Options,
    default_security: Options,
    /// The first line that makes Mosquitto open the default listener.
    default_opened_by: Option<Place>,
    default_port: Option<Directive>,
    default_host: Option<Directive>,
    blocks: Vec<Block>,
    current: Option<usize>,
    /// No `listener`, `port` or `bind_address` yet (conf.c:916, 1377, 1818).
    local_only: bool,
    in_bridge: bool,
    bytes: u64,
    /// A bound was reached: nothing more is read.
    stopped: bool,
}

impl Reader {
    pub fn new() -> Reader {
        Reader {
            config: Config::default(),
            per_listener_settings: false,
            security_touched: false,
            plugin: None,
            broker_security: Options::new(),
            default_options: Options::new(),
            default_security: Options::new(),
            default_opened_by: None,
            default_port: None,
            default_host: None,
            blocks: Vec::new(),
            current: None,
            local_only: true,
            in_bridge: false,
            bytes: 0,
            stopped: false,
        }
    }

    pub fn main_file(&mut self, path: &Path) -> Result<(), AuditError> {
        let text =
            crate::input::read_text(path, crate::input::Kind::BrokerConfig).map_err(|e| {
                AuditError::Config {
                    path: path.to_path_buf(),
                    why: e.reason(),
                }
            })?;
        self.main_text(&text, path);
        Ok(())
    }

    pub fn main_text(&mut self, text: &str, path: &Path) {
        self.config.files.push(path.to_path_buf());
        self.bytes += text.len() as u64;
        self.text(text, path, 0);
    }

    fn refuse(&mut self, at: &Place, why: impl Into<String>) {
        self.config.refusals.push(Refusal {
            at: at.clone(),
            why: why.into(),
        });
    }

    fn included_file(&mut self, path: &Path, from: &Place) {
        if self.config.files.len() >= MAX_FILES {
            self.stop(
                from,
                format!("more than {MAX_FILES} configuration files: the rest were not read"),
            );
            return;
        }
        if path.is_dir() {
            self.refuse(
                from,
                format!(
                    "{} is a directory; Mosquitto opens every entry ending in .conf as a file",
                    path.display()
                ),
            );
            return;
        }
        let text = match crate::input::read_text(path, crate::input::Kind::BrokerConfig) {
            Ok(t) => t,
            Err(e) => {
                self.refuse(from, format!("{}: {}", path.display(), e.reason()));
                return;
            }
        };
        self.bytes += text.len() as u64;
        if self.bytes > MAX_BYTES {
            self.stop(
                from,
                format!(
                    "more than {} MiB of configuration: {} and what follows were not read",
                    MAX_BYTES / (1024 * 1024),
                    path.display()
                ),
            );
            return;
        }
        self.config.files.push(path.to_path_buf());
        self.text(&text, path, 1);
    }

    fn stop(&mut self, at: &Place, why: String) {
        self.stopped = true;
        self.config.limits.push(Refusal {
            at: at.clone(),
            why,
        });
    }

    /// One file. The current listener, bridge and plugin are local to
    /// `config__read_file_core` (conf.c:728-738): each file starts at the default listener,
    /// and the including file continues where it was.
    fn text(&mut self, text: &str, path: &Path, level: usize) {
        let outer = (self.current.take(), self.in_bridge, self.plugin.take());
        self.in_bridge = false;
        self.lines(text, path, level);
        (self.current, self.in_bridge, self.plugin) = outer;
    }

    fn lines(&mut self, text: &str, path: &Path, level: usize) {
        for (i, raw) in text.split('\n').enumerate() {
            if self.stopped {
                return;
            }
            let Line::Option { name, rest } = tokens::line(raw) else {
                continue;
            };
            let at = Place {
                file: path.to_path_buf(),
                line: i + 1,
            };
            self.line(name, rest, &at, level);
        }
    }

    fn line(&mut self, name: &str, rest: &str, at: &Place, level: usize) {
        let Some(opt) = options::find(name) else {
            let why = if name.starts_with('#') {
                "an indented `#`: Mosquitto takes `#` as a comment only in the first column, so it reads an option named `#` it does not know".to_string()
            } else if name.contains('\t') {
                format!(
                    "a tab: Mosquitto separates words only with spaces, so it reads {:?} as an option it does not know",
                    name
                )
            } else {
                format!("{name:?} is not a Mosquitto 2.0 option")
            };
            self.refuse(at, why);
            return;
        };
        match (opt.value, opt.name) {
            (Value::Special, "include_dir") => self.include_dir(rest, at, level),
            (Value::Special, "listener") => self.listener(rest, at),
            (Value::Special, "per_listener_settings") => match self.boolean(opt, rest, at) {
                Some(true) if self.security_touched => self.refuse(
                    at,
                    "per_listener_settings true after a security option: Mosquitto requires it before any",
                ),
                Some(value) => self.per_listener_settings = value,
                None => {}
            },
            (Value::Special, _) => self.in_bridge = true,
            _ => {
                let Some(value) = self.value(opt, rest, at) else {
                    return;
                };
                self.store(opt, name, value, at);
            }
        }
    }

    fn boolean(&mut self, opt: &Opt, rest: &str, at: &Place) -> Option<bool> {
        let Some((word, _)) = tokens::word(rest) else {
            self.refuse(at, format!("{} has no value", opt.name));
            return None;
        };
        let value = tokens::boolean(word);
        if value.is_none() {
            let hint = if word.contains('\t') {
                " (a tab is not a separator for Mosquitto)"
            } else {
                ""
            };
            self.refuse(
                at,
                format!(
                    "{} {word:?}: Mosquitto accepts only true, false, 1 or 0{hint}",
                    opt.name
                ),
            );
        }
        value
    }

    /// The value as Mosquitto parses it for `opt`, or `None` when it refuses the line.
    fn value(&mut self, opt: &Opt, rest: &str, at: &Place) -> Option<String> {
        match opt.value {
            Value::Bool => self.boolean(opt, rest, at).map(|b| b.to_string()),
            Value::Int => match tokens::word(rest) {
                Some((word, _)) => {
                    let n = tokens::atoi(word);
                    let bad = match opt.name {
                        "port" => !(1..=65535).contains(&n),
                        "max_qos" | "maximum_qos" => !(0..=2).contains(&n),
                        _ => false,
                    };
                    if bad {
                        self.refuse(at, format!("{} {word:?} is out of range", opt.name));
                        return None;
                    }
                    Some(n.to_string())
                }
                // max_connections without a value is logged and ignored (conf.c:1645).
                None if opt.name == "max_connections" => None,
                None => {
                    self.refuse(at, format!("{} has no value", opt.name));
                    None
                }
            },
            Value::Text | Value::TextRepeatable => match tokens::text(rest) {
                Some(t) => Some(t.to_string()),
                None => {
                    self.refuse(at, format!("{} has no value", opt.name));
                    None
                }
            },
            Value::Word | Value::Special => {
                let word = tokens::word(rest).map(|(w, _)| w.to_string());
                if opt.name == "protocol"
                    && let Some(w) = &word
                    && w != "mqtt"
                    && w != "websockets"
                {
                    self.refuse(at, format!("protocol {w:?} is not mqtt or websockets"));
                    return None;
                }
                Some(word.unwrap_or_default())
            }
        }
    }

    fn store(&mut self, opt: &Opt, name: &str, value: String, at: &Place) {
        let directive = Directive {
            at: at.clone(),
            value,
        };
        match opt.scope {
            Scope::Bridge => {
                if !self.in_bridge {
                    self.refuse(
                        at,
                        format!("{name} is a bridge option and no `connection` precedes it"),
                    );
                }
            }
            Scope::Global => {
                if name == "check_retain_source" {
                    self.security_touched = true;
                }
                let options = &mut self.config.global;
                if opt.value == Value::Text && options.contains_key(name) {
                    self.refuse(at, format!("a second {name}: Mosquitto refuses duplicates"));
                    return;
                }
                options.insert(name.to_string(), directive);
            }
            Scope::DefaultListener => {
                self.local_only = false;
                if name == "port" {
                    self.default_port = Some(directive);
                } else if self.default_host.is_some() {
                    self.refuse(at, "a second bind_address: Mosquitto refuses duplicates");
                    return;
                } else {
                    self.default_host = Some(directive);
                }
                self.default_opened_by.get_or_insert_with(|| at.clone());
            }
            Scope::Listener => {
                let target = self.current;
                let options = match target {
                    Some(i) => &mut self.blocks[i].options,
                    None => &mut self.default_options,
                };
                if matches!(name, "cafile" | "certfile") && options.contains_key("psk_hint") {
                    self.refuse(
                        at,
                        format!("{name} on a listener with psk_hint: Mosquitto refuses certificate and PSK on one listener"),
                    );
                    return;
                }
                if opt.value == Value::Text && options.contains_key(name) {
                    self.refuse(
                        at,
                        format!("a second {name} for this listener: Mosquitto refuses duplicates"),
                    );
                    return;
                }
                let opens = opens(opt, &directive.value);
                options.insert(name.to_string(), directive);
                if target.is_none() && opens {
                    self.default_opened_by.get_or_insert_with(|| at.clone());
                }
            }
            Scope::Security => self.security(opt, name, directive),
        }
    }

    fn security(&mut self, opt: &Opt, name: &str, directive: Directive) {
        let at = directive.at.clone();
        let target = if opt.name == options::PLUGIN_OPTION.name {
            match self.plugin {
                Some(t) => t,
                None => {
                    self.refuse(&at, format!("{name} without a plugin before it"));
                    return;
                }
            }
        } else {
            self.security_touched = true;
            match (self.per_listener_settings, self.current) {
                (false, _) => Target::Broker,
                (true, None) => Target::Default,
                (true, Some(i)) => Target::Block(i),
            }
        };
        if matches!(name, "plugin" | "auth_plugin") {
            self.plugin = Some(target);
        }
        let options = match target {
            Target::Broker => &mut self.broker_security,
            Target::Default => &mut self.default_security,
            Target::Block(i) => &mut self.blocks[i].security,
        };
        if opt.value == Value::Text && options.contains_key(name) {
            self.refuse(
                &at,
                format!("a second {name} for the same listener (or the broker): Mosquitto refuses duplicates"),
            );
            return;
        }
        let opens = target == Target::Default
            && opt.opens_default == Opens::IfPerListener
            && (name != "allow_zero_length_clientid" || directive.value == "false");
        options.insert(name.to_string(), directive);
        if opens {
            self.default_opened_by.get_or_insert(at);
        }
    }

    fn listener(&mut self, rest: &str, at: &Place) {
        self.local_only = false;
        let Some((word, after)) = tokens::word(rest) else {
            self.refuse(at, "listener without a port");
            return;
        };
        let port = tokens::atoi(word);
        let bind = tokens::word(after)
            .map(|(b, _)| b)
            .filter(|b| !b.starts_with('#'));
        if !(0..=65535).contains(&port) || (port == 0 && bind.is_none()) {
            self.refuse(at, format!("listener port {word:?} is out of range"));
            return;
        }
        self.blocks.push(Block {
            port: port.to_string(),
            bind: bind.map(str::to_string),
            at: at.clone(),
            options: Options::new(),
            security: Options::new(),
        });
        self.current = Some(self.blocks.len() - 1);
    }

    fn include_dir(&mut self, rest: &str, at: &Place, level: usize) {
        // conf.c:1320: only the main file's include_dir is followed; elsewhere it is ignored.
        if level > 0 {
            return;
        }
        // strtok_r(NULL, ""): the rest of the line exactly as written.
        if rest.is_empty() {
            self.refuse(at, "include_dir without a directory");
            return;
        }
        let listing = match include::list(rest) {
            Ok(l) => l,
            Err(e) => {
                self.refuse(at, format!("include_dir {rest:?} cannot be opened: {e}"));
                return;
            }
        };
        if listing.truncated {
            self.stop(
                at,
                format!(
                    "include_dir {rest:?} holds more than {} entries: it was not read",
                    include::MAX_ENTRIES
                ),
            );
            return;
        }
        for file in listing.files {
            if self.stopped {
                return;
            }
            self.included_file(&file, at);
        }
    }

    pub fn finish(mut self) -> Config {
        let pls = self.per_listener_settings;
        self.config.per_listener_settings = pls;
        let local_only = self.local_only;
        let broker = self.broker_security;
        let security = |own: Options| if pls { own } else { broker.clone() };
        let mut listeners: Vec<Listener> = self
            .blocks
            .into_iter()
            .map(|b| Listener {
                port: b.port,
                bind: b.bind,
                at: b.at,
                origin: Origin::Block,
                options: b.options,
                security: security(b.security),
                anonymous: None,
            })
            .collect();
        if let Some(at) = self.default_opened_by {
            listeners.push(Listener {
                port: self
                    .default_port
                    .map_or_else(|| "1883".to_string(), |d| d.value),
                bind: self.default_host.map(|d| d.value),
                at,
                origin: Origin::Default,
                options: self.default_options,
                security: security(self.default_security),
                anonymous: None,
            });
        }
        if listeners.is_empty()
            && let Some(file) = self.config.files.first()
        {
            listeners.push(Listener {
                port: "1883".to_string(),
                bind: Some("127.0.0.1".to_string()),
                at: Place {
                    file: file.clone(),
                    line: 1,
                },
                origin: Origin::LocalOnly,
                options: Options::new(),
                security: security(Options::new()),
                anonymous: None,
            });
        }
        for l in &mut listeners {
            l.anonymous = anonymous(l, pls, local_only);
            // use_username_as_clientid refuses a client without a username
            // (handle_connect.c:826-841); with a password_file or plugin a username must also
            // check out, so no one gets in without a credential.
            let checked = ["password_file", "plugin", "auth_plugin"]
                .iter()
                .any(|k| l.security.contains_key(*k));
            if l.is_set("use_username_as_clientid") && checked {
                l.anonymous = None;
            }
        }
        self.config.listeners = listeners;
        self.config
    }
}

/// Whether a listener option's value opens the default listener when written before any
/// `listener` (conf.c:424-455).
fn opens(opt: &Opt, value: &str) -> bool {
    match opt.opens_default {
        Opens::Never | Opens::IfPerListener => false,
        Opens::Always => true,
        Opens::IfTrue => value == "true",
        Opens::UnlessDefault(default) => value != default,
        Opens::IfNotNegative => !value.starts_with('-'),
    }
}

/// `allow_anonymous` as the running broker applies it to `l` (see the module of listeners).
fn anonymous(l: &Listener, pls: bool, local_only: bool) -> Option<Directive> {
    let explicit = l.security.get("allow_anonymous");
    let implicit = || {
        Some(Directive {
            at: l.at.clone(),
            value: "true".to_string(),
        })
    };
    match explicit {
        Some(d) if d.is_true() => Some(d.clone()),
        // Local-only mode overrides the broker's setting (conf.c:640-641); per listener, an
        // explicit false stays.
        Some(_) if local_only && !pls => implicit(),
        Some(_) => None,
        None if local_only || (pls && l.origin == Origin::Default) => implicit(),
        None => None,
    }
}
