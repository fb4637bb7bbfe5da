//! [`Records`] in SQLite: `pki/pki.db`, in WAL mode (readers never wait for the writer),
//! `synchronous = FULL` (a committed certificate survives a power cut: it is the commit point of
//! its files), foreign keys on. All of mqauth's SQL is in this file.

use super::schema;
use super::{Change, Records, RecordsError, Settings};
use crate::choice::Choice;
use crate::pki::entry::{Entry, Reason, Snapshot, Status};
use crate::pki::keys::KeyAlgorithm;
use crate::pki::profile::{Profile, San};
use crate::pki::serial::Serial;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

pub struct SqliteRecords {
    path: PathBuf,
    conn: Connection,
}

impl std::fmt::Debug for SqliteRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteRecords")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

use super::COLUMNS;

/// A row as SQLite gives it, before it is checked.
struct Row {
    serial: String,
    name: String,
    profile: String,
    key_type: String,
    subject: String,
    issuer: String,
    sans: Option<String>,
    not_before: i64,
    not_after: i64,
    status: String,
    revoked_at: Option<i64>,
    reason: Option<String>,
    fingerprint: Option<String>,
    key_held: bool,
    superseded_by: Option<String>,
    spki_sha256: Option<String>,
    allowed_at: Option<i64>,
}

impl Row {
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        Ok(Row {
            serial: r.get(0)?,
            name: r.get(1)?,
            profile: r.get(2)?,
            key_type: r.get(3)?,
            subject: r.get(4)?,
            issuer: r.get(5)?,
            sans: r.get(6)?,
            not_before: r.get(7)?,
            not_after: r.get(8)?,
            status: r.get(9)?,
            revoked_at: r.get(10)?,
            reason: r.get(11)?,
            fingerprint: r.get(12)?,
            key_held: r.get(13)?,
            superseded_by: r.get(14)?,
            spki_sha256: r.get(15)?,
            allowed_at: r.get(16)?,
        })
    }
}

fn status_id(status: Status) -> &'static str {
    status.id()
}

fn status_of(id: &str) -> Option<Status> {
    [Status::Valid, Status::Revoked, Status::Superseded]
        .into_iter()
        .find(|s| s.id() == id)
}

fn time_of(t: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(t).ok()
}

impl SqliteRecords {
    /// Opens (or, with `create`, creates) the database at `path` and brings its schema up to
    /// date.
    pub fn open(path: &Path, create: bool) -> Result<SqliteRecords, RecordsError> {
        let db = |source| RecordsError::Database {
            path: path.to_path_buf(),
            source,
        };
        let mut flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= rusqlite::OpenFlags::SQLITE_OPEN_CREATE;
        }
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(RecordsError::Symlink {
                    path: path.to_path_buf(),
                });
            }
            // SQLite takes an empty file for a new database; here it is a damaged one (an
            // interrupted `pki init` is told apart by the PKI, which creates into it).
            Ok(meta) if meta.len() == 0 && !create => {
                return Err(RecordsError::Empty {
                    path: path.to_path_buf(),
                });
            }
            _ => {}
        }
        let mut conn = Connection::open_with_flags(path, flags).map_err(db)?;
        conn.busy_timeout(crate::lock::timeout()).map_err(db)?;
        // Before any pragma that writes (WAL mode is recorded in the file).
        match schema::check(&conn, create).map_err(db)? {
            Ok(()) => {}
            Err(schema::Unfit::TooNew(found)) => {
                return Err(RecordsError::TooNew {
                    path: path.to_path_buf(),
                    found,
                    known: schema::CURRENT,
                });
            }
            Err(schema::Unfit::Damaged(what)) => {
                return Err(RecordsError::Damaged {
                    path: path.to_path_buf(),
                    what,
                });
            }
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
        // A batch touches pages all over the indexes (serials are random); with SQLite's
        // default 2 MB cache a transaction of 10,000 renewals spilled and rewrote pages 17
        // times per row. Memory is taken only as pages are read.
        conn.pragma_update(None, "cache_size", -262_144)
            .map_err(db)?;
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(db)?;
        if let Err(found) = schema::upgrade(&mut conn).map_err(db)? {
            return Err(RecordsError::TooNew {
                path: path.to_path_buf(),
                found,
                known: schema::CURRENT,
            });
        }
        Ok(SqliteRecords {
            path: path.to_path_buf(),
            conn,
        })
    }

    fn db(&self, source: rusqlite::Error) -> RecordsError {
        RecordsError::Database {
            path: self.path.clone(),
            source,
        }
    }

    fn corrupt(&self, what: String) -> RecordsError {
        RecordsError::Corrupt {
            path: self.path.clone(),
            what,
        }
    }

    fn entry(&self, row: Row) -> Result<Entry, RecordsError> {
        let bad = |field: &str, value: &str| self.corrupt(format!("{field} {value:?}"));
        let sans = match &row.sans {
            None => Vec::new(),
            Some(text) => serde_json::from_str::<Vec<String>>(text)
                .map_err(|_| bad("sans", text))?
                .into_iter()
                .map(|s| San::try_from(s.clone()).map_err(|_| bad("san", &s)))
                .collect::<Result<_, _>>()?,
        };
        // A name becomes `issued/NAME.crt` and `private/NAME.key`: one edited into the
        // database to leave those directories is a damaged record, not a path to follow.
        if crate::names::validate(&row.name).is_err() {
            return Err(bad("name", &row.name));
        }
        Ok(Entry {
            serial: Serial::from_hex(&row.serial).map_err(|_| bad("serial", &row.serial))?,
            profile: Profile::from_id(&row.profile).ok_or_else(|| bad("profile", &row.profile))?,
            key: KeyAlgorithm::from_id(&row.key_type)
                .ok_or_else(|| bad("key type", &row.key_type))?,
            not_before: time_of(row.not_before)
                .ok_or_else(|| bad("not_before", &row.not_before.to_string()))?,
            not_after: time_of(row.not_after)
                .ok_or_else(|| bad("not_after", &row.not_after.to_string()))?,
            status: status_of(&row.status).ok_or_else(|| bad("status", &row.status))?,
            revoked_at: match row.revoked_at {
                Some(t) => Some(time_of(t).ok_or_else(|| bad("revoked_at", &t.to_string()))?),
                None => None,
            },
            reason: match &row.reason {
                Some(r) => Some(Reason::from_id(r).ok_or_else(|| bad("reason", r))?),
                None => None,
            },
            superseded_by: match &row.superseded_by {
                Some(s) => Some(Serial::from_hex(s).map_err(|_| bad("superseded_by", s))?),
                None => None,
            },
            name: row.name,
            subject: row.subject,
            issuer: row.issuer,
            sans,
            fingerprint_sha256: row.fingerprint,
            key_held: row.key_held,
            spki_sha256: row.spki_sha256,
            allowed_at: match row.allowed_at {
                Some(t) => Some(time_of(t).ok_or_else(|| bad("allowed_at", &t.to_string()))?),
                None => None,
            },
        })
    }

    /// The entries a query with `params` returns.
    fn entries(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<Entry>, RecordsError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.db(e))?;
        let rows = stmt
            .query_map(params, Row::read)
            .map_err(|e| self.db(e))?
            .collect::<Result<Vec<Row>, _>>()
            .map_err(|e| self.db(e))?;
        rows.into_iter().map(|r| self.entry(r)).collect()
    }
}

fn sans_json(sans: &[San]) -> Option<String> {
    if sans.is_empty() {
        return None;
    }
    let texts: Vec<String> = sans.iter().map(San::to_string).collect();
    serde_json::to_string(&texts).ok()
}

impl Records for SqliteRecords {
    fn settings(&self) -> Result<Settings, RecordsError> {
        let row: Option<(String, i64, i64)> = self
            .conn
            .query_row(
                "SELECT key_type, crl_number, root_crl_number FROM settings WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.db(e))?;
        let Some((key, crl, root_crl)) = row else {
            return Err(RecordsError::Uninitialised {
                path: self.path.clone(),
            });
        };
        Ok(Settings {
            key: KeyAlgorithm::from_id(&key)
                .ok_or_else(|| self.corrupt(format!("key type {key:?}")))?,
            crl_number: crl as u64,
            root_crl_number: root_crl as u64,
        })
    }

    fn initialised(&self) -> Result<bool, RecordsError> {
        self.conn
            .query_row("SELECT count(*) FROM settings", [], |r| r.get::<_, i64>(0))
            .map(|n| n > 0)
            .map_err(|e| self.db(e))
    }

    fn in_force(&self, name: &str) -> Result<Option<Entry>, RecordsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM certificates WHERE name = ?1 AND status = 'valid' \
             AND profile IN ('broker', 'client') ORDER BY rowid DESC LIMIT 1"
        );
        Ok(self.entries(&sql, [name])?.pop())
    }

    fn in_force_many(&self, names: &[&str]) -> Result<HashMap<String, Entry>, RecordsError> {
        if names.len() < 64 {
            let mut found = HashMap::new();
            for name in names {
                if let Some(e) = self.in_force(name)? {
                    found.insert(e.name.clone(), e);
                }
            }
            return Ok(found);
        }
        // A batch: one join against the names instead of a query per name.
        let db = |e| self.db(e);
        self.conn
            .execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS wanted (name TEXT PRIMARY KEY);                  DELETE FROM wanted;",
            )
            .map_err(db)?;
        {
            let tx = self.conn.unchecked_transaction().map_err(db)?;
            {
                let mut insert = tx
                    .prepare_cached("INSERT OR IGNORE INTO wanted (name) VALUES (?1)")
                    .map_err(db)?;
                for name in names {
                    insert.execute([name]).map_err(db)?;
                }
            }
            tx.commit().map_err(db)?;
        }
        let sql = format!(
            // CROSS JOIN keeps this loop order: a name's rows by index. Left to itself the
            // planner walked every valid certificate (a second at a million) instead.
            "SELECT {COLUMNS} FROM wanted CROSS JOIN certificates USING (name) \
             WHERE status = 'valid' AND profile IN ('broker', 'client') \
             ORDER BY certificates.rowid"
        );
        let entries = self.entries(&sql, [])?;
        self.conn.execute_batch("DELETE FROM wanted").map_err(db)?;
        Ok(entries.into_iter().map(|e| (e.name.clone(), e)).collect())
    }

    fn by_name(&self, name: &str) -> Result<Vec<Entry>, RecordsError> {
        let sql = format!("SELECT {COLUMNS} FROM certificates WHERE name = ?1 ORDER BY rowid");
        self.entries(&sql, [name])
    }

    fn newest(&self, name: &str) -> Result<Option<Entry>, RecordsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM certificates WHERE name = ?1 \
             AND profile IN ('broker', 'client') ORDER BY rowid DESC LIMIT 1"
        );
        Ok(self.entries(&sql, [name])?.pop())
    }

    fn is_key_revoked(&self, spki_sha256: &str) -> Result<bool, RecordsError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT 1 FROM certificates WHERE spki_sha256 = ?1 AND status = 'revoked' LIMIT 1",
            )
            .map_err(|e| self.db(e))?;
        stmt.exists([spki_sha256]).map_err(|e| self.db(e))
    }

    fn keys_to_record(&self) -> Result<Option<Vec<Entry>>, RecordsError> {
        // No settings yet: `pki init` has not committed, and what it commits has its keys.
        let pending: Option<bool> = self
            .conn
            .query_row(
                "SELECT keys_recorded = 0 FROM settings WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.db(e))?;
        if pending != Some(true) {
            return Ok(None);
        }
        let sql =
            format!("SELECT {COLUMNS} FROM certificates WHERE spki_sha256 IS NULL ORDER BY rowid");
        Ok(Some(self.entries(&sql, [])?))
    }

    fn record_keys(&mut self, keys: &[(Serial, String)]) -> Result<(), RecordsError> {
        let path = self.path.clone();
        let db = |source| RecordsError::Database {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        {
            let mut set = tx
                .prepare_cached(
                    "UPDATE certificates SET spki_sha256 = ?2 \
                     WHERE serial = ?1 AND spki_sha256 IS NULL",
                )
                .map_err(db)?;
            for (serial, key) in keys {
                set.execute(params![serial.to_string(), key]).map_err(db)?;
            }
        }
        tx.execute("UPDATE settings SET keys_recorded = 1", [])
            .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn by_serial(&self, serial: &Serial) -> Result<Option<Entry>, RecordsError> {
        let sql = format!("SELECT {COLUMNS} FROM certificates WHERE serial = ?1");
        Ok(self.entries(&sql, [serial.to_string()])?.pop())
    }

    fn serial_taken(&self, serial: &Serial) -> Result<bool, RecordsError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM certificates WHERE serial = ?1")
            .map_err(|e| self.db(e))?;
        stmt.exists([serial.to_string()]).map_err(|e| self.db(e))
    }

    fn expiring(&self, by: OffsetDateTime) -> Result<Vec<Entry>, RecordsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM certificates WHERE status = 'valid' AND not_after <= ?1 \
             AND profile IN ('broker', 'client') ORDER BY not_after, name"
        );
        self.entries(&sql, [by.unix_timestamp()])
    }

    fn revoked_by(&self, issuer: &str, at: OffsetDateTime) -> Result<Vec<Entry>, RecordsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM certificates WHERE issuer = ?1 AND status = 'revoked' \
             AND profile != 'root' AND not_after >= ?2 ORDER BY rowid"
        );
        self.entries(&sql, params![issuer, at.unix_timestamp()])
    }

    fn matching(&self, glob: &str) -> Result<Vec<Entry>, RecordsError> {
        let sql = format!("SELECT {COLUMNS} FROM certificates WHERE name GLOB ?1 ORDER BY rowid");
        self.entries(&sql, [glob])
    }

    fn snapshot(&self) -> Result<Snapshot, RecordsError> {
        let key = self.settings()?.key;
        let sql = format!("SELECT {COLUMNS} FROM certificates ORDER BY rowid");
        Ok(Snapshot {
            key,
            certificates: self.entries(&sql, [])?,
        })
    }

    fn batch_committed(&self, id: &str) -> Result<bool, RecordsError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM batches WHERE id = ?1")
            .map_err(|e| self.db(e))?;
        stmt.exists([id]).map_err(|e| self.db(e))
    }

    fn commit(&mut self, batch: &str, change: &Change) -> Result<(), RecordsError> {
        let path = self.path.clone();
        let db = |source| RecordsError::Database {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        // A certificate may name the one that superseded it before that one is inserted (a
        // migration inserts in issuing order): check references when the transaction ends.
        tx.pragma_update(None, "defer_foreign_keys", true)
            .map_err(db)?;
        tx.execute(
            "INSERT INTO batches (id, at, operation) VALUES (?1, ?2, ?3)",
            params![
                batch,
                OffsetDateTime::now_utc().unix_timestamp(),
                change.operation
            ],
        )
        .map_err(db)?;
        if let Some(s) = &change.settings {
            tx.execute(
                "INSERT OR REPLACE INTO settings (id, key_type, crl_number, root_crl_number) \
                 VALUES (1, ?1, ?2, ?3)",
                params![s.key.id(), s.crl_number as i64, s.root_crl_number as i64],
            )
            .map_err(db)?;
        }
        {
            let mut insert = tx
                .prepare_cached(&format!(
                    "INSERT INTO certificates ({COLUMNS}, batch) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, \
                     ?16, ?17, ?18)"
                ))
                .map_err(db)?;
            for e in &change.insert {
                insert
                    .execute(params![
                        e.serial.to_string(),
                        e.name,
                        e.profile.id(),
                        e.key.id(),
                        e.subject,
                        e.issuer,
                        sans_json(&e.sans),
                        e.not_before.unix_timestamp(),
                        e.not_after.unix_timestamp(),
                        status_id(e.status),
                        e.revoked_at.map(|t| t.unix_timestamp()),
                        e.reason.map(|r| r.id()),
                        e.fingerprint_sha256,
                        e.key_held,
                        e.superseded_by.as_ref().map(Serial::to_string),
                        e.spki_sha256,
                        e.allowed_at.map(|t| t.unix_timestamp()),
                        batch,
                    ])
                    .map_err(db)?;
            }
            let mut supersede = tx
                .prepare_cached(
                    "UPDATE certificates SET status = 'superseded', superseded_by = ?2 \
                     WHERE serial = ?1",
                )
                .map_err(db)?;
            for (old, by) in &change.supersede {
                supersede
                    .execute(params![old.to_string(), by.to_string()])
                    .map_err(db)?;
            }
            let mut revoke = tx
                .prepare_cached(
                    "UPDATE certificates SET status = 'revoked', revoked_at = ?2, reason = ?3 \
                     WHERE serial = ?1",
                )
                .map_err(db)?;
            for (serial, at, reason) in &change.revoke {
                revoke
                    .execute(params![
                        serial.to_string(),
                        at.unix_timestamp(),
                        reason.map(|r| r.id())
                    ])
                    .map_err(db)?;
            }
            let mut allow = tx
                .prepare_cached(
                    "UPDATE certificates SET allowed_at = ?2 \
                     WHERE serial = ?1 AND status = 'revoked'",
                )
                .map_err(db)?;
            for (serial, at) in &change.allow {
                allow
                    .execute(params![serial.to_string(), at.unix_timestamp()])
                    .map_err(db)?;
            }
        }
        if let Some(n) = change.crl_number {
            tx.execute("UPDATE settings SET crl_number = ?1", [n as i64])
                .map_err(db)?;
        }
        if let Some(n) = change.root_crl_number {
            tx.execute("UPDATE settings SET root_crl_number = ?1", [n as i64])
                .map_err(db)?;
        }
        tx.commit().map_err(db)
    }
}
