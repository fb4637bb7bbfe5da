//! `bootstrap: once`: a device's factory PSK identity is removed from every psk_file once it
//! holds a certificate, so that a factory key that leaks later enrolls nothing.

use super::settings::BootstrapRetirement;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum RetireError {
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    #[error(transparent)]
    Psk(#[from] crate::psk::PskError),
    #[error("reload command: {0}")]
    Reload(#[source] std::io::Error),
    #[error("reload command exited with {0}")]
    ReloadFailed(std::process::ExitStatus),
}

/// Removes the identities of `devices` that are still in the psk_files (a device whose answer
/// is sent again may have lost its identity already), then runs the reload command. Returns
/// the devices removed. Done before the answers go out: a crash in between sends the answer
/// again, and this again.
pub fn retire(
    retirement: &BootstrapRetirement,
    devices: &[String],
) -> Result<Vec<String>, RetireError> {
    let _lock = retirement
        .lock
        .as_deref()
        .map(crate::lock::lock_dir)
        .transpose()?;
    let mut gone: Vec<String> = Vec::new();
    for psk_file in retirement.psk_files.iter().filter(|f| f.exists()) {
        let present: std::collections::HashSet<String> = crate::psk::PskFile::open(psk_file)?
            .identities()
            .map(str::to_string)
            .collect();
        let here: Vec<String> = devices
            .iter()
            .filter(|d| present.contains(*d))
            .cloned()
            .collect();
        if !here.is_empty() {
            crate::psk::revoke(psk_file, &here)?;
        }
        gone.extend(here);
    }
    gone.sort();
    gone.dedup();
    if gone.is_empty() {
        return Ok(gone);
    }
    if let Some(command) = &retirement.reload_command {
        let status = std::process::Command::new("sh")
            .args(["-c", command])
            .stdin(std::process::Stdio::null())
            .status()
            .map_err(RetireError::Reload)?;
        if !status.success() {
            return Err(RetireError::ReloadFailed(status));
        }
    }
    Ok(gone)
}
