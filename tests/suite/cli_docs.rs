//! The command line where the documentation meets it: `mqauth completions SHELL` and
//! `mqauth man DIR`, help that lists only the flags a verb takes, the example manifest as
//! `fleet init` writes it, the `fleet apply` table, the version the docs speak of.

use crate::common::{ok, run, usage};
use std::fs;
use std::path::Path;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `mqauth completions SHELL` prints the script, as rustup, gh and step do: the same text that
/// `completions/` in the repository holds.
#[test]
fn completions_print_the_script_for_each_shell() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "mqauth.bash"),
        ("zsh", "_mqauth"),
        ("fish", "mqauth.fish"),
        ("elvish", "mqauth.elv"),
        ("powershell", "_mqauth.ps1"),
    ] {
        let printed = stdout(&ok(d, format!("completions {shell}")));
        assert!(printed.contains("fleet"), "{shell}: {printed}");
        let shipped = fs::read_to_string(root.join("completions").join(file)).unwrap();
        assert_eq!(
            printed, shipped,
            "completions {shell} vs completions/{file}"
        );
    }
    usage(d, "completions tcsh");
    // Nothing was written where it ran.
    assert_eq!(fs::read_dir(d).unwrap().count(), 0);
}

/// `mqauth man DIR` writes one page per command; `generate` still works.
#[test]
fn man_writes_the_pages_and_generate_still_works() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "man pages");
    for page in ["mqauth.1", "mqauth-fleet-apply.1", "mqauth-completions.1"] {
        assert!(d.join("pages").join(page).is_file(), "{page}");
    }
    ok(d, "generate man old");
    ok(d, "generate completions bash comp");
    assert!(d.join("old/mqauth-man.1").is_file());
    assert!(d.join("comp/mqauth.bash").is_file());
    // Both visible in the top-level help.
    let help = stdout(&ok(d, "--help"));
    assert!(help.contains("completions"), "{help}");
    assert!(help.contains("\n  man "), "{help}");
}

/// `broker snippet` reads a plain PKI: its help does not offer a manifest, and one given before
/// the verb is refused; `broker render` still takes one before or after the verb.
#[test]
fn broker_snippet_offers_no_manifest() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let help = stdout(&ok(d, "broker snippet --help"));
    assert!(!help.contains("--manifest"), "{help}");
    assert!(!help.contains("--example"), "{help}");
    assert!(!help.contains("-m,"), "{help}");
    usage(d, "broker snippet --example --broker b1");
    let err = usage(d, "broker -m fleet.yaml snippet --broker b1");
    assert!(err.contains("broker render"), "{err}");
    let render = stdout(&ok(d, "broker render --help"));
    assert!(
        render.contains("--manifest") && render.contains("--example"),
        "{render}"
    );

    ok(d, "-q fleet apply --example --fleet-dir f");
    ok(d, "-q broker --example render --fleet-dir f");
    ok(d, "-q broker render --example --fleet-dir f");
    fs::write(d.join("m.yaml"), fleet_example()).unwrap();
    ok(d, "-q broker -m m.yaml render --fleet-dir f");
    usage(d, "broker -m m.yaml render --example --fleet-dir f");
    usage(d, "broker -m m.yaml render -m other.yaml --fleet-dir f");
}

fn fleet_example() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/fleet.yaml")).unwrap()
}

/// What `fleet init` writes names today's flag (`--fleet-dir`) and today's docs.
#[test]
fn fleet_init_speaks_of_the_fleet_dir() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(d, "-q fleet init");
    let written = fs::read_to_string(d.join("fleet.yaml")).unwrap();
    assert!(!written.contains("apply --out"), "{written}");
    assert!(written.contains("apply --fleet-dir"), "{written}");
    assert!(!written.contains("README: Enrollment"), "{written}");
    assert!(written.contains("docs/enrollment.md"), "{written}");
}

/// The "... and N more" row of a category follows that category's rows, not the whole table.
#[test]
fn the_apply_table_says_how_many_more_where_they_belong() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let table = stdout(&ok(d, "fleet apply --example --fleet-dir demo"));
    let lines: Vec<&str> = table.lines().collect();
    let more = lines
        .iter()
        .position(|l| l.contains("... and 480 more"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(lines[more].starts_with("device certificate"), "{table}");
    assert!(
        lines[more - 1].contains("sensor-0020"),
        "the row before: {}\n{table}",
        lines[more - 1]
    );
    assert!(
        lines[more + 1..]
            .iter()
            .all(|l| !l.starts_with("device certificate")),
        "{table}"
    );
    // Other categories come after it.
    assert!(
        lines[more + 1..].iter().any(|l| l.starts_with("file ")),
        "{table}"
    );
}

/// The docs speak of "mqauth before 0.2": the version is at least that, and `--version` says it.
#[test]
fn the_version_is_the_one_the_docs_speak_of() {
    let t = tempfile::tempdir().unwrap();
    let out = run(t.path(), "--version");
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(stdout(&out).trim(), format!("mqauth {version}"));
    assert!(!version.starts_with("0.1."), "{version}");
    assert!(!version.starts_with("0.0."), "{version}");
}

/// `fleet apply --group` says so when the group cannot enter the fleet directory (a broker
/// dropping to its own user would fail to open its files there).
#[test]
fn apply_with_group_warns_about_a_closed_directory() {
    use std::os::unix::fs::PermissionsExt;
    if !crate::common::is_root() {
        eprintln!("SKIP apply_with_group_warns_about_a_closed_directory: needs root for --group");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    fs::set_permissions(d, fs::Permissions::from_mode(0o700)).unwrap();
    let out = ok(
        d,
        "-q fleet apply --example --fleet-dir demo --group mosquitto",
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("group mosquitto cannot enter"), "{said}");
    assert!(said.contains("(mode 0700)"), "{said}");
    fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    let out = ok(
        d,
        "-q fleet apply --example --fleet-dir demo --group mosquitto",
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("cannot enter"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
