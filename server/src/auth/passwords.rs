//! Argon2id password hashing off the async runtime, with bounded concurrency so a
//! burst of logins cannot exhaust memory (each hash takes `memory_kib`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::config::PasswordParams;

#[derive(Clone)]
pub struct PasswordHasher {
    argon: Argon2<'static>,
    permits: Arc<Semaphore>,
    /// A hash verified when the account does not exist, so the answer takes as long
    /// as for a real account.
    dummy_hash: Arc<OnceLock<String>>,
    /// Argon2 computations so far (hashes and verifications), for tests and metrics.
    runs: Arc<AtomicU64>,
}

impl PasswordHasher {
    pub fn new(params: &PasswordParams) -> anyhow::Result<PasswordHasher> {
        let params = Params::new(params.memory_kib, params.iterations, params.lanes, None)
            .map_err(|e| anyhow::anyhow!("invalid Argon2 parameters: {e}"))?;
        let concurrency = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(PasswordHasher {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            permits: Arc::new(Semaphore::new(concurrency)),
            dummy_hash: Arc::new(OnceLock::new()),
            runs: Arc::default(),
        })
    }

    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let password = password.to_owned();
        self.run(move |argon| hash_with(&argon, &password)).await?
    }

    /// Checks `password` against `hash`; with no hash (unknown account, SSO-only
    /// account) it still spends the same time and answers false.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let password = password.to_owned();
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy_hash().await?, false),
        };
        let matches = self
            .run(move |argon| {
                let parsed = PasswordHash::new(&hash)
                    .map_err(|e| anyhow::anyhow!("stored password hash is malformed: {e}"))?;
                Ok::<_, anyhow::Error>(argon.verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await??;
        Ok(real && matches)
    }

    async fn dummy_hash(&self) -> anyhow::Result<String> {
        if let Some(hash) = self.dummy_hash.get() {
            return Ok(hash.clone());
        }
        let hash = self.hash("not a real password").await?;
        Ok(self.dummy_hash.get_or_init(|| hash).clone())
    }

    /// How many Argon2 computations this hasher has run.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(Argon2<'static>) -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let _permit = self.permits.acquire().await?;
        self.runs.fetch_add(1, Ordering::Relaxed);
        let argon = self.argon.clone();
        Ok(tokio::task::spawn_blocking(move || job(argon)).await?)
    }
}

fn hash_with(argon: &Argon2<'_>, password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| anyhow::anyhow!("salt encoding failed: {e}"))?;
    let hash = argon
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?;
    Ok(hash.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> PasswordHasher {
        PasswordHasher::new(&PasswordParams {
            memory_kib: 64,
            iterations: 1,
            lanes: 1,
        })
        .unwrap()
    }

    #[tokio::test]
    async fn hashes_verify_only_the_right_password() {
        let hasher = cheap();
        let hash = hasher.hash("correct horse").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$"),
            "Argon2id PHC string: {hash}"
        );
        assert!(hasher.verify("correct horse", Some(&hash)).await.unwrap());
        assert!(!hasher.verify("wrong horse", Some(&hash)).await.unwrap());
    }

    #[tokio::test]
    async fn missing_hash_never_verifies() {
        let hasher = cheap();
        assert!(!hasher.verify("not a real password", None).await.unwrap());
    }

    #[test]
    fn production_parameters_are_the_specified_ones() {
        let p = PasswordParams::default();
        assert_eq!(
            (p.memory_kib, p.iterations, p.lanes),
            (64 * 1024, 3, 4),
            "AUTH-2"
        );
    }
}
