//! The README stays true: every command in its fenced `sh` blocks runs, in order, in one fresh
//! directory, with the built binary on PATH as `mqauth`, and must exit 0.
//!
//! How a command line is marked, by a comment at its end:
//! - `# needs: broker` — it is, or talks to, a running broker. A line `mosquitto -c FILE` is
//!   started for real (the listeners moved to free loopback ports, nothing else changed) and a
//!   device of the example fleet must publish through it; other such lines are not run.
//! - `# needs: long-running` — it builds, installs or runs until stopped: not run.
//! - `# needs: system` — it writes outside the working directory (the home directory, /etc):
//!   not run.
//!
//! `cargo run [--release] -- ARGS` runs as `mqauth ARGS`; other `cargo` lines are not run (the
//! suite is itself running under `cargo test`). A line continued with `\` is one command.
//!
//! When the tests do not run as root, `--group mosquitto` is left out, as the README says to
//! do: only root may give files to another group, and only root's Mosquitto drops to its own
//! user.

use crate::common::{Broker, Tls, free_port, is_root, publish, requires};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One command of a `sh` block: the text before its comment, and its `needs:` mark.
#[derive(Debug)]
struct Shown {
    line: usize,
    command: String,
    needs: Option<String>,
}

/// The commands of `text`'s fenced `sh` blocks, continuation lines joined.
fn sh_commands(text: &str) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.starts_with("```") {
            in_sh = !in_sh && trimmed == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let (start, mut joined) = pending.take().unwrap_or((i + 1, String::new()));
        joined.push_str(trimmed);
        if let Some(head) = joined.strip_suffix('\\') {
            pending = Some((start, format!("{} ", head.trim_end())));
            continue;
        }
        if joined.is_empty() || joined.starts_with('#') {
            continue;
        }
        let needs = joined
            .rfind("# needs:")
            .map(|at| joined[at + "# needs:".len()..].trim().to_string());
        out.push(Shown {
            line: start,
            command: joined,
            needs,
        });
    }
    assert!(pending.is_none(), "a sh block ends with a continued line");
    out
}

/// A directory holding `mqauth`, the binary under test.
fn bin_dir(tmp: &Path) -> PathBuf {
    let dir = tmp.join("bin");
    fs::create_dir(&dir).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_mqauth"), dir.join("mqauth")).unwrap();
    dir
}

/// Runs `mosquitto -c FILE` as the README says, with its listeners on free ports, and sends a
/// message from a device of the example fleet through the mTLS and the PSK listener.
fn start_the_broker(work: &Path, command: &str) {
    requires!("mosquitto", "mosquitto_pub");
    let words = shell_words::split(command).unwrap();
    let file = match words.as_slice() {
        [_, flag, file, ..] if flag == "-c" => work.join(file),
        _ => panic!("a broker line the test does not know how to start: {command}"),
    };
    let rendered = fs::read_to_string(&file).unwrap();
    let (mtls, psk) = (free_port(), free_port());
    let moved = rendered
        .replace("listener 8883 ", &format!("listener {mtls} "))
        .replace("listener 8884 ", &format!("listener {psk} "));
    assert_ne!(
        moved, rendered,
        "the listeners were not found in {rendered}"
    );
    // Beside the original, so that whatever the broker may read there it reads here.
    let conf = file.with_file_name("readme-test.conf");
    fs::write(&conf, moved).unwrap();
    let log = work.join("readme-broker.log");
    let broker = Broker::start_with_file(&conf, &log, &[mtls, psk]);
    let pki = work.join("demo/pki");
    let sensor = Tls::cert(
        &pki.join("ca.crt"),
        &pki.join("issued/sensor-0001.crt"),
        &pki.join("private/sensor-0001.key"),
    );
    let sent = publish(mtls, &sensor, "devices/sensor-0001/telemetry", "21.5");
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let store = fs::read_to_string(work.join("demo/psk/devices.psk")).unwrap();
    let key = store
        .lines()
        .find_map(|l| l.strip_prefix("gw-01:"))
        .unwrap();
    let sent = publish(psk, &Tls::psk("gw-01", key), "gateways/gw-01/up", "1");
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    broker.terminate();
}

#[test]
fn every_command_in_the_readme_runs() {
    let text = fs::read_to_string(root().join("README.md")).unwrap();
    let commands = sh_commands(&text);
    assert!(commands.len() >= 10, "{commands:?}");
    // The README's first command is the main job on the bundled example.
    assert!(
        commands[0].command.contains("fleet apply --example"),
        "{:?}",
        commands[0]
    );
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path());
    let work = tmp.path().join("work");
    fs::create_dir(&work).unwrap();
    // A directory the broker's own user may enter, as the README asks.
    for dir in [tmp.path(), &work] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let home = tmp.path().join("home");
    fs::create_dir(&home).unwrap();
    let mut ran = 0;
    for shown in &commands {
        let mut command = shown.command.clone();
        for cargo_run in ["cargo run --release -- ", "cargo run -- "] {
            if let Some(rest) = command.strip_prefix(cargo_run) {
                command = format!("mqauth {rest}");
            }
        }
        match shown.needs.as_deref() {
            None => {}
            Some("broker") if command.starts_with("mosquitto -c ") => {
                start_the_broker(&work, &command);
                continue;
            }
            Some("broker" | "long-running" | "system") => continue,
            Some(other) => panic!("README.md:{}: unknown mark `# needs: {other}`", shown.line),
        }
        if command.starts_with("cargo ") {
            continue;
        }
        if !is_root() {
            command = command.replace(" --group mosquitto", "");
        }
        let out = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(&work)
            .env("PATH", &path)
            .env("HOME", &home)
            .env("NO_COLOR", "1")
            .env_remove("MQAUTH_PKI_DIR")
            .env_remove("MQAUTH_PASSPHRASE_FILE")
            .env_remove("MQAUTH_LOCK_TIMEOUT")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README.md:{}: `{command}` exited {}:\n{}{}",
            shown.line,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Nothing warns about the directory the README runs in.
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("cannot enter"),
            "README.md:{}: {}",
            shown.line,
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 8, "only {ran} commands ran");
}

/// The README is the short way in: the reference lives in docs/.
#[test]
fn the_readme_is_short() {
    let text = fs::read_to_string(root().join("README.md")).unwrap();
    let lines = text.lines().count();
    assert!(
        lines <= 250,
        "README.md has {lines} lines; the reference goes to docs/"
    );
}

/// docs/fleet.md shows the built-in example manifest as it is (`fleet init` writes it).
#[test]
fn the_documented_example_manifest_is_the_built_in_one() {
    let example = fs::read_to_string(root().join("examples/fleet.yaml")).unwrap();
    let doc = fs::read_to_string(root().join("docs/fleet.md")).unwrap();
    assert!(
        doc.contains(&format!("```yaml\n{example}```")),
        "docs/fleet.md must show examples/fleet.yaml verbatim"
    );
}

/// Files linked from the README and docs/ exist.
#[test]
fn relative_links_resolve() {
    let mut pages = vec![root().join("README.md")];
    for entry in fs::read_dir(root().join("docs")).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            pages.push(entry.path());
        }
    }
    let mut broken = Vec::new();
    for page in &pages {
        let text = fs::read_to_string(page).unwrap();
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = &rest[..end];
            if target.contains("://") || target.starts_with('#') || target.contains(' ') {
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            let resolved = page.parent().unwrap().join(file);
            if !resolved.exists() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links: {broken:#?}");
}
