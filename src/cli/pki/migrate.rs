//! `pki migrate`: move the records from pki.db into an empty PostgreSQL database.

use super::PkiCommon;
use super::init::server_records;
use crate::cli::{CliError, ExitStatus, Ui};
use clap::Args;
use mqauth::pki;

#[derive(Debug, Args)]
#[command(
    after_help = "Copies every certificate (with its DER, where its file is still there), \
    the settings and the CRL numbers in one transaction, reads the copy back and compares it \
    field by field; only then writes records.url and keeps pki.db as pki.db.migrated. \
    See docs/postgres.md.\n\n\
    Examples:\n  \
    mqauth pki migrate --records postgres://mqauth@db.example/pki --records-password-file db.pass"
)]
pub(super) struct MigrateArgs {
    /// The empty PostgreSQL database to move the records into (postgres://USER@HOST[:PORT]/DB,
    /// no password in it)
    #[arg(long, env = "MQAUTH_RECORDS", value_name = "URL")]
    records: String,
    /// File holding the database's password (kept as private/records.password); without it
    /// PGPASSFILE or ~/.pgpass is read
    #[arg(long, value_name = "FILE")]
    records_password_file: Option<std::path::PathBuf>,
}

pub(super) fn run(common: &PkiCommon, a: MigrateArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let server = server_records(&a.records, a.records_password_file.as_deref())?;
    let moved = pki::move_records(common.dir(), &server)?;
    ui.summary(format!(
        "moved {} certificates ({} with their certificate) to {}\n  pki.db kept as {}",
        moved.certificates,
        moved.with_der,
        server.location.url,
        moved.kept_as.display()
    ));
    Ok(ExitStatus::Success)
}
