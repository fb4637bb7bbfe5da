//! A PKI whose records live in PostgreSQL (`pki init --records`), on a throwaway cluster:
//! every `--pki` command works on it unchanged, a second directory holding only a copy of the
//! CA material sees and revokes what the first issued, and secrets stay out of the URL.

use crate::common::{fails, ok, run, write_secret};
use crate::pg_fixture::{PASSWORD, requires_postgres};
use std::path::Path;

/// Copies what a second host needs: the CA files and the records' location.
fn copy_ca_material(from: &Path, to: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(to.join("private")).unwrap();
    std::fs::create_dir_all(to.join("issued")).unwrap();
    std::fs::set_permissions(to.join("private"), std::fs::Permissions::from_mode(0o700)).unwrap();
    for f in [
        "ca.crt",
        "ca.key",
        "intermediate.crt",
        "intermediate.key",
        "chain.pem",
        "records.url",
        "private/records.password",
    ] {
        std::fs::copy(from.join(f), to.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
}

#[test]
fn a_pki_on_postgres_serves_every_command_and_a_second_host() {
    let pg = requires_postgres!();
    let url = pg.database("pki_a");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_secret(&dir.join("db.pass"), &format!("{PASSWORD}\n"));
    ok(
        dir,
        format!("pki init --records {url} --records-password-file db.pass"),
    );
    let pki = dir.join("pki");
    assert!(!pki.join("pki.db").exists(), "no SQLite records");
    let named = std::fs::read_to_string(pki.join("records.url")).unwrap();
    assert_eq!(named.trim(), url);
    assert_eq!(
        crate::common::mode(&pki.join("private/records.password")) & 0o077,
        0
    );

    ok(dir, "pki client dev-1 dev-2 dev-3");
    ok(dir, "pki revoke dev-1 --reason keyCompromise");
    let list = String::from_utf8(ok(dir, "pki list --json").stdout).unwrap();
    for name in ["dev-1", "dev-2", "dev-3"] {
        assert!(list.contains(name), "{list}");
    }
    let rows = pg.sql_in("pki_a", "SELECT count(*) FROM certificates");
    assert_eq!(rows.trim(), "5", "root, intermediate, three clients");

    // A second host: only the CA material and the location, no issued/ files, no pki.db.
    let other = tmp.path().join("other");
    copy_ca_material(&pki, &other.join("pki"));
    let list = String::from_utf8(ok(&other, "pki list --json").stdout).unwrap();
    assert!(list.contains("dev-2"), "{list}");
    ok(&other, "pki revoke dev-2");
    ok(&other, "pki client dev-4");
    // The certificate itself comes from the records: the second host has no issued/dev-3.crt.
    let exported = ok(&other, "export dev-3 --format pem --out -").stdout;
    let exported = String::from_utf8(exported).unwrap();
    let issued = std::fs::read_to_string(pki.join("issued/dev-3.crt")).unwrap();
    assert!(exported.contains(issued.trim()), "{exported}");
    ok(&other, "pki renew dev-3");
    // The first host sees what the second did.
    let list = String::from_utf8(ok(dir, "pki list --json").stdout).unwrap();
    assert!(list.contains("dev-4"), "{list}");
    let revoked = pg.sql_in(
        "pki_a",
        "SELECT name FROM certificates WHERE status = 'revoked' ORDER BY name",
    );
    assert_eq!(revoked.trim(), "dev-1\ndev-2");
    let crl_number = pg.sql_in("pki_a", "SELECT crl_number FROM settings");
    assert_eq!(
        crl_number.trim(),
        "2",
        "one CRL number, shared: {crl_number}"
    );

    // A second init on a database that holds a PKI is refused.
    let third = tmp.path().join("third");
    std::fs::create_dir_all(&third).unwrap();
    std::fs::copy(dir.join("db.pass"), third.join("db.pass")).unwrap();
    let err = fails(
        &third,
        format!("pki init --records {url} --records-password-file db.pass"),
    );
    assert!(err.contains("already"), "{err}");
}

#[test]
fn a_password_in_the_url_is_refused_without_being_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let err = fails(
        tmp.path(),
        "pki init --records postgres://app:hunter2@127.0.0.1:1/x",
    );
    assert!(err.contains("password"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    assert!(!tmp.path().join("pki/ca.key").exists());
}

#[test]
fn a_database_from_a_newer_mqauth_is_refused_and_a_wrong_password_fails_cleanly() {
    let pg = requires_postgres!();
    let url = pg.database("pki_b");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_secret(&dir.join("bad.pass"), "wrong\n");
    let err = fails(
        dir,
        format!("pki init --records {url} --records-password-file bad.pass"),
    );
    assert!(err.contains("password") || err.contains("auth"), "{err}");
    assert!(!err.contains("wrong"), "{err}");
    write_secret(&dir.join("db.pass"), PASSWORD);
    // Through MQAUTH_RECORDS, as a service's environment gives it.
    let out = crate::common::mqauth()
        .current_dir(dir)
        .env("MQAUTH_RECORDS", &url)
        .args(["pki", "init", "--records-password-file", "db.pass"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    pg.sql_in("pki_b", "UPDATE mqauth_schema SET version = 99");
    let out = run(dir, "pki list");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("newer mqauth"),
        "{err}"
    );
}

#[test]
fn a_sqlite_pki_moves_to_postgres_whole_and_checked() {
    let pg = requires_postgres!();
    let url = pg.database("pki_moved");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(dir, "-q pki init");
    ok(dir, "-q pki broker broker1 --ip 127.0.0.1");
    ok(dir, "-q pki client --count 1000 --template dev-{n:04}");
    ok(dir, "-q pki revoke dev-0001 --reason keyCompromise");
    ok(dir, "-q pki revoke dev-0002");
    ok(dir, "-q pki renew dev-0003 dev-0004 --rekey");
    let before = String::from_utf8(ok(dir, "pki list --json").stdout).unwrap();
    let glob_before = String::from_utf8(ok(dir, "pki list dev-00[0-1]? --json").stdout).unwrap();
    write_secret(&dir.join("db.pass"), PASSWORD);

    let out = ok(
        dir,
        format!("pki migrate --records {url} --records-password-file db.pass"),
    );
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("moved 1005 certificates"), "{said}");
    let pki = dir.join("pki");
    assert!(!pki.join("pki.db").exists() && pki.join("pki.db.migrated").exists());
    assert_eq!(
        std::fs::read_to_string(pki.join("records.url"))
            .unwrap()
            .trim(),
        url
    );
    let after = String::from_utf8(ok(dir, "pki list --json").stdout).unwrap();
    assert_eq!(before, after, "the same records, read from PostgreSQL");
    let glob_after = String::from_utf8(ok(dir, "pki list dev-00[0-1]? --json").stdout).unwrap();
    assert_eq!(glob_before, glob_after, "a glob matches the same names");
    assert!(glob_after.contains("dev-0019") && !glob_after.contains("dev-0020"));
    let der = pg.sql_in("pki_moved", "SELECT count(der) FROM certificates");
    assert_eq!(
        der.trim(),
        "1003",
        "all but the two superseded, whose files the renewal replaced: {der}"
    );
    // The PKI goes on from the database.
    ok(dir, "-q pki client dev-new");
    ok(dir, "-q pki crl");
    assert_eq!(
        pg.sql_in("pki_moved", "SELECT crl_number FROM settings")
            .trim(),
        "3"
    );

    // Once moved, not again; and never into a database that holds records.
    let err = fails(
        dir,
        format!("pki migrate --records {url} --records-password-file db.pass"),
    );
    assert!(err.contains("PostgreSQL already"), "{err}");
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::copy(dir.join("db.pass"), other.join("db.pass")).unwrap();
    ok(&other, "-q pki init");
    let err = fails(
        &other,
        format!("pki migrate --records {url} --records-password-file db.pass"),
    );
    assert!(err.contains("not empty"), "{err}");
    assert!(other.join("pki/pki.db").exists());
}
