//! Identity primitives: password hashing, access tokens, random secrets, key pairs.

pub mod keys;
pub mod passwords;
pub mod secrets;
pub mod tokens;
