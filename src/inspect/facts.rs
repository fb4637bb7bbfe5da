//! What a person (or a CI job) wants to know about one certificate.

use crate::pki::{Serial, describe_key};
use serde::Serialize;
use std::net::IpAddr;
use time::OffsetDateTime;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::X509Certificate;
use x509_parser::x509::X509Name;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertStatus {
    Valid,
    Expiring,
    NotYetValid,
    Expired,
    Revoked,
}

impl CertStatus {
    pub fn id(self) -> &'static str {
        match self {
            CertStatus::Valid => "valid",
            CertStatus::Expiring => "expiring",
            CertStatus::NotYetValid => "not-yet-valid",
            CertStatus::Expired => "expired",
            CertStatus::Revoked => "revoked",
        }
    }

    /// Whether this status fails a CI check (exit 4), as opposed to warning about it (3).
    pub fn is_problem(self) -> bool {
        !matches!(self, CertStatus::Valid | CertStatus::Expiring)
    }
}

/// Facts read from a certificate; the status is decided later, against a clock and CRLs.
#[derive(Debug, Clone, Serialize)]
pub struct CertFacts {
    /// The subject's CN, or the whole subject when it has none.
    pub subject: String,
    pub subject_dn: String,
    pub issuer: String,
    pub issuer_dn: String,
    pub serial: String,
    /// e.g. `P-256`, `RSA 3072`.
    pub key: String,
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    pub sans: Vec<String>,
    pub eku: Vec<String>,
    pub is_ca: bool,
    /// SHA-256 of the subjectPublicKeyInfo, to match a certificate with its private key.
    #[serde(skip)]
    pub spki_sha256: [u8; 32],
    /// The issuer's DN as DER, for matching against CRLs.
    #[serde(skip)]
    pub issuer_raw: Vec<u8>,
    #[serde(skip)]
    pub serial_bytes: Vec<u8>,
    #[serde(skip)]
    pub authority_key_id: Option<Vec<u8>>,
}

fn common_name(name: &X509Name<'_>) -> String {
    name.iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| name.to_string())
}

fn eku_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(eku)) = cert.extended_key_usage() else {
        return Vec::new();
    };
    let eku = eku.value;
    let mut out = Vec::new();
    for (on, name) in [
        (eku.server_auth, "serverAuth"),
        (eku.client_auth, "clientAuth"),
        (eku.code_signing, "codeSigning"),
        (eku.email_protection, "emailProtection"),
        (eku.time_stamping, "timeStamping"),
        (eku.ocsp_signing, "OCSPSigning"),
        (eku.any, "anyExtendedKeyUsage"),
    ] {
        if on {
            out.push(name.to_string());
        }
    }
    out.extend(eku.other.iter().map(|oid| oid.to_id_string()));
    out
}

fn san_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for ext in cert.iter_extensions() {
        if let ParsedExtension::SubjectAlternativeName(alt) = ext.parsed_extension() {
            for name in &alt.general_names {
                out.push(match name {
                    GeneralName::DNSName(d) => format!("DNS:{d}"),
                    GeneralName::IPAddress(raw) => match raw.len() {
                        4 => format!(
                            "IP:{}",
                            IpAddr::from(<[u8; 4]>::try_from(*raw).unwrap_or_default())
                        ),
                        16 => format!(
                            "IP:{}",
                            IpAddr::from(<[u8; 16]>::try_from(*raw).unwrap_or_default())
                        ),
                        _ => "IP:(malformed)".into(),
                    },
                    GeneralName::RFC822Name(m) => format!("email:{m}"),
                    GeneralName::URI(u) => format!("URI:{u}"),
                    other => format!("{other:?}"),
                });
            }
        }
    }
    out
}

impl CertFacts {
    pub fn read(cert: &X509Certificate<'_>) -> CertFacts {
        let spki_digest = ring::digest::digest(&ring::digest::SHA256, cert.public_key().raw);
        let mut spki_sha256 = [0u8; 32];
        spki_sha256.copy_from_slice(spki_digest.as_ref());
        CertFacts {
            subject: common_name(cert.subject()),
            subject_dn: cert.subject().to_string(),
            issuer: common_name(cert.issuer()),
            issuer_dn: cert.issuer().to_string(),
            serial: Serial::from_bytes(cert.raw_serial()).to_string(),
            key: describe_key(cert.public_key()),
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            sans: san_names(cert),
            eku: eku_names(cert),
            is_ca: cert.is_ca(),
            spki_sha256,
            issuer_raw: cert.issuer().as_raw().to_vec(),
            serial_bytes: Serial::from_bytes(cert.raw_serial()).as_bytes().to_vec(),
            authority_key_id: cert
                .iter_extensions()
                .find_map(|e| match e.parsed_extension() {
                    ParsedExtension::AuthorityKeyIdentifier(aki) => {
                        aki.key_identifier.as_ref().map(|k| k.0.to_vec())
                    }
                    _ => None,
                }),
        }
    }

    /// Whole days until expiry, negative once expired.
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        crate::lifetime::days_until(now, self.not_after)
    }

    pub fn status(&self, now: OffsetDateTime, warn: time::Duration, revoked: bool) -> CertStatus {
        if revoked {
            CertStatus::Revoked
        } else if self.not_after < now {
            CertStatus::Expired
        } else if self.not_before > now {
            CertStatus::NotYetValid
        } else if self.not_after <= now + warn {
            CertStatus::Expiring
        } else {
            CertStatus::Valid
        }
    }
}
