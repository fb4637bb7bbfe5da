//! A Mosquitto configuration read the way Mosquitto 2.0.11 reads it (`src/conf.c` at tag
//! v2.0.11; each rule names its lines where it is implemented):
//!
//! - [`tokens`]: how a line is cut (a tab is not a separator, `#` only in column one).
//! - [`options`]: every option once, with its scope and how its value is parsed.
//! - [`include`]: `include_dir` order, nesting, and the audit's bounds.
//! - [`reader`]: the reading itself — `per_listener_settings` as it applies when each line is
//!   read and at the end, duplicates Mosquitto refuses, default-listener options.
//! - [`listeners`]: the listeners Mosquitto opens, with the security each runs with.
//!
//! A line Mosquitto refuses is kept as a [`Refusal`]: the broker will not start.

mod include;
mod listeners;
mod options;
mod reader;
mod tokens;

pub use include::{MAX_BYTES, MAX_FILES};
pub use listeners::{Listener, Origin};
pub use options::{OPTIONS, Opens, Scope, Value};

use super::error::AuditError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a directive was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub file: PathBuf,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub at: Place,
    /// For booleans `true` or `false` as Mosquitto understood them; for text the trimmed rest
    /// of the line; for numbers and words the word Mosquitto read.
    pub value: String,
}

impl Directive {
    pub fn is_true(&self) -> bool {
        self.value == "true"
    }

    pub fn path(&self) -> PathBuf {
        PathBuf::from(&self.value)
    }
}

/// A line the broker refuses: it will not start.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub at: Place,
    pub why: String,
}

#[derive(Debug, Default)]
pub struct Config {
    /// Its value at the end of reading, which is what the running broker uses.
    pub per_listener_settings: bool,
    /// The broker's own options (max_packet_size, …).
    pub global: BTreeMap<String, Directive>,
    pub listeners: Vec<Listener>,
    /// Every file read, in order.
    pub files: Vec<PathBuf>,
    /// Lines Mosquitto refuses; any one stops the broker from starting.
    pub refusals: Vec<Refusal>,
    /// Where the audit stopped reading because a bound was reached.
    pub limits: Vec<Refusal>,
}

impl Config {
    /// A security option as it applies to `listener`.
    pub fn security<'a>(&'a self, listener: &'a Listener, key: &str) -> Option<&'a Directive> {
        listener.security.get(key)
    }

    /// Whether clients without a username are let in on `listener`, and what decided it.
    pub fn anonymous<'a>(&'a self, listener: &'a Listener) -> Option<&'a Directive> {
        listener.anonymous.as_ref()
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

/// Reads `path` and every file it includes.
pub fn read(path: &Path) -> Result<Config, AuditError> {
    let mut reader = reader::Reader::new();
    reader.main_file(path)?;
    Ok(reader.finish())
}

/// Reads configuration `text` as if it were the file `path` (includes are read from disk).
pub fn parse_text(text: &str, path: &Path) -> Result<Config, AuditError> {
    let mut reader = reader::Reader::new();
    reader.main_text(text, path);
    Ok(reader.finish())
}

#[cfg(test)]
mod tests;
