//! One shape for the command line: exit codes, names, help texts, JSON conventions.

use crate::common::{fails, mqauth, ok, requires, run, run_tool, usage};
use std::fs;

#[test]
fn arguments_that_do_not_fit_are_usage_errors() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    fs::write(d.join("r.csr"), "not read").unwrap();
    let e = usage(d, "pki sign --csr r.csr --dns x.example");
    assert!(e.contains("--profile broker"), "{e}");
    usage(d, "psk gen x --out k.txt --append --format json");
    usage(d, "pki frobnicate");
    usage(d, "inspect");
}

/// Every command and group of commands, as a path of subcommand names.
fn commands() -> Vec<Vec<String>> {
    let help = |path: &[String]| {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = mqauth().args(&args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut all = vec![Vec::new()];
    let mut i = 0;
    while i < all.len() {
        let text = help(&all[i]);
        let mut in_commands = false;
        for line in text.lines() {
            if line == "Commands:" {
                in_commands = true;
                continue;
            }
            if in_commands {
                // A command's line starts with two spaces; its wrapped help with more.
                let Some(name) = line
                    .strip_prefix("  ")
                    .filter(|l| !l.starts_with(' '))
                    .and_then(|l| l.split_whitespace().next())
                else {
                    if line.trim().is_empty() {
                        break;
                    }
                    continue;
                };
                if name != "help" {
                    let mut path = all[i].clone();
                    path.push(name.to_string());
                    all.push(path);
                }
            }
        }
        i += 1;
    }
    all
}

#[test]
fn every_command_has_examples_and_no_eaten_placeholders() {
    let all = commands();
    assert!(all.len() >= 25, "{all:?}");
    for path in &all {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = mqauth().args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Example"),
            "`mqauth {}` has no example",
            path.join(" ")
        );
        // clap turns "{n}" into a line break: a template's help must not say it.
        for line in text.lines() {
            assert!(
                !line.trim_start().starts_with("is the number"),
                "`mqauth {}`: {line}",
                path.join(" ")
            );
        }
    }
    let client = String::from_utf8_lossy(
        &mqauth()
            .args(["pki", "client", "-h"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(client.contains("{n:04} is the number"), "{client}");
}

#[test]
fn one_name_for_each_directory() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // The PKI directory: --pki everywhere, --dir kept for `pki` verbs.
    ok(d, "pki init --pki a");
    ok(d, "pki client c1 --dir a");
    ok(d, "pki client c2 --pki a");
    ok(d, "inspect --pki a");
    ok(d, "verify --pki a a/issued/c1.crt");
    // The fleet directory: --fleet-dir everywhere, --out kept where it meant the directory.
    ok(d, "fleet apply --example --fleet-dir f1");
    ok(d, "fleet apply --example --out f2");
    assert!(d.join("f1/brokers/broker1/mosquitto.conf").exists());
    assert!(d.join("f2/brokers/broker1/mosquitto.conf").exists());
    ok(d, "broker render --example --fleet-dir f1");
    ok(d, "acl render --example --fleet-dir f1 --out acl.txt");
    assert!(d.join("acl.txt").is_file(), "--out is a file");
}

#[test]
fn json_spells_keys_and_subjects_one_way() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki client c1");
    let json =
        |args: &str| -> serde_json::Value { serde_json::from_slice(&ok(d, args).stdout).unwrap() };
    let listed = json("pki list --json");
    let c1 = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "c1")
        .unwrap()
        .clone();
    let inspected = json("inspect pki/issued/c1.crt --json");
    let verified = json("verify --pki pki pki/issued/c1.crt --json");
    for (what, v) in [
        ("pki list", &c1),
        ("inspect", &inspected[0]),
        ("verify", &verified[0]),
    ] {
        assert_eq!(v["subject"], "CN=c1", "{what}: {v}");
    }
    assert_eq!(c1["key"], "p256");
    assert_eq!(inspected[0]["key"], "p256");
    assert_eq!(inspected[0]["cn"], "c1");
    assert_eq!(verified[0]["cn"], "c1");
    assert_eq!(inspected[0]["issuer"], c1["issuer"]);
}

#[test]
fn fleet_apply_reports_json_and_plan_signals_pending_changes() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    fs::write(d.join("fleet.yaml"), mqauth_example()).unwrap();
    let plan = run(d, "fleet plan --exit-code");
    assert_eq!(plan.status.code(), Some(5), "changes are pending");
    let plan = run(d, "fleet plan --detailed-exitcode --json");
    assert_eq!(plan.status.code(), Some(5));
    let planned: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let out = ok(d, "fleet apply --json");
    let applied: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds = |v: &serde_json::Value| {
        let mut k: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{} {}", s["kind"], s["name"]))
            .collect();
        k.sort();
        k
    };
    assert_eq!(kinds(&planned), kinds(&applied));
    assert_eq!(run(d, "fleet plan --exit-code").status.code(), Some(0));
    let again: serde_json::Value =
        serde_json::from_slice(&ok(d, "fleet apply --json").stdout).unwrap();
    assert_eq!(again, serde_json::json!([]));
}

fn mqauth_example() -> &'static str {
    include_str!("../../examples/fleet.yaml")
}

#[test]
fn verify_takes_a_date_and_a_pki() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki client c1 --days 30d");
    ok(d, "verify --pki pki pki/issued/c1.crt");
    let later = run(d, "verify --pki pki --at 2099-01-01 pki/issued/c1.crt");
    assert_eq!(later.status.code(), Some(4));
    // `pki init` signs a CRL, which --pki brings along: in 2099 it has expired too, and like
    // OpenSSL, verify says so first.
    assert!(String::from_utf8_lossy(&later.stdout).contains("has expired"));
    usage(d, "verify --pki pki --at 2099-13-01 pki/issued/c1.crt");
    // --pki brings the CRL along.
    ok(d, "pki revoke c1");
    let revoked = run(d, "verify --pki pki pki/issued/c1.crt");
    assert_eq!(revoked.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&revoked.stdout).contains("certificate revoked"));
    let e = fails(d, "verify --pki nowhere pki/issued/c1.crt");
    assert!(e.contains("nowhere"), "{e}");
}

#[test]
fn colour_and_environment_behave() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let out = mqauth()
        .current_dir(d)
        .args(["--color", "always", "pki", "bogus"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains('\x1b'));
    let out = mqauth()
        .current_dir(d)
        .env("CLICOLOR_FORCE", "1")
        .args(["--color=never", "pki", "bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\x1b'));
    // An empty variable is no variable.
    let out = mqauth()
        .current_dir(d)
        .env("MQAUTH_PASSPHRASE_FILE", "")
        .args(["pki", "init"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = fs::read_to_string(d.join("pki/ca.key")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
    let e = fails(d, "fleet plan");
    assert!(
        e.contains("fleet.yaml") && e.contains("mqauth fleet init"),
        "{e}"
    );
}

#[test]
fn one_certificate_is_shown_in_detail() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    ok(d, "pki broker b1 --dns mqtt.example.com --ip 10.0.0.1");
    let out = ok(d, "inspect pki/issued/b1.crt");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for field in [
        "Subject     CN=b1",
        "SANs        DNS:mqtt.example.com, IP:10.0.0.1",
        "Key usage   digitalSignature",
        "EKU         serverAuth",
        "SHA-256     ",
        "Extensions  ",
        "keyUsage (critical)",
        "Status      valid",
    ] {
        assert!(text.contains(field), "{field:?} in\n{text}");
    }
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    let long = ok(d, "inspect pki/issued pki/ca.crt --long");
    let long = String::from_utf8_lossy(&long.stdout);
    // b1.crt, the two of b1.fullchain.pem, ca.crt.
    assert_eq!(long.matches("SHA-256 ").count(), 4, "{long}");
    requires!("openssl");
    let fingerprint = run_tool(
        "openssl",
        &[
            "x509",
            "-in",
            "pki/issued/b1.crt",
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
        d,
    );
    let openssl = String::from_utf8_lossy(&fingerprint.stdout)
        .trim()
        .rsplit('=')
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(text.contains(&openssl[..47]), "{openssl} in {text}");
    let json: serde_json::Value =
        serde_json::from_slice(&ok(d, "inspect pki/issued/b1.crt --json").stdout).unwrap();
    assert_eq!(json[0]["fingerprint_sha256"], openssl.replace(':', ""));
}
