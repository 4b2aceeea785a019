//! Identity primitives: password hashing, access tokens, random secrets, key pairs.

pub mod keys;
pub mod oidc;
pub mod passwords;
pub mod secrets;
pub mod tokens;
pub mod totp;
