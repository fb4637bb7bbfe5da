//! Two `enroll serve` instances on one PKI whose records are in PostgreSQL, each in a directory
//! of its own (as on two hosts: they share only the database and a copy of the CA material),
//! in one shared subscription group on a real Mosquitto: both answer, a third directory lists
//! every certificate, and a device asking twice gets one certificate.

use crate::common::*;
use crate::enroll_fixture::{PREFIX, Rig};
use crate::pg_fixture::{PASSWORD, requires_postgres};
use std::fs;
use std::path::Path;
use std::time::Duration;

const ANSWER: Duration = Duration::from_secs(15);

/// Copies the CA material, the records' location and the service's TLS files to `to`.
fn second_host(from: &Path, to: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for sub in ["issued", "private"] {
        fs::create_dir_all(to.join(sub)).unwrap();
    }
    fs::set_permissions(to.join("private"), fs::Permissions::from_mode(0o700)).unwrap();
    for f in [
        "ca.crt",
        "ca.key",
        "intermediate.crt",
        "intermediate.key",
        "chain.pem",
        "records.url",
        "private/records.password",
        "issued/enroll-service.crt",
        "private/enroll-service.key",
    ] {
        fs::copy(from.join(f), to.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
}

fn issued_here(pki: &Path) -> usize {
    fs::read_dir(pki.join("issued"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("dev-"))
        .count()
}

#[test]
fn two_services_share_the_load_and_the_records() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let pg = requires_postgres!();
    let devices: Vec<String> = (1..=6).map(|n| format!("dev-{n}")).collect();
    let names: Vec<&str> = devices.iter().map(String::as_str).collect();
    let mut rig = Rig::new();
    let _services = two_services(&mut rig, &pg, "enroll_pg", &names);
    let d = rig.path().to_path_buf();
    let ask = |device: &str| {
        let csr = d.join(format!("{device}.csr"));
        rig.ask(
            &rig.psk("bootstrap.psk", device),
            device,
            &format!("{device}/csr"),
            &csr,
            ANSWER,
        )
        .unwrap_or_else(|| panic!("{device}: no answer\n{}", rig.log_text()))
    };
    let mut serials = Vec::new();
    for device in &devices {
        rig.csr(device, device);
        let answer = ask(device);
        assert_eq!(answer["status"], "issued", "{answer}");
        serials.push(answer["serial"].as_str().unwrap_or_default().to_string());
    }
    // Asked again (a lost answer), of either service: the same certificate, from the records
    // where the other service issued it.
    for (device, serial) in devices.iter().zip(&serials) {
        let again = ask(device);
        assert_eq!(again["serial"].as_str(), Some(serial.as_str()), "{again}");
    }
    // The broker shares the requests out: each service answered some.
    let (a, b) = (
        issued_here(&d.join("pki")),
        issued_here(&d.join("host2/pki")),
    );
    assert!(a > 0 && b > 0, "answered by one service only: {a} and {b}");

    // A third directory with only the CA material lists every certificate the two issued.
    second_host(&d.join("pki"), &d.join("host3/pki"));
    let list = String::from_utf8(ok(&d.join("host3"), "pki list --json").stdout).unwrap();
    for serial in &serials {
        assert!(list.contains(serial.as_str()), "{serial} missing: {list}");
    }
}

#[test]
fn a_lost_database_is_an_internal_error_then_the_service_goes_on() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let pg = requires_postgres!();
    let url = pg.database("enroll_lost");
    let mut rig = Rig::new();
    let d = rig.path().to_path_buf();
    write_secret(&d.join("db.pass"), PASSWORD);
    ok(
        &d,
        format!("-q pki init --records {url} --records-password-file db.pass"),
    );
    ok(&d, "-q pki broker broker1 --ip 127.0.0.1");
    ok(&d, "-q pki client enroll-service");
    ok(&d, "-q psk gen --out bootstrap.psk dev-1");
    let config = format!(
        "listener {} 127.0.0.1\npsk_hint mqauth\npsk_file {p}/bootstrap.psk\n\
         use_identity_as_username true\nallow_anonymous false\n\
         listener {} 127.0.0.1\ncafile {p}/pki/chain.pem\n\
         certfile {p}/pki/issued/broker1.fullchain.pem\nkeyfile {p}/pki/private/broker1.key\n\
         require_certificate true\nuse_identity_as_username true\n",
        rig.psk_port,
        rig.tls_port,
        p = d.display()
    );
    rig.start_broker(&config);
    let broker = format!("127.0.0.1:{}", rig.tls_port);
    let _service = rig.serve(&[
        "--broker",
        &broker,
        "--cafile",
        "pki/ca.crt",
        "--cert",
        "pki/issued/enroll-service.crt",
        "--key",
        "pki/private/enroll-service.key",
        "--bootstrap-psk-file",
        "bootstrap.psk",
    ]);
    let csr = rig.csr("dev-1", "dev-1");
    let ask = || {
        rig.ask(
            &rig.psk("bootstrap.psk", "dev-1"),
            "dev-1",
            "dev-1/csr",
            &csr,
            ANSWER,
        )
        .unwrap_or_else(|| panic!("no answer\n{}", rig.log_text()))
    };
    pg.halt();
    let refused = ask();
    assert_eq!(refused["status"], "rejected", "{refused}");
    assert_eq!(refused["code"], "internal-error", "{refused}");
    assert!(refused["retry_after"].as_u64().is_some(), "{refused}");
    // The database is back: the same service, not restarted, answers.
    pg.resume();
    let issued = ask();
    assert_eq!(issued["status"], "issued", "{issued}");
}

/// One service of the group `mqauth`, on the PKI directory `pki`, with client id `id`.
fn member(rig: &Rig, pki: &str, id: &str) -> crate::enroll_fixture::Service {
    let broker = format!("127.0.0.1:{}", rig.tls_port);
    rig.serve(&[
        "--pki",
        pki,
        "--broker",
        &broker,
        "--cafile",
        "pki/ca.crt",
        "--cert",
        &format!("{pki}/issued/enroll-service.crt"),
        "--key",
        &format!("{pki}/private/enroll-service.key"),
        "--bootstrap-psk-file",
        "bootstrap.psk",
        "--share-group",
        "mqauth",
        "--client-id",
        id,
    ])
}

/// Two services in one group on a PKI in database `db`, for `devices`.
fn two_services(
    rig: &mut Rig,
    pg: &crate::pg_fixture::Cluster,
    db: &str,
    devices: &[&str],
) -> [crate::enroll_fixture::Service; 2] {
    let url = pg.database(db);
    let d = rig.path().to_path_buf();
    write_secret(&d.join("db.pass"), PASSWORD);
    ok(
        &d,
        format!("-q pki init --records {url} --records-password-file db.pass"),
    );
    ok(&d, "-q pki broker broker1 --ip 127.0.0.1");
    ok(&d, "-q pki client enroll-service");
    let mut psk_gen = vec!["-q", "psk", "gen", "--out", "bootstrap.psk"];
    psk_gen.extend(devices);
    ok(&d, psk_gen);
    second_host(&d.join("pki"), &d.join("host2/pki"));
    let config = format!(
        "listener {} 127.0.0.1\npsk_hint mqauth\npsk_file {p}/bootstrap.psk\n\
         use_identity_as_username true\nallow_anonymous false\n\
         listener {} 127.0.0.1\ncafile {p}/pki/chain.pem\n\
         certfile {p}/pki/issued/broker1.fullchain.pem\nkeyfile {p}/pki/private/broker1.key\n\
         require_certificate true\nuse_identity_as_username true\n",
        rig.psk_port,
        rig.tls_port,
        p = d.display()
    );
    rig.start_broker(&config);
    [
        member(rig, "pki", "enroll-a"),
        member(rig, "host2/pki", "enroll-b"),
    ]
}

#[test]
fn one_request_sent_twice_at_once_to_two_services_gets_one_certificate() {
    use std::process::{Command, Stdio};
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let pg = requires_postgres!();
    let mut rig = Rig::new();
    let _services = two_services(&mut rig, &pg, "enroll_race", &["dev-r"]);
    let csr = rig.csr("dev-r", "dev-r");
    let tls = rig.psk("bootstrap.psk", "dev-r");
    let port = rig.psk_port.to_string();
    let sub = Command::new(tool_path("mosquitto_sub"))
        .args(["-h", "127.0.0.1", "-p", &port, "-q", "1", "-i", "race-sub"])
        .args(&tls.args)
        .args([
            "-t",
            &format!("{PREFIX}/dev-r/result"),
            "-C",
            "2",
            "-W",
            "20",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub");
    rig.wait_for_broker_log(
        "race-sub is subscribed",
        |l| l.trim_end().ends_with("Sending SUBACK to race-sub"),
        1,
    );
    // The same request twice at the same moment: the broker gives one to each service.
    let publishers: Vec<_> = (0..2)
        .map(|_| {
            Command::new(tool_path("mosquitto_pub"))
                .args(["-h", "127.0.0.1", "-p", &port, "-q", "1"])
                .args(&tls.args)
                .args(["-t", &format!("{PREFIX}/dev-r/csr"), "-f"])
                .arg(&csr)
                .spawn()
                .expect("mosquitto_pub")
        })
        .collect();
    for mut p in publishers {
        assert!(p.wait().unwrap().success());
    }
    let out = sub.wait_with_output().unwrap();
    let answers: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 2, "{answers:?}\n{}", rig.log_text());
    for a in &answers {
        assert_eq!(a["status"], "issued", "{a}");
    }
    assert_eq!(answers[0]["serial"], answers[1]["serial"], "{answers:?}");
    let rows = pg.sql_in(
        "enroll_race",
        "SELECT count(*) FROM certificates WHERE name = 'dev-r'",
    );
    assert_eq!(rows.trim(), "1", "one certificate for the device");
}

#[test]
fn a_service_killed_with_kill_9_loses_nothing() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub", "openssl");
    let pg = requires_postgres!();
    let mut rig = Rig::new();
    let names = ["dev-k1", "dev-k2", "dev-k3", "dev-k4"];
    let [a, _b] = two_services(&mut rig, &pg, "enroll_kill", &names);
    a.kill9();
    // The other service answers at once, and holds no lock the dead one left: the server
    // ended its session. The broker keeps the dead member's share of the requests in its
    // session (the service's session is persistent) until it is back.
    let mut answered = 0;
    for device in names {
        let csr = rig.csr(device, device);
        let tls = rig.psk("bootstrap.psk", device);
        let topic = format!("{device}/csr");
        if let Some(answer) = rig.ask(&tls, device, &topic, &csr, Duration::from_secs(3)) {
            assert_eq!(answer["status"], "issued", "{answer}");
            answered += 1;
        }
    }
    assert!(answered > 0, "{}", rig.log_text());
    // Restarted, it answers what waited for it: every device has its certificate.
    let _a = member(&rig, "pki", "enroll-a");
    let count = "SELECT count(*) FROM certificates WHERE name LIKE 'dev-k%' AND status = 'valid'";
    wait_until("every request is answered", Duration::from_secs(30), || {
        let n = pg.sql_in("enroll_kill", count);
        if n.trim() == "4" { Ok(()) } else { Err(n) }
    });
}
