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

/// What a signed structure is: the three of them share `SEQUENCE { tbs, AlgorithmIdentifier,
/// BIT STRING }`, and differ in where the TBS part names its algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    Certificate,
    /// A CSR's CertificationRequestInfo names no algorithm of its own.
    Request,
    Crl,
}

/// Checks the outer signature algorithm of a signed structure (run after [`check`]): a
/// well-formed AlgorithmIdentifier (an OBJECT IDENTIFIER, then at most the parameters) that,
/// for a certificate or a CRL, is byte for byte the one inside the signed part (RFC 5280
/// 4.1.1.2, 5.1.1.2). x509-parser reads the outer one leniently (an OID whose tag was
/// damaged passes); OpenSSL refuses such a file at parse time, so mqauth must as well.
pub fn check_signed(der: &[u8], kind: Signed) -> Result<(), String> {
    let (_, outer, _) = tlv(der)?;
    let (_, tbs, rest) = tlv(outer)?;
    let (algorithm, inner_alg, _) = tlv(rest)?;
    if algorithm.first() != Some(&0x30) {
        return Err("the signature algorithm is not a SEQUENCE".into());
    }
    let (oid, _, params) = tlv(inner_alg)?;
    if oid.first() != Some(&0x06) {
        return Err("the signature algorithm does not start with an OBJECT IDENTIFIER".into());
    }
    if !params.is_empty() && !tlv(params)?.2.is_empty() {
        return Err("the signature algorithm has more than its OID and parameters".into());
    }
    let signed_part = match kind {
        Signed::Request => return Ok(()),
        Signed::Certificate => {
            // [0] version (optional), serialNumber, then the signature algorithm.
            let mut fields = tbs;
            if fields.first() == Some(&0xa0) {
                fields = tlv(fields)?.2;
            }
            let (_, _, after_serial) = tlv(fields)?;
            tlv(after_serial)?.0
        }
        Signed::Crl => {
            // version INTEGER (optional), then the signature algorithm.
            let mut fields = tbs;
            if fields.first() == Some(&0x02) {
                fields = tlv(fields)?.2;
            }
            tlv(fields)?.0
        }
    };
    if signed_part != algorithm {
        return Err(
            "the signature algorithm outside the signed part differs from the one inside it \
             (RFC 5280 4.1.1.2)"
                .into(),
        );
    }
    Ok(())
}

/// An element split as (the whole element, its contents, what follows it).
type Split<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// Splits the element at the start of `input`.
fn tlv(input: &[u8]) -> Result<Split<'_>, String> {
    let (rest, header) =
        Header::from_der(input).map_err(|e| format!("malformed DER header: {e}"))?;
    let len = header
        .length()
        .definite()
        .map_err(|_| "indefinite length, which DER forbids".to_string())?;
    if rest.len() < len {
        return Err("an element is longer than what contains it".into());
    }
    let header_len = input.len() - rest.len();
    let (content, after) = rest.split_at(len);
    Ok((&input[..header_len + len], content, after))
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
