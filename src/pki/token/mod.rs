//! CA keys in a PKCS#11 token (an HSM, a smart card, SoftHSM): URIs, the process-wide logged-in
//! sessions, and the key that signs through them.

mod key;
mod session;
#[cfg(test)]
mod tests;
mod uri;

pub use key::TokenKey;
pub use uri::{Pkcs11Uri, UriError};

use crate::pki::keys::KeyAlgorithm;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::types::AuthPin;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(transparent)]
    Uri(#[from] UriError),
    #[error("cannot use PKCS#11 module {}: {why}", module.display())]
    Module { module: PathBuf, why: String },
    #[error("no PKCS#11 module is set for token {label:?}")]
    NoModule { label: String },
    #[error("no token labelled {label:?} in PKCS#11 module {}", module.display())]
    NoToken { label: String, module: PathBuf },
    #[error("more than one token is labelled {label:?}")]
    AmbiguousToken { label: String },
    #[error("the PIN for token {label:?} is incorrect")]
    WrongPin { label: String },
    #[error("the PIN for token {label:?} is locked")]
    PinLocked { label: String },
    #[error("no PIN for token {label:?}: name a PIN file (the URI's pin-source, or a PIN file)")]
    NoPin { label: String },
    #[error("cannot read the PIN file {}: {why}", path.display())]
    PinFile { path: PathBuf, why: String },
    #[error("token {label:?}: {what} failed: {why}")]
    Pkcs11 {
        label: String,
        what: String,
        why: String,
    },
    #[error("more than one private key in the token matches {uri}")]
    AmbiguousKey { uri: String },
    #[error("no private key in the token matches {uri}")]
    NoKey { uri: String },
    #[error("the token holds no public key matching {uri}")]
    NoPublicKey { uri: String },
    #[error("{0} cannot be kept in a token by mqauth; choose p256 or p384")]
    UnsupportedKey(&'static str),
    #[error("the key {uri} is {found}, not {wanted}")]
    KeyTypeMismatch {
        uri: String,
        found: &'static str,
        wanted: &'static str,
    },
    #[error("the token already holds a key matching {uri}; name another object")]
    KeyExists { uri: String },
    #[error("that CA's key is already in a token ({uri})")]
    AlreadyInToken { uri: String },
    #[error("the key imported as {uri} did not produce a signature its certificate verifies")]
    ImportCheck { uri: String },
    #[error("no random bytes from the system")]
    Random,
}

impl TokenError {
    fn from_ck(label: &str, e: CkError) -> TokenError {
        match e {
            CkError::Pkcs11(RvError::PinIncorrect | RvError::PinLenRange, _) => {
                TokenError::WrongPin {
                    label: label.to_string(),
                }
            }
            CkError::Pkcs11(RvError::PinLocked, _) => TokenError::PinLocked {
                label: label.to_string(),
            },
            CkError::Pkcs11(rv, f) => TokenError::Pkcs11 {
                label: label.to_string(),
                what: format!("{f:?}"),
                why: format!("{rv:?}"),
            },
            other => TokenError::Pkcs11 {
                label: label.to_string(),
                what: "a call".into(),
                why: other.to_string(),
            },
        }
    }
}

/// How to reach a token: the module, and a PIN file unless the URI names one.
#[derive(Debug, Clone, Default)]
pub struct TokenAccess {
    pub module: Option<PathBuf>,
    pub pin_file: Option<PathBuf>,
}

/// The environment variables that name the module and the PIN file for every command.
pub const MODULE_ENV: &str = "MQAUTH_PKCS11_MODULE";
pub const PIN_FILE_ENV: &str = "MQAUTH_PKCS11_PIN_FILE";

impl TokenAccess {
    /// The module and PIN file from the environment, falling back to the recorded module.
    pub fn from_env(recorded_module: Option<&Path>) -> TokenAccess {
        TokenAccess {
            module: std::env::var_os(MODULE_ENV)
                .map(PathBuf::from)
                .or_else(|| recorded_module.map(Path::to_path_buf)),
            pin_file: std::env::var_os(PIN_FILE_ENV).map(PathBuf::from),
        }
    }

    fn module_for(&self, uri: &Pkcs11Uri) -> Result<PathBuf, TokenError> {
        self.module
            .clone()
            .or_else(|| uri.module_path.clone())
            .ok_or_else(|| TokenError::NoModule {
                label: uri.token.clone(),
            })
    }

    fn token(&self, uri: &Pkcs11Uri) -> Result<std::sync::Arc<session::Token>, TokenError> {
        let module = self.module_for(uri)?;
        let pin_path = uri.pin_source.clone().or_else(|| self.pin_file.clone());
        session::open(&module, &uri.token, &|| {
            let path = pin_path.as_ref().ok_or_else(|| TokenError::NoPin {
                label: uri.token.clone(),
            })?;
            read_pin(path)
        })
    }

    /// Opens and logs in to the token `uri` names, so a wrong PIN or a missing token is told
    /// before anything is written.
    pub fn login(&self, uri: &Pkcs11Uri) -> Result<(), TokenError> {
        self.token(uri).map(drop)
    }

    /// Stores an existing EC key in the token (see [`TokenKey::import`]).
    pub fn import_key(
        &self,
        uri: &Pkcs11Uri,
        algorithm: KeyAlgorithm,
        scalar: &[u8],
        point: &[u8],
    ) -> Result<TokenKey, TokenError> {
        TokenKey::import(self.token(uri)?, uri, algorithm, scalar, point)
    }

    /// The module this access resolves to for `uri`, to record beside the URI.
    pub fn module_path(&self, uri: &Pkcs11Uri) -> Result<PathBuf, TokenError> {
        self.module_for(uri)
    }

    /// The existing key `uri` names.
    pub fn open_key(&self, uri: &Pkcs11Uri) -> Result<TokenKey, TokenError> {
        TokenKey::find(self.token(uri)?, uri)?.ok_or_else(|| TokenError::NoKey {
            uri: uri.to_string(),
        })
    }

    /// The key `uri` names if the token has it (checked to be of type `algorithm`), else a
    /// new one generated in the token. The flag says whether it was generated.
    pub fn open_or_generate(
        &self,
        uri: &Pkcs11Uri,
        algorithm: KeyAlgorithm,
    ) -> Result<(TokenKey, bool), TokenError> {
        let token = self.token(uri)?;
        match TokenKey::find(token.clone(), uri)? {
            Some(key) if key.algorithm() == algorithm => Ok((key, false)),
            Some(key) => Err(TokenError::KeyTypeMismatch {
                uri: uri.to_string(),
                found: key.algorithm().id(),
                wanted: algorithm.id(),
            }),
            None => Ok((TokenKey::generate(token, uri, algorithm)?, true)),
        }
    }
}

/// The PIN: the file's first line, without its line ending.
fn read_pin(path: &Path) -> Result<AuthPin, TokenError> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| TokenError::PinFile {
        path: path.to_path_buf(),
        why: e.to_string(),
    })?);
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).map_err(|_| TokenError::PinFile {
        path: path.to_path_buf(),
        why: "the PIN is not UTF-8 text".into(),
    })?;
    if text.is_empty() {
        return Err(TokenError::PinFile {
            path: path.to_path_buf(),
            why: "it is empty".into(),
        });
    }
    Ok(AuthPin::from(text.to_string()))
}
