//! Name resolution for outbound fetches. The HTTP client connects only to the
//! addresses this resolver hands it, after the policy has filtered them, so the
//! address that was checked is the address that is used (no DNS rebinding).

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::address::AddressPolicy;

/// Where host names are looked up: the system's resolver, or a script of answers
/// (tests: a "public" name, an answer that changes from one lookup to the next).
#[derive(Clone, Default)]
pub enum Resolver {
    #[default]
    System,
    Scripted(Arc<Mutex<HashMap<String, VecDeque<Vec<IpAddr>>>>>),
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Resolver::System => f.write_str("Resolver::System"),
            Resolver::Scripted(_) => f.write_str("Resolver::Scripted"),
        }
    }
}

impl Resolver {
    /// Each name answers its answers in turn; the last one stays.
    pub fn scripted<'a>(names: impl IntoIterator<Item = (&'a str, Vec<Vec<IpAddr>>)>) -> Self {
        let map = names
            .into_iter()
            .map(|(name, answers)| (name.to_ascii_lowercase(), answers.into()))
            .collect();
        Resolver::Scripted(Arc::new(Mutex::new(map)))
    }

    pub async fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        match self {
            Resolver::System => Ok(tokio::net::lookup_host((host, 0))
                .await?
                .map(|addr| addr.ip())
                .collect()),
            Resolver::Scripted(map) => {
                let mut map = map.lock().expect("resolver script lock");
                let answers = map.get_mut(&host.to_ascii_lowercase()).ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such name")
                })?;
                let answer = if answers.len() > 1 {
                    answers.pop_front()
                } else {
                    answers.front().cloned()
                };
                Ok(answer.unwrap_or_default())
            }
        }
    }
}

/// A name whose addresses the policy refuses, all of them.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves only to addresses that are not public")]
pub struct RefusedName {
    pub host: String,
}

/// The client's resolver: looks up, drops refused addresses, fails when none is left.
pub(super) struct Guarded {
    pub resolver: Resolver,
    pub policy: Arc<AddressPolicy>,
}

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self.resolver.clone();
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = resolver.lookup(&host).await?;
            let permitted: Vec<SocketAddr> = found
                .into_iter()
                .filter(|ip| policy.permits(*ip))
                .map(|ip| SocketAddr::new(ip, 0))
                .collect();
            if permitted.is_empty() {
                return Err(Box::new(RefusedName { host }) as Box<_>);
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}
