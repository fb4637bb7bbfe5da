//! Revoking certificates: mark them in the index and publish a new CRL in the same commit.

use super::ca::{SigningCa, now};
use super::crl::{CrlInfo, stage_crl};
use super::error::PkiError;
use super::index::{Entry, Reason, Status};
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
fn select(pki: &Pki, target: &RevokeTarget) -> Result<Vec<usize>, PkiError> {
    let certs = &pki.index.certificates;
    let at = now();
    match target {
        RevokeTarget::Serial(serial) => {
            let i = pki
                .index
                .find_serial(serial)
                .ok_or_else(|| PkiError::UnknownSerial {
                    serial: serial.clone(),
                })?;
            let e = &certs[i];
            if e.profile.is_ca() {
                return Err(PkiError::RevokeCa {
                    name: e.subject.clone(),
                });
            }
            if e.status == Status::Revoked {
                return Err(already_revoked(e));
            }
            Ok(vec![i])
        }
        RevokeTarget::Name(name) => {
            let all: Vec<usize> = (0..certs.len())
                .filter(|i| certs[*i].name == *name && !certs[*i].profile.is_ca())
                .collect();
            if all.is_empty() {
                return Err(PkiError::UnknownName { name: name.clone() });
            }
            let live: Vec<usize> = all
                .iter()
                .copied()
                .filter(|i| certs[*i].status != Status::Revoked && !certs[*i].is_expired_at(at))
                .collect();
            if live.is_empty() {
                let newest = &certs[all[all.len() - 1]];
                return Err(match newest.status {
                    Status::Revoked => already_revoked(newest),
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
    let mut chosen = Vec::new();
    for target in targets {
        chosen.extend(select(pki, target)?);
    }
    chosen.sort_unstable();
    chosen.dedup();
    let at = now();
    for &i in &chosen {
        let e = &mut pki.index.certificates[i];
        e.status = Status::Revoked;
        e.revoked_at = Some(at);
        e.reason = Some(reason);
    }
    let files = Batch::new(false);
    let crl = stage_crl(pki, &files, ca, crl_lifetime)?;
    pki.commit_with_index(files)?;
    let revoked = chosen
        .iter()
        .map(|&i| pki.index.certificates[i].clone())
        .collect();
    Ok(Revocation { revoked, crl })
}
