//! Every option Mosquitto 2.0.11 knows, declared once: its scope, how its value is read, and
//! whether writing it before the first `listener` makes Mosquitto open the default listener.
//!
//! Source: mosquitto v2.0.11 `src/conf.c`, `config__read_file_core` (lines 724-2184) for the
//! names and how each value is parsed; `config__parse_args` (lines 424-455) for the options
//! that open the default listener. A name not in this table is what Mosquitto answers with
//! "Unknown configuration variable" and refuses to start (conf.c:2178).

/// Where a value is stored, as `config__read_file_core` stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The broker's own settings (`config->…`).
    Global,
    /// The listener block it is written in, or the default listener before any `listener`
    /// (`cur_listener->…`).
    Listener,
    /// `cur_security_options`: the block's listener with `per_listener_settings true` at the
    /// time it is read, the broker's otherwise (conf.c:74-81).
    Security,
    /// The default listener wherever it is written (`config->default_listener.…`).
    DefaultListener,
    /// A bridge's, valid only after `connection` ("Invalid bridge configuration" otherwise).
    Bridge,
}

/// How the value after the name is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// `conf__parse_bool` (conf.c:2309): the next space-separated word must be exactly
    /// `true`, `1`, `false` or `0`; what follows it is ignored.
    Bool,
    /// `conf__parse_int` (conf.c:2329): the next word through `atoi`; what follows is ignored.
    Int,
    /// `conf__parse_string` (conf.c:2355): the rest of the line, blanks trimmed; empty is
    /// refused, and so is a second value for the same place ("Duplicate … value").
    Text,
    /// Like `Text`, but a later value replaces an earlier one (`user`, plugins, options of a
    /// plugin).
    TextRepeatable,
    /// The next word, read by the option's own code; no duplicate check.
    Word,
    /// Handled by the reader itself (`listener`, `include_dir`, `per_listener_settings`,
    /// `connection`).
    Special,
}

/// Whether a value written before the first `listener` makes Mosquitto open the default
/// listener (conf.c:424-455).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opens {
    Never,
    Always,
    /// Only `true` (`require_certificate`, `use_identity_as_username`, …).
    IfTrue,
    /// Only a value other than Mosquitto's default (`max_qos` 2, `protocol mqtt`, …).
    UnlessDefault(&'static str),
    /// `max_connections`: any value but a negative one.
    IfNotNegative,
    /// `password_file`, `psk_file`, plugins, `allow_zero_length_clientid false`: only when
    /// they land in the default listener's security options (`per_listener_settings true`).
    IfPerListener,
}

#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub name: &'static str,
    pub scope: Scope,
    pub value: Value,
    pub opens_default: Opens,
}

const fn o(name: &'static str, scope: Scope, value: Value, opens_default: Opens) -> Opt {
    Opt {
        name,
        scope,
        value,
        opens_default,
    }
}

use Opens::{Always, IfNotNegative, IfPerListener, IfTrue, Never, UnlessDefault};
use Scope::{Bridge, DefaultListener, Global, Listener, Security};
use Value::{Bool, Int, Special, Text, TextRepeatable, Word};

/// The table. `auth_opt_*` and `plugin_opt_*` are matched by prefix in [`find`].
pub const OPTIONS: &[Opt] = &[
    // Security: per listener with per_listener_settings true, the broker's otherwise.
    o("acl_file", Security, Text, Never),
    o("allow_anonymous", Security, Bool, Never),
    o("allow_zero_length_clientid", Security, Bool, IfPerListener),
    o("auth_plugin", Security, TextRepeatable, IfPerListener),
    o("plugin", Security, TextRepeatable, IfPerListener),
    o("auto_id_prefix", Security, Text, Never),
    o("password_file", Security, Text, IfPerListener),
    o("psk_file", Security, Text, IfPerListener),
    // Listener: the block's, or the default listener's before any `listener`.
    o("bind_interface", Listener, Text, Always),
    o("cafile", Listener, Text, Always),
    o("capath", Listener, Text, Always),
    o("certfile", Listener, Text, Always),
    o("keyfile", Listener, Text, Always),
    o("ciphers", Listener, Text, Always),
    o("ciphers_tls1.3", Listener, Text, Always),
    o("crlfile", Listener, Text, Always),
    o("dhparamfile", Listener, Text, Always),
    o("http_dir", Listener, Text, Never),
    o("max_connections", Listener, Int, IfNotNegative),
    o("maximum_qos", Listener, Int, UnlessDefault("2")),
    o("max_qos", Listener, Int, UnlessDefault("2")),
    o("max_topic_alias", Listener, Int, Never),
    o("mount_point", Listener, Text, Always),
    o("protocol", Listener, Word, UnlessDefault("mqtt")),
    o("psk_hint", Listener, Text, Always),
    o("require_certificate", Listener, Bool, IfTrue),
    o("socket_domain", Listener, Word, Always),
    o("tls_engine", Listener, Text, Always),
    o("tls_engine_kpass_sha1", Listener, Text, Always),
    o("tls_keyform", Listener, Text, UnlessDefault("pem")),
    o("tls_version", Listener, Text, Never),
    o("use_identity_as_username", Listener, Bool, IfTrue),
    o("use_subject_as_username", Listener, Bool, IfTrue),
    o("use_username_as_clientid", Listener, Bool, IfTrue),
    // The default listener's, wherever written (deprecated in 2.0).
    o("port", DefaultListener, Int, Always),
    o("bind_address", DefaultListener, Text, Always),
    // The broker's.
    o("include_dir", Global, Special, Never),
    o("listener", Global, Special, Never),
    o("per_listener_settings", Global, Special, Never),
    o("connection", Global, Special, Never),
    o("allow_duplicate_messages", Global, Bool, Never),
    o("autosave_interval", Global, Int, Never),
    o("autosave_on_changes", Global, Bool, Never),
    o("auth_plugin_deny_special_chars", Global, Bool, Never),
    o("check_retain_source", Global, Bool, Never),
    o("clientid_prefixes", Global, Text, Never),
    o("connection_messages", Global, Bool, Never),
    o("log_dest", Global, Word, Never),
    o("log_facility", Global, Int, Never),
    o("log_timestamp", Global, Bool, Never),
    o("log_timestamp_format", Global, Text, Never),
    o("log_type", Global, Word, Never),
    o("max_inflight_bytes", Global, Int, Never),
    o("max_inflight_messages", Global, Int, Never),
    o("max_keepalive", Global, Int, Never),
    o("max_packet_size", Global, Int, Never),
    o("max_queued_bytes", Global, Int, Never),
    o("max_queued_messages", Global, Int, Never),
    o("memory_limit", Global, Int, Never),
    o("message_size_limit", Global, Int, Never),
    o("persistence", Global, Bool, Never),
    o("retained_persistence", Global, Bool, Never),
    o("persistence_file", Global, Text, Never),
    o("persistence_location", Global, Text, Never),
    o("persistent_client_expiration", Global, Word, Never),
    o("pid_file", Global, Text, Never),
    o("queue_qos0_messages", Global, Bool, Never),
    o("retain_available", Global, Bool, Never),
    o("retry_interval", Global, Word, Never),
    o("set_tcp_nodelay", Global, Bool, Never),
    o("sys_interval", Global, Int, Never),
    o("upgrade_outgoing_qos", Global, Bool, Never),
    o("user", Global, TextRepeatable, Never),
    o("websockets_headers_size", Global, Int, Never),
    o("websockets_log_level", Global, Int, Never),
    // Bridges.
    o("address", Bridge, Word, Never),
    o("addresses", Bridge, Word, Never),
    o("bridge_alpn", Bridge, Text, Never),
    o("bridge_attempt_unsubscribe", Bridge, Bool, Never),
    o("bridge_bind_address", Bridge, Text, Never),
    o("bridge_cafile", Bridge, Text, Never),
    o("bridge_capath", Bridge, Text, Never),
    o("bridge_certfile", Bridge, Text, Never),
    o("bridge_identity", Bridge, Text, Never),
    o("bridge_insecure", Bridge, Bool, Never),
    o("bridge_keyfile", Bridge, Text, Never),
    o("bridge_max_packet_size", Bridge, Int, Never),
    o("bridge_outgoing_retain", Bridge, Bool, Never),
    o("bridge_protocol_version", Bridge, Word, Never),
    o("bridge_psk", Bridge, Text, Never),
    o("bridge_require_ocsp", Bridge, Bool, Never),
    o("bridge_tls_version", Bridge, Text, Never),
    o("cleansession", Bridge, Bool, Never),
    o("local_cleansession", Bridge, Bool, Never),
    o("clientid", Bridge, Text, Never),
    o("remote_clientid", Bridge, Text, Never),
    o("idle_timeout", Bridge, Int, Never),
    o("keepalive_interval", Bridge, Int, Never),
    o("local_clientid", Bridge, Text, Never),
    o("local_password", Bridge, Text, Never),
    o("local_username", Bridge, Text, Never),
    o("notifications", Bridge, Bool, Never),
    o("notification_topic", Bridge, Text, Never),
    o("notifications_local_only", Bridge, Bool, Never),
    o("password", Bridge, Text, Never),
    o("remote_password", Bridge, Text, Never),
    o("username", Bridge, Text, Never),
    o("remote_username", Bridge, Text, Never),
    o("restart_timeout", Bridge, Word, Never),
    o("round_robin", Bridge, Bool, Never),
    o("start_type", Bridge, Word, Never),
    o("threshold", Bridge, Int, Never),
    o("topic", Bridge, Word, Never),
    o("try_private", Bridge, Bool, Never),
];

/// A plugin's own option (`plugin_opt_KEY value`, `auth_opt_KEY value`): it belongs to the
/// last `plugin` read, and without one Mosquitto refuses it (conf.c:830-877).
pub const PLUGIN_OPTION: Opt = o("plugin_opt_", Security, TextRepeatable, Never);

/// The declaration of `name`, as Mosquitto compares it: exact, case-sensitive.
pub fn find(name: &str) -> Option<&'static Opt> {
    if name.starts_with("plugin_opt_") || name.starts_with("auth_opt_") {
        return Some(&PLUGIN_OPTION);
    }
    OPTIONS.iter().find(|o| o.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_option_is_declared_once() {
        let mut names: Vec<&str> = OPTIONS.iter().map(|o| o.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
        assert!(find("Allow_anonymous").is_none());
        assert_eq!(
            find("plugin_opt_config_file").map(|o| o.scope),
            Some(Security)
        );
    }
}
