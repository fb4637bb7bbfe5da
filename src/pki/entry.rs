//! What the PKI records about each certificate it issued, and a snapshot of all of them.

use super::keys::KeyAlgorithm;
use super::profile::{Profile, San};
use super::serial::Serial;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Valid,
    Revoked,
    /// Replaced by a renewal; still cryptographically valid until it expires.
    Superseded,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Revoked => "revoked",
            Status::Superseded => "superseded",
        }
    }
}

/// RFC 5280 CRLReason values a user can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    Unspecified,
    KeyCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::Unspecified,
        Reason::KeyCompromise,
        Reason::AffiliationChanged,
        Reason::Superseded,
        Reason::CessationOfOperation,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "keyCompromise",
            Reason::AffiliationChanged => "affiliationChanged",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessationOfOperation",
        }
    }
}

impl crate::choice::Choice for Reason {
    const ALL: &'static [Self] = &Reason::ALL;
    fn id(self) -> &'static str {
        Reason::id(self)
    }
    fn help(self) -> &'static str {
        match self {
            Reason::Unspecified => "no reason given (left out of the CRL, as RFC 5280 asks)",
            Reason::KeyCompromise => "the private key was lost or stolen",
            Reason::AffiliationChanged => "the device changed hands",
            Reason::Superseded => "replaced by a newer certificate",
            Reason::CessationOfOperation => "the device was retired",
        }
    }
}

/// What a certificate's state is now: its recorded status, or expired by the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Valid,
    Expired,
    Revoked,
    Superseded,
}

impl crate::choice::Choice for State {
    const ALL: &'static [Self] = &[
        State::Valid,
        State::Expired,
        State::Revoked,
        State::Superseded,
    ];
    fn id(self) -> &'static str {
        match self {
            State::Valid => "valid",
            State::Expired => "expired",
            State::Revoked => "revoked",
            State::Superseded => "superseded",
        }
    }
    fn help(self) -> &'static str {
        match self {
            State::Valid => "in force and not expired",
            State::Expired => "past its not-after date",
            State::Revoked => "revoked (listed in the CRL)",
            State::Superseded => "replaced by a renewal",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown revocation reason {0:?}; choose one of keyCompromise, superseded, cessationOfOperation, affiliationChanged, unspecified"
)]
pub struct UnknownReason(pub String);

impl FromStr for Reason {
    type Err = UnknownReason;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.to_ascii_lowercase().replace(['-', '_'], "");
        Reason::ALL
            .into_iter()
            .find(|r| r.id().to_ascii_lowercase() == wanted)
            .ok_or_else(|| UnknownReason(s.to_string()))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub serial: Serial,
    pub name: String,
    pub profile: Profile,
    pub subject: String,
    pub issuer: String,
    #[serde(default)]
    pub sans: Vec<San>,
    pub key: KeyAlgorithm,
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    pub status: Status,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub reason: Option<Reason>,
    /// Set on a superseded entry: the serial of the certificate that replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<Serial>,
    /// SHA-256 of the certificate's DER, lowercase hex (unknown for certificates migrated
    /// from an index.json whose file was replaced since).
    #[serde(default)]
    pub fingerprint_sha256: Option<String>,
    /// Whether mqauth holds the private key (`private/NAME.key`), as opposed to a key that
    /// came in a CSR and stays on the device.
    #[serde(default)]
    pub key_held: bool,
    /// SHA-256 of the certificate's SubjectPublicKeyInfo DER, lowercase hex: how a CSR for the
    /// key of a revoked certificate is recognised. Unknown (None) for a certificate recorded
    /// before mqauth kept it whose file was replaced or unreadable when the records were
    /// brought up to date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spki_sha256: Option<String>,
    /// Set on a revoked certificate when an operator allowed its device to enroll again
    /// (`enroll allow`): the revocation no longer blocks the device (its key stays refused).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub allowed_at: Option<OffsetDateTime>,
}

impl Entry {
    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        self.not_after < now
    }

    /// The status people care about: revoked and superseded as recorded, otherwise expired
    /// or valid by the clock.
    pub fn state(&self, now: OffsetDateTime) -> State {
        match self.status {
            Status::Valid if self.is_expired_at(now) => State::Expired,
            Status::Valid => State::Valid,
            Status::Revoked => State::Revoked,
            Status::Superseded => State::Superseded,
        }
    }

    /// Whole days until expiry, negative once expired.
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        crate::lifetime::days_until(now, self.not_after)
    }
}

/// SHA-256 of a public key's SubjectPublicKeyInfo DER, lowercase hex: the key's identity in
/// the records, whatever certificate or CSR carries it.
pub fn spki_sha256(spki_der: &[u8]) -> String {
    fingerprint(spki_der)
}

/// The SHA-256 of the SubjectPublicKeyInfo of the certificate `der`, when it parses.
pub fn spki_sha256_of_certificate(der: &[u8]) -> Option<String> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    Some(spki_sha256(cert.public_key().raw))
}

/// SHA-256 of a certificate's DER, lowercase hex without colons.
pub fn fingerprint(der: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = String::with_capacity(64);
    for b in digest.as_ref() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Every certificate the PKI issued, as read at one moment, with its default key type: for
/// commands that need the whole picture (a fleet's survey, `inspect --pki`, `pki list`).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub key: KeyAlgorithm,
    /// In the order they were issued.
    pub certificates: Vec<Entry>,
}

impl Snapshot {
    pub fn new(key: KeyAlgorithm) -> Self {
        Snapshot {
            key,
            certificates: Vec::new(),
        }
    }

    /// The leaf certificate currently in force for each name: the one with status valid. CA
    /// certificates are left out; their names ("root", "intermediate") do not reserve those
    /// names for leaves.
    pub fn current_leaves(&self) -> HashMap<&str, usize> {
        let mut map = HashMap::with_capacity(self.certificates.len());
        for (i, e) in self.certificates.iter().enumerate() {
            if e.status == Status::Valid && !e.profile.is_ca() {
                map.insert(e.name.as_str(), i);
            }
        }
        map
    }
}
