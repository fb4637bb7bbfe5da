//! A CA key held in a token: found or generated there, it signs through PKCS#11 and never
//! leaves (CKA_SENSITIVE, not CKA_EXTRACTABLE, CKA_TOKEN).

use super::TokenError;
use super::session::Token;
use super::uri::Pkcs11Uri;
use crate::pki::keys::KeyAlgorithm;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use rcgen::{PublicKeyData, SignatureAlgorithm, SigningKey};
use std::sync::{Arc, Mutex};

/// DER of the named-curve OIDs in CKA_EC_PARAMS.
const P256_OID: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384_OID: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

/// A private key in a token, with its public point read once.
pub struct TokenKey {
    token: Arc<Token>,
    /// Handles may change when the token logs in again (SoftHSM renumbers private objects), so
    /// the key is found again by `exact` when its handle stops working.
    handle: Mutex<ObjectHandle>,
    exact: Vec<Attribute>,
    algorithm: KeyAlgorithm,
    /// The uncompressed EC point, as in the certificate's subjectPublicKey.
    point: Vec<u8>,
    uri: Pkcs11Uri,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKey")
            .field("uri", &self.uri.to_string())
            .finish_non_exhaustive()
    }
}

fn curve_oid(algorithm: KeyAlgorithm) -> Result<&'static [u8], TokenError> {
    match algorithm {
        KeyAlgorithm::P256 => Ok(P256_OID),
        KeyAlgorithm::P384 => Ok(P384_OID),
        other => Err(TokenError::UnsupportedKey(other.id())),
    }
}

fn search_template(uri: &Pkcs11Uri, class: ObjectClass) -> Vec<Attribute> {
    let mut t = vec![Attribute::Class(class)];
    if let Some(o) = &uri.object {
        t.push(Attribute::Label(o.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        t.push(Attribute::Id(id.clone()));
    }
    t
}

/// The point inside CKA_EC_POINT's DER OCTET STRING (some modules give it bare).
fn unwrap_octet_string(der: &[u8]) -> Vec<u8> {
    let inner = match der {
        [0x04, len, rest @ ..] if (*len as usize) == rest.len() => Some(rest),
        [0x04, 0x81, len, rest @ ..] if (*len as usize) == rest.len() => Some(rest),
        _ => None,
    };
    inner.unwrap_or(der).to_vec()
}

/// ECDSA's raw r‖s (what PKCS#11 returns) as the DER Ecdsa-Sig-Value X.509 wants.
fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    fn integer(out: &mut Vec<u8>, bytes: &[u8]) {
        let trimmed = match bytes.iter().position(|&b| b != 0) {
            Some(i) => &bytes[i..],
            None => &[0][..],
        };
        out.push(0x02);
        // A set high bit would read as negative: prefix a zero.
        let pad = trimmed.first().is_some_and(|b| b & 0x80 != 0);
        out.push((trimmed.len() + usize::from(pad)) as u8);
        if pad {
            out.push(0);
        }
        out.extend_from_slice(trimmed);
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let mut body = Vec::with_capacity(raw.len() + 8);
    integer(&mut body, r);
    integer(&mut body, s);
    let mut out = vec![0x30];
    // P-384 signatures reach 104 bytes: still one length byte below 128.
    if body.len() >= 0x80 {
        out.push(0x81);
    }
    out.push(body.len() as u8);
    out.extend(body);
    out
}

impl TokenKey {
    /// The private key `uri` names, if the token holds exactly one; more than one is an error.
    pub fn find(token: Arc<Token>, uri: &Pkcs11Uri) -> Result<Option<TokenKey>, TokenError> {
        let handles = token
            .with_session(|s| s.find_objects(&search_template(uri, ObjectClass::PRIVATE_KEY)))?;
        let handle = match handles.as_slice() {
            [] => return Ok(None),
            [h] => *h,
            _ => {
                return Err(TokenError::AmbiguousKey {
                    uri: uri.to_string(),
                });
            }
        };
        let attrs = token.with_session(|s| {
            s.get_attributes(
                handle,
                &[
                    AttributeType::KeyType,
                    AttributeType::EcParams,
                    AttributeType::Id,
                    AttributeType::Label,
                ],
            )
        })?;
        let mut params = None;
        let mut id = None;
        let mut label = None;
        for a in attrs {
            match a {
                Attribute::KeyType(k) if k != KeyType::EC => {
                    return Err(TokenError::UnsupportedKey("a non-EC key"));
                }
                Attribute::EcParams(p) => params = Some(p),
                Attribute::Id(i) => id = Some(i),
                Attribute::Label(l) => label = Some(l),
                _ => {}
            }
        }
        let algorithm = match params.as_deref() {
            Some(P256_OID) => KeyAlgorithm::P256,
            Some(P384_OID) => KeyAlgorithm::P384,
            _ => return Err(TokenError::UnsupportedKey("an EC key on another curve")),
        };
        // The public half is its own object, matched by the private key's own ID and label.
        let mut template = vec![Attribute::Class(ObjectClass::PUBLIC_KEY)];
        template.extend(id.map(Attribute::Id));
        template.extend(label.map(Attribute::Label));
        let mut exact = template.clone();
        exact[0] = Attribute::Class(ObjectClass::PRIVATE_KEY);
        let publics = token.with_session(|s| s.find_objects(&template))?;
        let public = publics
            .first()
            .copied()
            .ok_or_else(|| TokenError::NoPublicKey {
                uri: uri.to_string(),
            })?;
        let point = token
            .with_session(|s| s.get_attributes(public, &[AttributeType::EcPoint]))?
            .into_iter()
            .find_map(|a| match a {
                Attribute::EcPoint(p) => Some(unwrap_octet_string(&p)),
                _ => None,
            })
            .ok_or_else(|| TokenError::NoPublicKey {
                uri: uri.to_string(),
            })?;
        Ok(Some(TokenKey {
            token,
            handle: Mutex::new(handle),
            exact,
            algorithm,
            point,
            uri: uri.clone(),
        }))
    }

    /// Generates a key pair inside the token: the private half sensitive and never
    /// extractable, both halves stored on the token.
    pub fn generate(
        token: Arc<Token>,
        uri: &Pkcs11Uri,
        algorithm: KeyAlgorithm,
    ) -> Result<TokenKey, TokenError> {
        let oid = curve_oid(algorithm)?;
        let (id, label) = Self::id_and_label(uri)?;
        let public = vec![
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::EcParams(oid.to_vec()),
            Attribute::Id(id.clone()),
            Attribute::Label(label.clone()),
        ];
        let private = vec![
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            // A CA key signs and does nothing else.
            Attribute::Decrypt(false),
            Attribute::Unwrap(false),
            Attribute::Derive(false),
            Attribute::Id(id.clone()),
            Attribute::Label(label),
        ];
        token
            .with_session(|s| s.generate_key_pair(&Mechanism::EccKeyPairGen, &public, &private))?;
        let exact = Pkcs11Uri {
            id: Some(id),
            ..uri.clone()
        };
        let key = TokenKey::find(token, &exact)?.ok_or_else(|| TokenError::NoPublicKey {
            uri: uri.to_string(),
        })?;
        Ok(TokenKey {
            uri: uri.clone(),
            ..key
        })
    }

    /// Stores an existing EC private key (the scalar, with its public point) in the token:
    /// sensitive and not extractable from now on, though the token will rightly record that it
    /// was neither always sensitive nor never extractable.
    pub fn import(
        token: Arc<Token>,
        uri: &Pkcs11Uri,
        algorithm: KeyAlgorithm,
        scalar: &[u8],
        point: &[u8],
    ) -> Result<TokenKey, TokenError> {
        let oid = curve_oid(algorithm)?;
        if TokenKey::find(token.clone(), uri)?.is_some() {
            return Err(TokenError::KeyExists {
                uri: uri.to_string(),
            });
        }
        let (id, label) = Self::id_and_label(uri)?;
        // CKA_EC_POINT is a DER OCTET STRING around the point (65 or 97 bytes: short form).
        let mut octets = vec![0x04, point.len() as u8];
        octets.extend_from_slice(point);
        let public = vec![
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::KeyType(KeyType::EC),
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::EcParams(oid.to_vec()),
            Attribute::EcPoint(octets),
            Attribute::Id(id.clone()),
            Attribute::Label(label.clone()),
        ];
        let private = vec![
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::KeyType(KeyType::EC),
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Decrypt(false),
            Attribute::Derive(false),
            Attribute::EcParams(oid.to_vec()),
            Attribute::Value(scalar.to_vec()),
            Attribute::Id(id.clone()),
            Attribute::Label(label),
        ];
        token.with_session(|s| s.create_object(&public))?;
        token.with_session(|s| s.create_object(&private))?;
        let exact = Pkcs11Uri {
            id: Some(id),
            ..uri.clone()
        };
        let key = TokenKey::find(token, &exact)?.ok_or_else(|| TokenError::NoKey {
            uri: uri.to_string(),
        })?;
        Ok(TokenKey {
            uri: uri.clone(),
            ..key
        })
    }

    /// Removes the key pair from the token (an import whose test signature failed).
    pub fn destroy(self) -> Result<(), TokenError> {
        let mut public = self.exact.clone();
        public[0] = Attribute::Class(ObjectClass::PUBLIC_KEY);
        self.token.with_session(|s| {
            for template in [&self.exact, &public] {
                for h in s.find_objects(template)? {
                    s.destroy_object(h)?;
                }
            }
            Ok(())
        })
    }

    /// The CKA_ID and CKA_LABEL of a key stored for `uri`: its `id` (else 8 random bytes, so that
    /// the public and private halves pair up) and its `object`.
    fn id_and_label(uri: &Pkcs11Uri) -> Result<(Vec<u8>, Vec<u8>), TokenError> {
        let id = match &uri.id {
            Some(id) => id.clone(),
            None => {
                let mut id = vec![0u8; 8];
                ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut id)
                    .map_err(|_| TokenError::Random)?;
                id
            }
        };
        Ok((id, uri.object.clone().unwrap_or_default().into_bytes()))
    }

    #[cfg(test)]
    pub(super) fn token(&self) -> &Token {
        &self.token
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    pub fn uri(&self) -> &Pkcs11Uri {
        &self.uri
    }

    /// Signs through the token, with the detail of a failure kept (rcgen's error cannot).
    pub fn sign_message(&self, msg: &[u8]) -> Result<Vec<u8>, TokenError> {
        // SoftHSM (and many tokens) lack CKM_ECDSA_SHA256: hash here, sign the digest there.
        let digest = match self.algorithm {
            KeyAlgorithm::P384 => ring::digest::digest(&ring::digest::SHA384, msg),
            _ => ring::digest::digest(&ring::digest::SHA256, msg),
        };
        let raw = self.token.with_session(|s| {
            let handle = *self.handle.lock().unwrap_or_else(|p| p.into_inner());
            match s.sign(&Mechanism::Ecdsa, handle, digest.as_ref()) {
                Err(CkError::Pkcs11(
                    RvError::ObjectHandleInvalid | RvError::KeyHandleInvalid,
                    f,
                )) => {
                    let found = s.find_objects(&self.exact)?;
                    let [handle] = found.as_slice() else {
                        return Err(CkError::Pkcs11(RvError::KeyHandleInvalid, f));
                    };
                    *self.handle.lock().unwrap_or_else(|p| p.into_inner()) = *handle;
                    s.sign(&Mechanism::Ecdsa, *handle, digest.as_ref())
                }
                other => other,
            }
        })?;
        Ok(raw_to_der(&raw))
    }
}

impl SigningKey for TokenKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        self.sign_message(msg)
            .map_err(|_| rcgen::Error::RemoteKeyError)
    }
}

impl PublicKeyData for TokenKey {
    fn der_bytes(&self) -> &[u8] {
        &self.point
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        match self.algorithm {
            KeyAlgorithm::P384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            _ => &rcgen::PKCS_ECDSA_P256_SHA256,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_signature_becomes_der() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0x80;
        raw[63] = 1;
        let der = raw_to_der(&raw);
        assert_eq!(&der[..5], &[0x30, 38, 0x02, 33, 0x00]);
        assert_eq!(&der[der.len() - 3..], &[0x02, 1, 1]);
    }

    #[test]
    fn ec_point_octet_string_is_unwrapped() {
        let point = [4u8; 65];
        let mut der = vec![0x04, 65];
        der.extend(point);
        assert_eq!(unwrap_octet_string(&der), point.to_vec());
        assert_eq!(unwrap_octet_string(&point), point.to_vec());
    }
}
