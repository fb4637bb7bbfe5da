//! `broker snippet` for a plain PKI, and `--group`: Mosquitto started as root drops to its own
//! user, which must read exactly the broker's key and psk_file and nothing else.

use crate::common::{Broker, Tls, free_port, is_root, ok, publish, requires, round_trip};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn mode_of(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

fn group_of(p: &Path) -> u32 {
    fs::metadata(p).unwrap().gid()
}

#[test]
fn the_snippet_runs_as_mosquittos_own_user_with_group() {
    requires!("mosquitto", "mosquitto_pub", "mosquitto_sub");
    if !is_root() {
        eprintln!(
            "SKIP the_snippet_runs_as_mosquittos_own_user_with_group: needs root to start mosquitto as its own user"
        );
        return;
    }
    let Ok(gid) = mqauth::group::group_id("mosquitto") else {
        panic!("the mosquitto package made no mosquitto group");
    };
    let tmp = tempfile::tempdir().unwrap();
    // Where a deployment keeps it (/etc/mosquitto/…): the broker's user may enter.
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let d = tmp.path();
    ok(d, "-q pki init");
    ok(
        d,
        "-q pki broker broker1 --dns localhost --ip 127.0.0.1 --group mosquitto",
    );
    ok(d, "-q pki client dev1 dev2");
    ok(d, "-q pki revoke dev2");
    fs::create_dir(d.join("psk")).unwrap();
    ok(d, "-q psk gen gw1 --out psk/psk.txt --group mosquitto");

    // Exactly the broker's files are the group's; CA and device keys stay owner-only.
    assert_eq!(mode_of(&d.join("pki/private/broker1.key")), 0o640);
    assert_eq!(group_of(&d.join("pki/private/broker1.key")), gid);
    assert_eq!(
        mode_of(&d.join("pki/private")),
        0o710,
        "passable, not listable"
    );
    for key in ["private/dev1.key", "ca.key", "intermediate.key"] {
        assert_eq!(mode_of(&d.join("pki").join(key)), 0o600, "{key}");
    }
    assert_eq!(mode_of(&d.join("psk/psk.txt")), 0o640);
    // A re-issued broker key stays readable by the broker.
    ok(
        d,
        "-q pki broker broker1 --dns localhost --ip 127.0.0.1 --force",
    );
    assert_eq!(mode_of(&d.join("pki/private/broker1.key")), 0o640);
    assert_eq!(group_of(&d.join("pki/private/broker1.key")), gid);
    let inspected = ok(d, "inspect --pki pki");
    assert!(!String::from_utf8_lossy(&inspected.stderr).contains("broker1.key is readable"));

    let (mtls, psk) = (free_port(), free_port());
    let snippet = String::from_utf8_lossy(
        &ok(d, format!("broker snippet --broker broker1 --listen 127.0.0.1 --mtls-port {mtls} --psk-file psk/psk.txt --psk-port {psk}")).stdout,
    )
    .into_owned();
    assert!(
        snippet.contains("require_certificate true")
            && snippet.contains("use_identity_as_username true")
    );
    assert!(snippet.contains(&format!(
        "crlfile {}",
        fs::canonicalize(d.join("pki/crl.pem")).unwrap().display()
    )));
    // No `user root`: Mosquitto drops to the mosquitto user before it reads the files.
    let conf = d.join("own-user.conf");
    fs::write(&conf, &snippet).unwrap();
    let log = d.join("broker.log");
    let _broker = Broker::start_with_file(&conf, &log, &[mtls, psk]);
    let pid = _broker.pid();
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let uid = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .unwrap()
        .to_string();
    assert!(
        !uid.split_whitespace().nth(1).unwrap().eq("0"),
        "running as root: {uid}"
    );

    let pki = d.join("pki");
    let dev1 = Tls::cert(
        &pki.join("ca.crt"),
        &pki.join("issued/dev1.crt"),
        &pki.join("private/dev1.key"),
    );
    let got = round_trip(
        mtls,
        &dev1,
        "t/1",
        &dev1,
        "t/1",
        "m",
        Duration::from_secs(10),
    );
    assert_eq!(got.as_deref(), Some("m"));
    let key = fs::read_to_string(d.join("psk/psk.txt")).unwrap();
    let hex = key.lines().find_map(|l| l.strip_prefix("gw1:")).unwrap();
    assert!(
        publish(psk, &Tls::psk("gw1", hex), "t/2", "m")
            .status
            .success()
    );
    // The CRL is enforced: the revoked dev2 is refused.
    let dev2 = Tls::cert(
        &pki.join("ca.crt"),
        &pki.join("issued/dev2.crt"),
        &pki.join("private/dev2.key"),
    );
    assert!(!publish(mtls, &dev2, "t/1", "m").status.success());

    // Without --group the same broker cannot read its key and does not start.
    let other = d.join("nogroup");
    fs::create_dir(&other).unwrap();
    fs::set_permissions(&other, fs::Permissions::from_mode(0o755)).unwrap();
    ok(&other, "-q pki init");
    ok(&other, "-q pki broker broker1 --dns localhost");
    let port = free_port();
    let snippet = ok(
        &other,
        format!("broker snippet --broker broker1 --listen 127.0.0.1 --mtls-port {port}"),
    );
    fs::write(other.join("m.conf"), &snippet.stdout).unwrap();
    let out = Command::new(crate::common::tool_path("mosquitto"))
        .arg("-c")
        .arg(other.join("m.conf"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("key") || said.contains("Unable"), "{said}");
}

#[test]
fn fleet_apply_with_group_runs_the_rendered_broker_as_its_own_user() {
    requires!("mosquitto", "mosquitto_pub");
    if !is_root() {
        eprintln!(
            "SKIP fleet_apply_with_group_runs_the_rendered_broker_as_its_own_user: needs root to start mosquitto as its own user"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let d = tmp.path();
    let (mtls, psk) = (free_port(), free_port());
    fs::write(
        d.join("fleet.yaml"),
        format!("fleet: acme\nbrokers:\n  - {{ name: b1, listen: 127.0.0.1, ip: [127.0.0.1], mtls_port: {mtls}, psk_port: {psk} }}\ngroups:\n  s: {{ auth: mtls, publish: [\"d/{{id}}\"] }}\n  g: {{ auth: psk, publish: [\"g/{{id}}\"] }}\ndevices:\n  - {{ id: s1, group: s }}\n  - {{ id: g1, group: g }}\n"),
    )
    .unwrap();
    let out = ok(d, "fleet apply --group mosquitto");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("gave group mosquitto read access to 2 broker files")
    );
    assert_eq!(mode_of(&d.join("pki/private/b1.key")), 0o640);
    assert_eq!(mode_of(&d.join("brokers/b1/psk.txt")), 0o640);
    assert_eq!(
        mode_of(&d.join("psk/devices.psk")),
        0o600,
        "the store stays the operator's"
    );
    assert_eq!(mode_of(&d.join("pki/private/s1.key")), 0o600);
    let log = d.join("broker.log");
    let _broker = Broker::start_with_file(&d.join("brokers/b1/mosquitto.conf"), &log, &[mtls, psk]);
    let pki = d.join("pki");
    let s1 = Tls::cert(
        &pki.join("ca.crt"),
        &pki.join("issued/s1.crt"),
        &pki.join("private/s1.key"),
    );
    assert!(publish(mtls, &s1, "d/s1", "m").status.success());
    let store = fs::read_to_string(d.join("psk/devices.psk")).unwrap();
    let hex = store.lines().find_map(|l| l.strip_prefix("g1:")).unwrap();
    assert!(
        publish(psk, &Tls::psk("g1", hex), "g/g1", "m")
            .status
            .success()
    );
    // A later apply that rewrites the broker's psk_file keeps it the group's.
    fs::write(
        d.join("fleet.yaml"),
        fs::read_to_string(d.join("fleet.yaml")).unwrap() + "  - { id: g2, group: g }\n",
    )
    .unwrap();
    ok(d, "-q fleet apply");
    assert_eq!(mode_of(&d.join("brokers/b1/psk.txt")), 0o640);
    assert!(
        fs::read_to_string(d.join("brokers/b1/psk.txt"))
            .unwrap()
            .contains("g2:")
    );
}
