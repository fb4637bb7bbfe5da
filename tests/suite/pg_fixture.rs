//! A throwaway PostgreSQL cluster for the tests of records on PostgreSQL: `initdb` and
//! `pg_ctl` as the `postgres` user (they refuse root), in a directory of its own, listening on
//! loopback and a socket directory of its own, on a free port, without fsync; stopped (and
//! removed) when dropped. Never the package's own cluster.

use crate::common::free_port;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory of PostgreSQL's server programs (Debian keeps them off PATH), if installed.
pub fn pg_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("pg_ctl").is_file() && b.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

/// Returns early from a test when PostgreSQL's server programs are missing (fails under
/// CI=true, as `requires!` does), else the cluster.
macro_rules! requires_postgres {
    () => {
        match $crate::pg_fixture::Cluster::start() {
            Some(c) => c,
            None => {
                $crate::common::missing("PostgreSQL (/usr/lib/postgresql/*/bin/pg_ctl)");
                return;
            }
        }
    };
}
pub(crate) use requires_postgres;

pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
}

/// The password of the `app` role every test connects as.
pub const PASSWORD: &str = "apppw";

fn as_postgres(bin: &Path, tool: &str) -> Command {
    if crate::common::is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        c
    } else {
        Command::new(bin.join(tool))
    }
}

fn check(what: &str, c: &mut Command) {
    let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    /// Starts a cluster with a role `app` (password [`PASSWORD`], over TCP with SCRAM).
    pub fn start() -> Option<Cluster> {
        let bin = pg_bin()?;
        // Under /tmp, not the caller's TMPDIR under /root, which postgres cannot enter.
        let dir = tempfile::Builder::new()
            .prefix("mqauth-pg")
            .tempdir_in("/tmp")
            .expect("tempdir");
        if crate::common::is_root() {
            check(
                "chown",
                Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(dir.path()),
            );
        }
        let port = free_port();
        check(
            "initdb",
            as_postgres(&bin, "initdb")
                .arg("-D")
                .arg(dir.path().join("data"))
                .args(["-U", "postgres", "--auth-local=trust"])
                .args(["--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8"])
                .arg("--locale=C.UTF-8"),
        );
        let cluster = Cluster { bin, dir, port };
        cluster.resume();
        cluster.sql(&format!("CREATE ROLE app LOGIN PASSWORD '{PASSWORD}'"));
        Some(cluster)
    }

    /// Starts the server (again, after [`Cluster::halt`]).
    pub fn resume(&self) {
        check(
            "pg_ctl start",
            as_postgres(&self.bin, "pg_ctl")
                .arg("-D")
                .arg(self.dir.path().join("data"))
                .arg("-l")
                .arg(self.dir.path().join("server.log"))
                .args(["-w", "-t", "30", "-o"])
                .arg(format!(
                    "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off \
                     -c synchronous_commit=off -c full_page_writes=off",
                    self.port,
                    self.dir.path().display()
                ))
                .arg("start"),
        );
    }

    /// Stops the server, as a database that went away.
    pub fn halt(&self) {
        check(
            "pg_ctl stop",
            as_postgres(&self.bin, "pg_ctl")
                .arg("-D")
                .arg(self.dir.path().join("data"))
                .args(["-m", "fast", "-w", "stop"]),
        );
    }

    /// Runs `sql` as the superuser over the socket, in database `postgres`.
    pub fn sql(&self, sql: &str) -> String {
        self.sql_in("postgres", sql)
    }

    /// Runs `sql` as the superuser over the socket, in database `db`.
    pub fn sql_in(&self, db: &str, sql: &str) -> String {
        let out = as_postgres(&self.bin, "psql")
            .arg("-h")
            .arg(self.dir.path())
            .args(["-p", &self.port.to_string(), "-U", "postgres", "-d", db])
            .args(["-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql])
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A new database owned by `app`, and its URL (no password in it).
    pub fn database(&self, name: &str) -> String {
        self.sql(&format!("CREATE DATABASE {name} OWNER app"));
        format!("postgres://app@127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin, "pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}
