//! `completions/` and `man/` are generated from the clap declarations. This test fails when
//! they are out of date; `UPDATE_GENERATED=1 cargo test --bin mqauth generated` rewrites them.

use super::Cli;
use clap::CommandFactory;
use clap_complete::Shell;
use std::collections::BTreeMap;
use std::path::Path;

fn render(out: &Path) -> std::io::Result<()> {
    let completions = out.join("completions");
    let man = out.join("man");
    std::fs::create_dir_all(&completions)?;
    std::fs::create_dir_all(&man)?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        clap_complete::generate_to(shell, &mut Cli::command(), "mqauth", &completions)?;
    }
    clap_mangen::generate_to(Cli::command(), &man)
}

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(e.path()).unwrap_or_default())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn completions_and_man_pages_are_up_to_date() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = tempfile::tempdir()?;
    render(fresh.path())?;
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    for dir in ["completions", "man"] {
        let want = read_dir(&fresh.path().join(dir));
        if update {
            let _ = std::fs::remove_dir_all(root.join(dir));
            std::fs::create_dir_all(root.join(dir))?;
            for (name, text) in &want {
                std::fs::write(root.join(dir).join(name), text)?;
            }
            continue;
        }
        let have = read_dir(&root.join(dir));
        let stale: Vec<&String> = want
            .keys()
            .chain(have.keys())
            .filter(|name| want.get(*name) != have.get(*name))
            .collect();
        assert!(
            stale.is_empty(),
            "{dir}/ is out of date ({stale:?}); run `UPDATE_GENERATED=1 cargo test --bin mqauth generated`"
        );
    }
    Ok(())
}
