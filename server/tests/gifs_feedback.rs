//! GIF search (INT-1) and feedback (INT-2) against local stand-ins that answer like
//! Giphy's and GitHub's documented APIs and check what the server sends them: the
//! key stays on the server, answers are cached, the rating setting applies, failures
//! are clear, and feedback is never lost when GitHub is down.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chatalot_server::config::{GithubConfig, Secret};
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

const GIPHY_KEY: &str = "test-giphy-key-0123";
const GITHUB_TOKEN: &str = "ghp_test_token_4567";

#[derive(Default)]
struct Seen {
    giphy_calls: AtomicUsize,
    giphy_queries: Mutex<Vec<std::collections::HashMap<String, String>>>,
    github_issues: Mutex<Vec<Value>>,
    github_down: AtomicBool,
}

async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// Giphy's `/v1/gifs/search` and `/v1/gifs/trending`: two GIFs in all, one per page.
async fn giphy(seen: Arc<Seen>) -> SocketAddr {
    let handler = |kind: &'static str| {
        let seen = seen.clone();
        move |Query(q): Query<std::collections::HashMap<String, String>>| {
            let seen = seen.clone();
            async move {
                seen.giphy_calls.fetch_add(1, Ordering::SeqCst);
                seen.giphy_queries.lock().unwrap().push(q.clone());
                if q.get("api_key").map(String::as_str) != Some(GIPHY_KEY) {
                    return (
                        AxumStatus::UNAUTHORIZED,
                        axum::Json(json!({"message": "Invalid authentication credentials"})),
                    )
                        .into_response();
                }
                if q.get("q").map(String::as_str) == Some("boom") {
                    return AxumStatus::INTERNAL_SERVER_ERROR.into_response();
                }
                let offset: u32 = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
                let id = format!("{kind}{offset}");
                axum::Json(json!({
                    "data": [{
                        "type": "gif",
                        "id": id,
                        "title": format!("{kind} GIF {offset}"),
                        "images": {
                            "fixed_height": {"url": format!("https://media.giphy.com/media/{id}/200.gif"), "width": "267", "height": "200", "mp4": "https://media.giphy.com/x.mp4"},
                            "fixed_height_small": {"url": format!("https://media.giphy.com/media/{id}/100.gif"), "width": "133", "height": "100"},
                            "original": {"url": "https://media.giphy.com/original.gif", "width": "480", "height": "360"}
                        }
                    }],
                    "pagination": {"total_count": 2, "count": 1, "offset": offset},
                    "meta": {"status": 200, "msg": "OK", "response_id": "r1"}
                }))
                .into_response()
            }
        }
    };
    serve(
        Router::new()
            .route("/v1/gifs/search", get(handler("search")))
            .route("/v1/gifs/trending", get(handler("trending"))),
    )
    .await
}

/// GitHub's `POST /repos/{owner}/{repo}/issues` for acme/chat.
async fn github(seen: Arc<Seen>) -> SocketAddr {
    let app = Router::new().route(
        "/repos/acme/chat/issues",
        post(
            move |headers: HeaderMap, axum::Json(body): axum::Json<Value>| {
                let seen = seen.clone();
                async move {
                    if seen.github_down.load(Ordering::SeqCst) {
                        return AxumStatus::SERVICE_UNAVAILABLE.into_response();
                    }
                    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                    let accept = headers.get("accept").and_then(|v| v.to_str().ok());
                    if auth != Some(&format!("Bearer {GITHUB_TOKEN}"))
                        || accept != Some("application/vnd.github+json")
                        || headers.get("user-agent").is_none()
                    {
                        return (
                            AxumStatus::UNAUTHORIZED,
                            axum::Json(json!({"message": "Bad credentials"})),
                        )
                            .into_response();
                    }
                    let mut issues = seen.github_issues.lock().unwrap();
                    issues.push(body);
                    let number = issues.len();
                    let response: Response = (
                        AxumStatus::CREATED,
                        axum::Json(json!({
                            "number": number,
                            "html_url": format!("https://github.com/acme/chat/issues/{number}"),
                            "state": "open"
                        })),
                    )
                        .into_response();
                    response
                }
            },
        ),
    );
    serve(app).await
}

struct World {
    s: TestServer,
    seen: Arc<Seen>,
    alice: String,
    bob: String,
}

async fn world(backend: Backend, services: bool) -> Option<World> {
    let seen = Arc::new(Seen::default());
    let giphy = giphy(seen.clone()).await;
    let github = github(seen.clone()).await;
    let s = TestServer::start_with(backend, |c| {
        if services {
            c.integrations.giphy_api_key = Some(Secret::new(GIPHY_KEY.to_owned()));
            c.integrations.github = Some(GithubConfig {
                api_token: Secret::new(GITHUB_TOKEN.to_owned()),
                repo_owner: "acme".to_owned(),
                repo_name: "chat".to_owned(),
            });
        }
        c.tuning.giphy_api_base = format!("http://{giphy}");
        c.tuning.github_api_base = format!("http://{github}/");
    })
    .await?;
    let (_, alice) = s.user("alice").await;
    let (_, bob) = s.user("bob").await;
    Some(World {
        s,
        seen,
        alice,
        bob,
    })
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn gif_search_goes_through_the_server_with_its_key(#[case] backend: Backend) {
    let Some(w) = world(backend, true).await else {
        return;
    };
    let (s, alice, bob) = (&w.s, &w.alice, &w.bob);
    let config = s
        .get("/api/auth/config", None)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(config["gifs_enabled"], true);
    s.get("/api/gifs?q=cats", None)
        .await
        .expect(StatusCode::UNAUTHORIZED);

    let page = s
        .get("/api/gifs?q=cats&limit=1", Some(bob))
        .await
        .expect(StatusCode::OK);
    assert!(
        !page.text.contains(GIPHY_KEY),
        "the key never reaches clients"
    );
    let gif = &page.body["gifs"][0];
    assert_eq!(gif["id"], "search0");
    assert_eq!(gif["url"], "https://media.giphy.com/media/search0/200.gif");
    assert_eq!(
        gif["preview_url"],
        "https://media.giphy.com/media/search0/100.gif"
    );
    assert_eq!(
        (gif["width"].as_u64(), gif["height"].as_u64()),
        (Some(267), Some(200))
    );
    assert_eq!(page.body["next_offset"], 1);
    let last = s
        .get("/api/gifs?q=cats&limit=1&offset=1", Some(bob))
        .await
        .expect(StatusCode::OK);
    assert!(last.body["next_offset"].is_null(), "{}", last.body);
    {
        let queries = w.seen.giphy_queries.lock().unwrap();
        assert_eq!(queries[0]["q"], "cats");
        assert_eq!(queries[0]["rating"], "pg");
        assert_eq!(queries[0]["limit"], "1");
    }

    // The same question again comes from the cache.
    let calls = w.seen.giphy_calls.load(Ordering::SeqCst);
    s.get("/api/gifs?q=cats&limit=1", Some(alice))
        .await
        .expect(StatusCode::OK);
    assert_eq!(w.seen.giphy_calls.load(Ordering::SeqCst), calls);

    // Trending without a query.
    let trending = s.get("/api/gifs", Some(bob)).await.expect(StatusCode::OK);
    assert_eq!(trending.body["gifs"][0]["id"], "trending0");

    // Administrators set the content rating; it applies to the next searches.
    let settings = "/api/admin/settings";
    s.call(
        Method::PATCH,
        settings,
        Some(bob),
        Some(&json!({"gif_rating": "g"})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    s.call(
        Method::PATCH,
        settings,
        Some(alice),
        Some(&json!({"gif_rating": "nc-17"})),
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    let changed = s
        .call(
            Method::PATCH,
            settings,
            Some(alice),
            Some(&json!({"gif_rating": "g"})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(changed.body["gif_rating"], "g");
    s.get("/api/gifs?q=dogs", Some(bob))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        w.seen.giphy_queries.lock().unwrap().last().unwrap()["rating"],
        "g"
    );

    // Bad input and a failing Giphy.
    s.get("/api/gifs?limit=0", Some(bob))
        .await
        .expect(StatusCode::BAD_REQUEST);
    s.get(&format!("/api/gifs?q={}", "x".repeat(101)), Some(bob))
        .await
        .expect(StatusCode::BAD_REQUEST);
    s.get("/api/gifs?q=boom", Some(bob))
        .await
        .expect_error(StatusCode::SERVICE_UNAVAILABLE, "gifs_unavailable");

    // Each person's searches Giphy has to answer are limited.
    let mut limited = false;
    for n in 0..40 {
        let resp = s.get(&format!("/api/gifs?q=limit{n}"), Some(alice)).await;
        if resp.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(resp.code(), "rate_limited");
            limited = true;
            break;
        }
        resp.expect(StatusCode::OK);
    }
    assert!(limited, "forty searches a minute were all answered");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn without_a_key_gif_search_is_off(#[case] backend: Backend) {
    let Some(w) = world(backend, false).await else {
        return;
    };
    let config =
        w.s.get("/api/auth/config", None)
            .await
            .expect(StatusCode::OK)
            .body;
    assert_eq!(config["gifs_enabled"], false);
    w.s.get("/api/gifs?q=cats", Some(&w.bob))
        .await
        .expect_error(StatusCode::NOT_FOUND, "gifs_disabled");
    assert_eq!(w.seen.giphy_calls.load(Ordering::SeqCst), 0);

    // Feedback without GitHub lands in the admin panel only.
    let sent = w
        .s
        .post(
            "/api/feedback",
            Some(&w.bob),
            &json!({"category": "idea", "message": "Dark mode for the login page", "page": "/login"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert!(sent["github_issue_url"].is_null());
    let listed =
        w.s.get("/api/admin/feedback", Some(&w.alice))
            .await
            .expect(StatusCode::OK)
            .body;
    assert_eq!(listed[0]["message"], "Dark mode for the login page");
    assert_eq!(listed[0]["username"], "bob");
    assert_eq!(listed[0]["category"], "idea");
    assert!(w.seen.github_issues.lock().unwrap().is_empty());
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn feedback_becomes_a_github_issue_and_survives_an_outage(#[case] backend: Backend) {
    let Some(w) = world(backend, true).await else {
        return;
    };
    let (s, alice, bob) = (&w.s, &w.alice, &w.bob);
    for (body, code) in [
        (
            json!({"category": "rant", "message": "x"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"category": "bug", "message": "   "}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"category": "bug", "message": "x".repeat(4001)}),
            StatusCode::BAD_REQUEST,
        ),
        (json!({"category": "bug"}), StatusCode::BAD_REQUEST),
    ] {
        s.post("/api/feedback", Some(bob), &body).await.expect(code);
    }
    let sent = s
        .post(
            "/api/feedback",
            Some(bob),
            &json!({"category": "bug", "message": "Upload stalls at 99%\nOn a phone, big files.", "page": "/c/1/2"}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert!(!sent.text.contains(GITHUB_TOKEN));
    assert_eq!(
        sent.body["github_issue_url"],
        "https://github.com/acme/chat/issues/1"
    );
    {
        let issues = w.seen.github_issues.lock().unwrap();
        let issue = &issues[0];
        assert_eq!(issue["title"], "[bug] Upload stalls at 99%");
        assert_eq!(issue["labels"], json!(["feedback", "bug"]));
        let text = issue["body"].as_str().unwrap();
        assert!(text.contains("On a phone, big files.") && text.contains("/c/1/2"));
        assert!(!text.contains("bob"), "issues may be public: no names");
    }

    // GitHub is down: the feedback is kept with the reason, nothing is lost.
    w.seen.github_down.store(true, Ordering::SeqCst);
    let kept = s
        .post(
            "/api/feedback",
            Some(bob),
            &json!({"category": "other", "message": "Still here?"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert!(kept["github_issue_url"].is_null());
    assert!(
        kept["github_error"].as_str().unwrap().contains("503"),
        "{kept}"
    );
    let listed = s
        .get("/api/admin/feedback", Some(alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(listed[0]["message"], "Still here?");
    assert!(listed[0]["github_error"].is_string());
    assert_eq!(
        listed[1]["github_issue_url"],
        "https://github.com/acme/chat/issues/1"
    );
    s.get("/api/admin/feedback", Some(bob))
        .await
        .expect(StatusCode::FORBIDDEN);

    // Five an hour per person.
    for n in 0..3 {
        s.post(
            "/api/feedback",
            Some(bob),
            &json!({"category": "idea", "message": format!("idea {n}")}),
        )
        .await
        .expect(StatusCode::CREATED);
    }
    s.post(
        "/api/feedback",
        Some(bob),
        &json!({"category": "idea", "message": "one more"}),
    )
    .await
    .expect_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");

    // Administrators clear feedback (audited).
    let id = listed[0]["id"].as_str().unwrap();
    s.call(
        Method::DELETE,
        &format!("/api/admin/feedback/{id}"),
        Some(alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.call(
        Method::DELETE,
        &format!("/api/admin/feedback/{id}"),
        Some(alice),
        None,
    )
    .await
    .expect(StatusCode::NOT_FOUND);
}
