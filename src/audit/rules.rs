//! Every check `mqauth audit` makes: its code, its name and the principle behind it, grouped
//! by the field guide's pitfalls. SARIF output lists them as its rules.

use super::finding::{Rule, Severity};

const fn rule(
    code: &'static str,
    name: &'static str,
    why: &'static str,
    severity: Severity,
    fix: &'static str,
    behaviour: &'static str,
) -> Rule {
    Rule {
        code,
        name,
        why,
        severity,
        fix,
        behaviour,
    }
}

// Reading the configuration.
pub const WILL_NOT_START: Rule = rule(
    "MQA001",
    "broker-will-not-start",
    "a line Mosquitto refuses stops the broker at start: every device is offline until it is fixed",
    Severity::Problem,
    "correct the line as the message says (spaces, not tabs; `#` in the first column; one value per option)",
    "conf.c:724-2184 (config__read_file_core): an unknown option, a value it cannot parse or a duplicate value ends reading with an error, and main() exits",
);
pub const AUDIT_BOUND: Rule = rule(
    "MQA002",
    "audit-bound-reached",
    "the audit stopped reading at a bound (1,000 files or 64 MiB of configuration): what it did not read was not audited",
    Severity::Problem,
    "merge the configuration into fewer files; a broker needs a handful",
    "Mosquitto itself reads every *.conf of the main file's include_dir, without a bound",
);

// Pitfall 1: authentication is not authorization.
pub const NO_AUTHORIZATION: Rule = rule(
    "MQA101",
    "no-authorization",
    "authentication only says who a client is; without an acl_file or a plugin every authenticated device may read and write every topic, so one extracted device reaches the whole fleet",
    Severity::Problem,
    "an acl_file with per-device rules (`mqauth acl render`), keeping each device's own topics",
    "security_default.c:391: without acl_file or plugin the ACL check defers and the publish or delivery is allowed",
);
pub const WILDCARD_GRANT: Rule = rule(
    "MQA102",
    "wildcard-grant",
    "a grant of #, +/# or $SYS/# gives one identity the whole broker: every device's data, commands and the broker's internals",
    Severity::Problem,
    "grant the topics this identity needs, under its own id (%u)",
    "util_topic.c: # matches every topic; a device granted it receives every device's messages (measured)",
);
pub const CROSS_DEVICE_WRITE: Rule = rule(
    "MQA103",
    "cross-device-write",
    "a wildcard where the device id belongs lets one device send commands to all the others",
    Severity::Problem,
    "put %u where the device id goes, or grant command topics only to the identity that sends commands",
    "a + level matches any device id (util_topic.c, mosquitto_topic_matches_sub)",
);
pub const PATTERN_WITHOUT_IDENTITY: Rule = rule(
    "MQA104",
    "pattern-without-identity",
    "a pattern applies to every client: one that names a device's topic without %u or %c gives that device's topic to all",
    Severity::Problem,
    "put %u where the device's id goes, or move the rule into that device's `user` block",
    "security_default.c:327-347: a pattern without %u or %c applies unchanged to every client",
);
pub const UNBOUND_USERNAME: Rule = rule(
    "MQA105",
    "username-not-bound",
    "an ACL keyed by username only binds what the broker authenticated: without use_identity_as_username a device claims any username and gets its rights",
    Severity::Problem,
    "use_identity_as_username true on the listener (the certificate CN or PSK identity becomes the username)",
    "handle_connect.c:687: only use_identity_as_username/use_subject_as_username replace the username the client sends",
);
pub const BAD_ACL_LINE: Rule = rule(
    "MQA106",
    "acl-unreadable",
    "Mosquitto refuses to start when its acl_file has a line it cannot parse, and the dynamic-security plugin when its file is not JSON",
    Severity::Problem,
    "correct the line (`user NAME`, `topic [read|write|readwrite|deny] TOPIC`, `pattern …`)",
    "security_default.c:540-640: an acl_file line it cannot parse makes the broker refuse to start",
);
pub const OPEN_DYNSEC_DEFAULT: Rule = rule(
    "MQA107",
    "dynsec-open-default",
    "the dynamic-security plugin's default access applies to every client no role covers: an open default is no authorization",
    Severity::Problem,
    "set the default access to false and grant through roles",
    "the dynamic-security plugin applies defaultACLAccess to every client no role covers",
);

pub const CLIENT_ID_GRANT: Rule = rule(
    "MQA108",
    "client-id-grant",
    "%c is the client id, which the client chooses: a grant through %c gives any client that names itself after a device that device's topics",
    Severity::Problem,
    "use_username_as_clientid true on the listener (the client id becomes the authenticated username), or %u instead of %c",
    "security_default.c:470-500 (Mosquitto 2.0.11): %c is replaced by the CONNECT client id; only use_username_as_clientid replaces it with the username",
);
pub const CROSS_DEVICE_READ: Rule = rule(
    "MQA109",
    "cross-device-grant",
    "a grant that matches topics of more than one device lets one extracted device read (or write) the whole fleet's",
    Severity::Problem,
    "grant each device its own subtree (pattern readwrite devices/%u/#); give fleet-wide access only to identities that are not devices",
    "security_default.c:397-511: a client's user rules are checked, then the patterns, deny rules of each list first; + and # match any device id",
);

// Pitfall 2: shared PSKs.
pub const SHARED_PSK: Rule = rule(
    "MQA201",
    "shared-psk",
    "a shared PSK lets one extracted device impersonate the whole batch",
    Severity::Problem,
    "give every device its own key (`mqauth psk rotate`)",
    "a PSK identifies whoever holds it",
);
pub const SHORT_PSK: Rule = rule(
    "MQA202",
    "short-psk",
    "a PSK under 16 bytes (128 bits) can be searched offline from one recorded handshake",
    Severity::Problem,
    "use 16 bytes or more (`mqauth psk rotate --bytes 32`)",
    "the key is the only secret of a PSK handshake",
);
pub const WEAK_PSK: Rule = rule(
    "MQA203",
    "weak-psk",
    "a PSK with a visible pattern was not drawn from a random source and may be guessed",
    Severity::Warning,
    "draw keys from a CSPRNG (`mqauth psk rotate`)",
    "the key is the only secret of a PSK handshake",
);
pub const PSK_FILE_READABLE: Rule = rule(
    "MQA204",
    "psk-file-readable",
    "anyone who can read the psk_file holds every device's key",
    Severity::Problem,
    "chmod 600, or 640 with the broker's group only (`mqauth psk … --group mosquitto`)",
    "Mosquitto reads the psk_file as the broker's user; nobody else needs to",
);
pub const PSK_WITHOUT_HINT: Rule = rule(
    "MQA205",
    "psk-without-hint",
    "Mosquitto enables TLS-PSK on a listener only with psk_hint: without it the listener is plain TCP and the psk_file authenticates nobody",
    Severity::Problem,
    "add `psk_hint NAME` to the listener",
    "conf.c:1863: TLS-PSK is set up only on a listener with psk_hint",
);
pub const PSK_FILE_LINES: Rule = rule(
    "MQA206",
    "psk-file-unusable",
    "Mosquitto skips or refuses psk_file lines it cannot parse, so those devices cannot connect",
    Severity::Warning,
    "write each line as identity:hexkey",
    "Mosquitto skips psk_file lines it cannot parse",
);

// Pitfall 3: time and validity.
pub const BROKER_CERT_VALIDITY: Rule = rule(
    "MQA301",
    "broker-certificate-validity",
    "devices refuse a broker certificate outside its validity period: every connection fails at once",
    Severity::Problem,
    "issue a new broker certificate (`mqauth pki renew NAME`) and reload",
    "clients verify the validity period in the TLS handshake",
);
pub const CA_VALIDITY: Rule = rule(
    "MQA302",
    "ca-validity",
    "when the CA that anchors client certificates expires, the broker refuses every device",
    Severity::Problem,
    "plan the CA's successor and trust both during the change",
    "client certificates are verified against cafile/capath",
);
pub const CRL_VALIDITY: Rule = rule(
    "MQA303",
    "crl-validity",
    "a CRL past its nextUpdate makes Mosquitto refuse every client certificate, revoked or not",
    Severity::Problem,
    "re-sign the CRL (`mqauth pki crl`) daily and reload",
    "OpenSSL fails verification against a CRL past nextUpdate",
);
pub const CRL_MISSING: Rule = rule(
    "MQA304",
    "crl-missing",
    "revocations the broker does not read do not exist: a revoked device still connects",
    Severity::Problem,
    "crlfile pointing at the PKI's CRL",
    "a revoked certificate verifies unless the broker reads a CRL",
);

// Pitfall 4: broker identity.
pub const NO_SERVER_AUTH: Rule = rule(
    "MQA401",
    "no-server-auth",
    "a certificate whose extended key usage excludes serverAuth is refused by clients that verify the broker",
    Severity::Problem,
    "issue a broker certificate (`mqauth pki broker NAME --dns …`)",
    "OpenSSL's purpose check refuses a server certificate without serverAuth",
);
pub const NO_SANS: Rule = rule(
    "MQA402",
    "no-sans",
    "clients that follow RFC 6125 match the broker against subject alternative names only: a certificate without them works with OpenSSL-based clients today and fails with the others",
    Severity::Warning,
    "re-issue it with --dns/--ip for every name devices dial",
    "RFC 6125 clients (Go, browsers, newer TLS stacks) match subject alternative names only; OpenSSL-based clients (mosquitto_pub, Python ssl) still fall back to the CN (measured)",
);
pub const SANS_MISS_NAME: Rule = rule(
    "MQA403",
    "sans-miss-name",
    "a device that dials a name the certificate does not hold fails hostname verification",
    Severity::Problem,
    "re-issue the certificate with that name in its SANs",
    "clients match the name they dial against the certificate",
);
pub const KEY_MISMATCH: Rule = rule(
    "MQA404",
    "key-mismatch",
    "a keyfile that is not the certificate's key stops the listener from starting",
    Severity::Problem,
    "point keyfile at the certificate's own key",
    "the listener's TLS context fails to load a mismatched key, and the broker exits",
);
pub const NO_INTERMEDIATE: Rule = rule(
    "MQA405",
    "no-intermediate",
    "devices hold only the root: a broker that does not send its intermediate cannot be verified by them",
    Severity::Warning,
    "point certfile at the full chain",
    "devices build the chain from what the broker sends and the root they hold",
);
pub const KEY_READABLE: Rule = rule(
    "MQA406",
    "key-readable",
    "whoever reads the broker's private key can impersonate the broker to every device",
    Severity::Problem,
    "chmod 600 (640 with the broker's group)",
    "the private key is the broker's identity",
);
pub const MISSING_FILE: Rule = rule(
    "MQA407",
    "missing-file",
    "Mosquitto does not start when a file its configuration names cannot be read",
    Severity::Problem,
    "create the file or correct the path",
    "Mosquitto exits when a file its configuration names cannot be opened",
);

// Pitfall 5: scaling.
pub const NO_MAX_CONNECTIONS: Rule = rule(
    "MQA501",
    "no-max-connections",
    "an unlimited listener lets a reconnect storm exhaust file descriptors and memory",
    Severity::Note,
    "max_connections N, sized to the fleet plus headroom",
    "conf.c:1638: max_connections defaults to -1 (unlimited)",
);
pub const NO_SESSION_RESUMPTION: Rule = rule(
    "MQA502",
    "no-session-resumption",
    "every reconnect costs a full handshake; Mosquitto 2.0 has no setting for TLS session resumption, so plan CPU for reconnect storms",
    Severity::Note,
    "size the CPU for full handshakes, or terminate TLS in front",
    "Mosquitto 2.0 has no session cache or ticket options",
);
pub const ENROLLMENT_PACKET_LIMIT: Rule = rule(
    "MQA503",
    "enrollment-packet-limit",
    "a broker that carries enrollment requests without max_packet_size holds and delivers a publish of any size on them: one device can stall or slow the enrollment service for the whole fleet",
    Severity::Warning,
    "max_packet_size in the main configuration",
    "without max_packet_size Mosquitto accepts packets up to the protocol maximum",
);

// Listeners.
pub const PLAIN_TCP: Rule = rule(
    "MQA601",
    "plain-tcp",
    "MQTT over plain TCP sends credentials and data in the clear to anyone on the path",
    Severity::Problem,
    "certfile/keyfile (or psk_hint and psk_file), or bind it to 127.0.0.1",
    "a listener without certfile or psk_hint is plain TCP",
);
pub const ANONYMOUS: Rule = rule(
    "MQA602",
    "anonymous",
    "a listener that lets clients in without a username, where TLS asks no certificate or PSK either, lets anyone who reaches the port connect without any credential",
    Severity::Problem,
    "give every device a credential first (password_file, or certificates with require_certificate and use_identity_as_username), then set allow_anonymous false",
    "security.c:818: with allow_anonymous true a client without username is accepted; conf.c:640 forces it in local-only mode, and a default listener with per_listener_settings true keeps it unset, which allows (measured)",
);
pub const OLD_TLS: Rule = rule(
    "MQA603",
    "old-tls",
    "TLS before 1.2 has known weaknesses and no modern cipher suites",
    Severity::Problem,
    "tls_version tlsv1.2",
    "Mosquitto 2.0 passes tls_version to OpenSSL as the minimum",
);
pub const CLIENTS_UNAUTHENTICATED: Rule = rule(
    "MQA604",
    "clients-unauthenticated",
    "TLS without client certificates, passwords or PSKs authenticates the broker only: any client is a device",
    Severity::Problem,
    "require_certificate true with use_identity_as_username true, or a password_file",
    "without them a TLS listener authenticates the broker only",
);

pub const IDENTITY_NOT_USERNAME: Rule = rule(
    "MQA605",
    "identity-not-username",
    "a listener that verifies a certificate or PSK but lets the client choose its username (or none) does not know which device is connected: every ACL rule by username is the client's word",
    Severity::Problem,
    "use_identity_as_username true on the listener: each device connects as its certificate's CN (or PSK identity) and keeps connecting",
    "handle_connect.c:687: only use_identity_as_username/use_subject_as_username make the TLS identity the username; otherwise allow_anonymous decides for clients without one (security.c:818)",
);

pub const ALL: &[Rule] = &[
    WILL_NOT_START,
    AUDIT_BOUND,
    NO_AUTHORIZATION,
    WILDCARD_GRANT,
    CROSS_DEVICE_WRITE,
    PATTERN_WITHOUT_IDENTITY,
    UNBOUND_USERNAME,
    BAD_ACL_LINE,
    OPEN_DYNSEC_DEFAULT,
    CLIENT_ID_GRANT,
    CROSS_DEVICE_READ,
    SHARED_PSK,
    SHORT_PSK,
    WEAK_PSK,
    PSK_FILE_READABLE,
    PSK_WITHOUT_HINT,
    PSK_FILE_LINES,
    BROKER_CERT_VALIDITY,
    CA_VALIDITY,
    CRL_VALIDITY,
    CRL_MISSING,
    NO_SERVER_AUTH,
    NO_SANS,
    SANS_MISS_NAME,
    KEY_MISMATCH,
    NO_INTERMEDIATE,
    KEY_READABLE,
    MISSING_FILE,
    NO_MAX_CONNECTIONS,
    NO_SESSION_RESUMPTION,
    ENROLLMENT_PACKET_LIMIT,
    PLAIN_TCP,
    ANONYMOUS,
    OLD_TLS,
    CLIENTS_UNAUTHENTICATED,
    IDENTITY_NOT_USERNAME,
];
