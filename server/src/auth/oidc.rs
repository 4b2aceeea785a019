//! The OpenID Connect relying party (AUTH-8): discovery with retries, the
//! authorization request (code flow with PKCE S256, state and nonce), the code
//! exchange and ID token validation (issuer, audience, expiry, nonce, signature by
//! the provider's JWKS, fetched again when a token names a key it does not hold).
//! Accounts are the domain's business; this module only speaks the protocol.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata, CoreTokenResponse,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, SignatureVerificationError, TokenResponse,
};

use crate::config::OidcConfig;

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The longest wait between two discovery attempts.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(60);
/// How long the provider may take to answer one request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Why signing in at the provider failed; logged, and shown to the person as a
/// short reason.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the identity provider has not answered discovery yet")]
    Unavailable,
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the provider returned no ID token")]
    NoIdToken,
    #[error("the ID token is not valid: {0}")]
    InvalidToken(String),
}

/// What a valid ID token says about the person.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub preferred_username: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// An authorization request to send the browser to; `state`, `nonce` and the
/// PKCE verifier are kept by the server until the callback.
#[derive(Debug)]
pub struct AuthorizationStart {
    pub url: url::Url,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

struct Discovered {
    client: Client,
}

/// Single sign-on as configured: off, waiting for discovery, or ready.
#[derive(Clone)]
pub struct Sso {
    config: Option<Arc<OidcConfig>>,
    discovered: Arc<RwLock<Option<Arc<Discovered>>>>,
    http: openidconnect::reqwest::Client,
}

impl Sso {
    pub fn new(config: Option<OidcConfig>) -> anyhow::Result<Sso> {
        let http = openidconnect::reqwest::Client::builder()
            // Following redirects would let a provider steer requests elsewhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            // Sign-ins are rare: an idle pooled connection would mostly be one the
            // provider has closed meanwhile, and a POST on it fails.
            .pool_max_idle_per_host(0)
            .build()?;
        Ok(Sso {
            config: config.map(Arc::new),
            discovered: Default::default(),
            http,
        })
    }

    /// Whether `OIDC_ISSUER_URL`, `OIDC_CLIENT_ID` and `OIDC_CLIENT_SECRET` are set.
    pub fn enabled(&self) -> bool {
        self.config.is_some()
    }

    /// Whether discovery has succeeded.
    pub fn available(&self) -> bool {
        self.discovered.read().expect("sso lock").is_some()
    }

    /// The issuer as configured (the `iss` every ID token must carry).
    pub fn issuer(&self) -> Option<&str> {
        self.config
            .as_ref()
            .map(|c| c.issuer_url.as_str().trim_end_matches('/'))
    }

    pub fn redirect_path(&self) -> Option<String> {
        let config = self.config.as_ref()?;
        Some(
            config
                .redirect_uri
                .as_ref()
                .map_or_else(|| "/auth/oidc/callback".to_owned(), |u| u.path().to_owned()),
        )
    }

    /// Runs discovery until it succeeds, backing off from 1 s to a minute; never
    /// gives up, never stops the server.
    pub fn spawn_discovery(&self) {
        let Some(config) = self.config.clone() else {
            tracing::info!(
                "single sign-on is off: OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are not all set"
            );
            return;
        };
        // The task holds the state weakly: it ends with the server that owns it.
        let weak = Arc::downgrade(&self.discovered);
        let (config_arc, http) = (self.config.clone(), self.http.clone());
        tokio::spawn(async move {
            let mut delay = Duration::from_secs(1);
            loop {
                let Some(discovered) = weak.upgrade() else {
                    return;
                };
                let sso = Sso {
                    config: config_arc.clone(),
                    discovered,
                    http: http.clone(),
                };
                match sso.discover().await {
                    Ok(()) => {
                        tracing::info!(issuer = %config.issuer_url, "single sign-on is ready");
                        return;
                    }
                    Err(e) => {
                        tracing::warn!(issuer = %config.issuer_url, error = %e, retry_in = ?delay,
                            "OpenID provider discovery failed; SSO is unavailable until it answers");
                    }
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_RETRY_DELAY);
            }
        });
    }

    /// Fetches the provider's metadata and keys (again).
    pub async fn discover(&self) -> anyhow::Result<()> {
        let config = self
            .config
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("SSO is not configured"))?;
        let issuer = IssuerUrl::new(config.issuer_url.as_str().trim_end_matches('/').to_owned())?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| anyhow::anyhow!("{}", error_chain(&e)))?;
        let redirect = config
            .redirect_uri
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no OIDC_REDIRECT_URI and no PUBLIC_URL"))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            Some(ClientSecret::new(config.client_secret.expose().clone())),
        )
        .set_redirect_uri(RedirectUrl::new(redirect.to_string())?);
        *self.discovered.write().expect("sso lock") = Some(Arc::new(Discovered { client }));
        Ok(())
    }

    fn current(&self) -> Result<Arc<Discovered>, OidcError> {
        self.discovered
            .read()
            .expect("sso lock")
            .clone()
            .ok_or(OidcError::Unavailable)
    }

    /// A new authorization request: scopes `openid email profile`, PKCE S256.
    pub fn start(&self) -> Result<AuthorizationStart, OidcError> {
        let discovered = self.current()?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = discovered
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(AuthorizationStart {
            url,
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Trades the callback's code for tokens and validates the ID token.
    pub async fn finish(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<Identity, OidcError> {
        let discovered = self.current()?;
        let response: CoreTokenResponse = discovered
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(error_chain(&e)))?;
        let id_token = response.id_token().ok_or(OidcError::NoIdToken)?;
        self.verify(id_token, nonce).await
    }

    /// Validates a raw ID token for this client (tests feed it tokens issued to
    /// other clients).
    pub async fn verify_raw(&self, id_token: &str, nonce: &str) -> Result<Identity, OidcError> {
        let token: CoreIdToken = id_token
            .parse()
            .map_err(|e: serde_json::Error| OidcError::InvalidToken(e.to_string()))?;
        self.verify(&token, nonce).await
    }

    async fn verify(&self, token: &CoreIdToken, nonce: &str) -> Result<Identity, OidcError> {
        let nonce = Nonce::new(nonce.to_owned());
        match identity_of(&self.current()?.client, token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // The provider may have rotated its keys: fetch them once more.
                tracing::info!(
                    "ID token signed by an unknown key; fetching the provider's keys again"
                );
                self.discover()
                    .await
                    .map_err(|e| OidcError::InvalidToken(format!("refreshing keys: {e}")))?;
                identity_of(&self.current()?.client, token, &nonce)
                    .map_err(|e| OidcError::InvalidToken(e.to_string()))
            }
            other => other.map_err(|e| OidcError::InvalidToken(e.to_string())),
        }
    }
}

fn identity_of(
    client: &Client,
    token: &CoreIdToken,
    nonce: &Nonce,
) -> Result<Identity, ClaimsVerificationError> {
    let claims = token.claims(&client.id_token_verifier(), nonce)?;
    Ok(Identity {
        issuer: claims.issuer().as_str().to_owned(),
        subject: claims.subject().as_str().to_owned(),
        preferred_username: claims.preferred_username().map(|u| u.as_str().to_owned()),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned()),
    })
}

/// An error with its sources, for logs.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
