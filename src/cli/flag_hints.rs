//! Library errors in the command line's words. The library says what is wrong ("the file
//! exists"); only the command line knows which flag changes that ("use --force"), so the
//! messages that name a flag are made here, and every other error reads as the library wrote it.

use mqauth::atomic::FileError;
use mqauth::export::ExportError;
use mqauth::fleet::FleetError;
use mqauth::inspect::InspectError;
use mqauth::pki::{KeyError, PkiError};
use mqauth::psk::PskError;

pub fn file(e: &FileError) -> String {
    match e {
        FileError::Exists { .. } => format!("{e} (use --force to replace it)"),
        _ => e.to_string(),
    }
}

pub fn pki(e: &PkiError) -> String {
    match e {
        PkiError::File(f) => file(f),
        PkiError::Key(k) => key(k),
        PkiError::Missing { dir, .. } => {
            format!(
                "{e}; create one with `mqauth pki init --pki {}`",
                dir.display()
            )
        }
        PkiError::NoSan { name } => format!(
            "broker certificate {name:?} needs at least one --dns or --ip: clients check the broker against its subject alternative names, not its name"
        ),
        PkiError::AlreadyIssued { name, .. } => {
            format!("{e}; use --force to issue a new one, or `mqauth pki renew {name}`")
        }
        PkiError::NothingToIssue => {
            "nothing to issue: name at least one ID, or use --count".to_owned()
        }
        PkiError::CsrWithoutName { path } => format!(
            "{}: the request has no CN; give the certificate a name with --name",
            path.display()
        ),
        _ => e.to_string(),
    }
}

fn key(e: &KeyError) -> String {
    match e {
        KeyError::NeedsPassphrase { path } => format!(
            "{}: the key is encrypted; give its passphrase with --passphrase-file or MQAUTH_PASSPHRASE_FILE",
            path.display()
        ),
        _ => e.to_string(),
    }
}

pub fn psk(e: &PskError) -> String {
    match e {
        PskError::File(f) => file(f),
        PskError::NothingToGenerate => {
            "nothing to generate: name identities, or use --count".to_owned()
        }
        _ => e.to_string(),
    }
}

pub fn fleet(e: &FleetError) -> String {
    match e {
        FleetError::Pki(p) => pki(p),
        FleetError::Psk(p) => psk(p),
        FleetError::File(f) => file(f),
        _ => e.to_string(),
    }
}

pub fn inspect(e: &InspectError) -> String {
    match e {
        InspectError::Pki(p) => pki(p),
        _ => e.to_string(),
    }
}

pub fn export(e: &ExportError) -> String {
    match e {
        ExportError::Pki(p) => pki(p),
        ExportError::Psk(p) => psk(p),
        ExportError::File(f) => file(f),
        ExportError::NotForPsk { device, format } => format!(
            "{device} is a PSK device: --format {format} holds certificates; use dir, json, env or c-header"
        ),
        ExportError::Pkcs12WithoutPassphrase => {
            format!("{e}: --p12-passphrase-file FILE (or MQAUTH_P12_PASSPHRASE_FILE)")
        }
        ExportError::NotIssued { .. } => format!("{e}; `mqauth inspect --pki` explains"),
        _ => e.to_string(),
    }
}

/// `--host` of `inspect` and `verify`: a host name, where an address belongs to `--ip`.
pub fn host_name(text: &str) -> Result<mqauth::inspect::PeerName, String> {
    mqauth::inspect::PeerName::host(text).map_err(|e| format!("{e} (use --ip for an address)"))
}
