//! Revocation, CRLs and renewal: the index, openssl's view and pkilint's.

use crate::common::{fails, ok, openssl_verify, requires, run_tool, usage};
use std::fs;
use std::path::Path;

fn index(dir: &Path) -> serde_json::Value {
    crate::common::records(&dir.join("pki"))
}

fn entries<'a>(idx: &'a serde_json::Value, name: &str) -> Vec<&'a serde_json::Value> {
    idx["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == name)
        .collect()
}

/// A bad flag value is a usage error: exit code 2, with the value named.
fn usage_error(dir: &Path, args: &[&str]) {
    let out = crate::common::mqauth()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let bad = args.last().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(bad));
}

fn crl_text(pki: &Path, file: &str) -> String {
    let out = run_tool("openssl", &["crl", "-in", file, "-noout", "-text"], pki);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn revoked_certificates_fail_openssl_crl_check_and_others_pass() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init");
    ok(dir, "pki client d1 d2 d3");
    ok(dir, "pki revoke d1 --reason keyCompromise");
    let serial = entries(&index(dir), "d3")[0]["serial"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        dir,
        &[
            "pki",
            "revoke",
            "--serial",
            &serial,
            "--reason",
            "cessationOfOperation",
        ],
    );

    let pki = dir.join("pki");
    let crl = ["-crl_check", "-CRLfile", "crl.pem"];
    for (name, revoked) in [("d1", true), ("d2", false), ("d3", true)] {
        let cert = format!("issued/{name}.crt");
        let (good, out) = openssl_verify(&pki, "sslclient", Path::new(&cert), &crl);
        if revoked {
            assert!(
                !good && out.contains("certificate revoked"),
                "{name}: {out}"
            );
        } else {
            assert!(good, "{name}: {out}");
        }
    }
    let text = crl_text(&pki, "crl.pem");
    assert!(
        text.contains("Issuer: CN = mqauth Root CA Intermediate"),
        "{text}"
    );
    assert!(
        text.contains("Key Compromise") && text.contains("Cessation Of Operation"),
        "{text}"
    );
    assert!(
        text.contains("X509v3 CRL Number: \n                2"),
        "two revocations, two CRLs: {text}"
    );
    assert!(text.contains("Authority Key Identifier"));
    let idx = index(dir);
    let d1 = entries(&idx, "d1")[0];
    assert_eq!(d1["status"], "revoked");
    assert_eq!(d1["reason"], "keyCompromise");
    assert!(d1["revoked_at"].as_str().unwrap().ends_with('Z'));

    // The root's CRL for the intermediate completes the chain for -crl_check_all.
    ok(dir, "pki crl --ca root");
    let all = [
        "-crl_check_all",
        "-CRLfile",
        "crl.pem",
        "-CRLfile",
        "ca.crl.pem",
    ];
    let (good, out) = openssl_verify(&pki, "sslclient", Path::new("issued/d2.crt"), &all);
    assert!(good, "{out}");
    let (good, out) = openssl_verify(&pki, "sslclient", Path::new("issued/d1.crt"), &all);
    assert!(!good && out.contains("certificate revoked"), "{out}");
    assert!(crl_text(&pki, "ca.crl.pem").contains("Issuer: CN = mqauth Root CA\n"));
}

#[test]
fn crl_numbers_increase_and_next_update_follows_days() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init --no-intermediate");
    ok(dir, "pki crl");
    ok(dir, "pki crl --days 2d");
    let pki = dir.join("pki");
    let text = crl_text(&pki, "crl.pem");
    assert!(
        text.contains("X509v3 CRL Number: \n                2"),
        "{text}"
    );
    assert!(
        text.contains("Issuer: CN = mqauth Root CA"),
        "without an intermediate the root signs"
    );
    assert!(!pki.join("ca.crl.pem").exists());
    let next = run_tool(
        "openssl",
        &[
            "crl",
            "-in",
            "crl.pem",
            "-noout",
            "-nextupdate",
            "-lastupdate",
        ],
        &pki,
    );
    let next = String::from_utf8_lossy(&next.stdout);
    assert!(next.contains("nextUpdate="), "{next}");
    // Two days from now it is still current; three days from now it has expired.
    ok(dir, "pki client d1");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for (days, expired) in [(1, false), (3, true)] {
        let at = (now + days * 86_400).to_string();
        let (good, out) = openssl_verify(
            &pki,
            "sslclient",
            Path::new("issued/d1.crt"),
            &["-attime", &at, "-crl_check", "-CRLfile", "crl.pem"],
        );
        assert_eq!(
            !good && out.contains("CRL has expired"),
            expired,
            "{days}d: {out}"
        );
    }
    let e = usage(dir, "pki crl --days 0");
    assert!(
        e.contains("at least 1 hour") && !e.contains("certificate"),
        "{e}"
    );
}

#[test]
fn pkilint_finds_nothing_in_the_crls() {
    requires!("lint_crl");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init");
    ok(dir, "pki client d1 d2 d3");
    ok(dir, "pki revoke d1 --reason keyCompromise");
    ok(dir, "pki revoke d2");
    ok(dir, "pki crl --ca root");
    let pki = dir.join("pki");
    for (file, kind) in [("crl.pem", "CRL"), ("ca.crl.pem", "ARL")] {
        let out = run_tool(
            "lint_crl",
            &["lint", "-t", kind, "-p", "PKIX", "-s", "WARNING", file],
            &pki,
        );
        let findings = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && findings.trim().is_empty(),
            "{file}: {findings}"
        );
    }
}

#[test]
fn bad_revocations_change_nothing() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init");
    ok(dir, "pki client d1");
    ok(dir, "pki revoke d1");
    let idx_before = index(dir);
    let crl_before = fs::read(dir.join("pki/crl.pem")).unwrap();
    let err = fails(dir, "pki revoke d1");
    assert!(err.contains("already revoked"), "{err}");
    let err = fails(dir, "pki revoke nobody");
    assert!(err.contains("nobody"), "{err}");
    let err = fails(dir, "pki revoke --serial 0123abcd");
    assert!(err.contains("0123abcd"), "{err}");
    usage_error(dir, &["pki", "revoke", "--serial", "not-hex"]);
    let idx = index(dir);
    for ca in [&idx["certificates"][0], &idx["certificates"][1]] {
        let err = fails(
            dir,
            &["pki", "revoke", "--serial", ca["serial"].as_str().unwrap()],
        );
        assert!(err.contains("CA certificate"), "{err}");
    }
    usage_error(dir, &["pki", "revoke", "d1", "--reason", "because"]);
    assert_eq!(index(dir), idx_before);
    assert_eq!(fs::read(dir.join("pki/crl.pem")).unwrap(), crl_before);
}

#[test]
fn revoking_a_name_covers_its_superseded_certificates_with_the_same_key() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init");
    ok(dir, "pki client d1");
    ok(dir, "pki renew d1 --days 400d");
    ok(dir, "pki revoke d1 --reason keyCompromise");
    let idx = index(dir);
    let d1 = entries(&idx, "d1");
    assert_eq!(d1.len(), 2);
    assert!(d1.iter().all(|e| e["status"] == "revoked"), "{d1:?}");
}

fn public_key(pki: &Path, name: &str) -> Vec<u8> {
    run_tool(
        "openssl",
        &[
            "x509",
            "-in",
            &format!("issued/{name}.crt"),
            "-noout",
            "-pubkey",
        ],
        pki,
    )
    .stdout
}

#[test]
fn renewal_keeps_the_key_unless_rekey_and_is_idempotent() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let pki = dir.join("pki");
    ok(dir, "pki init");
    ok(dir, "pki client short-1 short-2 --days 10d");
    ok(dir, "pki client long-1");
    ok(
        dir,
        "pki broker b1 --dns mqtt.acme.example --ip 127.0.0.1 --days 20d",
    );
    let key_before = fs::read(pki.join("private/short-1.key")).unwrap();
    let pub_before = public_key(&pki, "short-1");

    // Renewing a certificate issued a moment ago with its own lifetime would not extend it, so
    // a fresh batch is only renewed when the new lifetime reaches further.
    let out = ok(dir, "pki renew --within 30d");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to renew"));
    let out = ok(dir, "pki renew --within 30d --days 60d");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("renewed client short-1") && said.contains("renewed broker b1"),
        "{said}"
    );
    assert!(!said.contains("long-1"), "{said}");
    assert_eq!(
        public_key(&pki, "short-1"),
        pub_before,
        "same key without --rekey"
    );
    assert_eq!(
        fs::read(pki.join("private/short-1.key")).unwrap(),
        key_before
    );
    let idx = index(dir);
    let s1 = entries(&idx, "short-1");
    assert_eq!(
        (s1[0]["status"].as_str(), s1[1]["status"].as_str()),
        (Some("superseded"), Some("valid"))
    );
    assert_eq!(s1[0]["superseded_by"], s1[1]["serial"]);
    // The renewed broker keeps its SANs and its full chain is rewritten.
    assert_eq!(
        entries(&idx, "b1")[1]["sans"],
        serde_json::json!(["DNS:mqtt.acme.example", "IP:127.0.0.1"])
    );
    let (good, out) = openssl_verify(&pki, "sslserver", Path::new("issued/b1.crt"), &[]);
    assert!(good, "{out}");
    let leaf = fs::read_to_string(pki.join("issued/b1.crt")).unwrap();
    assert!(
        fs::read_to_string(pki.join("issued/b1.fullchain.pem"))
            .unwrap()
            .starts_with(&leaf)
    );

    // Idempotent: a second run finds nothing to do and changes no byte.
    let before = crate::common::records(&pki);
    let out = ok(dir, "pki renew --within 30d --days 60d");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to renew"));
    assert_eq!(crate::common::records(&pki), before);

    let short2_before = public_key(&pki, "short-2");
    ok(dir, "pki renew short-2 --rekey --days 90d");
    assert_ne!(
        public_key(&pki, "short-2"),
        short2_before,
        "--rekey changes the key"
    );
    let idx = index(dir);
    let s2 = entries(&idx, "short-2");
    assert_eq!(s2.len(), 3, "issued, renewed in the window, rekeyed");
    let (good, out) = openssl_verify(&pki, "sslclient", Path::new("issued/short-2.crt"), &[]);
    assert!(good, "{out}");
    let key_pub = run_tool(
        "openssl",
        &["pkey", "-in", "private/short-2.key", "-pubout"],
        &pki,
    )
    .stdout;
    assert_eq!(
        key_pub,
        public_key(&pki, "short-2"),
        "the new key matches the new certificate"
    );

    let out = ok(dir, "pki list --expiring 30d --json");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 0, "{rows}");
    let out = ok(dir, "pki list --status superseded --json");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 4, "{rows}");
}

#[test]
fn renewal_refusals() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init");
    ok(dir, "pki client d1 d2");
    ok(dir, "pki revoke d2");
    let err = fails(dir, "pki renew nobody");
    assert!(err.contains("nobody"), "{err}");
    let err = fails(dir, "pki renew d2");
    assert!(err.contains("no certificate in force"), "{err}");
    // The certificate file no longer matches the index: refuse rather than certify a stranger.
    ok(dir, "pki client d3");
    fs::copy(dir.join("pki/issued/d1.crt"), dir.join("pki/issued/d3.crt")).unwrap();
    let err = fails(dir, "pki renew d3 --days 400d");
    assert!(err.contains("replaced by hand"), "{err}");
}

#[test]
fn crl_refresh_before_signs_only_when_due() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "-q pki init");
    let crl = dir.join("pki/crl.pem");
    let said = |args: &str| String::from_utf8_lossy(&ok(dir, args).stderr).into_owned();
    // The CRL pki init signed is good for 7 days: not due within 3.
    let before = fs::read(&crl).unwrap();
    let text = said("pki crl --refresh-before 3d");
    assert!(text.contains("not signed again"), "{text}");
    assert_eq!(fs::read(&crl).unwrap(), before, "nothing was signed");
    // Within 8 days it is due.
    let text = said("pki crl --refresh-before 8d");
    assert!(text.contains("CRL number 1"), "{text}");
    // A short-lived CRL is due; a missing one too.
    ok(dir, "-q pki crl --lifetime 1d");
    assert!(said("pki crl --refresh-before 3d").contains("CRL number 3"));
    fs::remove_file(&crl).unwrap();
    assert!(said("pki crl --refresh-before 3d").contains("CRL number 4"));
    usage(dir, "pki crl --refresh-before soon");
}

#[test]
fn renew_says_why_it_skips_what_it_selected_and_dry_run_lists_it() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "-q pki init");
    ok(dir, "-q pki client d1 d2 d3 --lifetime 100d");
    let listed = String::from_utf8_lossy(&ok(dir, "pki list --expiring 400d").stdout).into_owned();
    assert!(listed.contains("d1") && listed.contains("d3"), "{listed}");
    // Selected (they expire within 400 days), but a renewal now would not extend them.
    let said = String::from_utf8_lossy(&ok(dir, "pki renew --within 400d").stderr).into_owned();
    assert!(
        said.contains("3 certificates expire within 400d (d1, d2, d3)")
            && said.contains("would not extend"),
        "{said}"
    );
    let before = fs::read(dir.join("pki/issued/d1.crt")).unwrap();
    let dry =
        String::from_utf8_lossy(&ok(dir, "pki renew --within 400d --dry-run").stdout).into_owned();
    assert_eq!(dry.matches("would skip client").count(), 3, "{dry}");
    let dry = String::from_utf8_lossy(
        &ok(dir, "pki renew --within 400d --lifetime 200d --dry-run").stdout,
    )
    .into_owned();
    assert_eq!(dry.matches("would renew client").count(), 3, "{dry}");
    assert_eq!(fs::read(dir.join("pki/issued/d1.crt")).unwrap(), before);
    let dry =
        String::from_utf8_lossy(&ok(dir, "pki renew --within 1d --dry-run").stdout).into_owned();
    assert!(
        dry.contains("no certificate in force expires within 1d"),
        "{dry}"
    );
}
