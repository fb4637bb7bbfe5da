//! `enroll serve` as operators run it: `--metrics` (`/metrics` counts what devices did,
//! `/healthz` follows the broker, garbage HTTP changes nothing) against a real Mosquitto, and
//! the systemd unit `generate systemd-unit enroll` writes, checked by `systemd-analyze verify`.

use crate::common::*;
use crate::enroll_fixture::{PATIENCE, Rig, Service};
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

const ACL: &str = "pattern write mqauth/enroll/%u/csr\n\
pattern write mqauth/enroll/%u/renew\n\
pattern read mqauth/enroll/%u/result\n\
user enroll-service\n\
topic read mqauth/enroll/+/csr\n\
topic read mqauth/enroll/+/renew\n\
topic write mqauth/enroll/+/result\n";

/// How long a device waits for its answer.
const ANSWER: Duration = Duration::from_secs(15);

/// A PKI made by flags, bootstrap PSKs for `devices`, a Mosquitto with a PSK and an mTLS
/// listener, and a free port for the metrics.
fn rig(devices: &[&str]) -> (Rig, u16) {
    let mut rig = Rig::new();
    let d = rig.path();
    ok(d, "-q pki init");
    ok(d, "-q pki broker broker1 --ip 127.0.0.1");
    ok(d, "-q pki client enroll-service");
    let mut psk_gen = vec!["-q", "psk", "gen", "--out", "bootstrap.psk"];
    psk_gen.extend(devices);
    ok(d, psk_gen);
    fs::write(d.join("acl"), ACL).expect("acl");
    start_broker(&mut rig);
    let mut port = free_port();
    while port == rig.psk_port || port == rig.tls_port {
        port = free_port();
    }
    (rig, port)
}

fn start_broker(rig: &mut Rig) {
    let d = rig.path().display();
    let config = format!(
        "persistence true\npersistence_location {d}/\nacl_file {d}/acl\n\
         listener {} 127.0.0.1\npsk_hint mqauth\npsk_file {d}/bootstrap.psk\nuse_identity_as_username true\n\
         listener {} 127.0.0.1\ncafile {d}/pki/chain.pem\ncertfile {d}/pki/issued/broker1.fullchain.pem\n\
         keyfile {d}/pki/private/broker1.key\nrequire_certificate true\nuse_identity_as_username true\n",
        rig.psk_port, rig.tls_port
    );
    rig.start_broker(&config);
}

fn serve(rig: &Rig, metrics_port: u16) -> Service {
    rig.serve_flags(&["--metrics", &format!("127.0.0.1:{metrics_port}")])
}

/// Sends `request` as is and returns the status code and the body, or None when the
/// connection was closed (or reset) without an answer.
fn http_raw(port: u16, request: &[u8]) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the metrics");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // The server may answer and close before reading all of an oversized request.
    let _ = stream.write_all(request);
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

fn get(port: u16, path: &str) -> (u16, String) {
    http_raw(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n").as_bytes(),
    )
    .unwrap_or_else(|| panic!("no answer to GET {path}"))
}

/// The value of the sample written exactly `sample` (name and labels) in a Prometheus text
/// exposition; 0 when it is not there (a counter never touched).
fn sample(text: &str, sample: &str) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let (name, value) = l.rsplit_once(' ')?;
            (name == sample).then(|| value.parse().expect("a number"))
        })
        .unwrap_or(0.0)
}

/// Waits until `/metrics` satisfies `wanted`; returns the exposition.
fn wait_for_metrics(port: u16, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    let mut seen = String::new();
    wait_until(what, PATIENCE, || {
        let (status, body) = get(port, "/metrics");
        seen = body.clone();
        if status == 200 && wanted(&body) {
            Ok(())
        } else {
            Err(body)
        }
    });
    seen
}

fn wait_for_health(port: u16, status: u16) -> String {
    let mut seen = String::new();
    wait_until(&format!("/healthz says {status}"), PATIENCE, || {
        let (got, body) = get(port, "/healthz");
        seen = body.clone();
        if got == status { Ok(()) } else { Err(body) }
    });
    seen
}

#[test]
fn metrics_count_what_the_devices_did() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let (rig, port) = rig(&["dev1", "dev2"]);
    let _service = serve(&rig, port);

    for device in ["dev1", "dev2"] {
        let csr = rig.csr(device, device);
        let answer = rig
            .ask(
                &rig.psk("bootstrap.psk", device),
                device,
                &format!("{device}/csr"),
                &csr,
                ANSWER,
            )
            .expect("an answer");
        assert_eq!(answer["status"], "issued", "{answer}");
    }
    let garbage = rig.path().join("garbage");
    fs::write(&garbage, "not a CSR").expect("write");
    let answer = rig
        .ask(
            &rig.psk("bootstrap.psk", "dev1"),
            "dev1",
            "dev1/csr",
            &garbage,
            ANSWER,
        )
        .expect("an answer");
    assert_eq!(answer["code"], "not-a-csr", "{answer}");

    let text = wait_for_metrics(port, "three answers counted", |t| {
        sample(t, "mqauth_enroll_answer_duration_seconds_count") >= 3.0
    });
    let issued = "mqauth_enroll_requests_total{kind=\"enroll\",outcome=\"issued\"}";
    let rejected = "mqauth_enroll_requests_total{kind=\"enroll\",outcome=\"not-a-csr\"}";
    assert_eq!(sample(&text, issued), 2.0, "{text}");
    assert_eq!(sample(&text, rejected), 1.0, "{text}");
    let renewed = "mqauth_enroll_requests_total{kind=\"renew\",outcome=\"issued\"}";
    assert_eq!(sample(&text, renewed), 0.0, "{text}");
    assert_eq!(
        sample(&text, "mqauth_enroll_certificates_issued_total"),
        2.0
    );
    assert_eq!(
        sample(&text, "mqauth_enroll_answer_duration_seconds_count"),
        3.0
    );
    assert_eq!(
        sample(
            &text,
            "mqauth_enroll_answer_duration_seconds_bucket{le=\"+Inf\"}"
        ),
        3.0
    );
    // Each request arrived alone: three batches of one.
    assert_eq!(sample(&text, "mqauth_enroll_batch_size_sum"), 3.0, "{text}");
    assert_eq!(sample(&text, "mqauth_enroll_broker_connected"), 1.0);
    assert_eq!(sample(&text, "mqauth_enroll_broker_reconnects_total"), 0.0);
    for line in [
        "# TYPE mqauth_enroll_requests_total counter",
        "# TYPE mqauth_enroll_answer_duration_seconds histogram",
        "# TYPE mqauth_enroll_batch_size histogram",
        "# TYPE mqauth_enroll_broker_connected gauge",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
}

#[test]
fn healthz_follows_the_broker() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let (mut rig, port) = rig(&["dev1"]);
    let _service = serve(&rig, port);
    assert_eq!(get(port, "/healthz"), (200, "ok\n".to_string()));

    rig.stop_broker();
    let why = wait_for_health(port, 503);
    assert!(why.starts_with("broker unreachable"), "{why}");
    assert_eq!(why.lines().count(), 1, "{why}");
    let text = get(port, "/metrics").1;
    assert_eq!(
        sample(&text, "mqauth_enroll_broker_connected"),
        0.0,
        "{text}"
    );

    start_broker(&mut rig);
    assert_eq!(wait_for_health(port, 200), "ok\n");
    let text = wait_for_metrics(port, "a reconnect counted", |t| {
        sample(t, "mqauth_enroll_broker_reconnects_total") >= 1.0
    });
    assert_eq!(sample(&text, "mqauth_enroll_broker_connected"), 1.0);
    assert!(sample(&text, "mqauth_enroll_broker_connection_failures_total") >= 1.0);

    // A PKI the service cannot write is unhealthy too (tests run as root, whom permissions
    // do not stop: the directory goes away instead).
    let d = rig.path();
    fs::rename(d.join("pki"), d.join("pki.away")).expect("move the PKI away");
    let why = wait_for_health(port, 503);
    assert!(why.starts_with("PKI directory"), "{why}");
    fs::rename(d.join("pki.away"), d.join("pki")).expect("move the PKI back");
    assert_eq!(wait_for_health(port, 200), "ok\n");
}

#[test]
fn garbage_over_http_changes_nothing() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let (rig, port) = rig(&["dev1"]);
    let _service = serve(&rig, port);

    // A client that connects and says nothing holds only its own connection.
    let idle = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    assert_eq!(get(port, "/healthz").0, 200);
    let answers = [
        (
            &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"[..],
            Some(400),
        ),
        (b"GET /metrics\r\n\r\n", Some(400)),
        (
            b"POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
            Some(405),
        ),
        (b"GET /nowhere HTTP/1.1\r\n\r\n", Some(404)),
    ];
    for (request, status) in answers {
        let got = http_raw(port, request).map(|(s, _)| s);
        assert_eq!(got, status, "{:?}", String::from_utf8_lossy(request));
    }
    // An endless head: refused (431), or the connection closed under it.
    let huge = format!(
        "GET /metrics HTTP/1.1\r\nX: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let got = http_raw(port, huge.as_bytes()).map(|(s, _)| s);
    assert!(matches!(got, None | Some(431)), "{got:?}");
    drop(idle);

    // The service still answers devices, and says so.
    let csr = rig.csr("dev1", "dev1");
    let answer = rig
        .ask(
            &rig.psk("bootstrap.psk", "dev1"),
            "dev1",
            "dev1/csr",
            &csr,
            ANSWER,
        )
        .expect("an answer");
    assert_eq!(answer["status"], "issued", "{answer}");
    assert_eq!(get(port, "/healthz"), (200, "ok\n".to_string()));
    wait_for_metrics(port, "the enrollment counted", |t| {
        sample(t, "mqauth_enroll_certificates_issued_total") == 1.0
    });
}

#[test]
fn a_bad_or_busy_metrics_address_stops_the_service_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let flags = "enroll serve --broker 127.0.0.1:1 --cafile ca.crt --cert s.crt --key s.key";
    let stderr = usage(d, format!("{flags} --metrics localhost").as_str());
    assert!(stderr.contains("--metrics"), "{stderr}");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = busy.local_addr().expect("addr");
    let line = fails(d, format!("{flags} --metrics {addr}").as_str());
    assert!(line.contains(&format!("cannot listen on {addr}")), "{line}");
}

/// The unit for `args`, written by `generate systemd-unit enroll` in `dir` to
/// `dir/mqauth-enroll.service`; returns its text.
fn unit(dir: &Path, extra: &[&str], args: &[&str]) -> String {
    let mut words = vec!["generate", "systemd-unit", "enroll"];
    words.extend(extra);
    words.push("--");
    words.extend(args);
    let out = ok(dir, words);
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    fs::write(dir.join("mqauth-enroll.service"), &text).expect("write the unit");
    text
}

fn systemd_verify(file: &Path) {
    let out = std::process::Command::new(tool_path("systemd-analyze"))
        .arg("verify")
        .arg(file)
        .output()
        .expect("systemd-analyze");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "systemd-analyze verify {}: {}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_systemd_unit_is_hardened_and_verifies() {
    requires!("systemd-analyze");
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().canonicalize().expect("canonical");
    let exe = assert_cmd::cargo::cargo_bin("mqauth");

    let text = unit(
        &d,
        &[],
        &["-m", "fleet.yaml", "--metrics", "127.0.0.1:9464"],
    );
    systemd_verify(&d.join("mqauth-enroll.service"));
    let lines: Vec<&str> = text.lines().collect();
    let exec = format!(
        "ExecStart={} enroll serve -m fleet.yaml --metrics 127.0.0.1:9464",
        exe.display()
    );
    let read_write = format!("ReadWritePaths={}", d.display());
    let working = format!("WorkingDirectory={}", d.display());
    for want in [
        exec.as_str(),
        read_write.as_str(),
        working.as_str(),
        "User=mqauth",
        "Group=mqauth",
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "CapabilityBoundingSet=",
        "SystemCallFilter=@system-service",
    ] {
        assert!(lines.contains(&want), "{want} in\n{text}");
    }

    // With flags: the PKI and the psk_file's directory (bootstrap: once rewrites it).
    let text = unit(
        &d,
        &["--user", "svc", "--group", "fleet"],
        &[
            "--pki",
            "ca",
            "--broker",
            "mqtt.example.com:8883",
            "--cafile",
            "ca/ca.crt",
            "--cert",
            "svc.crt",
            "--key",
            "svc.key",
            "--bootstrap-psk-file",
            "psk/bootstrap.psk",
            "--bootstrap",
            "once",
            "--reload-command",
            "kill -HUP $(cat /run/mosquitto.pid)",
        ],
    );
    systemd_verify(&d.join("mqauth-enroll.service"));
    let lines: Vec<&str> = text.lines().collect();
    let read_write = format!("ReadWritePaths={0}/ca {0}/psk", d.display());
    for want in [read_write.as_str(), "User=svc", "Group=fleet"] {
        assert!(lines.contains(&want), "{want} in\n{text}");
    }
    assert!(
        text.contains("--reload-command \"kill -HUP $$(cat /run/mosquitto.pid)\""),
        "{text}"
    );

    // Arguments `enroll serve` would refuse are refused here too.
    let stderr = usage(&d, "generate systemd-unit enroll -- --cafile a");
    assert!(stderr.contains("enroll serve"), "{stderr}");
}

/// `examples/mqauth-enroll.service` carries the hardening the generator writes today.
#[test]
fn the_example_unit_is_what_the_generator_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let generated = unit(dir.path(), &[], &["-m", "fleet.yaml"]);
    let example = include_str!("../../examples/mqauth-enroll.service");
    let specific = ["WorkingDirectory=", "ExecStart=", "ReadWritePaths="];
    for line in generated.lines() {
        if !specific.iter().any(|s| line.starts_with(s)) {
            assert!(
                example.lines().any(|l| l == line),
                "examples/mqauth-enroll.service lacks {line:?}; regenerate it (README)"
            );
        }
    }
}
