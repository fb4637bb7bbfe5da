//! Certificate revocation lists: `crl.pem` from the issuing CA, `ca.crl.pem` from the root.

use super::ca::{SigningCa, now};
use super::entry::{Entry, Reason, Status};
use super::error::PkiError;
use super::profile::Profile;
use super::records::Change;
use super::store::Pki;
use crate::atomic::{Batch, Mode};
use crate::lifetime::Lifetime;
use rcgen::{
    CertificateRevocationListParams, KeyIdMethod, RevocationReason, RevokedCertParams, SerialNumber,
};
use std::path::PathBuf;
use time::OffsetDateTime;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

pub const DEFAULT_CRL_LIFETIME: Lifetime = Lifetime::days(7);

/// Which CA signs a CRL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrlSigner {
    /// The CA that issues leaves: `crl.pem`.
    Issuing,
    /// The root, covering the intermediate: `ca.crl.pem`.
    Root,
}

impl crate::choice::Choice for CrlSigner {
    const ALL: &'static [Self] = &[CrlSigner::Issuing, CrlSigner::Root];
    fn id(self) -> &'static str {
        match self {
            CrlSigner::Issuing => "issuing",
            CrlSigner::Root => "root",
        }
    }
    fn help(self) -> &'static str {
        match self {
            CrlSigner::Issuing => "the CA that issues leaves: crl.pem",
            CrlSigner::Root => "the root, covering the intermediate: ca.crl.pem",
        }
    }
}

/// What was published.
#[derive(Debug, Clone)]
pub struct CrlInfo {
    pub path: PathBuf,
    pub issuer: String,
    pub number: u64,
    pub this_update: OffsetDateTime,
    pub next_update: OffsetDateTime,
    pub revoked: usize,
}

fn reason_code(reason: Option<Reason>) -> Option<RevocationReason> {
    match reason? {
        // RFC 5280 5.3.1: omit the extension rather than say "unspecified".
        Reason::Unspecified => None,
        Reason::KeyCompromise => Some(RevocationReason::KeyCompromise),
        Reason::AffiliationChanged => Some(RevocationReason::AffiliationChanged),
        Reason::Superseded => Some(RevocationReason::Superseded),
        Reason::CessationOfOperation => Some(RevocationReason::CessationOfOperation),
    }
}

/// Whether `e` belongs on `ca`'s CRL at `at`: revoked by this CA and not yet expired (an
/// expired certificate fails validation anyway, so RFC 5280 lets it drop off the list).
fn listed(e: &Entry, ca: &SigningCa, at: OffsetDateTime) -> bool {
    e.status == Status::Revoked
        && e.issuer == ca.subject
        && e.profile != Profile::Root
        && e.not_after >= at
}

/// Signs a CRL and stages it in `files`, listing what the records say is revoked and the
/// certificates `revoking` now; sets the new CRL number in `change`.
pub(super) fn stage_crl(
    pki: &Pki,
    files: &Batch,
    ca: &SigningCa,
    lifetime: Lifetime,
    change: &mut Change,
    revoking: &[Entry],
) -> Result<CrlInfo, PkiError> {
    if lifetime.duration() < time::Duration::hours(1) {
        return Err(PkiError::ShortCrlLifetime);
    }
    let this_update = now();
    let next_update = this_update + lifetime.duration();
    let root_signs_for_intermediate =
        ca.profile == Profile::Root && pki.layout.intermediate_cert().exists();
    let settings = pki.records().settings()?;
    let (path, number) = if root_signs_for_intermediate {
        let n = settings.root_crl_number + 1;
        change.root_crl_number = Some(n);
        (pki.layout.root_crl(), n)
    } else {
        let n = settings.crl_number + 1;
        change.crl_number = Some(n);
        (pki.layout.crl(), n)
    };
    let mut listed_entries = pki.records().revoked_by(&ca.subject, this_update)?;
    listed_entries.retain(|e| listed(e, ca, this_update));
    listed_entries.extend(
        revoking
            .iter()
            .filter(|e| listed(e, ca, this_update))
            .cloned(),
    );
    let revoked_certs: Vec<RevokedCertParams> = listed_entries
        .iter()
        .map(|e| RevokedCertParams {
            serial_number: SerialNumber::from_slice(e.serial.as_bytes()),
            revocation_time: e.revoked_at.unwrap_or(this_update),
            reason_code: reason_code(e.reason),
            invalidity_date: None,
        })
        .collect();
    let revoked = revoked_certs.len();
    let pem = sign(ca, number, this_update, next_update, revoked_certs)?;
    files.stage_replacing(&path, pem.as_bytes(), Mode::Public)?;
    Ok(CrlInfo {
        path,
        issuer: ca.subject.clone(),
        number,
        this_update,
        next_update,
        revoked,
    })
}

/// The PEM of a CRL `ca` signs.
fn sign(
    ca: &SigningCa,
    number: u64,
    this_update: OffsetDateTime,
    next_update: OffsetDateTime,
    revoked_certs: Vec<RevokedCertParams>,
) -> Result<String, PkiError> {
    let params = CertificateRevocationListParams {
        this_update,
        next_update,
        crl_number: SerialNumber::from(number),
        issuing_distribution_point: None,
        revoked_certs,
        // The CRL's authority key identifier must equal the issuer's SKI, or OpenSSL cannot
        // match the CRL to its CA ("unable to get certificate CRL").
        key_identifier_method: KeyIdMethod::PreSpecified(ca.key_identifier.clone()),
    };
    Ok(params.signed_by(&ca.issuer)?.pem()?)
}

/// Signs the empty CRL a new PKI starts with, as number 0 (RFC 5280 allows it), so that the
/// CRL numbers `pki crl` and `pki revoke` sign still start at 1. A broker configuration can
/// then name `crl.pem` from the first day: Mosquitto rereads a `crlfile` it was started with
/// on SIGHUP, but one added to its configuration later only on a restart, so without it the
/// first revocation would not be enforced by a reload.
pub(super) fn publish_initial_crl(pki: &mut Pki, ca: &SigningCa) -> Result<(), PkiError> {
    let this_update = now();
    let next_update = this_update + DEFAULT_CRL_LIFETIME.duration();
    let pem = sign(ca, 0, this_update, next_update, Vec::new())?;
    let files = Batch::new(false);
    files.stage_replacing(&pki.layout.crl(), pem.as_bytes(), Mode::Public)?;
    pki.commit(
        files,
        Change {
            operation: "crl".into(),
            ..Change::default()
        },
    )
}

/// When the CRL at `path` must be replaced (its nextUpdate), if it is there and readable.
pub fn next_update(path: &std::path::Path) -> Option<OffsetDateTime> {
    let bytes = crate::input::read(path, crate::input::Kind::Certificates).ok()?;
    let block = pem::parse(&bytes).ok()?;
    let (_, crl) = CertificateRevocationList::from_der(block.contents()).ok()?;
    crl.next_update().map(|t| t.to_datetime())
}

/// Re-signs the CRL of the chosen CA (`pki crl`).
pub fn publish_crl(pki: &mut Pki, ca: &SigningCa, lifetime: Lifetime) -> Result<CrlInfo, PkiError> {
    let files = Batch::new(false);
    let mut change = Change {
        operation: "crl".into(),
        ..Change::default()
    };
    let info = stage_crl(pki, &files, ca, lifetime, &mut change, &[])?;
    pki.commit(files, change)?;
    Ok(info)
}
