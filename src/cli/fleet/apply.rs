//! `fleet apply`: make the fleet directory match the manifest.

use super::{ManifestArgs, RenderArgs, print_steps, shown, summary};
use crate::cli::args::{FleetDirArg, PassphraseArg};
use crate::cli::output::print_json;
use crate::cli::progress::Progress;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::fleet::{self, Action, Step};

#[derive(Debug, Args)]
#[command(
    after_help = "Idempotent: a second run changes nothing and says so. A device added to \
    the manifest gets only its own credentials; a device removed is reported, and revoked or \
    removed only with --prune.\n\n\
    Examples:\n  \
    mqauth fleet apply                          # next to ./fleet.yaml\n  \
    mqauth fleet apply --example --fleet-dir demo\n  \
    mqauth fleet apply -m /srv/acme/fleet.yaml --prune --json\n  \
    mqauth fleet apply --group mosquitto          # brokers run as the mosquitto user"
)]
pub(super) struct ApplyArgs {
    #[command(flatten)]
    dir: FleetDirArg,
    /// Revoke the certificates and remove the PSKs of devices no longer in the manifest
    #[arg(long)]
    prune: bool,
    /// Print the steps taken as JSON (as `plan --json` does) instead of a table
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    group: crate::cli::args::GroupArg,
    #[command(flatten)]
    passphrase: PassphraseArg,
    #[command(flatten)]
    render: RenderArgs,
}

pub(super) fn run(m: &ManifestArgs, a: ApplyArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let fleet = m.load()?;
    let gid = a.group.gid()?;
    let pass = a.passphrase.read(ui)?;
    let dir = m.fleet_dir(a.dir.dir.as_deref());
    let mtls_devices =
        (fleet.certified_by_apply().count() + usize::from(fleet.enroll.is_some())) as u64;
    let progress = Progress::new(ui, mtls_devices, "issuing");
    let steps = fleet::apply(
        &fleet,
        &dir,
        &a.render.options(a.prune),
        pass.as_ref(),
        &progress.tick(),
    )?;
    drop(progress);
    let layout = mqauth::pki::Layout::new(dir.join(&fleet.pki.dir));
    for exposed in mqauth::pki::exposed_ca_secrets(&layout) {
        ui.warn(exposed.to_string());
    }
    if a.json {
        print_json(&steps)?;
    } else if !steps.is_empty() && !ui.is_quiet() {
        print_steps(&steps, ui)?;
    }
    if let (Some(gid), Some(group)) = (gid, &a.group.group) {
        let shared = share_broker_files(&fleet, &dir, &a.render, gid)?;
        ui.summary(format!(
            "gave group {group} read access to {} broker file{} (mode 0640); device and CA keys stay private",
            shared,
            if shared == 1 { "" } else { "s" }
        ));
        if let Some(closed) = closed_to_group(&dir, gid) {
            ui.warn(format!(
                "group {group} cannot enter {} (mode {:04o}), so a broker running as its own \
                 user cannot reach the fleet's files under it: keep the fleet directory where \
                 the broker may enter (e.g. /etc/mosquitto, /srv), or allow it (chmod o+x)",
                crate::cli::escape(&closed.0.display().to_string()),
                closed.1
            ));
        }
    }
    ui.summary(format!("{} in {}", summary("applied", &steps), shown(&dir)));
    if let Some(note) = reload_note(&steps) {
        ui.summary(note);
    }
    // RabbitMQ reads load_definitions only at boot; the script also deletes removed users.
    if steps
        .iter()
        .any(|s| s.kind == "file" && s.detail == "RabbitMQ definitions")
    {
        ui.summary(
            "  RabbitMQ loads definitions.json only at boot: run each RabbitMQ broker's rabbitmqctl.sh to update a running node (it also deletes removed devices' users)",
        );
    }
    Ok(ExitStatus::Success)
}

/// The files a broker reads that are secret: its key and its psk_file, and for Mosquitto 2.1
/// its ACL files (which it wants private).
fn share_broker_files(
    fleet: &fleet::Fleet,
    root: &std::path::Path,
    render: &RenderArgs,
    gid: u32,
) -> Result<usize, CliError> {
    let dir = fleet::FleetDir::new(root, fleet);
    let layout = mqauth::pki::Layout::new(dir.pki());
    let mut shared = 0;
    for b in &fleet.brokers {
        let mut files = Vec::new();
        if b.mtls_port.is_some() {
            files.push(layout.leaf_key(&b.name));
        }
        files.extend(dir.broker_psk_files(b));
        if b.acl_files_private(render.target, render.mosquitto) {
            files.extend([dir.mtls_acl(&b.name), dir.psk_acl(&b.name)]);
        }
        for file in files.iter().filter(|f| f.exists()) {
            mqauth::atomic::share_with_group(root, file, gid)?;
            shared += 1;
        }
    }
    Ok(shared)
}

/// The first directory on the way to the fleet directory (itself included) that members of
/// group `gid` may not pass, and its mode: a broker that drops to its own user (Mosquitto
/// started as root) cannot open files below it, whatever the files' own modes say.
fn closed_to_group(dir: &std::path::Path, gid: u32) -> Option<(std::path::PathBuf, u32)> {
    use std::os::unix::fs::MetadataExt;
    let dir = dir.canonicalize().ok()?;
    dir.ancestors().find_map(|d| {
        let meta = std::fs::metadata(d).ok()?;
        let mode = meta.mode() & 0o7777;
        let passable = mode & 0o001 != 0 || (meta.gid() == gid && mode & 0o010 != 0);
        (!passable).then(|| (d.to_path_buf(), mode))
    })
}

/// What running brokers need for the changes to take effect: Mosquitto re-reads its ACL, PSK
/// and CRL files on SIGHUP, but a changed listener needs a restart.
fn reload_note(steps: &[Step]) -> Option<&'static str> {
    let changed = || steps.iter().filter(|s| s.action.changes());
    let restart = changed()
        .any(|s| s.kind == "file" && s.action == Action::Update && s.detail.ends_with("config"));
    let reload = changed().any(|s| {
        s.kind == "crl"
            || s.action == Action::Remove
            || (s.kind == "file" && s.action == Action::Update)
    });
    if restart {
        Some(
            "  broker configurations changed: restart the brokers (a reload does not apply new listener settings)",
        )
    } else if reload {
        Some(
            "  Mosquitto re-reads acl_file, psk_file and crlfile on SIGHUP: reload the brokers (e.g. systemctl reload mosquitto)",
        )
    } else {
        None
    }
}
