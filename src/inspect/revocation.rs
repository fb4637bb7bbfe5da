//! CRLs given on the command line, indexed by issuer for revocation lookups.

use super::error::InspectError;
use crate::pki::Serial;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;
use x509_parser::x509::SubjectPublicKeyInfo;

#[derive(Debug, Clone)]
pub struct LoadedCrl {
    pub path: PathBuf,
    der: Vec<u8>,
    pub issuer_raw: Vec<u8>,
    pub issuer: String,
    pub this_update: OffsetDateTime,
    pub next_update: Option<OffsetDateTime>,
    /// The authority key identifier, which names the issuer's key (not just its name).
    pub authority_key_id: Option<Vec<u8>>,
    /// A critical extension (of the CRL or of an entry) whose meaning mqauth does not apply, so
    /// the CRL cannot be relied on (RFC 5280 5.2: such a CRL must not be used).
    pub unhandled_critical: bool,
    revoked: HashSet<Vec<u8>>,
}

/// CRL extensions mqauth understands: authorityKeyIdentifier and issuingDistributionPoint (as
/// OpenSSL); crlNumber is informational and never critical. Delta CRLs and indirect CRLs are
/// not applied, so their markers are unhandled.
const HANDLED_CRITICAL_CRL: &[&str] = &["2.5.29.35", "2.5.29.28"];
/// Entry extensions: reasonCode and invalidityDate (certificateIssuer, of indirect CRLs, is not).
const HANDLED_CRITICAL_ENTRY: &[&str] = &["2.5.29.21", "2.5.29.24"];

impl LoadedCrl {
    pub fn revokes(&self, serial: &[u8]) -> bool {
        self.revoked.contains(Serial::from_bytes(serial).as_bytes())
    }

    /// Whether this CRL claims to come from the key with subject key identifier `ski` (a CRL
    /// without an AKI, or an issuer without an SKI, cannot be told apart by key).
    pub fn from_key(&self, ski: Option<&[u8]>) -> bool {
        match (&self.authority_key_id, ski) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        }
    }

    /// Checks the CRL's signature with its issuer's public key.
    pub fn signed_by(&self, issuer_key: &SubjectPublicKeyInfo<'_>) -> bool {
        CertificateRevocationList::from_der(&self.der)
            .map(|(_, crl)| crl.verify_signature(issuer_key).is_ok())
            .unwrap_or(false)
    }
}

#[derive(Debug, Clone, Default)]
pub struct CrlSet {
    crls: Vec<LoadedCrl>,
}

impl CrlSet {
    /// Loads every CRL in `paths` (PEM, possibly several per file, or DER).
    pub fn load(paths: &[PathBuf]) -> Result<CrlSet, InspectError> {
        let mut set = CrlSet::default();
        for path in paths {
            let bytes =
                crate::input::read(path, crate::input::Kind::Certificates).map_err(|e| {
                    InspectError::Crl {
                        path: path.clone(),
                        message: e.reason(),
                    }
                })?;
            set.add(path, &bytes)?;
        }
        Ok(set)
    }

    /// Adds the CRLs in `bytes` (the contents of `path`: PEM or DER).
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> Result<(), InspectError> {
        for der in crl_ders(path, bytes)? {
            self.crls.push(parse(path, der)?);
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.crls.is_empty()
    }

    /// Every CRL loaded.
    pub fn crls(&self) -> &[LoadedCrl] {
        &self.crls
    }

    /// The CRLs issued by the CA whose subject is `issuer_raw` (DER).
    pub fn by_issuer<'a>(&'a self, issuer_raw: &'a [u8]) -> impl Iterator<Item = &'a LoadedCrl> {
        self.crls.iter().filter(move |c| c.issuer_raw == issuer_raw)
    }

    /// Whether a CRL from this certificate's issuer (same name, and same key where both name
    /// one) lists its serial.
    pub fn is_revoked(
        &self,
        issuer_raw: &[u8],
        authority_key_id: Option<&[u8]>,
        serial: &[u8],
    ) -> bool {
        self.by_issuer(issuer_raw)
            .any(|c| c.from_key(authority_key_id) && c.revokes(serial))
    }
}

pub(super) fn crl_ders(path: &Path, bytes: &[u8]) -> Result<Vec<Vec<u8>>, InspectError> {
    let bad = |message: String| InspectError::Crl {
        path: path.to_path_buf(),
        message,
    };
    if bytes.first() == Some(&0x30) {
        return Ok(vec![bytes.to_vec()]);
    }
    let blocks = pem::parse_many(bytes).map_err(|e| bad(format!("damaged PEM: {e}")))?;
    let ders: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|b| b.tag() == "X509 CRL")
        .map(|b| b.into_contents())
        .collect();
    if ders.is_empty() {
        return Err(bad("no X509 CRL block in it".into()));
    }
    Ok(ders)
}

fn parse(path: &Path, der: Vec<u8>) -> Result<LoadedCrl, InspectError> {
    crate::strict_der::check(&der)
        .and_then(|()| crate::strict_der::check_signed(&der, crate::strict_der::Signed::Crl))
        .map_err(|e| InspectError::Crl {
            path: path.to_path_buf(),
            message: format!("not a valid CRL: {e}"),
        })?;
    let (rest, crl) = CertificateRevocationList::from_der(&der).map_err(|e| InspectError::Crl {
        path: path.to_path_buf(),
        message: format!("not a valid CRL: {e}"),
    })?;
    if !rest.is_empty() {
        return Err(InspectError::Crl {
            path: path.to_path_buf(),
            message: "trailing bytes after the CRL".into(),
        });
    }
    let unhandled = |e: &x509_parser::extensions::X509Extension<'_>, handled: &[&str]| {
        e.critical && !handled.contains(&e.oid.to_id_string().as_str())
    };
    let unhandled_critical = crl
        .extensions()
        .iter()
        .any(|e| unhandled(e, HANDLED_CRITICAL_CRL))
        || crl.iter_revoked_certificates().any(|r| {
            r.extensions()
                .iter()
                .any(|e| unhandled(e, HANDLED_CRITICAL_ENTRY))
        });
    let revoked = crl
        .iter_revoked_certificates()
        .map(|r| Serial::from_bytes(r.raw_serial()).as_bytes().to_vec())
        .collect();
    let loaded = LoadedCrl {
        path: path.to_path_buf(),
        issuer_raw: crl.issuer().as_raw().to_vec(),
        issuer: crl.issuer().to_string(),
        this_update: crl.last_update().to_datetime(),
        next_update: crl.next_update().map(|t| t.to_datetime()),
        authority_key_id: crl
            .extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                x509_parser::extensions::ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    aki.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                _ => None,
            }),
        unhandled_critical,
        revoked,
        der: Vec::new(),
    };
    Ok(LoadedCrl { der, ..loaded })
}
