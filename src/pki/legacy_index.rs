//! `index.json`, where mqauth kept its records before `pki.db`: read once, to migrate them.

use super::entry::Entry;
use super::keys::KeyAlgorithm;
use serde::Deserialize;
use std::path::{Path, PathBuf};

const INDEX_VERSION: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyIndex {
    pub version: u32,
    pub key: KeyAlgorithm,
    #[serde(default)]
    pub crl_number: u64,
    #[serde(default)]
    pub root_crl_number: u64,
    pub certificates: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct IndexError {
    pub path: PathBuf,
    pub message: String,
}

impl LegacyIndex {
    pub fn parse(bytes: &[u8], path: &Path) -> Result<LegacyIndex, IndexError> {
        let index: LegacyIndex = serde_json::from_slice(bytes).map_err(|e| {
            // serde_json appends its own " at line L column C"; say it once, up front.
            let text = e.to_string();
            let message = text
                .rsplit_once(" at line ")
                .map_or(text.as_str(), |(m, _)| m);
            IndexError {
                path: path.to_path_buf(),
                message: format!("line {}, column {}: {message}", e.line(), e.column()),
            }
        })?;
        if index.version != INDEX_VERSION {
            return Err(IndexError {
                path: path.to_path_buf(),
                message: format!(
                    "index version {} is not supported (this mqauth reads version {INDEX_VERSION})",
                    index.version
                ),
            });
        }
        Ok(index)
    }
}
