//! `pki renew`: re-issue certificates before they expire.

use super::{PkiCommon, open_pki};
use crate::cli::output::{count, date};
use crate::cli::progress::Progress;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::lifetime::{self, Lifetime};
use mqauth::pki::{self, RenewOptions, RenewSelection, SigningCa};

#[derive(Debug, Args)]
#[command(
    after_help = "A second run of the same renewal renews nothing: a certificate is \
    renewed only when that extends it by a day or more (or with --rekey).\n\n\
    Examples:\n  \
    mqauth pki renew --within 30d\n  \
    mqauth pki renew broker1 --rekey\n  \
    mqauth pki renew --within 60d --lifetime 90d\n  \
    mqauth pki renew --within 400d --dry-run"
)]
pub(super) struct RenewArgs {
    /// Renew these certificates, whatever their expiry
    #[arg(conflicts_with = "within")]
    names: Vec<String>,
    /// Renew every certificate that expires within this window (the default: 30d)
    #[arg(long, value_name = "DURATION")]
    within: Option<Lifetime>,
    /// Generate new keys instead of certifying the existing ones again
    #[arg(long)]
    rekey: bool,
    /// Lifetime of the new certificates [default: the same as the old ones]
    #[arg(long = "lifetime", visible_alias = "days", value_parser = lifetime::positive, value_name = "DURATION")]
    days: Option<Lifetime>,
    /// Show what would be renewed, and why the others would not be; change nothing
    #[arg(long)]
    dry_run: bool,
}

/// Per-certificate lines beyond this many are summarised.
const RENEW_LINES: usize = 50;

pub(super) fn run(common: &PkiCommon, a: RenewArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let window = a.within.unwrap_or(Lifetime::days(30));
    let selection = if a.names.is_empty() {
        RenewSelection::Within(window.duration())
    } else {
        RenewSelection::Names(a.names)
    };
    let pass = common.passphrase(ui)?;
    let mut pki = open_pki(common, ui)?;
    let opts = RenewOptions {
        rekey: a.rekey,
        lifetime: a.days,
    };
    let plan = pki::renew_plan(&pki, &selection, opts)?;
    if a.dry_run {
        return dry_run(&plan, &selection, window);
    }
    let chosen = plan.chosen;
    if chosen.is_empty() {
        ui.summary(match &selection {
            RenewSelection::Names(names) => format!(
                "nothing to renew: renewing {} again now would not extend {} by a day (it was just renewed; --rekey gives new keys anyway)",
                names.join(", "),
                if names.len() == 1 { "it" } else { "them" }
            ),
            RenewSelection::Within(_) if plan.not_extended.is_empty() => {
                format!("nothing to renew: no certificate in force expires within {window}")
            }
            RenewSelection::Within(_) => format!(
                "nothing to renew: {} within {window} ({}), but renewing {} now would not extend {} by a day: each would get the lifetime it has, from today (--lifetime sets a longer one; --rekey renews anyway; --dry-run lists them)",
                count(plan.not_extended.len(), "certificate expires", "certificates expire"),
                names_of(&plan.not_extended),
                if plan.not_extended.len() == 1 { "it" } else { "them" },
                if plan.not_extended.len() == 1 { "it" } else { "them" },
            ),
        });
        return Ok(ExitStatus::Success);
    }
    // Only now is the CA key needed: a scheduled run with nothing to do never unlocks it.
    let ca = SigningCa::issuing(&pki, pass.as_ref())?;
    let progress = Progress::new(ui, chosen.len() as u64, "renewing");
    let renewed = pki::renew(&mut pki, &ca, chosen, opts, &progress.tick())?;
    drop(progress);
    let cut = renewed.iter().find_map(|r| {
        let asked = opts
            .lifetime
            .map(|l| l.duration())
            .unwrap_or(r.old.not_after - r.old.not_before - pki::BACKDATE);
        pki::cut_short(&r.new, asked)
    });
    if let Some(end) = cut {
        ui.warn(format!(
            "renewed certificates are valid only until {}, when the issuing CA expires: no certificate outlives the CA that signs it",
            date(end)
        ));
    }
    let mut lines: Vec<String> = renewed
        .iter()
        .take(RENEW_LINES)
        .map(|r| {
            format!(
                "renewed {} {}: serial {} -> {}, valid until {} ({})",
                r.new.profile,
                r.new.name,
                r.old.serial,
                r.new.serial,
                date(r.new.not_after),
                if r.rekeyed { "new key" } else { "same key" }
            )
        })
        .collect();
    if renewed.len() > RENEW_LINES {
        lines.push(format!(
            "... and {} more (see `mqauth pki list`)",
            renewed.len() - RENEW_LINES
        ));
    }
    lines.push(format!(
        "{} renewed; the previous ones are marked superseded",
        count(renewed.len(), "certificate", "certificates")
    ));
    ui.summary(lines.join("\n"));
    Ok(ExitStatus::Success)
}

/// At most five names, then how many more.
fn names_of(entries: &[pki::Entry]) -> String {
    let mut names: Vec<&str> = entries.iter().take(5).map(|e| e.name.as_str()).collect();
    let more = entries.len().saturating_sub(5);
    let more = format!("and {more} more");
    if entries.len() > 5 {
        names.push(&more);
    }
    names.join(", ")
}

/// `--dry-run`: a line per certificate the renewal selects, on standard output.
fn dry_run(
    plan: &pki::RenewPlan,
    selection: &RenewSelection,
    window: Lifetime,
) -> Result<ExitStatus, CliError> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    for e in &plan.chosen {
        writeln!(
            out,
            "would renew {} {}: expires {}",
            e.profile,
            e.name,
            date(e.not_after)
        )
        .map_err(CliError::stdout)?;
    }
    for e in &plan.not_extended {
        writeln!(
            out,
            "would skip {} {}: expires {}; renewing it now would not extend it by a day (--lifetime sets a longer one, --rekey renews anyway)",
            e.profile,
            e.name,
            date(e.not_after)
        )
        .map_err(CliError::stdout)?;
    }
    if plan.chosen.is_empty()
        && plan.not_extended.is_empty()
        && let RenewSelection::Within(_) = selection
    {
        writeln!(out, "no certificate in force expires within {window}")
            .map_err(CliError::stdout)?;
    }
    Ok(ExitStatus::Success)
}
