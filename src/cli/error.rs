//! Failures of commands, and the exit status each one ends with.

use super::exit::ExitStatus;
use mqauth::fleet::FleetError;
use mqauth::inspect::InspectError;
use mqauth::pki::PkiError;
use mqauth::psk::PskError;
use std::path::PathBuf;

/// Any failure of a command; printed once as `error: …`. Library errors are worded by
/// [`super::flag_hints`], which names the flags that change them.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{}", super::flag_hints::pki(.0))]
    Pki(#[from] PkiError),
    #[error("{}", super::flag_hints::psk(.0))]
    Psk(#[from] PskError),
    #[error("{}", super::flag_hints::fleet(.0))]
    Fleet(#[from] FleetError),
    #[error("{}", super::flag_hints::inspect(.0))]
    Inspect(#[from] InspectError),
    #[error(transparent)]
    Enroll(#[from] mqauth::enroll::EnrollError),
    #[error(transparent)]
    Device(#[from] mqauth::enroll::device::DeviceError),
    #[error("{}", super::flag_hints::file(.0))]
    File(#[from] mqauth::atomic::FileError),
    #[error("{}", super::flag_hints::export(.0))]
    Export(#[from] mqauth::export::ExportError),
    #[error(transparent)]
    Audit(#[from] mqauth::audit::AuditError),
    /// Credentials a check found unusable, refused under --strict.
    #[error("{0}")]
    Refused(String),
    #[error("invalid name: {0}")]
    Name(#[from] mqauth::names::NameError),
    #[error(transparent)]
    Template(#[from] mqauth::names::TemplateError),
    /// Arguments that clap accepts but that make no sense together.
    #[error("{0}")]
    Usage(String),
    /// A command that reads files found nothing it could use.
    #[error("{}: {reason}", path.display())]
    Unusable { path: PathBuf, reason: String },
    /// A file given with a flag cannot be used; the flag names it.
    #[error("{flag}: {reason}")]
    FlagValue { flag: &'static str, reason: String },
    #[error("no certificates found in {0}")]
    NothingFound(String),
    #[error("cannot write to {what}: {source}")]
    Output {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl CliError {
    pub fn stdout(source: std::io::Error) -> Self {
        CliError::Output {
            what: "standard output",
            source,
        }
    }

    /// A closed pipe (`mqauth … | head`) is the reader's choice, not a failure worth a message.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Output { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn exit_status(&self) -> ExitStatus {
        match self {
            CliError::Usage(_) => ExitStatus::Usage,
            _ => ExitStatus::Failure,
        }
    }
}

macro_rules! from_domain_error {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::Pki(PkiError::from(e))
            }
        }
    )*};
}

from_domain_error!(mqauth::pki::PassphraseError, mqauth::pki::SanError);
