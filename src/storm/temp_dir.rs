//! A private temporary directory (0700), removed when dropped: where a comparison keeps its
//! throwaway fleets and broker. The library has no tempfile crate outside tests.

use super::error::StormError;
use std::path::{Path, PathBuf};

pub(crate) struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> Result<TempDir, StormError> {
        use std::os::unix::fs::DirBuilderExt;
        let mut random = [0u8; 8];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random).map_err(
            |_| StormError::Temp {
                path: std::env::temp_dir(),
                why: "no randomness for its name".into(),
            },
        )?;
        let name: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!("mqauth-storm-{label}-{name}"));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(|e| StormError::Temp {
                path: path.clone(),
                why: e.to_string(),
            })?;
        Ok(TempDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
