//! Managed updates through the admin API (ADM-9): the server relays to the real
//! updater sidecar (`chatalot-updater`, in-process), which drives a stand-in of the
//! Docker Engine API. Only instance administrators may look or act.

mod common;

// Shared with the updater's own tests; not every helper is used here.
#[allow(dead_code)]
#[path = "../../updater/tests/common/engine.rs"]
mod engine;
#[path = "../../updater/tests/common/fixture.rs"]
mod fixture;

use std::sync::Arc;
use std::time::Duration;

use chatalot_server::config::{Secret, UpdaterConfig};
use chatalot_updater::update::{JobState, Updater};
use common::{Backend, TestServer};
use engine::StandIn;
use reqwest::StatusCode;
use serde_json::json;

/// The updater sidecar with its internal API on loopback, over `stand_in`.
async fn sidecar(stand_in: &StandIn) -> (Arc<Updater>, url::Url) {
    let config = fixture::updater_config(stand_in, None).await;
    let updater = Updater::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    let app = chatalot_updater::api::router(updater.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (updater, url)
}

async fn apply(s: &TestServer, token: &str, version: &str) -> common::Resp {
    s.post(
        "/api/admin/updates/apply",
        Some(token),
        &json!({ "version": version }),
    )
    .await
}

fn with_updater(url: &url::Url, token: &str) -> impl FnOnce(&mut chatalot_server::Config) {
    let updater = UpdaterConfig {
        url: url.clone(),
        token: Secret::new(token.to_owned()),
    };
    move |c| c.updater = Some(updater)
}

#[tokio::test]
async fn without_the_sidecar_admins_see_the_running_version_only() {
    let Some(s) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let owner = s.owner().await.tokens.access_token;
    let (_, member) = s.user("member").await;
    let view = s
        .get("/api/admin/updates", Some(&owner))
        .await
        .expect(StatusCode::OK);
    assert_eq!(view.body["running_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(view.body["updater"], "not_configured");
    assert_eq!(view.body["available"], json!([]));
    s.post("/api/admin/updates/check", Some(&owner), &json!({}))
        .await
        .expect_error(StatusCode::CONFLICT, "updater_not_configured");
    apply(&s, &owner, "0.2.0")
        .await
        .expect_error(StatusCode::CONFLICT, "updater_not_configured");

    for (method, path) in [
        ("GET", "/api/admin/updates"),
        ("POST", "/api/admin/updates/check"),
        ("POST", "/api/admin/updates/apply"),
    ] {
        let resp = match method {
            "GET" => s.get(path, Some(&member)).await,
            _ => {
                s.post(path, Some(&member), &json!({"version": "0.2.0"}))
                    .await
            }
        };
        resp.expect_error(StatusCode::FORBIDDEN, "admin_required");
        let anonymous = match method {
            "GET" => s.get(path, None).await,
            _ => s.post(path, None, &json!({"version": "0.2.0"})).await,
        };
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn an_admin_checks_applies_and_follows_an_update_and_members_cannot() {
    let mut e = fixture::engine();
    let hold = Arc::new(tokio::sync::Notify::new());
    e.hold_backup = Some(hold.clone());
    let stand_in = StandIn::start(e).await;
    let (updater, url) = sidecar(&stand_in).await;
    let Some(s) = TestServer::start_with(Backend::Sqlite, with_updater(&url, fixture::TOKEN)).await
    else {
        return;
    };
    let owner = s.owner().await.tokens.access_token;
    let (_, member) = s.user("member").await;

    let view = s
        .get("/api/admin/updates", Some(&owner))
        .await
        .expect(StatusCode::OK);
    assert_eq!(view.body["updater"], "ready");
    assert_eq!(view.body["feed_configured"], true);
    let view = s
        .post("/api/admin/updates/check", Some(&owner), &json!({}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(view.body["check_error"], json!(null));
    assert_eq!(view.body["available"][0]["version"], "0.2.0");
    assert_eq!(view.body["available"][0]["digest"], fixture::NEW_DIGEST);

    // A member may not start one: nothing reaches the Engine.
    let calls_before = stand_in.lock().calls.len();
    apply(&s, &member, "0.2.0")
        .await
        .expect_error(StatusCode::FORBIDDEN, "admin_required");
    apply(&s, &owner, "9.9.9")
        .await
        .expect_error(StatusCode::NOT_FOUND, "unknown_version");
    apply(&s, &owner, "")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(stand_in.lock().calls.len(), calls_before);

    let started = apply(&s, &owner, "0.2.0")
        .await
        .expect(StatusCode::ACCEPTED);
    assert_eq!(started.body["job"]["state"], "running");
    assert_eq!(started.body["job"]["to_version"], "0.2.0");
    let job_id = started.body["job"]["id"].as_u64().unwrap();
    apply(&s, &owner, "0.2.0")
        .await
        .expect_error(StatusCode::CONFLICT, "update_running");

    hold.notify_one();
    let finished = tokio::time::timeout(Duration::from_secs(60), updater.finished(job_id))
        .await
        .expect("the update finishes");
    assert_eq!(finished.state, JobState::Succeeded);
    let view = s
        .get("/api/admin/updates", Some(&owner))
        .await
        .expect(StatusCode::OK);
    assert_eq!(view.body["job"]["state"], "succeeded");
    let steps: Vec<&str> = view.body["job"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["backup", "pull", "stop", "start", "health", "cleanup"]
    );
    assert_eq!(
        view.body["available"],
        json!([]),
        "nothing newer than 0.2.0"
    );

    let log = s
        .get("/api/admin/audit-log?limit=50", Some(&owner))
        .await
        .expect(StatusCode::OK);
    let applied: Vec<&serde_json::Value> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "admin.update_applied")
        .collect();
    assert_eq!(applied.len(), 1, "one audited request: {}", log.text);
    assert_eq!(applied[0]["details"]["to_version"], "0.2.0");
}

#[tokio::test]
async fn a_wrong_token_or_a_missing_sidecar_is_reported_not_fatal() {
    let stand_in = StandIn::start(fixture::engine()).await;
    let (_updater, url) = sidecar(&stand_in).await;
    let Some(s) = TestServer::start_with(
        Backend::Sqlite,
        with_updater(&url, "another-token-0123456789abcdef0123456789"),
    )
    .await
    else {
        return;
    };
    let owner = s.owner().await.tokens.access_token;
    let view = s
        .get("/api/admin/updates", Some(&owner))
        .await
        .expect(StatusCode::OK);
    assert_eq!(view.body["updater"], "unreachable");
    assert!(
        view.body["updater_error"]
            .as_str()
            .unwrap()
            .contains("UPDATER_TOKEN"),
        "{}",
        view.text
    );
    s.post("/api/admin/updates/check", Some(&owner), &json!({}))
        .await
        .expect_error(StatusCode::SERVICE_UNAVAILABLE, "updater_unavailable");

    // Nothing listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone: url::Url = format!("http://{}", closed.local_addr().unwrap())
        .parse()
        .unwrap();
    drop(closed);
    let s = s.restart_with(with_updater(&gone, fixture::TOKEN)).await;
    let view = s
        .get("/api/admin/updates", Some(&owner))
        .await
        .expect(StatusCode::OK);
    assert_eq!(view.body["updater"], "unreachable");
    assert_eq!(view.body["running_version"], env!("CARGO_PKG_VERSION"));
    apply(&s, &owner, "0.2.0")
        .await
        .expect_error(StatusCode::SERVICE_UNAVAILABLE, "updater_unavailable");
}
