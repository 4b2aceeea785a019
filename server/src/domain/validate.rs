//! Input rules shared by every path that accepts these fields.

use crate::error::{Error, Result};

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const PASSWORD_MIN: usize = 8;
/// Argon2 accepts more, but a long password only costs the server.
pub const PASSWORD_MAX: usize = 256;
pub const DISPLAY_NAME_MAX: usize = 64;
pub const BIO_MAX: usize = 1000;
pub const PRONOUNS_MAX: usize = 40;
pub const CUSTOM_STATUS_MAX: usize = 128;

/// Usernames: 3–32 of `a-z A-Z 0-9 _ . -`, starting with a letter or digit.
pub fn username(raw: &str) -> Result<String> {
    let name = raw.trim();
    let len = name.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
        return Err(Error::invalid(
            "username",
            format!("username must be {USERNAME_MIN} to {USERNAME_MAX} characters"),
        ));
    }
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !valid_chars || !starts_well {
        return Err(Error::invalid(
            "username",
            "username may contain letters, digits, '_', '.' and '-', and must start with a letter or digit",
        ));
    }
    Ok(name.to_owned())
}

pub fn password(field: &'static str, raw: &str) -> Result<()> {
    let len = raw.chars().count();
    if len < PASSWORD_MIN {
        return Err(Error::invalid(
            field,
            format!("password must be at least {PASSWORD_MIN} characters"),
        ));
    }
    if len > PASSWORD_MAX {
        return Err(Error::invalid(
            field,
            format!("password must be at most {PASSWORD_MAX} characters"),
        ));
    }
    Ok(())
}

pub fn display_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > DISPLAY_NAME_MAX {
        return Err(Error::invalid(
            "display_name",
            format!("display name must be 1 to {DISPLAY_NAME_MAX} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "display_name",
            "display name must not contain control characters",
        ));
    }
    Ok(name.to_owned())
}

pub fn email(raw: &str) -> Result<String> {
    let email = raw.trim();
    if !crate::config::looks_like_email(email) {
        return Err(Error::invalid(
            "email",
            "email must be a valid address such as name@example.com",
        ));
    }
    Ok(email.to_owned())
}

/// Optional free text: trimmed, empty becomes `None`, bounded length.
pub fn optional_text(field: &'static str, raw: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

/// A required name: trimmed, 1..=max characters, no control characters.
pub fn name(field: &'static str, raw: &str, max: usize) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("{field} must be 1 to {max} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(name.to_owned())
}

/// A colour as `#rrggbb`.
pub fn color(field: &'static str, raw: &str) -> Result<String> {
    let valid =
        raw.len() == 7 && raw.starts_with('#') && raw[1..].chars().all(|c| c.is_ascii_hexdigit());
    if valid {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(Error::invalid(
            field,
            format!("{field} must look like #1a2b3c"),
        ))
    }
}

/// One of a fixed set of words.
pub fn one_of(field: &'static str, raw: &str, allowed: &[&'static str]) -> Result<&'static str> {
    allowed.iter().find(|a| **a == raw).copied().ok_or_else(|| {
        Error::invalid(
            field,
            format!("{field} must be one of: {}", allowed.join(", ")),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["bob", "Alice_1", "a.b-c", "x23"] {
            assert!(username(ok).is_ok(), "{ok} should be accepted");
        }
        for bad in ["ab", "_bob", "bob!", "böb", "a b", &"x".repeat(33), ""] {
            assert!(username(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(username("  carol ").unwrap(), "carol");
    }

    #[test]
    fn passwords_and_names() {
        assert!(password("password", "short").is_err());
        assert!(password("password", "long enough").is_ok());
        assert!(password("password", &"p".repeat(PASSWORD_MAX + 1)).is_err());
        assert!(display_name("  ").is_err());
        assert!(display_name("Bob\u{7}").is_err());
        assert_eq!(display_name(" Bob ").unwrap(), "Bob");
        assert!(email("bob@example.com").is_ok());
        assert!(email("bob@localhost").is_err());
        assert_eq!(optional_text("bio", Some("  "), 10).unwrap(), None);
        assert!(optional_text("bio", Some("12345678901"), 10).is_err());
    }
}
