//! `mqauth psk`: generation, formats, rotation, revocation and the linter, as a user runs them.

use crate::common::{fails, mode, mqauth, ok, usage};
use std::collections::HashSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn entries(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, key) = l.split_once(':').unwrap();
            (id.to_string(), key.to_string())
        })
        .collect()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

#[test]
fn gen_writes_unique_lowercase_keys_to_stdout() {
    let t = tempfile::tempdir().unwrap();
    let out = ok(
        t.path(),
        &[
            "psk",
            "gen",
            "--count",
            "200",
            "--template",
            "gw-{n:03}",
            "--start",
            "5",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let e = entries(&text);
    assert_eq!(e.len(), 200);
    assert_eq!(e[0].0, "gw-005");
    assert_eq!(e[199].0, "gw-204");
    let keys: HashSet<_> = e.iter().map(|(_, k)| k.clone()).collect();
    assert_eq!(keys.len(), 200, "every identity has its own key");
    for (_, k) in &e {
        assert_eq!(k.len(), 64);
        assert!(
            k.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
            "{k}"
        );
    }
    // Secrets go where they were asked for, not to stderr.
    let out = ok(t.path(), &["psk", "gen", "d1", "d2"]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn key_sizes_are_bounded() {
    let t = tempfile::tempdir().unwrap();
    for (bytes, hex) in [("16", 32), ("64", 128)] {
        let out = ok(t.path(), &["psk", "gen", "d1", "--bytes", bytes]);
        assert_eq!(
            entries(&String::from_utf8(out.stdout).unwrap())[0].1.len(),
            hex
        );
    }
    for bad in ["15", "65", "0", "x"] {
        let out = mqauth()
            .current_dir(t.path())
            .args(["psk", "gen", "d1", "--bytes", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--bytes {bad}");
    }
}

#[test]
fn csv_and_json_carry_the_same_fields() {
    let t = tempfile::tempdir().unwrap();
    let csv = String::from_utf8(ok(t.path(), &["psk", "gen", "a", "b", "--format", "csv"]).stdout)
        .unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("identity,key"));
    let rows: Vec<_> = lines.map(|l| l.split(',').collect::<Vec<_>>()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], "b");
    assert_eq!(rows[1][1].len(), 64);
    let json = ok(
        t.path(),
        &[
            "psk", "gen", "--count", "3", "--format", "json", "--out", "f.json",
        ],
    );
    assert!(json.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_str(&read(&t.path().join("f.json"))).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[2]["identity"], "device-0003");
    assert_eq!(v[2]["key"].as_str().unwrap().len(), 64);
    assert_eq!(mode(&t.path().join("f.json")), 0o600);
}

#[test]
fn out_is_0600_and_never_overwritten_without_force() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("psk.txt");
    let out = ok(
        t.path(),
        &["psk", "gen", "--count", "5", "--out", "psk.txt"],
    );
    assert_eq!(mode(&file), 0o600);
    let before = read(&file);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(&entries(&before)[0].1),
        "key on stderr"
    );
    let err = fails(
        t.path(),
        &["psk", "gen", "--count", "5", "--out", "psk.txt"],
    );
    assert!(err.contains("psk.txt already exists"), "{err}");
    assert_eq!(read(&file), before);
    ok(
        t.path(),
        &["psk", "gen", "--count", "2", "--out", "psk.txt", "--force"],
    );
    assert_eq!(entries(&read(&file)).len(), 2);
    assert_eq!(mode(&file), 0o600);
}

#[test]
fn append_adds_new_identities_and_refuses_existing_ones() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("psk.txt");
    fs::write(
        &file,
        "# site A\ndevice-0001:00112233445566778899aabbccddeeff\n",
    )
    .unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    ok(
        t.path(),
        &[
            "psk", "gen", "--count", "2", "--start", "2", "--out", "psk.txt", "--append",
        ],
    );
    let text = read(&file);
    assert!(
        text.starts_with("# site A\ndevice-0001:00112233445566778899aabbccddeeff\n"),
        "{text}"
    );
    assert_eq!(entries(&text).len(), 3);
    assert_eq!(mode(&file), 0o640, "append keeps the file's mode");
    let err = fails(
        t.path(),
        &[
            "psk",
            "gen",
            "new-1",
            "device-0002",
            "--out",
            "psk.txt",
            "--append",
        ],
    );
    assert!(
        err.contains("device-0002 is already in the file (line 3)"),
        "{err}"
    );
    assert_eq!(read(&file), text);
    usage(t.path(), "psk gen x --out psk.txt --append --format csv");
    fails(
        t.path(),
        &["psk", "gen", "x", "--out", "missing.txt", "--append"],
    );
}

#[test]
fn bad_identities_are_refused_up_front() {
    let t = tempfile::tempdir().unwrap();
    for bad in [
        &["psk", "gen", "a:b"][..],
        &["psk", "gen", "ok", "ok"],
        &["psk", "gen", "sp ace"],
    ] {
        fails(t.path(), bad);
    }
    fails(
        t.path(),
        &["psk", "gen", "--count", "3", "--template", "dev"],
    );
    fails(
        t.path(),
        &[
            "psk",
            "gen",
            "--count",
            "3",
            "--template",
            "dev/{n}",
            "--out",
            "x.txt",
        ],
    );
    assert!(!t.path().join("x.txt").exists());
}

#[test]
fn rotate_changes_only_the_chosen_keys_and_keeps_the_rest() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("psk.txt");
    ok(
        t.path(),
        &[
            "psk", "gen", "--count", "4", "--bytes", "16", "--out", "psk.txt",
        ],
    );
    let mut text = read(&file);
    text.insert_str(0, "# fleet A\n\n");
    fs::write(&file, &text).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    let before = entries(&text);

    ok(
        t.path(),
        &[
            "psk",
            "rotate",
            "--file",
            "psk.txt",
            "device-0002",
            "device-0004",
            "--changed-out",
            "new.txt",
        ],
    );
    let after_text = read(&file);
    assert!(
        after_text.starts_with("# fleet A\n\n"),
        "comments kept: {after_text}"
    );
    let after = entries(&after_text);
    assert_eq!(after.len(), 4);
    for (i, ((id_b, key_b), (id_a, key_a))) in before.iter().zip(&after).enumerate() {
        assert_eq!(id_b, id_a);
        if i == 1 || i == 3 {
            assert_ne!(key_b, key_a, "{id_a} rotated");
            assert_eq!(key_a.len(), 32, "keeps its 16-byte size");
        } else {
            assert_eq!(key_b, key_a, "{id_a} untouched");
        }
    }
    assert_eq!(mode(&file), 0o640, "rotate keeps the mode");
    let changed = entries(&read(&t.path().join("new.txt")));
    assert_eq!(changed, vec![after[1].clone(), after[3].clone()]);
    assert_eq!(mode(&t.path().join("new.txt")), 0o600);

    // Unknown identity: error, nothing changes (not even --changed-out).
    let err = fails(
        t.path(),
        &[
            "psk",
            "rotate",
            "--file",
            "psk.txt",
            "device-0001",
            "ghost",
            "--changed-out",
            "more.txt",
        ],
    );
    assert!(err.contains("ghost"), "{err}");
    assert_eq!(read(&file), after_text);
    assert!(!t.path().join("more.txt").exists());
    // An existing --changed-out file is not overwritten, and then the PSK file is not rotated.
    let err = fails(
        t.path(),
        &[
            "psk",
            "rotate",
            "--file",
            "psk.txt",
            "--all",
            "--changed-out",
            "new.txt",
        ],
    );
    assert!(err.contains("new.txt already exists"), "{err}");
    assert_eq!(read(&file), after_text);

    let out = ok(
        t.path(),
        &[
            "psk",
            "rotate",
            "--file",
            "psk.txt",
            "--all",
            "--bytes",
            "32",
            "--changed-out",
            "-",
        ],
    );
    let printed = entries(&String::from_utf8(out.stdout).unwrap());
    let now = entries(&read(&file));
    assert_eq!(printed, now);
    assert!(now.iter().all(|(_, k)| k.len() == 64));
}

#[test]
fn revoke_removes_identities_or_changes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("psk.txt");
    ok(
        t.path(),
        &["psk", "gen", "--count", "3", "--out", "psk.txt"],
    );
    let before = read(&file);
    let err = fails(
        t.path(),
        &[
            "psk",
            "revoke",
            "--file",
            "psk.txt",
            "device-0001",
            "nobody",
        ],
    );
    assert!(err.contains("nobody"), "{err}");
    assert_eq!(read(&file), before);
    ok(
        t.path(),
        &[
            "psk",
            "revoke",
            "--file",
            "psk.txt",
            "device-0001",
            "device-0003",
        ],
    );
    let ids: Vec<_> = entries(&read(&file))
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, vec!["device-0002"]);
    assert_eq!(mode(&file), 0o600);
    fails(t.path(), &["psk", "revoke", "--file", "missing.txt", "x"]);
}

fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = mqauth()
        .current_dir(dir)
        .arg("psk")
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn check_exit_codes_and_findings_with_line_numbers() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "psk gen --count 3 --out clean.txt");
    assert_eq!(check(d, &["clean.txt"]), (0, String::new()));

    // A warning only: an identity that works in Mosquitto but not in ACL patterns.
    let clean = read(&d.join("clean.txt"));
    let key = &entries(&clean)[0].1;
    fs::write(d.join("warn.txt"), format!("plant+1:{key}\n")).unwrap();
    fs::set_permissions(d.join("warn.txt"), fs::Permissions::from_mode(0o600)).unwrap();
    let (code, text) = check(d, &["warn.txt"]);
    assert_eq!(code, 3, "{text}");
    assert!(
        text.contains("warn.txt:1: warning [identity-chars]"),
        "{text}"
    );

    let bad = format!(
        "# comment\n\ndev-1:{key}\ndev-2:{key}\ndev-1:{k2}\nno separator here\ndev-3:abcd\ndev-4:xyz0\ndev-5:{weak}\n",
        k2 = entries(&clean)[1].1,
        weak = "41".repeat(16)
    );
    fs::write(d.join("bad.txt"), bad).unwrap();
    fs::set_permissions(d.join("bad.txt"), fs::Permissions::from_mode(0o644)).unwrap();
    let (code, text) = check(d, &["bad.txt"]);
    assert_eq!(code, 4, "{text}");
    for expected in [
        "bad.txt: problem [permissions]",
        "bad.txt:4: problem [shared-key] dev-2 has the same key as dev-1 (line 3)",
        "bad.txt:5: problem [duplicate-identity]",
        "bad.txt:6: problem [malformed]",
        "bad.txt:7: problem [short-key]",
        "bad.txt:8: problem [bad-hex]",
        "bad.txt:9: problem [weak-key]",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains(key.as_str()), "keys are never printed");

    // Keys shared across files are found too, and JSON carries the same findings.
    let (code, _) = check(d, &["clean.txt", "warn.txt"]);
    assert_eq!(code, 4);
    let (_, json) = check(d, &["clean.txt", "warn.txt", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let shared = &v[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "shared-key")
        .unwrap();
    assert_eq!(shared["line"], 1);
    assert_eq!(shared["severity"], "problem");
    assert!(shared["message"].as_str().unwrap().contains("clean.txt:1"));
    assert_eq!(v[0]["entries"], 3);

    // Unreadable: one file is a problem, no readable file at all is an error.
    let (code, text) = check(d, &["clean.txt", "missing.txt"]);
    assert_eq!(code, 4, "{text}");
    let err = fails(d, "psk check missing.txt");
    assert!(err.contains("missing.txt"), "{err}");
}
