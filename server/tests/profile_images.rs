//! Avatars, profile banners, community and group icons and banners (FILE-4,
//! PROF-1, COM-1, COM-3) and profile cards, on both backends: who may set them,
//! their limits, replacement freeing the old file, and live updates.

mod common;

use common::ws::Ws;
use common::{Backend, Resp, TestServer, png, send_file, stored_objects};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

struct World {
    s: TestServer,
    community: Uuid,
    group: Uuid,
    general: Uuid,
    alice: (Uuid, String),
    bob: (Uuid, String),
}

/// Alice owns a community Bob joined, with a group and #general.
async fn world(backend: Backend) -> Option<World> {
    let s = TestServer::start_with(backend, |c| {
        c.community_creation_mode = chatalot_server::config::CommunityCreationMode::Anyone;
    })
    .await?;
    let alice = s.owner().await;
    let alice = (alice.user.id, alice.tokens.access_token);
    let bob = s.user("bob").await;
    let community = s.community(&alice.1, json!({"name": "Team"})).await;
    let group = s.group(&alice.1, community, json!({"name": "G"})).await;
    let general = s.channel(&alice.1, group, json!({"name": "general"})).await;
    let code = s.community_invite(&alice.1, community).await;
    s.accept(&bob.1, &code).await.expect(StatusCode::OK);
    Some(World {
        s,
        community,
        group,
        general,
        alice,
        bob,
    })
}

async fn put_image(s: &TestServer, token: &str, path: &str, bytes: Vec<u8>) -> Resp {
    send_file(s, Method::PUT, path, token, "picture.png", bytes).await
}

async fn remove(s: &TestServer, token: &str, path: &str) -> Resp {
    s.call(Method::DELETE, path, Some(token), None).await
}

fn file_id(v: &Value, field: &str) -> Uuid {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is set in {v}"))
        .parse()
        .unwrap()
}

async fn used_bytes(s: &TestServer, token: &str) -> i64 {
    s.get("/api/account/storage", Some(token))
        .await
        .expect(StatusCode::OK)
        .body["used_bytes"]
        .as_i64()
        .unwrap()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn avatars_replace_each_other_and_show_wherever_the_user_does(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let (alice, bob) = (&w.alice.1, &w.bob.1);
    let mut alice_ws = Ws::connect(s, alice).await;

    // Not an image, too large: refused, nothing kept.
    put_image(s, bob, "/api/account/avatar", b"plain text".to_vec())
        .await
        .expect_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_file_type");
    put_image(s, bob, "/api/account/avatar", vec![7; 5 * 1024 * 1024 + 1])
        .await
        .expect_error(StatusCode::PAYLOAD_TOO_LARGE, "file_too_large");
    assert!(stored_objects(s.files_dir.path()).is_empty());

    let first = put_image(s, bob, "/api/account/avatar", png(64, 64))
        .await
        .expect(StatusCode::OK)
        .body;
    let first_id = file_id(&first, "avatar_file_id");
    let event = alice_ws
        .expect_where(|e| e["type"] == "user_updated" && e["user"]["id"] == json!(w.bob.0))
        .await;
    assert_eq!(event["user"]["avatar_file_id"], json!(first_id));

    // Alice sees it on Bob's messages, in the member list, on his card; she may load it.
    s.message(bob, w.general, json!({"content": "hi"})).await;
    let page = s
        .get(
            &format!("/api/channels/{}/messages", w.general),
            Some(alice),
        )
        .await
        .expect(StatusCode::OK);
    let last = page
        .body
        .as_array()
        .and_then(|m| m.iter().find(|m| m["content"] == "hi"))
        .cloned()
        .unwrap_or_else(|| panic!("Bob's message in {}", page.body));
    assert_eq!(last["author"]["avatar_file_id"], json!(first_id));
    let members = s
        .get(
            &format!("/api/communities/{}/members", w.community),
            Some(alice),
        )
        .await
        .expect(StatusCode::OK);
    let bob_member = members
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == json!(w.bob.0))
        .cloned()
        .unwrap();
    assert_eq!(bob_member["avatar_file_id"], json!(first_id));
    let card = s
        .get(&format!("/api/users/{}", w.bob.0), Some(alice))
        .await
        .expect(StatusCode::OK);
    assert_eq!(card.body["avatar_file_id"], json!(first_id));
    for path in [
        format!("/api/files/{first_id}"),
        format!("/api/files/{first_id}/thumbnail"),
    ] {
        let got = s.get(&path, Some(alice)).await.expect(StatusCode::OK);
        assert!(
            got.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("image/")
        );
    }

    // Someone who shares nothing with Bob does not get his card.
    let (_, stranger) = s.user("stranger").await;
    s.get(&format!("/api/users/{}", w.bob.0), Some(&stranger))
        .await
        .expect_error(StatusCode::NOT_FOUND, "user_not_found");

    // A new avatar replaces the old one: its file, bytes and quota go.
    let second = put_image(s, bob, "/api/account/avatar", png(32, 32))
        .await
        .expect(StatusCode::OK)
        .body;
    let second_id = file_id(&second, "avatar_file_id");
    assert_ne!(first_id, second_id);
    s.core.thumbnails.settled().await;
    s.get(&format!("/api/files/{first_id}/meta"), Some(bob))
        .await
        .expect_error(StatusCode::NOT_FOUND, "file_not_found");
    assert!(
        stored_objects(s.files_dir.path())
            .iter()
            .all(|key| !key.contains(&first_id.to_string()))
    );
    let size = s
        .get(&format!("/api/files/{second_id}/meta"), Some(bob))
        .await
        .expect(StatusCode::OK)
        .body["size"]
        .as_i64()
        .unwrap();
    assert_eq!(used_bytes(s, bob).await, size);

    // An avatar is not an attachment: not sent, not deleted as one.
    s.post(
        &format!("/api/channels/{}/messages", w.general),
        Some(bob),
        &json!({"content": "x", "attachment_ids": [second_id]}),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    remove(s, bob, &format!("/api/files/{second_id}"))
        .await
        .expect_error(StatusCode::FORBIDDEN, "not_uploader");

    // A banner takes up to 10 MB; removing images empties the slots and the quota.
    let banner = put_image(s, bob, "/api/account/banner", png(300, 100))
        .await
        .expect(StatusCode::OK)
        .body;
    let banner_id = file_id(&banner, "banner_file_id");
    let card = s
        .get(&format!("/api/users/{}", w.bob.0), Some(alice))
        .await
        .expect(StatusCode::OK);
    assert_eq!(card.body["banner_file_id"], json!(banner_id));
    for slot in ["avatar", "banner"] {
        let cleared = remove(s, bob, &format!("/api/account/{slot}"))
            .await
            .expect(StatusCode::OK);
        assert!(cleared.body[format!("{slot}_file_id")].is_null());
    }
    assert_eq!(used_bytes(s, bob).await, 0);
    s.core.thumbnails.settled().await;
    assert!(stored_objects(s.files_dir.path()).is_empty());
    let event = alice_ws
        .expect_where(|e| {
            e["type"] == "user_updated"
                && e["user"]["id"] == json!(w.bob.0)
                && e["user"]["avatar_file_id"].is_null()
        })
        .await;
    assert_eq!(event["user"]["username"], "bob");
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn community_and_group_images_are_set_by_their_admins_only(#[case] backend: Backend) {
    let Some(w) = world(backend).await else {
        return;
    };
    let s = &w.s;
    let (alice, bob) = (&w.alice.1, &w.bob.1);
    let icon_path = format!("/api/communities/{}/icon", w.community);
    let banner_path = format!("/api/communities/{}/banner", w.community);
    let group_icon_path = format!("/api/groups/{}/icon", w.group);

    // A member is refused before anything is stored; a stranger does not see it.
    put_image(s, bob, &icon_path, png(64, 64))
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    put_image(s, bob, &group_icon_path, png(64, 64))
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    remove(s, bob, &icon_path)
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    let (_, stranger) = s.user("stranger").await;
    put_image(s, &stranger, &icon_path, png(64, 64))
        .await
        .expect_error(StatusCode::NOT_FOUND, "community_not_found");
    assert!(stored_objects(s.files_dir.path()).is_empty());

    let mut bob_ws = Ws::connect(s, bob).await;
    let community = put_image(s, alice, &icon_path, png(64, 64))
        .await
        .expect(StatusCode::OK)
        .body;
    let icon = file_id(&community, "icon_file_id");
    assert_eq!(community["my_role"], "owner");
    let event = bob_ws.expect("community_updated").await;
    assert_eq!(event["community"]["icon_file_id"], json!(icon));
    assert!(event["community"]["my_role"].is_null());
    let banner = put_image(s, alice, &banner_path, png(600, 200))
        .await
        .expect(StatusCode::OK)
        .body;
    let banner = file_id(&banner, "banner_file_id");
    let listed = s
        .get("/api/communities", Some(bob))
        .await
        .expect(StatusCode::OK);
    assert_eq!(listed.body[0]["icon_file_id"], json!(icon));
    assert_eq!(listed.body[0]["banner_file_id"], json!(banner));
    s.get(&format!("/api/files/{icon}"), Some(bob))
        .await
        .expect(StatusCode::OK);

    let group = put_image(s, alice, &group_icon_path, png(48, 48))
        .await
        .expect(StatusCode::OK)
        .body;
    let group_icon = file_id(&group, "icon_file_id");
    bob_ws.expect("access_changed").await;
    let groups = s
        .get(
            &format!("/api/communities/{}/groups", w.community),
            Some(bob),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(groups.body[0]["icon_file_id"], json!(group_icon));

    // Changes are audited; an admin's removal of the icon file empties the slot.
    let audit = s
        .get(
            &format!("/api/admin/audit-log?community_id={}", w.community),
            Some(alice),
        )
        .await
        .expect(StatusCode::OK);
    assert!(audit.text.contains("\"image\":\"icon\""), "{}", audit.text);
    remove(s, alice, &format!("/api/admin/files/{icon}"))
        .await
        .expect(StatusCode::NO_CONTENT);
    let after = s
        .get(&format!("/api/communities/{}", w.community), Some(bob))
        .await
        .expect(StatusCode::OK);
    assert!(after.body["icon_file_id"].is_null());

    // Deleting the community leaves its images to the sweep.
    remove(s, alice, &format!("/api/communities/{}", w.community))
        .await
        .expect(StatusCode::NO_CONTENT);
    // The banner and the group icon, each with its thumbnail.
    s.core.thumbnails.settled().await;
    assert_eq!(stored_objects(s.files_dir.path()).len(), 4);
    s.core
        .prune(chrono::Utc::now() + chrono::Duration::hours(25))
        .await
        .unwrap();
    assert!(stored_objects(s.files_dir.path()).is_empty());
    assert_eq!(used_bytes(s, alice).await, 0);
}
