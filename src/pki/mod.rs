//! The certificate authority: keys, profiles, issuance, CSRs, revocation, renewal, and the
//! records of everything it issued.

mod allow;
mod ca;
mod ca_key;
mod crl;
mod crl_refresh;
mod csr;
mod entry;
mod error;
mod exposure;
mod hsm_import;
mod issue;
mod keys;
mod layout;
mod legacy_index;
mod migrate;
mod passphrase;
mod profile;
mod records;
mod renew;
mod revoke;
mod serial;
mod store;
mod token;

pub use allow::{Allowance, allow_again, blocked_devices, blocks_enrollment};
pub use ca::{
    BACKDATE, CaNameError, DEFAULT_CA_NAME, HsmPlan, InitOptions, SigningCa, check_ca_name, init,
    intermediate_name,
};
pub use ca_key::{CaKey, CaKeyLocations, TokenLocation};
pub use crl::{
    CrlInfo, CrlSigner, DEFAULT_CRL_LIFETIME, next_update as crl_next_update, publish_crl,
};
pub use crl_refresh::{CrlRefresh, crl_current_until, crl_path, refresh_crl};
pub use csr::{CsrRequest, parse_csr, read_csr};
pub use entry::{
    Entry, Reason, Snapshot, State, Status, UnknownReason, fingerprint, spki_sha256,
    spki_sha256_of_certificate,
};
pub use error::PkiError;
pub use exposure::{Exposure, exposed_ca_secrets, exposure, exposure_of};
pub use hsm_import::{Import, import_ca_key};
pub use issue::{IssueOptions, LeafKey, LeafRequest, cut_short, issue, issue_with_pem};
pub use keys::{
    KeyAlgorithm, KeyError, UnknownKeyAlgorithm, describe_key, key_from_pem, key_to_pem, pkcs8_pem,
    public_key_of_pem,
};
pub use layout::Layout;
pub use legacy_index::{IndexError, LegacyIndex};
pub use migrate::{Moved, move_records};
pub use passphrase::{Passphrase, PassphraseError};
pub use profile::{Profile, San, SanError};
pub use records::location::trim_newline;
pub use records::{Change, LocationError, PgLocation, Records, RecordsError, Settings};
pub use renew::{
    RenewOptions, RenewPlan, RenewSelection, Renewal, plan as renew_plan, renew,
    select as renew_selection,
};
pub use revoke::{Revocation, RevokeTarget, revoke};
pub use serial::{BadSerial, Serial};
pub use store::{Migration, Pki, ServerRecords, interrupted_run, prepare, read_records, snapshot};
pub use token::{MODULE_ENV, PIN_FILE_ENV, Pkcs11Uri, TokenAccess, TokenError, TokenKey, UriError};
