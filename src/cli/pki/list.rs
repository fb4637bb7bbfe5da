//! `pki list`: the index as a table or JSON.

use super::PkiCommon;
use crate::cli::output::{count, date, print_json};
use crate::cli::table::StatusTable;
use crate::cli::{CliError, Ui};
use clap::{Args, ValueEnum};
use mqauth::lifetime::Lifetime;
use mqauth::pki::{self, Entry, KeyAlgorithm, Profile, San};
use serde::Serialize;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

#[derive(Debug, Args)]
pub(super) struct ListArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
    /// Only certificates in force that expire within this window (e.g. 30d)
    #[arg(long, value_name = "DURATION")]
    expiring: Option<Lifetime>,
    /// Only certificates with this status
    #[arg(long, value_enum)]
    status: Option<StatusFilter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatusFilter {
    Valid,
    Expired,
    Revoked,
    Superseded,
}

impl StatusFilter {
    fn id(self) -> &'static str {
        match self {
            StatusFilter::Valid => "valid",
            StatusFilter::Expired => "expired",
            StatusFilter::Revoked => "revoked",
            StatusFilter::Superseded => "superseded",
        }
    }
}

/// One row of `pki list`; also its JSON form.
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
            status: e.effective_status(now),
            revoked_at: e.revoked_at,
            reason: e.reason.map(|r| r.id()),
        }
    }
}

pub(super) fn list(common: &PkiCommon, a: ListArgs, ui: &Ui) -> Result<u8, CliError> {
    let index = pki::read_only_index(&common.dir)?;
    let now = OffsetDateTime::now_utc();
    let horizon = a.expiring.map(|w| now + w.duration());
    let rows: Vec<ListRow<'_>> = index
        .certificates
        .iter()
        .map(|e| ListRow::new(e, now))
        .filter(|r| a.status.is_none_or(|s| s.id() == r.status))
        .filter(|r| horizon.is_none_or(|h| r.status == "valid" && r.not_after <= h))
        .collect();
    if a.json {
        print_json(&rows)?;
        return Ok(0);
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
        index_path(&common.dir).display()
    ));
    Ok(0)
}

fn index_path(dir: &Path) -> PathBuf {
    pki::Layout::new(dir).index()
}
