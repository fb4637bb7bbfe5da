//! A device's export as one flat record: the JSON and env formats of one device, and the
//! JSON-lines and CSV streams of a whole fleet for a manufacturing line.

use super::bundle::{Bundle, Credential};
use super::error::ExportError;
use super::pin::Pin;
use serde::Serialize;
use std::io::Write;
use zeroize::Zeroizing;

fn pem_text(tag: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(tag, der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

pub(super) use crate::pki::pkcs8_pem as key_pem;

pub(super) fn certificate_pem(der: &[u8]) -> String {
    pem_text("CERTIFICATE", der)
}

fn hex(bytes: &[u8]) -> Zeroizing<String> {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    crate::psk::push_hex(&mut out, bytes);
    Zeroizing::new(String::from_utf8(out).unwrap_or_default())
}

/// One device, flat: the shape of `--format json`, of each JSON line and of each CSV row.
#[derive(Serialize, Default)]
pub struct Record {
    pub device: String,
    /// `mtls` or `psk`.
    pub auth: &'static str,
    pub broker: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// SHA-256 of the broker certificate's public key, base64 (curl: `sha256//` + this).
    pub broker_pin_sha256: Option<String>,
    pub broker_pin_sha256_hex: Option<String>,
    pub not_after: Option<String>,
    pub certificate_der_bytes: Option<usize>,
    pub private_key_der_bytes: Option<usize>,
    pub ca_der_bytes: Option<usize>,
    pub psk_identity: Option<String>,
    pub psk_hint: Option<String>,
    pub psk_bytes: Option<usize>,
    pub ca_pem: Option<String>,
    pub certificate_pem: Option<String>,
    /// Only when keys are included.
    pub private_key_pem: Option<Zeroizing<String>>,
    /// Only when keys are included.
    pub psk_hex: Option<Zeroizing<String>>,
}

impl Record {
    pub fn of(bundle: &Bundle, include_keys: bool) -> Record {
        let mut r = Record {
            device: bundle.device.clone(),
            broker: bundle.broker.as_ref().map(|b| b.name.clone()),
            host: bundle.endpoint.as_ref().map(|e| e.host.clone()),
            port: bundle.endpoint.as_ref().map(|e| e.port),
            broker_pin_sha256: bundle.pin().map(Pin::base64),
            broker_pin_sha256_hex: bundle.pin().map(Pin::hex),
            ..Record::default()
        };
        match &bundle.credential {
            Credential::Certificate {
                cert_der,
                key_der,
                not_after,
                ca_der,
                ..
            } => {
                r.auth = "mtls";
                r.not_after = not_after
                    .format(&time::format_description::well_known::Rfc3339)
                    .ok();
                r.certificate_der_bytes = Some(cert_der.len());
                r.private_key_der_bytes = key_der.as_ref().map(|k| k.len());
                r.ca_der_bytes = Some(ca_der.len());
                r.ca_pem = Some(certificate_pem(ca_der));
                r.certificate_pem = Some(certificate_pem(cert_der));
                if include_keys {
                    r.private_key_pem = key_der.as_ref().map(|k| key_pem(k));
                }
            }
            Credential::Psk { key } => {
                r.auth = "psk";
                r.psk_identity = Some(bundle.device.clone());
                r.psk_hint = bundle.psk_hint.clone();
                r.psk_bytes = Some(key.len());
                if include_keys {
                    r.psk_hex = Some(hex(key));
                }
            }
        }
        r
    }

    /// `KEY=value` lines for `docker --env-file` and systemd: one line per value, so
    /// certificates and keys go as base64 DER.
    pub fn env(bundle: &Bundle) -> Zeroizing<String> {
        use base64::Engine as _;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let mut out = Zeroizing::new(String::new());
        let mut line = |k: &str, v: &str| {
            out.push_str(k);
            out.push('=');
            out.push_str(v);
            out.push('\n');
        };
        line("MQTT_CLIENT_ID", &bundle.device);
        if let Some(e) = &bundle.endpoint {
            line("MQTT_HOST", &e.host);
            line("MQTT_PORT", &e.port.to_string());
        }
        if let Some(pin) = bundle.pin() {
            line("MQTT_BROKER_PIN_SHA256", &pin.base64());
        }
        match &bundle.credential {
            Credential::Certificate {
                cert_der,
                key_der,
                ca_der,
                ..
            } => {
                line("MQTT_TLS_CA_DER_B64", &b64(ca_der));
                line("MQTT_TLS_CERT_DER_B64", &b64(cert_der));
                if let Some(key) = key_der {
                    line("MQTT_TLS_KEY_DER_B64", &Zeroizing::new(b64(key)));
                }
            }
            Credential::Psk { key } => {
                line("MQTT_PSK_IDENTITY", &bundle.device);
                line("MQTT_PSK_HEX", &hex(key));
                if let Some(hint) = &bundle.psk_hint {
                    line("MQTT_PSK_HINT", hint);
                }
            }
        }
        out
    }
}

/// Streams of many devices, for a manufacturing line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactoryFormat {
    Jsonl,
    Csv,
}

impl crate::choice::Choice for FactoryFormat {
    const ALL: &'static [Self] = &[FactoryFormat::Jsonl, FactoryFormat::Csv];
    fn id(self) -> &'static str {
        match self {
            FactoryFormat::Jsonl => "jsonl",
            FactoryFormat::Csv => "csv",
        }
    }
    fn help(self) -> &'static str {
        match self {
            FactoryFormat::Jsonl => "one JSON object per line",
            FactoryFormat::Csv => "RFC 4180 CSV with a header row (PEM fields quoted)",
        }
    }
}

/// Writes one record per device as it comes: memory does not grow with the fleet.
pub struct FactoryWriter<W: Write> {
    format: FactoryFormat,
    include_keys: bool,
    json: Option<W>,
    csv: Option<csv::Writer<W>>,
}

impl<W: Write> FactoryWriter<W> {
    pub fn new(out: W, format: FactoryFormat, include_keys: bool) -> FactoryWriter<W> {
        match format {
            FactoryFormat::Jsonl => FactoryWriter {
                format,
                include_keys,
                json: Some(out),
                csv: None,
            },
            FactoryFormat::Csv => FactoryWriter {
                format,
                include_keys,
                json: None,
                csv: Some(csv::WriterBuilder::new().from_writer(out)),
            },
        }
    }

    pub fn write(&mut self, bundle: &Bundle) -> Result<(), ExportError> {
        let record = Record::of(bundle, self.include_keys);
        match (self.format, &mut self.json, &mut self.csv) {
            (FactoryFormat::Jsonl, Some(out), _) => {
                let line = Zeroizing::new(
                    serde_json::to_vec(&record)
                        .map_err(|e| std::io::Error::other(e.to_string()))?,
                );
                out.write_all(&line)?;
                out.write_all(b"\n")?;
            }
            (FactoryFormat::Csv, _, Some(out)) => out.serialize(&record)?,
            _ => {}
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), ExportError> {
        if let Some(mut out) = self.json {
            out.flush()?;
        }
        if let Some(mut out) = self.csv {
            out.flush()?;
        }
        Ok(())
    }
}
