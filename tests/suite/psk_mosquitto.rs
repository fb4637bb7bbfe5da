//! PSK files from mqauth loaded by a real Mosquitto PSK listener.

use crate::common::{Broker, Tls, free_port, ok, publish, requires, round_trip};
use std::path::Path;
use std::time::Duration;

fn key_of(file: &Path, identity: &str) -> String {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{identity}:")).map(str::to_string))
        .unwrap_or_else(|| panic!("{identity} not in {}", file.display()))
}

fn hup(broker: &Broker) {
    let before = broker.log_text().matches("Reloading config").count();
    let status = std::process::Command::new("kill")
        .args(["-HUP", &broker.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while broker.log_text().matches("Reloading config").count() <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "no reload: {}",
            broker.log_text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_thousand_identities_in_a_real_psk_listener() {
    requires!("mosquitto");
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    ok(dir, "psk gen --count 1000 --out psk.txt");
    let psk = dir.join("psk.txt");
    let acl = dir.join("acl");
    std::fs::write(&acl, "pattern readwrite devices/%u/#\n").unwrap();
    let port = free_port();
    let config = format!(
        "per_listener_settings true\nlistener {port} 127.0.0.1\npsk_hint mqauth-test\npsk_file {}\n\
         use_identity_as_username true\nallow_anonymous false\nacl_file {}\n",
        psk.display(),
        acl.display()
    );
    let broker = Broker::start(dir, &config, &[port]);
    let as_device = |id: &str, key: &str| Tls::psk(id, key);

    // A device connects with its own key; the ACL keyed on %u proves the identity is the username.
    let d500 = as_device("device-0500", &key_of(&psk, "device-0500"));
    let got = round_trip(
        port,
        &d500,
        "devices/device-0500/#",
        &d500,
        "devices/device-0500/up",
        "hi",
        Duration::from_secs(5),
    );
    assert_eq!(got.as_deref(), Some("hi"), "{}", broker.log_text());
    let d1000 = as_device("device-1000", &key_of(&psk, "device-1000"));
    assert!(
        publish(port, &d1000, "devices/device-1000/up", "x")
            .status
            .success()
    );

    // Another device's key is refused.
    let stolen = as_device("device-0500", &key_of(&psk, "device-0501"));
    assert!(
        !publish(port, &stolen, "devices/device-0500/up", "x")
            .status
            .success()
    );

    // Rotation: the old key works until the broker reloads; after SIGHUP only the new one does.
    let old = key_of(&psk, "device-0500");
    ok(dir, "psk rotate --file psk.txt device-0500");
    let new = key_of(&psk, "device-0500");
    assert_ne!(old, new);
    assert!(
        publish(
            port,
            &as_device("device-0500", &old),
            "devices/device-0500/up",
            "x"
        )
        .status
        .success()
    );
    hup(&broker);
    assert!(
        !publish(
            port,
            &as_device("device-0500", &old),
            "devices/device-0500/up",
            "x"
        )
        .status
        .success()
    );
    let fresh = as_device("device-0500", &new);
    let got = round_trip(
        port,
        &fresh,
        "devices/device-0500/#",
        &fresh,
        "devices/device-0500/up",
        "rotated",
        Duration::from_secs(5),
    );
    assert_eq!(got.as_deref(), Some("rotated"), "{}", broker.log_text());

    // Revocation: gone after the next reload.
    let key = key_of(&psk, "device-0007");
    ok(dir, "psk revoke --file psk.txt device-0007");
    hup(&broker);
    assert!(
        !publish(
            port,
            &as_device("device-0007", &key),
            "devices/device-0007/up",
            "x"
        )
        .status
        .success()
    );
    assert!(
        publish(port, &d1000, "devices/device-1000/up", "still here")
            .status
            .success()
    );
}
