//! Input rules shared by every path that accepts these fields.

use crate::domain::error::{Error, Result};

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const PASSWORD_MIN: usize = 8;
/// Argon2 accepts more, but a long password only costs the server.
pub const PASSWORD_MAX: usize = 256;
pub const DISPLAY_NAME_MAX: usize = 64;
pub const BIO_MAX: usize = 1000;
pub const PRONOUNS_MAX: usize = 40;
pub const CUSTOM_STATUS_MAX: usize = 128;

/// The one rule for text, on every field and both backends: no C0 control
/// character other than tab and newline, and no DEL. (PostgreSQL cannot store NUL
/// at all; the others have no place in chat text.)
pub fn forbidden_in_text(c: char) -> bool {
    (c < ' ' && c != '\t' && c != '\n') || c == '\u{7f}'
}

/// Names (display, community, group and channel names) are one line: no control
/// character at all, and no bidirectional override or isolate, which could make a
/// name read as another.
pub fn forbidden_in_name(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Refuses free text that breaks [`forbidden_in_text`].
pub fn text(field: &'static str, raw: &str) -> Result<()> {
    if raw.chars().any(forbidden_in_text) {
        return Err(control_characters(field));
    }
    Ok(())
}

fn control_characters(field: &'static str) -> Error {
    Error::invalid(
        field,
        format!("{field} must not contain control characters other than tab and newline"),
    )
}

/// Whether a JSON document has a string that breaks [`forbidden_in_text`]. JSON
/// carries control characters only as escapes (`\u0000`, `\r`, …) or, for DEL, as
/// the raw byte, so this looks at escapes without parsing the document.
pub fn json_has_forbidden_text(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            0x7f => return true,
            b'\\' => {
                match json.get(i + 1) {
                    Some(b'b' | b'f' | b'r') => return true,
                    Some(b'u') => {
                        let code = json
                            .get(i + 2..i + 6)
                            .and_then(|hex| std::str::from_utf8(hex).ok())
                            .and_then(|hex| u32::from_str_radix(hex, 16).ok());
                        if code.and_then(char::from_u32).is_some_and(forbidden_in_text) {
                            return true;
                        }
                    }
                    _ => {}
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// The first string field of a JSON value that breaks the text rule, as a dotted
/// path (`options.2`), to name it in the error.
pub fn json_field_with_forbidden_text(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => s.chars().any(forbidden_in_text).then(String::new),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            json_field_with_forbidden_text(v).map(|rest| join_path(&i.to_string(), &rest))
        }),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.chars().any(forbidden_in_text) {
                // Named without the characters at fault.
                return Some(
                    k.chars()
                        .map(|c| if c.is_control() { '?' } else { c })
                        .collect(),
                );
            }
            json_field_with_forbidden_text(v).map(|rest| join_path(k, &rest))
        }),
        _ => None,
    }
}

fn join_path(head: &str, rest: &str) -> String {
    if rest.is_empty() {
        head.to_owned()
    } else {
        format!("{head}.{rest}")
    }
}

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
    if name.chars().any(forbidden_in_name) {
        return Err(Error::invalid(
            "display_name",
            "display name must not contain control or text-direction characters",
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
    self::text(field, text)?;
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
    if name.chars().any(forbidden_in_name) {
        return Err(Error::invalid(
            field,
            format!("{field} must not contain control or text-direction characters"),
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
    fn one_text_rule() {
        assert!(text("bio", "tab\tand\nnewline are fine").is_ok());
        for bad in ["nul\0", "bell\u{7}", "cr\r", "del\u{7f}", "esc\u{1b}[31m"] {
            assert!(text("bio", bad).is_err(), "{bad:?} should be refused");
        }
        assert!(
            name("name", "a\u{202e}txt.exe", 50).is_err(),
            "bidi override"
        );
        assert!(name("name", "a\u{2066}b", 50).is_err(), "bidi isolate");
        assert!(display_name("Bob\tSmith").is_err(), "names are one line");
        assert!(name("name", "café ☕", 50).is_ok());
    }

    #[test]
    fn json_scan_finds_escaped_controls() {
        for bad in [
            r#"{"a":"x\u0000"}"#,
            r#"{"a":"\u001B"}"#,
            r#"{"a":"\r"}"#,
            "{\"a\":\"\u{7f}\"}",
            r#"["ok","\b"]"#,
        ] {
            assert!(json_has_forbidden_text(bad.as_bytes()), "{bad}");
        }
        for ok in [
            r#"{"a":"tab\tnew\nline \u00e9 \\u0000"}"#,
            "{\r\n  \"a\": 1\r\n}",
            r#"{"a":"\\"}"#,
        ] {
            assert!(!json_has_forbidden_text(ok.as_bytes()), "{ok}");
        }
        let value: serde_json::Value =
            serde_json::from_str(r#"{"poll":{"options":["a","b\u0000"]}}"#).unwrap();
        assert_eq!(
            json_field_with_forbidden_text(&value).as_deref(),
            Some("poll.options.1")
        );
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
