//! A crash at any moment loses nothing: the next run finishes or undoes the interrupted one.
//!
//! Debug builds of mqauth abort at a named point when `MQAUTH_CRASH` says so (`journal-created`, `journaled`,
//! `rename:N`, `committed`), exactly as `kill -9` would leave things; a second test kills real
//! batches with SIGKILL at seeded random moments.

use crate::common::{mqauth, ok};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Runs mqauth with `MQAUTH_CRASH=point` and checks that it did crash there.
fn crash_at(dir: &Path, point: &str, args: &[&str]) {
    let out = mqauth()
        .current_dir(dir)
        .env("MQAUTH_CRASH", point)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_none(),
        "mqauth {args:?} with MQAUTH_CRASH={point} did not crash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file under `dir` with its contents.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                out.insert(path.clone(), fs::read(&path).unwrap_or_default());
            }
        }
    }
    out
}

/// Names a crashed run may leave and recovery must remove.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    files(dir)
        .into_keys()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.contains(".mqauth-tmp-")
                || name.contains(".mqauth-bak-")
                || name.ends_with(".mqauth-journal")
                || name == ".writing"
        })
        .collect()
}

/// `inspect --pki` finds every certificate in force valid and the files matching the index.
fn assert_clean(dir: &Path) {
    let out = mqauth()
        .current_dir(dir)
        .args(["inspect", "--pki", "pki", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "inspect --pki: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn devices_in_index(dir: &Path) -> usize {
    let index: serde_json::Value = crate::common::records(&dir.join("pki"));
    index["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["profile"] == "client" && e["status"] == "valid")
        .count()
}

const BATCH: usize = 150;
/// Renames of a batch of BATCH new devices: a certificate and a key each; the batch commits
/// in pki.db after the last one.
const RENAMES: usize = 2 * BATCH;

#[test]
fn an_interrupted_batch_is_undone_before_its_commit_point_and_finished_after() {
    let count = BATCH.to_string();
    let batch = ["pki", "client", "--count", count.as_str()];
    for point in [
        "journaled".to_string(),
        "rename:1".into(),
        format!("rename:{}", RENAMES / 2),
        format!("rename:{RENAMES}"),
        "renamed".into(),
        "committed".into(),
    ] {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        ok(d, "pki init");
        let before = files(&d.join("pki"));
        crash_at(d, &point, &batch);
        assert!(!leftovers(&d.join("pki")).is_empty() || point == "journaled");
        // The next command that changes the PKI recovers; a reader alone changes nothing.
        let out = ok(d, "pki crl");
        let warning = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(leftovers(&d.join("pki")).is_empty(), "{point}");
        assert_clean(d);
        if point == "committed" {
            assert!(warning.contains("finished an interrupted run"), "{warning}");
            assert_eq!(devices_in_index(d), BATCH);
        } else {
            assert!(
                warning.contains("undid an interrupted run"),
                "{point}: {warning}"
            );
            assert_eq!(devices_in_index(d), 0, "{point}");
            let now = files(&d.join("pki"));
            // The CRL was signed anew; the database files change with every commit.
            let unchanged = |p: &PathBuf| {
                let name = p.file_name().unwrap().to_string_lossy();
                name != "crl.pem" && !name.starts_with("pki.db")
            };
            assert_eq!(
                before.keys().filter(|p| unchanged(p)).collect::<Vec<_>>(),
                now.keys().filter(|p| unchanged(p)).collect::<Vec<_>>(),
                "{point}"
            );
            // The interrupted command simply runs again.
            ok(d, &batch);
            assert_eq!(devices_in_index(d), BATCH);
        }
        assert_clean(d);
    }
}

#[test]
fn a_kill_between_creating_the_journal_and_writing_it_wedges_nothing() {
    let count = BATCH.to_string();
    let batch = ["pki", "client", "--count", count.as_str()];
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "pki init");
    // kill -9 right after the journal was created: an empty file, nothing renamed.
    crash_at(d, "journal-created", &batch);
    let journal = d.join("pki/.pki.mqauth-journal");
    assert_eq!(fs::metadata(&journal).unwrap().len(), 0);
    // Every writer recovers from it: it is a torn write, nothing had been renamed.
    ok(d, "pki crl");
    assert!(leftovers(&d.join("pki")).is_empty(), "{:?}", leftovers(d));
    assert_clean(d);
    assert_eq!(devices_in_index(d), 0);
    ok(d, &batch);
    assert_eq!(devices_in_index(d), BATCH);
    assert_clean(d);
}

#[test]
fn an_interrupted_force_batch_loses_no_key() {
    let count = BATCH.to_string();
    let batch = ["pki", "client", "--count", count.as_str(), "--force"];
    for point in [
        "rename:1".to_string(),
        format!("rename:{}", RENAMES - 1),
        "committed".into(),
    ] {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        ok(d, "pki init");
        ok(d, &["pki", "client", "--count", &count]);
        let before = files(&d.join("pki/private"));
        crash_at(d, &point, &batch);
        ok(d, "pki crl");
        assert!(leftovers(&d.join("pki")).is_empty(), "{point}");
        assert_clean(d);
        let after = files(&d.join("pki/private"));
        assert_eq!(before.len(), after.len(), "{point}");
        if point == "committed" {
            assert!(before.iter().all(|(p, k)| after[p] != *k), "{point}");
        } else {
            assert_eq!(before, after, "{point}: every key restored");
        }
    }
}

#[test]
fn batches_killed_at_random_moments_recover() {
    // A fixed seed: the same moments on every run, spread over the whole batch.
    let mut state: u64 = 0x6d71_6175_7468;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n = "600";
    let t = tempfile::tempdir().unwrap();
    let timing = t.path();
    ok(timing, "pki init");
    let started = Instant::now();
    ok(timing, &["pki", "client", "--count", n]);
    let full = started.elapsed();
    // Removing thousands of files makes ext4 slow to create the next ones for minutes (see
    // benches/common.sh): the rounds' directories go only at the end.
    let mut rounds = Vec::new();
    for round in 0..4 {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().to_path_buf();
        rounds.push(t);
        let d = d.as_path();
        ok(d, "pki init");
        let force = round % 2 == 1;
        if force {
            ok(d, &["pki", "client", "--count", n]);
        }
        let mut args = vec!["pki", "client", "--count", n];
        if force {
            args.push("--force");
        }
        // The renames come last: aim at the second half of the run, where they are.
        let delay = full.mul_f64(0.5 + (next() % 1000) as f64 / 2000.0);
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("mqauth"))
            .current_dir(d)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        ok(d, "pki crl");
        assert!(leftovers(&d.join("pki")).is_empty(), "round {round}");
        assert_clean(d);
        let done = devices_in_index(d);
        assert!(done == 0 || done == 600, "round {round}: {done}");
        if done == 0 || force {
            ok(d, &args);
        }
        assert_eq!(devices_in_index(d), 600);
        assert_clean(d);
    }
}

#[test]
fn an_interrupted_fleet_apply_is_completed_by_the_next_one() {
    let manifest = "fleet: acme\nbrokers:\n  - { name: b1, listen: 127.0.0.1, dns: [mqtt.acme.example], mtls_port: 18883, psk_port: 18884 }\ngroups:\n  s: { auth: mtls, publish: [\"d/{id}/t\"] }\n  g: { auth: psk, publish: [\"g/{id}/t\"] }\ndevices:\n  - { template: \"s{n}\", from: 1, to: 100, group: s }\n  - { id: g1, group: g }\n";
    // Renames in order: the CAs (5 files), the broker's and 100 devices' certificates (203
    // files), the first CRL (1), the broker files (4); each PKI batch commits in pki.db after
    // its renames. `renamed` and `committed` hit the first batch, the CAs'.
    for point in [
        "rename:3",
        "renamed",
        "committed",
        "rename:50",
        "rename:208",
        "rename:209",
        "rename:211",
    ] {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::write(d.join("fleet.yaml"), manifest).unwrap();
        crash_at(d, point, &["fleet", "apply"]);
        ok(d, "fleet apply");
        let out = ok(d, "fleet apply");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("nothing to do"),
            "{point}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(leftovers(d).is_empty(), "{point}: {:?}", leftovers(d));
        assert_clean(d);
        assert!(d.join("brokers/b1/mosquitto.conf").exists());
    }
}

#[test]
fn interrupted_psk_changes_leave_no_secrets_behind() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "psk gen --count 20 --out psk.txt");
    let before = fs::read(d.join("psk.txt")).unwrap();
    // A rotation that also writes the changed entries is a batch of two files.
    crash_at(
        d,
        "rename:1",
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
    // What a killed `psk gen` leaves: a temporary full of keys.
    fs::write(d.join(".psk.txt.mqauth-tmp-00000000000000aa"), "k:00\n").unwrap();
    fs::write(d.join(".out.txt.mqauth-tmp-00000000000000bb"), "k:00\n").unwrap();
    ok(d, "psk revoke --file psk.txt device-0001");
    assert!(
        !d.join("new.txt").exists(),
        "the half-done rotation is undone"
    );
    let text = fs::read_to_string(d.join("psk.txt")).unwrap();
    assert_eq!(text.lines().count(), 19);
    assert!(String::from_utf8_lossy(&before).contains(text.lines().next().unwrap()));
    assert!(!d.join(".psk.txt.mqauth-tmp-00000000000000aa").exists());
    ok(d, "psk gen x1 --out out.txt");
    assert!(!d.join(".out.txt.mqauth-tmp-00000000000000bb").exists());
    let left: Vec<_> = fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
