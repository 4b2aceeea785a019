//! Random secrets handed to clients, and their at-rest hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};

/// An opaque token of 32 random bytes, URL-safe base64 (refresh tokens).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// SHA-256 of a high-entropy secret; such secrets need no slow hash.
pub fn sha256(value: &str) -> Vec<u8> {
    Sha256::digest(value.as_bytes()).to_vec()
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Letters and digits without look-alikes (no 0/O, 1/I/L), for codes people type.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A random code of `len` characters from [`CODE_ALPHABET`].
pub fn random_code(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// A recovery code, `XXXXX-XXXXX-XXXXX-XXXXX` (about 99 bits).
pub fn recovery_code() -> String {
    let raw = random_code(20);
    raw.as_bytes()
        .chunks(5)
        .map(|c| std::str::from_utf8(c).expect("ASCII"))
        .collect::<Vec<_>>()
        .join("-")
}

/// The canonical form of a typed code: upper case, separators and spaces removed.
pub fn normalize_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_grouped_and_normalize_back() {
        let code = recovery_code();
        assert_eq!(
            code.len(),
            23,
            "four dashes between five groups of five: {code}"
        );
        assert_eq!(
            normalize_code(&code.to_lowercase().replace('-', " ")),
            code.replace('-', "")
        );
    }

    #[test]
    fn tokens_differ_and_hashes_are_stable() {
        assert_ne!(random_token(), random_token());
        assert_eq!(sha256("x"), sha256("x"));
        assert!(constant_time_eq(&sha256("x"), &sha256("x")));
        assert!(!constant_time_eq(&sha256("x"), &sha256("y")));
    }
}
