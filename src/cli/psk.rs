//! `mqauth psk …`: generate, rotate, revoke and check pre-shared keys.

use super::output::{count, print_json};
use super::{CliError, Ui, escape};
use clap::{Args, Subcommand, ValueEnum};
use mqauth::names::NameTemplate;
use mqauth::psk::{self, ChangedOut, Checker, Format, Identities, PskBatch, Selection, Severity};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct PskArgs {
    #[command(subcommand)]
    verb: PskVerb,
}

#[derive(Debug, Subcommand)]
enum PskVerb {
    /// Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)
    #[command(
        after_help = "Examples:\n  mqauth psk gen --count 1000 --out psk.txt\n  \
        mqauth psk gen --count 50 --template \"gw-{n:02}\" --start 1 --format csv > factory.csv\n  \
        mqauth psk gen sensor-9 --out psk.txt --append"
    )]
    Gen(GenArgs),
    /// Give identities fresh keys in an existing PSK file
    #[command(
        after_help = "Examples:\n  mqauth psk rotate --file psk.txt device-0007\n  \
        mqauth psk rotate --file psk.txt --all --changed-out rotated.txt"
    )]
    Rotate(RotateArgs),
    /// Remove identities from a PSK file
    Revoke(RevokeArgs),
    /// Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys,
    /// loose permissions
    #[command(
        after_help = "Exit codes: 0 clean, 3 warnings only, 4 at least one problem, 1 when \
        no file could be read."
    )]
    Check(CheckArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// identity:hexkey per line (Mosquitto's psk_file)
    Mosquitto,
    /// identity,key with a header line
    Csv,
    /// an array of {"identity", "key"} objects
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Mosquitto => Format::Mosquitto,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
        }
    }
}

fn key_bytes(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    psk::check_key_size(n).map_err(|e| e.to_string())?;
    Ok(n)
}

#[derive(Debug, Args)]
struct GenArgs {
    /// Identities to generate keys for
    #[arg(conflicts_with = "count", required_unless_present = "count")]
    ids: Vec<String>,
    /// Generate N identities named by --template (at most 1,000,000)
    #[arg(long, value_name = "N", value_parser = super::batch_count())]
    count: Option<u64>,
    /// Identity template for --count; {n} is the number, {n:04} pads it to 4 digits
    #[arg(long, default_value = "device-{n:04}", requires = "count")]
    template: String,
    /// First number
    #[arg(long, default_value_t = 1, requires = "count", value_name = "K")]
    start: u64,
    /// Key size in bytes (16 to 64)
    #[arg(long, default_value_t = psk::DEFAULT_KEY_BYTES, value_parser = key_bytes, value_name = "N")]
    bytes: usize,
    /// Write to FILE (mode 0600, atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Add to an existing Mosquitto-format FILE, refusing identities already in it
    #[arg(long, requires = "out", conflicts_with = "force")]
    append: bool,
    /// Replace FILE if it exists
    #[arg(long, requires = "out")]
    force: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Mosquitto)]
    format: FormatArg,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["ids", "all"]))]
struct RotateArgs {
    /// The PSK file (Mosquitto format)
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// Identities to rotate
    ids: Vec<String>,
    /// Rotate every identity in the file
    #[arg(long)]
    all: bool,
    /// New key size in bytes [default: each key keeps its size]
    #[arg(long, value_parser = key_bytes, value_name = "N")]
    bytes: Option<usize>,
    /// Also write the rotated entries to FILE (0600), to push to the devices; `-` for stdout
    #[arg(long, value_name = "FILE")]
    changed_out: Option<PathBuf>,
    /// Replace the --changed-out file if it exists
    #[arg(long, requires = "changed_out")]
    force: bool,
}

#[derive(Debug, Args)]
struct RevokeArgs {
    /// The PSK file (Mosquitto format)
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// Identities to remove
    #[arg(required = true)]
    ids: Vec<String>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// PSK files to check (keys shared across files are found too)
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

pub fn run(args: PskArgs, ui: &Ui) -> Result<u8, CliError> {
    match args.verb {
        PskVerb::Gen(a) => gen_keys(a, ui),
        PskVerb::Rotate(a) => rotate(a, ui),
        PskVerb::Revoke(a) => revoke(a, ui),
        PskVerb::Check(a) => check(a, ui),
    }
}

fn gen_keys(a: GenArgs, ui: &Ui) -> Result<u8, CliError> {
    let format = Format::from(a.format);
    if a.append && format != Format::Mosquitto {
        return Err(psk::PskError::AppendFormat.into());
    }
    let identities = match a.count {
        Some(count) => Identities::Numbered {
            template: NameTemplate::parse(&a.template)?,
            start: a.start,
            count,
        },
        None => Identities::Listed(a.ids),
    };
    let batch = PskBatch::new(identities, a.bytes)?;
    let Some(out) = a.out else {
        let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
        batch.write_to(format, &mut stdout).map_err(|e| match e {
            psk::PskError::Write(io) => CliError::stdout(io),
            other => other.into(),
        })?;
        return Ok(0);
    };
    if a.append {
        psk::append(&out, &batch)?;
    } else {
        psk::write_new(&out, &batch, format, a.force)?;
    }
    ui.summary(format!(
        "{} {} ({}-byte keys) to {}{}",
        if a.append { "appended" } else { "wrote" },
        count(batch.len(), "identity", "identities"),
        a.bytes,
        out.display(),
        if a.append { "" } else { " (mode 0600)" }
    ));
    Ok(0)
}

fn rotate(a: RotateArgs, ui: &Ui) -> Result<u8, CliError> {
    let selection = if a.all {
        Selection::All
    } else {
        Selection::Some(a.ids)
    };
    let to_stdout = a.changed_out.as_deref() == Some(std::path::Path::new("-"));
    let changed_out = a.changed_out.filter(|_| !to_stdout).map(|path| ChangedOut {
        path,
        force: a.force,
    });
    let rotation = psk::rotate(&a.file, &selection, a.bytes, changed_out.as_ref())?;
    if to_stdout {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&rotation.changed)
            .and_then(|()| stdout.flush())
            .map_err(CliError::stdout)?;
    }
    let mut summary = format!(
        "rotated {} in {}",
        count(rotation.rotated.len(), "identity", "identities"),
        a.file.display()
    );
    if let Some(out) = &changed_out {
        summary.push_str(&format!("; new keys also in {}", out.path.display()));
    }
    summary.push_str(
        "\n  Mosquitto re-reads psk_file on SIGHUP: reload the broker once the devices have their new keys",
    );
    ui.summary(summary);
    Ok(0)
}

fn revoke(a: RevokeArgs, ui: &Ui) -> Result<u8, CliError> {
    psk::revoke(&a.file, &a.ids)?;
    ui.summary(format!(
        "removed {} from {}\n  Mosquitto re-reads psk_file on SIGHUP: reload the broker to lock them out",
        count(a.ids.len(), "identity", "identities"),
        a.file.display()
    ));
    Ok(0)
}

fn check(a: CheckArgs, ui: &Ui) -> Result<u8, CliError> {
    let mut checker = Checker::new();
    for file in &a.files {
        checker.check_file(file);
    }
    let reports = checker.into_reports();
    if reports.iter().all(|r| !r.readable) {
        let first = &reports[0];
        let why = first.findings.first().map_or("", |f| f.message.as_str());
        return Err(CliError::Failed(format!("{}: {why}", first.file.display())));
    }
    let worst = reports.iter().filter_map(|r| r.worst()).max();
    if a.json {
        print_json(&reports)?;
    } else {
        let mut out = String::new();
        for r in &reports {
            for f in &r.findings {
                let place = match f.line {
                    Some(line) => format!("{}:{line}", r.file.display()),
                    None => r.file.display().to_string(),
                };
                let severity = match f.severity {
                    Severity::Problem => ui.paint_red("problem"),
                    Severity::Warning => ui.paint_yellow("warning"),
                };
                out.push_str(&format!(
                    "{}: {severity} [{}] {}\n",
                    escape(&place),
                    f.code,
                    escape(&f.message)
                ));
            }
        }
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(CliError::stdout)?;
    }
    let all = reports.iter().flat_map(|r| &r.findings);
    let problems = all
        .clone()
        .filter(|f| f.severity == Severity::Problem)
        .count();
    let warnings = all.filter(|f| f.severity == Severity::Warning).count();
    let entries: usize = reports.iter().map(|r| r.entries).sum();
    ui.summary(format!(
        "checked {}, {}: {}, {}",
        count(reports.len(), "file", "files"),
        count(entries, "entry", "entries"),
        count(problems, "problem", "problems"),
        count(warnings, "warning", "warnings")
    ));
    Ok(match worst {
        Some(Severity::Problem) => 4,
        Some(Severity::Warning) => 3,
        None => 0,
    })
}
