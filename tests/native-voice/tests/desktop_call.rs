//! The desktop app's side of a native call (`chatalot_desktop::call`, what its Tauri
//! commands run): it joins with the app's test audio source (`CHATALOT_FAKE_AUDIO`'s
//! tone) through the real server and coturn, another participant hears that tone,
//! the events the webview gets show the other one connected and speaking, the tray
//! line follows, muting and leaving reach everyone.

use std::time::Duration;

use chatalot_desktop::call::{FakeAudio, JoinRequest, NativeCalls, VoiceEvent};
use chatalot_native_voice_tests::engines::{CONNECT, assert_tone, join, next_half_second};
use chatalot_native_voice_tests::{CallWorld, wait_for};
use chatalot_voice::CallEvent;
use tokio::sync::mpsc;

/// Waits for the first webview event (with the tray line after it) that `pick` accepts.
async fn seen<T>(
    events: &mut mpsc::UnboundedReceiver<(VoiceEvent, String)>,
    what: &str,
    mut pick: impl FnMut(&VoiceEvent, &str) -> Option<T>,
) -> T {
    let found = tokio::time::timeout(CONNECT, async {
        while let Some((event, tray)) = events.recv().await {
            if let Some(found) = pick(&event, &tray) {
                return Some(found);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(found)) => found,
        Ok(None) => panic!("the app's call ended before {what}"),
        Err(_) => panic!("the app never showed {what}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_call_commands_drive_the_engine_with_its_test_audio() {
    let Some(world) = CallWorld::start("the desktop app's call").await else {
        return;
    };
    let desk = world.member("desk").await;
    let other = world.member("other").await;

    let calls = NativeCalls::new(Ok(Some(FakeAudio::Tone(440.0))));
    let (tx, mut webview) = mpsc::unbounded_channel();
    let joined = calls
        .join(
            JoinRequest {
                server: world.server.base.clone(),
                token: desk.1.clone(),
                channel_id: world.voice.to_string(),
                self_mute: false,
                self_deaf: false,
                call: "first".into(),
            },
            move |tagged, summary| {
                assert_eq!(tagged.call, "first", "every event carries the call's tag");
                let _ = tx.send((tagged.event, summary.text()));
            },
        )
        .await
        .expect("the app joins");
    assert_eq!(joined.user_id, desk.0);
    assert_eq!(calls.summary().text(), "Call: just you");

    let (other_call, mut other_events, other_hears) = join(&world, &other.1, 660.0).await;
    // The app's webview: the other one joins, connects and speaks; the tray counts two.
    seen(&mut webview, "two people in the tray", |_, tray| {
        (tray == "Call: 2 people").then_some(())
    })
    .await;
    seen(&mut webview, "the other connected", |event, _| {
        (*event
            == VoiceEvent::Peer {
                user_id: other.0,
                state: "connected",
            })
        .then_some(())
    })
    .await;
    seen(&mut webview, "the other speaking", |event, _| {
        (*event
            == VoiceEvent::Speaking {
                user_id: other.0,
                speaking: true,
            })
        .then_some(())
    })
    .await;
    // The other participant hears the app's test tone.
    assert_tone(
        &next_half_second(&other_hears).await,
        440.0,
        "the other participant",
    );

    // Muting from the app shows at the other side and in the tray.
    calls.set_mute(true).await.expect("mutes");
    wait_for(
        &mut other_events,
        CONNECT,
        "the app shown muted",
        |event| match event {
            CallEvent::Participants(people) => people
                .iter()
                .any(|p| p.user_id == desk.0 && p.flags.self_mute)
                .then_some(()),
            _ => None,
        },
    )
    .await;
    assert_eq!(calls.summary().text(), "Call: 2 people, muted");
    // A fresh token is accepted mid-call.
    calls
        .set_token(desk.1.clone())
        .await
        .expect("takes the token");

    // Leaving: the webview hears `left`, the other side sees one person left.
    calls.leave().await;
    let left = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some((event, _)) = webview.recv().await {
            if let VoiceEvent::Ended { reason } = event {
                return reason;
            }
        }
        String::new()
    })
    .await
    .expect("the end reached the webview before leave returned");
    assert_eq!(left, "left");
    wait_for(
        &mut other_events,
        CONNECT,
        "the app gone",
        |event| match event {
            CallEvent::Participants(people) => {
                (people.len() == 1 && people[0].user_id == other.0).then_some(())
            }
            _ => None,
        },
    )
    .await;
    assert_eq!(calls.summary().text(), "Call: none");
    let err = calls.set_mute(false).await.expect_err("no call any more");
    assert_eq!(err.code, "not_in_call");
    other_call.leave().await;
}
