//! The `mqauth` binary: parse arguments, run the command, turn failures into `error: …` lines
//! and exit codes.

mod cli;

use clap::FromArgMatches;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = match cli::command(&args).try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(e) => return clap_exit(e),
    };
    let parsed = match cli::Cli::from_arg_matches(&matches) {
        Ok(parsed) => parsed,
        Err(e) => return clap_exit(e),
    };
    match cli::run(parsed) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // One line, whatever the file names and contents in the message hold.
            eprintln!("error: {}", cli::escape(&e.to_string()));
            ExitCode::from(e.exit_status().code())
        }
    }
}

/// clap's own messages: help and version on stdout with 0, usage errors on stderr with 2.
fn clap_exit(e: clap::Error) -> ExitCode {
    let _ = e.print();
    if e.use_stderr() {
        ExitCode::from(cli::ExitStatus::Usage.code())
    } else {
        ExitCode::SUCCESS
    }
}

// Parsing 100,000 certificates in parallel is allocation-bound; glibc's malloc spent a fifth of
// `inspect` on locking and consolidation there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
