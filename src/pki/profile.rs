//! Certificate profiles (RFC 5280): which extensions each kind of certificate carries.
//!
//! rcgen defaults are unsafe to rely on (a default subject and 1975–4096 validity), so every
//! field that reaches a certificate is set here explicitly.

use super::keys::KeyAlgorithm;
use super::serial::Serial;
use crate::lifetime::Lifetime;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyIdMethod, KeyUsagePurpose, PublicKeyData, SanType,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Root,
    Intermediate,
    Broker,
    Client,
}

impl Profile {
    pub fn id(self) -> &'static str {
        match self {
            Profile::Root => "root",
            Profile::Intermediate => "intermediate",
            Profile::Broker => "broker",
            Profile::Client => "client",
        }
    }

    pub fn is_ca(self) -> bool {
        matches!(self, Profile::Root | Profile::Intermediate)
    }

    /// How long a certificate of this profile lives unless told otherwise: the root ten years,
    /// the intermediate five, brokers 825 days (the CA/Browser Forum's old ceiling, which many
    /// clients still enforce), devices one year.
    pub const fn default_lifetime(self) -> Lifetime {
        match self {
            Profile::Root => Lifetime::days(3650),
            Profile::Intermediate => Lifetime::days(1825),
            Profile::Broker => Lifetime::days(825),
            Profile::Client => Lifetime::days(365),
        }
    }
}

impl crate::choice::Choice for Profile {
    const ALL: &'static [Self] = &[
        Profile::Root,
        Profile::Intermediate,
        Profile::Broker,
        Profile::Client,
    ];
    fn id(self) -> &'static str {
        Profile::id(self)
    }
    fn help(self) -> &'static str {
        match self {
            Profile::Root => "the root CA",
            Profile::Intermediate => "the issuing CA",
            Profile::Broker => "a server certificate: EKU serverAuth, SANs as requested",
            Profile::Client => "a device certificate: EKU clientAuth, CN = device ID, no SANs",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A subject alternative name as mqauth issues them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum San {
    Dns(String),
    Ip(IpAddr),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SanError {
    #[error(
        "invalid DNS name {0:?}: use letters, digits, '-' and '.', labels of 1-63 characters, optionally starting with '*.'"
    )]
    Dns(String),
    #[error("invalid IP address {0:?}")]
    Ip(String),
}

impl San {
    pub fn dns(name: &str) -> Result<San, SanError> {
        let bad = || SanError::Dns(name.to_string());
        let host = name.strip_suffix('.').unwrap_or(name);
        let rest = host.strip_prefix("*.").unwrap_or(host);
        if host.is_empty() || host.len() > 253 || rest.is_empty() {
            return Err(bad());
        }
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if !rest.split('.').all(label_ok) {
            return Err(bad());
        }
        Ok(San::Dns(host.to_ascii_lowercase()))
    }

    pub fn ip(addr: &str) -> Result<San, SanError> {
        addr.parse()
            .map(San::Ip)
            .map_err(|_| SanError::Ip(addr.to_string()))
    }

    fn to_rcgen(&self) -> Result<SanType, rcgen::Error> {
        Ok(match self {
            San::Dns(name) => SanType::DnsName(name.as_str().try_into()?),
            San::Ip(ip) => SanType::IpAddress(*ip),
        })
    }
}

impl fmt::Display for San {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            San::Dns(name) => write!(f, "DNS:{name}"),
            San::Ip(ip) => write!(f, "IP:{ip}"),
        }
    }
}

impl FromStr for San {
    type Err = SanError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some(("DNS", name)) => San::dns(name),
            Some(("IP", addr)) => San::ip(addr),
            _ => San::dns(s),
        }
    }
}

impl TryFrom<String> for San {
    type Error = SanError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<San> for String {
    fn from(s: San) -> String {
        s.to_string()
    }
}

/// Everything that varies between two certificates of one profile.
#[derive(Debug, Clone)]
pub struct CertSpec<'a> {
    pub profile: Profile,
    pub common_name: &'a str,
    pub sans: &'a [San],
    pub serial: &'a Serial,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    /// The subject's key type: RSA servers also need keyEncipherment for RSA key exchange.
    pub key: KeyAlgorithm,
}

/// Subject key identifier by RFC 7093 method 1: the leftmost 160 bits of the SHA-256 hash of
/// the subjectPublicKey BIT STRING value. (rcgen's own method hashes the whole
/// SubjectPublicKeyInfo, which linters cannot recognise.)
pub fn key_identifier(subject_key: &impl PublicKeyData) -> Vec<u8> {
    let digest = ring::digest::digest(&ring::digest::SHA256, subject_key.der_bytes());
    digest.as_ref()[..20].to_vec()
}

impl CertSpec<'_> {
    /// The rcgen parameters for this certificate, whose subject key is `subject_key`.
    pub fn params(
        &self,
        subject_key: &impl PublicKeyData,
    ) -> Result<CertificateParams, rcgen::Error> {
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, self.common_name);
        params.distinguished_name = dn;
        params.serial_number = Some(self.serial.to_rcgen());
        params.not_before = self.not_before;
        params.not_after = self.not_after;
        params.subject_alt_names = self
            .sans
            .iter()
            .map(San::to_rcgen)
            .collect::<Result<_, _>>()?;
        // Also what the issuer's AKI is taken from when this certificate signs others.
        params.key_identifier_method = KeyIdMethod::PreSpecified(key_identifier(subject_key));
        match self.profile {
            Profile::Root => {
                params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
                params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
            }
            Profile::Intermediate => {
                params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
                params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
                params.use_authority_key_identifier_extension = true;
            }
            Profile::Broker => {
                params.is_ca = IsCa::ExplicitNoCa;
                params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                if self.key.is_rsa() {
                    params.key_usages.push(KeyUsagePurpose::KeyEncipherment);
                }
                params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
                params.use_authority_key_identifier_extension = true;
            }
            Profile::Client => {
                params.is_ca = IsCa::ExplicitNoCa;
                params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
                params.use_authority_key_identifier_extension = true;
            }
        }
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        assert_eq!(
            San::dns("MQTT.acme.example.").unwrap(),
            San::Dns("mqtt.acme.example".into())
        );
        assert!(San::dns("*.acme.example").is_ok());
        for bad in ["", "a..b", "-a.b", "a_b.c", "*.", "a b", "x*.y"] {
            assert!(San::dns(bad).is_err(), "{bad}");
        }
        assert_eq!(
            "IP:::1".parse::<San>().unwrap(),
            San::Ip("::1".parse().unwrap())
        );
        assert_eq!(San::Dns("a.b".into()).to_string(), "DNS:a.b");
    }
}
