//! Pre-shared keys: random bytes straight from the operating system's CSPRNG, as lowercase hex.

use super::error::PskError;
use rand::TryRng as _;
use zeroize::Zeroizing;

pub const MIN_KEY_BYTES: usize = 16;
pub const MAX_KEY_BYTES: usize = 64;
pub const DEFAULT_KEY_BYTES: usize = 32;

pub fn check_key_size(bytes: usize) -> Result<(), PskError> {
    if (MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(&bytes) {
        Ok(())
    } else {
        Err(PskError::KeySize(bytes))
    }
}

/// `count` keys of `bytes` bytes each, one after the other, read from the kernel's CSPRNG
/// (getrandom(2)) in large chunks: every key is independent OS randomness, never derived from
/// an identity or a counter, and a million keys cost a few hundred system calls.
pub fn random_keys(count: usize, bytes: usize) -> Result<Zeroizing<Vec<u8>>, PskError> {
    check_key_size(bytes)?;
    let len = count.checked_mul(bytes).ok_or(PskError::KeySize(bytes))?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    for chunk in out.chunks_mut(1 << 16) {
        rand::rngs::SysRng
            .try_fill_bytes(chunk)
            .map_err(PskError::Random)?;
    }
    Ok(out)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `key` as lowercase hex, the form Mosquitto's psk_file and `--psk` take.
pub fn push_hex(out: &mut Vec<u8>, key: &[u8]) {
    out.reserve(key.len() * 2);
    for b in key {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0x0f)]);
    }
}

/// Decodes hex (either case). `None` for odd length or a non-hex character.
pub fn decode_hex(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    // A match on bytes, not `char::to_digit`: the same digits, without widening each byte.
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let bytes = text.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len() / 2));
    for pair in bytes.chunks_exact(2) {
        out.push(digit(pair[0])? << 4 | digit(pair[1])?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_hex_round_trips() {
        let keys = random_keys(1000, 32).unwrap();
        let mut seen = std::collections::HashSet::new();
        for key in keys.chunks(32) {
            assert!(seen.insert(key.to_vec()));
            let mut hex = Vec::new();
            push_hex(&mut hex, key);
            let text = String::from_utf8(hex).unwrap();
            assert_eq!(text, text.to_lowercase());
            assert_eq!(decode_hex(&text).unwrap().as_slice(), key);
        }
        assert!(random_keys(1, 15).is_err());
        assert!(random_keys(1, 65).is_err());
        assert!(decode_hex("abc").is_none());
        assert!(decode_hex("zz").is_none());
        assert_eq!(decode_hex("00FF").unwrap().as_slice(), &[0, 255]);
    }
}
