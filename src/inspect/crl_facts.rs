//! What `inspect` shows of a CRL: who issued it, its number, when it was made and when the next
//! one is due, what it lists, and whether it is still in force.

use super::error::InspectError;
use super::revocation::crl_ders;
use crate::pki::Serial;
use serde::Serialize;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

#[derive(Debug, Clone, Serialize)]
pub struct CrlFacts {
    pub file: PathBuf,
    pub issuer: String,
    /// The CRL number, decimal.
    pub number: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub this_update: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_update: Option<OffsetDateTime>,
    pub entries: Vec<CrlEntry>,
    /// `valid`, `expiring` (nextUpdate within the warning window) or `expired`.
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct CrlEntry {
    /// Lowercase hex, as `pki list` writes serials.
    pub serial: String,
    #[serde(with = "time::serde::rfc3339")]
    pub revoked_at: OffsetDateTime,
    pub reason: Option<String>,
}

/// Whether `bytes` hold a CRL rather than certificates (PEM `X509 CRL` blocks, or DER that
/// parses as one).
pub fn is_crl(bytes: &[u8]) -> bool {
    if bytes.first() == Some(&0x30) {
        return CertificateRevocationList::from_der(bytes).is_ok();
    }
    pem::parse_many(bytes)
        .is_ok_and(|blocks| !blocks.is_empty() && blocks.iter().all(|b| b.tag() == "X509 CRL"))
}

/// The CRLs in `bytes` (the contents of `path`), as of `now`. A CRL lives days, not years: it is
/// `expiring` in the last quarter of its lifetime (as `audit` warns), not within the
/// certificates' warning window.
pub fn describe_crls(
    path: &Path,
    bytes: &[u8],
    now: OffsetDateTime,
) -> Result<Vec<CrlFacts>, InspectError> {
    let bad = |message: String| InspectError::Crl {
        path: path.to_path_buf(),
        message,
    };
    let mut out = Vec::new();
    for der in crl_ders(path, bytes)? {
        crate::strict_der::check(&der)
            .and_then(|()| crate::strict_der::check_signed(&der, crate::strict_der::Signed::Crl))
            .map_err(|e| bad(format!("not a valid CRL: {e}")))?;
        let (_, crl) = CertificateRevocationList::from_der(&der)
            .map_err(|e| bad(format!("not a valid CRL: {e}")))?;
        let this_update = crl.last_update().to_datetime();
        let next_update = crl.next_update().map(|t| t.to_datetime());
        let status = match next_update {
            Some(next) if next <= now => "expired",
            Some(next) if (next - now) * 4 < next - this_update => "expiring",
            _ => "valid",
        };
        let entries = crl
            .iter_revoked_certificates()
            .map(|r| CrlEntry {
                serial: Serial::from_bytes(r.raw_serial()).to_string(),
                revoked_at: r.revocation_date.to_datetime(),
                reason: r.reason_code().map(|(_, code)| code.to_string()),
            })
            .collect();
        out.push(CrlFacts {
            file: path.to_path_buf(),
            issuer: crl.issuer().to_string(),
            number: crl.crl_number().map(|n| n.to_string()),
            this_update,
            next_update,
            entries,
            status,
        });
    }
    Ok(out)
}
