//! The one signer behind every CA signature: a key from a file or a key in a token. Certificates,
//! CRLs and `pki init` sign through `CaKey`, so a new back end is a new variant here.
//!
//! Where each CA key lives is recorded in `ca-keys.json` beside the certificates (absent: both
//! are files, as before tokens were supported).

use super::error::PkiError;
use super::layout::Layout;
use super::profile::Profile;
use super::token::{Pkcs11Uri, TokenAccess, TokenKey};
use rcgen::{KeyPair, PublicKeyData, SignatureAlgorithm, SigningKey};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A CA's private key, wherever it is kept.
#[derive(Debug)]
pub enum CaKey {
    File(KeyPair),
    Token(TokenKey),
}

impl SigningKey for CaKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        match self {
            CaKey::File(k) => k.sign(msg),
            CaKey::Token(k) => k.sign(msg),
        }
    }
}

impl PublicKeyData for CaKey {
    fn der_bytes(&self) -> &[u8] {
        match self {
            CaKey::File(k) => k.der_bytes(),
            CaKey::Token(k) => k.der_bytes(),
        }
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        match self {
            CaKey::File(k) => PublicKeyData::algorithm(k),
            CaKey::Token(k) => PublicKeyData::algorithm(k),
        }
    }
}

/// Where one CA key is: a token URI (without PIN) and the module that reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenLocation {
    pub uri: String,
    pub module: PathBuf,
}

/// The contents of `ca-keys.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaKeyLocations {
    /// The root's key, when it is in a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<TokenLocation>,
    /// The intermediate's key, when it is in a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate: Option<TokenLocation>,
    /// Every CA key is meant to be in a token: a key file found beside them is a warning.
    #[serde(default)]
    pub hsm_only: bool,
}

impl CaKeyLocations {
    /// The recorded locations; none recorded means every CA key is a file.
    pub fn read(layout: &Layout) -> Result<CaKeyLocations, PkiError> {
        let path = layout.ca_keys();
        if !path.exists() {
            return Ok(CaKeyLocations::default());
        }
        let text = super::ca::read_text(&path, crate::input::Kind::Index)?;
        serde_json::from_str(&text).map_err(|e| PkiError::Certificate {
            path,
            message: format!("not a record of CA key locations: {e}"),
        })
    }

    pub fn of(&self, profile: Profile) -> Option<&TokenLocation> {
        match profile {
            Profile::Root => self.root.as_ref(),
            Profile::Intermediate => self.intermediate.as_ref(),
            _ => None,
        }
    }

    pub fn to_json(&self) -> String {
        // Plain strings and a bool: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

impl TokenLocation {
    /// Opens the key (module and PIN file from the environment when set).
    pub fn open(&self) -> Result<TokenKey, PkiError> {
        let uri = Pkcs11Uri::parse(&self.uri).map_err(super::token::TokenError::from)?;
        Ok(TokenAccess::from_env(Some(&self.module)).open_key(&uri)?)
    }
}
