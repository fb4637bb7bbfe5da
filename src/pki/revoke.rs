//! Revoking certificates: mark them in the records and publish a new CRL in the same commit.

use super::ca::{SigningCa, now};
use super::crl::{CrlInfo, stage_crl};
use super::entry::{Entry, Reason, Status};
use super::error::PkiError;
use super::records::Change;
use super::serial::Serial;
use super::store::Pki;
use crate::atomic::Batch;
use crate::lifetime::Lifetime;

#[derive(Debug, Clone)]
pub enum RevokeTarget {
    /// Every unexpired, unrevoked certificate of that name: after a renewal without rekeying,
    /// the superseded certificate carries the same key, so revoking only the newest one would
    /// leave a compromised key usable.
    Name(String),
    /// Exactly one certificate.
    Serial(Serial),
}

#[derive(Debug)]
pub struct Revocation {
    pub revoked: Vec<Entry>,
    pub crl: CrlInfo,
}

/// Finds what `target` names, or says precisely why nothing can be revoked.
fn select(pki: &Pki, target: &RevokeTarget) -> Result<Vec<Entry>, PkiError> {
    let at = now();
    match target {
        RevokeTarget::Serial(serial) => {
            let e = pki
                .records()
                .by_serial(serial)?
                .ok_or_else(|| PkiError::UnknownSerial {
                    serial: serial.clone(),
                })?;
            if e.profile.is_ca() {
                return Err(PkiError::RevokeCa {
                    name: e.subject.clone(),
                });
            }
            if e.status == Status::Revoked {
                return Err(already_revoked(&e));
            }
            Ok(vec![e])
        }
        RevokeTarget::Name(name) => {
            let all: Vec<Entry> = pki
                .records()
                .by_name(name)?
                .into_iter()
                .filter(|e| !e.profile.is_ca())
                .collect();
            let Some(newest) = all.last().cloned() else {
                return Err(PkiError::UnknownName { name: name.clone() });
            };
            let live: Vec<Entry> = all
                .into_iter()
                .filter(|e| e.status != Status::Revoked && !e.is_expired_at(at))
                .collect();
            if live.is_empty() {
                return Err(match newest.status {
                    Status::Revoked => already_revoked(&newest),
                    _ => PkiError::NothingToRevoke { name: name.clone() },
                });
            }
            Ok(live)
        }
    }
}

fn already_revoked(e: &Entry) -> PkiError {
    PkiError::AlreadyRevoked {
        name: e.name.clone(),
        serial: e.serial.clone(),
    }
}

/// Revokes what `targets` name with `reason`, and re-signs the issuing CA's CRL once. Every
/// target is checked before anything changes.
pub fn revoke(
    pki: &mut Pki,
    ca: &SigningCa,
    targets: &[RevokeTarget],
    reason: Reason,
    crl_lifetime: Lifetime,
) -> Result<Revocation, PkiError> {
    let mut chosen: Vec<Entry> = Vec::new();
    for target in targets {
        for e in select(pki, target)? {
            if !chosen.iter().any(|c| c.serial == e.serial) {
                chosen.push(e);
            }
        }
    }
    let at = now();
    for e in &mut chosen {
        e.status = Status::Revoked;
        e.revoked_at = Some(at);
        e.reason = Some(reason);
    }
    let mut change = Change {
        operation: format!("revoke {}", chosen.len()),
        revoke: chosen
            .iter()
            .map(|e| (e.serial.clone(), at, Some(reason)))
            .collect(),
        ..Change::default()
    };
    let files = Batch::new(false);
    let crl = stage_crl(pki, &files, ca, crl_lifetime, &mut change, &chosen)?;
    pki.commit(files, change)?;
    Ok(Revocation {
        revoked: chosen,
        crl,
    })
}
