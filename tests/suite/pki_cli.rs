//! `mqauth pki` behaviour as a user sees it: files, modes, refusals, the index, concurrency.

use crate::common::{fails, mode, mqauth, ok};
use std::fs;
use std::path::Path;

fn index(dir: &Path) -> serde_json::Value {
    crate::common::records(&dir.join("pki"))
}

fn leaf_names(dir: &Path) -> Vec<String> {
    index(dir)["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !matches!(c["profile"].as_str(), Some("root" | "intermediate")))
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn init_writes_the_layout_with_private_keys_0600() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init"]);
    let pki = t.path().join("pki");
    for f in ["ca.crt", "intermediate.crt", "chain.pem", "pki.db"] {
        assert_eq!(mode(&pki.join(f)), 0o644, "{f}");
    }
    for f in ["ca.key", "intermediate.key"] {
        assert_eq!(mode(&pki.join(f)), 0o600, "{f}");
    }
    assert_eq!(mode(&pki.join("private")), 0o700);
    let chain = fs::read_to_string(pki.join("chain.pem")).unwrap();
    let inter = fs::read_to_string(pki.join("intermediate.crt")).unwrap();
    let root = fs::read_to_string(pki.join("ca.crt")).unwrap();
    assert_eq!(
        chain,
        format!("{inter}{root}"),
        "chain is intermediate then root"
    );
    let idx = index(t.path());
    assert_eq!(idx["key"], "p256");
    assert_eq!(idx["certificates"].as_array().unwrap().len(), 2);
}

#[test]
fn init_refuses_an_existing_pki_and_leaves_it_alone() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init"]);
    let before = fs::read(t.path().join("pki/ca.key")).unwrap();
    let err = fails(t.path(), &["pki", "init", "--key", "p384"]);
    assert!(err.contains("already holds a PKI"), "{err}");
    assert_eq!(fs::read(t.path().join("pki/ca.key")).unwrap(), before);
}

#[test]
fn no_intermediate_issues_from_the_root() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init", "--no-intermediate"]);
    ok(t.path(), &["pki", "client", "d1"]);
    let pki = t.path().join("pki");
    assert!(!pki.join("intermediate.crt").exists());
    assert_eq!(
        fs::read_to_string(pki.join("chain.pem")).unwrap(),
        fs::read_to_string(pki.join("ca.crt")).unwrap()
    );
    let idx = index(t.path());
    let leaf = &idx["certificates"][1];
    assert_eq!(leaf["issuer"], idx["certificates"][0]["subject"]);
}

#[test]
fn every_command_takes_dir_after_the_verb_and_from_the_environment() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init", "--dir", "elsewhere"]);
    ok(t.path(), &["pki", "client", "--dir", "elsewhere", "d1"]);
    let out = mqauth()
        .current_dir(t.path())
        .env("MQAUTH_PKI_DIR", "elsewhere")
        .args(["pki", "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    assert!(t.path().join("elsewhere/issued/d1.crt").exists());
}

#[test]
fn client_batch_writes_one_key_per_device() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init"]);
    ok(
        t.path(),
        &[
            "pki",
            "client",
            "--count",
            "25",
            "--template",
            "sensor-{n:03}",
            "--start",
            "7",
        ],
    );
    let names = leaf_names(t.path());
    assert_eq!(names.len(), 25);
    assert_eq!(names.first().unwrap(), "sensor-007");
    assert_eq!(names.last().unwrap(), "sensor-031");
    let mut keys = std::collections::HashSet::new();
    for n in &names {
        let key = t.path().join(format!("pki/private/{n}.key"));
        assert_eq!(mode(&key), 0o600);
        assert!(
            keys.insert(fs::read(&key).unwrap()),
            "key of {n} is not unique"
        );
        assert!(t.path().join(format!("pki/issued/{n}.crt")).exists());
    }
    // Serials are unique, positive and at least 64 bits.
    let idx = index(t.path());
    let serials: std::collections::HashSet<_> = idx["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["serial"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(serials.len(), 27);
    assert!(
        serials
            .iter()
            .all(|s| s.len() >= 16 && s.as_bytes()[0] < b'8')
    );
}

#[test]
fn bad_names_are_refused_before_anything_is_written() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init"]);
    for bad in ["a/b", "dev+1", "dev#", "id:x", "has space", ".hidden", ""] {
        let err = fails(t.path(), &["pki", "client", "good-1", bad]);
        assert!(err.contains("name"), "{bad:?}: {err}");
    }
    let long = "x".repeat(129);
    fails(t.path(), &["pki", "client", &long]);
    fails(
        t.path(),
        &["pki", "client", "--count", "3", "--template", "dev/{n}"],
    );
    fails(
        t.path(),
        &["pki", "client", "--count", "3", "--template", "same-name"],
    );
    fails(t.path(), &["pki", "client", "twin", "twin"]);
    assert!(leaf_names(t.path()).is_empty());
    assert_eq!(
        fs::read_dir(t.path().join("pki/issued")).unwrap().count(),
        0
    );
}

#[test]
fn existing_files_and_certificates_are_not_overwritten_without_force() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init"]);
    ok(t.path(), &["pki", "client", "d1"]);
    let key = t.path().join("pki/private/d1.key");
    let before = fs::read(&key).unwrap();
    let err = fails(t.path(), &["pki", "client", "d1"]);
    assert!(err.contains("already has a valid certificate"), "{err}");

    // A stray file in the way of a batch: the whole batch is refused, nothing is written.
    fs::write(t.path().join("pki/issued/d5.crt"), "not mine").unwrap();
    let err = fails(
        t.path(),
        &[
            "pki",
            "client",
            "--count",
            "9",
            "--template",
            "d{n}",
            "--start",
            "2",
        ],
    );
    assert!(err.contains("d5.crt already exists"), "{err}");
    assert_eq!(leaf_names(t.path()), vec!["d1"]);
    assert_eq!(
        fs::read_to_string(t.path().join("pki/issued/d5.crt")).unwrap(),
        "not mine"
    );
    assert!(!t.path().join("pki/issued/d2.crt").exists());

    ok(t.path(), &["pki", "client", "d1", "--force"]);
    assert_ne!(fs::read(&key).unwrap(), before);
    assert_eq!(mode(&key), 0o600);
    let idx = index(t.path());
    let d1: Vec<_> = idx["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == "d1")
        .collect();
    assert_eq!(d1.len(), 2);
    assert_eq!(d1[0]["status"], "superseded");
    assert_eq!(d1[0]["superseded_by"], d1[1]["serial"]);
    assert_eq!(d1[1]["status"], "valid");
}

#[test]
fn broker_needs_a_san_and_writes_a_full_chain() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init"]);
    let err = fails(t.path(), &["pki", "broker", "b1"]);
    assert!(err.contains("--dns or --ip"), "{err}");
    fails(
        t.path(),
        &["pki", "broker", "b1", "--dns", "bad_name.example"],
    );
    fails(t.path(), &["pki", "broker", "b1", "--ip", "300.1.1.1"]);
    ok(
        t.path(),
        &[
            "pki",
            "broker",
            "b1",
            "--dns",
            "mqtt.acme.example",
            "--ip",
            "127.0.0.1",
            "--ip",
            "::1",
        ],
    );
    let pki = t.path().join("pki");
    let leaf = fs::read_to_string(pki.join("issued/b1.crt")).unwrap();
    let inter = fs::read_to_string(pki.join("intermediate.crt")).unwrap();
    assert_eq!(
        fs::read_to_string(pki.join("issued/b1.fullchain.pem")).unwrap(),
        format!("{leaf}{inter}")
    );
    let idx = index(t.path());
    let sans = &idx["certificates"][2]["sans"];
    assert_eq!(
        sans,
        &serde_json::json!(["DNS:mqtt.acme.example", "IP:127.0.0.1", "IP:::1"])
    );
}

#[test]
fn missing_pki_and_bad_inputs_give_one_line_errors() {
    let t = tempfile::tempdir().unwrap();
    let err = fails(t.path(), &["pki", "client", "d1"]);
    assert!(err.contains("no PKI in pki"), "{err}");
    fails(t.path(), &["pki", "list"]);
    ok(t.path(), &["pki", "init"]);
    let err = fails(t.path(), &["pki", "sign", "--csr", "missing.csr"]);
    assert!(err.contains("missing.csr"), "{err}");
    fs::write(t.path().join("garbage.csr"), b"\x00\x01garbage\xff").unwrap();
    let err = fails(t.path(), &["pki", "sign", "--csr", "garbage.csr"]);
    assert!(err.contains("garbage.csr"), "{err}");
    fs::write(t.path().join("empty.csr"), b"").unwrap();
    fails(t.path(), &["pki", "sign", "--csr", "empty.csr"]);
    fs::write(
        t.path().join("trunc.csr"),
        "-----BEGIN CERTIFICATE REQUEST-----\nMIIBIjCB\n-----END CERTIFICATE REQUEST-----\n",
    )
    .unwrap();
    fails(t.path(), &["pki", "sign", "--csr", "trunc.csr"]);

    // A damaged database is reported with its path, and left as it is.
    let db = t.path().join("pki/pki.db");
    fs::write(&db, "not a database, honest").unwrap();
    let err = fails(t.path(), "pki client d1");
    assert!(err.contains("pki.db"), "{err}");
    assert_eq!(fs::read_to_string(&db).unwrap(), "not a database, honest");
    // So is a damaged index.json waiting to be migrated, with its position.
    fs::create_dir(t.path().join("old")).unwrap();
    fs::copy(t.path().join("pki/ca.crt"), t.path().join("old/ca.crt")).unwrap();
    let idx = t.path().join("old/index.json");
    fs::write(&idx, "{ \"version\": 1,\n  oops }").unwrap();
    let err = fails(t.path(), "pki client d1 --pki old");
    assert!(
        err.contains("index.json") && err.contains("line 2"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(&idx).unwrap(),
        "{ \"version\": 1,\n  oops }"
    );
    assert!(!t.path().join("old/pki.db").exists());

    // Usage errors are clap's: exit code 2.
    let out = mqauth()
        .current_dir(t.path())
        .args(["pki", "init", "--key", "dsa"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn concurrent_runs_do_not_lose_index_updates() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init"]);
    let bin = assert_cmd::cargo::cargo_bin("mqauth");
    let children: Vec<_> = (0..4)
        .map(|i| {
            std::process::Command::new(&bin)
                .current_dir(t.path())
                .args(["-q", "pki", "client", "--count", "50", "--template"])
                .arg(format!("p{i}-{{n:03}}"))
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let names = leaf_names(t.path());
    assert_eq!(names.len(), 200);
    assert_eq!(
        fs::read_dir(t.path().join("pki/private")).unwrap().count(),
        200
    );
    // No temporaries left behind.
    assert!(
        fs::read_dir(t.path().join("pki/issued"))
            .unwrap()
            .all(|e| !e.unwrap().file_name().to_string_lossy().starts_with('.'))
    );
}

#[test]
fn list_prints_a_table_and_json() {
    let t = tempfile::tempdir().unwrap();
    ok(t.path(), &["pki", "init"]);
    ok(t.path(), &["pki", "client", "d1", "--days", "30"]);
    let out = ok(t.path(), &["pki", "list"]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("Days left") && table.contains("d1"),
        "{table}"
    );
    let out = ok(t.path(), &["pki", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d1 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "d1")
        .unwrap();
    assert_eq!(d1["profile"], "client");
    assert_eq!(d1["status"], "valid");
    assert_eq!(d1["days_left"], 30);
    assert_eq!(d1["key"], "p256");
    assert!(d1["not_after"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn wrong_or_missing_passphrase_is_a_clear_error() {
    let t = tempfile::tempdir().unwrap();
    crate::common::write_secret(&t.path().join("pass"), "correct horse\n");
    crate::common::write_secret(&t.path().join("wrong"), "battery staple\n");
    ok(t.path(), &["pki", "init", "--passphrase-file", "pass"]);
    let key = fs::read_to_string(t.path().join("pki/ca.key")).unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let err = fails(t.path(), &["pki", "client", "d1"]);
    assert!(
        err.contains("encrypted") && err.contains("--passphrase-file"),
        "{err}"
    );
    let err = fails(
        t.path(),
        &["pki", "client", "d1", "--passphrase-file", "wrong"],
    );
    assert!(err.contains("wrong passphrase"), "{err}");
    let err = fails(
        t.path(),
        &["pki", "client", "d1", "--passphrase-file", "nope"],
    );
    assert!(err.contains("nope"), "{err}");
    let out = mqauth()
        .current_dir(t.path())
        .env("MQAUTH_PASSPHRASE_FILE", "pass")
        .args(["pki", "client", "d1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("correct horse"));
}
