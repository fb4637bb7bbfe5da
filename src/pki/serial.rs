//! Certificate serial numbers: 16 random bytes, positive, written as lowercase hex.

use rand::Rng as _;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// RFC 5280 allows 20 octets; CA/Browser Forum asks for at least 64 random bits. 16 bytes with
/// the top bit cleared (so the INTEGER is positive without a leading zero) give 127 bits.
const SERIAL_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Serial(Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid serial number {0:?}: expected hexadecimal digits (colons allowed)")]
pub struct BadSerial(pub String);

impl Serial {
    /// A fresh random serial that is not in `taken`.
    pub fn random_unique(taken: &HashSet<Serial>) -> Serial {
        loop {
            let serial = Serial::random();
            if !taken.contains(&serial) {
                return serial;
            }
        }
    }

    pub fn random() -> Serial {
        let mut bytes = vec![0u8; SERIAL_LEN];
        rand::rng().fill_bytes(&mut bytes);
        // Positive, and a non-zero first byte keeps every serial the same length.
        bytes[0] = (bytes[0] & 0x7f).max(1);
        Serial(bytes)
    }

    /// Parses hex as printed by openssl (`0A:1B…`) or by mqauth (`0a1b…`). Leading zero bytes
    /// are dropped, since DER integers have none.
    pub fn from_hex(text: &str) -> Result<Serial, BadSerial> {
        let digits: String = text
            .trim()
            .trim_start_matches("0x")
            .chars()
            .filter(|c| *c != ':')
            .collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(BadSerial(text.to_string()));
        }
        let padded = if digits.len() % 2 == 1 {
            format!("0{digits}")
        } else {
            digits
        };
        let mut bytes: Vec<u8> = (0..padded.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&padded[i..i + 2], 16))
            .collect::<Result<_, _>>()
            .map_err(|_| BadSerial(text.to_string()))?;
        while bytes.len() > 1 && bytes[0] == 0 {
            bytes.remove(0);
        }
        Ok(Serial(bytes))
    }

    /// From the big-endian bytes of a parsed certificate's serial.
    pub fn from_bytes(bytes: &[u8]) -> Serial {
        let start = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len().saturating_sub(1));
        Serial(bytes[start..].to_vec())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_rcgen(&self) -> rcgen::SerialNumber {
        rcgen::SerialNumber::from_slice(&self.0)
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for Serial {
    type Error = BadSerial;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Serial::from_hex(&s)
    }
}

impl From<Serial> for String {
    fn from(s: Serial) -> String {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_serials_are_positive_and_round_trip() {
        for _ in 0..100 {
            let s = Serial::random();
            assert_eq!(s.as_bytes().len(), SERIAL_LEN);
            assert!(s.as_bytes()[0] & 0x80 == 0 && s.as_bytes()[0] != 0);
            assert_eq!(Serial::from_hex(&s.to_string()).unwrap(), s);
        }
        assert_eq!(
            Serial::from_hex("00:0A:1b").unwrap(),
            Serial::from_hex("a1b").unwrap()
        );
        assert!(Serial::from_hex("xyz").is_err());
        assert!(Serial::from_hex("").is_err());
    }
}
