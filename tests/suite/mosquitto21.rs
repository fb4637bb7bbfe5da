//! Mosquitto 2.1: the fleet's rendered files run by Mosquitto 2.1.2 built from its release
//! source (.ci/mosquitto21.sh, once per run), with the same checks as on Debian's 2.0 —
//! isolation over both listeners, PSK devices, removal and pruning, revocation on a reload,
//! enrollment, the dynamic-security JSON — and a broker log free of the deprecation and
//! permission warnings 2.1 gives 2.0-style configurations.

use crate::common::{Mosquitto, fails, free_port, mode, ok, requires};
use crate::enroll_fleet::manifest_enrollment_on;
use crate::fleet_mosquitto::{
    dynamic_security_on, least_privilege_on, reload_locks_out_on, removed_devices_on,
};
use std::fs;

/// Mosquitto 2.1.2, or return (skipping, or failing under CI=true) when it cannot be built.
macro_rules! mosquitto21 {
    () => {
        match Mosquitto::v21() {
            Some(m) => m,
            None => return,
        }
    };
}

/// What 2.1 logs about a 2.0-style configuration (MEASURED.md, "Mosquitto 2.1.2"): none of it
/// may appear for one rendered for 2.1.
fn assert_no_upgrade_warnings(log: &str) {
    for warning in [
        "deprecated",
        "per_listener_settings",
        "listener_allow_anonymous",
        "world readable",
        "refuse to load",
    ] {
        assert!(
            !log.to_lowercase().contains(warning),
            "the broker warns about {warning:?}:\n{log}"
        );
    }
    assert!(log.contains("mosquitto version 2.1"), "{log}");
}

#[test]
fn a_fleet_rendered_for_2_1_isolates_devices_on_2_1_without_warnings() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    let log = least_privilege_on(&m);
    assert_no_upgrade_warnings(&log);
}

#[test]
fn removed_and_pruned_devices_are_refused_by_2_1() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    removed_devices_on(&m);
}

#[test]
fn a_reload_locks_a_revoked_certificate_out_of_2_1() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    reload_locks_out_on(&m);
}

#[test]
fn a_manifest_enrollment_runs_on_2_1() {
    requires!("mosquitto_pub", "mosquitto_sub", "openssl");
    let m = mosquitto21!();
    let log = manifest_enrollment_on(&m);
    assert_no_upgrade_warnings(&log);
}

#[test]
fn the_dynamic_security_json_enforces_the_rules_on_2_1() {
    requires!("mosquitto_pub", "mosquitto_sub");
    let m = mosquitto21!();
    let log = dynamic_security_on(&m);
    assert_no_upgrade_warnings(&log);
}

/// What a 2.1 configuration says, and the ACL files' modes (2.1 warns about readable ones).
/// Needs no broker.
#[test]
fn a_2_1_broker_gets_plugins_per_listener_and_private_acl_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (mtls, psk) = (free_port(), free_port());
    let manifest = format!(
        "fleet: acme\nbrokers:\n  - {{ name: b1, ip: [127.0.0.1], mtls_port: {mtls}, psk_port: {psk} }}\n\
         groups:\n  s: {{ auth: mtls, publish: [\"d/{{id}}\"] }}\n  g: {{ auth: psk, publish: [\"g/{{id}}\"] }}\n\
         devices:\n  - {{ id: s1, group: s }}\n  - {{ id: g1, group: g }}\n"
    );
    fs::write(d.join("fleet.yaml"), &manifest).unwrap();
    ok(d, "fleet apply");
    let conf = d.join("brokers/b1/mosquitto.conf");
    let v20 = fs::read_to_string(&conf).unwrap();
    assert!(v20.contains("per_listener_settings true"), "{v20}");
    assert_eq!(mode(&d.join("brokers/b1/mtls.acl")), 0o644);

    // The switch is a change `fleet plan` shows: the configuration, and the ACL files, whose
    // text is the same but whose mode is not.
    fs::write(
        d.join("fleet.yaml"),
        manifest.replace(
            &format!("psk_port: {psk} }}"),
            &format!("psk_port: {psk}, mosquitto: \"2.1\", plugin_dir: /opt/mosquitto/lib }}"),
        ),
    )
    .unwrap();
    let plan = ok(d, "fleet plan");
    let plan = String::from_utf8_lossy(&plan.stdout);
    for file in ["mosquitto.conf", "mtls.acl", "psk.acl"] {
        assert!(plan.contains(file), "{file}: {plan}");
    }
    ok(d, "fleet apply");
    let v21 = fs::read_to_string(&conf).unwrap();
    let acl = |name: &str| d.join("brokers/b1").join(name).display().to_string();
    for line in [
        "plugin_load acl_mtls /opt/mosquitto/lib/mosquitto_acl_file.so".to_string(),
        format!("plugin_opt_acl_file {}", acl("mtls.acl")),
        "plugin_load acl_psk /opt/mosquitto/lib/mosquitto_acl_file.so".to_string(),
        format!("plugin_opt_acl_file {}", acl("psk.acl")),
        "listener_allow_anonymous false\ncafile".to_string(),
        "plugin_use acl_mtls\n".to_string(),
        "listener_allow_anonymous false\npsk_hint".to_string(),
        "plugin_use acl_psk\n".to_string(),
    ] {
        assert!(v21.contains(&line), "{line}: {v21}");
    }
    for gone in [
        "\nper_listener_settings",
        "\nallow_anonymous",
        "\nacl_file",
        "max_packet_size",
    ] {
        assert!(!v21.contains(gone), "{gone}: {v21}");
    }
    for file in ["mtls.acl", "psk.acl", "psk.txt"] {
        assert_eq!(mode(&d.join("brokers/b1").join(file)), 0o600, "{file}");
    }
    let again = ok(d, "fleet plan --exit-code");
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing to do"));
}

#[test]
fn an_unsupported_release_is_refused_where_the_manifest_says_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("fleet.yaml"),
        "fleet: acme\nbrokers:\n  - name: b1\n    ip: [127.0.0.1]\n    mtls_port: 8883\n    mosquitto: \"3.0\"\n\
         groups:\n  s: { auth: mtls }\ndevices:\n  - { id: s1, group: s }\n",
    )
    .unwrap();
    let err = fails(d, "fleet plan");
    assert!(err.contains("fleet.yaml:6:16"), "{err}");
    assert!(err.contains("\"3.0\"") && err.contains("2.1"), "{err}");
    let err = crate::common::usage(
        d,
        "broker snippet --pki pki --broker b1 --mosquitto-version 3.0",
    );
    assert!(err.contains("3.0"), "{err}");
}
