//! How mqauth ends: the exit statuses scripts and CI depend on (docs/exit-codes.md).

/// The process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Done; for checks, nothing to report.
    Success,
    /// A runtime error: bad input, unreadable file, refused overwrite.
    Failure,
    /// A usage error, whoever detects it: clap, or mqauth for arguments that make no sense
    /// together.
    Usage,
    /// A check found warnings only (e.g. certificates expiring within the window).
    Warnings,
    /// A check found at least one problem.
    Problems,
    /// `fleet plan --exit-code`: changes are pending. 2 (Terraform's choice) is taken by usage
    /// errors, 3 and 4 by checks.
    Changes,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Warnings => 3,
            ExitStatus::Problems => 4,
            ExitStatus::Changes => 5,
        }
    }

    /// The status of a check from what it found.
    pub fn of_check(problems: bool, warnings: bool) -> Self {
        if problems {
            ExitStatus::Problems
        } else if warnings {
            ExitStatus::Warnings
        } else {
            ExitStatus::Success
        }
    }
}
