//! Reading variables: one error type that names the variable, and parsers for the
//! shapes the seed uses (booleans, numbers, URLs, lists).

use std::fmt;
use std::str::FromStr;

/// A configuration problem, displayed as one line that names the variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl ConfigError {
    pub fn new(variable: &'static str, problem: impl Into<String>) -> Self {
        ConfigError {
            variable,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

/// Looks variables up through a function (the process environment, or a map in
/// tests and in the desktop app). Empty values count as unset, as in `.env` files
/// where `OIDC_CLIENT_ID=` means "not configured".
pub struct Env<'a> {
    lookup: Box<Lookup<'a>>,
}

type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

impl<'a> Env<'a> {
    pub fn new(lookup: impl Fn(&str) -> Option<String> + 'a) -> Self {
        Env {
            lookup: Box::new(lookup),
        }
    }

    /// The trimmed value, or `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub fn required(&self, name: &'static str, hint: &str) -> Result<String, ConfigError> {
        self.get(name)
            .ok_or_else(|| ConfigError::new(name, format!("is required but not set ({hint})")))
    }

    /// Parses with `FromStr`, falling back to `default` when unset.
    pub fn parse_or<T: FromStr>(
        &self,
        name: &'static str,
        default: T,
        expected: &str,
    ) -> Result<T, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw.parse().map_err(|_| {
                ConfigError::new(name, format!("{raw:?} is not valid; expected {expected}"))
            }),
        }
    }

    pub fn parse_opt<T: FromStr>(
        &self,
        name: &'static str,
        expected: &str,
    ) -> Result<Option<T>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => raw.parse().map(Some).map_err(|_| {
                ConfigError::new(name, format!("{raw:?} is not valid; expected {expected}"))
            }),
        }
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`), any case.
    pub fn bool_or(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => match raw.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(ConfigError::new(
                    name,
                    format!("{raw:?} is not valid; expected true or false"),
                )),
            },
        }
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(
        &self,
        name: &'static str,
        default: T,
        choices: &[(&str, T)],
    ) -> Result<T, ConfigError> {
        let Some(raw) = self.get(name) else {
            return Ok(default);
        };
        choices
            .iter()
            .find(|(word, _)| word.eq_ignore_ascii_case(&raw))
            .map(|(_, value)| *value)
            .ok_or_else(|| {
                let words: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
                ConfigError::new(
                    name,
                    format!(
                        "{raw:?} is not valid; expected one of: {}",
                        words.join(", ")
                    ),
                )
            })
    }

    /// Comma-separated items, trimmed, empty items dropped.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|raw| {
                raw.split(',')
                    .map(|item| item.trim().to_owned())
                    .filter(|item| !item.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An absolute `http(s)` URL.
    pub fn http_url(&self, name: &'static str) -> Result<Option<url::Url>, ConfigError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        match url::Url::parse(&raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Ok(Some(url))
            }
            _ => Err(ConfigError::new(
                name,
                format!("{raw:?} is not valid; expected an absolute http:// or https:// URL"),
            )),
        }
    }
}
