//! mqauth certificates in a real Mosquitto mTLS listener.

use crate::common::{Broker, Tls, free_port, ok, publish, requires, round_trip};
use std::path::Path;
use std::time::Duration;

fn mtls_config(pki: &Path, port: u16, acl: &Path) -> String {
    format!(
        "per_listener_settings true\n\
         listener {port} 127.0.0.1\n\
         cafile {pki}/chain.pem\n\
         certfile {pki}/issued/broker1.fullchain.pem\n\
         keyfile {pki}/private/broker1.key\n\
         require_certificate true\n\
         use_identity_as_username true\n\
         tls_version tlsv1.2\n\
         allow_anonymous false\n\
         acl_file {acl}\n",
        pki = pki.display(),
        acl = acl.display()
    )
}

fn device(pki: &Path, name: &str) -> Tls {
    Tls::cert(
        &pki.join("ca.crt"),
        &pki.join(format!("issued/{name}.crt")),
        &pki.join(format!("private/{name}.key")),
    )
}

fn mtls_round_trip(key: &str) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, &["pki", "init", "--key", key]);
    ok(
        dir,
        "pki broker broker1 --dns mqtt.acme.example --ip 127.0.0.1",
    );
    ok(dir, "pki client dev-1 dev-2");
    // The same name, from a CA the broker does not trust.
    ok(dir, "pki init --dir other");
    ok(dir, "pki client --dir other dev-1");

    let pki = dir.join("pki");
    // The ACL keys on the username, so a delivered message also proves that the certificate's
    // CN became the username.
    let acl = dir.join("acl");
    std::fs::write(&acl, "pattern readwrite devices/%u/#\n").unwrap();
    let port = free_port();
    let broker = Broker::start(dir, &mtls_config(&pki, port, &acl), &[port]);

    let dev1 = device(&pki, "dev-1");
    let got = round_trip(
        port,
        &dev1,
        "devices/dev-1/#",
        &dev1,
        "devices/dev-1/telemetry",
        "hello",
        Duration::from_secs(5),
    );
    assert_eq!(
        got.as_deref(),
        Some("hello"),
        "{key}: {}",
        broker.log_text()
    );

    // dev-2 cannot publish into dev-1's topics: the message never arrives.
    let dev2 = device(&pki, "dev-2");
    let got = round_trip(
        port,
        &dev1,
        "devices/dev-1/#",
        &dev2,
        "devices/dev-1/telemetry",
        "forged",
        Duration::from_secs(2),
    );
    assert_eq!(got, None, "{key}: dev-2 wrote into dev-1's topics");

    // No client certificate: the TLS handshake is refused.
    let out = publish(
        port,
        &Tls::ca_only(&pki.join("ca.crt")),
        "devices/x/y",
        "anon",
    );
    assert!(
        !out.status.success(),
        "{key}: a client without a certificate got in"
    );

    // A certificate for "dev-1" from another CA: refused.
    let other = dir.join("other");
    let impostor = Tls::cert(
        &pki.join("ca.crt"),
        &other.join("issued/dev-1.crt"),
        &other.join("private/dev-1.key"),
    );
    let out = publish(port, &impostor, "devices/dev-1/telemetry", "impostor");
    assert!(
        !out.status.success(),
        "{key}: a certificate from another CA got in"
    );
    // The broker writes its log on its own schedule: give it a moment under load.
    let refused =
        |log: &str| log.contains("certificate verify failed") || log.contains("unknown ca");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !refused(&broker.log_text()) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = broker.log_text();
    assert!(refused(&log), "{log}");
}

#[test]
fn mtls_with_a_real_broker_p256() {
    requires!("mosquitto");
    mtls_round_trip("p256");
}

#[test]
fn mtls_with_a_real_broker_rsa2048() {
    requires!("mosquitto");
    mtls_round_trip("rsa2048");
}

#[test]
fn mtls_with_a_real_broker_ed25519() {
    requires!("mosquitto");
    mtls_round_trip("ed25519");
}

#[test]
fn csr_signed_certificate_connects() {
    requires!("mosquitto", "openssl");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init");
    ok(dir, "pki broker broker1 --ip 127.0.0.1");
    let out = crate::common::run_tool(
        "openssl",
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-keyout",
            "se.key",
            "-subj",
            "/CN=secure-1",
            "-out",
            "se.csr",
        ],
        dir,
    );
    assert!(out.status.success());
    ok(dir, "pki sign --csr se.csr");
    let pki = dir.join("pki");
    let acl = dir.join("acl");
    std::fs::write(&acl, "pattern readwrite devices/%u/#\n").unwrap();
    let port = free_port();
    let broker = Broker::start(dir, &mtls_config(&pki, port, &acl), &[port]);
    let se = Tls::cert(
        &pki.join("ca.crt"),
        &pki.join("issued/secure-1.crt"),
        &dir.join("se.key"),
    );
    let got = round_trip(
        port,
        &se,
        "devices/secure-1/#",
        &se,
        "devices/secure-1/t",
        "from-se",
        Duration::from_secs(5),
    );
    assert_eq!(got.as_deref(), Some("from-se"), "{}", broker.log_text());
}

fn crl_config(pki: &Path, port: u16, acl: &Path) -> String {
    format!(
        "{}crlfile {}/crl.pem\n",
        mtls_config(pki, port, acl),
        pki.display()
    )
}

fn wait_for_log(broker: &Broker, needle: &str, times: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while broker.log_text().matches(needle).count() < times {
        assert!(
            std::time::Instant::now() < deadline,
            "no {needle:?} in log: {}",
            broker.log_text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn crl_is_enforced_after_sighup_and_renewed_certificates_connect() {
    requires!("mosquitto");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "pki init");
    ok(dir, "pki broker broker1 --ip 127.0.0.1");
    ok(dir, "pki client dev-1 dev-2 dev-3");
    ok(dir, "pki crl");
    let pki = dir.join("pki");
    let acl = dir.join("acl");
    std::fs::write(&acl, "pattern readwrite devices/%u/#\n").unwrap();
    let port = free_port();
    let conf = crl_config(&pki, port, &acl);
    let broker = Broker::start(dir, &conf, &[port]);
    let flows = |name: &str| {
        let tls = device(&pki, name);
        let topic = format!("devices/{name}/t");
        round_trip(
            port,
            &tls,
            &topic,
            &tls,
            &topic,
            name,
            Duration::from_secs(5),
        )
        .is_some()
    };
    assert!(flows("dev-1") && flows("dev-2"), "{}", broker.log_text());

    ok(dir, "pki revoke dev-1 --reason keyCompromise");
    // Until it reloads, the broker still holds the CRL it read at start.
    assert!(
        publish(port, &device(&pki, "dev-1"), "devices/dev-1/t", "stale")
            .status
            .success()
    );
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &broker.pid().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    wait_for_log(&broker, "Reloading config", 1);
    let out = publish(port, &device(&pki, "dev-1"), "devices/dev-1/t", "revoked");
    assert!(
        !out.status.success(),
        "revoked dev-1 still admitted after SIGHUP"
    );
    assert!(
        flows("dev-2"),
        "dev-2 refused after reload: {}",
        broker.log_text()
    );

    // Renewed certificates connect: dev-2 with its key, dev-3 with a new one.
    ok(dir, "pki renew dev-2");
    ok(dir, "pki renew dev-3 --rekey");
    assert!(flows("dev-2") && flows("dev-3"), "{}", broker.log_text());
    drop(broker);

    // After a restart the revocation still holds.
    let broker = Broker::start(dir, &conf, &[port]);
    assert!(
        !publish(port, &device(&pki, "dev-1"), "devices/dev-1/t", "x")
            .status
            .success()
    );
    assert!(flows("dev-3"), "{}", broker.log_text());
}

#[test]
fn a_fresh_pki_s_broker_snippet_enforces_the_first_revocation_on_reload() {
    requires!("mosquitto");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "-q pki init");
    let pki = dir.join("pki");
    assert!(pki.join("crl.pem").exists(), "pki init signs an empty CRL");
    ok(dir, "-q pki broker broker1 --ip 127.0.0.1");
    ok(dir, "-q pki client dev-a dev-b");
    let port = free_port();
    let snippet = ok(
        dir,
        format!("broker snippet --broker broker1 --listen 127.0.0.1 --mtls-port {port}"),
    );
    let snippet = String::from_utf8_lossy(&snippet.stdout).into_owned();
    assert!(
        snippet.contains(&format!("crlfile {}", pki.join("crl.pem").display())),
        "{snippet}"
    );
    let broker = Broker::start(dir, &snippet, &[port]);
    let connects = |name: &str| {
        publish(port, &device(&pki, name), "t/1", name)
            .status
            .success()
    };
    assert!(
        connects("dev-a") && connects("dev-b"),
        "{}",
        broker.log_text()
    );

    ok(dir, "-q pki revoke dev-b");
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &broker.pid().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    wait_for_log(&broker, "Reloading config", 1);
    assert!(!connects("dev-b"), "revoked dev-b admitted after SIGHUP");
    assert!(connects("dev-a"), "{}", broker.log_text());
}
