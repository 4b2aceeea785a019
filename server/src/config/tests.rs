//! Parsing and validation of every variable, without starting a server.

use std::collections::HashMap;

use super::*;
use crate::auth::keys::{generate_ed25519_pem, generate_hex_key};

/// A minimal valid environment: database, JWT key files, TOTP key.
struct Fixture {
    _dir: tempfile::TempDir,
    vars: HashMap<String, String>,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let (private, public) = generate_ed25519_pem();
        let private_path = dir.path().join("jwt_private.pem");
        let public_path = dir.path().join("jwt_public.pem");
        std::fs::write(&private_path, private).unwrap();
        std::fs::write(&public_path, public).unwrap();
        let vars = HashMap::from([
            ("DATABASE_URL".to_owned(), "sqlite://test.db".to_owned()),
            (
                "JWT_PRIVATE_KEY_PATH".to_owned(),
                private_path.display().to_string(),
            ),
            (
                "JWT_PUBLIC_KEY_PATH".to_owned(),
                public_path.display().to_string(),
            ),
            ("TOTP_ENCRYPTION_KEY".to_owned(), generate_hex_key()),
        ]);
        Fixture { _dir: dir, vars }
    }

    fn with(mut self, name: &str, value: &str) -> Fixture {
        self.vars.insert(name.to_owned(), value.to_owned());
        self
    }

    fn without(mut self, name: &str) -> Fixture {
        self.vars.remove(name);
        self
    }

    fn load(&self) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| self.vars.get(name).cloned())
    }

    fn error(&self) -> ConfigError {
        self.load().expect_err("configuration should be refused")
    }
}

#[test]
fn defaults_are_the_seeds() {
    let config = Fixture::new().load().unwrap();
    assert_eq!(config.listen_addr.to_string(), "0.0.0.0:8080");
    assert_eq!(
        config.static_files_path,
        std::path::PathBuf::from("./static")
    );
    assert_eq!(config.public_url, None);
    assert_eq!(config.log_filter, "chatalot_server=info,tower_http=info");
    assert_eq!(config.registration_mode, RegistrationMode::InviteOnly);
    assert_eq!(
        config.community_creation_mode,
        CommunityCreationMode::AdminOnly
    );
    assert_eq!(config.admin_username, None);
    assert_eq!(
        config.files.storage_path,
        std::path::PathBuf::from("./data/files")
    );
    assert_eq!(config.files.max_file_size_bytes, 100 * 1024 * 1024);
    assert_eq!(config.files.upload_quota_bytes, Some(500 * 1024 * 1024));
    assert!(config.oidc.is_none() && config.push.is_none() && config.email.is_none());
    assert_eq!(config.turn.credential_ttl_secs, 3600);
    assert_eq!(
        (config.turn.listening_port, config.turn.tls_port),
        (3478, 5349)
    );
    assert!(config.trusted_proxies.is_empty());
}

#[test]
fn each_invalid_variable_is_named() {
    let cases: &[(&str, &str)] = &[
        ("REGISTRATION_MODE", "sometimes"),
        ("COMMUNITY_CREATION_MODE", "everyone"),
        ("LISTEN_ADDR", "localhost"),
        ("PUBLIC_URL", "chat.example.com"),
        ("RUST_LOG", "chatalot_server=loud"),
        ("TOTP_ENCRYPTION_KEY", "abcd"),
        ("TOTP_ENCRYPTION_KEY", &"zz".repeat(32)),
        ("MAX_FILE_SIZE_MB", "lots"),
        ("MAX_FILE_SIZE_MB", "0"),
        ("UPLOAD_QUOTA_MB", "-1"),
        ("OIDC_ISSUER_URL", "not a url"),
        ("OIDC_DISABLE_PASSWORD_LOGIN", "maybe"),
        ("VAPID_PUBLIC_KEY", "not-base64!"),
        ("SMTP_PORT", "70000"),
        ("SMTP_TLS", "sometimes"),
        ("EMAIL_FROM", "nobody"),
        ("TURN_URLS", "http://turn.example.com"),
        ("TURN_CREDENTIAL_TTL_SECS", "an hour"),
        ("TURN_EXTERNAL_IP", "my-server"),
        ("TURN_LISTENING_PORT", "x"),
        ("TURN_TLS_PORT", "99999"),
        ("ICE_SERVERS", "[{\"urls\": 5}]"),
        ("ICE_SERVERS", "{not json"),
        ("ICE_SERVERS", "[{\"urls\": \"http://x\"}]"),
        ("TRUSTED_PROXIES", "10.0.0.0/33"),
        ("DATABASE_URL", "mysql://localhost/chat"),
        ("JWT_PRIVATE_KEY_PATH", "/nonexistent/key.pem"),
        ("JWT_PUBLIC_KEY_PATH", "/nonexistent/key.pem"),
    ];
    for (name, value) in cases {
        let err = Fixture::new().with(name, value).error();
        assert_eq!(err.variable, *name, "{name}={value:?} gave: {err}");
        let line = err.to_string();
        assert!(
            line.starts_with(name) && !line.contains('\n'),
            "one line naming the variable: {line}"
        );
    }
}

#[test]
fn required_variables_are_required() {
    for name in ["DATABASE_URL", "TOTP_ENCRYPTION_KEY"] {
        let err = Fixture::new().without(name).error();
        assert_eq!(err.variable, name);
        assert!(err.problem.contains("required"), "{err}");
    }
}

#[test]
fn secrets_are_never_echoed() {
    let err = Fixture::new()
        .with("TOTP_ENCRYPTION_KEY", "secret-value-123")
        .error();
    assert!(!err.to_string().contains("secret-value-123"), "{err}");
    let config = Fixture::new()
        .with("OIDC_CLIENT_SECRET", "hunter2")
        .load()
        .unwrap();
    assert!(!format!("{config:?}").contains("hunter2"));
}

#[test]
fn mismatched_jwt_keys_name_the_public_key() {
    let fixture = Fixture::new();
    let (_, other_public) = generate_ed25519_pem();
    let other = fixture._dir.path().join("other.pem");
    std::fs::write(&other, other_public).unwrap();
    let err = fixture
        .with("JWT_PUBLIC_KEY_PATH", &other.display().to_string())
        .error();
    assert_eq!(err.variable, "JWT_PUBLIC_KEY_PATH");
}

#[test]
fn empty_values_mean_unset() {
    let config = Fixture::new()
        .with("OIDC_CLIENT_ID", "")
        .with("GIPHY_API_KEY", "")
        .with("REGISTRATION_MODE", "")
        .load()
        .unwrap();
    assert_eq!(config.registration_mode, RegistrationMode::InviteOnly);
    assert!(config.integrations.giphy_api_key.is_none());
}

#[test]
fn sso_needs_all_three_variables() {
    let partial = Fixture::new()
        .with("OIDC_ISSUER_URL", "https://auth.example.com/app")
        .with("OIDC_CLIENT_ID", "chatalot");
    assert!(
        partial.load().unwrap().oidc.is_none(),
        "two of three: silently off"
    );
    let full = partial
        .with("OIDC_CLIENT_SECRET", "s3cret")
        .with("PUBLIC_URL", "https://chat.example.com/");
    let config = full.load().unwrap();
    let oidc = config.oidc.as_ref().expect("all three set: on");
    assert_eq!(
        oidc.redirect_uri.as_ref().map(|u| u.as_str()),
        Some("https://chat.example.com/auth/oidc/callback"),
        "redirect defaults under PUBLIC_URL"
    );
    assert!(!config.password_login_disabled());

    // Without PUBLIC_URL the provider would not know where to send people back:
    // start-up refuses, naming the variable.
    let err = Fixture::new()
        .with("OIDC_ISSUER_URL", "https://auth.example.com/app")
        .with("OIDC_CLIENT_ID", "chatalot")
        .with("OIDC_CLIENT_SECRET", "s3cret")
        .load()
        .unwrap_err();
    assert_eq!(err.variable, "OIDC_REDIRECT_URI");
    let config = Fixture::new()
        .with("OIDC_ISSUER_URL", "https://auth.example.com/app")
        .with("OIDC_CLIENT_ID", "chatalot")
        .with("OIDC_CLIENT_SECRET", "s3cret")
        .with("OIDC_REDIRECT_URI", "https://chat.example.com/sso/back")
        .with("OIDC_DISABLE_PASSWORD_LOGIN", "true")
        .load()
        .unwrap();
    assert!(config.password_login_disabled());
}

#[test]
fn disabling_password_login_without_sso_has_no_effect() {
    let config = Fixture::new()
        .with("OIDC_DISABLE_PASSWORD_LOGIN", "true")
        .load()
        .unwrap();
    assert!(
        !config.password_login_disabled(),
        "nobody could sign in otherwise"
    );
}

#[test]
fn turn_ttl_is_clamped_and_ice_servers_parse() {
    let low = Fixture::new()
        .with("TURN_CREDENTIAL_TTL_SECS", "5")
        .load()
        .unwrap();
    assert_eq!(low.turn.credential_ttl_secs, 60);
    let high = Fixture::new()
        .with("TURN_CREDENTIAL_TTL_SECS", "999999")
        .load()
        .unwrap();
    assert_eq!(high.turn.credential_ttl_secs, 86_400);
    let ice = Fixture::new()
        .with(
            "ICE_SERVERS",
            r#"[{"urls":"stun:stun.l.google.com:19302"},{"urls":["turn:t.example.com:3478"],"username":"u","credential":"p"}]"#,
        )
        .with("TURN_URLS", "turns:turn.example.com:5349, turn:turn.example.com:3478")
        .with("TURN_AUTH_SECRET", "abc")
        .load()
        .unwrap();
    let servers = ice.turn.ice_servers.clone().unwrap();
    assert_eq!(servers[0].urls, vec!["stun:stun.l.google.com:19302"]);
    assert_eq!(servers[1].username.as_deref(), Some("u"));
    assert_eq!(ice.turn.urls.len(), 2);
    assert!(ice.turn.ephemeral_enabled());
}

#[test]
fn email_needs_host_and_sender_and_quota_zero_is_unlimited() {
    let only_host = Fixture::new()
        .with("SMTP_HOST", "smtp.example.com")
        .load()
        .unwrap();
    assert!(only_host.email.is_none());
    let config = Fixture::new()
        .with("SMTP_HOST", "smtp.example.com")
        .with("EMAIL_FROM", "noreply@example.com")
        .with("SMTP_TLS", "false")
        .with("UPLOAD_QUOTA_MB", "0")
        .load()
        .unwrap();
    let email = config.email.unwrap();
    assert_eq!(
        (email.port, email.tls, email.from_name.as_str()),
        (587, false, "Chatalot")
    );
    assert_eq!(config.files.upload_quota_bytes, None);
}

#[test]
fn vapid_keys_decode_and_must_belong_together() {
    use base64::Engine;
    let private = "4UVHvqweJU3cKjY29l7IGDfqwJwlhsV1zePeWhN0EUk";
    let public =
        "BHEgzmyeX40vpD_j3r09EomzkP8WSquwTS_l97mF1LO0Xf35nJ7V71ZEdY09rB4mZXF2OolIp9vYuRiTWk0YlFk";
    let config = Fixture::new()
        .with("VAPID_PRIVATE_KEY", private)
        .with("VAPID_PUBLIC_KEY", public)
        .load()
        .unwrap();
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    assert_eq!(
        config.push.unwrap().public_key,
        engine.decode(public).unwrap()
    );

    let mut foreign = vec![4u8];
    foreign.extend([7u8; 64]);
    let error = Fixture::new()
        .with("VAPID_PRIVATE_KEY", private)
        .with("VAPID_PUBLIC_KEY", &engine.encode(&foreign))
        .load()
        .unwrap_err();
    assert_eq!(error.variable, "VAPID_PUBLIC_KEY");
}

#[test]
fn trusted_proxies_accept_addresses_and_ranges() {
    let config = Fixture::new()
        .with("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1")
        .load()
        .unwrap();
    assert_eq!(config.trusted_proxies.len(), 3);
}

#[test]
fn the_updater_needs_its_url_and_a_long_enough_token() {
    let token = "0123456789abcdef0123456789abcdef";
    assert!(Fixture::new().load().unwrap().updater.is_none());
    assert!(
        Fixture::new()
            .with("UPDATER_TOKEN", token)
            .load()
            .unwrap()
            .updater
            .is_none(),
        "a token alone does nothing"
    );
    let on = Fixture::new()
        .with("UPDATER_URL", "http://updater:9090")
        .with("UPDATER_TOKEN", token)
        .load()
        .unwrap()
        .updater
        .unwrap();
    assert_eq!(on.url.as_str(), "http://updater:9090/");
    assert_eq!(on.token.expose(), token);

    let missing = Fixture::new()
        .with("UPDATER_URL", "http://updater:9090")
        .error();
    assert_eq!(missing.variable, "UPDATER_TOKEN");
    let short = Fixture::new()
        .with("UPDATER_URL", "http://updater:9090")
        .with("UPDATER_TOKEN", "short")
        .error();
    assert_eq!(short.variable, "UPDATER_TOKEN");
    assert!(
        !short.to_string().contains("short"),
        "never echoed: {short}"
    );
    let bad_url = Fixture::new().with("UPDATER_URL", "updater:9090").error();
    assert_eq!(bad_url.variable, "UPDATER_URL");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("updater_token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let from_file = Fixture::new()
        .with("UPDATER_URL", "http://updater:9090")
        .with("UPDATER_TOKEN_FILE", file.to_str().unwrap())
        .load()
        .unwrap()
        .updater
        .unwrap();
    assert_eq!(from_file.token.expose(), token);
    let unreadable = Fixture::new()
        .with("UPDATER_URL", "http://updater:9090")
        .with("UPDATER_TOKEN_FILE", "/nonexistent/updater_token")
        .error();
    assert_eq!(unreadable.variable, "UPDATER_TOKEN_FILE");
}
