//! `mqauth completions SHELL` (the script on standard output, as rustup, gh and step print it),
//! `mqauth man DIR`, and the hidden `mqauth generate man|completions|systemd-unit`: the man pages
//! and shell completions come from the clap declarations (`man/` and `completions/` in the
//! repository are made with `generate`, and a test fails when they are stale), and the systemd
//! unit is a hardened one for a long-running command.

use super::{Cli, CliError, ExitStatus, Ui};
use clap::{Args, CommandFactory, Subcommand};
use clap_complete::Shell;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `mqauth completions SHELL`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth completions bash > ~/.local/share/bash-completion/completions/mqauth\n  \
    mqauth completions zsh > ~/.zfunc/_mqauth\n  \
    mqauth completions fish > ~/.config/fish/completions/mqauth.fish")]
pub struct CompletionsArgs {
    /// The shell the script is for
    #[arg(value_enum)]
    shell: Shell,
}

/// `mqauth man DIR`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  \
    mqauth man ~/.local/share/man/man1 && man mqauth-fleet-apply")]
pub struct ManArgs {
    /// Where the pages go (created if missing)
    dir: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mqauth generate man man/\n  \
    mqauth generate completions bash completions/\n  \
    mqauth generate systemd-unit enroll -- -m /var/lib/mqauth/fleet.yaml --metrics 127.0.0.1:9464")]
pub struct GenerateArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// One man page per command, into DIR
    Man { dir: PathBuf },
    /// The completion script for SHELL, into DIR
    Completions {
        #[arg(value_enum)]
        shell: Shell,
        dir: PathBuf,
    },
    /// A hardened systemd unit for a service, on standard output
    SystemdUnit {
        #[command(subcommand)]
        service: UnitFor,
    },
}

#[derive(Debug, Subcommand)]
enum UnitFor {
    /// `enroll serve` with the arguments after `--`, run from the current directory
    #[command(
        after_help = "The arguments after -- are checked as `enroll serve` checks them; \
    relative paths are read from the current directory (the unit's WorkingDirectory). The unit \
    may write only the PKI, the fleet directory with -m, and the --bootstrap-psk-file's \
    directory with --bootstrap once.\n\n\
    Example:\n  \
    cd /var/lib/mqauth && mqauth generate systemd-unit enroll -- -m fleet.yaml \\\n      \
    --metrics 127.0.0.1:9464 > /etc/systemd/system/mqauth-enroll.service"
    )]
    Enroll {
        /// The user the service runs as
        #[arg(long, default_value = "mqauth", value_name = "USER")]
        user: String,
        /// Its group (default: the user's name)
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
        /// `enroll serve`'s arguments
        #[arg(last = true, value_name = "SERVE-ARGS")]
        serve: Vec<String>,
    },
}

pub fn man(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(Cli::command(), dir)
}

pub fn completions(shell: Shell, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    clap_complete::generate_to(shell, &mut Cli::command(), "mqauth", dir).map(|_| ())
}

/// `mqauth completions SHELL`: the script on standard output.
pub fn print_completions(args: CompletionsArgs) -> Result<ExitStatus, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "mqauth", &mut script);
    std::io::stdout()
        .lock()
        .write_all(&script)
        .map_err(CliError::stdout)?;
    Ok(ExitStatus::Success)
}

/// `mqauth man DIR`.
pub fn write_man(args: ManArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    man(&args.dir).map_err(|source| CliError::Output {
        what: "the man pages",
        source,
    })?;
    ui.summary(format!("wrote {}", args.dir.display()));
    Ok(ExitStatus::Success)
}

pub fn run(args: GenerateArgs, ui: &Ui) -> Result<ExitStatus, CliError> {
    let (dir, written) = match args.what {
        What::Man { dir } => {
            let written = man(&dir);
            (dir, written)
        }
        What::Completions { shell, dir } => {
            let written = completions(shell, &dir);
            (dir, written)
        }
        What::SystemdUnit {
            service: UnitFor::Enroll { user, group, serve },
        } => {
            let group = group.unwrap_or_else(|| user.clone());
            let unit = super::enroll::systemd_unit(&serve, user, group)?;
            std::io::stdout()
                .lock()
                .write_all(unit.render().as_bytes())
                .map_err(CliError::stdout)?;
            return Ok(ExitStatus::Success);
        }
    };
    written.map_err(|source| CliError::Output {
        what: "the generated files",
        source,
    })?;
    ui.summary(format!("wrote {}", dir.display()));
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The shells whose completions the repository carries.
    const SHELLS: [Shell; 5] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ];

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

    /// `completions/` and `man/` are what `mqauth generate` writes today.
    #[test]
    fn completions_and_man_pages_are_up_to_date() -> std::io::Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let fresh = tempfile::tempdir()?;
        man(&fresh.path().join("man"))?;
        for shell in SHELLS {
            completions(shell, &fresh.path().join("completions"))?;
        }
        for dir in ["completions", "man"] {
            let want = read_dir(&fresh.path().join(dir));
            let have = read_dir(&root.join(dir));
            let stale: Vec<&String> = want
                .keys()
                .chain(have.keys())
                .filter(|name| want.get(*name) != have.get(*name))
                .collect();
            assert!(
                stale.is_empty(),
                "{dir}/ is out of date ({stale:?}); run `cargo run -- generate man man && for s in bash zsh fish elvish powershell; do cargo run -- generate completions $s completions; done`"
            );
        }
        Ok(())
    }
}
