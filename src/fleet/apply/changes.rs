//! What must change for the fleet directory to match the manifest: one function per kind of
//! credential, each comparing the manifest with the survey. Nothing here touches the disk.

use super::survey::Survey;
use super::{Action, Step};
use crate::fleet::model::{Auth, Fleet};
use crate::pki::{Entry, LeafKey, LeafRequest, Profile, San, Snapshot, Status};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use time::OffsetDateTime;

/// Re-sign the brokers' CRL when less than this is left of it: a daily `fleet apply` keeps it
/// far from its nextUpdate, after which Mosquitto would refuse every client.
pub(super) const CRL_RESIGN_BEFORE: time::Duration = time::Duration::days(4);

/// The credential changes the manifest asks for, and the steps that describe them.
#[derive(Debug, Default)]
pub(super) struct Changes {
    pub(super) init_pki: bool,
    /// The CRL must be (re)published.
    pub(super) crl: bool,
    pub(super) issue_new: Vec<LeafRequest>,
    pub(super) issue_again: Vec<LeafRequest>,
    pub(super) orphan_certs: Vec<String>,
    pub(super) psk_new: Vec<String>,
    pub(super) orphan_psk: Vec<String>,
    pub(super) steps: Vec<Step>,
}

/// The certificates in force, by name.
struct InForce<'a> {
    index: &'a Snapshot,
    by_name: HashMap<&'a str, usize>,
}

impl<'a> InForce<'a> {
    fn new(index: &'a Snapshot) -> Self {
        InForce {
            index,
            by_name: index.current_leaves(),
        }
    }

    fn get(&self, name: &str) -> Option<&'a Entry> {
        self.by_name.get(name).map(|i| &self.index.certificates[*i])
    }
}

pub(super) fn changes(
    fleet: &Fleet,
    pki_dir: &Path,
    survey: &Survey,
    now: OffsetDateTime,
    prune: bool,
) -> Changes {
    let mut c = Changes::default();
    let empty = Snapshot::new(fleet.pki.key);
    let index = survey.index.as_ref().unwrap_or(&empty);
    let in_force = InForce::new(index);
    certificate_authority(&mut c, fleet, pki_dir, survey);
    broker_certificates(&mut c, fleet, &in_force, survey, now);
    device_certificates(&mut c, fleet, &in_force, now);
    orphan_certificates(&mut c, fleet, &in_force, now, prune);
    psk_identities(&mut c, fleet, survey, &in_force, now, prune);
    crl(&mut c, fleet, survey, now);
    c
}

fn certificate_authority(c: &mut Changes, fleet: &Fleet, pki_dir: &Path, survey: &Survey) {
    if survey.index.is_some() {
        return;
    }
    c.init_pki = true;
    c.steps.push(Step {
        kind: "pki",
        name: pki_dir.display().to_string(),
        action: Action::Create,
        detail: format!(
            "root and intermediate CA ({}, {})",
            fleet.pki.ca_name, fleet.pki.key
        ),
    });
}

fn sorted_sans(sans: &[San]) -> Vec<San> {
    let mut v = sans.to_vec();
    v.sort();
    v
}

fn broker_certificates(
    c: &mut Changes,
    fleet: &Fleet,
    in_force: &InForce<'_>,
    survey: &Survey,
    now: OffsetDateTime,
) {
    for b in fleet.brokers.iter().filter(|b| b.mtls_port.is_some()) {
        let request = LeafRequest {
            name: b.name.clone(),
            profile: Profile::Broker,
            sans: b.sans.clone(),
            key: LeafKey::Generate(fleet.pki.key),
            lifetime: Some(fleet.pki.broker_lifetime.duration()),
        };
        let Some(e) = in_force.get(&b.name) else {
            c.steps.push(Step {
                kind: "broker certificate",
                name: b.name.clone(),
                action: Action::Create,
                detail: b
                    .sans
                    .iter()
                    .map(San::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
            c.issue_new.push(request);
            continue;
        };
        let why = if e.profile != Profile::Broker {
            "the name holds a client certificate"
        } else if sorted_sans(&e.sans) != sorted_sans(&b.sans) {
            "its names changed"
        } else if e.is_expired_at(now) {
            "it expired"
        } else if survey.brokers_without_files.contains(&b.name) {
            "its files are missing"
        } else {
            continue;
        };
        c.steps.push(Step {
            kind: "broker certificate",
            name: b.name.clone(),
            action: Action::Update,
            detail: format!("re-issued: {why}"),
        });
        c.issue_again.push(request);
    }
}

fn device_certificates(
    c: &mut Changes,
    fleet: &Fleet,
    in_force: &InForce<'_>,
    now: OffsetDateTime,
) {
    // Devices certified here, and the enrollment service; enrolling devices get theirs from it.
    let wanted: Vec<(&str, &str)> = fleet
        .certified_by_apply()
        .map(|d| (d.id.as_str(), fleet.groups[d.group].name.as_str()))
        .chain(fleet.enroll_service().map(|s| (s, "enrollment service")))
        .collect();
    let mtls: HashSet<&str> = wanted.iter().map(|(id, _)| *id).collect();
    let revoked: HashSet<&str> = in_force
        .index
        .certificates
        .iter()
        .filter(|e| e.status == Status::Revoked && mtls.contains(e.name.as_str()))
        .map(|e| e.name.as_str())
        .collect();
    for (id, what) in wanted {
        let request = LeafRequest {
            name: id.to_string(),
            profile: Profile::Client,
            sans: Vec::new(),
            key: LeafKey::Generate(fleet.pki.key),
            lifetime: Some(fleet.pki.client_lifetime.duration()),
        };
        let step = |action, detail: String| Step {
            kind: "device certificate",
            name: id.to_string(),
            action,
            detail,
        };
        match in_force.get(id) {
            None if revoked.contains(id) => c.steps.push(step(
                Action::Revoked,
                "revoked, so not re-issued; `mqauth pki client --force` re-provisions it".into(),
            )),
            None => {
                c.steps.push(step(Action::Create, what.to_string()));
                c.issue_new.push(request);
            }
            Some(e) if e.is_expired_at(now) => {
                c.steps
                    .push(step(Action::Update, "re-issued: it expired".into()));
                c.issue_again.push(request);
            }
            Some(_) => {}
        }
    }
}

fn orphan_certificates(
    c: &mut Changes,
    fleet: &Fleet,
    in_force: &InForce<'_>,
    now: OffsetDateTime,
    prune: bool,
) {
    let wanted: HashSet<&str> = fleet
        .devices_with(Auth::Mtls)
        .map(|d| d.id.as_str())
        .chain(fleet.brokers.iter().map(|b| b.name.as_str()))
        .chain(fleet.enroll_service())
        .collect();
    let mut orphans: Vec<String> = in_force
        .by_name
        .iter()
        .map(|(name, i)| (name, &in_force.index.certificates[*i]))
        .filter(|(name, e)| {
            e.profile == Profile::Client && !wanted.contains(*name) && !e.is_expired_at(now)
        })
        .map(|(name, _)| name.to_string())
        .collect();
    orphans.sort();
    for name in &orphans {
        c.steps.push(orphan(
            "device certificate",
            name,
            prune,
            "revoked (cessationOfOperation)",
            "not in the manifest; still valid (apply --prune revokes it)",
        ));
    }
    c.orphan_certs = orphans;
}

fn psk_identities(
    c: &mut Changes,
    fleet: &Fleet,
    survey: &Survey,
    in_force: &InForce<'_>,
    now: OffsetDateTime,
    prune: bool,
) {
    let stored: HashSet<&str> = survey.psk.iter().map(|(id, _)| id.as_str()).collect();
    let wanted: HashSet<&str> = fleet
        .devices_with(Auth::Psk)
        .map(|d| d.id.as_str())
        .collect();
    // With `bootstrap: once` the service retired the key of a device it certified: a new one
    // would undo that.
    let once = fleet
        .enroll
        .as_ref()
        .is_some_and(|e| e.bootstrap == crate::fleet::Bootstrap::Once);
    // A device whose certificate was revoked gets no new bootstrap key, as the service refuses
    // it a certificate, until an operator allows it again.
    let blocked = crate::pki::blocked_devices(&in_force.index.certificates);
    for d in fleet.devices_with(Auth::Psk) {
        if fleet.enrolls(d) && blocked.contains_key(d.id.as_str()) {
            c.steps.push(Step {
                kind: "psk",
                name: d.id.clone(),
                action: Action::Revoked,
                detail: format!(
                    "revoked: {}; `mqauth enroll allow {}` lets it enroll again",
                    if stored.contains(d.id.as_str()) {
                        "the enrollment service refuses it a certificate"
                    } else {
                        "no new bootstrap key, and no certificate from the enrollment service"
                    },
                    d.id
                ),
            });
            continue;
        }
        let enrolled =
            || fleet.enrolls(d) && in_force.get(&d.id).is_some_and(|e| !e.is_expired_at(now));
        let retired = once && enrolled();
        if !stored.contains(d.id.as_str()) && !retired {
            c.psk_new.push(d.id.clone());
            c.steps.push(Step {
                kind: "psk",
                name: d.id.clone(),
                action: Action::Create,
                detail: if fleet.enrolls(d) {
                    format!("{}-byte bootstrap key, for enrollment", fleet.psk_bytes)
                } else {
                    format!("{}-byte key", fleet.psk_bytes)
                },
            });
        }
    }
    for (id, _) in &survey.psk {
        if !wanted.contains(id.as_str()) {
            c.orphan_psk.push(id.clone());
            c.steps.push(orphan(
                "psk",
                id,
                prune,
                "removed from the PSK files",
                "not in the manifest; still accepted (apply --prune removes it)",
            ));
        }
    }
}

/// Whether the fleet's CRL must be published: brokers with an mTLS listener name it in their
/// configuration from the first apply, because Mosquitto ignores a `crlfile` added later until
/// it restarts (a reload is not enough), and an expiring one must be re-signed.
fn crl(c: &mut Changes, fleet: &Fleet, survey: &Survey, now: OffsetDateTime) {
    if !fleet.brokers.iter().any(|b| b.mtls_port.is_some()) {
        return;
    }
    let (action, detail) = match survey.crl_next_update {
        None if survey.index.is_none() => (
            Action::Create,
            "empty CRL, named in the broker config so that a reload enforces revocations".into(),
        ),
        None => (Action::Create, "missing or unreadable: signed anew".into()),
        Some(next) if next - now < CRL_RESIGN_BEFORE => (
            Action::Update,
            format!(
                "re-signed: its next update is {} days away",
                crate::lifetime::days_until(now, next).max(0)
            ),
        ),
        Some(_) => return,
    };
    c.crl = true;
    c.steps.push(Step {
        kind: "crl",
        name: "crl.pem".into(),
        action,
        detail,
    });
}

/// A credential of a device no longer in the manifest: removed with --prune, reported without.
fn orphan(kind: &'static str, name: &str, prune: bool, pruned: &str, kept: &str) -> Step {
    Step {
        kind,
        name: name.to_string(),
        action: if prune {
            Action::Remove
        } else {
            Action::Orphaned
        },
        detail: if prune { pruned } else { kept }.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{KeyAlgorithm, Serial};
    use zeroize::Zeroizing;

    const MANIFEST: &str = "fleet: acme\nbrokers:\n  - { name: b1, ip: [127.0.0.1], mtls_port: 8883, psk_port: 8884 }\ngroups:\n  s: { auth: mtls }\n  g: { auth: psk }\ndevices:\n  - { id: s1, group: s }\n  - { id: s2, group: s }\n  - { id: g1, group: g }\n";

    fn fleet() -> Fleet {
        crate::fleet::parse(MANIFEST, Path::new("f.yaml")).unwrap()
    }

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2026-11-29 12:00 UTC)
    }

    fn entry(name: &str, profile: Profile, status: Status, days: i64) -> Entry {
        Entry {
            serial: Serial::random(),
            name: name.into(),
            profile,
            subject: format!("CN={name}"),
            issuer: "CN=ca".into(),
            sans: if profile == Profile::Broker {
                vec![San::ip("127.0.0.1").unwrap()]
            } else {
                Vec::new()
            },
            key: KeyAlgorithm::P256,
            not_before: now() - time::Duration::days(1),
            not_after: now() + time::Duration::days(days),
            status,
            revoked_at: None,
            reason: None,
            superseded_by: None,
            fingerprint_sha256: None,
            key_held: true,
            spki_sha256: None,
            allowed_at: None,
        }
    }

    fn kinds(c: &Changes) -> Vec<(String, &'static str, &'static str)> {
        c.steps
            .iter()
            .map(|s| (s.name.clone(), s.kind, s.action.id()))
            .collect()
    }

    #[test]
    fn an_empty_directory_gets_everything() {
        let c = changes(&fleet(), Path::new("pki"), &Survey::empty(), now(), false);
        assert!(c.init_pki && c.crl);
        let names: Vec<&str> = c.issue_new.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["b1", "s1", "s2"]);
        assert_eq!(c.psk_new, vec!["g1"]);
        assert!(c.issue_again.is_empty() && c.orphan_certs.is_empty());
    }

    #[test]
    fn a_complete_directory_needs_nothing() {
        let mut index = Snapshot::new(KeyAlgorithm::P256);
        index.certificates = vec![
            entry("b1", Profile::Broker, Status::Valid, 800),
            entry("s1", Profile::Client, Status::Valid, 300),
            entry("s2", Profile::Client, Status::Valid, 300),
        ];
        let survey = Survey {
            index: Some(index),
            psk: vec![("g1".into(), Zeroizing::new("00".repeat(32)))],
            crl_next_update: Some(now() + time::Duration::days(7)),
            ..Survey::empty()
        };
        let c = changes(&fleet(), Path::new("pki"), &survey, now(), false);
        assert!(c.steps.is_empty(), "{:?}", kinds(&c));
    }

    #[test]
    fn expired_revoked_orphaned_and_stale_are_each_told_apart() {
        let mut index = Snapshot::new(KeyAlgorithm::P256);
        index.certificates = vec![
            entry("b1", Profile::Broker, Status::Valid, 800),
            entry("s1", Profile::Client, Status::Valid, -1),
            entry("s2", Profile::Client, Status::Revoked, 300),
            entry("gone", Profile::Client, Status::Valid, 300),
        ];
        let survey = Survey {
            index: Some(index),
            psk: vec![
                ("g1".into(), Zeroizing::new("00".repeat(32))),
                ("old".into(), Zeroizing::new("11".repeat(32))),
            ],
            crl_next_update: Some(now() + time::Duration::days(2)),
            brokers_without_files: ["b1".to_string()].into(),
            ..Survey::empty()
        };
        let c = changes(&fleet(), Path::new("pki"), &survey, now(), true);
        assert_eq!(
            kinds(&c),
            vec![
                ("b1".into(), "broker certificate", "update"),
                ("s1".into(), "device certificate", "update"),
                ("s2".into(), "device certificate", "revoked"),
                ("gone".into(), "device certificate", "remove"),
                ("old".into(), "psk", "remove"),
                ("crl.pem".into(), "crl", "update"),
            ]
        );
        assert_eq!(c.orphan_certs, vec!["gone"]);
        // Not an enrolling group: the PSK device is unaffected by revocations.
        assert!(!c.steps.iter().any(|s| s.name == "g1"));
        let without_prune = changes(&fleet(), Path::new("pki"), &survey, now(), false);
        assert!(
            without_prune
                .steps
                .iter()
                .any(|s| s.name == "gone" && s.action == Action::Orphaned)
        );
    }

    #[test]
    fn a_revoked_enrolling_device_gets_no_new_bootstrap_key_until_allowed() {
        let manifest = MANIFEST.replace(
            "  g: { auth: psk }\n",
            "  g: { auth: psk }\n  m: { auth: mtls, enroll: true }\n",
        ) + "  - { id: m1, group: m }\n  - { id: m2, group: m }\n  - { id: m3, group: m }\n  - { id: m4, group: m }\nenroll: { bootstrap: once }\n";
        let fleet = crate::fleet::parse(&manifest, Path::new("f.yaml")).unwrap();
        let mut allowed = entry("m2", Profile::Client, Status::Revoked, 300);
        allowed.allowed_at = Some(now());
        let mut index = Snapshot::new(KeyAlgorithm::P256);
        index.certificates = vec![
            entry("m1", Profile::Client, Status::Revoked, 300),
            allowed,
            entry("m3", Profile::Client, Status::Revoked, 300),
        ];
        // m3 still holds its bootstrap key (it was kept): it stays, the service refuses m3.
        let survey = Survey {
            index: Some(index),
            psk: vec![("m3".into(), Zeroizing::new("00".repeat(32)))],
            ..Survey::empty()
        };
        let c = changes(&fleet, Path::new("pki"), &survey, now(), false);
        let psk: Vec<_> = kinds(&c)
            .into_iter()
            .filter(|(_, kind, _)| *kind == "psk")
            .collect();
        assert_eq!(
            psk,
            vec![
                ("g1".into(), "psk", "create"),
                ("m1".into(), "psk", "revoked"),
                ("m2".into(), "psk", "create"),
                ("m3".into(), "psk", "revoked"),
                ("m4".into(), "psk", "create"),
            ]
        );
        assert_eq!(c.psk_new, vec!["g1", "m2", "m4"]);
        let m1 = c.steps.iter().find(|s| s.name == "m1").unwrap();
        assert!(
            m1.detail.contains("`mqauth enroll allow m1`"),
            "{}",
            m1.detail
        );
    }
}
