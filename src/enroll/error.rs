use thiserror::Error;

#[derive(Debug, Error)]
pub enum EnrollError {
    #[error("{what}: cannot use it for TLS: {why}")]
    Tls { what: &'static str, why: String },
    #[error("cannot start the service: {0}")]
    Runtime(#[source] std::io::Error),
}
