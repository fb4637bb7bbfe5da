//! `fleet plan` and `fleet apply`: compare what the manifest asks for with what is on disk, and
//! make the difference — credentials first, then the broker files that refer to them.

use super::error::FleetError;
use super::layout::{FleetDir, PathStyle};
use super::model::{Auth, Fleet};
use super::outputs::{Output, RenderInputs, Target, Unmanaged, broker_outputs, differs};
use crate::atomic::{self, Batch, Mode};
use crate::pki::{
    self, Index, InitOptions, IssueOptions, LeafKey, LeafRequest, Passphrase, Pki, Profile, Reason,
    RevokeTarget, San, SigningCa, Status,
};
use crate::psk::{Identities, PskBatch, PskFile};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use time::OffsetDateTime;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    /// Revoked (certificates) or removed (PSK identities), with --prune.
    Remove,
    /// No longer in the manifest, left in place because --prune was not given.
    Orphaned,
    /// In the manifest but revoked: left revoked, not silently re-issued.
    Revoked,
}

impl Action {
    pub fn id(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Remove => "remove",
            Action::Orphaned => "orphaned",
            Action::Revoked => "revoked",
        }
    }

    /// Whether the step changes something (as opposed to reporting a state).
    pub fn changes(self) -> bool {
        !matches!(self, Action::Orphaned | Action::Revoked)
    }
}

/// One thing apply does (or, for orphans, reports).
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub kind: &'static str,
    pub name: String,
    pub action: Action,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    pub prune: bool,
    pub target: Target,
    pub templates: Option<std::path::PathBuf>,
    /// Write broker-config paths under this base instead of absolute ones.
    pub path_base: Option<std::path::PathBuf>,
}

/// What is there now.
struct Survey {
    index: Option<Index>,
    /// identity -> hex key, from the PSK store.
    psk: Vec<(String, Zeroizing<String>)>,
    /// The PSK store, open (and locked) while apply may rewrite it.
    _psk_file: Option<PskFile>,
    /// When the CRL the brokers load must be replaced, if there is one.
    crl_next_update: Option<OffsetDateTime>,
}

fn survey(dir: &FleetDir) -> Result<Survey, FleetError> {
    let index = match pki::read_only_index(dir.pki()) {
        Ok(index) => Some(index),
        Err(pki::PkiError::Missing { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let store = dir.psk_store();
    let (psk, psk_file) = if store.exists() {
        let file = PskFile::open(&store)?;
        let psk = file
            .identities()
            .map(|id| {
                (
                    id.to_string(),
                    Zeroizing::new(file.key_of(id).unwrap_or_default().to_string()),
                )
            })
            .collect();
        (psk, Some(file))
    } else {
        (Vec::new(), None)
    };
    Ok(Survey {
        index,
        psk,
        _psk_file: psk_file,
        crl_next_update: pki::crl_next_update(&pki::Layout::new(dir.pki()).crl()),
    })
}

/// Takes the fleet directory's lock, and finishes or undoes what an interrupted run left.
fn open_dir(dir: &FleetDir) -> Result<crate::lock::Lock, FleetError> {
    atomic::create_dir(dir.root(), 0o755)?;
    let lock = crate::lock::lock_dir(dir.root())?;
    atomic::recover(&dir.journal())?;
    pki::recover(dir.pki())?;
    for owned in dir.owned_dirs() {
        atomic::sweep_temporaries(&owned);
    }
    atomic::sweep_temporaries_of(&dir.psk_store());
    Ok(lock)
}

/// Re-sign the brokers' CRL when less than this is left of it: a daily `fleet apply` keeps it
/// far from its nextUpdate, after which Mosquitto would refuse every client.
const CRL_RESIGN_BEFORE: time::Duration = time::Duration::days(4);

/// Whether the fleet's CRL must be published: brokers with an mTLS listener name it in their
/// configuration from the first apply, because Mosquitto ignores a `crlfile` added later until
/// it restarts (a reload is not enough), and an expiring one must be re-signed.
fn crl_step(fleet: &Fleet, survey: &Survey, now: OffsetDateTime) -> Option<Step> {
    if !fleet.brokers.iter().any(|b| b.mtls_port.is_some()) {
        return None;
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
        Some(_) => return None,
    };
    Some(Step {
        kind: "crl",
        name: "crl.pem".into(),
        action,
        detail,
    })
}

/// The credential changes the manifest asks for.
struct Changes {
    init_pki: bool,
    /// The CRL must be (re)published.
    crl: bool,
    issue_new: Vec<LeafRequest>,
    issue_again: Vec<LeafRequest>,
    orphan_certs: Vec<String>,
    psk_new: Vec<String>,
    orphan_psk: Vec<String>,
    steps: Vec<Step>,
}

fn sorted_sans(sans: &[San]) -> Vec<San> {
    let mut v = sans.to_vec();
    v.sort();
    v
}

fn changes(
    fleet: &Fleet,
    dir: &FleetDir,
    now: OffsetDateTime,
    survey: &Survey,
    prune: bool,
) -> Changes {
    let mut c = Changes {
        init_pki: survey.index.is_none(),
        crl: false,
        issue_new: Vec::new(),
        issue_again: Vec::new(),
        orphan_certs: Vec::new(),
        psk_new: Vec::new(),
        orphan_psk: Vec::new(),
        steps: Vec::new(),
    };
    if c.init_pki {
        c.steps.push(Step {
            kind: "pki",
            name: dir.pki().display().to_string(),
            action: Action::Create,
            detail: format!(
                "root and intermediate CA ({}, {})",
                fleet.pki.ca_name, fleet.pki.key
            ),
        });
    }
    let empty = Index::new(fleet.pki.key);
    let index = survey.index.as_ref().unwrap_or(&empty);
    let current = index.current_leaves();
    let layout = pki::Layout::new(dir.pki());

    for b in fleet.brokers.iter().filter(|b| b.mtls_port.is_some()) {
        let request = LeafRequest {
            name: b.name.clone(),
            profile: Profile::Broker,
            sans: b.sans.clone(),
            key: LeafKey::Generate(fleet.pki.key),
            lifetime: Some(fleet.pki.broker_lifetime.duration()),
        };
        match current
            .get(b.name.as_str())
            .map(|i| &index.certificates[*i])
        {
            None => {
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
            }
            Some(e) => {
                let why = if e.profile != Profile::Broker {
                    Some("the name holds a client certificate")
                } else if sorted_sans(&e.sans) != sorted_sans(&b.sans) {
                    Some("its names changed")
                } else if e.is_expired_at(now) {
                    Some("it expired")
                } else if !layout.leaf_fullchain(&b.name).exists()
                    || !layout.leaf_key(&b.name).exists()
                {
                    Some("its files are missing")
                } else {
                    None
                };
                if let Some(why) = why {
                    c.steps.push(Step {
                        kind: "broker certificate",
                        name: b.name.clone(),
                        action: Action::Update,
                        detail: format!("re-issued: {why}"),
                    });
                    c.issue_again.push(request);
                }
            }
        }
    }

    let mtls: HashSet<&str> = fleet
        .devices_with(Auth::Mtls)
        .map(|d| d.id.as_str())
        .collect();
    let revoked: HashSet<&str> = index
        .certificates
        .iter()
        .filter(|e| e.status == Status::Revoked && mtls.contains(e.name.as_str()))
        .map(|e| e.name.as_str())
        .collect();
    for d in fleet.devices_with(Auth::Mtls) {
        let request = LeafRequest {
            name: d.id.clone(),
            profile: Profile::Client,
            sans: Vec::new(),
            key: LeafKey::Generate(fleet.pki.key),
            lifetime: Some(fleet.pki.client_lifetime.duration()),
        };
        match current.get(d.id.as_str()).map(|i| &index.certificates[*i]) {
            None if revoked.contains(d.id.as_str()) => {
                c.steps.push(Step {
                    kind: "device certificate",
                    name: d.id.clone(),
                    action: Action::Revoked,
                    detail:
                        "revoked, so not re-issued; `mqauth pki client --force` re-provisions it"
                            .into(),
                });
            }
            None => {
                c.issue_new.push(request);
                c.steps.push(Step {
                    kind: "device certificate",
                    name: d.id.clone(),
                    action: Action::Create,
                    detail: fleet.groups[d.group].name.clone(),
                });
            }
            Some(e) if e.is_expired_at(now) => {
                c.issue_again.push(request);
                c.steps.push(Step {
                    kind: "device certificate",
                    name: d.id.clone(),
                    action: Action::Update,
                    detail: "re-issued: it expired".into(),
                });
            }
            Some(_) => {}
        }
    }
    let brokers: HashSet<&str> = fleet.brokers.iter().map(|b| b.name.as_str()).collect();
    for (name, i) in &current {
        let e = &index.certificates[*i];
        if e.profile == Profile::Client
            && !mtls.contains(name)
            && !brokers.contains(name)
            && !e.is_expired_at(now)
        {
            c.orphan_certs.push(name.to_string());
        }
    }
    c.orphan_certs.sort();
    for name in &c.orphan_certs {
        c.steps.push(orphan(
            "device certificate",
            name,
            prune,
            "revoked (cessationOfOperation)",
            "not in the manifest; still valid (apply --prune revokes it)",
        ));
    }

    let stored: HashSet<&str> = survey.psk.iter().map(|(id, _)| id.as_str()).collect();
    let psk_devices: HashSet<&str> = fleet
        .devices_with(Auth::Psk)
        .map(|d| d.id.as_str())
        .collect();
    for d in fleet.devices_with(Auth::Psk) {
        if !stored.contains(d.id.as_str()) {
            c.psk_new.push(d.id.clone());
            c.steps.push(Step {
                kind: "psk",
                name: d.id.clone(),
                action: Action::Create,
                detail: format!("{}-byte key", fleet.psk_bytes),
            });
        }
    }
    for (id, _) in &survey.psk {
        if !psk_devices.contains(id.as_str()) {
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
    if let Some(step) = crl_step(fleet, survey, now) {
        c.crl = true;
        c.steps.push(step);
    }
    c
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

/// Who can authenticate without being a device of the manifest, as things stand.
fn unmanaged_now(fleet: &Fleet, survey: &Survey, now: OffsetDateTime) -> Unmanaged {
    let psk_devices: HashSet<&str> = fleet
        .devices_with(Auth::Psk)
        .map(|d| d.id.as_str())
        .collect();
    Unmanaged {
        mtls: unmanaged_certs(fleet, survey.index.as_ref(), now),
        psk: survey
            .psk
            .iter()
            .filter(|(id, _)| !psk_devices.contains(id.as_str()))
            .map(|(id, _)| id.clone())
            .collect(),
    }
}

/// Client certificates that can still authenticate but are not mTLS devices.
fn unmanaged_certs(fleet: &Fleet, index: Option<&Index>, now: OffsetDateTime) -> Vec<String> {
    let Some(index) = index else {
        return Vec::new();
    };
    let mtls: HashSet<&str> = fleet
        .devices_with(Auth::Mtls)
        .map(|d| d.id.as_str())
        .collect();
    let mut names: Vec<String> = index
        .certificates
        .iter()
        .filter(|e| {
            e.profile == Profile::Client && e.status != Status::Revoked && !e.is_expired_at(now)
        })
        .filter(|e| !mtls.contains(e.name.as_str()))
        .map(|e| e.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

const STORE_HEADER: &str = "# PSK identities and keys of the fleet (Mosquitto psk_file format).\n# mqauth fleet apply makes each broker's psk.txt from this file; rotate keys here with\n# `mqauth psk rotate --file <this file> ID` and run apply again.\n";

fn store_text(entries: &[(String, Zeroizing<String>)]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(STORE_HEADER.len() + entries.len() * 80));
    out.extend_from_slice(STORE_HEADER.as_bytes());
    for (id, key) in entries {
        out.extend_from_slice(id.as_bytes());
        out.push(b':');
        out.extend_from_slice(key.as_bytes());
        out.push(b'\n');
    }
    out
}

/// How paths are written into broker configurations, refused before anything is done when
/// they cannot be written there safely.
fn path_style(dir: &FleetDir, opts: &ApplyOptions) -> Result<PathStyle, FleetError> {
    let paths = PathStyle::new(dir.root(), opts.path_base.as_deref())
        .map_err(|e| FleetError::Render(format!("cannot resolve {}: {e}", dir.root().display())))?;
    paths
        .check()
        .map_err(|(value, why)| FleetError::UnsafePath { value, why })?;
    Ok(paths)
}

fn render_all(
    fleet: &Fleet,
    dir: &FleetDir,
    opts: &ApplyOptions,
    unmanaged: &Unmanaged,
    store: &[u8],
    crl: bool,
    broker: Option<&str>,
) -> Result<Vec<Output>, FleetError> {
    let paths = path_style(dir, opts)?;
    broker_outputs(&RenderInputs {
        fleet,
        dir,
        paths: &paths,
        templates: opts.templates.as_deref(),
        unmanaged,
        psk_store: store,
        crl,
        target: opts.target,
        broker,
    })
}

/// The steps that bring the files on disk to `outputs`: one per file whose contents differ.
fn file_steps(outputs: &[Output]) -> Vec<(Step, &Output)> {
    outputs
        .iter()
        .filter(|o| differs(o))
        .map(|o| {
            let step = Step {
                kind: "file",
                name: o.path.display().to_string(),
                action: if o.path.exists() {
                    Action::Update
                } else {
                    Action::Create
                },
                detail: o.kind.to_string(),
            };
            (step, o)
        })
        .collect()
}

/// What apply would do, without writing anything.
pub fn plan(fleet: &Fleet, root: &Path, opts: &ApplyOptions) -> Result<Vec<Step>, FleetError> {
    let dir = FleetDir::new(root, fleet);
    path_style(&dir, opts)?;
    let now = OffsetDateTime::now_utc();
    let survey = survey(&dir)?;
    let c = changes(fleet, &dir, now, &survey, opts.prune);
    // Predict the state after the credential steps; new keys are placeholders, which is enough
    // to tell whether a file changes.
    let orphans: HashSet<&String> = c.orphan_psk.iter().collect();
    let mut psk: Vec<(String, Zeroizing<String>)> = survey
        .psk
        .iter()
        .filter(|(id, _)| !(opts.prune && orphans.contains(id)))
        .map(|(id, k)| (id.clone(), k.clone()))
        .collect();
    psk.extend(
        c.psk_new
            .iter()
            .map(|id| (id.clone(), Zeroizing::new("?".into()))),
    );
    let unmanaged = Unmanaged {
        mtls: if opts.prune {
            Vec::new()
        } else {
            unmanaged_certs(fleet, survey.index.as_ref(), now)
        },
        psk: if opts.prune {
            Vec::new()
        } else {
            c.orphan_psk.clone()
        },
    };
    let crl = pki::Layout::new(dir.pki()).crl().exists()
        || c.crl
        || (opts.prune && !c.orphan_certs.is_empty());
    let outputs = render_all(fleet, &dir, opts, &unmanaged, &store_text(&psk), crl, None)?;
    let mut steps = c.steps;
    steps.extend(file_steps(&outputs).into_iter().map(|(step, _)| step));
    Ok(steps)
}

/// Makes the fleet directory match the manifest. Returns the steps taken (and orphans
/// reported); an empty list means nothing changed.
pub fn apply(
    fleet: &Fleet,
    root: &Path,
    opts: &ApplyOptions,
    passphrase: Option<&Passphrase>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Step>, FleetError> {
    let dir = FleetDir::new(root, fleet);
    path_style(&dir, opts)?;
    let now = OffsetDateTime::now_utc();
    // One apply at a time per fleet directory.
    let lock = open_dir(&dir)?;
    let before = survey(&dir)?;
    let c = changes(fleet, &dir, now, &before, opts.prune);

    if c.init_pki {
        pki::init(
            dir.pki(),
            &InitOptions {
                name: fleet.pki.ca_name.clone(),
                key: fleet.pki.key,
                root_lifetime: crate::lifetime::Lifetime::days(3650),
                intermediate_lifetime: crate::lifetime::Lifetime::days(1825),
                intermediate: true,
                passphrase,
            },
        )?;
    }
    let revokes = opts.prune && !c.orphan_certs.is_empty();
    let needs_ca = !c.issue_new.is_empty() || !c.issue_again.is_empty() || revokes || c.crl;
    if needs_ca {
        let mut store = Pki::open(dir.pki())?;
        let ca = SigningCa::issuing(&store, passphrase)?;
        let batch = |force| IssueOptions {
            lifetime: fleet.pki.client_lifetime,
            force,
        };
        if !c.issue_new.is_empty() {
            pki::issue(&mut store, &ca, &c.issue_new, batch(false), progress)?;
        }
        if !c.issue_again.is_empty() {
            pki::issue(&mut store, &ca, &c.issue_again, batch(true), progress)?;
        }
        if opts.prune && !c.orphan_certs.is_empty() {
            let targets: Vec<RevokeTarget> = c
                .orphan_certs
                .iter()
                .cloned()
                .map(RevokeTarget::Name)
                .collect();
            pki::revoke(
                &mut store,
                &ca,
                &targets,
                Reason::CessationOfOperation,
                pki::DEFAULT_CRL_LIFETIME,
            )?;
        } else if c.crl {
            pki::publish_crl(&mut store, &ca, pki::DEFAULT_CRL_LIFETIME)?;
        }
    }

    // The PSK store: new identities get keys, pruned ones go.
    let orphans: HashSet<&String> = c.orphan_psk.iter().collect();
    let mut psk: Vec<(String, Zeroizing<String>)> = before
        .psk
        .iter()
        .filter(|(id, _)| !(opts.prune && orphans.contains(id)))
        .map(|(id, k)| (id.clone(), k.clone()))
        .collect();
    if !c.psk_new.is_empty() {
        let batch = PskBatch::new(Identities::Listed(c.psk_new.clone()), fleet.psk_bytes)?;
        let text = batch.render(crate::psk::Format::Mosquitto)?;
        for line in String::from_utf8_lossy(&text).lines() {
            if let Some((id, key)) = line.split_once(':') {
                psk.push((id.to_string(), Zeroizing::new(key.to_string())));
            }
        }
    }
    let store = store_text(&psk);
    let store_changed = !c.psk_new.is_empty() || (opts.prune && !c.orphan_psk.is_empty());
    if store_changed || (fleet.uses(Auth::Psk) && !dir.psk_store().exists()) {
        let path = dir.psk_store();
        if let Some(parent) = path.parent() {
            atomic::create_dir(parent, 0o700)?;
        }
        atomic::write_file(&path, &store, Mode::Secret, true)?;
    }

    let after = pki::read_only_index(dir.pki()).ok();
    let unmanaged = Unmanaged {
        mtls: unmanaged_certs(fleet, after.as_ref(), now),
        psk: if opts.prune {
            Vec::new()
        } else {
            c.orphan_psk.clone()
        },
    };
    let crl = pki::Layout::new(dir.pki()).crl().exists();
    let outputs = render_all(fleet, &dir, opts, &unmanaged, &store, crl, None)?;
    let mut steps = c.steps;
    steps.extend(write_changed(&dir, &outputs)?);
    drop(before);
    drop(lock);
    Ok(steps)
}

/// Whether any step changes something.
pub fn changes_anything(steps: &[Step]) -> bool {
    steps.iter().any(|s| s.action.changes())
}

/// Counts of steps by kind and action, for summaries.
pub fn tally(steps: &[Step]) -> Vec<(String, usize)> {
    let mut counts: HashMap<(&str, Action), usize> = HashMap::new();
    for s in steps {
        *counts.entry((s.kind, s.action)).or_default() += 1;
    }
    let mut out: Vec<(String, usize)> = counts
        .into_iter()
        .map(|((kind, action), n)| (format!("{kind}: {}", action.id()), n))
        .collect();
    out.sort();
    out
}

/// Identities that can authenticate but are not devices of the manifest (for `acl render`).
pub fn unmanaged(fleet: &Fleet, root: &Path) -> Result<Unmanaged, FleetError> {
    let dir = FleetDir::new(root, fleet);
    Ok(unmanaged_now(
        fleet,
        &survey(&dir)?,
        OffsetDateTime::now_utc(),
    ))
}

/// Renders (and writes, where they changed) the files of one broker or all, from credentials
/// `apply` made. Refuses when those credentials are missing: a config must not name files that
/// do not exist.
pub fn render_brokers(
    fleet: &Fleet,
    root: &Path,
    opts: &ApplyOptions,
    broker: Option<&str>,
) -> Result<Vec<Step>, FleetError> {
    let dir = FleetDir::new(root, fleet);
    let layout = pki::Layout::new(dir.pki());
    let now = OffsetDateTime::now_utc();
    path_style(&dir, opts)?;
    let _lock = open_dir(&dir)?;
    let survey = survey(&dir)?;
    for b in fleet
        .brokers
        .iter()
        .filter(|b| broker.is_none_or(|n| n == b.name))
    {
        let mut needed = Vec::new();
        if b.mtls_port.is_some() {
            needed.extend([
                layout.chain(),
                layout.leaf_fullchain(&b.name),
                layout.leaf_key(&b.name),
            ]);
        }
        if b.psk_port.is_some() && fleet.uses(Auth::Psk) {
            needed.push(dir.psk_store());
        }
        if let Some(missing) = needed.into_iter().find(|p| !p.exists()) {
            return Err(FleetError::Render(format!(
                "{} is missing: run `mqauth fleet apply` first to create the fleet's credentials",
                missing.display()
            )));
        }
    }
    let unmanaged = unmanaged_now(fleet, &survey, now);
    let store = store_text(&survey.psk);
    let outputs = render_all(
        fleet,
        &dir,
        opts,
        &unmanaged,
        &store,
        layout.crl().exists(),
        broker,
    )?;
    write_changed(&dir, &outputs)
}

/// Writes the outputs that differ from the disk, together; returns what it wrote.
fn write_changed(dir: &FleetDir, outputs: &[Output]) -> Result<Vec<Step>, FleetError> {
    let changed = file_steps(outputs);
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let files = Batch::new(true).journal_at(dir.journal());
    for (_, o) in &changed {
        if let Some(parent) = o.path.parent() {
            atomic::create_dir(parent, 0o755)?;
        }
        let mode = if o.secret { Mode::Secret } else { Mode::Public };
        files.stage(&o.path, &o.contents, mode)?;
    }
    files.commit()?;
    Ok(changed.into_iter().map(|(step, _)| step).collect())
}
