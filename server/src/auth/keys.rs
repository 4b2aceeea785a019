//! Ed25519 key pairs for signing access tokens.

use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey};

/// A fresh Ed25519 key pair as PEM: (PKCS#8 private key, SPKI public key), the
/// formats `JWT_PRIVATE_KEY_PATH` and `JWT_PUBLIC_KEY_PATH` hold.
pub fn generate_ed25519_pem() -> (String, String) {
    let seed: [u8; 32] = rand::random();
    let signing = SigningKey::from_bytes(&seed);
    let private = signing
        .to_pkcs8_pem(LineEnding::LF)
        .expect("encoding a fresh Ed25519 key as PKCS#8 cannot fail")
        .to_string();
    let public = signing
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("encoding an Ed25519 public key as SPKI cannot fail");
    (private, public)
}

/// A fresh 32-byte key as 64 hex digits (the `TOTP_ENCRYPTION_KEY` format).
pub fn generate_hex_key() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}
