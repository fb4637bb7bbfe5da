//! `fleet plan` and `fleet apply`: compare what the manifest asks for with what is on disk, and
//! make the difference — credentials first, then the broker files that refer to them.
//!
//! [`survey`] reads what is there, [`changes`] decides what must change (one function per kind
//! of credential, no disk access), [`credentials`] makes them and [`files`] renders and writes
//! the broker files. `plan`, `apply` and `broker render` are those parts put together.

mod changes;
mod credentials;
mod files;
mod survey;

use super::error::FleetError;
use super::layout::FleetDir;
use super::model::{Auth, Fleet};
use super::outputs::{Target, Unmanaged};
use crate::pki::{self, Passphrase};
use files::RenderState;
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
    /// The Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`.
    pub mosquitto: crate::fleet::MosquittoVersion,
    pub templates: Option<std::path::PathBuf>,
    /// Write broker-config paths under this base instead of absolute ones.
    pub path_base: Option<std::path::PathBuf>,
}

/// What apply would do, without writing anything.
pub fn plan(fleet: &Fleet, root: &Path, opts: &ApplyOptions) -> Result<Vec<Step>, FleetError> {
    let dir = FleetDir::new(root, fleet);
    files::path_style(&dir, opts)?;
    let now = OffsetDateTime::now_utc();
    let survey = survey::survey(fleet, &dir)?;
    let c = changes::changes(fleet, dir.pki(), &survey, now, opts.prune);
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
    let unmanaged = if opts.prune {
        Unmanaged::default()
    } else {
        Unmanaged {
            mtls: survey::unmanaged_certs(fleet, survey.index.as_ref(), now),
            psk: c.orphan_psk.clone(),
        }
    };
    let crl_pending = c.crl || (opts.prune && !c.orphan_certs.is_empty());
    let revoked = survey::revoked_devices(fleet, survey.index.as_ref());
    let state = RenderState {
        unmanaged: &unmanaged,
        psk_store: &files::store_text(&psk),
        crl: pki::Layout::new(dir.pki()).crl().exists() || crl_pending,
        crl_pending,
        revoked: &revoked,
    };
    let outputs = files::render(fleet, &dir, opts, &state, None)?;
    let mut steps = c.steps;
    steps.extend(
        files::file_steps(&outputs)
            .into_iter()
            .map(|(step, _)| step),
    );
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
    files::path_style(&dir, opts)?;
    let now = OffsetDateTime::now_utc();
    // One apply at a time per fleet directory.
    let (_lock, migration) = survey::open_dir(&dir)?;
    let before = survey::survey(fleet, &dir)?;
    let mut c = changes::changes(fleet, dir.pki(), &before, now, opts.prune);
    if let Some(m) = migration {
        c.steps.insert(
            0,
            Step {
                kind: "pki",
                name: m.from.display().to_string(),
                action: Action::Update,
                detail: format!(
                    "{} records moved into pki.db (the old file kept as {})",
                    m.certificates,
                    m.kept_as.display()
                ),
            },
        );
    }
    let made = credentials::make(fleet, &dir, &c, &before, opts.prune, passphrase, progress)?;
    let index = made.index.as_ref().or(before.index.as_ref());
    let unmanaged = Unmanaged {
        mtls: survey::unmanaged_certs(fleet, index, now),
        psk: if opts.prune {
            Vec::new()
        } else {
            c.orphan_psk.clone()
        },
    };
    let revoked = survey::revoked_devices(fleet, index);
    let state = RenderState {
        unmanaged: &unmanaged,
        psk_store: &made.psk_store,
        crl: pki::Layout::new(dir.pki()).crl().exists(),
        crl_pending: false,
        revoked: &revoked,
    };
    let outputs = files::render(fleet, &dir, opts, &state, None)?;
    let mut steps = c.steps;
    steps.extend(files::write_changed(&dir, &outputs)?);
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
    let survey = survey::survey(fleet, &dir)?;
    Ok(survey::unmanaged_now(
        fleet,
        &survey,
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
    files::path_style(&dir, opts)?;
    let _lock = survey::open_dir(&dir)?;
    let survey = survey::survey(fleet, &dir)?;
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
        if let Some(path) = needed.into_iter().find(|p| !p.exists()) {
            return Err(FleetError::NotApplied { path });
        }
    }
    let unmanaged = survey::unmanaged_now(fleet, &survey, OffsetDateTime::now_utc());
    let revoked = survey::revoked_devices(fleet, survey.index.as_ref());
    let state = RenderState {
        unmanaged: &unmanaged,
        psk_store: &files::store_text(&survey.psk),
        crl: layout.crl().exists(),
        crl_pending: false,
        revoked: &revoked,
    };
    let outputs = files::render(fleet, &dir, opts, &state, broker)?;
    files::write_changed(&dir, &outputs)
}
