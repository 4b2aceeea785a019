//! The desktop app's side of a native call (`chatalot_desktop::call`, what its Tauri
//! commands run): it joins with the app's test audio source (`CHATALOT_FAKE_AUDIO`'s
//! tone) through the real server and coturn, another participant hears that tone,
//! the events the webview gets show the other one connected and speaking, the tray
//! line follows, muting and leaving reach everyone. The other's camera reaches the
//! webview's picture requests as the bytes it draws; the app's camera (the test
//! pattern) reaches the other and its own tile.

use std::sync::Arc;
use std::time::Duration;

use chatalot_desktop::call::camera::PATTERN_COLOUR;
use chatalot_desktop::call::video::HEADER_LEN;
use chatalot_desktop::call::{FakeAudio, JoinRequest, NativeCalls, VoiceEvent};
use chatalot_native_voice_tests::engines::{
    CONNECT, assert_tone, join, join_with_media, next_half_second, sees_camera,
};
use chatalot_native_voice_tests::{CallWorld, wait_for};
use chatalot_voice::audio::synthetic::{Discard, ToneSource};
use chatalot_voice::video::synthetic::{FrameCounter, TestPattern};
use chatalot_voice::video::{CAMERA_HEIGHT, CAMERA_WIDTH};
use chatalot_voice::{CallEvent, Media};
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

/// The app's join request for a member's token.
fn request(world: &CallWorld, token: &str, call: &str) -> JoinRequest {
    JoinRequest {
        server: world.server.base.clone(),
        token: token.to_owned(),
        channel_id: world.voice.to_string(),
        self_mute: false,
        self_deaf: false,
        call: call.into(),
    }
}

/// A picture's header: (number, width, height).
fn header(bytes: &[u8]) -> (u64, u32, u32) {
    let number = u64::from_le_bytes(bytes[..8].try_into().unwrap());
    let width = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
    let height = u32::from_le_bytes(bytes[12..16].try_into().unwrap());
    (number, width, height)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn camera_pictures_go_both_ways_through_the_apps_call_layer() {
    let Some(world) = CallWorld::start("the desktop app's video").await else {
        return;
    };
    let desk = world.member("desk").await;
    let other = world.member("other").await;
    let calls = NativeCalls::new(Ok(Some(FakeAudio::Tone(440.0)))).with_fake_camera();
    calls
        .join(request(&world, &desk.1, "video"), |_, _| {})
        .await
        .expect("the app joins");

    // The other one sends a red test pattern as camera.
    const RED: (u8, u8, u8) = (81, 90, 240);
    let other_sees = Arc::new(FrameCounter::default());
    let mut media = Media::audio(Box::new(ToneSource::new(660.0, 0.4)), Box::new(Discard));
    media.video = Some(other_sees.clone());
    media.camera = Some(Box::new(TestPattern::new(CAMERA_WIDTH, CAMERA_HEIGHT, RED)));
    let (other_call, mut other_events) = join_with_media(world.options(&other.1), media).await;

    let user = other.0.to_string();
    let first = tokio::time::timeout(CONNECT, async {
        loop {
            let bytes = calls.video_frame(&user, "camera", 0).await.expect("asks");
            if !bytes.is_empty() {
                return bytes;
            }
        }
    })
    .await
    .expect("a picture of the other's camera");
    let (number, width, height) = header(&first);
    assert_eq!((width, height), (CAMERA_WIDTH, CAMERA_HEIGHT));
    let luma = (width * height) as usize;
    assert_eq!(
        first.len(),
        HEADER_LEN + luma * 3 / 2,
        "header and I420 planes"
    );
    let mean = |plane: &[u8]| plane.iter().map(|&b| f64::from(b)).sum::<f64>() / plane.len() as f64;
    let (u, v) = (
        mean(&first[HEADER_LEN + luma..HEADER_LEN + luma * 5 / 4]),
        mean(&first[HEADER_LEN + luma * 5 / 4..]),
    );
    assert!(
        (u - f64::from(RED.1)).abs() < 12.0 && (v - f64::from(RED.2)).abs() < 12.0,
        "the other's colour: U {u:.0}, V {v:.0}"
    );
    // The next request waits for a newer picture.
    let next = calls
        .video_frame(&user, "camera", number)
        .await
        .expect("asks again");
    assert!(header(&next).0 > number, "a newer picture");
    // Nothing is shared on the screen slot: the request gives up empty.
    assert!(
        calls
            .video_frame(&user, "screen", 0)
            .await
            .unwrap()
            .is_empty()
    );

    // The app turns its camera (the test pattern) on: the other decodes it, and the
    // app's own tile gets the pictures too.
    calls.set_camera(true).await.expect("camera on");
    sees_camera(&other_sees, desk.0, PATTERN_COLOUR, "the other").await;
    let own = calls
        .video_frame(&desk.0.to_string(), "camera", 0)
        .await
        .expect("asks for its own camera");
    assert_eq!(
        header(&own).1,
        CAMERA_WIDTH,
        "the app's preview of its own camera"
    );
    let flags = world.participants().await;
    assert!(
        flags
            .iter()
            .any(|p| p["user_id"] == desk.0.to_string() && p["camera"] == true),
        "{flags:?}"
    );
    calls.set_camera(false).await.expect("camera off");
    wait_for(
        &mut other_events,
        CONNECT,
        "the app's camera off",
        |event| match event {
            CallEvent::Participants(people) => people
                .iter()
                .any(|p| p.user_id == desk.0 && !p.flags.camera)
                .then_some(()),
            _ => None,
        },
    )
    .await;

    calls.leave().await;
    let err = calls
        .video_frame(&user, "camera", 0)
        .await
        .expect_err("no call any more");
    assert_eq!(err.code, "not_in_call");
    other_call.leave().await;
}
