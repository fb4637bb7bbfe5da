//! The certificate authority: keys, profiles, issuance, CSRs, the index and its files.

mod ca;
mod crl;
mod csr;
mod error;
mod exposure;
mod index;
mod issue;
mod keys;
mod layout;
mod passphrase;
mod profile;
mod renew;
mod revoke;
mod serial;
mod store;

pub use ca::{
    BACKDATE, CaNameError, DEFAULT_CA_NAME, InitOptions, SigningCa, check_ca_name, init,
    intermediate_name,
};
pub use crl::{
    CrlInfo, CrlSigner, DEFAULT_CRL_LIFETIME, next_update as crl_next_update, publish_crl,
};
pub use csr::{CsrRequest, parse_csr, read_csr};
pub use error::PkiError;
pub use exposure::{Exposure, exposed_ca_secrets, exposure};
pub use index::{Entry, Index, IndexError, Reason, State, Status, UnknownReason};
pub use issue::{IssueOptions, LeafKey, LeafRequest, cut_short, issue};
pub use keys::{
    KeyAlgorithm, KeyError, UnknownKeyAlgorithm, describe_key, key_from_pem, key_to_pem,
};
pub use layout::Layout;
pub use passphrase::{Passphrase, PassphraseError};
pub use profile::{Profile, San, SanError};
pub use renew::{RenewOptions, RenewSelection, Renewal, renew, select as renew_selection};
pub use revoke::{Revocation, RevokeTarget, revoke};
pub use serial::{BadSerial, Serial};
pub use store::{Pki, interrupted_run, read_only_index, recover};
