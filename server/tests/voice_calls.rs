//! Voice channels and signalling over real sockets, on both backends (VOICE-1,
//! VOICE-2): joining, flags, moving between calls, negotiation messages only
//! between two participants of one call, what outsiders and other devices are
//! refused, moderators disconnecting, removal at once on kick, ban, timeout and
//! sign-out, and the grace period after a dropped connection.

mod common;

use std::time::Duration;

use chatalot_server::config::CommunityCreationMode;
use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

/// A community with a text and two voice channels; Alice owns it, Bob and Dave are
/// members, Carol is not.
struct Room {
    s: TestServer,
    community: Uuid,
    group: Uuid,
    text: Uuid,
    voice: Uuid,
    lounge: Uuid,
    alice: (Uuid, String),
    bob: (Uuid, String),
    carol: (Uuid, String),
    dave: (Uuid, String),
}

async fn room(backend: Backend, grace: Duration) -> Option<Room> {
    let s = TestServer::start_with(backend, |c| {
        c.community_creation_mode = CommunityCreationMode::Anyone;
        c.tuning.voice_reconnect_grace = grace;
    })
    .await?;
    let alice = s.user("alice").await;
    let bob = s.user("bob").await;
    let carol = s.user("carol").await;
    let dave = s.user("dave").await;
    let community = s.community(&alice.1, json!({"name": "Calls"})).await;
    let group = s
        .group(&alice.1, community, json!({"name": "General"}))
        .await;
    let text = s.channel(&alice.1, group, json!({"name": "chat"})).await;
    let voice = s
        .channel(&alice.1, group, json!({"name": "voice", "kind": "voice"}))
        .await;
    let lounge = s
        .channel(&alice.1, group, json!({"name": "lounge", "kind": "voice"}))
        .await;
    for member in [&bob, &dave] {
        let code = s.community_invite(&alice.1, community).await;
        s.accept(&member.1, &code).await.expect(StatusCode::OK);
    }
    Some(Room {
        s,
        community,
        group,
        text,
        voice,
        lounge,
        alice,
        bob,
        carol,
        dave,
    })
}

fn join(channel: Uuid) -> Value {
    json!({"type": "voice_join", "channel_id": channel})
}

fn signal(channel: Uuid, to: Uuid, signal: Value) -> Value {
    json!({"type": "voice_signal", "channel_id": channel, "to_user_id": to, "signal": signal})
}

/// Joins and returns the ack's call.
async fn joined(ws: &mut Ws, channel: Uuid) -> Value {
    let ack = ws.request(join(channel)).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    ack["call"].clone()
}

fn error_code(answer: &Value) -> &str {
    assert_eq!(answer["type"], "error", "{answer}");
    answer["code"].as_str().unwrap()
}

/// The next `voice_state` about `user`.
async fn state_of(ws: &mut Ws, user: Uuid) -> Value {
    let user = user.to_string();
    ws.expect_where(|e| e["type"] == "voice_state" && e["user_id"] == user.as_str())
        .await
}

/// Why `user` left, from the next `voice_state` saying they did.
async fn left(ws: &mut Ws, user: Uuid) -> String {
    let user = user.to_string();
    let event = ws
        .expect_where(|e| {
            e["type"] == "voice_state"
                && e["user_id"] == user.as_str()
                && e["participant"].is_null()
        })
        .await;
    event["reason"].as_str().unwrap().to_owned()
}

fn participant_ids(call: &Value) -> Vec<String> {
    call["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["user_id"].as_str().unwrap().to_owned())
        .collect()
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn participants_join_signal_each_other_and_nobody_else(#[case] backend: Backend) {
    let Some(r) = room(backend, Duration::from_secs(15)).await else {
        return;
    };
    let mut alice = Ws::connect(&r.s, &r.alice.1).await;
    let mut carol = Ws::connect(&r.s, &r.carol.1).await;

    // Alice joins; the ack is the call, with her in it.
    let call = joined(&mut alice, r.voice).await;
    assert_eq!(call["topology"], "mesh");
    assert_eq!(call["max_participants"], 25);
    assert_eq!(participant_ids(&call), [r.alice.0.to_string()]);
    assert_eq!(
        error_code(&alice.request(join(r.text)).await),
        "not_a_voice_channel"
    );

    // Bob connects after: `ready` shows the call; so do the channel list and the call endpoint.
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    let ready_calls = bob.ready["voice"].as_array().unwrap().clone();
    assert_eq!(ready_calls.len(), 1);
    assert_eq!(ready_calls[0]["channel_id"], r.voice.to_string());
    assert_eq!(participant_ids(&ready_calls[0]), [r.alice.0.to_string()]);
    assert_eq!(carol.ready["voice"], json!([]), "outsiders see no calls");
    let list =
        r.s.get(&format!("/api/groups/{}/channels", r.group), Some(&r.bob.1))
            .await
            .expect(StatusCode::OK);
    for channel in list.body.as_array().unwrap() {
        let participants = &channel["voice_participants"];
        match channel["name"].as_str().unwrap() {
            "voice" => assert_eq!(participants[0]["user_id"], r.alice.0.to_string()),
            "lounge" => assert_eq!(participants, &json!([])),
            _ => assert!(participants.is_null(), "text channels have none"),
        }
    }
    let by_rest =
        r.s.get(&format!("/api/channels/{}/voice", r.voice), Some(&r.bob.1))
            .await
            .expect(StatusCode::OK);
    assert_eq!(participant_ids(&by_rest.body), [r.alice.0.to_string()]);
    r.s.get(
        &format!("/api/channels/{}/voice", r.voice),
        Some(&r.carol.1),
    )
    .await
    .expect_error(StatusCode::NOT_FOUND, "channel_not_found");
    r.s.get(&format!("/api/channels/{}/voice", r.text), Some(&r.bob.1))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "not_a_voice_channel");

    // Bob joins: Alice hears it.
    let call = joined(&mut bob, r.voice).await;
    assert_eq!(
        participant_ids(&call),
        [r.alice.0.to_string(), r.bob.0.to_string()]
    );
    let bob_session = call["participants"][1]["call_session_id"].clone();
    let seen = state_of(&mut alice, r.bob.0).await;
    assert_eq!(seen["participant"]["call_session_id"], bob_session);
    assert_eq!(seen["participant"]["self_mute"], false);

    // An offer with CRLF line ends reaches Alice as sent, from Bob's call session.
    let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    let sent = bob
        .request(signal(
            r.voice,
            r.alice.0,
            json!({"kind": "offer", "sdp": sdp}),
        ))
        .await;
    assert_eq!(sent["type"], "ack", "{sent}");
    let offer = alice.expect("voice_signal").await;
    assert_eq!(offer["from_user_id"], r.bob.0.to_string());
    assert_eq!(offer["from_call_session_id"], bob_session);
    assert_eq!(offer["signal"], json!({"kind": "offer", "sdp": sdp}));
    let candidate = json!({"kind": "candidate", "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "sdp_mid": "0", "sdp_m_line_index": 0, "username_fragment": null});
    alice
        .send(signal(r.voice, r.bob.0, candidate.clone()))
        .await;
    let heard = bob.expect("voice_signal").await;
    assert_eq!(heard["signal"], candidate);
    assert_eq!(heard["from_user_id"], r.alice.0.to_string());

    // Refused: control characters in SDP, oversized candidates, outsiders, people
    // not in the call, another device of a participant, a participant who is not there.
    for bad in [
        json!({"kind": "answer", "sdp": "v=0\r\n\u{0}"}),
        json!({"kind": "candidate", "candidate": "x".repeat(1025)}),
        json!({"kind": "answer", "sdp": "v".repeat(64 * 1024 + 1)}),
    ] {
        assert_eq!(
            error_code(&bob.request(signal(r.voice, r.alice.0, bad)).await),
            "invalid_input"
        );
    }
    let mut dave = Ws::connect(&r.s, &r.dave.1).await;
    let offer = json!({"kind": "offer", "sdp": sdp});
    assert_eq!(
        error_code(
            &dave
                .request(signal(r.voice, r.alice.0, offer.clone()))
                .await
        ),
        "not_in_call"
    );
    assert_eq!(
        error_code(
            &carol
                .request(signal(r.voice, r.alice.0, offer.clone()))
                .await
        ),
        "not_in_call"
    );
    assert_eq!(
        error_code(&carol.request(join(r.voice)).await),
        "channel_not_found"
    );
    let mut bob_phone = Ws::connect(&r.s, &r.bob.1).await;
    assert_eq!(
        error_code(
            &bob_phone
                .request(signal(r.voice, r.alice.0, offer.clone()))
                .await
        ),
        "not_in_call",
        "only the connection in the call signals"
    );
    assert_eq!(
        error_code(
            &bob_phone
                .request(json!({"type": "voice_update", "camera": true}))
                .await
        ),
        "not_in_call"
    );
    assert_eq!(
        error_code(&bob.request(signal(r.voice, r.dave.0, offer.clone())).await),
        "participant_not_found"
    );
    assert_eq!(
        error_code(
            &bob.request(signal(r.lounge, r.alice.0, offer.clone()))
                .await
        ),
        "not_in_call",
        "another call's channel"
    );

    // Many candidates at once pass: signals have their own budget beside the
    // general frame limit (10 in a burst).
    for i in 0..40 {
        let line = format!("candidate:{i} 1 udp 1 127.0.0.1 {} typ host", 40000 + i);
        bob.send(signal(
            r.voice,
            r.alice.0,
            json!({"kind": "candidate", "candidate": line}),
        ))
        .await;
    }
    for i in 0..40 {
        let got = alice.expect("voice_signal").await;
        assert!(
            got["signal"]["candidate"]
                .as_str()
                .unwrap()
                .starts_with(&format!("candidate:{i} ")),
            "{got}"
        );
    }

    // Flags: Bob mutes and turns his camera on; deafening mutes too.
    let ack = bob
        .request(json!({"type": "voice_update", "self_mute": true, "camera": true}))
        .await;
    assert_eq!(ack["type"], "ack");
    let seen = state_of(&mut alice, r.bob.0).await;
    assert_eq!(
        (
            &seen["participant"]["self_mute"],
            &seen["participant"]["camera"],
            &seen["participant"]["self_deaf"]
        ),
        (&json!(true), &json!(true), &json!(false))
    );

    // Dave joins the lounge, then moves to Bob's call: the lounge hears he moved.
    joined(&mut dave, r.lounge).await;
    state_of(&mut alice, r.dave.0).await;
    let call = joined(&mut dave, r.voice).await;
    assert_eq!(participant_ids(&call).len(), 3);
    let moved = state_of(&mut alice, r.dave.0).await;
    assert_eq!(
        (moved["channel_id"].as_str(), moved["reason"].as_str()),
        (Some(r.lounge.to_string().as_str()), Some("moved"))
    );
    assert!(moved.get("participant").is_none());
    let arrived = state_of(&mut alice, r.dave.0).await;
    assert_eq!(arrived["channel_id"], r.voice.to_string());
    assert_eq!(
        left(&mut dave, r.dave.0).await,
        "moved",
        "his own devices hear it"
    );

    // A member may not disconnect anyone; the owner disconnects Dave (audited).
    let path = |user: Uuid| format!("/api/channels/{}/voice/participants/{user}", r.voice);
    r.s.call(Method::DELETE, &path(r.alice.0), Some(&r.dave.1), None)
        .await
        .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    r.s.call(Method::DELETE, &path(r.carol.0), Some(&r.alice.1), None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "participant_not_found");
    r.s.call(Method::DELETE, &path(r.dave.0), Some(&r.carol.1), None)
        .await
        .expect_error(StatusCode::NOT_FOUND, "channel_not_found");
    r.s.call(Method::DELETE, &path(r.dave.0), Some(&r.alice.1), None)
        .await
        .expect(StatusCode::NO_CONTENT);
    assert_eq!(left(&mut dave, r.dave.0).await, "disconnected");
    assert_eq!(left(&mut alice, r.dave.0).await, "disconnected");
    let audited = r
        .s
        .db
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'voice.disconnected' AND target_user_id = $1",
            &[r.dave.0],
        )
        .await;
    assert_eq!(audited, 1);
    assert_eq!(
        error_code(&dave.request(signal(r.voice, r.alice.0, offer)).await),
        "not_in_call"
    );

    // Bob leaves; Alice is alone again.
    assert_eq!(
        bob.request(json!({"type": "voice_leave"})).await["type"],
        "ack"
    );
    assert_eq!(left(&mut alice, r.bob.0).await, "left");
    assert_eq!(
        error_code(&bob.request(json!({"type": "voice_leave"})).await),
        "not_in_call"
    );
    let call =
        r.s.get(
            &format!("/api/channels/{}/voice", r.voice),
            Some(&r.alice.1),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(participant_ids(&call.body), [r.alice.0.to_string()]);
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn kicked_banned_timed_out_and_signed_out_people_leave_at_once(#[case] backend: Backend) {
    let Some(r) = room(backend, Duration::from_secs(15)).await else {
        return;
    };
    let mut alice = Ws::connect(&r.s, &r.alice.1).await;
    joined(&mut alice, r.voice).await;
    let members = |who: Uuid| format!("/api/communities/{}/members/{who}", r.community);

    // Kick: the call loses Bob before the kick request returns.
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    joined(&mut bob, r.voice).await;
    state_of(&mut alice, r.bob.0).await;
    r.s.call(
        Method::POST,
        &format!("{}/kick", members(r.bob.0)),
        Some(&r.alice.1),
        Some(&json!({})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_eq!(
        participant_ids(&voice_call(&r).await),
        [r.alice.0.to_string()]
    );
    assert_eq!(left(&mut alice, r.bob.0).await, "removed");
    assert_eq!(left(&mut bob, r.bob.0).await, "removed");
    assert_eq!(
        error_code(&bob.request(join(r.voice)).await),
        "channel_not_found"
    );

    // Ban.
    let mut dave = Ws::connect(&r.s, &r.dave.1).await;
    joined(&mut dave, r.voice).await;
    state_of(&mut alice, r.dave.0).await;
    r.s.call(
        Method::PUT,
        &format!("/api/communities/{}/bans/{}", r.community, r.dave.0),
        Some(&r.alice.1),
        Some(&json!({})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    assert_eq!(
        participant_ids(&voice_call(&r).await),
        [r.alice.0.to_string()]
    );
    assert_eq!(left(&mut dave, r.dave.0).await, "removed");

    // Timeout: Bob is back, joins, is timed out, and may not join while it lasts.
    let code = r.s.community_invite(&r.alice.1, r.community).await;
    r.s.accept(&r.bob.1, &code).await.expect(StatusCode::OK);
    joined(&mut bob, r.voice).await;
    state_of(&mut alice, r.bob.0).await;
    r.s.call(
        Method::PUT,
        &format!("{}/timeout", members(r.bob.0)),
        Some(&r.alice.1),
        Some(&json!({"duration_secs": 600})),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(
        participant_ids(&voice_call(&r).await),
        [r.alice.0.to_string()]
    );
    assert_eq!(left(&mut alice, r.bob.0).await, "removed");
    assert_eq!(error_code(&bob.request(join(r.voice)).await), "timed_out");

    // Signing out ends the session and its place in the call.
    let carol_code = r.s.community_invite(&r.alice.1, r.community).await;
    r.s.accept(&r.carol.1, &carol_code)
        .await
        .expect(StatusCode::OK);
    let mut carol = Ws::connect(&r.s, &r.carol.1).await;
    joined(&mut carol, r.voice).await;
    state_of(&mut alice, r.carol.0).await;
    r.s.post("/api/auth/logout", Some(&r.carol.1), &json!({}))
        .await
        .expect(StatusCode::NO_CONTENT);
    assert_eq!(
        participant_ids(&voice_call(&r).await),
        [r.alice.0.to_string()]
    );
    assert_eq!(left(&mut alice, r.carol.0).await, "removed");

    // Deleting the channel ends its call.
    r.s.call(
        Method::DELETE,
        &format!("/api/channels/{}", r.voice),
        Some(&r.alice.1),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    let mut fresh = Ws::connect(&r.s, &r.alice.1).await;
    assert_eq!(fresh.ready["voice"], json!([]));
    assert_eq!(
        error_code(&fresh.request(json!({"type": "voice_leave"})).await),
        "not_in_call"
    );
}

async fn voice_call(r: &Room) -> Value {
    r.s.get(
        &format!("/api/channels/{}/voice", r.voice),
        Some(&r.alice.1),
    )
    .await
    .expect(StatusCode::OK)
    .body
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_dropped_connection_keeps_its_place_until_the_grace_period_ends(
    #[case] backend: Backend,
) {
    // Long enough that nobody expires during the test.
    let Some(r) = room(backend, Duration::from_secs(300)).await else {
        return;
    };
    let mut alice = Ws::connect(&r.s, &r.alice.1).await;
    joined(&mut alice, r.voice).await;
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    let first = joined(&mut bob, r.voice).await["participants"][1].clone();
    state_of(&mut alice, r.bob.0).await;
    drop(bob);

    // Reconnecting and joining again keeps the place, with a new call session.
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    assert_eq!(
        participant_ids(&bob.ready["voice"][0]),
        [r.alice.0.to_string(), r.bob.0.to_string()],
        "still in the call while away"
    );
    let again = joined(&mut bob, r.voice).await["participants"][1].clone();
    assert_eq!(again["joined_at"], first["joined_at"]);
    assert_ne!(again["call_session_id"], first["call_session_id"]);
    let rejoined = state_of(&mut alice, r.bob.0).await;
    assert_eq!(
        rejoined["participant"]["call_session_id"], again["call_session_id"],
        "no leave in between"
    );
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn a_connection_that_does_not_come_back_leaves_the_call(#[case] backend: Backend) {
    let Some(r) = room(backend, Duration::from_millis(200)).await else {
        return;
    };
    let mut alice = Ws::connect(&r.s, &r.alice.1).await;
    joined(&mut alice, r.voice).await;
    let mut bob = Ws::connect(&r.s, &r.bob.1).await;
    joined(&mut bob, r.voice).await;
    state_of(&mut alice, r.bob.0).await;
    drop(bob);
    assert_eq!(left(&mut alice, r.bob.0).await, "connection_lost");
    assert_eq!(
        participant_ids(&voice_call(&r).await),
        [r.alice.0.to_string()]
    );
}
