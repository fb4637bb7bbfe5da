//! The defects found by attacking mqauth on purpose (hostile manifests and certificates,
//! symlinks, held locks, devices as inputs, odd passphrase files), each with the test that
//! keeps it fixed.

use crate::common::{available, fails, mqauth, ok, requires, run, usage, write_secret};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs mqauth with a deadline: a command that hangs fails the test instead of the suite.
fn run_within(dir: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("mqauth"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("MQAUTH_PKI_DIR")
        .env_remove("MQAUTH_PASSPHRASE_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mqauth");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("mqauth {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

const BASE_MANIFEST: &str = "fleet: acme\nbrokers:\n  - { name: b1, listen: 127.0.0.1, ip: [127.0.0.1], mtls_port: 18883, psk_port: 18884 }\ngroups:\n  s: { auth: mtls, publish: [\"d/{id}/t\"] }\n  g: { auth: psk, publish: [\"g/{id}/t\"] }\ndevices:\n  - { id: s1, group: s }\n  - { id: g1, group: g }\n";

// 1. Config injection through the manifest and --path-base.

#[test]
fn a_newline_in_a_path_never_reaches_the_broker_config() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let hostile = BASE_MANIFEST.replace(
        "fleet: acme\n",
        "fleet: acme\npki: { dir: \"pki\\nuser root\\nlistener 18885 127.0.0.1\\nallow_anonymous true\\n#\" }\n",
    );
    fs::write(d.join("fleet.yaml"), hostile).unwrap();
    for verb in [&["fleet", "apply"][..], &["fleet", "plan"]] {
        let e = fails(d, verb);
        assert!(
            e.contains("fleet.yaml:2:") && e.contains("line break"),
            "{e}"
        );
    }
    assert!(!d.join("brokers").exists() && !d.join("pki").exists());

    fs::write(d.join("fleet.yaml"), BASE_MANIFEST).unwrap();
    for target in ["mosquitto", "emqx"] {
        let e = fails(
            d,
            &[
                "fleet",
                "apply",
                "--target",
                target,
                "--path-base",
                "/srv\nallow_anonymous true",
            ],
        );
        assert!(e.contains("line break") && e.contains("\\n"), "{e}");
    }
    assert!(!d.join("brokers/b1/mosquitto.conf").exists());
    assert!(!d.join("brokers/b1/emqx/emqx.conf").exists());
    let e = fails(
        d,
        &[
            "fleet",
            "apply",
            "--target",
            "emqx",
            "--path-base",
            "/srv\"x",
        ],
    );
    assert!(e.contains("double quote"), "{e}");

    let hint = BASE_MANIFEST.replace(
        "psk_port: 18884",
        "psk_port: 18884, psk_hint: \"a\\u001bb\"",
    );
    fs::write(d.join("fleet.yaml"), hint).unwrap();
    let e = fails(d, "fleet plan");
    assert!(e.contains("psk_hint") && e.contains("control"), "{e}");
}

// 2. Terminal injection.

/// A certificate whose CN forges a table row and recolours the terminal.
fn hostile_certificate(dir: &Path) -> std::path::PathBuf {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        "evil\nforged  row  valid\x1b[32m\u{202e}",
    );
    let cert = params.self_signed(&key).unwrap();
    let path = dir.join("evil.pem");
    fs::write(&path, cert.pem()).unwrap();
    path
}

#[test]
fn names_from_files_are_escaped_in_human_output() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    hostile_certificate(d);
    fs::copy(d.join("evil.pem"), d.join("evil2.pem")).unwrap();
    let out = run(d, "inspect evil.pem evil2.pem");
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(table.lines().count(), 3, "one header, two rows: {table}");
    assert!(
        !table.contains('\x1b') && !table.contains('\u{202e}'),
        "{table}"
    );
    assert!(table.contains("evil\\nforged"), "{table}");
    // One certificate is shown in detail, escaped the same way.
    let out = run(d, "inspect evil.pem");
    let detail = String::from_utf8_lossy(&out.stdout);
    assert!(
        !detail.contains('\x1b') && !detail.contains('\u{202e}'),
        "{detail}"
    );
    assert!(detail.contains("CN=evil\\nforged"), "{detail}");
    assert_eq!(
        detail.lines().filter(|l| l.starts_with("Subject")).count(),
        1,
        "{detail}"
    );
    // JSON keeps the exact text.
    let out = mqauth()
        .current_dir(d)
        .args(["inspect", "evil.pem", "--json"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["cn"], "evil\nforged  row  valid\x1b[32m\u{202e}");

    let out = mqauth()
        .current_dir(d)
        .args([
            "verify",
            "--ca",
            "evil.pem",
            "evil.pem",
            "--purpose",
            "server",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(!text.contains('\x1b'), "{text}");

    let key = "ab".repeat(32);
    write_secret(
        &d.join("psk.txt"),
        &format!("ev\x1b[2Jil:{key}\nother\u{202e}:{key}\nev\x1b[2Jil:{key}\n"),
    );
    let out = mqauth()
        .current_dir(d)
        .args(["psk", "check", "psk.txt"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("shared-key") && report.contains("duplicate-identity"));
    assert!(
        !report.contains('\x1b') && !report.contains('\u{202e}'),
        "{report}"
    );
    assert!(report.contains("ev\\x1b[2Jil"), "{report}");
}

#[test]
fn ca_names_are_printable_text_that_fits_a_cn() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    for (name, why) in [
        ("", "empty"),
        ("Acme\x1b[31m CA", "control character"),
        ("Acme\nCA", "control character"),
        (" Acme", "whitespace"),
    ] {
        let e = fails(d, &["pki", "init", "--name", name]);
        assert!(e.contains(why), "{name:?}: {e}");
    }
    // 52 characters + " Intermediate" is 65: too long for the intermediate's CN.
    let e = fails(d, &["pki", "init", "--name", &"A".repeat(52)]);
    assert!(e.contains("64") && e.contains("Intermediate"), "{e}");
    assert!(!d.join("pki/ca.crt").exists());
    ok(d, &["pki", "init", "--name", &"A".repeat(51)]);
    ok(
        d,
        &[
            "pki",
            "init",
            "--dir",
            "solo",
            "--no-intermediate",
            "--name",
            &"B".repeat(64),
        ],
    );
}

// 3 and 4. Symlinks, modes and the lock around the PKI.

#[test]
fn a_symlinked_lock_is_refused_and_its_target_never_created() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    assert_eq!(crate::common::mode(&d.join("pki/.lock")), 0o600);
    fs::remove_file(d.join("pki/.lock")).unwrap();
    std::os::unix::fs::symlink(d.join("victim"), d.join("pki/.lock")).unwrap();
    let e = fails(d, "pki client c1");
    assert!(e.contains(".lock") && e.contains("symbolic link"), "{e}");
    assert!(!d.join("victim").exists());
}

#[test]
fn keys_go_only_into_a_private_directory_of_our_own() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    let elsewhere = d.join("open");
    fs::create_dir(&elsewhere).unwrap();
    chmod(&elsewhere, 0o777);
    fs::remove_dir(d.join("pki/private")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, d.join("pki/private")).unwrap();
    let e = fails(d, "pki client c1");
    assert!(e.contains("private") && e.contains("symbolic link"), "{e}");
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);

    fs::remove_file(d.join("pki/private")).unwrap();
    fs::create_dir(d.join("pki/private")).unwrap();
    chmod(&d.join("pki/private"), 0o777);
    let e = fails(d, "pki client c1");
    assert!(
        e.contains("writable by everyone") && e.contains("chmod 700"),
        "{e}"
    );
    chmod(&d.join("pki/private"), 0o700);
    ok(d, "pki client c1");
}

#[test]
fn keys_and_passphrase_files_others_can_read_are_reported() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write_secret(&d.join("pass"), "correct horse\n");
    ok(d, "pki init --passphrase-file pass");
    chmod(&d.join("pass"), 0o644);
    chmod(&d.join("pki/ca.key"), 0o644);
    chmod(&d.join("pki/intermediate.key"), 0o640);
    let out = ok(d, "pki client c1 --passphrase-file pass");
    let warn = stderr(&out);
    assert!(
        warn.contains("warning: passphrase file pass is readable by others"),
        "{warn}"
    );
    assert!(
        warn.contains("pki/ca.key is readable by everyone (mode 0644)"),
        "{warn}"
    );
    assert!(
        warn.contains("pki/intermediate.key is readable by its group"),
        "{warn}"
    );
    chmod(&d.join("pki/private/c1.key"), 0o604);
    let out = mqauth()
        .current_dir(d)
        .args(["inspect", "--pki", "pki"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = stderr(&out);
    for file in ["ca.key", "intermediate.key", "private/c1.key"] {
        assert!(text.contains(&format!("pki/{file} is readable")), "{text}");
    }
}

#[test]
fn a_held_lock_is_announced_and_given_up_on() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    let holder = fs::OpenOptions::new()
        .write(true)
        .open(d.join("pki/.lock"))
        .unwrap();
    holder.lock().unwrap();
    let started = Instant::now();
    let out = run_within(
        d,
        &["pki", "client", "c1", "--lock-timeout", "1s"],
        Duration::from_secs(20),
    );
    let waited = started.elapsed();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("waiting for pki/.lock held by another mqauth"),
        "{text}"
    );
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with("error: pki/.lock is held")),
        "{text}"
    );
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    drop(holder);
    ok(d, "pki client c1 --lock-timeout 1s");
    usage(d, "pki client c2 --lock-timeout soon");
}

// 8. Devices, FIFOs and oversized files as inputs.

#[test]
fn devices_and_fifos_as_inputs_fail_fast() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    fs::write(d.join("fleet.yaml"), BASE_MANIFEST).unwrap();
    let fifo = d.join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for input in ["/dev/zero", fifo.to_str().unwrap()] {
        for args in [
            vec!["inspect", input],
            vec!["verify", "--ca", input, "pki/ca.crt"],
            vec!["verify", "--ca", "pki/ca.crt", input],
            vec!["inspect", "pki/ca.crt", "--crl", input],
            vec!["pki", "sign", "--csr", input],
            vec!["psk", "check", input],
            vec!["psk", "rotate", "--file", input, "--all"],
            vec!["fleet", "plan", "-m", input],
            vec!["pki", "client", "c1", "--passphrase-file", input],
        ] {
            let out = run_within(d, &args, Duration::from_secs(10));
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
            assert!(
                matches!(out.status.code(), Some(1) | Some(4)),
                "{args:?}: {text}"
            );
            assert!(text.lines().any(|l| l.contains(input)), "{args:?}: {text}");
        }
    }
    let e = fails(d, "inspect /dev/zero");
    assert!(e.contains("character device"), "{e}");
}

// 9. One limit, one message.

#[test]
fn batch_sizes_have_one_limit() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    for args in [
        &[
            "psk",
            "gen",
            "--count",
            "18446744073709551615",
            "--start",
            "0",
        ][..],
        &["psk", "gen", "--count", "1000001"],
        &["pki", "client", "--count", "1000001"],
        &["psk", "gen", "--count", "0"],
        &["pki", "client", "--count", "0"],
    ] {
        let e = usage(d, args);
        assert!(e.contains("1..=1000000"), "{args:?}: {e}");
    }
    let big = BASE_MANIFEST.replace(
        "  - { id: g1, group: g }\n",
        "  - { id: g1, group: g }\n  - { template: \"x{n}\", from: 1, to: 1000000, group: g }\n",
    );
    fs::write(d.join("fleet.yaml"), big).unwrap();
    let e = fails(d, "fleet plan");
    assert!(
        e.contains("fleet.yaml:10:") && e.contains("1000000 devices"),
        "{e}"
    );
}

#[test]
fn a_manifest_of_many_explicit_devices_loads() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let mut text = String::from(BASE_MANIFEST);
    for i in 0..60_000 {
        text.push_str(&format!("  - {{ id: p{i}, group: g }}\n"));
    }
    fs::write(d.join("fleet.yaml"), text).unwrap();
    let out = ok(d, "fleet plan --json");
    let steps: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let psk = steps
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "psk")
        .count();
    assert_eq!(psk, 60_001);
}

// 10. Certificate names fit a CN; PSK identities may be longer.

#[test]
fn certificate_names_fit_x520_and_pkilint() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    let e = fails(d, &["pki", "client", &"n".repeat(65)]);
    assert!(e.contains("64") && e.contains("X.520"), "{e}");
    let mut long = BASE_MANIFEST.replace(
        "{ id: s1, group: s }",
        "{ id: s1, group: s }\n  - { id: LONG, group: s }",
    );
    long = long.replace("LONG", &"m".repeat(65));
    fs::write(d.join("fleet.yaml"), &long).unwrap();
    let e = fails(d, "fleet plan");
    assert!(e.contains("fleet.yaml:9:") && e.contains("X.520"), "{e}");
    // PSK identities keep their own, longer limit.
    ok(d, &["psk", "gen", &"p".repeat(100)]);
    ok(d, &["pki", "client", &"n".repeat(64)]);
    if available("lint_pkix_cert") {
        let cert = d.join(format!("pki/issued/{}.crt", "n".repeat(64)));
        let out = Command::new("lint_pkix_cert")
            .args(["lint", "-s", "WARNING"])
            .arg(&cert)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(
            !report.contains("FATAL") && !report.contains("ERROR"),
            "{report}"
        );
    }
}

// 11. Passphrase files as OpenSSL reads them.

#[test]
fn a_windows_line_ending_in_the_passphrase_file_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    write_secret(&d.join("pass"), "s3cret\r\n");
    let e = fails(d, "pki init --passphrase-file pass");
    assert!(e.contains("\\r") && e.contains("OpenSSL"), "{e}");
    assert!(!d.join("pki/ca.key").exists());
}

// 12. PSK files behind symbolic links.

#[test]
fn psk_changes_follow_a_symlink_to_the_real_file() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    fs::create_dir(d.join("real")).unwrap();
    ok(d, "psk gen a1 a2 --out real/psk.txt");
    std::os::unix::fs::symlink("real/psk.txt", d.join("link.txt")).unwrap();
    ok(d, "psk gen a3 --out link.txt --append");
    ok(d, "psk rotate --file link.txt a1");
    ok(d, "psk revoke --file link.txt a2");
    assert!(
        fs::symlink_metadata(d.join("link.txt"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let real = fs::read_to_string(d.join("real/psk.txt")).unwrap();
    let ids: Vec<&str> = real.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(ids, vec!["a1", "a3"]);
    assert_eq!(crate::common::mode(&d.join("real/psk.txt")), 0o600);
}

// 13. Parsers as strict as OpenSSL's.

#[test]
fn a_corrupted_signature_algorithm_tag_is_refused_like_openssl_does() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let csr = fixtures.join("csr-sigalg-not-constructed.der");
    let sign = format!("pki sign --csr {}", csr.display());
    // Refused as a CSR before and after there is a CA to sign with.
    let e = fails(d, sign.as_str());
    assert!(e.contains("not constructed"), "{e}");
    ok(d, "pki init");
    let e = fails(d, sign.as_str());
    assert!(e.contains("not constructed"), "{e}");
    let e = fails(
        d,
        &[
            "inspect",
            fixtures
                .join("cert-sigalg-not-constructed.der")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(e.contains("not constructed"), "{e}");

    // A certificate of this PKI, corrupted the same way, must not verify.
    ok(d, "pki client c1");
    let pem = fs::read(d.join("pki/issued/c1.crt")).unwrap();
    let mut der = pem::parse(&pem).unwrap().into_contents();
    let tbs_len = usize::from(der[6]) << 8 | usize::from(der[7]);
    let outer_alg = 4 + 4 + tbs_len;
    assert_eq!(der[outer_alg], 0x30);
    der[outer_alg] = 0x10;
    fs::write(d.join("bad.der"), &der).unwrap();
    let out = mqauth()
        .current_dir(d)
        .args([
            "verify",
            "--ca",
            "pki/ca.crt",
            "--untrusted",
            "pki/intermediate.crt",
            "bad.der",
        ])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    if available("openssl") {
        let (verified, text) =
            crate::common::openssl_verify(&d.join("pki"), "sslclient", &d.join("bad.der"), &[]);
        assert!(!verified, "{text}");
    }
}

/// The offset of the OID tag of the outer signature algorithm of a signed DER structure.
fn outer_algorithm_oid(der: &[u8]) -> usize {
    let header = |at: usize| -> (usize, usize) {
        let first = usize::from(der[at + 1]);
        if first < 0x80 {
            return (2, first);
        }
        let n = first & 0x7f;
        let len = der[at + 2..at + 2 + n]
            .iter()
            .fold(0, |acc, b| acc << 8 | usize::from(*b));
        (2 + n, len)
    };
    let (outer, _) = header(0);
    let (tbs_header, tbs_len) = header(outer);
    let algorithm = outer + tbs_header + tbs_len;
    assert_eq!(der[algorithm], 0x30);
    let oid = algorithm + header(algorithm).0;
    assert_eq!(der[oid], 0x06);
    oid
}

#[test]
fn a_damaged_outer_signature_algorithm_oid_is_refused_like_openssl_does() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "-q pki init");
    ok(d, "-q pki client c1");
    ok(d, "-q pki crl");
    let damage = |der: &mut Vec<u8>| {
        let at = outer_algorithm_oid(der);
        der[at] = 0x84;
    };

    // A certificate: verify must not call it valid.
    let pem = fs::read(d.join("pki/issued/c1.crt")).unwrap();
    let mut der = pem::parse(&pem).unwrap().into_contents();
    damage(&mut der);
    fs::write(d.join("bad.der"), &der).unwrap();
    let out = run(
        d,
        "verify --ca pki/ca.crt --untrusted pki/intermediate.crt bad.der",
    );
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    if available("openssl") {
        let (verified, text) =
            crate::common::openssl_verify(&d.join("pki"), "sslclient", &d.join("bad.der"), &[]);
        assert!(!verified, "{text}");
    }

    // A CRL: refused, not read as one listing nothing.
    let pem = fs::read(d.join("pki/crl.pem")).unwrap();
    let mut der = pem::parse(&pem).unwrap().into_contents();
    damage(&mut der);
    fs::write(d.join("bad-crl.der"), &der).unwrap();
    let out = run(
        d,
        "verify --ca pki/ca.crt --untrusted pki/intermediate.crt --crl bad-crl.der pki/issued/c1.crt",
    );
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("signature algorithm"),
        "{}",
        stderr(&out)
    );

    // A CSR: never signed.
    if available("openssl") {
        let made = Command::new("openssl")
            .current_dir(d)
            .args([
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "csr.key",
                "-subj",
                "/CN=c3",
                "-outform",
                "DER",
                "-out",
                "good.csr",
            ])
            .output()
            .unwrap();
        assert!(made.status.success(), "{}", stderr(&made));
        let mut der = fs::read(d.join("good.csr")).unwrap();
        damage(&mut der);
        fs::write(d.join("bad.csr"), &der).unwrap();
        let e = fails(d, "pki sign --csr bad.csr");
        assert!(e.contains("signature algorithm"), "{e}");
        assert!(!d.join("pki/issued/c3.crt").exists());
        ok(d, "-q pki sign --csr good.csr");
    }
}

// 14. Exit codes and messages.

#[test]
fn lifetimes_are_usage_errors_with_their_limits_named() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    for args in [
        &["pki", "client", "c1", "--days", "0"][..],
        &["pki", "init", "--dir", "x", "--days", "0h"],
        &["pki", "crl", "--days", "0"],
        &["pki", "revoke", "c1", "--crl-days", "0"],
    ] {
        let e = usage(d, args);
        assert!(e.contains("at least 1 hour"), "{args:?}: {e}");
    }
    let e = usage(d, "pki client c1 --days 999999999");
    assert!(e.contains("longer than 1000 years"), "{e}");
}

#[test]
fn a_full_disk_names_the_file_that_could_not_be_written() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // A file size limit makes writes fail as a full disk does (EFBIG instead of ENOSPC).
    let bin = assert_cmd::cargo::cargo_bin("mqauth");
    let out = Command::new("sh")
        .current_dir(d)
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 8; exec {} psk gen --count 10000 --out keys.txt",
            bin.display()
        ))
        .output()
        .unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("keys.txt"), "{text}");
    assert!(!d.join("keys.txt").exists());
    assert_eq!(fs::read_dir(d).unwrap().count(), 0, "no temporaries left");
}

#[test]
fn unsupported_csr_keys_are_named_as_such() {
    requires!("openssl");
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    for (args, what) in [
        (&["-newkey", "rsa:1024"][..], "RSA 1024"),
        (
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
            "1.3.132.0.10",
        ),
    ] {
        let status = Command::new(crate::common::tool_path("openssl"))
            .current_dir(d)
            .args([
                "req", "-new", "-nodes", "-keyout", "k.pem", "-subj", "/CN=x",
            ])
            .args(args)
            .args(["-out", "x.csr"])
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let e = fails(d, "pki sign --csr x.csr");
        assert!(e.contains("unsupported key") && e.contains(what), "{e}");
    }
}

// 15. The fleet directory is the manifest's.

#[test]
fn apply_from_another_folder_uses_the_manifests_directory() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    fs::write(d.join("fleet.yaml"), BASE_MANIFEST).unwrap();
    fs::create_dir(d.join("elsewhere")).unwrap();
    let out = ok(
        &d.join("elsewhere"),
        &["fleet", "apply", "-m", "../fleet.yaml"],
    );
    assert!(d.join("pki/ca.crt").exists());
    assert_eq!(fs::read_dir(d.join("elsewhere")).unwrap().count(), 0);
    let canonical = d.canonicalize().unwrap();
    assert!(
        stderr(&out).contains(&format!("fleet directory {}", canonical.display()))
            || stderr(&out).contains(&format!("fleet directory {}", d.display())),
        "{}",
        stderr(&out)
    );
    let out = ok(
        &d.join("elsewhere"),
        &["fleet", "apply", "-m", "../fleet.yaml"],
    );
    assert!(stderr(&out).contains("nothing to do"), "{}", stderr(&out));
}

// 17 and 18. Renewal twice, lifetimes cut by the CA.

#[test]
fn renewing_a_name_twice_renews_once() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki client c1 --days 10d");
    ok(d, "pki renew c1 --days 30d");
    let out = ok(d, "pki renew c1 --days 30d");
    assert!(
        stderr(&out).contains("nothing to renew"),
        "{}",
        stderr(&out)
    );
    let index: serde_json::Value = crate::common::records(&d.join("pki"));
    let c1: Vec<&serde_json::Value> = index["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == "c1")
        .collect();
    assert_eq!(c1.len(), 2, "{c1:?}");
}

#[test]
fn a_lifetime_cut_by_the_issuing_ca_is_announced() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    let out = ok(d, "pki client c1 --days 20000");
    let text = stderr(&out);
    assert!(
        text.contains("warning: valid only until") && text.contains("issuing CA expires"),
        "{text}"
    );
    let out = ok(d, "pki client c2 --days 365");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}
