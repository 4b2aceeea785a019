//! Link previews (INT-3) and the guarded outbound client: a real card with its
//! image through the server; and every way to make the server fetch something it
//! must not — private, loopback, link-local and metadata addresses written in the
//! URL, a public name that redirects to a private address, a DNS answer that
//! changes between lookups, a slow page and a huge page — is refused or cut off.
//!
//! "Public" here is 127.0.0.2, the one address the test lets through; the private
//! side is a server on 127.0.0.1 that would hand out a secret to anyone who reached it.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode as AxumStatus, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chatalot_server::outbound::{AddressPolicy, OutboundLimits, Resolver};
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

const PUBLIC: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
const PRIVATE: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const HUGE_BYTES: usize = 20 * 1024 * 1024;

/// Requests the private server answered, bytes the huge page handed out.
#[derive(Default)]
struct Counters {
    private_requests: AtomicUsize,
    huge_bytes_served: AtomicUsize,
}

async fn serve(ip: IpAddr, app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, 0))
        .await
        .expect("bind a test site");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn png() -> Vec<u8> {
    common::png(8, 8)
}

fn html(body: impl Into<String>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into(),
    )
}

/// The private server: anything it answers would be a leak.
async fn private_site(counters: Arc<Counters>) -> SocketAddr {
    let app = Router::new().fallback(move || {
        let counters = counters.clone();
        async move {
            counters.private_requests.fetch_add(1, Ordering::SeqCst);
            html("<title>SECRET internal page</title>")
        }
    });
    serve(PRIVATE, app).await
}

/// The "public" site on 127.0.0.2.
async fn public_site(counters: Arc<Counters>, private: SocketAddr) -> SocketAddr {
    let card = "<html><head><title>fallback</title>\
        <meta property=\"og:title\" content=\"A card\">\
        <meta property=\"og:description\" content=\"What the page is about\">\
        <meta property=\"og:site_name\" content=\"Public site\">\
        <meta property=\"og:image\" content=\"/card.png\"></head></html>";
    let huge_counters = counters.clone();
    let app = Router::new()
        .route("/card", get(move || async move { html(card) }))
        .route(
            "/card.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], png()) }),
        )
        .route(
            "/fake-image",
            get(|| async {
                html("<html><meta property=\"og:title\" content=\"Fake\"><meta property=\"og:image\" content=\"/fake.png\"></html>")
            }),
        )
        .route(
            "/fake.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], "<svg onload=alert(1)>") }),
        )
        .route("/hop", get(|| async { Redirect::temporary("/card") }))
        .route(
            "/to-private",
            get(move || async move {
                Redirect::temporary(&format!("http://{private}/secret"))
            }),
        )
        .route(
            "/to-metadata",
            get(|| async { Redirect::temporary("http://169.254.169.254/latest/meta-data/") }),
        )
        .route("/slow", get(slow_page))
        .route(
            "/huge",
            get(move || {
                let counters = huge_counters.clone();
                async move { huge_page(counters) }
            }),
        );
    serve(PUBLIC, app).await
}

/// Headers, a little HTML, then nothing ever again.
async fn slow_page() -> impl IntoResponse {
    let start = futures_util::stream::once(async {
        Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"<html><head>"))
    });
    let body = Body::from_stream(futures_util::StreamExt::chain(
        start,
        futures_util::stream::pending(),
    ));
    ([(header::CONTENT_TYPE, "text/html")], body)
}

/// 20 MB of HTML whose card comes only at the very end; counts what was pulled.
fn huge_page(counters: Arc<Counters>) -> impl IntoResponse {
    const CHUNK: usize = 64 * 1024;
    let chunks = HUGE_BYTES / CHUNK;
    let stream = futures_util::stream::iter(0..=chunks).map(move |i| {
        let bytes = if i == chunks {
            b"<meta property=\"og:title\" content=\"Found after 20 MB\">".to_vec()
        } else {
            vec![b' '; CHUNK]
        };
        counters
            .huge_bytes_served
            .fetch_add(bytes.len(), Ordering::SeqCst);
        Ok::<_, std::io::Error>(bytes)
    });
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, "text/html".parse().unwrap());
    (AxumStatus::OK, headers, Body::from_stream(stream))
}

use futures_util::StreamExt as _;

struct World {
    s: TestServer,
    counters: Arc<Counters>,
    site: SocketAddr,
    private: SocketAddr,
    channel: Uuid,
    alice: String,
    bob: String,
    carol: String,
}

async fn world(backend: Backend) -> Option<World> {
    let counters = Arc::new(Counters::default());
    let private = private_site(counters.clone()).await;
    let site = public_site(counters.clone(), private).await;
    let s = TestServer::start_with(backend, |c| {
        c.tuning.outbound = OutboundLimits {
            deadline: Duration::from_secs(2),
            policy: AddressPolicy {
                allow: vec![ipnet::IpNet::from(PUBLIC)],
            },
            resolver: Resolver::scripted([
                ("public.test", vec![vec![PUBLIC]]),
                // The first answer is public, every later one private.
                ("rebind.test", vec![vec![PUBLIC], vec![PRIVATE]]),
                (
                    "internal.test",
                    vec![vec![PRIVATE, "10.0.0.1".parse().unwrap()]],
                ),
            ]),
            ..OutboundLimits::default()
        };
    })
    .await?;
    let (_, alice) = s.user("alice").await;
    let (_, bob) = s.user("bob").await;
    let (_, carol) = s.user("carol").await;
    let channel = s.team(&alice, "Links", &[&bob]).await.channel;
    Some(World {
        s,
        counters,
        site,
        private,
        channel,
        alice,
        bob,
        carol,
    })
}

impl World {
    /// Bob posts `text`; the previews Alice then gets for it.
    async fn previews_of(&self, text: &str) -> Value {
        let message = self
            .s
            .message(&self.bob, self.channel, json!({ "content": text }))
            .await;
        let id = message["id"].as_str().unwrap();
        self.s
            .get(
                &format!("/api/messages/{id}/link-previews"),
                Some(&self.alice),
            )
            .await
            .expect(StatusCode::OK)
            .body
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_card_and_its_image_come_through_the_server(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let port = w.site.port();
    let previews = w
        .previews_of(&format!(
            "look http://public.test:{port}/card#top and `http://public.test:{port}/hop`"
        ))
        .await;
    let list = previews.as_array().unwrap();
    assert_eq!(list.len(), 1, "code spans are not previewed: {previews}");
    let card = &list[0];
    assert_eq!(card["url"], format!("http://public.test:{port}/card"));
    assert_eq!(card["title"], "A card");
    assert_eq!(card["description"], "What the page is about");
    assert_eq!(card["site_name"], "Public site");
    let image = card["image_url"].as_str().unwrap();
    assert!(image.starts_with("/api/link-previews/"), "{image}");
    assert!(!image.contains("public.test"), "the origin stays hidden");

    // The image through the server, with a media token as an <img> would.
    let token =
        w.s.get("/api/account/media-token", Some(&w.alice))
            .await
            .expect(StatusCode::OK)
            .body["token"]
            .as_str()
            .unwrap()
            .to_owned();
    let response = reqwest::get(w.s.url(&format!("{image}?token={token}")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.bytes().await.unwrap().as_ref(), png().as_slice());
    let anonymous = reqwest::get(w.s.url(image)).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // A redirect to a public page is followed.
    let hop = w
        .previews_of(&format!("http://public.test:{port}/hop"))
        .await;
    assert_eq!(hop[0]["title"], "A card");

    // An "image" that is not one is not served.
    let fake = w
        .previews_of(&format!("http://public.test:{port}/fake-image"))
        .await;
    let fake_image = fake[0]["image_url"].as_str().unwrap();
    w.s.get(fake_image, Some(&w.alice))
        .await
        .expect_error(StatusCode::NOT_FOUND, "image_unavailable");

    // Someone outside the channel learns nothing.
    let message =
        w.s.message(
            &w.bob,
            w.channel,
            json!({"content": format!("http://public.test:{port}/card")}),
        )
        .await;
    let path = format!(
        "/api/messages/{}/link-previews",
        message["id"].as_str().unwrap()
    );
    w.s.get(&path, Some(&w.carol))
        .await
        .expect(StatusCode::NOT_FOUND);

    // Channel staff turn previews off; members cannot.
    let channel_path = format!("/api/channels/{}", w.channel);
    w.s.call(
        Method::PATCH,
        &channel_path,
        Some(&w.bob),
        Some(&json!({"link_previews": false})),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    let changed =
        w.s.call(
            Method::PATCH,
            &channel_path,
            Some(&w.alice),
            Some(&json!({"link_previews": false})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(changed.body["link_previews"], false);
    let off = w.s.get(&path, Some(&w.alice)).await.expect(StatusCode::OK);
    assert_eq!(off.body, json!([]));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn private_addresses_are_never_fetched(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (port, private_port) = (w.site.port(), w.private.port());
    for url in [
        format!("http://127.0.0.1:{private_port}/secret"),
        format!("http://[::1]:{private_port}/secret"),
        format!("http://[::ffff:127.0.0.1]:{private_port}/secret"),
        "http://10.0.0.1/".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        format!("http://internal.test:{private_port}/secret"),
        format!("http://localhost:{private_port}/secret"),
        format!("http://public.test:{port}/to-private"),
        format!("http://public.test:{port}/to-metadata"),
        format!("http://user:pw@public.test:{port}/card"),
    ] {
        let previews = w.previews_of(&url).await;
        assert_eq!(previews, json!([]), "{url} must not be previewed");
    }
    assert_eq!(
        w.counters.private_requests.load(Ordering::SeqCst),
        0,
        "the private server was reached"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_changing_dns_answer_is_checked_where_it_is_used(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    // One lookup per connection, and that answer is what gets dialled: the public
    // first answer serves the card; the private later answers are never reached.
    let previews = w
        .previews_of(&format!("http://rebind.test:{}/card", w.site.port()))
        .await;
    assert_eq!(previews[0]["title"], "A card", "{previews}");
    let again = w
        .previews_of(&format!("http://rebind.test:{}/hop", w.site.port()))
        .await;
    assert!(
        again == json!([]) || again[0]["title"] == "A card",
        "either refused or served by the address that was checked: {again}"
    );
    assert_eq!(w.counters.private_requests.load(Ordering::SeqCst), 0);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn slow_and_huge_pages_are_cut_off(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let port = w.site.port();
    // The slow page never finishes: the fetch's deadline ends it and the answer
    // comes without a card (the test client's own timeout is a minute).
    let slow = w
        .previews_of(&format!("http://public.test:{port}/slow"))
        .await;
    assert_eq!(slow, json!([]));
    // Only the first part of the huge page is read; its late card is never seen.
    let huge = w
        .previews_of(&format!("http://public.test:{port}/huge"))
        .await;
    assert_eq!(huge, json!([]));
    let served = w.counters.huge_bytes_served.load(Ordering::SeqCst);
    assert!(
        served < HUGE_BYTES / 2,
        "the fetch stopped reading early ({served} bytes pulled of {HUGE_BYTES})"
    );
}
