//! `enroll serve` against a real Mosquitto, with `mosquitto_pub`/`mosquitto_sub` and `openssl
//! req` as the device: bootstrap PSK → CSR → certificate → mTLS, renewal, the broker's ACL, the
//! policy's refusals, a broker restart and a service killed with `kill -9`.

use crate::common::*;
use crate::enroll_fixture::{PATIENCE, PREFIX, Rig, Service};
use std::fs;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A PKI made by flags, with a broker and the service's certificate, bootstrap PSKs for the
/// devices, and a Mosquitto configured here, with a PSK listener (enrollment) and an mTLS
/// listener (everything else). The rest is the shared [`Rig`].
struct Fleet {
    rig: Rig,
    /// Whether the broker sets `max_packet_size` (as a fleet's rendered config does).
    packet_limit: bool,
}

impl Deref for Fleet {
    type Target = Rig;
    fn deref(&self) -> &Rig {
        &self.rig
    }
}

impl DerefMut for Fleet {
    fn deref_mut(&mut self) -> &mut Rig {
        &mut self.rig
    }
}

const ACL: &str = "pattern write mqauth/enroll/%u/csr\n\
pattern write mqauth/enroll/%u/renew\n\
pattern read mqauth/enroll/%u/result\n\
pattern readwrite devices/%u/#\n\
user enroll-service\n\
topic read mqauth/enroll/+/csr\n\
topic read mqauth/enroll/+/renew\n\
topic write mqauth/enroll/+/result\n";

/// How long a device waits for its answer.
const ANSWER: Duration = Duration::from_secs(15);

impl Fleet {
    fn new(devices: &[&str]) -> Fleet {
        Fleet::with_packet_limit(devices, true)
    }

    fn with_packet_limit(devices: &[&str], packet_limit: bool) -> Fleet {
        let rig = Rig::new();
        let d = rig.path();
        ok(d, "-q pki init");
        ok(d, "-q pki broker broker1 --ip 127.0.0.1");
        ok(d, "-q pki client enroll-service");
        let mut psk_gen = vec!["-q", "psk", "gen", "--out", "bootstrap.psk"];
        psk_gen.extend(devices);
        ok(d, psk_gen);
        fs::write(d.join("acl"), ACL).expect("acl");
        let mut fleet = Fleet { rig, packet_limit };
        fleet.start_broker();
        fleet
    }

    fn start_broker(&mut self) {
        let d = self.path().display();
        let limit = if self.packet_limit {
            "max_packet_size 65536\n"
        } else {
            ""
        };
        let config = format!(
            "persistence true\npersistence_location {d}/\nacl_file {d}/acl\n{limit}\
             listener {} 127.0.0.1\npsk_hint mqauth\npsk_file {d}/bootstrap.psk\nuse_identity_as_username true\n\
             listener {} 127.0.0.1\ncafile {d}/pki/chain.pem\ncertfile {d}/pki/issued/broker1.fullchain.pem\n\
             keyfile {d}/pki/private/broker1.key\nrequire_certificate true\nuse_identity_as_username true\n",
            self.psk_port, self.tls_port
        );
        self.rig.start_broker(&config);
    }

    fn serve(&self) -> Service {
        self.serve_with(&[])
    }

    /// The service started with flags (and `extra` ones).
    fn serve_with(&self, extra: &[&str]) -> Service {
        self.rig.serve_flags(extra)
    }

    fn psk(&self, device: &str) -> Tls {
        self.rig.psk("bootstrap.psk", device)
    }

    fn cert_tls(&self, device: &str) -> Tls {
        let d = self.path();
        Tls::cert(
            &d.join("pki/ca.crt"),
            &d.join(format!("{device}.crt")),
            &d.join(format!("{device}.key")),
        )
    }

    /// Publishes `payload` to `{prefix}/{device}/{ask}` as the device (on the listener its
    /// credentials fit) and returns the JSON answer read from its result topic.
    fn ask(&self, device: &str, tls: &Tls, ask: &str, payload: &Path) -> Option<serde_json::Value> {
        self.rig
            .ask(tls, device, &format!("{device}/{ask}"), payload, ANSWER)
    }

    /// Stores an issued certificate where `cert_tls` finds it.
    fn keep(&self, device: &str, answer: &serde_json::Value, key_file: &str) {
        self.rig.keep(answer, device, key_file);
    }
}

fn rejected_code(answer: Option<serde_json::Value>) -> String {
    let answer = answer.expect("an answer");
    assert_eq!(answer["status"], "rejected", "{answer}");
    answer["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn enroll_then_mtls_then_renew_with_the_real_broker() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let fleet = Fleet::new(&["dev1", "dev2"]);
    let d = fleet.path();
    let service = fleet.serve();

    // First enrollment over the bootstrap PSK.
    let csr = fleet.csr("dev1-a", "dev1");
    let answer = fleet
        .ask("dev1", &fleet.psk("dev1"), "csr", &csr)
        .expect("answer");
    fleet.keep("dev1", &answer, "dev1-a");
    let serial = answer["serial"].as_str().expect("serial").to_string();
    let chain = answer["chain"].as_str().expect("chain");
    assert!(chain.contains("BEGIN CERTIFICATE"));
    let (good, text) = openssl_verify(&d.join("pki"), "sslclient", &d.join("dev1.crt"), &[]);
    assert!(good, "{text}");

    // The certificate works on the mTLS listener: a message flows.
    let tls = fleet.cert_tls("dev1");
    let got = round_trip(
        fleet.tls_port,
        &tls,
        "devices/dev1/state",
        &tls,
        "devices/dev1/state",
        "online",
        Duration::from_secs(10),
    );
    assert_eq!(got.as_deref(), Some("online"));

    // The same CSR again: the same certificate, not a second one.
    let again = fleet
        .ask("dev1", &fleet.psk("dev1"), "csr", &csr)
        .expect("answer");
    assert_eq!(again["serial"].as_str(), Some(serial.as_str()));
    // Another key on /csr while the first certificate is valid.
    let other = fleet.csr("dev1-b", "dev1");
    assert_eq!(
        rejected_code(fleet.ask("dev1", &fleet.psk("dev1"), "csr", &other)),
        "already-enrolled"
    );

    // Renewal over mTLS with a new key: a new certificate, the old one superseded.
    let renewed = fleet.ask("dev1", &tls, "renew", &other).expect("answer");
    assert_eq!(renewed["status"], "issued", "{renewed}");
    assert_ne!(renewed["serial"].as_str(), Some(serial.as_str()));
    let listed = String::from_utf8_lossy(&ok(d, "pki list dev1 --json").stdout).into_owned();
    let rows: serde_json::Value = serde_json::from_str(&listed).expect("json");
    let statuses: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "valid").count(),
        1,
        "{listed}"
    );
    assert_eq!(statuses.len(), 2, "{listed}");

    // The broker's ACL, not the service, stops dev1 from asking for dev2.
    let stolen = fleet.csr("dev2-stolen", "dev2");
    let before = fleet.log().len();
    let out = publish(
        fleet.psk_port,
        &fleet.psk("dev1"),
        &format!("{PREFIX}/dev2/csr"),
        &fs::read_to_string(&stolen).expect("csr"),
    );
    assert!(out.status.success());
    fleet.wait_for_broker_log("that it denied it", |l| l.contains("Denied PUBLISH"), 1);

    // The policy's refusals, each with its code; the service keeps running.
    let wrong_cn = fleet.csr("dev2-wrong", "dev1");
    assert_eq!(
        rejected_code(fleet.ask("dev2", &fleet.psk("dev2"), "csr", &wrong_cn)),
        "cn-mismatch"
    );
    // That answer, to a request published after the denied one, is all the service logged
    // since (its line is written just after the answer is sent): it never saw the denied one.
    fleet.wait_for_log(|l| l.contains(r#""code":"cn-mismatch""#), 1);
    assert_eq!(
        fleet.log().len(),
        before + 1,
        "the service never saw the request"
    );
    fs::write(d.join("garbage"), b"hello, I am not a CSR").expect("write");
    assert_eq!(
        rejected_code(fleet.ask("dev2", &fleet.psk("dev2"), "csr", &d.join("garbage"))),
        "not-a-csr"
    );
    fs::write(d.join("big"), vec![b'A'; 17 * 1024]).expect("write");
    assert_eq!(
        rejected_code(fleet.ask("dev2", &fleet.psk("dev2"), "csr", &d.join("big"))),
        "too-large"
    );
    // Over the broker's max_packet_size: the broker refuses it, the service never sees it.
    let huge = "A".repeat(100 * 1024);
    let out = publish(
        fleet.psk_port,
        &fleet.psk("dev2"),
        &format!("{PREFIX}/dev2/csr"),
        &huge,
    );
    assert!(!out.status.success(), "the broker took a 100 KiB packet");
    fs::copy(d.join("dev1.crt"), d.join("a-certificate")).expect("copy");
    assert_eq!(
        rejected_code(fleet.ask("dev2", &fleet.psk("dev2"), "csr", &d.join("a-certificate"))),
        "not-a-csr"
    );
    // Six requests a minute per device: the seventh is refused.
    let dev2_csr = fleet.csr("dev2", "dev2");
    assert_eq!(
        rejected_code(fleet.ask("dev2", &fleet.psk("dev2"), "renew", &dev2_csr)),
        "not-enrolled"
    );
    let first = fleet
        .ask("dev2", &fleet.psk("dev2"), "csr", &dev2_csr)
        .expect("answer");
    assert_eq!(first["status"], "issued", "{first}");
    assert_eq!(
        rejected_code(fleet.ask("dev2", &fleet.psk("dev2"), "csr", &dev2_csr)),
        "rate-limited"
    );

    // Every answer was logged, as one JSON line with device, outcome and duration; no key.
    let log = fs::read_to_string(d.join("service.log")).expect("log");
    assert!(!log.contains("PRIVATE KEY") && !log.contains(&fleet.psk("dev1").args[3]));
    let answered: Vec<_> = fleet
        .log()
        .into_iter()
        .filter(|l| l["device"].is_string())
        .collect();
    assert!(
        answered
            .iter()
            .all(|l| l["ms"].is_number() && l["outcome"].is_string())
    );

    // SIGTERM: the service stops cleanly.
    let status = service.terminate();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn requests_wait_for_a_restarted_broker_and_a_killed_service() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let devices: Vec<String> = (1..=12).map(|i| format!("dev{i:02}")).collect();
    let names: Vec<&str> = devices.iter().map(String::as_str).collect();
    let mut fleet = Fleet::new(&names);
    let d = fleet.path().to_path_buf();

    // A first run creates the service's persistent session, then it is killed outright.
    fleet.serve().kill9();
    // Requests published while the service is down wait in its session.
    let mut subs = Vec::new();
    for dev in &names {
        let csr = fleet.csr(dev, dev);
        let tls = fleet.psk(dev);
        subs.push(fleet.subscribe(fleet.psk_port, &tls, dev, ANSWER));
        let out = publish(
            fleet.psk_port,
            &tls,
            &format!("{PREFIX}/{dev}/csr"),
            &fs::read_to_string(&csr).expect("csr"),
        );
        assert!(out.status.success());
    }
    // The broker restarts (keeping its sessions) before the service comes back.
    fleet.stop_broker();
    fleet.start_broker();
    let service = fleet.serve();
    fleet.wait_for_log(|l| l.contains("\"device\""), 1);
    // Killed mid-run, and started again: what was not acknowledged comes again.
    service.kill9();
    let service = fleet.serve();
    // Every request published while the service was away is answered, without asking again.
    wait_until("every device's request is answered", PATIENCE, || {
        let answered: std::collections::HashSet<String> = fleet
            .log()
            .iter()
            .filter(|l| l["outcome"] == "issued" || l["outcome"] == "sent again")
            .filter_map(|l| l["device"].as_str().map(str::to_string))
            .collect();
        if answered.len() == names.len() {
            Ok(())
        } else {
            Err(format!("answered only {answered:?}"))
        }
    });
    // Each device asks again (its first subscriber did not outlive the broker): the same
    // certificate comes back, not a second one.
    let mut issued = 0;
    for (sub, dev) in subs.into_iter().zip(&names) {
        sub.stop();
        let csr = d.join(format!("{dev}.csr"));
        let answer = fleet
            .ask(dev, &fleet.psk(dev), "csr", &csr)
            .expect("answer");
        assert_eq!(answer["status"], "issued", "{dev}: {answer}");
        issued += 1;
    }
    assert_eq!(issued, names.len());
    // No key certified twice: one certificate per device in the records, and a clean PKI.
    for dev in &names {
        let command = format!("pki list {dev} --json");
        let listed = String::from_utf8_lossy(&ok(&d, command.as_str()).stdout).into_owned();
        let rows: serde_json::Value = serde_json::from_str(&listed).expect("json");
        assert_eq!(rows.as_array().map(Vec::len), Some(1), "{dev}: {listed}");
    }
    let out = run(&d, "-q inspect --pki pki");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(service);
}

#[test]
fn bootstrap_once_retires_the_factory_psk() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let fleet = Fleet::new(&["dev1", "dev2"]);
    let d = fleet.path();
    let pid = fleet.broker_pid();
    let reload = format!("kill -HUP {pid}");
    let _service = fleet.serve_with(&["--bootstrap", "once", "--reload-command", &reload]);
    let psk = fleet.psk("dev1");
    let csr = fleet.csr("dev1", "dev1");
    let answer = fleet.ask("dev1", &psk, "csr", &csr).expect("answer");
    assert_eq!(answer["status"], "issued", "{answer}");
    fleet.wait_for_log(|l| l.contains("removed 1 bootstrap identity"), 1);
    let file = fs::read_to_string(d.join("bootstrap.psk")).expect("psk file");
    assert!(!file.contains("dev1:") && file.contains("dev2:"), "{file}");
    // After the reload the same PSK no longer gets through the TLS handshake.
    wait_until("the retired PSK no longer connects", PATIENCE, || {
        let out = publish(fleet.psk_port, &psk, "mqauth/enroll/dev1/csr", "again");
        if out.status.success() {
            Err("the retired PSK still connects".into())
        } else {
            Ok(())
        }
    });
    // The other device's bootstrap PSK still works.
    let out = publish(
        fleet.psk_port,
        &fleet.psk("dev2"),
        "devices/dev2/state",
        "up",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn revocation_is_final_until_allowed_and_the_revoked_key_forever() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let fleet = Fleet::new(&["meter-01"]);
    let d = fleet.path();
    // The bootstrap PSK is kept (the default): it still connects after the revocation.
    let _service = fleet.serve();
    let psk = fleet.psk("meter-01");
    let old = fleet.csr("old", "meter-01");
    let answer = fleet.ask("meter-01", &psk, "csr", &old).expect("answer");
    fleet.keep("meter-01", &answer, "old");
    ok(d, "-q pki revoke meter-01 --reason keyCompromise");

    // The compromised key again, as the issue reported: refused, and for good.
    let answer = fleet.ask("meter-01", &psk, "csr", &old).expect("answer");
    assert_eq!(answer["code"], "revoked-key", "{answer}");
    // A new key: the device waits for an operator, on /csr and /renew (the broker was not
    // reloaded with a CRL, so the revoked certificate still connects).
    let new = fleet.csr("new", "meter-01");
    assert_eq!(
        rejected_code(fleet.ask("meter-01", &psk, "csr", &new)),
        "revoked"
    );
    let revoked_cert = fleet.cert_tls("meter-01");
    assert_eq!(
        rejected_code(fleet.ask("meter-01", &revoked_cert, "renew", &new)),
        "revoked"
    );

    // Allowed again while the service runs: its next request sees it.
    let out = ok(d, "enroll allow meter-01 --json");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(rows[0]["device"], "meter-01", "{rows}");
    assert_eq!(rows[0]["status"], "allowed", "{rows}");
    assert_eq!(rows[0]["reason"], "keyCompromise", "{rows}");
    let answer = fleet.ask("meter-01", &psk, "csr", &new).expect("answer");
    assert_eq!(answer["status"], "issued", "{answer}");
    assert_eq!(answer["new"], true, "{answer}");
    fleet.keep("meter-01", &answer, "new");
    let out = publish(
        fleet.tls_port,
        &fleet.cert_tls("meter-01"),
        "devices/meter-01/state",
        "up",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The old key never comes back, allowed or not.
    assert_eq!(
        rejected_code(fleet.ask("meter-01", &psk, "csr", &old)),
        "revoked-key"
    );
    let log = fleet.log_text();
    assert!(
        log.contains("revoked-key") && log.contains("\"revoked\""),
        "{log}"
    );
}

#[test]
fn the_cli_and_the_service_write_to_one_pki_at_once() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let devices: Vec<String> = (1..=5).map(|i| format!("dev{i}")).collect();
    let names: Vec<&str> = devices.iter().map(String::as_str).collect();
    let fleet = Fleet::new(&names);
    let d = fleet.path();
    let _service = fleet.serve();
    let mut batch = mqauth_command(d)
        .args([
            "-q",
            "pki",
            "client",
            "--count",
            "300",
            "--template",
            "cli-{n:03}",
        ])
        .spawn()
        .expect("pki client");
    for dev in &names {
        let csr = fleet.csr(dev, dev);
        let answer = fleet
            .ask(dev, &fleet.psk(dev), "csr", &csr)
            .expect("answer");
        assert_eq!(answer["status"], "issued", "{dev}: {answer}");
    }
    assert!(batch.wait().expect("wait").success());
    let listed = String::from_utf8_lossy(&ok(d, "pki list --json").stdout).into_owned();
    let rows: serde_json::Value = serde_json::from_str(&listed).expect("json");
    let names_listed: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(
        names_listed
            .iter()
            .filter(|n| n.starts_with("cli-"))
            .count(),
        300
    );
    for dev in &names {
        assert_eq!(
            names_listed.iter().filter(|n| *n == dev).count(),
            1,
            "{dev}"
        );
    }
    let out = run(d, "-q inspect --pki pki");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn mqauth_command(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("mqauth"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

#[test]
fn bad_service_settings_fail_at_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let err = usage(
        d,
        "enroll serve --broker nonsense --cafile x --cert x --key x",
    );
    assert!(err.contains("expected HOST:PORT"), "{err}");
    let err = usage(
        d,
        "enroll serve --broker h:1 --cafile x --cert x --key x --prefix a/#",
    );
    assert!(err.contains("--prefix"), "{err}");
    let err = fails(
        d,
        "enroll serve --dir nopki --broker 127.0.0.1:1 --cafile x --cert x --key x",
    );
    assert!(err.contains("no PKI in nopki"), "{err}");
    ok(d, "-q pki init");
    let err = fails(
        d,
        "enroll serve --broker 127.0.0.1:1 --cafile /dev/zero --cert x --key x",
    );
    assert!(err.contains("/dev/zero"), "{err}");
    let err = fails(
        d,
        "enroll serve --broker 127.0.0.1:1 --cafile pki/ca.crt --cert pki/ca.key --key pki/ca.key",
    );
    assert!(err.contains("--cert: cannot use it for TLS"), "{err}");
}

/// The service's log lines about `device`.
fn lines_about(fleet: &Fleet, device: &str) -> usize {
    fleet
        .log_text()
        .lines()
        .filter(|l| l.contains(&format!("\"{device}\"")) || l.contains(&format!("{device}:")))
        .count()
}

#[test]
fn an_oversized_request_stalls_nothing_even_without_a_broker_limit() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let fleet = Fleet::with_packet_limit(&["dev1", "dev2"], false);
    let d = fleet.path();
    let _service = fleet.serve();
    fs::write(d.join("huge"), vec![b'A'; 2 * 1024 * 1024]).expect("write");
    let out = Command::new(tool_path("mosquitto_pub"))
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &fleet.psk_port.to_string(),
            "-q",
            "1",
        ])
        .args(&fleet.psk("dev1").args)
        .args(["-t", &format!("{PREFIX}/dev1/csr"), "-f"])
        .arg(d.join("huge"))
        .output()
        .expect("mosquitto_pub");
    assert!(
        out.status.success(),
        "the broker takes it: it sets no limit"
    );
    // The service told the broker the largest packet it reads (MQTT 5): the broker drops this
    // one for it, and every other device is answered at once.
    let csr = fleet.csr("dev2", "dev2");
    let answer = fleet
        .rig
        .ask(
            &fleet.psk("dev2"),
            "dev2",
            "dev2/csr",
            &csr,
            Duration::from_secs(5),
        )
        .expect("dev2 answered within 5 s");
    assert_eq!(answer["status"], "issued", "{answer}");
    let text = fleet.log_text();
    assert!(!text.contains("unreachable"), "no reconnect loop:\n{text}");
    // Between the request limit and the packet limit: answered too-large, not dropped.
    fs::write(d.join("big"), vec![b'A'; 20 * 1024]).expect("write");
    assert_eq!(
        rejected_code(fleet.ask("dev1", &fleet.psk("dev1"), "csr", &d.join("big"))),
        "too-large"
    );
}

#[test]
fn a_flood_from_one_device_costs_the_others_nothing() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let fleet = Fleet::new(&["dev1", "dev2"]);
    let service = fleet.serve();
    // 5,000 requests from dev1 as fast as mosquitto_pub sends them (one message a line).
    let flood = "not a csr\n".repeat(5000);
    let mut publisher = Command::new(tool_path("mosquitto_pub"))
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &fleet.psk_port.to_string(),
            "-q",
            "1",
        ])
        .args(&fleet.psk("dev1").args)
        .args(["-t", &format!("{PREFIX}/dev1/csr"), "-l"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("mosquitto_pub");
    {
        use std::io::Write;
        let mut stdin = publisher.stdin.take().expect("stdin");
        stdin.write_all(flood.as_bytes()).expect("flood");
    }
    assert!(publisher.wait().expect("mosquitto_pub").success());
    // dev2's request queues behind the whole flood in the service's session.
    let csr = fleet.csr("dev2", "dev2");
    let answer = fleet
        .ask("dev2", &fleet.psk("dev2"), "csr", &csr)
        .expect("dev2 answered behind the flood");
    assert_eq!(answer["status"], "issued", "{answer}");
    let rss = service.rss_kib();
    assert!(rss < 100 * 1024, "RSS {rss} KiB");
    // One answer and one line per rate window for the flooder (6 answered requests, one
    // rate-limited), not 5,000; the rest are counted in one summary line.
    let answers_to_dev1 = fleet.log().iter().filter(|l| l["device"] == "dev1").count();
    assert_eq!(answers_to_dev1, 7, "{}", fleet.log_text());
    assert!(service.terminate().success());
    let text = fleet.log_text();
    assert!(
        text.contains("dev1: 4993 more requests rate-limited in the last minute"),
        "{text}"
    );
    assert!(lines_about(&fleet, "dev1") <= 8, "{text}");
}

#[test]
fn a_second_service_with_the_same_client_id_does_not_fight_for_the_session() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let fleet = Fleet::new(&["dev1"]);
    let first = fleet.serve();
    let second = fleet.serve();
    // The broker gives the session to the newcomer and closes the first's connection; the
    // first takes it back at once, and the newcomer, which found the session held and lost it
    // within seconds, stops with a message that says why instead of fighting for it.
    let status = second.exited(PATIENCE);
    assert_eq!(status.code(), Some(1));
    let text = fleet.log_text();
    assert!(
        text.contains("error: another client connected as \"mqauth-enroll\""),
        "{text}"
    );
    // The first keeps answering.
    let csr = fleet.csr("dev1", "dev1");
    let answer = fleet
        .ask("dev1", &fleet.psk("dev1"), "csr", &csr)
        .expect("answer");
    assert_eq!(answer["status"], "issued", "{answer}");
    drop(first);
}

#[test]
fn the_service_signs_the_crl_again_before_it_expires() {
    requires!("mosquitto");
    let fleet = Fleet::new(&["d1"]);
    let d = fleet.path();
    // A CRL a day from its next update: within the service's margin.
    ok(d, "-q pki crl --lifetime 1d");
    let service = fleet.serve();
    fleet.wait_for_log(|l| l.contains("signed the CRL again"), 1);
    let out = ok(d, "pki crl --refresh-before 6d");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not signed again"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    service.terminate();
}
