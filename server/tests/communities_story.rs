//! A realistic community life on both backends (COM-1..4, COM-6): an owner builds a
//! community, invites people, promotes a moderator who warns, times out, kicks and
//! bans a member; the ban holds against fresh invites; ownership moves; deletion
//! removes everything.

mod common;

use chatalot_server::config::CommunityCreationMode;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_community_from_creation_to_deletion(#[case] backend: Backend) {
    let Some(s) = TestServer::start_with(backend, |c| {
        c.community_creation_mode = CommunityCreationMode::Anyone
    })
    .await
    else {
        return;
    };
    s.user("root").await; // the instance owner, not part of this story
    let (alice_id, alice) = s.user("alice").await;
    let (bob_id, bob) = s.user("bob").await;
    let (carol_id, carol) = s.user("carol").await;
    let (dave_id, dave) = s.user("dave").await;

    // Alice builds the community.
    let community = s
        .community(&alice, json!({"name": "Rustaceans", "description": "All things Rust", "welcome_message": "Hi!"}))
        .await;
    let general = s
        .group(
            &alice,
            community,
            json!({"name": "General", "accent_color": "#FF8800"}),
        )
        .await;
    let staff = s
        .group(
            &alice,
            community,
            json!({"name": "Staff", "visibility": "private"}),
        )
        .await;
    let lobby = s
        .channel(
            &alice,
            general,
            json!({"name": "lobby", "topic": "Say hello"}),
        )
        .await;
    let voice = s
        .channel(&alice, general, json!({"name": "Lounge", "kind": "voice"}))
        .await;
    let mods = s
        .channel(&alice, staff, json!({"name": "mods", "slow_mode_secs": 5}))
        .await;

    // People join by code and land in the public group.
    let code = s.community_invite(&alice, community).await;
    let preview = s
        .get(&format!("/api/invites/{code}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (
            preview.body["name"].as_str(),
            preview.body["member_count"].as_i64()
        ),
        (Some("Rustaceans"), Some(1))
    );
    for token in [&bob, &carol, &dave] {
        s.accept(token, &code).await.expect(StatusCode::OK);
    }
    let members = s
        .get(
            &format!("/api/communities/{community}/members"),
            Some(&alice),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(members.body.as_array().unwrap().len(), 4);
    let groups = s
        .get(
            &format!("/api/communities/{community}/groups"),
            Some(&carol),
        )
        .await
        .expect(StatusCode::OK);
    let names: Vec<&str> = groups
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["General"],
        "members see the public group, not the private one"
    );
    assert_eq!(groups.body[0]["my_role"], "member", "auto-joined");
    let channels = s
        .get(&format!("/api/groups/{general}/channels"), Some(&carol))
        .await
        .expect(StatusCode::OK);
    assert_eq!(channels.body.as_array().unwrap().len(), 2);
    s.get(&format!("/api/channels/{voice}"), Some(&carol))
        .await
        .expect(StatusCode::OK);
    s.get(&format!("/api/groups/{staff}"), Some(&carol))
        .await
        .expect_error(StatusCode::NOT_FOUND, "group_not_found");
    s.get(&format!("/api/channels/{mods}"), Some(&carol))
        .await
        .expect_error(StatusCode::NOT_FOUND, "channel_not_found");
    let mine = s
        .get("/api/communities", Some(&carol))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (
            mine.body[0]["name"].as_str(),
            mine.body[0]["my_role"].as_str()
        ),
        (Some("Rustaceans"), Some("member"))
    );

    // Bob becomes a moderator and now sees the staff group too.
    s.set_role(&alice, community, bob_id, "moderator").await;
    s.get(&format!("/api/channels/{mods}"), Some(&bob))
        .await
        .expect(StatusCode::OK);
    let nick = json!({"nickname": "Carol the Great"});
    let path = format!("/api/communities/{community}/members/{carol_id}");
    s.call(Method::PATCH, &path, Some(&carol), Some(&nick))
        .await
        .expect(StatusCode::OK);

    // The moderator warns, times out, kicks and bans Dave.
    let dave_path = format!("/api/communities/{community}/members/{dave_id}");
    s.post(
        &format!("{dave_path}/warnings"),
        Some(&bob),
        &json!({"reason": "Be kind"}),
    )
    .await
    .expect(StatusCode::CREATED);
    s.post(
        &format!("{dave_path}/warnings"),
        Some(&bob),
        &json!({"reason": "Second time"}),
    )
    .await
    .expect(StatusCode::CREATED);
    let history = s
        .get(&format!("{dave_path}/warnings"), Some(&dave))
        .await
        .expect(StatusCode::OK);
    let reasons: Vec<&str> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["Second time", "Be kind"],
        "newest first, visible to the member"
    );
    s.get(&format!("{dave_path}/warnings"), Some(&carol))
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");

    let timeout = s
        .call(
            Method::PUT,
            &format!("{dave_path}/timeout"),
            Some(&bob),
            Some(&json!({"duration_secs": 600, "reason": "cool down"})),
        )
        .await
        .expect(StatusCode::OK);
    let until: chrono::DateTime<chrono::Utc> = timeout.body["timed_out_until"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let minutes = (until - chrono::Utc::now()).num_minutes();
    assert!((9..=10).contains(&minutes), "ten minutes: {minutes}");
    s.call(
        Method::DELETE,
        &format!("{dave_path}/timeout"),
        Some(&bob),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);

    s.post(
        &format!("{dave_path}/kick"),
        Some(&bob),
        &json!({"reason": "spam"}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.get(&format!("/api/communities/{community}"), Some(&dave))
        .await
        .expect_error(StatusCode::NOT_FOUND, "community_not_found");
    s.get(&format!("/api/channels/{lobby}"), Some(&dave))
        .await
        .expect_error(StatusCode::NOT_FOUND, "channel_not_found");
    // A kick is not a ban: Dave can come back.
    s.accept(&dave, &code).await.expect(StatusCode::OK);
    let ban_path = format!("/api/communities/{community}/bans/{dave_id}");
    s.call(
        Method::PUT,
        &ban_path,
        Some(&bob),
        Some(&json!({"reason": "again"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let fresh = s.community_invite(&alice, community).await;
    s.accept(&dave, &fresh)
        .await
        .expect_error(StatusCode::FORBIDDEN, "banned");
    s.accept(&dave, &code)
        .await
        .expect_error(StatusCode::FORBIDDEN, "banned");
    let bans = s
        .get(&format!("/api/communities/{community}/bans"), Some(&bob))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (
            bans.body[0]["username"].as_str(),
            bans.body[0]["reason"].as_str()
        ),
        (Some("dave"), Some("again"))
    );

    // The moderator cannot touch the owner, nor promote anyone.
    let alice_path = format!("/api/communities/{community}/members/{alice_id}");
    s.post(&format!("{alice_path}/kick"), Some(&bob), &json!({}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "target_outranks_you");
    let promote = json!({"role": "moderator"});
    s.call(Method::PATCH, &path, Some(&bob), Some(&promote))
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");

    // Every moderation step is in the community's audit trail.
    let root = s.login("root", "root-password").await.tokens.access_token;
    let log = s
        .get(
            &format!("/api/admin/audit-log?community_id={community}&limit=200"),
            Some(&root),
        )
        .await
        .expect(StatusCode::OK);
    let actions: Vec<&str> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Entries name the community, channel and group, not only their IDs.
    assert!(
        log.body
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "channel.created"
                && e["details"]["channel_name"] == "lobby"
                && e["details"]["group_name"] == "General"),
        "{}",
        log.text
    );
    assert!(
        log.body
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["community_name"] == "Rustaceans"),
        "{}",
        log.text
    );
    for expected in [
        "moderation.warned",
        "moderation.timed_out",
        "moderation.timeout_ended",
        "moderation.kicked",
        "moderation.banned",
        "community.role_changed",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} audited: {actions:?}"
        );
    }

    // Ownership moves to Bob; Alice stays as an admin and can no longer delete.
    let transferred = s
        .post(
            &format!("/api/communities/{community}/transfer"),
            Some(&alice),
            &json!({"user_id": bob_id}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(transferred.body["owner_id"], bob_id.to_string());
    let me = s
        .get(&format!("/api/communities/{community}"), Some(&alice))
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.body["my_role"], "admin");
    s.call(
        Method::DELETE,
        &format!("/api/communities/{community}"),
        Some(&alice),
        None,
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "owner_only");
    s.post(
        &format!("/api/communities/{community}/leave"),
        Some(&bob),
        &json!({}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "owner_cannot_leave");

    // Before it goes, the community is used: messages with a mention, an edit, a
    // reaction, a pin, a thread reply, a bookmark, a poll with a vote, a scheduled
    // message and read marks, in the public and the staff channels.
    let post = |token: &str, channel: uuid::Uuid, body: serde_json::Value| {
        let path = format!("/api/channels/{channel}/messages");
        let token = token.to_owned();
        let s = &s;
        async move {
            s.post(&path, Some(&token), &body)
                .await
                .expect(StatusCode::CREATED)
                .body["id"]
                .as_str()
                .unwrap()
                .parse::<uuid::Uuid>()
                .unwrap()
        }
    };
    let hello = post(&alice, lobby, json!({"content": "hello @carol"})).await;
    s.call(
        Method::PATCH,
        &format!("/api/messages/{hello}"),
        Some(&alice),
        Some(&json!({"content": "hello @carol, welcome"})),
    )
    .await
    .expect(StatusCode::OK);
    let reply = post(
        &carol,
        lobby,
        json!({"content": "thanks!", "thread_id": hello, "reply_to_id": hello}),
    )
    .await;
    let staff_note = post(&bob, mods, json!({"content": "keep an eye on dave"})).await;
    s.call(
        Method::PUT,
        &format!("/api/messages/{hello}/reactions/%F0%9F%91%8D"),
        Some(&carol),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.call(
        Method::PUT,
        &format!("/api/channels/{lobby}/pins/{hello}"),
        Some(&bob),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.call(
        Method::PUT,
        &format!("/api/messages/{hello}/bookmark"),
        Some(&carol),
        Some(&json!({"note": "first day"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let poll = s
        .post(
            &format!("/api/channels/{lobby}/polls"),
            Some(&alice),
            &json!({"question": "Edition?", "options": ["2021", "2024"]}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let poll_id: uuid::Uuid = poll["id"].as_str().unwrap().parse().unwrap();
    s.call(
        Method::PUT,
        &format!("/api/polls/{poll_id}/votes"),
        Some(&carol),
        Some(&json!({"options": [1]})),
    )
    .await
    .expect(StatusCode::OK);
    s.post(
        &format!("/api/channels/{lobby}/scheduled"),
        Some(&carol),
        &json!({"content": "see you tomorrow", "send_at": chrono::Utc::now() + chrono::Duration::days(1)}),
    )
    .await
    .expect(StatusCode::CREATED);
    for (token, channel, last) in [(&carol, lobby, reply), (&bob, mods, staff_note)] {
        s.post(
            &format!("/api/channels/{channel}/read"),
            Some(token),
            &json!({"message_id": last}),
        )
        .await
        .expect(StatusCode::NO_CONTENT);
    }
    // (what, query, binds, at least this many rows before the deletion)
    let channel_ids = vec![lobby, voice, mods];
    let leftovers_of_channels: [(&str, &'static str, Vec<uuid::Uuid>, i64); 10] = [
        (
            "messages",
            "SELECT COUNT(*) FROM messages WHERE channel_id IN ($1, $2, $3)",
            channel_ids.clone(),
            4,
        ),
        (
            "message edits",
            "SELECT COUNT(*) FROM message_edits WHERE message_id = $1",
            vec![hello],
            1,
        ),
        (
            "mentions",
            "SELECT COUNT(*) FROM message_mentions WHERE channel_id IN ($1, $2, $3)",
            channel_ids.clone(),
            1,
        ),
        (
            "reactions",
            "SELECT COUNT(*) FROM reactions WHERE channel_id IN ($1, $2, $3)",
            channel_ids.clone(),
            1,
        ),
        (
            "pins",
            "SELECT COUNT(*) FROM pins WHERE channel_id IN ($1, $2, $3)",
            channel_ids.clone(),
            1,
        ),
        (
            "read states",
            "SELECT COUNT(*) FROM read_states WHERE channel_id IN ($1, $2, $3)",
            channel_ids.clone(),
            2,
        ),
        (
            "scheduled messages",
            "SELECT COUNT(*) FROM scheduled_messages WHERE channel_id IN ($1, $2, $3)",
            channel_ids.clone(),
            1,
        ),
        (
            "bookmarks",
            "SELECT COUNT(*) FROM bookmarks WHERE message_id IN ($1, $2, $3)",
            vec![hello, reply, staff_note],
            1,
        ),
        (
            "polls",
            "SELECT COUNT(*) FROM polls WHERE id = $1",
            vec![poll_id],
            1,
        ),
        (
            "poll votes",
            "SELECT COUNT(*) FROM poll_votes WHERE poll_id = $1",
            vec![poll_id],
            1,
        ),
    ];
    for (what, sql, binds, rows) in &leftovers_of_channels {
        let found = s.db.count(sql, binds).await;
        assert!(found >= *rows, "{what} exist before the deletion: {found}");
    }

    // Bob deletes it: everything under it is gone.
    s.call(
        Method::DELETE,
        &format!("/api/communities/{community}"),
        Some(&bob),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.get(&format!("/api/communities/{community}"), Some(&bob))
        .await
        .expect_error(StatusCode::NOT_FOUND, "community_not_found");
    s.get(&format!("/api/groups/{general}"), Some(&bob))
        .await
        .expect_error(StatusCode::NOT_FOUND, "group_not_found");
    s.get(&format!("/api/channels/{lobby}"), Some(&bob))
        .await
        .expect_error(StatusCode::NOT_FOUND, "channel_not_found");
    s.get(&format!("/api/invites/{code}"), None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "invite_not_found");
    let leftovers = [
        "SELECT COUNT(*) FROM communities WHERE id = $1",
        "SELECT COUNT(*) FROM community_members WHERE community_id = $1",
        "SELECT COUNT(*) FROM community_invites WHERE community_id = $1",
        "SELECT COUNT(*) FROM community_bans WHERE community_id = $1",
        "SELECT COUNT(*) FROM community_warnings WHERE community_id = $1",
        "SELECT COUNT(*) FROM community_groups WHERE community_id = $1",
        "SELECT COUNT(*) FROM channels WHERE community_id = $1",
    ];
    for sql in leftovers {
        assert_eq!(s.db.count(sql, &[community]).await, 0, "{sql}");
    }
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM group_members WHERE group_id = $1 OR group_id = $2",
            &[general, staff]
        )
        .await,
        0
    );
    // What was said in its channels went with it.
    for (what, sql, binds, _) in &leftovers_of_channels {
        assert_eq!(s.db.count(sql, binds).await, 0, "{what} left over: {sql}");
    }
    let marks = s
        .get("/api/bookmarks", Some(&carol))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        marks.body,
        json!({"bookmarks": [], "next_cursor": null}),
        "no bookmark points into it"
    );
    let scheduled = s
        .get("/api/scheduled", Some(&carol))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        scheduled.body,
        json!([]),
        "nothing is still to be sent there"
    );
    s.get(&format!("/api/polls/{poll_id}"), Some(&carol))
        .await
        .expect(StatusCode::NOT_FOUND);
    let mine = s
        .get("/api/communities", Some(&carol))
        .await
        .expect(StatusCode::OK);
    assert_eq!(mine.body, json!([]));
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn creation_mode_and_discovery(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let (_, root) = s.user("root").await;
    let (_, alice) = s.user("alice").await;
    s.post("/api/communities", Some(&alice), &json!({"name": "Nope"}))
        .await
        .expect_error(StatusCode::FORBIDDEN, "community_creation_restricted");
    let public = s
        .community(
            &root,
            json!({"name": "Open Source Café", "visibility": "public", "discoverable": true}),
        )
        .await;
    s.community(
        &root,
        json!({"name": "Open but hidden", "visibility": "public"}),
    )
    .await;
    let private = s
        .community(&root, json!({"name": "Open secret", "discoverable": true}))
        .await;

    let found = s
        .get("/api/communities/discover?query=open", Some(&alice))
        .await
        .expect(StatusCode::OK);
    let ids: Vec<&str> = found
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [public.to_string()], "only public and discoverable");
    let hostile = s
        .get("/api/communities/discover?query=%25_%5C", Some(&alice))
        .await
        .expect(StatusCode::OK);
    assert_eq!(hostile.body, json!([]), "LIKE wildcards are literal");

    // A public community can be previewed; a private one does not exist for outsiders.
    let seen = s
        .get(&format!("/api/communities/{public}"), Some(&alice))
        .await
        .expect(StatusCode::OK);
    assert!(seen.body["my_role"].is_null());
    s.get(&format!("/api/communities/{public}/members"), Some(&alice))
        .await
        .expect_error(StatusCode::FORBIDDEN, "not_a_member");
    s.get(&format!("/api/communities/{private}"), Some(&alice))
        .await
        .expect_error(StatusCode::NOT_FOUND, "community_not_found");

    for bad in [
        json!({"name": ""}),
        json!({"name": "x".repeat(101)}),
        json!({"name": "ok", "visibility": "secret"}),
        json!({"name": "ok", "who_can_create_invites": "nobody"}),
    ] {
        s.post("/api/communities", Some(&root), &bad)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn groups_channels_and_their_limits(#[case] backend: Backend) {
    let Some(s) = TestServer::start(backend).await else {
        return;
    };
    let (_, root) = s.user("root").await;
    let (mod_id, moderator) = s.user("mod").await;
    let (carol_id, carol) = s.user("carol").await;
    let community = s.community(&root, json!({"name": "Club"})).await;
    let code = s.community_invite(&root, community).await;
    s.accept(&moderator, &code).await.expect(StatusCode::OK);
    s.accept(&carol, &code).await.expect(StatusCode::OK);
    s.set_role(&root, community, mod_id, "moderator").await;

    // A personal group assigned by a moderator belongs to its member.
    let personal = s
        .group(
            &moderator,
            community,
            json!({"name": "Carol's corner", "assigned_to": carol_id}),
        )
        .await;
    let seen = s
        .get(&format!("/api/groups/{personal}"), Some(&carol))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (
            seen.body["my_role"].as_str(),
            seen.body["visibility"].as_str()
        ),
        (Some("owner"), Some("private"))
    );
    s.channel(&carol, personal, json!({"name": "notes"})).await;
    s.post(
        &format!("/api/communities/{community}/groups"),
        Some(&moderator),
        &json!({"name": "Not personal"}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "insufficient_role");

    // Public groups: leave and rejoin; private: join refused.
    let public = s.group(&root, community, json!({"name": "Public"})).await;
    s.post(
        &format!("/api/groups/{public}/leave"),
        Some(&carol),
        &json!({}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.get(&format!("/api/groups/{public}/channels"), Some(&carol))
        .await
        .expect_error(StatusCode::FORBIDDEN, "not_a_member");
    s.post(
        &format!("/api/groups/{public}/join"),
        Some(&carol),
        &json!({}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let private = s
        .group(
            &root,
            community,
            json!({"name": "Private", "visibility": "private"}),
        )
        .await;
    s.post(
        &format!("/api/groups/{private}/join"),
        Some(&moderator),
        &json!({}),
    )
    .await
    .expect_error(StatusCode::FORBIDDEN, "group_private");
    s.call(
        Method::PUT,
        &format!("/api/groups/{private}/members/{carol_id}"),
        Some(&root),
        Some(&json!({"role": "member"})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    s.get(&format!("/api/groups/{private}"), Some(&carol))
        .await
        .expect(StatusCode::OK);

    // Channel settings are validated.
    let channel = s.channel(&root, public, json!({"name": "chat"})).await;
    for bad in [
        json!({"slow_mode_secs": 3}),
        json!({"slow_mode_secs": 601}),
        json!({"name": ""}),
        json!({"topic": "t".repeat(1025)}),
    ] {
        s.call(
            Method::PATCH,
            &format!("/api/channels/{channel}"),
            Some(&root),
            Some(&bad),
        )
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
    let updated = s
        .call(
            Method::PATCH,
            &format!("/api/channels/{channel}"),
            Some(&root),
            Some(
                &json!({"slow_mode_secs": 600, "read_only": true, "archived": true, "topic": null}),
            ),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (
            updated.body["slow_mode_secs"].as_i64(),
            updated.body["archived"].as_bool()
        ),
        (Some(600), Some(true))
    );
    s.post(
        &format!("/api/groups/{public}/channels"),
        Some(&root),
        &json!({"name": "x", "kind": "video"}),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_input");

    // Text channel names are lower-case words joined by dashes, on create and rename;
    // voice channels keep the name as typed.
    let created = s
        .post(
            &format!("/api/groups/{public}/channels"),
            Some(&root),
            &json!({"name": "  Release Notes "}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(created.body["name"], "release-notes");
    let renamed = s
        .call(
            Method::PATCH,
            &format!("/api/channels/{}", created.body["id"].as_str().unwrap()),
            Some(&root),
            Some(&json!({"name": "Ship It"})),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(renamed.body["name"], "ship-it");
    for name in ["what?", "#general", "---"] {
        s.post(
            &format!("/api/groups/{public}/channels"),
            Some(&root),
            &json!({ "name": name }),
        )
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_input");
    }
    let voice = s
        .post(
            &format!("/api/groups/{public}/channels"),
            Some(&root),
            &json!({"name": "Stand-up Room", "kind": "voice"}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(voice.body["name"], "Stand-up Room");

    // 100 channels per group, 200 groups per community.
    let db = s.db.connect().await;
    let now = chrono::Utc::now();
    for i in 3..100 {
        db_exec!(
            db,
            "INSERT INTO channels (id, group_id, community_id, name, kind, position, created_at, updated_at) VALUES ($1, $2, $3, $4, 'text', $5, $6, $6)",
            uuid::Uuid::now_v7(),
            public,
            community,
            format!("c{i}"),
            i,
            now
        );
    }
    s.post(
        &format!("/api/groups/{public}/channels"),
        Some(&root),
        &json!({"name": "one too many"}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "channel_limit");
    // Three groups exist already (personal, public, private).
    for i in 0..197 {
        db_exec!(
            db,
            "INSERT INTO community_groups (id, community_id, name, visibility, position, created_at, updated_at) VALUES ($1, $2, $3, 'private', $4, $5, $5)",
            uuid::Uuid::now_v7(),
            community,
            format!("g{i}"),
            i,
            now
        );
    }
    s.post(
        &format!("/api/communities/{community}/groups"),
        Some(&root),
        &json!({"name": "one too many"}),
    )
    .await
    .expect_error(StatusCode::CONFLICT, "group_limit");
}
