//! The enrollment protocol on the wire: topics, and the JSON answer a device receives
//! (README, "Enrollment over MQTT", is the specification firmware is written from).

use serde::Serialize;

/// The prefix of every enrollment topic unless configured otherwise.
pub const DEFAULT_PREFIX: &str = "mqauth/enroll";

/// The largest request answered; anything longer is refused unread (`too-large`).
pub const MAX_PAYLOAD: usize = 16 * 1024;

/// The largest MQTT packet on a broker that serves enrollment, and the largest the service
/// reads: one number for both, so that every request the broker takes is answered (requests
/// over [`MAX_PAYLOAD`] with `too-large`) and nothing larger reaches the service. Room for
/// devices' own messages too, since Mosquitto's limit is for every client.
pub const MAX_PACKET: u32 = 256 * 1024;

/// The most messages a broker serving enrollment queues for one client (Mosquitto's
/// `max_queued_messages`): the service's session must hold a flood from one device and every
/// other device's request behind it, and the backlog of a restart.
pub const BROKER_MAX_QUEUED: u32 = 100_000;

/// What a device asks for, from the last level of the topic it published to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ask {
    /// `{prefix}/{id}/csr`: a first certificate, connected with the bootstrap PSK.
    Enroll,
    /// `{prefix}/{id}/renew`: a new certificate, connected with the current one.
    Renew,
}

impl Ask {
    /// The last level of the request topic: `csr` or `renew`.
    pub fn topic_level(self) -> &'static str {
        match self {
            Ask::Enroll => "csr",
            Ask::Renew => "renew",
        }
    }
}

/// Checks a topic prefix for the protocol: a plain topic (no wildcards, no `{}` placeholders,
/// no empty level, no leading or trailing space or control character) outside the broker's
/// `$` topics. The one rule for prefixes, whether they come from a manifest or a flag.
pub fn validate_prefix(prefix: &str) -> Result<(), String> {
    if prefix.is_empty() {
        return Err("the prefix is empty".into());
    }
    // Room for `/{id}/result` within MQTT's limit.
    if prefix.len() > 60_000 {
        return Err("the prefix is longer than 60000 bytes".into());
    }
    if prefix.trim() != prefix || prefix.chars().any(char::is_control) {
        return Err(format!(
            "{prefix:?} starts or ends with whitespace or holds a control character"
        ));
    }
    if prefix.contains(['+', '#', '{', '}']) {
        return Err(format!("{prefix:?} holds a wildcard or placeholder"));
    }
    if prefix.starts_with('$') {
        return Err(format!(
            "{prefix:?}: topics beginning with $ belong to the broker"
        ));
    }
    if prefix.split('/').any(str::is_empty) {
        return Err(format!("{prefix:?} has an empty level"));
    }
    Ok(())
}

/// The subscriptions that carry requests under `prefix`.
pub fn request_filters(prefix: &str) -> [String; 2] {
    [format!("{prefix}/+/csr"), format!("{prefix}/+/renew")]
}

/// The device and what it asks, when `topic` is a request topic under `prefix`.
pub fn parse_topic<'t>(prefix: &str, topic: &'t str) -> Option<(&'t str, Ask)> {
    let rest = topic.strip_prefix(prefix)?.strip_prefix('/')?;
    let (device, last) = rest.split_once('/')?;
    let ask = match last {
        "csr" => Ask::Enroll,
        "renew" => Ask::Renew,
        _ => return None,
    };
    (!device.is_empty()).then_some((device, ask))
}

/// Where the answer to `device` goes.
pub fn result_topic(prefix: &str, device: &str) -> String {
    format!("{prefix}/{device}/result")
}

/// Why a request was refused: the `code` of a rejection. Each is stable, documented, tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// The payload is over [`MAX_PAYLOAD`] bytes.
    TooLarge,
    /// Not a certificate signing request (garbage, a certificate, a key).
    NotACsr,
    /// A CSR whose self-signature does not verify, or which asks for CA rights.
    BadCsr,
    /// A key type the service does not certify.
    KeyNotAllowed,
    /// The CSR's CN is not the device id of the topic.
    CnMismatch,
    /// The device id is not a valid name (characters, length).
    BadDeviceId,
    /// The device may not enroll (not a bootstrap identity; not in an enrolling group).
    UnknownDevice,
    /// `/csr` from a device that holds a valid certificate for another key.
    AlreadyEnrolled,
    /// `/renew` from a device without a valid certificate.
    NotEnrolled,
    /// The CSR's public key is that of a revoked certificate (any device's, any reason):
    /// refused forever, whoever asks; the device must generate a new key.
    RevokedKey,
    /// The device's newest certificate was revoked, and no operator has allowed it to enroll
    /// again (`mqauth enroll allow`).
    Revoked,
    /// Too many requests from this device.
    RateLimited,
    /// The service could not issue (its PKI failed); the device should retry later.
    Internal,
}

/// How long a device waits after an `internal-error` before it asks again, in seconds.
pub const RETRY_AFTER_INTERNAL: u64 = 30;

impl Rejection {
    /// Seconds a device should wait before asking again, for the refusals that are not final.
    pub fn retry_after(self) -> Option<u64> {
        match self {
            Rejection::RateLimited => Some(super::policy::RATE_WINDOW.as_secs()),
            Rejection::Internal => Some(RETRY_AFTER_INTERNAL),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Rejection::TooLarge => "too-large",
            Rejection::NotACsr => "not-a-csr",
            Rejection::BadCsr => "bad-csr",
            Rejection::KeyNotAllowed => "key-not-allowed",
            Rejection::CnMismatch => "cn-mismatch",
            Rejection::BadDeviceId => "bad-device-id",
            Rejection::UnknownDevice => "unknown-device",
            Rejection::AlreadyEnrolled => "already-enrolled",
            Rejection::NotEnrolled => "not-enrolled",
            Rejection::RevokedKey => "revoked-key",
            Rejection::Revoked => "revoked",
            Rejection::RateLimited => "rate-limited",
            Rejection::Internal => "internal-error",
        }
    }
}

/// The JSON published on `{prefix}/{id}/result` (docs/enrollment-protocol.md; its schema is
/// docs/enrollment-answer.schema.json).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Answer {
    #[serde(flatten)]
    pub verdict: Verdict,
    /// SHA-256 of the request's payload, hex: what an MQTT 3.1.1 device matches its answer with
    /// (an MQTT 5 device also gets its Correlation Data back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_sha256: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Verdict {
    Issued {
        /// The device's certificate, PEM.
        certificate: String,
        /// The intermediate(s) between it and the root, PEM (empty without an intermediate).
        chain: String,
        /// Hex, as `openssl x509 -serial` prints it.
        serial: String,
        /// RFC 3339.
        not_after: String,
        /// True for a certificate issued for this request; false for one the device holds
        /// already, sent again (its earlier answer was lost, or a renewal is not due yet).
        new: bool,
        /// RFC 3339: when to ask for a renewal; inside the renewal window, spread per
        /// certificate so that a fleet enrolled in one day does not renew in one hour.
        renew_after: String,
    },
    Rejected {
        code: &'static str,
        message: String,
        /// Seconds to wait before asking again (`rate-limited`, `internal-error`).
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
}

impl Answer {
    pub fn rejected(why: Rejection, message: impl Into<String>) -> Answer {
        Answer {
            verdict: Verdict::Rejected {
                code: why.code(),
                message: message.into(),
                retry_after: why.retry_after(),
            },
            request_sha256: None,
        }
    }

    pub fn is_issued(&self) -> bool {
        matches!(self.verdict, Verdict::Issued { .. })
    }

    /// The rejection code, when it is one.
    pub fn code(&self) -> Option<&'static str> {
        match self.verdict {
            Verdict::Rejected { code, .. } => Some(code),
            Verdict::Issued { .. } => None,
        }
    }

    /// The answer to the request whose payload is `payload`.
    pub fn to_request(mut self, payload: &[u8]) -> Answer {
        let digest = ring::digest::digest(&ring::digest::SHA256, payload);
        self.request_sha256 = Some(digest.as_ref().iter().map(|b| format!("{b:02x}")).collect());
        self
    }

    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics() {
        assert_eq!(
            parse_topic("mqauth/enroll", "mqauth/enroll/dev-1/csr"),
            Some(("dev-1", Ask::Enroll))
        );
        assert_eq!(
            parse_topic("mqauth/enroll", "mqauth/enroll/dev-1/renew"),
            Some(("dev-1", Ask::Renew))
        );
        assert_eq!(
            parse_topic("mqauth/enroll", "mqauth/enroll/dev-1/result"),
            None
        );
        assert_eq!(parse_topic("mqauth/enroll", "mqauth/enroll//csr"), None);
        assert_eq!(parse_topic("mqauth/enroll", "other/dev-1/csr"), None);
        assert_eq!(result_topic("p", "d"), "p/d/result");
    }

    #[test]
    fn prefixes() {
        assert!(validate_prefix("mqauth/enroll").is_ok());
        assert!(validate_prefix("x").is_ok());
        for bad in [
            "", "a/#", "a/+/b", "a/", "/a", "a//b", "$SYS/x", "a/{id}", " a", "a\nb",
        ] {
            assert!(validate_prefix(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn answers_are_tagged_json() {
        let json = Answer::rejected(Rejection::CnMismatch, "x")
            .to_json()
            .expect("json");
        let json = String::from_utf8(json).expect("utf-8");
        assert_eq!(
            json,
            r#"{"status":"rejected","code":"cn-mismatch","message":"x"}"#
        );
        let json = Answer::rejected(Rejection::RateLimited, "x")
            .to_request(b"abc")
            .to_json()
            .expect("json");
        assert_eq!(
            String::from_utf8(json).expect("utf-8"),
            r#"{"status":"rejected","code":"rate-limited","message":"x","retry_after":60,"request_sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}"#
        );
    }
}
