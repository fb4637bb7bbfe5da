//! `index.json`: every certificate the PKI ever issued, and the PKI's own settings.

use super::keys::KeyAlgorithm;
use super::profile::{Profile, San};
use super::serial::Serial;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use time::OffsetDateTime;

pub const INDEX_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub version: u32,
    /// Key type for new leaf keys unless a command says otherwise.
    pub key: KeyAlgorithm,
    /// Number of the last CRL signed by the issuing CA (0: none yet).
    #[serde(default)]
    pub crl_number: u64,
    /// Number of the last CRL signed by the root (when there is an intermediate).
    #[serde(default)]
    pub root_crl_number: u64,
    pub certificates: Vec<Entry>,
}

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

#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct IndexError {
    pub path: std::path::PathBuf,
    pub message: String,
}

impl Index {
    pub fn new(key: KeyAlgorithm) -> Self {
        Index {
            version: INDEX_VERSION,
            key,
            crl_number: 0,
            root_crl_number: 0,
            certificates: Vec::new(),
        }
    }

    pub fn parse(bytes: &[u8], path: &Path) -> Result<Index, IndexError> {
        let index: Index = serde_json::from_slice(bytes).map_err(|e| {
            // serde_json appends its own " at line L column C"; say it once, up front.
            let text = e.to_string();
            let message = text
                .rsplit_once(" at line ")
                .map_or(text.as_str(), |(m, _)| m);
            IndexError {
                path: path.to_path_buf(),
                message: format!("line {}, column {}: {message}", e.line(), e.column()),
            }
        })?;
        if index.version != INDEX_VERSION {
            return Err(IndexError {
                path: path.to_path_buf(),
                message: format!(
                    "index version {} is not supported (this mqauth reads version {INDEX_VERSION})",
                    index.version
                ),
            });
        }
        Ok(index)
    }

    /// Serialises the index with one certificate per line: small enough to load fast at
    /// 100,000 entries, and still readable and diff-friendly.
    pub fn to_json(&self, path: &Path) -> Result<Vec<u8>, IndexError> {
        let fail = |e: serde_json::Error| IndexError {
            path: path.to_path_buf(),
            message: format!("cannot serialise: {e}"),
        };
        let mut out = Vec::with_capacity(64 + self.certificates.len() * 400);
        out.extend_from_slice(
            format!(
                "{{\n\"version\": {},\n\"key\": \"{}\",\n\"crl_number\": {},\n\"root_crl_number\": {},\n\"certificates\": [",
                self.version, self.key, self.crl_number, self.root_crl_number
            )
            .as_bytes(),
        );
        for (i, entry) in self.certificates.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            serde_json::to_writer(&mut out, entry).map_err(fail)?;
        }
        out.extend_from_slice(b"\n]\n}\n");
        Ok(out)
    }

    pub fn serials(&self) -> HashSet<Serial> {
        self.certificates.iter().map(|e| e.serial.clone()).collect()
    }

    /// The leaf certificate currently in force for each name: the newest one with status
    /// valid. CA certificates are left out; their index names ("root", "intermediate") do not
    /// reserve those names for leaves.
    pub fn current_leaves(&self) -> HashMap<&str, usize> {
        let mut map = HashMap::with_capacity(self.certificates.len());
        for (i, e) in self.certificates.iter().enumerate() {
            if e.status == Status::Valid && !e.profile.is_ca() {
                map.insert(e.name.as_str(), i);
            }
        }
        map
    }

    pub fn find_serial(&self, serial: &Serial) -> Option<usize> {
        self.certificates.iter().position(|e| &e.serial == serial)
    }
}
