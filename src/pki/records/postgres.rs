//! [`Records`] in PostgreSQL: a database named by the PKI directory's `records.url`, which
//! several hosts (enrollment services) can share. All of its SQL is in this file.
//!
//! Each [`Records::commit`] is one transaction at PostgreSQL's default isolation (read
//! committed): what must not happen twice is a constraint (the serial is the primary key), and
//! the settings' CRL numbers are written as the values the caller computed under its lock.

use super::location::PgLocation;
use super::pg_schema;
use super::{Change, Records, RecordsError, Settings};
use crate::choice::Choice;
use crate::pki::entry::{Entry, Reason, Snapshot, Status};
use crate::pki::keys::KeyAlgorithm;
use crate::pki::profile::{Profile, San};
use crate::pki::serial::Serial;
use postgres::{Client, NoTls};
use std::cell::RefCell;
use std::collections::HashMap;
use time::OffsetDateTime;

pub struct PgRecords {
    url: String,
    // Queries take `&self` in [`Records`]; the client needs `&mut` to send one.
    client: RefCell<Client>,
}

impl std::fmt::Debug for PgRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgRecords")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

use super::COLUMNS;

fn time_of(t: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(t).ok()
}

fn status_of(id: &str) -> Option<Status> {
    [Status::Valid, Status::Revoked, Status::Superseded]
        .into_iter()
        .find(|s| s.id() == id)
}

fn sans_json(sans: &[San]) -> Option<String> {
    if sans.is_empty() {
        return None;
    }
    let texts: Vec<String> = sans.iter().map(San::to_string).collect();
    serde_json::to_string(&texts).ok()
}

/// A shell glob (`*`, `?`, `[…]`, as SQLite's GLOB takes it) as an anchored POSIX regular
/// expression for PostgreSQL's `~`.
fn glob_regex(glob: &str) -> String {
    let mut re = String::from("^");
    let mut in_class = false;
    for c in glob.chars() {
        match c {
            '[' if !in_class => {
                in_class = true;
                re.push('[');
            }
            ']' if in_class => {
                in_class = false;
                re.push(']');
            }
            '^' if in_class && re.ends_with('[') => re.push('^'),
            c if in_class => {
                if c == '\\' {
                    re.push('\\');
                }
                re.push(c);
            }
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c if c.is_ascii_alphanumeric() => re.push(c),
            c => {
                re.push('\\');
                re.push(c);
            }
        }
    }
    if in_class {
        // An unclosed `[` matches nothing in SQLite either.
        return "$^".into();
    }
    re.push('$');
    re
}

/// The advisory lock key that serialises the writers of one PKI's records ("mqwr" in ASCII).
/// A database holds one PKI, so one constant serves.
const WRITERS_LOCK: i64 = 0x6d71_7772;

impl PgRecords {
    /// Connects to the database at `location` and brings its schema up to date (creating it
    /// in an empty database).
    pub fn open(location: &PgLocation) -> Result<PgRecords, RecordsError> {
        let url = location.url.clone();
        let db = |source| RecordsError::Server {
            url: url.clone(),
            source,
        };
        let mut client = location.config.connect(NoTls).map_err(db)?;
        if let Err(found) = pg_schema::upgrade(&mut client).map_err(db)? {
            return Err(RecordsError::TooNewServer {
                url: url.clone(),
                found: found.into(),
                known: pg_schema::CURRENT.into(),
            });
        }
        Ok(PgRecords {
            url,
            client: RefCell::new(client),
        })
    }

    fn db(&self, source: postgres::Error) -> RecordsError {
        RecordsError::Server {
            url: self.url.clone(),
            source,
        }
    }

    fn corrupt(&self, what: String) -> RecordsError {
        RecordsError::CorruptServer {
            url: self.url.clone(),
            what,
        }
    }

    fn entry(&self, r: &postgres::Row) -> Result<Entry, RecordsError> {
        let get = |e: postgres::Error| self.db(e);
        let bad = |field: &str, value: &str| self.corrupt(format!("{field} {value:?}"));
        let time = |field: &str, t: i64| time_of(t).ok_or_else(|| bad(field, &t.to_string()));
        let serial: String = r.try_get(0).map_err(get)?;
        let profile: String = r.try_get(2).map_err(get)?;
        let key_type: String = r.try_get(3).map_err(get)?;
        let sans: Option<String> = r.try_get(6).map_err(get)?;
        let status: String = r.try_get(9).map_err(get)?;
        let revoked_at: Option<i64> = r.try_get(10).map_err(get)?;
        let reason: Option<String> = r.try_get(11).map_err(get)?;
        let superseded_by: Option<String> = r.try_get(14).map_err(get)?;
        let allowed_at: Option<i64> = r.try_get(16).map_err(get)?;
        let sans = match &sans {
            None => Vec::new(),
            Some(text) => serde_json::from_str::<Vec<String>>(text)
                .map_err(|_| bad("sans", text))?
                .into_iter()
                .map(|s| San::try_from(s.clone()).map_err(|_| bad("san", &s)))
                .collect::<Result<_, _>>()?,
        };
        Ok(Entry {
            serial: Serial::from_hex(&serial).map_err(|_| bad("serial", &serial))?,
            profile: Profile::from_id(&profile).ok_or_else(|| bad("profile", &profile))?,
            key: KeyAlgorithm::from_id(&key_type).ok_or_else(|| bad("key type", &key_type))?,
            not_before: time("not_before", r.try_get(7).map_err(get)?)?,
            not_after: time("not_after", r.try_get(8).map_err(get)?)?,
            status: status_of(&status).ok_or_else(|| bad("status", &status))?,
            revoked_at: revoked_at.map(|t| time("revoked_at", t)).transpose()?,
            reason: match &reason {
                Some(r) => Some(Reason::from_id(r).ok_or_else(|| bad("reason", r))?),
                None => None,
            },
            superseded_by: match &superseded_by {
                Some(s) => Some(Serial::from_hex(s).map_err(|_| bad("superseded_by", s))?),
                None => None,
            },
            name: r.try_get(1).map_err(get)?,
            subject: r.try_get(4).map_err(get)?,
            issuer: r.try_get(5).map_err(get)?,
            sans,
            fingerprint_sha256: r.try_get(12).map_err(get)?,
            key_held: r.try_get(13).map_err(get)?,
            spki_sha256: r.try_get(15).map_err(get)?,
            allowed_at: allowed_at.map(|t| time("allowed_at", t)).transpose()?,
        })
    }

    fn entries(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Entry>, RecordsError> {
        let rows = self
            .client
            .borrow_mut()
            .query(sql, params)
            .map_err(|e| self.db(e))?;
        rows.iter().map(|r| self.entry(r)).collect()
    }

    fn exists(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<bool, RecordsError> {
        self.client
            .borrow_mut()
            .query_opt(sql, params)
            .map(|r| r.is_some())
            .map_err(|e| self.db(e))
    }
}

impl Records for PgRecords {
    fn settings(&self) -> Result<Settings, RecordsError> {
        let row = self
            .client
            .borrow_mut()
            .query_opt(
                "SELECT key_type, crl_number, root_crl_number FROM settings WHERE id = 1",
                &[],
            )
            .map_err(|e| self.db(e))?;
        let Some(row) = row else {
            return Err(RecordsError::UninitialisedServer {
                url: self.url.clone(),
            });
        };
        let key: String = row.get(0);
        let crl: i64 = row.get(1);
        let root_crl: i64 = row.get(2);
        Ok(Settings {
            key: KeyAlgorithm::from_id(&key)
                .ok_or_else(|| self.corrupt(format!("key type {key:?}")))?,
            crl_number: crl as u64,
            root_crl_number: root_crl as u64,
        })
    }

    fn initialised(&self) -> Result<bool, RecordsError> {
        self.exists("SELECT 1 FROM settings", &[])
    }

    fn in_force(&self, name: &str) -> Result<Option<Entry>, RecordsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM certificates WHERE name = $1 AND status = 'valid' \
             AND profile IN ('broker', 'client') ORDER BY seq DESC LIMIT 1"
        );
        Ok(self.entries(&sql, &[&name])?.pop())
    }

    fn in_force_many(&self, names: &[&str]) -> Result<HashMap<String, Entry>, RecordsError> {
        // One query for the batch: the newest valid leaf of each name.
        let sql = format!(
            "SELECT DISTINCT ON (name) {COLUMNS} FROM certificates \
             WHERE name = ANY($1) AND status = 'valid' AND profile IN ('broker', 'client') \
             ORDER BY name, seq DESC"
        );
        let names: Vec<&str> = names.to_vec();
        let entries = self.entries(&sql, &[&names])?;
        Ok(entries.into_iter().map(|e| (e.name.clone(), e)).collect())
    }

    fn by_name(&self, name: &str) -> Result<Vec<Entry>, RecordsError> {
        let sql = format!("SELECT {COLUMNS} FROM certificates WHERE name = $1 ORDER BY seq");
        self.entries(&sql, &[&name])
    }

    fn newest(&self, name: &str) -> Result<Option<Entry>, RecordsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM certificates WHERE name = $1 \
             AND profile IN ('broker', 'client') ORDER BY seq DESC LIMIT 1"
        );
        Ok(self.entries(&sql, &[&name])?.pop())
    }

    fn is_key_revoked(&self, spki_sha256: &str) -> Result<bool, RecordsError> {
        self.exists(
            "SELECT 1 FROM certificates WHERE spki_sha256 = $1 AND status = 'revoked' LIMIT 1",
            &[&spki_sha256],
        )
    }

    fn keys_to_record(&self) -> Result<Option<Vec<Entry>>, RecordsError> {
        // Every PostgreSQL database was made by an mqauth that records each certificate's key.
        Ok(None)
    }

    fn record_keys(&mut self, keys: &[(Serial, String)]) -> Result<(), RecordsError> {
        let client = self.client.get_mut();
        let url = self.url.clone();
        let db = |source| RecordsError::Server {
            url: url.clone(),
            source,
        };
        let mut tx = client.transaction().map_err(db)?;
        for (serial, key) in keys {
            tx.execute(
                "UPDATE certificates SET spki_sha256 = $2 \
                 WHERE serial = $1 AND spki_sha256 IS NULL",
                &[&serial.to_string(), key],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)
    }

    fn by_serial(&self, serial: &Serial) -> Result<Option<Entry>, RecordsError> {
        let sql = format!("SELECT {COLUMNS} FROM certificates WHERE serial = $1");
        Ok(self.entries(&sql, &[&serial.to_string()])?.pop())
    }

    fn serial_taken(&self, serial: &Serial) -> Result<bool, RecordsError> {
        self.exists(
            "SELECT 1 FROM certificates WHERE serial = $1",
            &[&serial.to_string()],
        )
    }

    fn expiring(&self, by: OffsetDateTime) -> Result<Vec<Entry>, RecordsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM certificates WHERE status = 'valid' AND not_after <= $1 \
             AND profile IN ('broker', 'client') ORDER BY not_after, name"
        );
        self.entries(&sql, &[&by.unix_timestamp()])
    }

    fn revoked_by(&self, issuer: &str, at: OffsetDateTime) -> Result<Vec<Entry>, RecordsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM certificates WHERE issuer = $1 AND status = 'revoked' \
             AND profile != 'root' AND not_after >= $2 ORDER BY seq"
        );
        self.entries(&sql, &[&issuer, &at.unix_timestamp()])
    }

    fn matching(&self, glob: &str) -> Result<Vec<Entry>, RecordsError> {
        let sql = format!("SELECT {COLUMNS} FROM certificates WHERE name ~ $1 ORDER BY seq");
        self.entries(&sql, &[&glob_regex(glob)])
    }

    fn snapshot(&self) -> Result<Snapshot, RecordsError> {
        let key = self.settings()?.key;
        let sql = format!("SELECT {COLUMNS} FROM certificates ORDER BY seq");
        Ok(Snapshot {
            key,
            certificates: self.entries(&sql, &[])?,
        })
    }

    fn lock_writers(&mut self) -> Result<(), RecordsError> {
        // A session-level advisory lock: released by the server when the connection ends,
        // so a writer killed with kill -9 (or cut off) holds nobody up.
        self.client
            .get_mut()
            .execute("SELECT pg_advisory_lock($1)", &[&WRITERS_LOCK])
            .map(|_| ())
            .map_err(|e| self.db(e))
    }

    fn certificate_der(&self, serial: &Serial) -> Result<Option<Vec<u8>>, RecordsError> {
        let row = self
            .client
            .borrow_mut()
            .query_opt(
                "SELECT der FROM certificates WHERE serial = $1",
                &[&serial.to_string()],
            )
            .map_err(|e| self.db(e))?;
        match row {
            Some(r) => r.try_get(0).map_err(|e| self.db(e)),
            None => Ok(None),
        }
    }

    fn batch_committed(&self, id: &str) -> Result<bool, RecordsError> {
        self.exists("SELECT 1 FROM batches WHERE id = $1", &[&id])
    }

    fn commit(&mut self, batch: &str, change: &Change) -> Result<(), RecordsError> {
        let url = self.url.clone();
        let db = |source| RecordsError::Server {
            url: url.clone(),
            source,
        };
        let mut tx = self.client.get_mut().transaction().map_err(db)?;
        tx.execute(
            "INSERT INTO batches (id, at, operation) VALUES ($1, $2, $3)",
            &[
                &batch,
                &OffsetDateTime::now_utc().unix_timestamp(),
                &change.operation,
            ],
        )
        .map_err(db)?;
        if let Some(s) = &change.settings {
            tx.execute(
                "INSERT INTO settings (id, key_type, crl_number, root_crl_number) \
                 VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET \
                 key_type = EXCLUDED.key_type, crl_number = EXCLUDED.crl_number, \
                 root_crl_number = EXCLUDED.root_crl_number",
                &[
                    &s.key.id(),
                    &(s.crl_number as i64),
                    &(s.root_crl_number as i64),
                ],
            )
            .map_err(db)?;
        }
        let insert = tx
            .prepare(&format!(
                "INSERT INTO certificates ({COLUMNS}, batch, der) VALUES ($1, $2, $3, $4, $5, \
                 $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
            ))
            .map_err(db)?;
        let der: HashMap<&Serial, &[u8]> =
            change.der.iter().map(|(s, d)| (s, d.as_slice())).collect();
        for e in &change.insert {
            tx.execute(
                &insert,
                &[
                    &e.serial.to_string(),
                    &e.name,
                    &e.profile.id(),
                    &e.key.id(),
                    &e.subject,
                    &e.issuer,
                    &sans_json(&e.sans),
                    &e.not_before.unix_timestamp(),
                    &e.not_after.unix_timestamp(),
                    &e.status.id(),
                    &e.revoked_at.map(|t| t.unix_timestamp()),
                    &e.reason.map(|r| r.id()),
                    &e.fingerprint_sha256,
                    &e.key_held,
                    &e.superseded_by.as_ref().map(Serial::to_string),
                    &e.spki_sha256,
                    &e.allowed_at.map(|t| t.unix_timestamp()),
                    &batch,
                    &der.get(&e.serial).copied(),
                ],
            )
            .map_err(db)?;
        }
        for (old, by) in &change.supersede {
            tx.execute(
                "UPDATE certificates SET status = 'superseded', superseded_by = $2 \
                 WHERE serial = $1",
                &[&old.to_string(), &by.to_string()],
            )
            .map_err(db)?;
        }
        for (serial, at, reason) in &change.revoke {
            tx.execute(
                "UPDATE certificates SET status = 'revoked', revoked_at = $2, reason = $3 \
                 WHERE serial = $1",
                &[
                    &serial.to_string(),
                    &at.unix_timestamp(),
                    &reason.map(|r| r.id()),
                ],
            )
            .map_err(db)?;
        }
        for (serial, at) in &change.allow {
            tx.execute(
                "UPDATE certificates SET allowed_at = $2 WHERE serial = $1 AND status = 'revoked'",
                &[&serial.to_string(), &at.unix_timestamp()],
            )
            .map_err(db)?;
        }
        if let Some(n) = change.crl_number {
            tx.execute("UPDATE settings SET crl_number = $1", &[&(n as i64)])
                .map_err(db)?;
        }
        if let Some(n) = change.root_crl_number {
            tx.execute("UPDATE settings SET root_crl_number = $1", &[&(n as i64)])
                .map_err(db)?;
        }
        tx.commit().map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::glob_regex;

    #[test]
    fn globs_become_anchored_regular_expressions() {
        assert_eq!(glob_regex("dev-*"), "^dev\\-.*$");
        assert_eq!(glob_regex("a?.b"), "^a.\\.b$");
        assert_eq!(glob_regex("s[0-9]"), "^s[0-9]$");
        assert_eq!(glob_regex("s[^x]"), "^s[^x]$");
    }
}
