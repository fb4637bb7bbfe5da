//! `mqauth storm` against a real Mosquitto running the configuration `fleet apply` rendered:
//! the report's counts are the broker's own (its "New client connected" lines), a revoked
//! certificate and a wrong PSK fail with the broker's alert, and `--compare` runs its own
//! broker per credential kind.

use crate::common::{Broker, free_port, is_root, ok, requires, run, usage, wait_until};
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// 500 certificate devices and 500 PSK devices, each allowed to publish on its own topic.
fn manifest(mtls_port: u16, psk_port: u16) -> String {
    format!(
        r#"fleet: storm
brokers:
  - name: broker1
    listen: 127.0.0.1
    dns: [localhost]
    ip: [127.0.0.1]
    mtls_port: {mtls_port}
    psk_port: {psk_port}
groups:
  sensors:
    auth: mtls
    publish: ["devices/{{id}}/storm"]
  gateways:
    auth: psk
    publish: ["devices/{{id}}/storm"]
devices:
  - {{ template: "sensor-{{n:04}}", from: 1, to: 500, group: sensors }}
  - {{ template: "gw-{{n:04}}", from: 1, to: 500, group: gateways }}
"#
    )
}

/// The rendered mosquitto.conf as it is, with `user root` in front when the tests run as root.
fn start_rendered(dir: &Path, ports: &[u16]) -> Broker {
    let rendered = fs::read_to_string(dir.join("brokers/broker1/mosquitto.conf")).unwrap();
    assert!(
        rendered.contains(&format!("crlfile {}", dir.join("pki/crl.pem").display())),
        "the broker must check the fleet's CRL: {rendered}"
    );
    let log = dir.join("broker.log");
    let mut conf = String::new();
    if is_root() {
        conf.push_str("user root\n");
    }
    conf.push_str(&format!("log_dest file {}\nlog_type all\n", log.display()));
    conf.push_str(&rendered);
    let path = dir.join("run.conf");
    fs::write(&path, conf).unwrap();
    Broker::start_with_file(&path, &log, ports)
}

fn storm(dir: &Path, args: &str) -> (Option<i32>, serde_json::Value) {
    let out = run(dir, format!("storm {args} --json"));
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "storm {args}: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

fn connected_lines(broker: &Broker) -> usize {
    broker.log_text().matches("New client connected").count()
}

#[test]
fn a_storm_counts_what_the_broker_saw_and_names_each_refusal() {
    requires!("mosquitto");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let (mtls, psk) = (free_port(), free_port());
    fs::write(dir.join("fleet.yaml"), manifest(mtls, psk)).unwrap();
    ok(dir, "fleet apply -q");
    ok(dir, "pki revoke sensor-0007 --pki pki -q");
    let broker = start_rendered(dir, &[mtls, psk]);
    let started = Instant::now();

    // 500 certificates, one of them revoked: the broker's CRL refuses it during the handshake.
    let (code, r) = storm(
        dir,
        "--broker 127.0.0.1 -m fleet.yaml --group sensors --rate 250 --publish devices/{id}/storm",
    );
    assert_eq!(code, Some(4), "a failed client is a problem: {r}");
    assert_eq!(r["kind"], "certificate", "{r}");
    assert_eq!(r["broker"], format!("127.0.0.1:{mtls}"), "{r}");
    assert_eq!(
        (r["attempted"].as_u64(), r["succeeded"].as_u64()),
        (Some(500), Some(499)),
        "{r}"
    );
    let failures = r["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{r}");
    assert_eq!(failures[0]["kind"], "tls_alert", "{r}");
    assert_eq!(failures[0]["detail"], "certificate revoked", "{r}");
    assert_eq!(failures[0]["examples"][0], "sensor-0007", "{r}");
    assert_eq!(r["publish"]["acknowledged"], 499, "{r}");
    assert!(r["handshake_ms"]["p99"].as_f64().unwrap() > 0.0, "{r}");
    assert!(r["connack_ms"]["max"].as_f64().is_some(), "{r}");

    // 500 PSKs from the same fleet, with the broker's CPU time.
    let (code, r) = storm(
        dir,
        &format!(
            "--broker 127.0.0.1 -m fleet.yaml --group gateways --rate 250 --publish devices/{{id}}/storm --broker-pid {}",
            broker.pid()
        ),
    );
    assert_eq!(code, Some(0), "{r}");
    assert_eq!(r["kind"], "psk", "{r}");
    assert_eq!(
        (r["succeeded"].as_u64(), r["failed"].as_u64()),
        (Some(500), Some(0)),
        "{r}"
    );
    assert_eq!(r["publish"]["acknowledged"], 500, "{r}");
    assert_eq!(r["broker_cpu"]["pid"], broker.pid(), "{r}");
    assert!(r["broker_cpu"]["seconds"].as_f64().unwrap() >= 0.0, "{r}");

    // A wrong PSK (an identity the broker knows, another key) fails with the broker's alert.
    let store = fs::read_to_string(dir.join("psk/devices.psk")).unwrap();
    let right = store
        .lines()
        .find(|l| l.starts_with("gw-0002:"))
        .unwrap()
        .to_string();
    fs::write(
        dir.join("wrong.psk"),
        format!("gw-0001:{}\n{right}\n", "ab".repeat(32)),
    )
    .unwrap();
    let (code, r) = storm(
        dir,
        &format!("--broker 127.0.0.1:{psk} --psk-file wrong.psk --burst"),
    );
    assert_eq!(code, Some(4), "{r}");
    assert_eq!(
        (r["succeeded"].as_u64(), r["failed"].as_u64()),
        (Some(1), Some(1)),
        "{r}"
    );
    assert_eq!(r["failures"][0]["kind"], "tls_alert", "{r}");
    assert_eq!(r["failures"][0]["examples"][0], "gw-0001", "{r}");

    // The broker counted every connection the reports call succeeded, and no other.
    wait_until(
        "the broker logged 1,000 connections",
        Duration::from_secs(10),
        || match connected_lines(&broker) {
            1000 => Ok(()),
            n => Err(format!("{n} New client connected lines")),
        },
    );
    eprintln!("storm of 1,001 clients took {:?}", started.elapsed());
}

#[test]
fn a_storm_stays_on_loopback_and_within_its_bounds() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    fs::write(dir.join("k.psk"), format!("d1:{}\n", "ab".repeat(16))).unwrap();
    let e = usage(dir, "storm --broker 192.0.2.1:8884 --psk-file k.psk");
    assert!(e.contains("--allow-remote"), "{e}");
    let e = usage(
        dir,
        "storm --broker 127.0.0.1:8884 --psk-file k.psk --clients 100001",
    );
    assert!(e.contains("at most 100000"), "{e}");
    let e = usage(
        dir,
        "storm --broker 127.0.0.1:8884 --psk-file k.psk --clients 2",
    );
    assert!(e.contains("has only 1"), "{e}");
    let e = usage(
        dir,
        "storm --broker 127.0.0.1:8884 --psk-file k.psk --duration 11m",
    );
    assert!(e.contains("at most 600 s"), "{e}");
    usage(
        dir,
        "storm --broker 127.0.0.1:8884 --psk-file k.psk --rate 0",
    );
    usage(dir, "storm --compare psk,dsa");
    usage(dir, "storm --compare psk --broker 127.0.0.1:1");
    usage(dir, "storm --broker 127.0.0.1:8884");
}

#[test]
fn compare_runs_each_kind_on_its_own_local_broker() {
    requires!("mosquitto");
    let t = tempfile::tempdir().unwrap();
    let out = ok(
        t.path(),
        "storm --compare psk,p256 --clients 20 --rate 200 --json",
    );
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 2);
    for (report, kind) in reports.iter().zip(["psk", "p256"]) {
        assert_eq!(report["kind"], kind, "{report}");
        assert_eq!(report["succeeded"], 20, "{report}");
        assert!(
            report["broker_cpu"]["per_1000_connections"].is_number(),
            "{report}"
        );
    }
}
