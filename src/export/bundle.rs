//! What one device needs, gathered from the PKI and the PSK file: its credential, the trust
//! anchor, and where and whom it connects to.

use super::error::ExportError;
use super::pin::{Pin, pin_of_certificate};
use crate::input::{self, Kind};
use crate::pki::{self, Entry, KeyAlgorithm, Layout, Profile, Records, San};
use crate::psk::PskFile;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// Where a device connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
}

/// The broker's certificate, as a device that pins or verifies it sees it.
#[derive(Debug, Clone)]
pub struct BrokerFacts {
    pub name: String,
    pub pin: Pin,
    pub sans: Vec<San>,
    pub key: KeyAlgorithm,
    pub not_after: OffsetDateTime,
}

#[derive(Debug)]
pub enum Credential {
    Certificate {
        cert_der: Vec<u8>,
        /// PKCS#8 DER; `None` for a certificate signed from a CSR: the key never left the
        /// device.
        key_der: Option<Zeroizing<Vec<u8>>>,
        key: KeyAlgorithm,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
        /// The trust anchor the device verifies the broker with (the root CA).
        ca_der: Vec<u8>,
        /// The issuing CA, for bundles that carry the device's chain (PKCS#12).
        intermediate_der: Vec<u8>,
    },
    Psk {
        key: Zeroizing<Vec<u8>>,
    },
}

#[derive(Debug)]
pub struct Bundle {
    pub device: String,
    pub credential: Credential,
    /// `None` when neither a broker address nor a broker certificate is known.
    pub endpoint: Option<Endpoint>,
    pub broker: Option<BrokerFacts>,
    pub psk_hint: Option<String>,
}

impl Bundle {
    pub fn is_psk(&self) -> bool {
        matches!(self.credential, Credential::Psk { .. })
    }

    /// The broker certificate's public-key pin, for devices that see that certificate: a PSK
    /// listener presents none, so a PSK device's export carries no pin to check.
    pub fn pin(&self) -> Option<&Pin> {
        self.broker
            .as_ref()
            .filter(|_| !self.is_psk())
            .map(|b| &b.pin)
    }
}

/// The PKI, the PSK file and the broker that exports read from, opened once.
pub struct Sources {
    pki: Option<(Layout, Box<dyn Records>)>,
    /// A PKI directory that was asked for but holds no PKI, to say so when a device is missing.
    no_pki: Option<PathBuf>,
    psk: Option<(PathBuf, PskFile)>,
    /// The root and issuing CA, DER, read once.
    cas: Option<(Vec<u8>, Vec<u8>)>,
    /// Their key algorithms, for the stack checks of every certificate device.
    ca_keys: Vec<(&'static str, KeyAlgorithm)>,
    pub broker: Option<BrokerFacts>,
    pub mtls: Option<Endpoint>,
    pub psk_endpoint: Option<Endpoint>,
    pub psk_hint: Option<String>,
}

fn unreadable(path: &Path, message: impl Into<String>) -> ExportError {
    ExportError::Unreadable {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// The DER of the first certificate in the PEM file at `path`.
fn certificate_der(path: &Path) -> Result<Vec<u8>, ExportError> {
    let text = input::read_text(path, Kind::Certificates)?;
    pem::parse_many(&text)
        .map_err(|e| unreadable(path, format!("not PEM: {e}")))?
        .into_iter()
        .find(|b| b.tag() == "CERTIFICATE")
        .map(pem::Pem::into_contents)
        .ok_or_else(|| unreadable(path, "holds no certificate"))
}

/// The DER of a leaf certificate: its file under `issued/`, or, where this host did not
/// write one, the copy the records keep (PostgreSQL keeps every certificate).
fn leaf_der(
    path: &Path,
    records: &dyn Records,
    serial: &pki::Serial,
) -> Result<Vec<u8>, ExportError> {
    if !path.exists()
        && let Some(der) = records.certificate_der(serial)?
    {
        return Ok(der);
    }
    certificate_der(path)
}

/// The PKCS#8 DER of an unencrypted private key file; `None` when there is no file.
fn private_key_der(path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>, ExportError> {
    let bytes = match input::read(path, Kind::PrivateKey) {
        Ok(bytes) => Zeroizing::new(bytes),
        Err(crate::atomic::FileError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| unreadable(path, "not PEM text"))?;
    let block = pem::parse(text).map_err(|e| unreadable(path, format!("not PEM: {e}")))?;
    match block.tag() {
        "PRIVATE KEY" => Ok(Some(Zeroizing::new(block.into_contents()))),
        "ENCRYPTED PRIVATE KEY" => Err(unreadable(
            path,
            "the key is encrypted; devices need it in the clear (decrypt it with openssl pkey)",
        )),
        other => Err(unreadable(
            path,
            format!("expected a private key, found {other}"),
        )),
    }
}

impl Sources {
    /// Opens the PKI at `pki` (when it exists) and the PSK file at `psk_file`.
    pub fn open(pki_dir: Option<&Path>, psk_file: Option<&Path>) -> Result<Sources, ExportError> {
        let pki = match pki_dir {
            Some(dir) if Layout::new(dir).ca_cert().exists() => {
                let (records, _) = pki::read_records(dir)?;
                Some((Layout::new(dir), records))
            }
            _ => None,
        };
        let cas = match &pki {
            Some((layout, _)) => Some((
                certificate_der(&layout.ca_cert())?,
                certificate_der(&layout.intermediate_cert())?,
            )),
            None => None,
        };
        let ca_keys = cas
            .as_ref()
            .map(|(root, intermediate)| super::stack::ca_keys(root, intermediate))
            .unwrap_or_default();
        let psk = match psk_file {
            // Read, not held: the export may be written into the PSK file's own directory,
            // whose lock the writers of both share.
            Some(path) => Some((path.to_path_buf(), PskFile::read(path)?)),
            None => None,
        };
        let no_pki = match (&pki, pki_dir) {
            (None, Some(dir)) => Some(dir.to_path_buf()),
            _ => None,
        };
        Ok(Sources {
            pki,
            no_pki,
            psk,
            cas,
            ca_keys,
            broker: None,
            mtls: None,
            psk_endpoint: None,
            psk_hint: None,
        })
    }

    /// The key algorithms of the CAs a certificate device verifies.
    pub fn ca_keys(&self) -> &[(&'static str, KeyAlgorithm)] {
        &self.ca_keys
    }

    /// The broker certificates in force in the PKI.
    pub fn brokers(&self) -> Result<Vec<Entry>, ExportError> {
        let Some((_, records)) = &self.pki else {
            return Ok(Vec::new());
        };
        let mut brokers: Vec<Entry> = records
            .matching("*")?
            .into_iter()
            .filter(|e| e.profile == Profile::Broker && e.status == pki::Status::Valid)
            .collect();
        brokers.sort_by(|a, b| a.name.cmp(&b.name));
        brokers.dedup_by(|a, b| a.name == b.name);
        Ok(brokers)
    }

    /// The facts of broker `name`'s certificate, for pins and stack checks.
    pub fn broker_facts(&self, name: &str) -> Result<BrokerFacts, ExportError> {
        crate::names::validate(name)?;
        let Some((layout, records)) = &self.pki else {
            return Err(ExportError::Broker(format!(
                "no PKI here to find broker {name} in"
            )));
        };
        let entry = records
            .in_force(name)?
            .filter(|e| e.profile == Profile::Broker)
            .ok_or_else(|| {
                ExportError::Broker(format!(
                    "{name} is not a broker certificate in force in {}",
                    layout.dir().display()
                ))
            })?;
        let path = layout.leaf_cert(name);
        let der = leaf_der(&path, records.as_ref(), &entry.serial)?;
        let pin = pin_of_certificate(&der).map_err(|e| unreadable(&path, e))?;
        Ok(BrokerFacts {
            name: name.to_string(),
            pin,
            sans: entry.sans,
            key: entry.key,
            not_after: entry.not_after,
        })
    }

    /// Gathers what `device` needs: its certificate if it has one in force, else its PSK.
    pub fn load(&self, device: &str) -> Result<Bundle, ExportError> {
        // The name becomes DEVICE.EXT or DEVICE/ wherever it came from (an argument, a PSK
        // file's identity, a manifest): one outside the alphabet could leave the directory.
        crate::names::validate(device)?;
        if let (Some((layout, records)), Some((ca_der, intermediate_der))) = (&self.pki, &self.cas)
            && let Some(entry) = records.in_force(device)?
            && entry.profile == Profile::Client
        {
            let path = layout.leaf_cert(device);
            let cert_der = leaf_der(&path, records.as_ref(), &entry.serial)?;
            if let Some(expected) = &entry.fingerprint_sha256
                && pki::fingerprint(&cert_der) != *expected
            {
                return Err(ExportError::NotIssued {
                    path,
                    device: device.to_owned(),
                    serial: entry.serial.to_string(),
                });
            }
            return Ok(Bundle {
                device: device.to_string(),
                credential: Credential::Certificate {
                    cert_der,
                    key_der: private_key_der(&layout.leaf_key(device))?,
                    key: entry.key,
                    not_before: entry.not_before,
                    not_after: entry.not_after,
                    ca_der: ca_der.clone(),
                    intermediate_der: intermediate_der.clone(),
                },
                endpoint: self.mtls.clone(),
                broker: self.broker.clone(),
                psk_hint: None,
            });
        }
        if let Some((path, file)) = &self.psk
            && let Some(hex) = file.key_of(device)
        {
            let key = crate::psk::decode_hex(hex)
                .ok_or_else(|| unreadable(path, format!("the key of {device} is not hex")))?;
            return Ok(Bundle {
                device: device.to_string(),
                credential: Credential::Psk { key },
                endpoint: self.psk_endpoint.clone(),
                broker: self.broker.clone(),
                psk_hint: self.psk_hint.clone(),
            });
        }
        let mut places = Vec::new();
        if let Some((layout, _)) = &self.pki {
            places.push(layout.dir().display().to_string());
        }
        if let Some((path, _)) = &self.psk {
            places.push(path.display().to_string());
        }
        if let Some(dir) = &self.no_pki {
            places.push(format!("{} (which holds no PKI)", dir.display()));
        }
        Err(ExportError::UnknownDevice {
            device: device.to_string(),
            where_: if places.is_empty() {
                String::new()
            } else {
                format!(" in {}", places.join(" or "))
            },
        })
    }
}

/// The name a device should dial: the first DNS name of the broker's certificate (mbedTLS 2.x
/// cannot match IP addresses), else its first IP address.
pub fn dial_name(sans: &[San]) -> Option<String> {
    sans.iter()
        .find_map(|s| match s {
            San::Dns(d) => Some(d.clone()),
            San::Ip(_) => None,
        })
        .or_else(|| {
            sans.iter().find_map(|s| match s {
                San::Ip(ip) => Some(ip.to_string()),
                San::Dns(_) => None,
            })
        })
}
