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
/// Serialised as the rows of `inspect --json` (README, "JSON output").
#[derive(Debug, Clone, Serialize)]
pub struct CertFacts {
    /// The subject as a distinguished name (RFC 4514), e.g. `CN=sensor-0001`.
    pub subject: String,
    /// The subject's common name, when it has one.
    pub cn: Option<String>,
    pub issuer: String,
    pub issuer_cn: Option<String>,
    pub serial: String,
    /// The key type as `--key` spells it: `p256`, `rsa3072`; `rsa1024`, `ec-secp256k1` for
    /// keys mqauth does not make.
    pub key: String,
    /// The key type as people read it: `P-256`, `RSA 3072`.
    #[serde(skip)]
    pub key_label: String,
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    pub sans: Vec<String>,
    pub key_usage: Vec<String>,
    pub eku: Vec<String>,
    pub is_ca: bool,
    /// SHA-256 of the certificate's DER, lowercase hex (as `openssl x509 -fingerprint
    /// -sha256` prints it, without colons).
    pub fingerprint_sha256: String,
    /// The extensions present, by name, for the detail view.
    #[serde(skip)]
    pub extensions: Vec<ExtensionFact>,
    /// The subjectPublicKey bits, to match a certificate with its private key.
    #[serde(skip)]
    pub public_key: Vec<u8>,
    /// The issuer's DN as DER, for matching against CRLs.
    #[serde(skip)]
    pub issuer_raw: Vec<u8>,
    #[serde(skip)]
    pub serial_bytes: Vec<u8>,
    #[serde(skip)]
    pub authority_key_id: Option<Vec<u8>>,
}

/// One extension of a certificate, by name.
#[derive(Debug, Clone, Serialize)]
pub struct ExtensionFact {
    pub name: String,
    pub critical: bool,
}

impl CertFacts {
    /// A name for tables: the CN, or the whole subject when there is none.
    pub fn name(&self) -> &str {
        self.cn.as_deref().unwrap_or(&self.subject)
    }

    pub fn issuer_name(&self) -> &str {
        self.issuer_cn.as_deref().unwrap_or(&self.issuer)
    }
}

fn common_name(name: &X509Name<'_>) -> Option<String> {
    name.iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_string)
}

fn key_usage_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(ku)) = cert.key_usage() else {
        return Vec::new();
    };
    let ku = ku.value;
    [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| name.to_string())
    .collect()
}

fn extension_names(cert: &X509Certificate<'_>) -> Vec<ExtensionFact> {
    // Built once: a registry is a map of hundreds of names, and inspect reads 100,000 files.
    static REGISTRY: std::sync::LazyLock<x509_parser::oid_registry::OidRegistry<'static>> =
        std::sync::LazyLock::new(|| x509_parser::oid_registry::OidRegistry::default().with_x509());
    let registry = &*REGISTRY;
    cert.iter_extensions()
        .map(|e| ExtensionFact {
            name: registry
                .get(&e.oid)
                .map(|entry| entry.sn().to_string())
                .unwrap_or_else(|| e.oid.to_id_string()),
            critical: e.critical,
        })
        .collect()
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
    /// The facts of `cert`, whose DER is `der`.
    pub fn read(der: &[u8], cert: &X509Certificate<'_>) -> CertFacts {
        let (key, key_label) = describe_key(cert.public_key());
        CertFacts {
            subject: cert.subject().to_string(),
            cn: common_name(cert.subject()),
            issuer: cert.issuer().to_string(),
            issuer_cn: common_name(cert.issuer()),
            serial: Serial::from_bytes(cert.raw_serial()).to_string(),
            key,
            key_label,
            not_before: cert.validity().not_before.to_datetime(),
            not_after: cert.validity().not_after.to_datetime(),
            sans: san_names(cert),
            key_usage: key_usage_names(cert),
            eku: eku_names(cert),
            is_ca: cert.is_ca(),
            fingerprint_sha256: crate::pki::fingerprint(der),
            extensions: extension_names(cert),
            public_key: cert.public_key().subject_public_key.data.to_vec(),
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
