//! `inspect`: every certificate under some paths, with its status, read in parallel.

use super::facts::{CertFacts, CertStatus};
use super::revocation::CrlSet;
use super::source::{Contents, Input, collect_inputs, decode};
use rayon::prelude::*;
use std::path::PathBuf;
use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone)]
pub struct InspectOptions {
    /// Certificates expiring within this window are `expiring`.
    pub warn: Duration,
    pub crls: CrlSet,
    pub now: OffsetDateTime,
}

/// One certificate found, with its verdict.
#[derive(Debug, Clone)]
pub struct Row {
    pub file: PathBuf,
    pub facts: CertFacts,
    pub days_left: i64,
    pub status: CertStatus,
}

/// A file that held no certificate, and why.
#[derive(Debug, Clone)]
pub struct FileNote {
    pub file: PathBuf,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Inspection {
    /// In input order: paths as given, directories walked in name order, blocks in file order.
    pub rows: Vec<Row>,
    /// Files that should have held certificates and did not: these fail a check.
    pub problems: Vec<FileNote>,
    /// Files a directory walk found that are not certificates (keys, CSRs, indexes).
    pub skipped: Vec<FileNote>,
}

impl Inspection {
    pub fn count(&self, status: CertStatus) -> usize {
        self.rows.iter().filter(|r| r.status == status).count()
    }
}

pub(super) fn row(file: PathBuf, facts: CertFacts, opts: &InspectOptions) -> Row {
    let revoked = opts.crls.is_revoked(
        &facts.issuer_raw,
        facts.authority_key_id.as_deref(),
        &facts.serial_bytes,
    );
    Row {
        days_left: facts.days_left(opts.now),
        status: facts.status(opts.now, opts.warn, revoked),
        file,
        facts,
    }
}

/// Reads and decodes one input: the rows it holds, or a note about it.
pub(super) fn read_input(
    input: &Input,
    opts: &InspectOptions,
) -> Result<Vec<Row>, (bool, FileNote)> {
    let note = |message| FileNote {
        file: input.path.clone(),
        message,
    };
    let bytes = crate::input::read(&input.path, crate::input::Kind::Certificates)
        .map_err(|e| (true, note(e.reason())))?;
    match decode(input, &bytes, CertFacts::read) {
        Contents::Certificates(all) => Ok(all
            .into_iter()
            .map(|facts| row(input.path.clone(), facts, opts))
            .collect()),
        Contents::Problem(why) => Err((true, note(why))),
        Contents::Skipped(why) => Err((false, note(why))),
    }
}

/// Inspects files and directory trees. Files are read and parsed in parallel; results keep
/// the input order, so output is stable from run to run.
pub fn inspect(paths: &[PathBuf], opts: &InspectOptions) -> Inspection {
    let (inputs, missing) = collect_inputs(paths);
    let results: Vec<Result<Vec<Row>, (bool, FileNote)>> = inputs
        .par_iter()
        .map(|input| read_input(input, opts))
        .collect();
    let mut out = Inspection {
        problems: missing
            .into_iter()
            .map(|(file, message)| FileNote { file, message })
            .collect(),
        ..Inspection::default()
    };
    for result in results {
        match result {
            Ok(rows) => out.rows.extend(rows),
            Err((true, note)) => out.problems.push(note),
            Err((false, note)) => out.skipped.push(note),
        }
    }
    out
}
