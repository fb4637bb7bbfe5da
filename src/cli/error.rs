use mqauth::pki::PkiError;

/// Any failure of a command; printed once as `error: …` with exit code 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Pki(#[from] PkiError),
    #[error("{0}")]
    Usage(String),
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

from_domain_error!(
    mqauth::atomic::FileError,
    mqauth::pki::PassphraseError,
    mqauth::names::NameError,
    mqauth::names::TemplateError,
    mqauth::pki::SanError
);
