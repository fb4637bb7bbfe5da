//! PKCS#11 URIs (RFC 7512): which token, which key object, and where the PIN comes from.
//!
//! Only the attributes mqauth acts on are kept; others are accepted and ignored (RFC 7512
//! 2.3 lets a consumer ignore attributes it does not understand), except query attributes that
//! would carry a PIN on the command line (`pin-value`), which are refused.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use std::fmt;
use std::path::PathBuf;

/// A parsed `pkcs11:` URI naming a key in a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// The token's label (`token=`).
    pub token: String,
    /// The key object's label (`object=`).
    pub object: Option<String>,
    /// The key object's CKA_ID (`id=`), raw bytes.
    pub id: Option<Vec<u8>>,
    /// A file holding the PIN (`?pin-source=`): a path or a `file:` URI.
    pub pin_source: Option<PathBuf>,
    /// The module (`?module-path=`), when the URI names one.
    pub module_path: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    #[error("{0:?} is not a PKCS#11 URI: it must start with \"pkcs11:\"")]
    Scheme(String),
    #[error("PKCS#11 URI {uri:?}: {why}")]
    Invalid { uri: String, why: String },
}

/// What RFC 7512 lets through unescaped in a path attribute value (pchar less ';' and '/'),
/// so that `Display` writes a URI that parses back to the same attributes.
const VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b';')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

impl Pkcs11Uri {
    pub fn parse(text: &str) -> Result<Pkcs11Uri, UriError> {
        let invalid = |why: String| UriError::Invalid {
            uri: text.to_string(),
            why,
        };
        let rest = text
            .strip_prefix("pkcs11:")
            .ok_or_else(|| UriError::Scheme(text.to_string()))?;
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut uri = Pkcs11Uri {
            token: String::new(),
            object: None,
            id: None,
            pin_source: None,
            module_path: None,
        };
        let mut token = None;
        for attr in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = attr
                .split_once('=')
                .ok_or_else(|| invalid(format!("attribute {attr:?} has no '='")))?;
            let bytes = decode(value).map_err(&invalid)?;
            let text = || {
                String::from_utf8(bytes.clone())
                    .map_err(|_| invalid(format!("{name} is not UTF-8 text")))
            };
            let duplicate = match name {
                "token" => token.replace(text()?).is_some(),
                "object" => uri.object.replace(text()?).is_some(),
                "id" => uri.id.replace(bytes.clone()).is_some(),
                // RFC 7512 2.3: unknown path attributes are ignored by consumers.
                _ => false,
            };
            if duplicate {
                return Err(invalid(format!("{name} is given twice")));
            }
        }
        for attr in query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter(|a| !a.is_empty())
        {
            let (name, value) = attr
                .split_once('=')
                .ok_or_else(|| invalid(format!("attribute {attr:?} has no '='")))?;
            let bytes = decode(value).map_err(&invalid)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| invalid(format!("{name} is not UTF-8 text")))?;
            match name {
                "pin-source" => {
                    let path = text.strip_prefix("file:").unwrap_or(&text);
                    uri.pin_source = Some(PathBuf::from(path));
                }
                "module-path" => uri.module_path = Some(PathBuf::from(text)),
                // A PIN in the URI would end up in shell history, process lists and records.
                "pin-value" => {
                    return Err(invalid(
                        "pin-value is refused: give the PIN in a file (pin-source)".into(),
                    ));
                }
                _ => {}
            }
        }
        uri.token = token.ok_or_else(|| invalid("it names no token (token=...)".into()))?;
        if uri.object.is_none() && uri.id.is_none() {
            return Err(invalid("it names no key (object=... or id=...)".into()));
        }
        Ok(uri)
    }

    /// The same URI naming another object in the same token.
    pub fn with_object(&self, object: String) -> Pkcs11Uri {
        Pkcs11Uri {
            object: Some(object),
            id: None,
            ..self.clone()
        }
    }
}

fn decode(value: &str) -> Result<Vec<u8>, String> {
    // percent_decode passes a malformed escape through unchanged; RFC 3986 forbids it.
    let b = value.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return Err(format!("{value:?} has a malformed percent-escape"));
        }
    }
    Ok(percent_decode_str(value).collect())
}

impl fmt::Display for Pkcs11Uri {
    /// The URI as recorded: token, object and id, plus the pin-source path (never a PIN).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pkcs11:token={}",
            utf8_percent_encode(&self.token, VALUE)
        )?;
        if let Some(o) = &self.object {
            write!(f, ";object={}", utf8_percent_encode(o, VALUE))?;
        }
        if let Some(id) = &self.id {
            f.write_str(";id=")?;
            for b in id {
                write!(f, "%{b:02X}")?;
            }
        }
        let mut sep = '?';
        if let Some(p) = &self.module_path {
            write!(
                f,
                "{sep}module-path={}",
                utf8_percent_encode(&p.to_string_lossy(), VALUE)
            )?;
            sep = '&';
        }
        if let Some(p) = &self.pin_source {
            write!(
                f,
                "{sep}pin-source={}",
                utf8_percent_encode(&p.to_string_lossy(), VALUE)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_token_object_id_and_pin_source() {
        let u = Pkcs11Uri::parse(
            "pkcs11:token=My%20Fleet;object=root%3Bca;id=%01%02;foo=bar?pin-source=file:/run/pin&x=y",
        )
        .unwrap();
        assert_eq!(u.token, "My Fleet");
        assert_eq!(u.object.as_deref(), Some("root;ca"));
        assert_eq!(u.id, Some(vec![1, 2]));
        assert_eq!(u.pin_source, Some(PathBuf::from("/run/pin")));
        assert_eq!(Pkcs11Uri::parse(&u.to_string()).unwrap(), u);
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        assert!(matches!(
            Pkcs11Uri::parse("file:x"),
            Err(UriError::Scheme(_))
        ));
        for bad in [
            "pkcs11:object=root",
            "pkcs11:token=t",
            "pkcs11:token=t;object=a;object=b",
            "pkcs11:token=t;object=%zz",
            "pkcs11:token=t;object=a?pin-value=1234",
            "pkcs11:token",
        ] {
            assert!(Pkcs11Uri::parse(bad).is_err(), "{bad}");
        }
    }
}
