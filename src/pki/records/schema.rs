//! The database's schema, and the steps from each version to the next.
//!
//! `PRAGMA user_version` says which version a database is at; [`STEPS`]`[n]` takes it from
//! version n to n + 1, in a transaction. A new column is a new step at the end, never an edit
//! of an old one: a PKI made by any earlier mqauth can be brought up to date.

/// Version 1: certificates, settings and the batches that committed them.
const V1: &str = "
CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    operation TEXT NOT NULL
);
CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key_type TEXT NOT NULL,
    crl_number INTEGER NOT NULL CHECK (crl_number >= 0),
    root_crl_number INTEGER NOT NULL CHECK (root_crl_number >= 0)
);
CREATE TABLE certificates (
    serial TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    profile TEXT NOT NULL CHECK (profile IN ('root', 'intermediate', 'broker', 'client')),
    key_type TEXT NOT NULL,
    subject TEXT NOT NULL,
    issuer TEXT NOT NULL,
    sans TEXT,
    not_before INTEGER NOT NULL,
    not_after INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('valid', 'revoked', 'superseded')),
    revoked_at INTEGER,
    reason TEXT,
    fingerprint_sha256 TEXT,
    key_held INTEGER NOT NULL CHECK (key_held IN (0, 1)),
    superseded_by TEXT REFERENCES certificates (serial),
    batch TEXT NOT NULL REFERENCES batches (id)
);
CREATE INDEX certificates_by_name ON certificates (name, status);
CREATE INDEX certificates_by_expiry ON certificates (status, not_after);
";

/// Version 2: each certificate's public key (SHA-256 of its SubjectPublicKeyInfo), so that a
/// CSR for the key of a revoked certificate is refused, indexed for that lookup; when an
/// operator allowed a revoked certificate's device to enroll again; and whether the keys of
/// the rows already there were read from their certificate files (`keys_recorded`: SQL
/// cannot read the files, so the PKI does that at its next opening, once).
const V2: &str = "
ALTER TABLE certificates ADD COLUMN spki_sha256 TEXT;
ALTER TABLE certificates ADD COLUMN allowed_at INTEGER;
CREATE INDEX certificates_by_key ON certificates (spki_sha256);
ALTER TABLE settings ADD COLUMN keys_recorded INTEGER NOT NULL DEFAULT 0
    CHECK (keys_recorded IN (0, 1));
";

/// Every step, in order.
pub(super) const STEPS: &[&str] = &[V1, V2];

/// The version a database is at once every step ran.
pub(super) const CURRENT: i64 = STEPS.len() as i64;

/// Why a database is not one this mqauth may bring up to date (and write into).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unfit {
    /// Made by a newer mqauth.
    TooNew(i64),
    /// Not an mqauth database, or a damaged one: what is wrong with it.
    Damaged(String),
}

/// Reads, without writing anything, whether the database may be brought up to date. Version
/// 0 is a database no step ran on: fine to create into (`pki init`), but a PKI that is
/// opened must have its records, and one that holds tables at version 0 is somebody else's.
pub(super) fn check(
    conn: &rusqlite::Connection,
    create: bool,
) -> Result<Result<(), Unfit>, rusqlite::Error> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version < 0 {
        return Ok(Err(Unfit::Damaged(format!("schema version {version}"))));
    }
    if version > CURRENT {
        return Ok(Err(Unfit::TooNew(version)));
    }
    if version == 0 {
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 {
            return Ok(Err(Unfit::Damaged(format!(
                "schema version 0, yet it holds {tables} table{}: not a database mqauth made",
                if tables == 1 { "" } else { "s" }
            ))));
        }
        if !create {
            return Ok(Err(Unfit::Damaged(
                "an empty database (schema version 0, no tables)".into(),
            )));
        }
    }
    Ok(Ok(()))
}

/// Brings the database to [`CURRENT`]; `Err(version)` when it is newer than this mqauth (or
/// negative, which no mqauth writes). Run [`check`] first.
pub(super) fn upgrade(conn: &mut rusqlite::Connection) -> Result<Result<(), i64>, rusqlite::Error> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let Ok(done) = usize::try_from(version) else {
        return Ok(Err(version));
    };
    if version > CURRENT {
        return Ok(Err(version));
    }
    for (from, step) in STEPS.iter().enumerate().skip(done) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.commit()?;
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_database_is_brought_to_the_current_version() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        assert_eq!(upgrade(&mut conn).unwrap(), Ok(()));
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, CURRENT);
        // Running it again changes nothing.
        assert_eq!(upgrade(&mut conn).unwrap(), Ok(()));
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 3);
    }

    #[test]
    fn damaged_versions_are_refused_before_anything_is_written() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        assert_eq!(check(&conn, true).unwrap(), Ok(()));
        assert!(matches!(
            check(&conn, false).unwrap(),
            Err(Unfit::Damaged(_))
        ));
        conn.pragma_update(None, "user_version", -1).unwrap();
        assert_eq!(
            check(&conn, false).unwrap(),
            Err(Unfit::Damaged("schema version -1".into()))
        );
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", -1).unwrap();
        assert_eq!(upgrade(&mut conn).unwrap(), Err(-1));
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(V1).unwrap();
        let Err(Unfit::Damaged(why)) = check(&conn, true).unwrap() else {
            panic!("a version-0 database with tables was accepted");
        };
        assert!(!why.contains("CREATE"), "{why}");
    }

    #[test]
    fn a_database_from_a_newer_mqauth_is_refused() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", CURRENT + 1)
            .unwrap();
        assert_eq!(upgrade(&mut conn).unwrap(), Err(CURRENT + 1));
    }

    #[test]
    fn a_version_1_database_gets_the_key_columns_and_owes_the_keys_of_its_rows() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(V1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO settings (id, key_type, crl_number, root_crl_number) \
             VALUES (1, 'p256', 0, 0)",
            [],
        )
        .unwrap();
        assert_eq!(upgrade(&mut conn).unwrap(), Ok(()));
        let owed: i64 = conn
            .query_row("SELECT keys_recorded FROM settings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(owed, 0);
        // The lookup of a revoked key is indexed, at a million certificates as at ten.
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT 1 FROM certificates \
                 WHERE spki_sha256 = 'ab' AND status = 'revoked' LIMIT 1",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("certificates_by_key"), "{plan}");
    }
}
