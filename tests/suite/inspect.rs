//! `mqauth inspect` and `mqauth verify`, with certificates of every status, bad inputs, and
//! `openssl verify` as the referee.

use crate::common::{fails, mqauth, ok, requires, run_tool};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::fs;
use std::path::Path;
use time::{Duration, OffsetDateTime};

/// A client certificate signed by the PKI's intermediate with chosen dates — the CLI will not
/// issue expired or future certificates, so the tests make them with rcgen directly.
fn forge(pki: &Path, name: &str, not_before: OffsetDateTime, not_after: OffsetDateTime) {
    let ca_key =
        KeyPair::from_pem(&fs::read_to_string(pki.join("intermediate.key")).unwrap()).unwrap();
    let issuer = Issuer::from_ca_cert_pem(
        &fs::read_to_string(pki.join("intermediate.crt")).unwrap(),
        ca_key,
    )
    .unwrap();
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    params.distinguished_name = dn;
    params.not_before = not_before;
    params.not_after = not_after;
    params.serial_number = Some(rcgen::SerialNumber::from(rand_serial()));
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.use_authority_key_identifier_extension = true;
    params.key_identifier_method = rcgen::KeyIdMethod::Sha256;
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    let cert = params.signed_by(&key, &issuer).unwrap();
    fs::write(pki.join(format!("issued/{name}.crt")), cert.pem()).unwrap();
}

fn rand_serial() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1 << 62
}

fn inspect_json(dir: &Path, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let out = mqauth()
        .current_dir(dir)
        .arg("inspect")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), rows.as_array().unwrap().clone())
}

fn row<'a>(rows: &'a [serde_json::Value], cn: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["cn"] == cn)
        .unwrap_or_else(|| panic!("no {cn} in {rows:?}"))
}

#[test]
fn statuses_and_exit_codes() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki client good");
    let (code, rows) = inspect_json(d, &["pki/issued"]);
    assert_eq!(code, 0);
    let good = row(&rows, "good");
    assert_eq!(good["status"], "valid");
    // JSON spells subjects and issuers as DNs (CNs apart) and keys as `--key` does.
    assert_eq!(good["subject"], "CN=good");
    assert_eq!(good["issuer"], "CN=mqauth Root CA Intermediate");
    assert_eq!(good["issuer_cn"], "mqauth Root CA Intermediate");
    assert_eq!(good["key"], "p256");
    assert_eq!(good["fingerprint_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(good["eku"], serde_json::json!(["clientAuth"]));
    // A fresh 365-day certificate has 365 days left, not 364 (rounded, not floored).
    assert_eq!(good["days_left"], 365);
    assert!(good["not_after"].as_str().unwrap().ends_with('Z'));
    assert_eq!(good["file"], "pki/issued/good.crt");

    ok(d, "pki client soon --days 10d");
    let (code, rows) = inspect_json(d, &["pki/issued"]);
    assert_eq!(
        (code, row(&rows, "soon")["status"].as_str()),
        (3, Some("expiring"))
    );
    let (code, _) = inspect_json(d, &["pki/issued", "--warn-days", "5"]);
    assert_eq!(code, 0, "10 days left is fine with a 5-day window");

    let now = OffsetDateTime::now_utc();
    forge(
        &d.join("pki"),
        "old",
        now - Duration::days(400),
        now - Duration::days(35),
    );
    forge(
        &d.join("pki"),
        "future",
        now + Duration::days(2),
        now + Duration::days(300),
    );
    let (code, rows) = inspect_json(d, &["pki/issued", "--sort", "expiry"]);
    assert_eq!(code, 4);
    assert_eq!(row(&rows, "old")["status"], "expired");
    assert_eq!(row(&rows, "old")["days_left"], -35);
    assert_eq!(row(&rows, "future")["status"], "not-yet-valid");
    assert_eq!(rows[0]["cn"], "old", "--sort expiry puts the soonest first");

    ok(d, "pki revoke good");
    let (code, rows) = inspect_json(d, &["pki/issued/good.crt", "--crl", "pki/crl.pem"]);
    assert_eq!(
        (code, row(&rows, "good")["status"].as_str()),
        (4, Some("revoked"))
    );
}

#[test]
fn bundles_der_and_text_around_blocks() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki broker b1 --dns mqtt.acme.example --ip 127.0.0.1");
    let text = run_tool("openssl", &["x509", "-in", "pki/issued/b1.crt", "-text"], d);
    fs::write(d.join("with-text.pem"), &text.stdout).unwrap();
    let der = run_tool(
        "openssl",
        &[
            "x509",
            "-in",
            "pki/issued/b1.crt",
            "-outform",
            "DER",
            "-out",
            "b1.der",
        ],
        d,
    );
    assert!(der.status.success());
    let (code, rows) = inspect_json(
        d,
        &["pki/issued/b1.fullchain.pem", "with-text.pem", "b1.der"],
    );
    assert_eq!(code, 0, "{rows:?}");
    let subjects: Vec<_> = rows.iter().map(|r| r["cn"].as_str().unwrap()).collect();
    assert_eq!(
        subjects,
        vec!["b1", "mqauth Root CA Intermediate", "b1", "b1"]
    );
    assert_eq!(rows[0]["subject"], "CN=b1");
    assert_eq!(
        rows[0]["sans"],
        serde_json::json!(["DNS:mqtt.acme.example", "IP:127.0.0.1"])
    );
    assert_eq!(rows[1]["is_ca"], true);
}

#[test]
fn bad_inputs_get_a_clear_per_file_error() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki client d1");
    let cert = fs::read_to_string(d.join("pki/issued/d1.crt")).unwrap();
    let body: String = cert.lines().filter(|l| !l.starts_with("-----")).collect();
    fs::write(
        d.join("garbage.pem"),
        b"\x00\x01\xffnot a certificate at all",
    )
    .unwrap();
    fs::write(d.join("truncated.pem"), &cert[..cert.len() / 2]).unwrap();
    fs::write(
        d.join("badb64.pem"),
        format!(
            "-----BEGIN CERTIFICATE-----\n{}!!\n-----END CERTIFICATE-----\n",
            &body[..40]
        ),
    )
    .unwrap();
    fs::write(d.join("empty.pem"), b"").unwrap();
    fs::copy(d.join("pki/private/d1.key"), d.join("key.pem")).unwrap();
    let csr = run_tool(
        "openssl",
        &[
            "req", "-new", "-key", "key.pem", "-subj", "/CN=x", "-out", "req.pem",
        ],
        d,
    );
    let inputs = [
        "garbage.pem",
        "truncated.pem",
        "badb64.pem",
        "empty.pem",
        "key.pem",
    ];
    for bad in inputs {
        let err = fails(d, &["inspect", bad]);
        assert!(err.contains(bad), "{err}");
    }
    let out = mqauth()
        .current_dir(d)
        .args(["inspect", "pki/issued/d1.crt"])
        .args(inputs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (file, says) in [
        ("truncated.pem", "truncated"),
        ("empty.pem", "empty"),
        ("key.pem", "private key"),
        ("garbage.pem", "no certificate"),
        ("badb64.pem", "PEM"),
    ] {
        assert!(
            stderr.lines().any(|l| l.contains(file) && l.contains(says)),
            "{file}: {stderr}"
        );
    }
    if csr.status.success() {
        let err = fails(d, "inspect req.pem");
        assert!(err.contains("signing request"), "{err}");
    }
    let (code, rows) = inspect_json(d, &["pki/issued/d1.crt", "empty.pem"]);
    assert_eq!(code, 4);
    assert!(
        rows.iter()
            .any(|r| r["status"] == "unparseable" && r["file"] == "empty.pem")
    );
    // A directory: keys, CSRs, CRLs and the index are skipped, not errors.
    ok(d, "pki crl");
    let (code, _) = inspect_json(d, &["pki"]);
    assert_eq!(code, 0);
    let err = fails(d, "inspect nowhere");
    assert!(err.contains("nowhere"), "{err}");
}

#[test]
fn pki_audit_finds_mismatches() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki client d1 d2 d3");
    let (code, rows) = inspect_json(d, &["--pki", "pki"]);
    assert_eq!(code, 0, "{rows:?}");
    assert_eq!(rows.len(), 5);
    let pki = d.join("pki");
    fs::remove_file(pki.join("issued/d1.crt")).unwrap();
    fs::copy(pki.join("private/d3.key"), pki.join("private/d2.key")).unwrap();
    fs::copy(pki.join("issued/d3.crt"), pki.join("issued/stray.crt")).unwrap();
    fs::write(
        pki.join("private/orphan.key"),
        fs::read(pki.join("private/d3.key")).unwrap(),
    )
    .unwrap();
    let out = mqauth()
        .current_dir(d)
        .args(["inspect", "--pki", "pki"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "pki/issued/d1.crt: missing",
        "pki/private/d2.key: does not match pki/issued/d2.crt",
        "pki/issued/stray.crt: not in pki.db",
        "pki/private/orphan.key: a key with no certificate",
    ] {
        assert!(stderr.contains(expected), "{expected:?} not in {stderr}");
    }
    fails(d, "inspect --pki nope");
}

/// openssl's verdict: Ok, or (error description, depth).
fn openssl_verdict(dir: &Path, args: &[&str]) -> Result<(), (String, String)> {
    let mut all = vec!["verify"];
    all.extend(args);
    let out = run_tool("openssl", &all, dir);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        return Ok(());
    }
    let line = text
        .lines()
        .find(|l| l.starts_with("error ") && l.contains(" depth lookup: "))
        .unwrap_or_else(|| panic!("{text}"));
    let depth = line
        .split(" at ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let reason = line.split(" depth lookup: ").nth(1).unwrap().to_string();
    Err((reason, depth))
}

fn mqauth_verdict(dir: &Path, args: &[&str]) -> Result<(), (String, String)> {
    let mut all = vec!["verify", "--json"];
    all.extend(args);
    let out = mqauth().current_dir(dir).args(&all).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let v = &v[0];
    if v["ok"] == true {
        assert_eq!(out.status.code(), Some(0));
        Ok(())
    } else {
        assert_eq!(out.status.code(), Some(4));
        Err((
            v["error"].as_str().unwrap().to_string(),
            v["depth"].to_string(),
        ))
    }
}

#[test]
fn verify_agrees_with_openssl() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki broker b1 --dns mqtt.acme.example --ip 127.0.0.1");
    ok(d, "pki client d1 d2");
    ok(d, "pki revoke d2 --reason keyCompromise");
    ok(d, "pki init --dir other");
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let future = (now + 400 * 86_400).to_string();
    let past = (now - 3 * 86_400).to_string();
    let rfc = |t: i64| {
        OffsetDateTime::from_unix_timestamp(t)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let (future_rfc, past_rfc) = (rfc(now + 400 * 86_400), rfc(now - 3 * 86_400));
    let chain = [
        "-CAfile",
        "pki/ca.crt",
        "-untrusted",
        "pki/intermediate.crt",
    ];
    let ours = ["--ca", "pki/ca.crt", "--untrusted", "pki/intermediate.crt"];
    type Case<'a> = (&'a str, Vec<&'a str>, Vec<&'a str>, bool);
    let cases: Vec<Case<'_>> = vec![
        (
            "good client",
            vec!["-purpose", "sslclient", "pki/issued/d1.crt"],
            vec!["--purpose", "client", "pki/issued/d1.crt"],
            true,
        ),
        (
            "good server",
            vec!["-purpose", "sslserver", "pki/issued/b1.crt"],
            vec!["--purpose", "server", "pki/issued/b1.crt"],
            true,
        ),
        (
            "wrong purpose",
            vec!["-purpose", "sslserver", "pki/issued/d1.crt"],
            vec!["--purpose", "server", "pki/issued/d1.crt"],
            false,
        ),
        (
            "client as server",
            vec!["-purpose", "sslclient", "pki/issued/b1.crt"],
            vec!["--purpose", "client", "pki/issued/b1.crt"],
            false,
        ),
        (
            "expired",
            vec!["-attime", &future, "pki/issued/d1.crt"],
            vec!["--at", &future_rfc, "pki/issued/d1.crt"],
            false,
        ),
        (
            "not yet valid",
            vec!["-attime", &past, "pki/issued/d1.crt"],
            vec!["--at", &past_rfc, "pki/issued/d1.crt"],
            false,
        ),
        (
            "revoked",
            vec!["-crl_check", "-CRLfile", "pki/crl.pem", "pki/issued/d2.crt"],
            vec!["--crl", "pki/crl.pem", "pki/issued/d2.crt"],
            false,
        ),
        (
            "not revoked",
            vec!["-crl_check", "-CRLfile", "pki/crl.pem", "pki/issued/d1.crt"],
            vec!["--crl", "pki/crl.pem", "pki/issued/d1.crt"],
            true,
        ),
        ("root itself", vec!["pki/ca.crt"], vec!["pki/ca.crt"], true),
        (
            "intermediate",
            vec!["pki/intermediate.crt"],
            vec!["pki/intermediate.crt"],
            true,
        ),
    ];
    for (name, theirs_args, ours_args, expect_ok) in cases {
        let theirs: Vec<&str> = chain.iter().copied().chain(theirs_args).collect();
        let mine: Vec<&str> = ours.iter().copied().chain(ours_args).collect();
        let (a, b) = (openssl_verdict(d, &theirs), mqauth_verdict(d, &mine));
        assert_eq!(a.is_ok(), expect_ok, "{name}: openssl says {a:?}");
        assert_eq!(a, b, "{name}: openssl and mqauth disagree");
    }
    // Wrong CA, and no intermediate: the chain cannot be built.
    for (name, theirs, mine) in [
        (
            "wrong CA",
            vec![
                "-CAfile",
                "other/ca.crt",
                "-untrusted",
                "other/intermediate.crt",
                "pki/issued/d1.crt",
            ],
            vec![
                "--ca",
                "other/ca.crt",
                "--untrusted",
                "other/intermediate.crt",
                "pki/issued/d1.crt",
            ],
        ),
        (
            "no intermediate",
            vec!["-CAfile", "pki/ca.crt", "pki/issued/d1.crt"],
            vec!["--ca", "pki/ca.crt", "pki/issued/d1.crt"],
        ),
        (
            "CRL of another CA",
            vec![
                "-CAfile",
                "pki/ca.crt",
                "-untrusted",
                "pki/intermediate.crt",
                "-crl_check",
                "-CRLfile",
                "other/crl.pem",
                "pki/issued/d1.crt",
            ],
            vec![
                "--ca",
                "pki/ca.crt",
                "--untrusted",
                "pki/intermediate.crt",
                "--crl",
                "other/crl.pem",
                "pki/issued/d1.crt",
            ],
        ),
    ] {
        if name == "CRL of another CA" {
            ok(d, "pki crl --dir other");
        }
        let (a, b) = (openssl_verdict(d, &theirs), mqauth_verdict(d, &mine));
        assert!(a.is_err(), "{name}: {a:?}");
        assert_eq!(a, b, "{name}: openssl and mqauth disagree");
    }
}

#[test]
fn verify_prints_one_line_per_certificate() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki client d1");
    ok(d, "pki broker b1 --ip 127.0.0.1");
    let out = mqauth()
        .current_dir(d)
        .args([
            "verify",
            "--ca",
            "pki/ca.crt",
            "--untrusted",
            "pki/intermediate.crt",
            "--purpose",
            "client",
            "pki/issued/d1.crt",
            "pki/issued/b1.crt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "pki/issued/d1.crt: OK\npki/issued/b1.crt: FAILED: unsuitable certificate purpose (depth 0, CN=b1)\n"
    );
    let err = fails(d, "verify --ca missing.crt pki/issued/d1.crt");
    assert!(err.contains("missing.crt"), "{err}");
    let err = fails(d, "verify --ca pki/private/d1.key pki/issued/d1.crt");
    assert!(err.contains("private key"), "{err}");
}

#[test]
fn a_crl_is_shown_for_what_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, "-q pki init");
    ok(d, "-q pki client d1 d2");
    ok(d, "-q pki revoke d1 --reason keyCompromise");
    let out = ok(d, "inspect pki/crl.pem");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Number:       1"), "{text}");
    assert!(text.contains("Status:       valid"), "{text}");
    assert!(text.contains("Revoked:      1"), "{text}");
    assert!(text.contains("KeyCompromise"), "{text}");
    let (status, rows) = inspect_json(d, &["pki/crl.pem", "pki/issued/d2.crt"]);
    assert_eq!(status, 0);
    let crl = rows.iter().find(|r| r["file"] == "pki/crl.pem").unwrap();
    assert_eq!(crl["status"], "valid");
    assert_eq!(crl["crl"]["number"], "1");
    assert_eq!(crl["crl"]["entries"].as_array().unwrap().len(), 1);
    assert!(rows.iter().any(|r| r["cn"] == "d2"));
    // Seen from after its nextUpdate: expired, a problem (exit 4).
    let out = crate::common::run(d, "inspect pki/crl.pem --json");
    assert_eq!(out.status.code(), Some(0));
    fs::write(d.join("old.pem"), forge_expired_crl(d)).unwrap();
    let out = crate::common::run(d, "inspect old.pem");
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("expired"));
}

/// A CRL of the PKI's issuing CA whose nextUpdate has passed, made with openssl-free rcgen.
fn forge_expired_crl(d: &Path) -> String {
    let key =
        rcgen::KeyPair::from_pem(&fs::read_to_string(d.join("pki/intermediate.key")).unwrap())
            .unwrap();
    let issuer = rcgen::Issuer::from_ca_cert_pem(
        &fs::read_to_string(d.join("pki/intermediate.crt")).unwrap(),
        key,
    )
    .unwrap();
    let now = OffsetDateTime::now_utc();
    let params = rcgen::CertificateRevocationListParams {
        this_update: now - Duration::days(10),
        next_update: now - Duration::days(3),
        crl_number: rcgen::SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: Vec::new(),
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    params.signed_by(&issuer).unwrap().pem().unwrap()
}

#[test]
fn verify_walks_directories_and_names_a_file_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, "-q pki init");
    ok(d, "-q pki client d1 d2");
    // A directory of certificates with keys beside them: the keys are passed over.
    fs::create_dir(d.join("bundle")).unwrap();
    for f in ["d1.crt", "d2.crt"] {
        fs::copy(d.join("pki/issued").join(f), d.join("bundle").join(f)).unwrap();
    }
    fs::copy(d.join("pki/private/d1.key"), d.join("bundle/d1.key")).unwrap();
    let out = ok(d, "verify --pki pki bundle");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("bundle/d1.crt: OK") && text.contains("bundle/d2.crt: OK"),
        "{text}"
    );
    let err = fails(d, "verify --pki pki missing.crt");
    assert_eq!(err.matches("missing.crt").count(), 1, "{err}");
    let err = fails(d, "verify --pki pki pki/private");
    assert!(
        err.contains("no certificates found in pki/private"),
        "{err}"
    );
}
