//! The HTTP edge (SEC-1..5): security headers everywhere, CORS, per-IP rate limits,
//! forwarded addresses only from trusted proxies, JSON errors for bad input, body
//! limits, the web client beside the API, and the health check.

mod common;

use chatalot_server::config::RateLimits;
use common::{Backend, Resp, TestServer, send};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

/// The seed's table (configuration.md, "Security Headers"), literally.
const SEED_SECURITY_HEADERS: [(&str, &str); 6] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("x-xss-protection", "1; mode=block"),
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "permissions-policy",
        "camera=(self), microphone=(self), geolocation=()",
    ),
];

/// The seed's CSP "restricts scripts, styles, connections, and media sources":
/// each of those directives is present, allows the server itself, and no wildcard.
const SEED_CSP_DIRECTIVES: [&str; 4] = ["script-src", "style-src", "connect-src", "media-src"];

#[track_caller]
fn assert_security_headers(resp: &Resp, what: &str) {
    for (name, value) in SEED_SECURITY_HEADERS {
        let got: Vec<_> = resp
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or("<not text>"))
            .collect();
        assert_eq!(got, [value], "{name} on {what} ({})", resp.status);
    }
    let csp = resp
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("CSP on {what} ({})", resp.status));
    assert!(
        csp.starts_with("default-src 'self'; "),
        "CSP on {what}: {csp}"
    );
    for directive in SEED_CSP_DIRECTIVES {
        let sources: Vec<&str> = csp
            .split(';')
            .map(str::trim)
            .find_map(|d| d.strip_prefix(directive).filter(|r| r.starts_with(' ')))
            .unwrap_or_else(|| panic!("CSP on {what} has {directive}: {csp}"))
            .split_whitespace()
            .collect();
        assert_eq!(
            sources.first(),
            Some(&"'self'"),
            "{directive} on {what}: {csp}"
        );
        assert!(
            !sources.contains(&"*"),
            "{directive} on {what} has no wildcard: {csp}"
        );
    }
}

/// A static folder with an index page and a hashed asset.
fn web_client_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>client</title><script>start()</script>",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("_app/immutable")).unwrap();
    std::fs::write(
        dir.path().join("_app/immutable/app.abc123.js"),
        "console.log('hi')",
    )
    .unwrap();
    dir
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn security_headers_on_api_static_and_error_responses(#[case] backend: Backend) {
    let web = web_client_dir();
    let path = web.path().to_owned();
    let Some(s) = TestServer::start_with(backend, |c| {
        c.static_files_path = path;
        c.tuning.json_body_limit = 1024;
    })
    .await
    else {
        return;
    };
    let checks = [
        (s.get("/api/health", None).await, StatusCode::OK, "API"),
        (s.get("/", None).await, StatusCode::OK, "index page"),
        (
            s.get("/channels/general", None).await,
            StatusCode::OK,
            "client route",
        ),
        (
            s.get("/_app/immutable/app.abc123.js", None).await,
            StatusCode::OK,
            "asset",
        ),
        (
            s.get("/api/no/such/route", None).await,
            StatusCode::NOT_FOUND,
            "unknown API route",
        ),
        (
            s.get("/api/account/me", None).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
        (
            s.call(Method::DELETE, "/api/health", None, None).await,
            StatusCode::METHOD_NOT_ALLOWED,
            "wrong method",
        ),
        (
            s.post(
                "/api/auth/login",
                None,
                &json!({"username": "x".repeat(2000), "password": "p"}),
            )
            .await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "oversized body",
        ),
    ];
    for (resp, status, what) in &checks {
        assert_eq!(resp.status, *status, "{what}: {}", resp.text);
        assert_security_headers(resp, what);
    }
    let csp = checks[0].0.headers["content-security-policy"]
        .to_str()
        .unwrap();
    // The app's inline bootstrap script is allowed by its hash, nothing else inline:
    // printf 'start()' | openssl dgst -sha256 -binary | base64
    assert!(
        csp.contains("script-src 'self' 'sha256-DIm7WJS6ZKDYe5qFLPy+h4JFI9Bol5QmYC57mt3Fb00='; "),
        "{csp}"
    );
    for directive in [
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'; ",
        "connect-src 'self' ws: wss:; ",
        "media-src 'self' blob:; ",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "CSP restricts {directive}: {csp}");
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn web_client_never_shadows_the_api(#[case] backend: Backend) {
    let web = web_client_dir();
    let path = web.path().to_owned();
    let Some(s) = TestServer::start_with(backend, |c| c.static_files_path = path).await else {
        return;
    };

    let route = s
        .get("/settings/profile", None)
        .await
        .expect(StatusCode::OK);
    assert!(
        route.text.contains("<title>client</title>"),
        "client routes load the app"
    );
    assert_eq!(route.headers["cache-control"], "no-cache");
    let asset = s
        .get("/_app/immutable/app.abc123.js", None)
        .await
        .expect(StatusCode::OK);
    assert!(
        asset.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    for path in [
        "/api",
        "/api/",
        "/api/nothing",
        "/api/auth/nothing",
        "/api/account/me/extra",
    ] {
        let resp = s.get(path, None).await;
        assert_eq!(resp.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            resp.code(),
            "route_not_found",
            "{path} answers JSON, not the app: {}",
            resp.text
        );
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn without_a_built_client_a_placeholder_page_is_served(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let page = s.get("/", None).await.expect(StatusCode::OK);
    assert!(
        page.text.contains("web client has not been built"),
        "{}",
        page.text
    );
    assert_security_headers(&page, "placeholder");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn cors_is_permissive_for_bearer_clients(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let preflight = s
        .client
        .request(Method::OPTIONS, s.url("/api/auth/login"))
        .header("origin", "tauri://localhost")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        );
    let resp = send(preflight).await;
    assert!(resp.status.is_success(), "preflight: {}", resp.status);
    assert_eq!(resp.headers["access-control-allow-origin"], "*");
    assert!(
        !resp
            .headers
            .contains_key("access-control-allow-credentials"),
        "no cookies, no credentials"
    );
    assert_security_headers(&resp, "preflight");
}

/// `count` quick requests; POSTs carry an empty object (refused before any work).
async fn hammer(s: &TestServer, path: &str, headers: &[(&str, &str)], count: usize) -> Vec<Resp> {
    let mut results = Vec::with_capacity(count);
    for _ in 0..count {
        let mut request = if path.starts_with("/api/auth/") {
            s.client.post(s.url(path)).json(&json!({}))
        } else {
            s.client.get(s.url(path))
        };
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        results.push(send(request).await);
    }
    results
}

#[track_caller]
fn first_limited(results: &[Resp]) -> &Resp {
    let limited = results
        .iter()
        .find(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .expect("some requests are limited");
    assert_eq!(
        limited.code(),
        "rate_limited",
        "JSON body: {}",
        limited.text
    );
    assert!(limited.headers.contains_key("retry-after"));
    assert_security_headers(limited, "429");
    limited
}

/// How many requests passed a limiter before its first 429, and how long that took.
struct UntilLimited {
    passed: usize,
    elapsed: std::time::Duration,
    limited: Resp,
}

/// Sequential requests from one client until the first 429 (at most 30 seconds of
/// them); every request before it must answer `passing`.
async fn until_limited(s: &TestServer, path: &str, passing: StatusCode) -> UntilLimited {
    let started = std::time::Instant::now();
    let mut passed = 0;
    loop {
        let mut results = hammer(s, path, &[], 1).await;
        let resp = results.pop().unwrap();
        if resp.status == StatusCode::TOO_MANY_REQUESTS {
            return UntilLimited {
                passed,
                elapsed: started.elapsed(),
                limited: resp,
            };
        }
        assert_eq!(
            resp.status, passing,
            "request {passed} to {path} before the first 429: {}",
            resp.text
        );
        passed += 1;
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{path}: no 429 after {passed} requests in 30 s"
        );
    }
}

/// At least the burst passes; no more than the burst plus what refilled while the
/// requests ran (plus one for rounding); the 429 is the JSON error with Retry-After.
#[track_caller]
fn assert_limit(run: &UntilLimited, per_second: u32, burst: u32, what: &str) {
    let refill = (f64::from(per_second) * run.elapsed.as_secs_f64()).ceil() as usize;
    let most = burst as usize + refill + 1;
    assert!(
        run.passed >= burst as usize,
        "{what}: only {} requests passed before the first 429 (burst {burst})",
        run.passed
    );
    assert!(
        run.passed <= most,
        "{what}: {} requests passed in {:?}; at most {most} may ({per_second}/s, burst {burst})",
        run.passed,
        run.elapsed
    );
    let limited = &run.limited;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{what}: JSON 429"
    );
    assert_eq!(limited.code(), "rate_limited", "{what}: {}", limited.text);
    assert!(
        limited.body["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{what}: the 429 explains itself: {}",
        limited.text
    );
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in whole seconds");
    assert!(
        retry_after >= 1,
        "{what}: Retry-After {retry_after} is at least a second"
    );
    assert_eq!(
        limited.body["retry_after"].as_u64(),
        Some(retry_after),
        "{what}: body and header agree: {}",
        limited.text
    );
    assert_security_headers(limited, what);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn exceeding_each_rate_limit_answers_429_json(#[case] backend: Backend) {
    // The defaults are the seed's: auth 5/s burst 10, general 20/s burst 50.
    let defaults = RateLimits::default();
    assert_eq!(
        (defaults.auth.per_second, defaults.auth.burst),
        (5, 10),
        "auth limit"
    );
    assert_eq!(
        (defaults.general.per_second, defaults.general.burst),
        (20, 50),
        "general limit"
    );
    // Every auth request passes the general limiter too: one server per limit,
    // so each starts with full buckets.
    let Some(s) = TestServer::start_with(backend, |c| c.tuning.rate_limits = defaults).await else {
        return;
    };
    // Empty login bodies are refused (400) before any work once past the limiter.
    let auth = until_limited(&s, "/api/auth/login", StatusCode::BAD_REQUEST).await;
    assert_limit(&auth, 5, 10, "auth limit");
    // The general limit is separate and still has room.
    s.get("/api/health", None).await.expect(StatusCode::OK);

    let Some(s) = TestServer::start_with(backend, |c| c.tuning.rate_limits = defaults).await else {
        return;
    };
    let general = until_limited(&s, "/api/health", StatusCode::OK).await;
    assert_limit(&general, 20, 50, "general limit");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn forwarded_for_is_ignored_from_untrusted_peers(#[case] backend: Backend) {
    let Some(s) =
        TestServer::start_with(backend, |c| c.tuning.rate_limits = RateLimits::default()).await
    else {
        return;
    };
    let limited = hammer(
        &s,
        "/api/auth/login",
        &[("x-forwarded-for", "198.51.100.1")],
        40,
    )
    .await;
    first_limited(&limited);
    // A forged, different address does not give a fresh allowance.
    let forged = hammer(
        &s,
        "/api/auth/login",
        &[("x-forwarded-for", "198.51.100.2")],
        3,
    )
    .await;
    assert!(
        forged
            .iter()
            .any(|r| r.status == StatusCode::TOO_MANY_REQUESTS),
        "forged header changed the client IP"
    );

    // And the address recorded for sessions is the peer's.
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let register = s
        .client
        .post(s.url("/api/auth/register"))
        .header("x-forwarded-for", "203.0.113.50")
        .json(&json!({"username": "alice", "password": "alice-password"}));
    let alice = send(register).await.expect(StatusCode::CREATED);
    let token = alice.body["access_token"].as_str().unwrap();
    let sessions = s
        .get("/api/account/sessions", Some(token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(sessions.body[0]["ip"], "127.0.0.1");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn forwarded_for_is_believed_from_trusted_proxies(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.tuning.rate_limits = RateLimits::default();
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await
    else {
        return;
    };
    let limited = hammer(
        &s,
        "/api/auth/login",
        &[("x-forwarded-for", "198.51.100.1")],
        40,
    )
    .await;
    first_limited(&limited);
    // Behind a trusted proxy, another client has its own allowance.
    let other = hammer(
        &s,
        "/api/auth/login",
        &[("x-forwarded-for", "198.51.100.2")],
        3,
    )
    .await;
    assert!(
        other.iter().all(|r| r.status == StatusCode::BAD_REQUEST),
        "other client limited too"
    );

    let register = s
        .client
        .post(s.url("/api/auth/register"))
        .header("x-forwarded-for", "6.6.6.6, 203.0.113.50")
        .json(&json!({"username": "alice", "password": "alice-password"}));
    let alice = send(register).await.expect(StatusCode::CREATED);
    let token = alice.body["access_token"].as_str().unwrap();
    let sessions = s
        .get("/api/account/sessions", Some(token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        sessions.body[0]["ip"], "203.0.113.50",
        "right-most untrusted address"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn bad_input_gets_4xx_json_never_500(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let alice = s.register("alice", "alice-password", None).await;
    let token = alice.tokens.access_token.as_str();

    let raw = |method: Method, path: &str, content_type: Option<&str>, body: &str| {
        let mut request = s
            .client
            .request(method, s.url(path))
            .bearer_auth(token)
            .body(body.to_owned());
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        send(request)
    };
    let json_ct = Some("application/json");
    let cases = [
        (
            raw(Method::POST, "/api/auth/login", json_ct, "{\"username\": ").await,
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            raw(Method::POST, "/api/auth/login", json_ct, "[1, 2]").await,
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            raw(
                Method::POST,
                "/api/auth/login",
                json_ct,
                r#"{"username": 5, "password": "x"}"#,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            raw(
                Method::POST,
                "/api/auth/login",
                json_ct,
                r#"{"username": "a"}"#,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            raw(
                Method::POST,
                "/api/auth/login",
                json_ct,
                r#"{"username": "a", "password": "b", "admin": true}"#,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            raw(
                Method::POST,
                "/api/auth/login",
                None,
                r#"{"username": "a", "password": "b"}"#,
            )
            .await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            raw(Method::POST, "/api/auth/login", Some("text/plain"), "hello").await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            raw(
                Method::POST,
                "/api/admin/invites",
                json_ct,
                r#"{"max_uses": -3}"#,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            raw(
                Method::POST,
                "/api/admin/invites",
                json_ct,
                r#"{"max_uses": 99999999999}"#,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            raw(Method::DELETE, "/api/account/sessions/not-a-uuid", None, "").await,
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            raw(Method::GET, "/api/admin/audit-log?limit=abc", None, "").await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            raw(
                Method::GET,
                "/api/admin/audit-log?since=yesterday",
                None,
                "",
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        // Years RFC 3339 cannot write (PostgreSQL answered 500 for times before
        // 4713 BC).
        (
            raw(
                Method::GET,
                "/api/admin/audit-log?since=-4800-01-01T00:00:00Z",
                None,
                "",
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            raw(
                Method::GET,
                "/api/search?q=hi&until=-9999-01-01T00:00:00Z",
                None,
                "",
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            raw(
                Method::GET,
                "/api/search?q=hi&since=%2B10000-01-01T00:00:00Z",
                None,
                "",
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
        (
            raw(
                Method::PATCH,
                "/api/account/me",
                json_ct,
                r#"{"display_name": "\u0000"}"#,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            raw(
                Method::POST,
                "/api/auth/register",
                json_ct,
                &format!(
                    r#"{{"username": "bob", "password": "{}"}}"#,
                    "p".repeat(300)
                ),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_input",
        ),
        (
            raw(
                Method::POST,
                "/api/auth/login",
                json_ct,
                &format!(
                    r#"{{"username": "alice", "password": "{}"}}"#,
                    "x".repeat(2 * 1024 * 1024)
                ),
            )
            .await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (i, (resp, status, code)) in cases.iter().enumerate() {
        assert_eq!(
            (resp.status, resp.code()),
            (*status, *code),
            "case {i}: {}",
            resp.text
        );
        assert!(
            resp.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "case {i} explains itself"
        );
    }
    // None of it changed the account.
    s.login("alice", "alice-password").await;
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn health_reports_the_database(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let health = s.get("/api/health", None).await.expect(StatusCode::OK);
    assert_eq!(
        (
            health.body["status"].as_str(),
            health.body["database"].as_str()
        ),
        (Some("ok"), Some("ok"))
    );
}

#[tokio::test]
async fn health_reports_an_unreachable_database() {
    let Some(s) = TestServer::start(Backend::Postgres).await else {
        return;
    };
    s.get("/api/health", None).await.expect(StatusCode::OK);
    // Pull the database out from under the running server.
    let name = s.db.url.rsplit('/').next().unwrap().to_owned();
    let server_url = common::db::postgres_server_url().unwrap();
    let admin = chatalot_server::store::Db::connect(&server_url)
        .await
        .unwrap();
    let chatalot_server::store::Db::Postgres(pool, _) = &admin else {
        unreachable!()
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .execute(pool)
    .await
    .unwrap();
    let health = s
        .get("/api/health", None)
        .await
        .expect(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(health.body["database"], "unavailable");
    // Other endpoints fail cleanly too, with a JSON body and no details.
    let login = s.login_raw("alice", "alice-password").await;
    assert!(
        login.status.is_server_error() && login.code() == "internal",
        "{}",
        login.text
    );
    assert!(
        !login.text.to_lowercase().contains("database \""),
        "no database details leak: {}",
        login.text
    );
}
