//! `pki list`: what the PKI issued, as a table or JSON.

use super::PkiCommon;
use crate::cli::args::choice;
use crate::cli::output::{count, date, print_json};
use crate::cli::table::StatusTable;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::choice::Choice as _;
use mqauth::lifetime::Lifetime;
use mqauth::pki::{self, Entry, KeyAlgorithm, Profile, San, State};
use serde::Serialize;
use time::OffsetDateTime;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth pki list\n  \
    mqauth pki list sensor-0042           # which certificates does this device have?\n  \
    mqauth pki list 'sensor-00*' --status valid\n  \
    mqauth pki list --expiring 30d\n  \
    mqauth pki list --status revoked --json | jq -r '.[].name'")]
pub(super) struct ListArgs {
    /// Only certificates of this name, or of names matching this pattern (`*`, `?`, `[a-z]`)
    #[arg(value_name = "NAME|GLOB")]
    name: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
    /// Only certificates in force that expire within this window (e.g. 30d)
    #[arg(long, value_name = "DURATION")]
    expiring: Option<Lifetime>,
    /// Only certificates with this status
    #[arg(long, value_parser = choice::<State>())]
    status: Option<State>,
}

/// One row of `pki list`; also its JSON form (docs/json.md).
#[derive(Debug, Serialize)]
struct ListRow<'a> {
    name: &'a str,
    profile: Profile,
    serial: String,
    subject: &'a str,
    issuer: &'a str,
    sans: Vec<String>,
    key: KeyAlgorithm,
    #[serde(with = "time::serde::rfc3339")]
    not_before: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    not_after: OffsetDateTime,
    days_left: i64,
    status: &'static str,
    #[serde(with = "time::serde::rfc3339::option")]
    revoked_at: Option<OffsetDateTime>,
    reason: Option<&'static str>,
}

impl<'a> ListRow<'a> {
    fn new(e: &'a Entry, now: OffsetDateTime) -> Self {
        ListRow {
            name: &e.name,
            profile: e.profile,
            serial: e.serial.to_string(),
            subject: &e.subject,
            issuer: &e.issuer,
            sans: e.sans.iter().map(San::to_string).collect(),
            key: e.key,
            not_before: e.not_before,
            not_after: e.not_after,
            days_left: e.days_left(now),
            status: e.state(now).id(),
            revoked_at: e.revoked_at,
            reason: e.reason.map(|r| r.id()),
        }
    }
}

pub(super) fn run(common: &PkiCommon, a: ListArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let (records, migration) = pki::read_records(common.dir())?;
    if let Some(m) = &migration {
        super::note_migration(m, ui);
    }
    let now = OffsetDateTime::now_utc();
    let horizon = a.expiring.map(|w| now + w.duration());
    let entries = match (&a.name, horizon) {
        (Some(pattern), _) => records.matching(pattern),
        (None, Some(h)) => records.expiring(h),
        (None, None) => records.snapshot().map(|s| s.certificates),
    }
    .map_err(pki::PkiError::from)?;
    let rows: Vec<ListRow<'_>> = entries
        .iter()
        .filter(|e| a.status.is_none_or(|s| e.state(now) == s))
        .filter(|e| horizon.is_none_or(|h| e.state(now) == State::Valid && e.not_after <= h))
        .map(|e| ListRow::new(e, now))
        .collect();
    if a.json {
        print_json(&rows)?;
        return Ok(ExitStatus::Success);
    }
    let mut table = StatusTable::new(&[
        "Name",
        "Profile",
        "Serial",
        "Not after",
        "Days left",
        "Status",
    ]);
    for r in &rows {
        table.push(vec![
            r.name.to_string(),
            r.profile.id().to_string(),
            r.serial.clone(),
            date(r.not_after),
            r.days_left.to_string(),
            r.status.to_string(),
        ]);
    }
    table.print(ui)?;
    ui.summary(format!(
        "{} in {}",
        count(rows.len(), "certificate", "certificates"),
        pki::Layout::new(common.dir()).db().display()
    ));
    Ok(ExitStatus::Success)
}
