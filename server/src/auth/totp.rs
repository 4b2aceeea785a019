//! TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock skew either
//! way) and the at-rest encryption of TOTP secrets (AES-256-GCM, a random 96-bit
//! nonce per secret, the user ID as associated data so a secret copied to another
//! account does not decrypt).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use totp_rs::{Algorithm, TOTP};
use uuid::Uuid;

use super::secrets::constant_time_eq;

pub const DIGITS: usize = 6;
pub const STEP_SECS: u64 = 30;
/// Steps accepted either side of the current one.
const SKEW: i64 = 1;
/// 160 bits, the length RFC 4226 recommends.
pub const SECRET_LEN: usize = 20;
const NONCE_LEN: usize = 12;
const ISSUER: &str = "Chatalot";

/// A stored secret could not be decrypted: `TOTP_ENCRYPTION_KEY` changed, or the
/// row was tampered with or moved to another account.
#[derive(Debug, thiserror::Error)]
#[error("the TOTP secret does not decrypt with this key for this account")]
pub struct Unreadable;

pub fn new_secret() -> Vec<u8> {
    rand::random::<[u8; SECRET_LEN]>().to_vec()
}

fn totp(secret: &[u8], account: &str) -> TOTP {
    // `new_unchecked`: the secret is always 160 random bits; the name check of
    // `new` only refuses ':' in the label, which usernames cannot contain.
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        SKEW as u8,
        STEP_SECS,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
}

/// The code for a 30-second step.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    totp(secret, "").generate(step.max(0) as u64 * STEP_SECS)
}

/// The step a Unix time falls in.
pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS as i64)
}

/// The step whose code `code` is, among the current step and its neighbours.
pub fn matching_step(secret: &[u8], code: &str, unix_secs: i64) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix_secs);
    // Every candidate is compared, so timing tells nothing about which matched.
    let mut found = None;
    for step in (now - SKEW)..=(now + SKEW) {
        if constant_time_eq(code_at_step(secret, step).as_bytes(), code.as_bytes())
            && found.is_none()
        {
            found = Some(step);
        }
    }
    found
}

pub fn base32(secret: &[u8]) -> String {
    totp(secret, "").get_secret_base32()
}

/// `otpauth://totp/Chatalot:<account>?secret=…&issuer=Chatalot` (the defaults of
/// SHA-1, 6 digits and 30 s are spelled out for apps that need them).
pub fn otpauth_uri(secret: &[u8], account: &str) -> String {
    totp(secret, account).get_url()
}

/// The URI as an SVG QR code.
pub fn qr_svg(uri: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::new(uri.as_bytes())?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// Encrypts a secret for one account: nonce, then ciphertext and tag.
pub fn seal(key: &[u8; 32], user_id: Uuid, secret: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key));
    let nonce = rand::random::<[u8; NONCE_LEN]>();
    let sealed = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: secret,
                aad: user_id.as_bytes(),
            },
        )
        .expect("AES-GCM encryption of a short secret cannot fail");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    out
}

pub fn open(key: &[u8; 32], user_id: Uuid, sealed: &[u8]) -> Result<Vec<u8>, Unreadable> {
    if sealed.len() <= NONCE_LEN {
        return Err(Unreadable);
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| Unreadable)?;
    Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key))
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: user_id.as_bytes(),
            },
        )
        .map_err(|_| Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows. The published codes have 8 digits; a
    /// 6-digit code is the same truncated value modulo 10^6, i.e. its last six.
    #[test]
    fn rfc_6238_sha1_test_vectors() {
        let secret = b"12345678901234567890";
        let vectors: [(i64, &str); 6] = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, published) in vectors {
            let code = code_at_step(secret, step_of(time));
            assert_eq!(code, published[2..], "T = {time}");
            assert_eq!(matching_step(secret, &code, time), Some(step_of(time)));
        }
    }

    #[test]
    fn neighbouring_steps_match_and_others_do_not() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let step = step_of(now);
        for offset in [-1, 0, 1] {
            let code = code_at_step(&secret, step + offset);
            assert_eq!(matching_step(&secret, &code, now), Some(step + offset));
        }
        for offset in [-3, -2, 2, 3] {
            let code = code_at_step(&secret, step + offset);
            // A far step's code may collide with a near one's by chance (1 in 10^6).
            if (-1..=1).all(|o| code_at_step(&secret, step + o) != code) {
                assert_eq!(matching_step(&secret, &code, now), None);
            }
        }
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn sealed_secret_opens_only_with_its_key_and_account() {
        let key = rand::random::<[u8; 32]>();
        let user = Uuid::now_v7();
        let secret = new_secret();
        let sealed = seal(&key, user, &secret);
        assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_slice()));
        assert_ne!(seal(&key, user, &secret), sealed, "a fresh nonce each time");
        assert_eq!(open(&key, user, &sealed).unwrap(), secret);
        assert!(open(&rand::random::<[u8; 32]>(), user, &sealed).is_err());
        assert!(open(&key, Uuid::now_v7(), &sealed).is_err());
        assert!(open(&key, user, &sealed[..5]).is_err());
    }

    #[test]
    fn uri_names_the_account_and_parameters() {
        let secret = new_secret();
        let uri = otpauth_uri(&secret, "alice");
        assert!(uri.starts_with("otpauth://totp/Chatalot:alice?"), "{uri}");
        assert!(
            uri.contains(&format!("secret={}", base32(&secret))),
            "{uri}"
        );
        assert!(qr_svg(&uri).unwrap().starts_with("<?xml"));
    }
}
