use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Pki(#[from] crate::pki::PkiError),
    #[error(transparent)]
    Records(#[from] crate::pki::RecordsError),
    #[error(transparent)]
    Psk(#[from] crate::psk::PskError),
    #[error(transparent)]
    File(#[from] crate::atomic::FileError),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    #[error(
        "{device}: no certificate in force and no PSK identity of that name{where_}; issue one with `mqauth pki client {device}`"
    )]
    UnknownDevice { device: String, where_: String },
    /// A device name that would not stay inside the export's directory (`../x`, `/x`) or is
    /// otherwise outside the identity alphabet: refused, never rewritten.
    #[error("{0}; a device's name becomes a file name, so it must follow the name rules")]
    Name(#[from] crate::names::NameError),
    #[error("{}: {message}", path.display())]
    Unreadable { path: PathBuf, message: String },
    #[error("{0}")]
    Broker(String),
    #[error("PKCS#12: {0}")]
    Pkcs12(String),
    /// A format that does not fit the device (PEM for a PSK device).
    #[error("{0}")]
    Format(String),
    /// A certificate format asked for a PSK device.
    #[error(
        "{device} is a PSK device: the {format} format holds certificates; use dir, json, env or c-header"
    )]
    NotForPsk {
        device: String,
        format: &'static str,
    },
    #[error("PKCS#12: a bundle needs a passphrase")]
    Pkcs12WithoutPassphrase,
    /// The device's certificate file is not the one the records say was issued.
    #[error("{}: is not the certificate the PKI issued to {device} (serial {serial})", path.display())]
    NotIssued {
        path: PathBuf,
        device: String,
        serial: String,
    },
    #[error("the device stack cannot use these credentials: {0}")]
    Stack(String),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
}
