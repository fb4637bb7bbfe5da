//! `psk gen`: per-device keys from the kernel's CSPRNG.

use super::key_bytes;
use crate::cli::args::{BatchArgs, choice};
use crate::cli::output::count;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::names::NameTemplate;
use mqauth::psk::{self, Format, Identities, PskBatch};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth psk gen --count 1000 --out psk.txt\n  \
    mqauth psk gen --count 50 --template \"gw-{n:02}\" --start 1 --format csv > factory.csv\n  \
    mqauth psk gen sensor-9 --out psk.txt --append\n  \
    mqauth psk gen --count 100 --bytes 32 --out /etc/mosquitto/psk.txt --group mosquitto --stack mbedtls2")]
pub(super) struct GenArgs {
    /// Identities to generate keys for
    #[arg(conflicts_with = "count", required_unless_present = "count")]
    ids: Vec<String>,
    #[command(flatten)]
    batch: BatchArgs,
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
    #[arg(long, default_value = "mosquitto", value_parser = choice::<Format>())]
    format: Format,
    #[command(flatten)]
    group: crate::cli::args::GroupArg,
    #[command(flatten)]
    stack: crate::cli::args::StackArgs,
}

pub(super) fn run(a: GenArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    if a.append && a.format != Format::Mosquitto {
        return Err(CliError::Usage(
            "--append works with the mosquitto format only".into(),
        ));
    }
    let identities = match a.batch.count {
        Some(count) => Identities::Numbered {
            template: NameTemplate::parse(&a.batch.template)?,
            start: a.batch.start,
            count,
        },
        None => Identities::Listed(a.ids),
    };
    let gid = a.group.gid()?;
    if a.group.group.is_some() && a.out.is_none() {
        return Err(CliError::Usage(
            "--group gives a file to a group: it needs --out FILE".into(),
        ));
    }
    if a.stack.stack.is_some() {
        let facts = mqauth::export::StackFacts {
            psk_bytes: Some(a.bytes),
            ..Default::default()
        };
        a.stack.report(&a.stack.facts(facts), "psk", ui)?;
    }
    let batch = PskBatch::new(identities, a.bytes)?;
    let Some(out) = a.out else {
        let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
        batch.write_to(a.format, &mut stdout).map_err(|e| match e {
            psk::PskError::Write(io) => CliError::stdout(io),
            other => other.into(),
        })?;
        return Ok(ExitStatus::Success);
    };
    if a.append {
        psk::append(&out, &batch)?;
    } else {
        psk::write_new(&out, &batch, a.format, a.force)?;
    }
    if let (Some(gid), Some(group)) = (gid, &a.group.group) {
        let base = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        mqauth::atomic::share_with_group(base, &out, gid)?;
        ui.summary(format!(
            "gave group {group} read access to {} (mode 0640)",
            out.display()
        ));
    }
    ui.summary(format!(
        "{} {} ({}-byte keys) to {}{}",
        if a.append { "appended" } else { "wrote" },
        count(batch.len(), "identity", "identities"),
        a.bytes,
        out.display(),
        if a.append || gid.is_some() {
            ""
        } else {
            " (mode 0600)"
        }
    ));
    Ok(ExitStatus::Success)
}
