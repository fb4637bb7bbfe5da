//! Every check `mqauth audit` makes: its code, its name and the principle behind it, grouped
//! by the field guide's pitfalls. SARIF output lists them as its rules.

use super::finding::Rule;

const fn rule(code: &'static str, name: &'static str, why: &'static str) -> Rule {
    Rule { code, name, why }
}

// Pitfall 1: authentication is not authorization.
pub const NO_AUTHORIZATION: Rule = rule(
    "MQA101",
    "no-authorization",
    "authentication only says who a client is; without an acl_file or a plugin every authenticated device may read and write every topic, so one extracted device reaches the whole fleet",
);
pub const WILDCARD_GRANT: Rule = rule(
    "MQA102",
    "wildcard-grant",
    "a grant of #, +/# or $SYS/# gives one identity the whole broker: every device's data, commands and the broker's internals",
);
pub const CROSS_DEVICE_WRITE: Rule = rule(
    "MQA103",
    "cross-device-write",
    "a wildcard where the device id belongs lets one device send commands to all the others",
);
pub const PATTERN_WITHOUT_IDENTITY: Rule = rule(
    "MQA104",
    "pattern-without-identity",
    "a pattern applies to every client: one that names a device's topic without %u or %c gives that device's topic to all",
);
pub const UNBOUND_USERNAME: Rule = rule(
    "MQA105",
    "username-not-bound",
    "an ACL keyed by username only binds what the broker authenticated: without use_identity_as_username a device claims any username and gets its rights",
);
pub const BAD_ACL_LINE: Rule = rule(
    "MQA106",
    "acl-unreadable",
    "Mosquitto refuses to start, or ignores rules, when its acl_file or dynamic-security file cannot be used",
);
pub const OPEN_DYNSEC_DEFAULT: Rule = rule(
    "MQA107",
    "dynsec-open-default",
    "the dynamic-security plugin's default access applies to every client no role covers: an open default is no authorization",
);

// Pitfall 2: shared PSKs.
pub const SHARED_PSK: Rule = rule(
    "MQA201",
    "shared-psk",
    "a shared PSK lets one extracted device impersonate the whole batch",
);
pub const SHORT_PSK: Rule = rule(
    "MQA202",
    "short-psk",
    "a PSK under 16 bytes (128 bits) can be searched offline from one recorded handshake",
);
pub const WEAK_PSK: Rule = rule(
    "MQA203",
    "weak-psk",
    "a PSK with a visible pattern was not drawn from a random source and may be guessed",
);
pub const PSK_FILE_READABLE: Rule = rule(
    "MQA204",
    "psk-file-readable",
    "anyone who can read the psk_file holds every device's key",
);
pub const PSK_WITHOUT_HINT: Rule = rule(
    "MQA205",
    "psk-without-hint",
    "Mosquitto enables TLS-PSK on a listener only with psk_hint: without it the listener is plain TCP and the psk_file authenticates nobody",
);
pub const PSK_FILE_LINES: Rule = rule(
    "MQA206",
    "psk-file-unusable",
    "Mosquitto skips or refuses psk_file lines it cannot parse, so those devices cannot connect",
);

// Pitfall 3: time and validity.
pub const BROKER_CERT_VALIDITY: Rule = rule(
    "MQA301",
    "broker-certificate-validity",
    "devices refuse a broker certificate outside its validity period: every connection fails at once",
);
pub const CA_VALIDITY: Rule = rule(
    "MQA302",
    "ca-validity",
    "when the CA that anchors client certificates expires, the broker refuses every device",
);
pub const CRL_VALIDITY: Rule = rule(
    "MQA303",
    "crl-validity",
    "a CRL past its nextUpdate makes Mosquitto refuse every client certificate, revoked or not",
);
pub const CRL_MISSING: Rule = rule(
    "MQA304",
    "crl-missing",
    "revocations the broker does not read do not exist: a revoked device still connects",
);

// Pitfall 4: broker identity.
pub const NO_SERVER_AUTH: Rule = rule(
    "MQA401",
    "no-server-auth",
    "a certificate whose extended key usage excludes serverAuth is refused by clients that verify the broker",
);
pub const NO_SANS: Rule = rule(
    "MQA402",
    "no-sans",
    "clients match the broker against subject alternative names only; a certificate without them fails hostname verification everywhere",
);
pub const SANS_MISS_NAME: Rule = rule(
    "MQA403",
    "sans-miss-name",
    "a device that dials a name the certificate does not hold fails hostname verification",
);
pub const KEY_MISMATCH: Rule = rule(
    "MQA404",
    "key-mismatch",
    "a keyfile that is not the certificate's key stops the listener from starting",
);
pub const NO_INTERMEDIATE: Rule = rule(
    "MQA405",
    "no-intermediate",
    "devices hold only the root: a broker that does not send its intermediate cannot be verified by them",
);
pub const KEY_READABLE: Rule = rule(
    "MQA406",
    "key-readable",
    "whoever reads the broker's private key can impersonate the broker to every device",
);
pub const MISSING_FILE: Rule = rule(
    "MQA407",
    "missing-file",
    "Mosquitto does not start when a file its configuration names cannot be read",
);

// Pitfall 5: scaling.
pub const NO_MAX_CONNECTIONS: Rule = rule(
    "MQA501",
    "no-max-connections",
    "an unlimited listener lets a reconnect storm exhaust file descriptors and memory",
);
pub const NO_SESSION_RESUMPTION: Rule = rule(
    "MQA502",
    "no-session-resumption",
    "every reconnect costs a full handshake; Mosquitto 2.0 has no setting for TLS session resumption, so plan CPU for reconnect storms",
);
pub const ENROLLMENT_PACKET_LIMIT: Rule = rule(
    "MQA503",
    "enrollment-packet-limit",
    "a broker that carries enrollment requests without max_packet_size holds and delivers a publish of any size on them: one device can stall or slow the enrollment service for the whole fleet",
);

// Listeners.
pub const PLAIN_TCP: Rule = rule(
    "MQA601",
    "plain-tcp",
    "MQTT over plain TCP sends credentials and data in the clear to anyone on the path",
);
pub const ANONYMOUS: Rule = rule(
    "MQA602",
    "anonymous",
    "allow_anonymous true lets anyone who reaches the port connect without any credential",
);
pub const OLD_TLS: Rule = rule(
    "MQA603",
    "old-tls",
    "TLS before 1.2 has known weaknesses and no modern cipher suites",
);
pub const CLIENTS_UNAUTHENTICATED: Rule = rule(
    "MQA604",
    "clients-unauthenticated",
    "TLS without client certificates, passwords or PSKs authenticates the broker only: any client is a device",
);

pub const ALL: &[Rule] = &[
    NO_AUTHORIZATION,
    WILDCARD_GRANT,
    CROSS_DEVICE_WRITE,
    PATTERN_WITHOUT_IDENTITY,
    UNBOUND_USERNAME,
    BAD_ACL_LINE,
    OPEN_DYNSEC_DEFAULT,
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
];
