//! Files (issue 14) on both backends: the size limit cut off while streaming,
//! the quota under parallel uploads, detection by content, access like the
//! message carrying the file, ranges and ETags, metadata removal, image bombs,
//! blocked hashes, thumbnails, and files leaving with their message.

mod common;

use std::io::Cursor;

use common::ws::Ws;
use common::{Backend, Resp, TestServer, png, send, send_file, stored_objects};
use reqwest::{StatusCode, header};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

const KIB: u64 = 1024;

struct World {
    s: TestServer,
    general: Uuid,
    /// A channel in a private group only Alice belongs to.
    private: Uuid,
    alice: (Uuid, String),
    bob: (Uuid, String),
}

/// Alice owns a community Bob joined, with #general and a private channel.
async fn world_with(
    backend: Backend,
    adjust: impl FnOnce(&mut chatalot_server::Config),
) -> Option<World> {
    let s = TestServer::start_with(backend, |c| {
        c.community_creation_mode = chatalot_server::config::CommunityCreationMode::Anyone;
        adjust(c);
    })
    .await?;
    let alice = s.owner().await;
    let alice = (alice.user.id, alice.tokens.access_token);
    let bob = s.user("bob").await;
    let community = s.community(&alice.1, json!({"name": "Team"})).await;
    let group = s.group(&alice.1, community, json!({"name": "G"})).await;
    let general = s.channel(&alice.1, group, json!({"name": "general"})).await;
    let staff = s
        .group(
            &alice.1,
            community,
            json!({"name": "Staff", "visibility": "private"}),
        )
        .await;
    let private = s.channel(&alice.1, staff, json!({"name": "secret"})).await;
    let code = s.community_invite(&alice.1, community).await;
    s.accept(&bob.1, &code).await.expect(StatusCode::OK);
    Some(World {
        s,
        general,
        private,
        alice,
        bob,
    })
}

async fn world(backend: Backend) -> Option<World> {
    world_with(backend, |_| {}).await
}

async fn upload(s: &TestServer, token: &str, name: &str, bytes: Vec<u8>) -> Resp {
    send_file(s, reqwest::Method::POST, "/api/files", token, name, bytes).await
}

async fn uploaded(s: &TestServer, token: &str, name: &str, bytes: Vec<u8>) -> Value {
    upload(s, token, name, bytes)
        .await
        .expect(StatusCode::CREATED)
        .body
}

async fn get_raw(
    s: &TestServer,
    path: &str,
    token: Option<&str>,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let mut request = s.client.get(s.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn random_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|_| rand::random::<u8>()).collect()
}

fn id_of(v: &Value) -> Uuid {
    v["id"].as_str().unwrap().parse().unwrap()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn one_byte_over_the_limit_is_refused_and_leaves_nothing(#[case] backend: Backend) {
    let Some(w) = world_with(backend, |c| c.files.max_file_size_bytes = 256 * KIB).await else {
        return;
    };
    let (s, token) = (&w.s, &w.alice.1);
    uploaded(s, token, "exact.bin", random_bytes(256 * KIB as usize)).await;
    upload(s, token, "over.bin", random_bytes(256 * KIB as usize + 1))
        .await
        .expect_error(StatusCode::PAYLOAD_TOO_LARGE, "file_too_large");
    // Streamed without a length: cut off while streaming, as soon as it passes.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..300).map(|_| Ok(vec![7u8; 1024])).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    send(
        s.client
            .post(s.url("/api/files?name=stream.bin"))
            .bearer_auth(token)
            .body(body),
    )
    .await
    .expect_error(StatusCode::PAYLOAD_TOO_LARGE, "file_too_large");

    let files = s
        .get("/api/admin/files", Some(token))
        .await
        .expect(StatusCode::OK);
    let names: Vec<&str> = files
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["exact.bin"], "only the accepted upload has a row");
    assert_eq!(
        stored_objects(s.files_dir.path()).len(),
        1,
        "only the accepted upload is stored"
    );
    let leftovers = std::fs::read_dir(s.files_dir.path().join("tmp"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 0, "no partial upload stays behind");
    let usage = s
        .get("/api/account/storage", Some(token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(usage.body["used_bytes"], 256 * KIB);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn parallel_uploads_never_overshoot_the_quota(#[case] backend: Backend) {
    let Some(w) = world_with(backend, |c| c.files.upload_quota_bytes = Some(1024 * KIB)).await
    else {
        return;
    };
    let (s, token) = (&w.s, &w.bob.1);
    uploaded(s, token, "big.bin", random_bytes(700 * KIB as usize)).await;
    let names: Vec<String> = (0..10).map(|i| format!("part-{i}.bin")).collect();
    let uploads = names
        .iter()
        .map(|name| upload(s, token, name, random_bytes(100 * KIB as usize)));
    let results = futures_util::future::join_all(uploads).await;
    let accepted = results
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    for refused in results.iter().filter(|r| r.status != StatusCode::CREATED) {
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::PAYLOAD_TOO_LARGE, "quota_exceeded"),
            "{}",
            refused.text
        );
    }
    assert_eq!(
        accepted, 3,
        "700 KiB + 3 × 100 KiB fit in 1 MiB, a fourth does not"
    );
    let usage = s
        .get("/api/account/storage", Some(token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(usage.body["used_bytes"], 1000 * KIB);
    assert_eq!(usage.body["quota_bytes"], 1024 * KIB);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn types_come_from_the_content_and_active_content_is_only_downloaded(
    #[case] backend: Backend,
) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, token) = (&w.s, &w.alice.1);
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    elf.extend(random_bytes(512));
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("holiday.jpg", elf, "application/x-executable"),
        (
            "photo.png",
            b"<!DOCTYPE html><html><script>parent.steal()</script></html>".to_vec(),
            "text/html",
        ),
        (
            "icon.png",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
            "image/svg+xml",
        ),
        (
            "notes.txt",
            b"just text".to_vec(),
            "text/plain; charset=utf-8",
        ),
    ];
    for (name, bytes, expected) in cases {
        let file = uploaded(s, token, name, bytes.clone()).await;
        assert_eq!(file["content_type"], expected, "{name}");
        assert_eq!(file["kind"], "file", "{name}");
        assert_eq!(file["name"], name);
        let (status, headers, body) = get_raw(
            s,
            &format!("/api/files/{}", file["id"].as_str().unwrap()),
            Some(token),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, bytes);
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment;"),
            "{name}: {disposition}"
        );
        assert_eq!(headers[header::CONTENT_TYPE], "application/octet-stream");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("sandbox") && csp.contains("default-src 'none'"),
            "{csp}"
        );
    }
    // A real image is shown inline with its own type.
    let png = uploaded(s, token, "pixel.dat", png(3, 2)).await;
    assert_eq!(
        (png["content_type"].as_str(), png["kind"].as_str()),
        (Some("image/png"), Some("image"))
    );
    assert_eq!(
        (png["width"].as_i64(), png["height"].as_i64()),
        (Some(3), Some(2))
    );
    let (_, headers, _) = get_raw(
        s,
        &format!("/api/files/{}", png["id"].as_str().unwrap()),
        Some(token),
        &[],
    )
    .await;
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn files_in_private_channels_and_dms_are_not_found_by_others(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let (alice, bob) = (&w.alice.1, &w.bob.1);
    let (_, carol) = s.user("carol").await;

    let secret = uploaded(s, alice, "plan.txt", b"the plan".to_vec()).await;
    // Unsent, it is the uploader's alone.
    for token in [bob, &carol] {
        s.get(
            &format!("/api/files/{}/meta", secret["id"].as_str().unwrap()),
            Some(token),
        )
        .await
        .expect_error(StatusCode::NOT_FOUND, "file_not_found");
    }
    s.message(
        alice,
        w.private,
        json!({"content": "", "attachment_ids": [secret["id"]]}),
    )
    .await;

    let dm: Uuid = s
        .post("/api/dms", Some(alice), &json!({"user_ids": [w.bob.0]}))
        .await
        .expect(StatusCode::OK)
        .body["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let shared = uploaded(s, alice, "for-bob.txt", b"hello bob".to_vec()).await;
    let sent = s
        .message(
            alice,
            dm,
            json!({"content": "here", "attachment_ids": [shared["id"]]}),
        )
        .await;
    assert_eq!(sent["attachments"][0]["id"], shared["id"]);

    let secret_id = secret["id"].as_str().unwrap();
    let shared_id = shared["id"].as_str().unwrap();
    for path in [
        format!("/api/files/{secret_id}"),
        format!("/api/files/{secret_id}/meta"),
    ] {
        for token in [bob, &carol] {
            s.get(&path, Some(token))
                .await
                .expect_error(StatusCode::NOT_FOUND, "file_not_found");
        }
        s.get(&path, Some(alice)).await.expect(StatusCode::OK);
    }
    s.get(&format!("/api/files/{shared_id}"), Some(&carol))
        .await
        .expect_error(StatusCode::NOT_FOUND, "file_not_found");
    let (status, _, body) = get_raw(s, &format!("/api/files/{shared_id}"), Some(bob), &[]).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"hello bob"[..])
    );
    s.get(&format!("/api/files/{shared_id}"), None)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "missing_token");

    // Media elements use a media token in the URL; an access token there is refused.
    let media = s
        .get("/api/account/media-token", Some(bob))
        .await
        .expect(StatusCode::OK);
    let media_token = media.body["token"].as_str().unwrap();
    let again = s
        .get("/api/account/media-token", Some(bob))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        again.body["token"], media.body["token"],
        "stable within its window"
    );
    let (status, _, body) = get_raw(
        s,
        &format!("/api/files/{shared_id}?token={media_token}"),
        None,
        &[],
    )
    .await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"hello bob"[..])
    );
    s.get(&format!("/api/files/{secret_id}?token={media_token}"), None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "file_not_found");
    s.get(&format!("/api/files/{shared_id}?token={bob}"), None)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");
    s.get("/api/account/storage", Some(media_token))
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "invalid_token");
    // Signing out ends the media token's session too.
    s.post("/api/auth/logout", Some(bob), &json!({})).await;
    s.get(&format!("/api/files/{shared_id}?token={media_token}"), None)
        .await
        .expect_error(StatusCode::UNAUTHORIZED, "session_ended");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn ranges_and_etags_return_exact_bytes(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, token) = (&w.s, &w.alice.1);
    // Larger than the longest part sent mapped (8 MiB), so long parts are streamed.
    let bytes = random_bytes(9 * 1024 * KIB as usize);
    let file = uploaded(s, token, "data.bin", bytes.clone()).await;
    let path = format!("/api/files/{}", file["id"].as_str().unwrap());
    let len = bytes.len();

    let (status, headers, whole) = get_raw(s, &path, Some(token), &[]).await;
    assert_eq!((status, whole.len()), (StatusCode::OK, len));
    assert_eq!(whole, bytes);
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"{}\"", file["sha256"].as_str().unwrap()));

    for (range, from, to) in [
        ("bytes=100-199", 100, 199),
        ("bytes=-10", len - 10, len - 1),
        ("bytes=307000-", 307_000, len - 1),
        ("bytes=1048576-2097151", 1_048_576, 2_097_151),
        ("bytes=0-0", 0, 0),
    ] {
        let (status, headers, part) =
            get_raw(s, &path, Some(token), &[(header::RANGE, range)]).await;
        assert_eq!(status, StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(part, bytes[from..=to], "{range}");
        assert_eq!(
            headers[header::CONTENT_RANGE],
            format!("bytes {from}-{to}/{len}").as_str()
        );
    }
    let (status, headers, _) = get_raw(
        s,
        &path,
        Some(token),
        &[(header::RANGE, "bytes=9437184-9437194")],
    )
    .await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes */{len}").as_str()
    );
    let (status, _, body) = get_raw(s, &path, Some(token), &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0));
    // A range for another version of the file is answered with the whole file.
    let (status, _, body) = get_raw(
        s,
        &path,
        Some(token),
        &[
            (header::RANGE, "bytes=0-9"),
            (header::IF_RANGE, "\"other\""),
        ],
    )
    .await;
    assert_eq!((status, body.len()), (StatusCode::OK, len));
    let (status, _, body) = get_raw(
        s,
        &path,
        Some(token),
        &[(header::RANGE, "bytes=0-9"), (header::IF_RANGE, &etag)],
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::PARTIAL_CONTENT, bytes[..10].to_vec())
    );
}

/// A JPEG with an EXIF block: GPS coordinates and, optionally, an orientation.
fn jpeg_with_gps(width: u32, height: u32, orientation: Option<u16>) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, _| {
        image::Rgb([if x < width / 2 { 250 } else { 5 }, 20, 20])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    let jpeg = out.into_inner();
    // TIFF, big-endian: IFD0 (GPS pointer, orientation) → GPS IFD (latitude).
    let entries: u16 = if orientation.is_some() { 2 } else { 1 };
    let ifd0_len = 2 + 12 * entries as u32 + 4;
    let gps_at = 8 + ifd0_len;
    let data_at = gps_at + 18;
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend(entries.to_be_bytes());
    if let Some(o) = orientation {
        tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        tiff.extend(o.to_be_bytes());
        tiff.extend([0, 0]);
    }
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    tiff.extend(gps_at.to_be_bytes());
    tiff.extend([0, 0, 0, 0]);
    tiff.extend([0, 1, 0, 2, 0, 5, 0, 0, 0, 3]);
    tiff.extend(data_at.to_be_bytes());
    tiff.extend([0, 0, 0, 0]);
    for (n, d) in [(37u32, 1u32), (46, 1), (3012, 100)] {
        tiff.extend(n.to_be_bytes());
        tiff.extend(d.to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut with_exif = jpeg[..2].to_vec();
    with_exif.extend([0xFF, 0xE1]);
    with_exif.extend(((app1.len() + 2) as u16).to_be_bytes());
    with_exif.extend(app1);
    with_exif.extend(&jpeg[2..]);
    with_exif
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn image_metadata_is_removed_and_turned_photos_stay_upright(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, token) = (&w.s, &w.alice.1);
    let original = jpeg_with_gps(64, 32, None);
    assert!(contains(&original, b"Exif\0\0"));
    let file = uploaded(s, token, "beach.jpg", original.clone()).await;
    assert_eq!(file["content_type"], "image/jpeg");
    let (_, _, stored) = get_raw(
        s,
        &format!("/api/files/{}", file["id"].as_str().unwrap()),
        Some(token),
        &[],
    )
    .await;
    assert!(!contains(&stored, b"Exif\0\0"), "EXIF (with GPS) is gone");
    assert!(
        !contains(&stored, &3012u32.to_be_bytes()),
        "the coordinates are gone"
    );
    assert_ne!(stored.len(), original.len());
    let decoded = image::load_from_memory(&stored).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 32));
    assert_eq!(file["size"].as_u64(), Some(stored.len() as u64));

    // Orientation 6 (turn 90° clockwise to view): stored turned, without the tag.
    let turned = uploaded(s, token, "portrait.jpg", jpeg_with_gps(64, 32, Some(6))).await;
    assert_eq!(
        (turned["width"].as_i64(), turned["height"].as_i64()),
        (Some(32), Some(64))
    );
    let (_, _, stored) = get_raw(
        s,
        &format!("/api/files/{}", turned["id"].as_str().unwrap()),
        Some(token),
        &[],
    )
    .await;
    assert!(!contains(&stored, b"Exif\0\0"));
    let decoded = image::load_from_memory(&stored).unwrap().to_rgb8();
    assert_eq!(decoded.dimensions(), (32, 64));
    // The left (red) half of the original is now the top.
    assert!(decoded.get_pixel(16, 4)[0] > 200 && decoded.get_pixel(16, 60)[0] < 60);

    // PNG text and EXIF chunks go too.
    let mut png_bytes = img_parts::png::Png::from_bytes(png(4, 4).into()).unwrap();
    png_bytes.chunks_mut().insert(
        1,
        img_parts::png::PngChunk::new(
            *b"tEXt",
            b"Comment\0taken at 37.7749,-122.4194".to_vec().into(),
        ),
    );
    let png_bytes = png_bytes.encoder().bytes().to_vec();
    let file = uploaded(s, token, "shot.png", png_bytes).await;
    let (_, _, stored) = get_raw(
        s,
        &format!("/api/files/{}", file["id"].as_str().unwrap()),
        Some(token),
        &[],
    )
    .await;
    assert!(!contains(&stored, b"37.7749"));
    assert_eq!(image::load_from_memory(&stored).unwrap().width(), 4);
}

/// CRC-32 (ISO-HDLC), for patching a PNG chunk.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_decompression_bomb_is_refused_before_decoding(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let (s, token) = (&w.s, &w.alice.1);
    // A tiny PNG whose header claims 100,000 × 100,000 pixels (40 GB decoded).
    let mut bomb = png(1, 1);
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    let started = std::time::Instant::now();
    upload(s, token, "bomb.png", bomb)
        .await
        .expect_error(StatusCode::PAYLOAD_TOO_LARGE, "image_too_large");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "refused from the header, took {:?}",
        started.elapsed()
    );
    assert!(stored_objects(s.files_dir.path()).is_empty());
    // Something that claims to be an image but is not one is refused clearly.
    let mut broken = png(8, 8);
    broken.truncate(30);
    upload(s, token, "broken.png", broken)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn blocked_hashes_are_refused(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let (admin, bob) = (&w.alice.1, &w.bob.1);
    let bytes = b"a file the admins do not want".to_vec();
    let first = uploaded(s, bob, "bad.txt", bytes.clone()).await;
    let sha = first["sha256"].as_str().unwrap().to_owned();
    s.post(
        "/api/admin/blocked-hashes",
        Some(bob),
        &json!({"sha256": sha, "reason": "x"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "admin_required");
    s.post(
        "/api/admin/blocked-hashes",
        Some(admin),
        &json!({"sha256": "abc", "reason": "x"}),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    s.post(
        "/api/admin/blocked-hashes",
        Some(admin),
        &json!({"sha256": sha.to_uppercase(), "reason": "spam"}),
    )
    .await
    .expect(StatusCode::CREATED);
    upload(s, bob, "renamed.txt", bytes.clone())
        .await
        .expect_error(StatusCode::FORBIDDEN, "file_blocked");
    let listed = s
        .get("/api/admin/blocked-hashes", Some(admin))
        .await
        .expect(StatusCode::OK);
    assert_eq!(listed.body[0]["sha256"], sha.as_str());
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/admin/blocked-hashes/{sha}"),
        Some(admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let again = uploaded(s, bob, "again.txt", bytes.clone()).await;

    // Deleting with `block` removes the file and refuses it from then on.
    s.call(
        reqwest::Method::DELETE,
        &format!(
            "/api/admin/files/{}?block=true",
            again["id"].as_str().unwrap()
        ),
        Some(admin),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    upload(s, bob, "third.txt", bytes)
        .await
        .expect_error(StatusCode::FORBIDDEN, "file_blocked");
    let audit = s
        .get(
            "/api/admin/audit-log?action=admin.hash_blocked",
            Some(admin),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(audit.body.as_array().unwrap().len(), 1);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn attachments_travel_with_messages_and_leave_with_them(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let (alice, bob) = (&w.alice.1, &w.bob.1);
    let mut ws = Ws::connect(s, bob).await;
    let picture = uploaded(s, alice, "wide.png", png(1200, 800)).await;
    let notes = uploaded(s, alice, "notes.txt", b"notes".to_vec()).await;
    let sent = s
        .message(
            alice,
            w.general,
            json!({"content": "look", "attachment_ids": [picture["id"], notes["id"]]}),
        )
        .await;
    let names: Vec<&str> = sent["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["wide.png", "notes.txt"]);
    let live = ws.expect("message_created").await;
    assert_eq!(live["message"]["attachments"][0]["id"], picture["id"]);

    // The thumbnail is made in the background: readers learn of it with the message
    // if it was ready, or from the message's update when it is.
    if live["message"]["attachments"][0]["thumbnail"] != true {
        let updated = ws.expect("message_updated").await;
        assert_eq!(updated["message"]["attachments"][0]["thumbnail"], true);
    }
    let (status, headers, thumb) = get_raw(
        s,
        &format!("/api/files/{}/thumbnail", picture["id"].as_str().unwrap()),
        Some(bob),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (400, 267));
    assert_eq!(headers[header::CACHE_CONTROL], "private, max-age=86400");

    // A picture that already fits is never enlarged for its thumbnail.
    let small = uploaded(s, alice, "small.png", png(120, 80)).await;
    let small_thumbnail = format!("/api/files/{}/thumbnail", small["id"].as_str().unwrap());
    s.core.thumbnails.settled().await;
    let (_, _, thumb) = get_raw(s, &small_thumbnail, Some(alice), &[]).await;
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (120, 80));
    // Until its thumbnail is made, an image stands in for it and is not to be kept:
    // a cache asks again and gets the thumbnail once it exists.
    let small_id: uuid::Uuid = small["id"].as_str().unwrap().parse().unwrap();
    let db = s.db.connect().await;
    assert_eq!(
        db_exec!(
            db,
            "UPDATE files SET thumbnail_type = NULL WHERE id = $1",
            small_id
        ),
        1
    );
    let (status, headers, _) = get_raw(s, &small_thumbnail, Some(alice), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/files/{small_id}"),
        Some(alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.get(
        &format!("/api/files/{}/thumbnail", notes["id"].as_str().unwrap()),
        Some(bob),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "no_thumbnail");

    let history = s
        .get(&format!("/api/channels/{}/messages", w.general), Some(bob))
        .await
        .expect(StatusCode::OK);
    let in_history = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == sent["id"])
        .unwrap()
        .clone();
    assert_eq!(in_history["attachments"].as_array().unwrap().len(), 2);
    let found = s
        .get("/api/search?q=look&has_file=true", Some(bob))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        found.body.as_array().map(Vec::len),
        Some(1),
        "{}",
        found.text
    );

    // Rules: own unsent uploads only, once each, at most ten, text or files.
    let bobs = uploaded(s, bob, "bob.txt", b"bob".to_vec()).await;
    let refusals = [
        (
            alice,
            json!({"content": "x", "attachment_ids": [bobs["id"]]}),
        ),
        (
            alice,
            json!({"content": "x", "attachment_ids": [notes["id"]]}),
        ),
        (
            bob,
            json!({"content": "x", "attachment_ids": [bobs["id"], bobs["id"]]}),
        ),
        (
            bob,
            json!({"content": "x", "attachment_ids": vec![bobs["id"].clone(); 11]}),
        ),
        (bob, json!({"content": ""})),
    ];
    for (token, body) in refusals {
        s.post(
            &format!("/api/channels/{}/messages", w.general),
            Some(token),
            &body,
        )
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
    // The WebSocket path attaches the same way.
    ws.send(json!({"type": "send_message", "channel_id": w.general, "content": "", "attachment_ids": [bobs["id"]], "nonce": "n1"})).await;
    let acked = ws
        .expect_where(|f| {
            f["type"] == "message_created" && f["message"]["attachments"][0]["id"] == bobs["id"]
        })
        .await;
    assert_eq!(acked["message"]["content"], "");

    // Deleting the message deletes its files: rows, bytes and thumbnails, quota back.
    assert_eq!(
        stored_objects(s.files_dir.path()).len(),
        4,
        "two files, one thumbnail, Bob's"
    );
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/messages/{}", sent["id"].as_str().unwrap()),
        Some(alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_eq!(
        stored_objects(s.files_dir.path()).len(),
        1,
        "only Bob's file is left"
    );
    s.get(
        &format!("/api/files/{}", picture["id"].as_str().unwrap()),
        Some(alice),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "file_not_found");
    let usage = s
        .get("/api/account/storage", Some(alice))
        .await
        .expect(StatusCode::OK);
    assert_eq!(usage.body["used_bytes"], 0);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn quarantine_hides_a_file_from_all_but_admins(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let (admin, bob) = (&w.alice.1, &w.bob.1);
    let file = uploaded(s, bob, "doubtful.txt", b"doubtful".to_vec()).await;
    let id = id_of(&file);
    s.message(
        bob,
        w.general,
        json!({"content": "see", "attachment_ids": [id]}),
    )
    .await;
    // Read once, so the newest page is cached before the quarantine.
    let before = s
        .get(&format!("/api/channels/{}/messages", w.general), Some(bob))
        .await
        .expect(StatusCode::OK);
    assert_eq!(before.body[0]["attachments"][0]["id"], file["id"]);
    s.call(
        reqwest::Method::PUT,
        &format!("/api/admin/files/{id}/quarantine"),
        Some(bob),
        None,
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "admin_required");
    s.call(
        reqwest::Method::PUT,
        &format!("/api/admin/files/{id}/quarantine"),
        Some(admin),
        None,
    )
    .await
    .expect(StatusCode::OK);
    s.get(&format!("/api/files/{id}"), Some(bob))
        .await
        .expect_error(StatusCode::NOT_FOUND, "file_not_found");
    s.get(&format!("/api/files/{id}"), Some(admin))
        .await
        .expect(StatusCode::OK);
    let history = s
        .get(&format!("/api/channels/{}/messages", w.general), Some(bob))
        .await
        .expect(StatusCode::OK);
    assert!(
        history
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["attachments"].as_array().unwrap().is_empty())
    );
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/admin/files/{id}/quarantine"),
        Some(admin),
        None,
    )
    .await
    .expect(StatusCode::OK);
    s.get(&format!("/api/files/{id}"), Some(bob))
        .await
        .expect(StatusCode::OK);
    let stats = s
        .get("/api/admin/storage", Some(admin))
        .await
        .expect(StatusCode::OK);
    assert_eq!(stats.body["files"], 1);
    assert_eq!(stats.body["by_user"][0]["name"], "bob");
    assert_eq!(stats.body["by_community"][0]["name"], "Team");
    let listed = s
        .get("/api/admin/files?q=DOUBT", Some(admin))
        .await
        .expect(StatusCode::OK);
    assert_eq!(listed.body[0]["id"], file["id"]);
}

async fn add_emoji(
    s: &TestServer,
    token: &str,
    community: Uuid,
    name: &str,
    bytes: Vec<u8>,
) -> Resp {
    let path = format!("/api/communities/{community}/emoji?name={name}");
    send_file(s, reqwest::Method::POST, &path, token, "emoji.png", bytes).await
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn custom_emoji_are_added_by_admins_and_used_in_reactions(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let (alice, bob) = (&w.alice.1, &w.bob.1);
    let communities = s
        .get("/api/communities", Some(alice))
        .await
        .expect(StatusCode::OK);
    let community: Uuid = communities.body[0]["id"].as_str().unwrap().parse().unwrap();

    add_emoji(s, bob, community, "party", png(32, 32))
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    add_emoji(s, alice, community, "Party!", png(32, 32))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    add_emoji(s, alice, community, "notes", b"not an image".to_vec())
        .await
        .expect_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_file_type");
    add_emoji(
        s,
        alice,
        community,
        "huge",
        random_bytes(300 * KIB as usize),
    )
    .await
    .expect_error(StatusCode::PAYLOAD_TOO_LARGE, "file_too_large");
    let party = add_emoji(s, alice, community, "party", png(32, 32))
        .await
        .expect(StatusCode::CREATED)
        .body;
    add_emoji(s, alice, community, "party", png(16, 16))
        .await
        .expect_error(StatusCode::CONFLICT, "emoji_name_taken");

    // Members see the list and the image.
    let listed = s
        .get(&format!("/api/communities/{community}/emoji"), Some(bob))
        .await
        .expect(StatusCode::OK);
    assert_eq!(listed.body[0]["name"], "party");
    let file_id = party["file_id"].as_str().unwrap();
    let (status, headers, _) = get_raw(s, &format!("/api/files/{file_id}"), Some(bob), &[]).await;
    assert_eq!(
        (status, headers[header::CONTENT_TYPE].to_str().unwrap()),
        (StatusCode::OK, "image/png")
    );
    let (_, stranger) = s.user("stranger").await;
    s.get(
        &format!("/api/communities/{community}/emoji"),
        Some(&stranger),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "community_not_found");
    // An emoji image is not an attachment: it cannot be sent or deleted as one.
    s.post(
        &format!("/api/channels/{}/messages", w.general),
        Some(alice),
        &json!({"content": "x", "attachment_ids": [file_id]}),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/files/{file_id}"),
        Some(alice),
        None,
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "not_uploader");

    // Used in a message and as a reaction; unknown names are refused.
    let message = s
        .message(bob, w.general, json!({"content": "we did it :party:"}))
        .await;
    let message_id = message["id"].as_str().unwrap();
    s.call(
        reqwest::Method::PUT,
        &format!("/api/messages/{message_id}/reactions/:party:"),
        Some(bob),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.call(
        reqwest::Method::PUT,
        &format!("/api/messages/{message_id}/reactions/:nope:"),
        Some(bob),
        None,
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    let history = s
        .get(
            &format!("/api/channels/{}/messages", w.general),
            Some(alice),
        )
        .await
        .expect(StatusCode::OK);
    let reacted = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == message["id"])
        .unwrap();
    assert_eq!(reacted["reactions"][0]["emoji"], ":party:");

    // Deleting it removes the image, and the name is no longer a reaction.
    let emoji_id = party["id"].as_str().unwrap();
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/communities/{community}/emoji/{emoji_id}"),
        Some(bob),
        None,
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/communities/{community}/emoji/{emoji_id}"),
        Some(alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert!(stored_objects(s.files_dir.path()).is_empty());
    s.call(
        reqwest::Method::PUT,
        &format!("/api/messages/{message_id}/reactions/:party:"),
        Some(alice),
        None,
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");

    // At most 50 per community.
    for i in 0..50 {
        add_emoji(s, alice, community, &format!("e{i}"), png(2, 2))
            .await
            .expect(StatusCode::CREATED);
    }
    add_emoji(s, alice, community, "one_more", png(2, 2))
        .await
        .expect_error(StatusCode::CONFLICT, "emoji_limit");
    assert_eq!(
        stored_objects(s.files_dir.path()).len(),
        50,
        "a refused emoji leaves no image"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn the_sweep_removes_unsent_uploads_and_files_whose_place_is_gone(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let alice = &w.alice.1;
    let communities = s
        .get("/api/communities", Some(alice))
        .await
        .expect(StatusCode::OK);
    let community: Uuid = communities.body[0]["id"].as_str().unwrap().parse().unwrap();

    let unsent = uploaded(s, alice, "draft.txt", b"never sent".to_vec()).await;
    let in_channel = uploaded(s, alice, "gone.txt", b"in a channel".to_vec()).await;
    s.message(
        alice,
        w.general,
        json!({"content": "x", "attachment_ids": [in_channel["id"]]}),
    )
    .await;
    let dm: Uuid = s
        .post("/api/dms", Some(alice), &json!({"user_ids": [w.bob.0]}))
        .await
        .expect(StatusCode::OK)
        .body["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let kept = uploaded(s, alice, "kept.txt", b"in a DM".to_vec()).await;
    s.message(
        alice,
        dm,
        json!({"content": "x", "attachment_ids": [kept["id"]]}),
    )
    .await;
    add_emoji(s, alice, community, "wave", png(8, 8))
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(stored_objects(s.files_dir.path()).len(), 4);

    // Within a day nothing goes.
    s.core.prune(chrono::Utc::now()).await.unwrap();
    assert_eq!(stored_objects(s.files_dir.path()).len(), 4);
    // The community (its channel, message and emoji) is deleted; a day later the
    // sweep removes the unsent upload and what lost its place, and keeps the DM's file.
    s.call(
        reqwest::Method::DELETE,
        &format!("/api/communities/{community}"),
        Some(alice),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.core
        .prune(chrono::Utc::now() + chrono::Duration::hours(25))
        .await
        .unwrap();
    assert_eq!(stored_objects(s.files_dir.path()).len(), 1);
    s.get(
        &format!("/api/files/{}", kept["id"].as_str().unwrap()),
        Some(&w.bob.1),
    )
    .await
    .expect(StatusCode::OK);
    for gone in [&unsent, &in_channel] {
        s.get(
            &format!("/api/files/{}/meta", gone["id"].as_str().unwrap()),
            Some(alice),
        )
        .await
        .expect_error(StatusCode::NOT_FOUND, "file_not_found");
    }
    let usage = s
        .get("/api/account/storage", Some(alice))
        .await
        .expect(StatusCode::OK);
    assert_eq!(usage.body["used_bytes"], kept["size"]);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn file_reads_have_their_own_larger_allowance(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let alice = w.alice.1.clone();
    let picture = uploaded(&w.s, &alice, "a.png", png(2, 2)).await;
    let s =
        w.s.restart_with(|c| {
            c.tuning.rate_limits.general = chatalot_server::config::RateLimit {
                per_second: 1,
                burst: 5,
            }
        })
        .await;
    // A channel full of images: 30 reads at once pass (ten times the general burst).
    let path = format!("/api/files/{}/thumbnail", picture["id"].as_str().unwrap());
    for _ in 0..30 {
        s.get(&path, Some(&alice)).await.expect(StatusCode::OK);
    }
    // Everything else still counts against the general limit.
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(s.get("/api/account/storage", Some(&alice)).await.status);
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}
