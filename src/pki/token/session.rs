//! Logged-in sessions with a token, shared by the whole process.
//!
//! PKCS#11 login state belongs to the application, not to a session: one `C_Login` serves
//! every session of the process with that token. So each (module, token) is opened and logged
//! in once, and the sessions are pooled: a signer takes an idle session (or opens one, which is
//! already logged in), signs, and gives it back, so rayon's threads sign concurrently when the
//! token allows several sessions. A session the token closed underneath us (a long-running
//! enrollment service, a token re-inserted) is replaced and the operation retried once.

use super::TokenError;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::session::{Session, SessionState, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// A token, logged in, with its idle sessions.
pub struct Token {
    ctx: Pkcs11,
    slot: Slot,
    label: String,
    // Kept (zeroized on drop by `secrecy`) only to log in again after the token dropped us.
    pin: AuthPin,
    idle: Mutex<Vec<Session>>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the map or pool valid; carry on.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A module may be initialised only once per process (CKR_CRYPTOKI_ALREADY_INITIALIZED).
fn context(module: &Path) -> Result<Pkcs11, TokenError> {
    static CONTEXTS: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let mut map = lock(CONTEXTS.get_or_init(Default::default));
    if let Some(ctx) = map.get(module) {
        return Ok(ctx.clone());
    }
    let load = |e: CkError| TokenError::Module {
        module: module.to_path_buf(),
        why: e.to_string(),
    };
    let ctx = Pkcs11::new(module).map_err(load)?;
    ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .map_err(load)?;
    map.insert(module.to_path_buf(), ctx.clone());
    Ok(ctx)
}

/// A token as the process knows it: its module and its label.
type TokenId = (PathBuf, String);

/// Opens (once per process) and logs in to the token labelled `label` in `module`.
pub fn open(
    module: &Path,
    label: &str,
    pin: &dyn Fn() -> Result<AuthPin, TokenError>,
) -> Result<Arc<Token>, TokenError> {
    static TOKENS: OnceLock<Mutex<HashMap<TokenId, Arc<Token>>>> = OnceLock::new();
    let mut map = lock(TOKENS.get_or_init(Default::default));
    let key = (module.to_path_buf(), label.to_string());
    if let Some(t) = map.get(&key) {
        return Ok(t.clone());
    }
    let ctx = context(module)?;
    let ck = |e: CkError| TokenError::from_ck(label, e);
    // Slot ids change when tokens are added; the label is what stays.
    let mut found = Vec::new();
    for slot in ctx.get_slots_with_token().map_err(ck)? {
        if ctx.get_token_info(slot).map_err(ck)?.label() == label {
            found.push(slot);
        }
    }
    let slot = match found.as_slice() {
        [slot] => *slot,
        [] => {
            return Err(TokenError::NoToken {
                label: label.to_string(),
                module: module.to_path_buf(),
            });
        }
        _ => {
            return Err(TokenError::AmbiguousToken {
                label: label.to_string(),
            });
        }
    };
    let token = Arc::new(Token {
        ctx,
        slot,
        label: label.to_string(),
        pin: pin()?,
        idle: Mutex::new(Vec::new()),
    });
    // Log in now, so a wrong PIN is reported before anything is signed or written.
    let session = token.new_session()?;
    token.put_back(session);
    map.insert(key, token.clone());
    Ok(token)
}

impl Token {
    pub fn label(&self) -> &str {
        &self.label
    }

    fn new_session(&self) -> Result<Session, TokenError> {
        let ck = |e: CkError| TokenError::from_ck(&self.label, e);
        let session = self.ctx.open_rw_session(self.slot).map_err(ck)?;
        let state = session.get_session_info().map_err(ck)?.session_state();
        if !matches!(state, SessionState::RwUser | SessionState::RoUser) {
            match session.login(UserType::User, Some(&self.pin)) {
                Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
                Err(e) => return Err(ck(e)),
            }
        }
        Ok(session)
    }

    fn put_back(&self, session: Session) {
        lock(&self.idle).push(session);
    }

    /// Runs `op` on a logged-in session; if the token has closed the session or logged us
    /// out, opens a fresh one (logging in again) and retries once.
    pub fn with_session<R>(
        &self,
        op: impl Fn(&Session) -> Result<R, CkError>,
    ) -> Result<R, TokenError> {
        let pooled = lock(&self.idle).pop();
        let session = match pooled {
            Some(s) => s,
            None => self.new_session()?,
        };
        let first = match op(&session) {
            Ok(r) => {
                self.put_back(session);
                return Ok(r);
            }
            Err(e) => e,
        };
        // Why it failed decides whether a retry can help: a session the token closed, or a
        // login it forgot (tokens then report the key's handle invalid, or the user not logged
        // in), is replaced; any other failure is the answer.
        let session = match session.get_session_info().map(|i| i.session_state()) {
            Ok(SessionState::RwUser | SessionState::RoUser) => {
                self.put_back(session);
                return Err(TokenError::from_ck(&self.label, first));
            }
            Ok(_) => {
                drop(session);
                self.new_session()?
            }
            Err(_) => {
                // The handle is dead: forget it rather than close it (closing fails too).
                std::mem::forget(session);
                self.new_session()?
            }
        };
        let r = op(&session).map_err(|e| TokenError::from_ck(&self.label, e))?;
        self.put_back(session);
        Ok(r)
    }
}

#[cfg(test)]
impl Token {
    /// Logs the whole process out of the token, as a token that timed out its login would.
    pub(super) fn log_out_for_test(&self) {
        let _ = self.with_session(|s| s.logout());
    }

    pub(super) fn idle_sessions(&self) -> usize {
        lock(&self.idle).len()
    }
}
