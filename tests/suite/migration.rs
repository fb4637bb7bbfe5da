//! The records in SQLite: migrating a PKI made by an earlier mqauth, concurrent writers, and
//! what people ask of the records (`pki list NAME|GLOB`).

use crate::common::{fails, mqauth, ok, records, run};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A copy of tests/fixtures/landed-pki, with the modes git does not keep.
fn landed_pki(into: &Path) -> std::path::PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/landed-pki");
    let pki = into.join("pki");
    for sub in ["", "issued", "private"] {
        fs::create_dir_all(pki.join(sub)).unwrap();
        for entry in fs::read_dir(from.join(sub)).unwrap().flatten() {
            if entry.file_type().unwrap().is_file() {
                fs::copy(entry.path(), pki.join(sub).join(entry.file_name())).unwrap();
            }
        }
    }
    fs::set_permissions(pki.join("private"), fs::Permissions::from_mode(0o700)).unwrap();
    for key in ["ca.key", "intermediate.key"] {
        fs::set_permissions(pki.join(key), fs::Permissions::from_mode(0o600)).unwrap();
    }
    for entry in fs::read_dir(pki.join("private")).unwrap().flatten() {
        fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o600)).unwrap();
    }
    pki
}

#[test]
fn an_index_json_is_migrated_once_with_every_field() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let pki = landed_pki(d);
    let legacy: serde_json::Value =
        serde_json::from_slice(&fs::read(pki.join("index.json")).unwrap()).unwrap();

    // The first command that opens the PKI migrates it, and says so once.
    let out = ok(d, "pki list --json");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("moved the 8 records of pki/index.json into pki.db"),
        "{said}"
    );
    assert!(pki.join("pki.db").exists());
    assert!(!pki.join("index.json").exists());
    assert!(pki.join("index.json.migrated").exists());
    let out = ok(d, "pki list --json");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("moved"));

    let migrated = records(&pki);
    assert_eq!(migrated["key"], legacy["key"]);
    let old = legacy["certificates"].as_array().unwrap();
    let new = migrated["certificates"].as_array().unwrap();
    assert_eq!(old.len(), new.len());
    for (o, n) in old.iter().zip(new) {
        for (field, value) in o.as_object().unwrap() {
            assert_eq!(&n[field], value, "{field} of {}", o["name"]);
        }
    }
    // What index.json did not record: who holds the key, and the fingerprints of the files
    // still on disk (not of the certificate d1 was renewed from).
    let by = |name: &str, status: &str| {
        new.iter()
            .find(|e| e["name"] == name && e["status"] == status)
            .unwrap()
            .clone()
    };
    assert_eq!(by("se1", "valid")["key_held"], false);
    assert_eq!(by("d3", "valid")["key_held"], true);
    assert_eq!(by("root", "valid")["key_held"], true);
    let pem = fs::read(pki.join("issued/d3.crt")).unwrap();
    let der = pem::parse(pem).unwrap().into_contents();
    assert_eq!(
        by("d3", "valid")["fingerprint_sha256"],
        mqauth::pki::fingerprint(&der)
    );
    assert!(by("d1", "superseded")["fingerprint_sha256"].is_null());
    assert!(by("d1", "valid")["fingerprint_sha256"].is_string());

    // The migrated PKI works on: CRL numbers carry on, certificates are issued and revoked.
    let crl = run(d, "pki crl");
    assert!(crl.status.success());
    assert!(
        String::from_utf8_lossy(&crl.stderr).contains("CRL number 2"),
        "{}",
        String::from_utf8_lossy(&crl.stderr)
    );
    ok(d, "pki client d4");
    ok(d, "pki revoke d3");
    let audit = run(d, "inspect --pki pki --json");
    let rows: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] != "mismatch"),
        "{rows}"
    );
}

#[test]
fn two_batches_at_the_same_moment_both_land_once() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    let start = |template: &str| {
        mqauth()
            .current_dir(d)
            .args(["pki", "client", "--count", "300", "--template", template])
            .spawn_output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| start("a-{n:04}"));
        let b = s.spawn(|| start("b-{n:04}"));
        (a.join().unwrap(), b.join().unwrap())
    });
    for out in [&a, &b] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let all = records(&d.join("pki"));
    let certs = all["certificates"].as_array().unwrap();
    let mut serials: Vec<&str> = certs
        .iter()
        .map(|c| c["serial"].as_str().unwrap())
        .collect();
    serials.sort_unstable();
    serials.dedup();
    assert_eq!(serials.len(), 2 + 600);
    for prefix in ["a-", "b-"] {
        let n = certs
            .iter()
            .filter(|c| c["name"].as_str().unwrap().starts_with(prefix))
            .count();
        assert_eq!(n, 300, "{prefix}");
    }
    assert_eq!(fs::read_dir(d.join("pki/private")).unwrap().count(), 600);
}

/// `Command::output` for a command built by `mqauth()`.
trait SpawnOutput {
    fn spawn_output(self) -> std::process::Output;
}

impl SpawnOutput for &mut assert_cmd::Command {
    fn spawn_output(self) -> std::process::Output {
        self.output().unwrap()
    }
}

#[test]
fn list_finds_a_devices_certificates_by_name_or_pattern() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki client sensor-0001 sensor-0002 gw-01");
    ok(d, "pki renew sensor-0001 --days 400d");
    let names = |args: &str| -> Vec<(String, String)> {
        let out = ok(d, args);
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap().to_string(),
                    r["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        names("pki list sensor-0001 --json"),
        vec![
            ("sensor-0001".into(), "superseded".into()),
            ("sensor-0001".into(), "valid".into())
        ]
    );
    assert_eq!(names("pki list 'sensor-*' --status valid --json").len(), 2);
    assert_eq!(names("pki list 'gw-0[0-9]' --json").len(), 1);
    assert!(names("pki list nobody --json").is_empty());
    let table = ok(d, "pki list sensor-0002");
    assert!(String::from_utf8_lossy(&table.stdout).contains("sensor-0002"));
}

/// Takes the PKI's database back to schema version 1 (before public keys and allowances were
/// recorded), as an mqauth of that version left it.
fn back_to_schema_1(pki: &Path) {
    let conn = rusqlite::Connection::open(pki.join("pki.db")).unwrap();
    conn.execute_batch(
        "DROP INDEX certificates_by_key;
         ALTER TABLE certificates DROP COLUMN spki_sha256;
         ALTER TABLE certificates DROP COLUMN allowed_at;
         ALTER TABLE settings DROP COLUMN keys_recorded;
         PRAGMA user_version = 1;",
    )
    .unwrap();
}

#[test]
fn a_pki_of_schema_1_gets_its_keys_from_the_certificate_files() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let pki = d.join("pki");
    ok(d, "-q pki init");
    ok(d, "-q pki client d1 d2 d3");
    ok(d, "-q pki revoke d2 --reason keyCompromise");
    // d3's first certificate is revoked, then its file is replaced by a new one, revoked too:
    // the first one's key cannot be read back any more.
    ok(d, "-q pki revoke d3");
    ok(d, "-q pki client d3 --force");
    ok(d, "-q pki revoke d3 --reason keyCompromise");
    back_to_schema_1(&pki);

    // The first command that reads the records brings them up to date.
    ok(d, "pki list --json");
    let conn = rusqlite::Connection::open(pki.join("pki.db")).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 2);
    let all = records(&pki);
    let certs = all["certificates"].as_array().unwrap();
    let key_of_file = |name: &str| {
        let pem = fs::read(pki.join(format!("issued/{name}.crt"))).unwrap();
        let der = pem::parse(pem).unwrap().into_contents();
        mqauth::pki::spki_sha256_of_certificate(&der).unwrap()
    };
    let of = |name: &str| -> Vec<&serde_json::Value> {
        certs.iter().filter(|c| c["name"] == name).collect()
    };
    assert_eq!(of("d1")[0]["spki_sha256"], key_of_file("d1"));
    assert_eq!(of("d2")[0]["spki_sha256"], key_of_file("d2"));
    assert!(of("d3")[0]["spki_sha256"].is_null(), "{:?}", of("d3"));
    assert_eq!(of("d3")[1]["spki_sha256"], key_of_file("d3"));
    assert!(
        certs
            .iter()
            .filter(|c| c["profile"] != "client")
            .all(|c| c["spki_sha256"].is_string())
    );

    // d2's key is known: it may be allowed again. d3's first key is not: allowing d3 must be
    // said explicitly, since a CSR for that key could not be refused.
    ok(d, "-q enroll allow d2");
    let refused = fails(d, "enroll allow d3");
    assert!(refused.contains("is unknown"), "{refused}");
    assert!(refused.contains("--despite-unknown-keys"), "{refused}");
    ok(d, "-q enroll allow d3 --despite-unknown-keys");
    let all = records(&pki);
    let allowed: Vec<&str> = all["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["allowed_at"].is_string())
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(allowed, ["d2", "d3"]);
}

/// The schema version of the database at `db`.
fn user_version(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

#[test]
fn a_damaged_pki_db_is_named_for_what_it_is_and_never_written() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let db = d.join("pki/pki.db");

    // Zero bytes: not "missing", not "already a PKI", and still zero bytes afterwards.
    ok(d, "-q pki init");
    fs::write(&db, b"").unwrap();
    for side in ["pki.db-wal", "pki.db-shm"] {
        let _ = fs::remove_file(d.join("pki").join(side));
    }
    for command in ["pki list", "pki client dev1", "pki crl", "pki init"] {
        let line = fails(d, command);
        assert!(line.contains("pki.db: is empty"), "{command}: {line}");
        assert_eq!(
            fs::metadata(&db).unwrap().len(),
            0,
            "{command} wrote into it"
        );
    }

    // A version no mqauth writes, and a version-0 database that holds tables.
    for (version, said) in [(-1, "schema version -1"), (0, "schema version 0, yet")] {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        let db = d.join("pki/pki.db");
        ok(d, "-q pki init");
        rusqlite::Connection::open(&db)
            .unwrap()
            .pragma_update(None, "user_version", version)
            .unwrap();
        for command in ["pki list", "pki client dev1"] {
            let line = fails(d, command);
            assert!(line.contains(said), "{command}: {line}");
            assert!(!line.contains("CREATE"), "{line}");
        }
        assert_eq!(user_version(&db), version);
        assert!(records_of(&db).iter().all(|n| n != "dev1"));
    }

    // A link is refused as a linked private/ is: the records would be kept elsewhere.
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "-q pki init");
    fs::rename(d.join("pki/pki.db"), d.join("elsewhere.db")).unwrap();
    std::os::unix::fs::symlink(d.join("elsewhere.db"), d.join("pki/pki.db")).unwrap();
    for command in ["pki list", "pki client dev1", "pki init"] {
        let line = fails(d, command);
        assert!(line.contains("symbolic link"), "{command}: {line}");
    }
    assert!(
        records_of(&d.join("elsewhere.db"))
            .iter()
            .all(|n| n != "dev1")
    );
}

/// The names the certificates table holds.
fn records_of(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT name FROM certificates").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}
