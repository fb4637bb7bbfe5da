//! Where a PKI's records live: `pki.db` beside the CA files, or a PostgreSQL database named by
//! `records.url` in the PKI directory.
//!
//! The URL never holds a password: `records.url` is a plain file that travels with copies of
//! the CA certificates, and a URL on a command line shows in `ps`. The password comes from
//! `private/records.password` (0600, beside the CA keys it protects no less than), else from
//! the libpq password file (`PGPASSFILE`, else `~/.pgpass`), else none (trust, peer).

use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The file in a PKI directory that names a PostgreSQL database holding its records.
pub const URL_FILE: &str = "records.url";
/// The password for that database, when one was given at `pki init`.
pub const PASSWORD_FILE: &str = "private/records.password";

/// Why a PostgreSQL location cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error("{url:?} is not a PostgreSQL connection URL: {reason}")]
    Invalid { url: String, reason: String },
    #[error(
        "the connection URL holds a password; give it in a password file or in PGPASSFILE/~/.pgpass instead, so that it shows neither in `ps` nor in the PKI directory's records.url"
    )]
    PasswordInUrl,
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A PostgreSQL database for the records: its URL as given (no password in it) and the
/// connection settings with the password found for it.
#[derive(Clone)]
pub struct PgLocation {
    pub url: String,
    pub config: postgres::Config,
}

impl std::fmt::Debug for PgLocation {
    // The config may hold the password: only the URL, which does not, is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgLocation")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl PgLocation {
    /// Parses `url`, refusing one with a password; `password` when given, else the password
    /// file's entry for it.
    pub fn parse(url: &str, password: Option<&[u8]>) -> Result<PgLocation, LocationError> {
        let url = url.trim();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(LocationError::Invalid {
                url: url.to_string(),
                reason: "it does not start with postgres:// or postgresql://".into(),
            });
        }
        let mut config = postgres::Config::from_str(url).map_err(|e| LocationError::Invalid {
            url: redact(url),
            reason: e.to_string(),
        })?;
        if config.get_password().is_some() {
            return Err(LocationError::PasswordInUrl);
        }
        // A server that does not answer makes a command fail, not hang.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        match password {
            Some(p) => {
                config.password(p);
            }
            None => {
                if let Some(p) = pgpass_password(&config) {
                    config.password(p);
                }
            }
        }
        Ok(PgLocation {
            url: url.to_string(),
            config,
        })
    }

    /// The location recorded in the PKI directory `dir`, if it has one.
    pub fn of_dir(dir: &Path) -> Result<Option<PgLocation>, LocationError> {
        let file = dir.join(URL_FILE);
        let url = match std::fs::read_to_string(&file) {
            Ok(u) => u,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(LocationError::Io { path: file, source }),
        };
        let pw_file = dir.join(PASSWORD_FILE);
        let password = match std::fs::read(&pw_file) {
            Ok(p) => Some(trim_newline(p)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(LocationError::Io {
                    path: pw_file,
                    source,
                });
            }
        };
        PgLocation::parse(&url, password.as_deref()).map(Some)
    }
}

/// A password file's content without the line end an editor leaves.
pub fn trim_newline(mut p: Vec<u8>) -> Vec<u8> {
    while p.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        p.pop();
    }
    p
}

/// `url` with any password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let Some((userinfo, host)) = auth.rsplit_once('@') else {
        return url.to_string();
    };
    let Some((user, _)) = userinfo.split_once(':') else {
        return url.to_string();
    };
    format!("{scheme}://{user}:***@{host}{tail}")
}

/// The libpq password file's password for this connection (libpq's rules: the first line
/// whose host, port, database and user match, `*` matching anything), or none.
fn pgpass_password(config: &postgres::Config) -> Option<Vec<u8>> {
    let file = match std::env::var_os("PGPASSFILE") {
        Some(f) => PathBuf::from(f),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".pgpass"),
    };
    let text = std::fs::read_to_string(file).ok()?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(_)) | None => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user()?.to_string();
    let db = config.get_dbname().unwrap_or(&user).to_string();
    let wanted = [host, port, db, user];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = fields[..4]
                .iter()
                .zip(&wanted)
                .all(|(f, w)| f == "*" || f == w);
            matches.then(|| fields[4].clone().into_bytes())
        })
}

/// A password file's line split at unescaped colons, `\:` and `\\` unescaped.
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next()
                    && let Some(last) = fields.last_mut()
                {
                    last.push(n);
                }
            }
            ':' => fields.push(String::new()),
            c => {
                if let Some(last) = fields.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_a_password_is_refused_and_redacted() {
        let e = PgLocation::parse("postgres://app:secret@127.0.0.1:5/db", None).unwrap_err();
        assert!(matches!(e, LocationError::PasswordInUrl));
        assert!(!e.to_string().contains("secret"));
        assert_eq!(
            redact("postgres://app:secret@h:5/db?x=1"),
            "postgres://app:***@h:5/db?x=1"
        );
        assert_eq!(redact("postgres://app@h/db"), "postgres://app@h/db");
    }

    #[test]
    fn a_url_without_one_is_taken_with_the_given_password() {
        let l = PgLocation::parse("postgres://app@127.0.0.1:5433/pki", Some(b"pw")).unwrap();
        assert_eq!(l.config.get_password(), Some(&b"pw"[..]));
        assert!(!format!("{l:?}").contains("pw\""));
        assert!(PgLocation::parse("mysql://x", None).is_err());
    }

    #[test]
    fn pgpass_lines_split_at_unescaped_colons() {
        assert_eq!(
            split_pgpass(r"h:5432:*:app:pa\:ss\\"),
            vec!["h", "5432", "*", "app", r"pa:ss\"]
        );
    }
}
