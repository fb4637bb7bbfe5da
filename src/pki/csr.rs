//! Certificate signing requests, for keys generated elsewhere (a secure element, a TPM).
//!
//! The CSR is parsed and its signature verified with x509-parser rather than rcgen: rcgen takes
//! the key type from the signature algorithm (rcgen #448, wrong for a P-384 key signed with
//! SHA-256) and rejects CSRs carrying extensions it does not know. Nothing from the request is
//! copied blindly: the profile decides the extensions, policy decides the subject and SANs.

use super::error::PkiError;
use super::issue::{LeafKey, LeafRequest};
use super::keys::KeyAlgorithm;
use super::profile::{Profile, San};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

/// What a verified CSR asks for.
#[derive(Debug, Clone)]
pub struct CsrRequest {
    pub path: PathBuf,
    pub common_name: Option<String>,
    pub sans: Vec<San>,
    pub spki_der: Vec<u8>,
    pub algorithm: KeyAlgorithm,
}

/// Reads a CSR (PEM or DER), verifies its self-signature and refuses requests for CA rights.
pub fn read_csr(path: &Path) -> Result<CsrRequest, PkiError> {
    let bytes = crate::input::read(path, crate::input::Kind::Certificates)?;
    parse_csr(&bytes, path)
}

pub fn parse_csr(bytes: &[u8], path: &Path) -> Result<CsrRequest, PkiError> {
    let bad = |message: String| PkiError::Csr {
        path: path.to_path_buf(),
        message,
    };
    let der = if bytes.starts_with(b"\x30") {
        bytes.to_vec()
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| bad("neither PEM nor DER: not a certificate signing request".into()))?;
        let block = pem::parse_many(text)
            .map_err(|e| bad(format!("bad PEM: {e}")))?
            .into_iter()
            .find(|b| matches!(b.tag(), "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST"))
            .ok_or_else(|| bad("no CERTIFICATE REQUEST block found".into()))?;
        block.into_contents()
    };
    crate::strict_der::check(&der)
        .and_then(|()| crate::strict_der::check_signed(&der, crate::strict_der::Signed::Request))
        .map_err(|e| bad(format!("not a valid certificate signing request: {e}")))?;
    let (rest, csr) = X509CertificationRequest::from_der(&der)
        .map_err(|e| bad(format!("not a valid certificate signing request: {e}")))?;
    if !rest.is_empty() {
        return Err(bad("trailing bytes after the request".into()));
    }
    let info = &csr.certification_request_info;
    // The key first: a key mqauth cannot certify is the answer, whatever its signature.
    let algorithm = KeyAlgorithm::of_public_key(&info.subject_pki).ok_or_else(|| {
        bad(format!(
            "unsupported key ({}): mqauth signs P-256, P-384, Ed25519 and RSA 2048/3072/4096 keys",
            super::keys::describe_key(&info.subject_pki).1
        ))
    })?;
    csr.verify_signature().map_err(|e| {
        bad(format!(
            "signature does not verify ({e}): the request was altered or not signed by its key"
        ))
    })?;

    let mut sans = Vec::new();
    for ext in csr.requested_extensions().into_iter().flatten() {
        match ext {
            ParsedExtension::BasicConstraints(bc) if bc.ca => {
                return Err(bad(
                    "the request asks for CA rights (basicConstraints CA:TRUE); refusing to sign it"
                        .into(),
                ));
            }
            ParsedExtension::SubjectAlternativeName(alt) => {
                for name in &alt.general_names {
                    match name {
                        GeneralName::DNSName(dns) => sans.push(San::dns(dns)?),
                        GeneralName::IPAddress(raw) => {
                            sans.push(San::Ip(ip_from_bytes(raw).ok_or_else(|| {
                                bad("malformed IP address in subjectAltName".into())
                            })?))
                        }
                        // Other name types are outside policy and are dropped.
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    let common_name = info
        .subject
        .iter_common_name()
        .next()
        .map(|cn| {
            cn.as_str()
                .map(str::to_string)
                .map_err(|_| bad("the subject's CN is not a readable string".into()))
        })
        .transpose()?;
    Ok(CsrRequest {
        path: path.to_path_buf(),
        common_name,
        sans,
        spki_der: info.subject_pki.raw.to_vec(),
        algorithm,
    })
}

fn ip_from_bytes(raw: &[u8]) -> Option<IpAddr> {
    match raw.len() {
        4 => <[u8; 4]>::try_from(raw).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(raw).ok().map(IpAddr::from),
        _ => None,
    }
}

impl CsrRequest {
    /// Applies the signing policy: the subject is reduced to CN = name (the CSR's CN unless
    /// `name` overrides it); brokers keep the requested DNS/IP SANs plus `extra_sans`; clients
    /// get no SANs, since their identity is the CN.
    pub fn into_leaf_request(
        self,
        profile: Profile,
        name: Option<String>,
        extra_sans: Vec<San>,
    ) -> Result<LeafRequest, PkiError> {
        let name = name
            .or(self.common_name)
            .ok_or_else(|| PkiError::CsrWithoutName {
                path: self.path.clone(),
            })?;
        let sans = match profile {
            Profile::Broker => {
                let mut sans = self.sans;
                sans.extend(extra_sans);
                sans.sort();
                sans.dedup();
                sans
            }
            _ => Vec::new(),
        };
        Ok(LeafRequest {
            name,
            profile,
            sans,
            key: LeafKey::Public {
                spki_der: self.spki_der,
                algorithm: self.algorithm,
            },
            lifetime: None,
        })
    }
}
