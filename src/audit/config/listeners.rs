//! The listeners Mosquitto 2.0.11 opens for a configuration, each with the security options it
//! runs with: what every check looks at, never the raw lines.
//!
//! - The default listener (conf.c:424-514, in `config__parse_args`) is opened when `port`,
//!   `bind_address`, or a listener option that differs from its default was written before the
//!   first `listener`; on `bind_address` or all interfaces, port 1883 unless `port` says.
//! - With no listener at all Mosquitto starts in local-only mode: 127.0.0.1 and ::1, port
//!   1883 (mosquitto.c:292-329).
//! - `allow_anonymous` (conf.c:639-655): in local-only mode (no `listener`, `port` or
//!   `bind_address`) the broker's is forced true; otherwise an unset one becomes false — for
//!   the listeners of `listener` blocks only. The default listener is copied after that
//!   conversion (conf.c:513), so with `per_listener_settings true` its unset
//!   `allow_anonymous` stays -1, which `mosquitto_unpwd_check` (security.c:818) takes as
//!   allowed: measured with the real broker.

use super::{Directive, Place};
use std::collections::BTreeMap;

/// How a listener came to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A `listener` line.
    Block,
    /// The default listener, opened by the option at this place.
    Default,
    /// Local-only mode: no listener configured.
    LocalOnly,
}

#[derive(Debug, Clone)]
pub struct Listener {
    pub port: String,
    /// Bind address or host; all interfaces when absent.
    pub bind: Option<String>,
    pub at: Place,
    pub origin: Origin,
    /// Listener options (certfile, require_certificate, …); the last occurrence wins where
    /// Mosquitto allows more than one.
    pub options: BTreeMap<String, Directive>,
    /// The security options this listener runs with (its own or the broker's, as
    /// `per_listener_settings` decides at the end of reading).
    pub security: BTreeMap<String, Directive>,
    /// Whether clients without a username are let in, and what decided it.
    pub anonymous: Option<Directive>,
}

impl Listener {
    pub fn label(&self) -> String {
        let what = match self.origin {
            Origin::Block => "listener",
            Origin::Default => "default listener",
            Origin::LocalOnly => "local-only listener",
        };
        match &self.bind {
            Some(b) => format!("{what} {} {b}", self.port),
            None => format!("{what} {}", self.port),
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

    /// Every client proves an identity in the TLS handshake (a certificate the CA signed, or
    /// a PSK), so "anonymous" can only mean "without a username".
    /// use_identity_as_username without require_certificate still refuses a client that sent
    /// no certificate (handle_connect.c:687-730).
    pub fn tls_authenticates(&self) -> bool {
        (self.has_certificate() && (self.is_set("require_certificate") || self.identity_options()))
            || self.has_psk_hint()
    }

    fn identity_options(&self) -> bool {
        self.is_set("use_identity_as_username") || self.is_set("use_subject_as_username")
    }

    /// The handshake's identity becomes the username (handle_connect.c:687).
    pub fn identity_is_username(&self) -> bool {
        self.is_tls() && self.identity_options()
    }

    /// The client id cannot be chosen by the client: it is the (authenticated) username.
    pub fn client_id_bound(&self) -> bool {
        self.is_set("use_username_as_clientid")
    }

    /// Clients that connect without a username get in (the identity, if any, is not used).
    pub fn admits_without_username(&self) -> bool {
        self.anonymous.is_some() && !self.identity_is_username()
    }
}
