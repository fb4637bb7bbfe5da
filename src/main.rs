//! The `mqauth` binary: parse arguments, run the command, turn failures into `error: …` lines
//! and exit codes.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // One line, whatever the file names and contents in the message hold.
            eprintln!("error: {}", cli::escape(&e.to_string()));
            ExitCode::from(1)
        }
    }
}

// Parsing 100,000 certificates in parallel is allocation-bound; glibc's malloc spent a fifth of
// `inspect` on locking and consolidation there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
