//! `mqauth fleet …`, `mqauth acl render` and `mqauth broker render`: from a manifest to
//! credentials and broker files.

use super::output::{count, print_json, print_line};
use super::progress::Progress;
use super::table::StatusTable;
use super::{CliError, Ui};
use clap::{Args, Subcommand, ValueEnum};
use mqauth::atomic::{self, Mode};
use mqauth::fleet::{self, AclFormat, ApplyOptions, Fleet, Step, Target};
use std::path::{Path, PathBuf};

/// Where the manifest comes from; shared by the fleet, acl and broker nouns.
#[derive(Debug, Args)]
struct ManifestArgs {
    /// Fleet manifest (YAML)
    #[arg(
        short,
        long,
        global = true,
        default_value = "fleet.yaml",
        value_name = "FILE"
    )]
    manifest: PathBuf,
    /// Use the example manifest built into mqauth (the one `fleet init` writes)
    #[arg(long, global = true, conflicts_with = "manifest")]
    example: bool,
}

impl ManifestArgs {
    /// The fleet directory: as given, or the manifest's own directory, so that running from
    /// another folder never starts a second CA there. The built-in example has no directory:
    /// the current one.
    fn fleet_dir(&self, given: Option<&Path>) -> PathBuf {
        match given {
            Some(dir) => dir.to_path_buf(),
            None if self.example => PathBuf::from("."),
            None => match self.manifest.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                _ => PathBuf::from("."),
            },
        }
    }

    fn load(&self) -> Result<Fleet, CliError> {
        if self.example {
            Ok(fleet::parse(
                fleet::EXAMPLE,
                Path::new("<example manifest>"),
            )?)
        } else {
            Ok(fleet::load(&self.manifest)?)
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TargetArg {
    /// Mosquitto 2.0: mosquitto.conf, acl_file per listener, psk_file
    Mosquitto,
    /// EMQX 5: emqx.conf, file authorization acl.conf, PSK init file
    Emqx,
}

impl From<TargetArg> for Target {
    fn from(t: TargetArg) -> Target {
        match t {
            TargetArg::Mosquitto => Target::Mosquitto,
            TargetArg::Emqx => Target::Emqx,
        }
    }
}

/// Options of everything that renders broker files.
#[derive(Debug, Args)]
struct RenderArgs {
    /// Broker software to render for
    #[arg(long, value_enum, default_value_t = TargetArg::Mosquitto)]
    target: TargetArg,
    /// Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2)
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Write paths in broker configs under this directory (where the fleet directory will be
    /// deployed) instead of absolute paths of this machine
    #[arg(long, value_name = "DIR")]
    path_base: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FleetArgs {
    #[command(flatten)]
    manifest: ManifestArgs,
    #[command(subcommand)]
    verb: FleetVerb,
}

#[derive(Debug, Subcommand)]
enum FleetVerb {
    /// Write a commented example manifest to start from
    Init(InitArgs),
    /// Show what apply would create, change or remove; writes nothing
    Plan(PlanArgs),
    /// Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for
    #[command(
        after_help = "Idempotent: a second run changes nothing and says so. A device added to \
        the manifest gets only its own credentials; a device removed is reported, and revoked or \
        removed only with --prune.\n\nExample:\n  mqauth fleet apply --example --out demo"
    )]
    Apply(ApplyArgs),
}

#[derive(Debug, Args)]
struct InitArgs {
    /// Replace the manifest file if it exists
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct PlanArgs {
    /// Fleet directory: where the PKI, PSKs and broker files live [default: the manifest's
    /// directory]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Plan revoking and removing the credentials of devices no longer in the manifest
    #[arg(long)]
    prune: bool,
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    render: RenderArgs,
}

#[derive(Debug, Args)]
struct ApplyArgs {
    /// Fleet directory: where the PKI, PSKs and broker files are written [default: the
    /// manifest's directory]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Revoke the certificates and remove the PSKs of devices no longer in the manifest
    #[arg(long)]
    prune: bool,
    /// File whose first line is the CA keys' passphrase
    #[arg(long, env = "MQAUTH_PASSPHRASE_FILE", value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    render: RenderArgs,
}

#[derive(Debug, Args)]
pub struct AclArgs {
    #[command(flatten)]
    manifest: ManifestArgs,
    #[command(subcommand)]
    verb: AclVerb,
}

#[derive(Debug, Subcommand)]
enum AclVerb {
    /// Render the fleet's authorization rules (least privilege, from the manifest)
    Render(AclRenderArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AclFormatArg {
    /// Mosquitto acl_file
    Mosquitto,
    /// Mosquitto dynamic-security plugin JSON
    Dynsec,
    /// EMQX file authorization (acl.conf)
    Emqx,
}

#[derive(Debug, Args)]
struct AclRenderArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = AclFormatArg::Mosquitto)]
    format: AclFormatArg,
    /// Write to FILE (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "out")]
    force: bool,
    /// Fleet directory, to deny identities that can still authenticate but left the manifest
    /// [default: the manifest's directory]
    #[arg(long, value_name = "DIR")]
    fleet_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BrokerArgs {
    #[command(flatten)]
    manifest: ManifestArgs,
    #[command(subcommand)]
    verb: BrokerVerb,
}

#[derive(Debug, Subcommand)]
enum BrokerVerb {
    /// Render complete broker configurations (needs the credentials `fleet apply` made)
    Render(BrokerRenderArgs),
}

#[derive(Debug, Args)]
struct BrokerRenderArgs {
    /// Only this broker [default: all]
    #[arg(long, value_name = "NAME")]
    broker: Option<String>,
    /// Fleet directory; files go to DIR/brokers/NAME/ (EMQX: DIR/brokers/NAME/emqx/)
    /// [default: the manifest's directory]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    render: RenderArgs,
}

fn options(render: &RenderArgs, prune: bool) -> ApplyOptions {
    ApplyOptions {
        prune,
        target: render.target.into(),
        templates: render.templates.clone(),
        path_base: render.path_base.clone(),
    }
}

pub fn run_fleet(args: FleetArgs, ui: &Ui) -> Result<u8, CliError> {
    match args.verb {
        FleetVerb::Init(a) => init(&args.manifest, a, ui),
        FleetVerb::Plan(a) => plan(&args.manifest, a, ui),
        FleetVerb::Apply(a) => apply(&args.manifest, a, ui),
    }
}

fn init(m: &ManifestArgs, a: InitArgs, ui: &Ui) -> Result<u8, CliError> {
    atomic::write_file(
        &m.manifest,
        fleet::EXAMPLE.as_bytes(),
        Mode::Public,
        a.force,
    )?;
    ui.summary(format!(
        "wrote {}: edit it, then `mqauth fleet plan` and `mqauth fleet apply --out DIR`",
        m.manifest.display()
    ));
    Ok(0)
}

/// The fleet directory as the summary names it: absolute, so there is no doubt which one.
fn shown(dir: &Path) -> String {
    let absolute = dir
        .canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    format!("fleet directory {}", absolute.display())
}

/// What running brokers need for the changes to take effect: Mosquitto re-reads its ACL, PSK
/// and CRL files on SIGHUP, but a changed listener needs a restart.
fn reload_note(steps: &[Step]) -> Option<String> {
    use fleet::Action;
    let changed = |s: &&Step| s.action.changes();
    let restart = steps
        .iter()
        .filter(changed)
        .any(|s| s.kind == "file" && s.action == Action::Update && s.detail.ends_with("config"));
    let reload = steps.iter().filter(changed).any(|s| {
        s.kind == "crl"
            || s.action == Action::Remove
            || (s.kind == "file" && s.action == Action::Update)
    });
    if restart {
        Some("  broker configurations changed: restart the brokers (a reload does not apply new listener settings)".into())
    } else if reload {
        Some("  Mosquitto re-reads acl_file, psk_file and crlfile on SIGHUP: reload the brokers (e.g. systemctl reload mosquitto)".into())
    } else {
        None
    }
}

/// Steps beyond this many per kind and action are summarised in the table.
const SHOWN_PER_CATEGORY: usize = 20;

fn print_steps(steps: &[Step], ui: &Ui) -> Result<(), CliError> {
    let mut table = StatusTable::new(&["Kind", "Name", "Detail", "Action"]);
    let mut shown: std::collections::HashMap<(&str, &str), usize> = Default::default();
    for s in steps {
        let n = shown.entry((s.kind, s.action.id())).or_default();
        *n += 1;
        if *n <= SHOWN_PER_CATEGORY {
            table.push(vec![
                s.kind.into(),
                s.name.clone(),
                s.detail.clone(),
                s.action.id().into(),
            ]);
        }
    }
    for ((kind, action), n) in &shown {
        if *n > SHOWN_PER_CATEGORY {
            table.push(vec![
                kind.to_string(),
                format!("... and {} more", n - SHOWN_PER_CATEGORY),
                String::new(),
                action.to_string(),
            ]);
        }
    }
    table.print(ui)
}

fn summary(verb: &str, steps: &[Step]) -> String {
    if !fleet::changes_anything(steps) {
        let notes = if steps.is_empty() {
            String::new()
        } else {
            format!(" ({} listed above)", count(steps.len(), "note", "notes"))
        };
        return format!("nothing to do: everything matches the manifest{notes}");
    }
    let parts: Vec<String> = fleet::tally(steps)
        .into_iter()
        .map(|(what, n)| format!("{what} {n}"))
        .collect();
    format!(
        "{verb} {}: {}",
        count(steps.len(), "step", "steps"),
        parts.join(", ")
    )
}

fn plan(m: &ManifestArgs, a: PlanArgs, ui: &Ui) -> Result<u8, CliError> {
    let fleet = m.load()?;
    let dir = m.fleet_dir(a.out.as_deref());
    let steps = fleet::plan(&fleet, &dir, &options(&a.render, a.prune))?;
    if a.json {
        print_json(&steps)?;
    } else if !steps.is_empty() {
        print_steps(&steps, ui)?;
    }
    ui.summary(format!("{} in {}", summary("plan:", &steps), shown(&dir)));
    Ok(0)
}

fn apply(m: &ManifestArgs, a: ApplyArgs, ui: &Ui) -> Result<u8, CliError> {
    let fleet = m.load()?;
    let pass = super::pki::read_passphrase(a.passphrase_file.as_deref(), ui)?;
    let mtls_devices = fleet.devices_with(fleet::Auth::Mtls).count() as u64;
    let progress = Progress::new(ui, mtls_devices, "issuing");
    let dir = m.fleet_dir(a.out.as_deref());
    let steps = fleet::apply(
        &fleet,
        &dir,
        &options(&a.render, a.prune),
        pass.as_ref(),
        &progress.tick(),
    )?;
    drop(progress);
    let layout = mqauth::pki::Layout::new(dir.join(&fleet.pki.dir));
    for exposed in mqauth::pki::exposed_ca_secrets(&layout) {
        ui.warn(exposed.to_string());
    }
    if !steps.is_empty() && !ui.is_quiet() {
        print_steps(&steps, ui)?;
    }
    ui.summary(format!("{} in {}", summary("applied", &steps), shown(&dir)));
    if let Some(note) = reload_note(&steps) {
        ui.summary(note);
    }
    Ok(0)
}

pub fn run_acl(args: AclArgs, ui: &Ui) -> Result<u8, CliError> {
    let AclVerb::Render(a) = args.verb;
    let fleet = args.manifest.load()?;
    let unmanaged = fleet::unmanaged(&fleet, &args.manifest.fleet_dir(a.fleet_dir.as_deref()))?;
    let format = match a.format {
        AclFormatArg::Mosquitto => AclFormat::Mosquitto,
        AclFormatArg::Dynsec => AclFormat::Dynsec,
        AclFormatArg::Emqx => AclFormat::Emqx,
    };
    let text = fleet::fleet_acl(&fleet, &unmanaged, format);
    match &a.out {
        Some(path) => {
            atomic::write_file(path, text.as_bytes(), Mode::Public, a.force)?;
            ui.summary(format!(
                "wrote {} ({} devices)",
                path.display(),
                fleet.devices.len()
            ));
        }
        None => print_line(text.trim_end_matches('\n'))?,
    }
    Ok(0)
}

pub fn run_broker(args: BrokerArgs, ui: &Ui) -> Result<u8, CliError> {
    let BrokerVerb::Render(a) = args.verb;
    let fleet = args.manifest.load()?;
    let dir = args.manifest.fleet_dir(a.out.as_deref());
    let steps = fleet::render_brokers(
        &fleet,
        &dir,
        &options(&a.render, false),
        a.broker.as_deref(),
    )?;
    if !steps.is_empty() && !ui.is_quiet() {
        print_steps(&steps, ui)?;
    }
    ui.summary(format!(
        "{} in {}",
        summary("rendered", &steps),
        shown(&dir)
    ));
    Ok(0)
}
