//! The broker files: rendered in memory from the fleet and its credentials, compared with what
//! is on disk, and written together where they differ.

use super::{Action, ApplyOptions, Step};
use crate::atomic::{self, Batch, Mode};
use crate::fleet::error::FleetError;
use crate::fleet::layout::{FleetDir, PathStyle};
use crate::fleet::model::Fleet;
use crate::fleet::outputs::{Output, RenderInputs, Unmanaged, broker_outputs, differs};
use zeroize::Zeroizing;

const STORE_HEADER: &str = "# PSK identities and keys of the fleet (Mosquitto psk_file format).\n# mqauth fleet apply makes each broker's psk.txt from this file; rotate keys here with\n# `mqauth psk rotate --file <this file> ID` and run apply again.\n";

/// The fleet's PSK store as written: a header, then `identity:hexkey` lines.
pub(super) fn store_text(entries: &[(String, Zeroizing<String>)]) -> Zeroizing<Vec<u8>> {
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
pub(super) fn path_style(dir: &FleetDir, opts: &ApplyOptions) -> Result<PathStyle, FleetError> {
    let paths = PathStyle::new(dir.root(), opts.path_base.as_deref()).map_err(|source| {
        FleetError::Resolve {
            path: dir.root().to_path_buf(),
            source,
        }
    })?;
    paths
        .check()
        .map_err(|(value, why)| FleetError::UnsafePath { value, why })?;
    Ok(paths)
}

/// What the broker files render to, for the given state of the credentials.
pub(super) struct RenderState<'a> {
    pub(super) unmanaged: &'a Unmanaged,
    pub(super) psk_store: &'a [u8],
    pub(super) crl: bool,
    /// The CRL is about to be signed (a plan): its copies will change.
    pub(super) crl_pending: bool,
    /// Devices of the manifest whose certificate is revoked.
    pub(super) revoked: &'a [String],
}

pub(super) fn render(
    fleet: &Fleet,
    dir: &FleetDir,
    opts: &ApplyOptions,
    state: &RenderState<'_>,
    broker: Option<&str>,
) -> Result<Vec<Output>, FleetError> {
    let paths = path_style(dir, opts)?;
    broker_outputs(&RenderInputs {
        fleet,
        dir,
        paths: &paths,
        templates: opts.templates.as_deref(),
        unmanaged: state.unmanaged,
        psk_store: state.psk_store,
        crl: state.crl,
        crl_pending: state.crl_pending,
        revoked: state.revoked,
        target: opts.target,
        mosquitto: opts.mosquitto,
        broker,
    })
}

/// The steps that bring the files on disk to `outputs`: one per file whose contents differ.
pub(super) fn file_steps(outputs: &[Output]) -> Vec<(Step, &Output)> {
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

/// Writes the outputs that differ from the disk, together; returns what it wrote.
pub(super) fn write_changed(dir: &FleetDir, outputs: &[Output]) -> Result<Vec<Step>, FleetError> {
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
