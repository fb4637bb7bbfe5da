//! One device's export in a chosen format, as files (name, contents, secret or not): the
//! caller decides where they go and writes them atomically.

use super::bundle::{Bundle, Credential};
use super::error::ExportError;
use super::record::{Record, certificate_pem, key_pem};
use crate::pki::Passphrase;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Dir,
    Pem,
    Der,
    Pkcs12,
    CHeader,
    Json,
    Env,
}

impl crate::choice::Choice for Format {
    const ALL: &'static [Self] = &[
        Format::Dir,
        Format::Pem,
        Format::Der,
        Format::Pkcs12,
        Format::CHeader,
        Format::Json,
        Format::Env,
    ];
    fn id(self) -> &'static str {
        match self {
            Format::Dir => "dir",
            Format::Pem => "pem",
            Format::Der => "der",
            Format::Pkcs12 => "pkcs12",
            Format::CHeader => "c-header",
            Format::Json => "json",
            Format::Env => "env",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Format::Dir => {
                "a directory: ca.crt, client.crt, client.key (or psk.txt), connection.json"
            }
            Format::Pem => "one PEM file: certificate, key, then the CA",
            Format::Der => {
                "a directory of DER files (ca.der, client.der, client.key.der), for flash"
            }
            Format::Pkcs12 => "a .p12 (AES-256-CBC, PBKDF2), passphrase from --p12-passphrase-file",
            Format::CHeader => "a C header: DER arrays with lengths, PEM strings, #defines",
            Format::Json => "one JSON object with every field",
            Format::Env => "KEY=value lines (docker --env-file); certificates as base64 DER",
        }
    }
}

impl Format {
    /// Formats that make a directory per device rather than one file.
    pub fn is_directory(self) -> bool {
        matches!(self, Format::Dir | Format::Der)
    }

    /// The file name of a one-file format for `device`.
    pub fn file_name(self, device: &str) -> String {
        let ext = match self {
            Format::Dir | Format::Der => return device.to_string(),
            Format::Pem => "pem",
            Format::Pkcs12 => "p12",
            Format::CHeader => "h",
            Format::Json => "json",
            Format::Env => "env",
        };
        format!("{device}.{ext}")
    }
}

/// One file of an export; `name` is relative to where the export goes.
pub struct ExportFile {
    pub name: String,
    pub contents: Zeroizing<Vec<u8>>,
    /// Holds a private key or PSK: written 0600.
    pub secret: bool,
}

impl std::fmt::Debug for ExportFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportFile")
            .field("name", &self.name)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

fn file(name: impl Into<String>, contents: impl Into<Vec<u8>>, secret: bool) -> ExportFile {
    ExportFile {
        name: name.into(),
        contents: Zeroizing::new(contents.into()),
        secret,
    }
}

fn json_bytes(record: &Record) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let mut text =
        serde_json::to_vec_pretty(record).map_err(|e| std::io::Error::other(e.to_string()))?;
    text.push(b'\n');
    Ok(Zeroizing::new(text))
}

fn psk_line(bundle: &Bundle, key: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut line = Vec::with_capacity(bundle.device.len() + 2 + key.len() * 2);
    line.extend_from_slice(bundle.device.as_bytes());
    line.push(b':');
    crate::psk::push_hex(&mut line, key);
    line.push(b'\n');
    Zeroizing::new(line)
}

/// The files of `bundle` in `format`. `p12` is the bundle passphrase (PKCS#12 only).
pub fn render(
    bundle: &Bundle,
    format: Format,
    p12: Option<&Passphrase>,
) -> Result<Vec<ExportFile>, ExportError> {
    let single = |contents: Zeroizing<Vec<u8>>, secret| {
        vec![ExportFile {
            name: format.file_name(&bundle.device),
            contents,
            secret,
        }]
    };
    let public_record = || json_bytes(&Record::of(bundle, false));
    let not_for_psk = || ExportError::NotForPsk {
        device: bundle.device.clone(),
        format: crate::choice::Choice::id(format),
    };
    Ok(match (format, &bundle.credential) {
        (Format::Json, _) => single(json_bytes(&Record::of(bundle, true))?, true),
        (Format::Env, _) => single(
            Zeroizing::new(Record::env(bundle).as_bytes().to_vec()),
            true,
        ),
        (Format::CHeader, _) => single(
            Zeroizing::new(super::c_header::render(bundle).as_bytes().to_vec()),
            true,
        ),
        (Format::Pkcs12, _) => {
            let pass = p12.ok_or(ExportError::Pkcs12WithoutPassphrase)?;
            single(super::pkcs12::render(bundle, pass)?, true)
        }
        (Format::Pem, Credential::Psk { .. }) => return Err(not_for_psk()),
        (
            Format::Pem,
            Credential::Certificate {
                cert_der,
                key_der,
                ca_der,
                ..
            },
        ) => {
            let mut text = Zeroizing::new(certificate_pem(cert_der));
            if let Some(key) = key_der {
                text.push_str(&key_pem(key));
            }
            text.push_str(&certificate_pem(ca_der));
            single(Zeroizing::new(text.as_bytes().to_vec()), key_der.is_some())
        }
        (Format::Dir | Format::Der, Credential::Psk { key }) => {
            let mut files = vec![file("connection.json", public_record()?.to_vec(), false)];
            if format == Format::Der {
                files.push(file("psk.bin", key.to_vec(), true));
            } else {
                files.push(ExportFile {
                    name: "psk.txt".into(),
                    contents: psk_line(bundle, key),
                    secret: true,
                });
            }
            files
        }
        (
            Format::Dir | Format::Der,
            Credential::Certificate {
                cert_der,
                key_der,
                ca_der,
                ..
            },
        ) => {
            let mut files = vec![file("connection.json", public_record()?.to_vec(), false)];
            if format == Format::Der {
                files.push(file("ca.der", ca_der.clone(), false));
                files.push(file("client.der", cert_der.clone(), false));
                if let Some(key) = key_der {
                    files.push(ExportFile {
                        name: "client.key.der".into(),
                        contents: key.clone(),
                        secret: true,
                    });
                }
            } else {
                files.push(file("ca.crt", certificate_pem(ca_der), false));
                files.push(file("client.crt", certificate_pem(cert_der), false));
                if let Some(key) = key_der {
                    files.push(ExportFile {
                        name: "client.key".into(),
                        contents: Zeroizing::new(key_pem(key).as_bytes().to_vec()),
                        secret: true,
                    });
                }
            }
            files
        }
    })
}
