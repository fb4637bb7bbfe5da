//! Public-key pins: SHA-256 of a certificate's SubjectPublicKeyInfo, as HPKP and curl's
//! `--pinnedpubkey sha256//…` define them. A pin survives the broker's certificate being
//! re-issued for the same key, which a certificate fingerprint does not.

use base64::Engine as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin(pub [u8; 32]);

impl Pin {
    pub fn base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// curl's `--pinnedpubkey` form.
    pub fn curl(&self) -> String {
        format!("sha256//{}", self.base64())
    }
}

/// The pin of the certificate in `der`.
pub fn pin_of_certificate(der: &[u8]) -> Result<Pin, String> {
    let (_, cert) =
        x509_parser::parse_x509_certificate(der).map_err(|e| format!("not a certificate: {e}"))?;
    let digest = ring::digest::digest(&ring::digest::SHA256, cert.public_key().raw);
    let mut pin = [0u8; 32];
    pin.copy_from_slice(digest.as_ref());
    Ok(Pin(pin))
}
