//! `enroll device`, the reference device, against a real Mosquitto and a real `enroll serve`:
//! enrollment over TLS-PSK, renewal over mutual TLS, a wrong PSK, a rejection, silence, and
//! the key it writes (0600, never overwritten without --force).

use crate::common::*;
use crate::enroll_fixture::{Rig, Service};
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

const ACL: &str = "pattern write mqauth/enroll/%u/csr\n\
pattern write mqauth/enroll/%u/renew\n\
pattern read mqauth/enroll/%u/result\n\
pattern readwrite devices/%u/#\n\
user enroll-service\n\
topic read mqauth/enroll/+/csr\n\
topic read mqauth/enroll/+/renew\n\
topic write mqauth/enroll/+/result\n";

/// A PKI made by flags, bootstrap PSKs for `devices`, and Mosquitto with a PSK listener
/// (enrollment) and an mTLS one (the service, renewals), persistent so that a service's
/// session outlives the service.
fn rig(devices: &[&str]) -> Rig {
    let mut rig = Rig::new();
    let d = rig.path().to_path_buf();
    ok(&d, "-q pki init");
    ok(&d, "-q pki broker broker1 --ip 127.0.0.1");
    ok(&d, "-q pki client enroll-service");
    let mut psk_gen = vec!["-q", "psk", "gen", "--out", "bootstrap.psk"];
    psk_gen.extend(devices);
    ok(&d, psk_gen);
    fs::write(d.join("acl"), ACL).expect("acl");
    let d = d.display();
    let config = format!(
        "persistence true\npersistence_location {d}/\nacl_file {d}/acl\nmax_packet_size 65536\n\
         listener {} 127.0.0.1\npsk_hint mqauth\npsk_file {d}/bootstrap.psk\nuse_identity_as_username true\n\
         listener {} 127.0.0.1\ncafile {d}/pki/chain.pem\ncertfile {d}/pki/issued/broker1.fullchain.pem\n\
         keyfile {d}/pki/private/broker1.key\nrequire_certificate true\nuse_identity_as_username true\n",
        rig.psk_port, rig.tls_port
    );
    rig.start_broker(&config);
    rig
}

fn serve(rig: &Rig, extra: &[&str]) -> Service {
    rig.serve_flags(extra)
}

/// `enroll device ID` over the PSK listener with the bootstrap psk_file, and `extra`.
fn enroll_psk(rig: &Rig, id: &str, extra: &str) -> String {
    format!(
        "enroll device {id} --broker 127.0.0.1:{} --psk-file bootstrap.psk --cafile pki/ca.crt {extra}",
        rig.psk_port
    )
}

/// `enroll device ID` over the mTLS listener with `cert` and `key`, and `extra`.
fn renew(rig: &Rig, id: &str, cert: &str, key: &str, extra: &str) -> String {
    format!(
        "enroll device {id} --broker 127.0.0.1:{} --cert {cert} --key {key} --cafile pki/ca.crt {extra}",
        rig.tls_port
    )
}

/// The one-line summary's `serial` and `new=`.
fn summary(out: &std::process::Output) -> (String, String) {
    let text = String::from_utf8_lossy(&out.stderr);
    let line = text.lines().next().unwrap_or_default().to_string();
    let word_after = |key: &str| {
        line.split_whitespace()
            .skip_while(|w| *w != key)
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    let new = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("new="))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("renew_after"), "{line}");
    (word_after("serial"), new)
}

#[test]
fn reference_device_enrolls_over_psk_then_renews_over_mtls() {
    requires!("mosquitto", "mosquitto_pub", "openssl");
    let rig = rig(&["dev1"]);
    let d = rig.path();
    let _service = serve(&rig, &[]);

    fs::create_dir(d.join("dev")).expect("mkdir");
    let out = ok(d, enroll_psk(&rig, "dev1", "--out dev"));
    let (first, new) = summary(&out);
    assert_eq!(new, "true");
    assert_eq!(mode(&d.join("dev/dev1.key")), 0o600);
    // ID.crt is the full chain: the certificate, then the intermediate.
    let crt = fs::read_to_string(d.join("dev/dev1.crt")).expect("crt");
    assert_eq!(crt.matches("BEGIN CERTIFICATE").count(), 2, "{crt}");
    ok(d, "verify --pki pki dev/dev1.crt");
    let listed = String::from_utf8_lossy(&ok(d, "pki list dev1").stdout).into_owned();
    assert!(listed.contains(&first), "{listed}");
    // What it wrote works on the mTLS listener.
    let tls = Tls::cert(
        &d.join("pki/ca.crt"),
        &d.join("dev/dev1.crt"),
        &d.join("dev/dev1.key"),
    );
    let published = publish(rig.tls_port, &tls, "devices/dev1/state", "online");
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );

    // Renewal over mTLS with what it wrote, into another directory; --renew is implied.
    fs::create_dir(d.join("next")).expect("mkdir");
    let out = ok(
        d,
        renew(&rig, "dev1", "dev/dev1.crt", "dev/dev1.key", "--out next"),
    );
    let (second, new) = summary(&out);
    assert_eq!(new, "true");
    assert_ne!(first, second);
    assert_eq!(mode(&d.join("next/dev1.key")), 0o600);

    // Into the files in use: refused without --force, before anything is asked.
    let key_before = fs::read(d.join("dev/dev1.key")).expect("key");
    let error = fails(
        d,
        renew(
            &rig,
            "dev1",
            "dev/dev1.crt",
            "dev/dev1.key",
            "--renew --out dev",
        ),
    );
    assert!(error.contains("already exists"), "{error}");
    assert_eq!(fs::read(d.join("dev/dev1.key")).expect("key"), key_before);
    // With --force, replaced: a new key, still 0600.
    let out = ok(
        d,
        renew(
            &rig,
            "dev1",
            "next/dev1.crt",
            "next/dev1.key",
            "--renew --out dev --force --key-type p384",
        ),
    );
    let (third, _) = summary(&out);
    assert_ne!(third, second);
    assert_ne!(fs::read(d.join("dev/dev1.key")).expect("key"), key_before);
    assert_eq!(mode(&d.join("dev/dev1.key")), 0o600);
}

#[test]
fn reference_device_with_a_wrong_psk_fails_in_one_line() {
    requires!("mosquitto");
    let rig = rig(&["dev1"]);
    let d = rig.path();
    let store = fs::read_to_string(d.join("bootstrap.psk")).expect("psk");
    let key = store
        .lines()
        .find_map(|l| l.strip_prefix("dev1:"))
        .expect("dev1's key");
    let wrong: String = key
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    fs::write(d.join("wrong.psk"), format!("dev1:{wrong}\n")).expect("write");
    let error = fails(
        d,
        format!(
            "enroll device dev1 --broker 127.0.0.1:{} --psk-file wrong.psk --cafile pki/ca.crt",
            rig.psk_port
        ),
    );
    assert!(
        error.contains("TLS-PSK handshake failed as dev1"),
        "{error}"
    );
    assert!(!d.join("dev1.key").exists() && !d.join("dev1.crt").exists());
}

#[test]
fn reference_device_reports_a_rejection_with_its_code() {
    requires!("mosquitto");
    let rig = rig(&["dev1"]);
    let d = rig.path();
    let _service = serve(&rig, &["--key-type", "p384"]);
    let error = fails(d, enroll_psk(&rig, "dev1", "--key-type p256"));
    assert!(
        error.starts_with("error: rejected: key-not-allowed: "),
        "{error}"
    );
    assert!(!d.join("dev1.key").exists() && !d.join("dev1.crt").exists());
    // The key type it allows is granted.
    ok(d, enroll_psk(&rig, "dev1", "--key-type p384"));
}

#[test]
fn reference_device_reports_silence_within_its_timeout() {
    requires!("mosquitto");
    let rig = rig(&["dev1"]);
    let d = rig.path();
    // No service ever connected: Mosquitto says nobody subscribes, and the device says so.
    let error = fails(d, enroll_psk(&rig, "dev1", "--timeout 3s"));
    assert!(error.contains("no answer"), "{error}");
    assert!(error.contains("no enrollment service runs"), "{error}");

    // A service that died keeps its session: the broker takes the request, nobody answers.
    serve(&rig, &[]).kill9();
    let started = Instant::now();
    let error = fails(d, enroll_psk(&rig, "dev1", "--timeout 3s"));
    let took = started.elapsed();
    assert_eq!(
        error,
        "error: no answer on mqauth/enroll/dev1/result within 3 s: silence means the broker \
         denied the publish or no enrollment service runs"
    );
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(10),
        "{took:?}"
    );
    assert!(!d.join("dev1.key").exists());
}

#[test]
fn reference_device_flags_that_do_not_fit_are_usage_errors() {
    let t = tempfile::tempdir().expect("tempdir");
    let d: &Path = t.path();
    // --renew needs the certificate it renews with; a PSK only enrolls.
    usage(
        d,
        "enroll device dev1 --broker h:1 --psk-file p --renew --cafile ca",
    );
    usage(
        d,
        "enroll device dev1 --broker h:1 --psk-file p --cert c --key k --cafile ca",
    );
    usage(d, "enroll device dev1 --broker h:1 --cert c --cafile ca");
    usage(d, "enroll device dev1 --broker h:1 --cafile ca");
    usage(
        d,
        "enroll device dev1 --broker nowhere --psk-file p --cafile ca",
    );
    usage(
        d,
        "enroll device dev/1 --broker h:1 --psk-file p --cafile ca",
    );
    usage(
        d,
        "enroll device dev1 --broker h:1 --psk-file p --cafile ca --key-type ed25519",
    );
}
