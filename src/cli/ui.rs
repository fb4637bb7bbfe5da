//! How the CLI talks to people: summaries and warnings on stderr, colour decisions.

use super::{ColorChoice, GlobalArgs};
use std::io::IsTerminal;

#[derive(Debug, Clone)]
pub struct Ui {
    quiet: bool,
    color_stdout: bool,
    stderr_is_terminal: bool,
}

impl Ui {
    pub fn new(args: &GlobalArgs) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let stdout_is_terminal = std::io::stdout().is_terminal();
        let color_stdout = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_is_terminal && !no_color,
        };
        Ui {
            quiet: args.quiet,
            color_stdout,
            stderr_is_terminal: std::io::stderr().is_terminal(),
        }
    }

    /// A closing summary ("issued 3 certificates …"), silenced by --quiet.
    pub fn summary(&self, message: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", message.as_ref());
        }
    }

    /// Something the user should know even with --quiet.
    pub fn warn(&self, message: impl AsRef<str>) {
        eprintln!("warning: {}", message.as_ref());
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    pub fn color(&self) -> bool {
        self.color_stdout
    }

    pub fn paint_red(&self, text: &str) -> String {
        self.paint(text, "31")
    }

    pub fn paint_yellow(&self, text: &str) -> String {
        self.paint(text, "33")
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.color_stdout {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Progress bars only on a terminal, and not with --quiet.
    pub fn wants_progress(&self) -> bool {
        self.stderr_is_terminal && !self.quiet
    }
}
