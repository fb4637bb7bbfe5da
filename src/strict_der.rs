//! The structural rules of DER that OpenSSL enforces and x509-parser lets pass.
//!
//! x509-parser accepts, for one, an AlgorithmIdentifier whose SEQUENCE tag has lost its
//! "constructed" bit; OpenSSL refuses such a certificate or CSR ("sequence not constructed"),
//! and a certificate OpenSSL refuses must not be called valid, nor a CSR signed. Every element
//! of the outer structure is walked: SEQUENCE and SET must be constructed, the scalar types
//! primitive, and every length must fit inside its parent. Charsets and contents are left to
//! the parsers (OpenSSL itself is lenient there, e.g. with PrintableString).

use x509_parser::der_parser::asn1_rs::{Class, FromDer, Header};

/// Deeper than any certificate; a bound for hostile input.
const MAX_DEPTH: usize = 32;

/// Checks that `der` is exactly one DER element that follows the rules above.
pub fn check(der: &[u8]) -> Result<(), String> {
    let rest = element(der, MAX_DEPTH)?;
    if !rest.is_empty() {
        return Err("trailing bytes after the structure".into());
    }
    Ok(())
}

/// Checks one element at the start of `input`; returns what follows it.
fn element(input: &[u8], depth: usize) -> Result<&[u8], String> {
    let (rest, header) =
        Header::from_der(input).map_err(|e| format!("malformed DER header: {e}"))?;
    let len = header
        .length()
        .definite()
        .map_err(|_| "indefinite length, which DER forbids".to_string())?;
    if rest.len() < len {
        return Err("an element is longer than what contains it".into());
    }
    let (content, after) = rest.split_at(len);
    if header.class() == Class::Universal {
        let tag = header.tag().0;
        match tag {
            16 | 17 if !header.is_constructed() => {
                return Err(format!(
                    "a {} is not constructed (OpenSSL: \"sequence not constructed\")",
                    if tag == 16 { "SEQUENCE" } else { "SET" }
                ));
            }
            // BOOLEAN, INTEGER, NULL, OBJECT IDENTIFIER, ENUMERATED, UTCTime, GeneralizedTime
            1 | 2 | 5 | 6 | 10 | 23 | 24 if header.is_constructed() => {
                return Err(format!(
                    "a primitive type (tag {tag}) is marked constructed (OpenSSL: \"type not primitive\")"
                ));
            }
            _ => {}
        }
    }
    if header.is_constructed() {
        if depth == 0 {
            return Err("nested too deeply".into());
        }
        let mut inner = content;
        while !inner.is_empty() {
            inner = element(inner, depth - 1)?;
        }
    }
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn refuses_a_primitive_sequence() {
        // SEQUENCE { SEQUENCE { OID 1.2 } }, then with the inner SEQUENCE's tag made primitive.
        assert_eq!(check(&[0x30, 0x05, 0x30, 0x03, 0x06, 0x01, 0x2a]), Ok(()));
        let e = check(&[0x30, 0x05, 0x10, 0x03, 0x06, 0x01, 0x2a]).unwrap_err();
        assert!(e.contains("not constructed"), "{e}");
        assert!(check(&[0x30, 0x05, 0x30, 0x09, 0x06, 0x01, 0x2a]).is_err());
        assert!(check(&[0x30, 0x03, 0x22, 0x01, 0x00]).is_err());
        assert!(check(&[0x30, 0x00, 0x00]).is_err());
    }
}
