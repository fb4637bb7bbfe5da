//! Revocation is final for enrollment: a device whose newest certificate was revoked gets no
//! new one over MQTT (or a new bootstrap key from `fleet apply`) until an operator allows it
//! again, and the key of any revoked certificate is never certified again.
//!
//! The allowance is recorded on the revoked certificate itself (`allowed_at`): it lifts that
//! revocation only, so a device revoked again after it is blocked again.

use super::ca::now;
use super::entry::{Entry, Reason, Status};
use super::error::PkiError;
use super::records::Change;
use super::serial::Serial;
use super::store::Pki;
use crate::atomic::Batch;

/// Whether `newest` (a device's newest leaf certificate, any status) keeps the device from
/// enrolling: revoked, and not allowed again since.
pub fn blocks_enrollment(newest: &Entry) -> bool {
    newest.status == Status::Revoked && newest.allowed_at.is_none()
}

/// The newest leaf certificate of each name in `certificates` (in issuing order) that keeps
/// its device from enrolling, by name.
pub fn blocked_devices(certificates: &[Entry]) -> std::collections::HashMap<&str, &Entry> {
    let mut newest = std::collections::HashMap::new();
    for e in certificates.iter().filter(|e| !e.profile.is_ca()) {
        newest.insert(e.name.as_str(), e);
    }
    newest.retain(|_, e| blocks_enrollment(e));
    newest
}

/// What `enroll allow` did for one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowance {
    /// The revocation of `serial` no longer blocks the device.
    Allowed {
        name: String,
        serial: Serial,
        reason: Option<Reason>,
    },
    /// It was allowed again already (nothing changed).
    AlreadyAllowed { name: String, serial: Serial },
    /// Its newest certificate is not revoked: nothing blocks it.
    NotRevoked { name: String, serial: Serial },
}

/// Allows each of `names` to enroll again after the revocation of its newest certificate.
/// Every name is checked before anything changes: one with no certificate is refused, and so is
/// one with a revoked certificate whose key is unknown (recorded before mqauth kept keys, its
/// file replaced since), unless `despite_unknown_keys`: a CSR for that key could not be told
/// from a new one, so allowing the device must be said explicitly.
pub fn allow_again(
    pki: &mut Pki,
    names: &[String],
    despite_unknown_keys: bool,
) -> Result<Vec<Allowance>, PkiError> {
    let mut outcomes = Vec::with_capacity(names.len());
    let mut allow = Vec::new();
    let at = now();
    for name in names {
        let history: Vec<Entry> = pki
            .records()
            .by_name(name)?
            .into_iter()
            .filter(|e| !e.profile.is_ca())
            .collect();
        let Some(newest) = history.last() else {
            return Err(PkiError::UnknownName { name: name.clone() });
        };
        let outcome = if newest.status != Status::Revoked {
            Allowance::NotRevoked {
                name: name.clone(),
                serial: newest.serial.clone(),
            }
        } else if newest.allowed_at.is_some() {
            Allowance::AlreadyAllowed {
                name: name.clone(),
                serial: newest.serial.clone(),
            }
        } else {
            let unknown: Vec<Serial> = history
                .iter()
                .filter(|e| e.status == Status::Revoked && e.spki_sha256.is_none())
                .map(|e| e.serial.clone())
                .collect();
            if !unknown.is_empty() && !despite_unknown_keys {
                return Err(PkiError::RevokedKeyUnknown {
                    name: name.clone(),
                    serials: unknown,
                });
            }
            if !allow.iter().any(|(s, _)| s == &newest.serial) {
                allow.push((newest.serial.clone(), at));
            }
            Allowance::Allowed {
                name: name.clone(),
                serial: newest.serial.clone(),
                reason: newest.reason,
            }
        };
        outcomes.push(outcome);
    }
    if !allow.is_empty() {
        let change = Change {
            operation: format!("allow {}", allow.len()),
            allow,
            ..Change::default()
        };
        pki.commit(Batch::new(false), change)?;
    }
    Ok(outcomes)
}
