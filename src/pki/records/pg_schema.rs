//! The PostgreSQL database's schema, and the steps from each version to the next.
//!
//! Table `mqauth_schema` holds the version; [`STEPS`]`[n]` takes it from n to n + 1. Version 1
//! has the shape SQLite reached at its version 2 (keys, allowed_at), plus what a shared
//! database needs: an issuing order that does not depend on a file's rowid (`seq`), and each
//! certificate's DER, so that a host that did not issue a certificate can still read it.
//! A new column is a new step at the end, never an edit of an old one.

/// Version 1.
const V1: &str = "
CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    operation TEXT NOT NULL
);
CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key_type TEXT NOT NULL,
    crl_number BIGINT NOT NULL CHECK (crl_number >= 0),
    root_crl_number BIGINT NOT NULL CHECK (root_crl_number >= 0)
);
CREATE TABLE certificates (
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    serial TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    profile TEXT NOT NULL CHECK (profile IN ('root', 'intermediate', 'broker', 'client')),
    key_type TEXT NOT NULL,
    subject TEXT NOT NULL,
    issuer TEXT NOT NULL,
    sans TEXT,
    not_before BIGINT NOT NULL,
    not_after BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('valid', 'revoked', 'superseded')),
    revoked_at BIGINT,
    reason TEXT,
    fingerprint_sha256 TEXT,
    key_held BOOLEAN NOT NULL,
    superseded_by TEXT REFERENCES certificates (serial) DEFERRABLE INITIALLY DEFERRED,
    spki_sha256 TEXT,
    allowed_at BIGINT,
    der BYTEA,
    batch TEXT NOT NULL REFERENCES batches (id)
);
CREATE INDEX certificates_by_name ON certificates (name, status);
CREATE INDEX certificates_by_expiry ON certificates (status, not_after);
CREATE INDEX certificates_by_key ON certificates (spki_sha256);
";

/// Every step, in order.
pub(super) const STEPS: &[&str] = &[V1];

/// The version a database is at once every step ran.
pub(super) const CURRENT: i32 = STEPS.len() as i32;

/// Brings the database to [`CURRENT`]; `Err(version)` when it is newer than this mqauth.
///
/// Every step runs in one transaction under a transaction-level advisory lock, so that
/// several services starting at once on an empty database do not run a step twice.
pub(super) fn upgrade(client: &mut postgres::Client) -> Result<Result<(), i32>, postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS mqauth_schema (version INTEGER NOT NULL)")?;
    let version: i32 = match tx.query_opt("SELECT version FROM mqauth_schema", &[])? {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO mqauth_schema (version) VALUES (0)", &[])?;
            0
        }
    };
    if version > CURRENT {
        return Ok(Err(version));
    }
    for (from, step) in STEPS.iter().enumerate().skip(version.max(0) as usize) {
        tx.batch_execute(step)?;
        tx.execute(
            "UPDATE mqauth_schema SET version = $1",
            &[&(from as i32 + 1)],
        )?;
    }
    tx.commit()?;
    Ok(Ok(()))
}

/// The advisory lock key of schema upgrades (any constant; "mqauth" in ASCII).
const SCHEMA_LOCK: i64 = 0x6d71_6175_7468;
