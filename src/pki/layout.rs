//! Where each file of a PKI directory lives (README.md, "PKI: `mqauth pki`", lists them).

use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Layout { root: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.root
    }

    pub fn ca_cert(&self) -> PathBuf {
        self.root.join("ca.crt")
    }
    pub fn ca_key(&self) -> PathBuf {
        self.root.join("ca.key")
    }
    pub fn intermediate_cert(&self) -> PathBuf {
        self.root.join("intermediate.crt")
    }
    pub fn intermediate_key(&self) -> PathBuf {
        self.root.join("intermediate.key")
    }
    /// Where each CA key lives when one is in a token (absent: both are files).
    pub fn ca_keys(&self) -> PathBuf {
        self.root.join("ca-keys.json")
    }
    pub fn chain(&self) -> PathBuf {
        self.root.join("chain.pem")
    }
    /// The records: every certificate issued, the settings, the CRL numbers.
    pub fn db(&self) -> PathBuf {
        self.root.join("pki.db")
    }
    /// Names the PostgreSQL database that holds the records instead of `pki.db` (no secrets).
    pub fn records_url(&self) -> PathBuf {
        self.root.join(crate::pki::records::location::URL_FILE)
    }
    /// The password of that database, when it needs one and `pki init` was given it.
    pub fn records_password(&self) -> PathBuf {
        self.root.join(crate::pki::records::location::PASSWORD_FILE)
    }
    /// The file that says where the records are: `records.url` when there is one.
    pub fn records_file(&self) -> PathBuf {
        let url = self.records_url();
        if url.exists() { url } else { self.db() }
    }
    /// Where records were kept before `pki.db`; migrated on first use.
    pub fn legacy_index(&self) -> PathBuf {
        self.root.join("index.json")
    }
    /// Present while a writer has the PKI open: left behind, it says a writer was killed and
    /// its temporaries must be swept.
    pub fn writing(&self) -> PathBuf {
        self.root.join(".writing")
    }
    /// The journal of a batch of files whose commit point is the database.
    pub fn journal(&self) -> PathBuf {
        self.root.join(".pki.mqauth-journal")
    }
    pub fn crl(&self) -> PathBuf {
        self.root.join("crl.pem")
    }
    /// The root's CRL, which covers the intermediate (written by `pki crl --ca root`).
    pub fn root_crl(&self) -> PathBuf {
        self.root.join("ca.crl.pem")
    }
    /// The files mqauth writes at the top of the PKI directory.
    pub fn top_level_files(&self) -> [PathBuf; 10] {
        [
            self.ca_cert(),
            self.ca_key(),
            self.intermediate_cert(),
            self.intermediate_key(),
            self.chain(),
            self.legacy_index(),
            self.crl(),
            self.root_crl(),
            self.lock(),
            self.ca_keys(),
        ]
    }
    pub fn lock(&self) -> PathBuf {
        self.root.join(".lock")
    }
    pub fn issued_dir(&self) -> PathBuf {
        self.root.join("issued")
    }
    pub fn private_dir(&self) -> PathBuf {
        self.root.join("private")
    }
    pub fn leaf_cert(&self, name: &str) -> PathBuf {
        self.issued_dir().join(format!("{name}.crt"))
    }
    pub fn leaf_fullchain(&self, name: &str) -> PathBuf {
        self.issued_dir().join(format!("{name}.fullchain.pem"))
    }
    pub fn leaf_key(&self, name: &str) -> PathBuf {
        self.private_dir().join(format!("{name}.key"))
    }
}
