//! The device-stack rules of `--stack`, each shown with the real library: what mqauth warns
//! about fails in mbedTLS 2.28 or wolfSSL 5.5 exactly as the warning says, and what the rendered
//! broker configuration does about wolfSSL's TLS 1.3 PSK makes it connect.

use crate::common::{Broker, c_header_installed, compile_device, fails, free_port, ok, requires};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const MBEDTLS: [&str; 3] = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"];

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exports `args` as a header into `d/name/` and builds `source` with it.
fn firmware(d: &Path, name: &str, args: &str, source: &str, libs: &[&str]) -> (PathBuf, String) {
    let dir = d.join(name);
    fs::create_dir_all(&dir).unwrap();
    let out = ok(
        d,
        format!("export {args} --format c-header --out {name}/credentials.h"),
    );
    (compile_device(&dir, source, &dir, libs), stderr(&out))
}

fn run(program: &Path) -> (bool, String) {
    let out = Command::new(program).output().expect("run device");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn mbedtls2_rules_hold_for_the_real_library() {
    requires!("mosquitto", "cc");
    if !c_header_installed("mbedtls/ssl.h") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, "-q pki init");

    // Ed25519: warned about, and the library cannot parse it.
    let out = ok(d, "pki client ed1 --key ed25519 --stack mbedtls2");
    assert!(
        stderr(&out).contains("cannot parse Ed25519"),
        "{}",
        stderr(&out)
    );
    assert!(
        fails(d, "pki client ed2 --key ed25519 --stack mbedtls2 --strict")
            .contains("refused: --strict")
    );
    assert!(
        !d.join("pki/issued/ed2.crt").exists(),
        "--strict issues nothing"
    );
    assert!(!stderr(&ok(d, "pki client ed3 --key ed25519 --stack openssl")).contains("warning"));
    let (program, said) = firmware(
        d,
        "ed",
        "ed1 --host localhost --port 1 --stack mbedtls2",
        "mbedtls_device.c",
        &MBEDTLS,
    );
    assert!(said.contains("cannot parse Ed25519"), "{said}");
    let (good, out) = run(&program);
    assert!(
        !good && (out.contains("parse certificate failed") || out.contains("parse key failed")),
        "{out}"
    );

    // A broker with only an IP SAN: warned about, refused with --strict, and the library
    // fails the handshake when the device dials the address.
    let out = ok(d, "pki broker byip --ip 127.0.0.1 --stack mbedtls2");
    assert!(
        stderr(&out).contains("does not match IP-address SANs"),
        "{}",
        stderr(&out)
    );
    assert!(
        fails(
            d,
            "pki broker byip2 --ip 127.0.0.1 --stack mbedtls2 --strict"
        )
        .contains("refused")
    );
    ok(d, "-q pki client dev1");
    let port = free_port();
    let snippet = ok(
        d,
        format!("broker snippet --broker byip --listen 127.0.0.1 --mtls-port {port}"),
    );
    let broker = Broker::start(d, &String::from_utf8_lossy(&snippet.stdout), &[port]);
    let (program, said) = firmware(
        d,
        "ip",
        &format!("dev1 --broker byip --port {port} --stack mbedtls2"),
        "mbedtls_device.c",
        &MBEDTLS,
    );
    assert!(said.contains("IP-address SANs"), "{said}");
    let (good, out) = run(&program);
    assert!(!good && out.contains("handshake failed"), "{out}");
    drop(broker);

    // The same device and broker with a DNS name it dials: it connects (the control).
    ok(d, "-q pki broker byname --dns localhost");
    let snippet = ok(
        d,
        format!("broker snippet --broker byname --listen 127.0.0.1 --mtls-port {port}"),
    );
    let _broker = Broker::start(d, &String::from_utf8_lossy(&snippet.stdout), &[port]);
    let (program, said) = firmware(
        d,
        "dns",
        &format!("dev1 --broker byname --port {port} --stack mbedtls2"),
        "mbedtls_device.c",
        &MBEDTLS,
    );
    assert!(!said.contains("warning"), "{said}");
    let (good, out) = run(&program);
    assert!(good && out.contains("connack 0"), "{out}");

    // A 48-byte PSK: warned about, and the library refuses the key.
    let out = ok(d, "psk gen long --bytes 48 --out long.psk --stack mbedtls2");
    assert!(
        stderr(&out).contains("MBEDTLS_PSK_MAX_LEN"),
        "{}",
        stderr(&out)
    );
    let (program, _) = firmware(
        d,
        "psk48",
        "long --psk-file long.psk --broker byname --port 1",
        "mbedtls_device.c",
        &MBEDTLS,
    );
    let (good, out) = run(&program);
    assert!(!good && out.contains("psk failed: -0x7100"), "{out}");
}

#[test]
fn wolfssl_tls13_psk_needs_the_cipher_order_mqauth_renders() {
    requires!("mosquitto", "cc");
    if !c_header_installed("wolfssl/ssl.h") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, "-q pki init");
    ok(d, "-q pki broker broker1 --dns localhost");
    let out = ok(d, "psk gen gw1 --out psk.txt --stack wolfssl");
    assert!(String::from_utf8_lossy(&out.stderr).contains("TLS_AES_128_GCM_SHA256"));
    let (mtls, psk) = (free_port(), free_port());
    let snippet = String::from_utf8_lossy(
        &ok(d, format!("broker snippet --broker broker1 --listen 127.0.0.1 --mtls-port {mtls} --psk-file psk.txt --psk-port {psk}")).stdout,
    )
    .into_owned();
    assert!(
        snippet.contains("ciphers_tls1.3 TLS_AES_128_GCM_SHA256:"),
        "{snippet}"
    );
    let (program, _) = firmware(
        d,
        "wolf",
        &format!("gw1 --psk-file psk.txt --port {psk}"),
        "wolfssl_psk.c",
        &["-lwolfssl"],
    );
    let broker = Broker::start(d, &snippet, &[mtls, psk]);
    let (good, out) = run(&program);
    assert!(
        good && out.contains("TLS13-AES128-GCM-SHA256") && out.contains("connack 0"),
        "{out}"
    );
    drop(broker);
    // Without that line OpenSSL picks ChaCha20 for the PSK and wolfSSL fails (-333).
    let plain: String = snippet
        .lines()
        .filter(|l| !l.starts_with("ciphers_tls1.3"))
        .map(|l| format!("{l}\n"))
        .collect();
    let dir2 = d.join("plain");
    fs::create_dir(&dir2).unwrap();
    let _broker = Broker::start(&dir2, &plain, &[mtls, psk]);
    let (good, out) = run(&program);
    assert!(!good && out.contains("handshake failed"), "{out}");
}

#[test]
fn a_device_without_a_clock_needs_a_certificate_that_outlives_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, "-q pki init");
    let out = ok(d, "pki client c1 --clock none --days 30d");
    assert!(
        stderr(&out).contains("30 days, less than the 3650 days"),
        "{}",
        stderr(&out)
    );
    assert!(fails(d, "pki client c2 --clock none --days 30d --strict").contains("refused"));
    let out = ok(
        d,
        "pki client c3 --clock none --service-life 1000d --days 1500d",
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let out = ok(
        d,
        "pki client c4 --clock none --service-life 90d --days 100d",
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}
