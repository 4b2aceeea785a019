//! Video between two native engines through the real server and coturn (relay only):
//! each sends a test pattern of its own colour as its camera (VP8, 320×240), each
//! decodes the other's pictures at that size and colour, and the others see the
//! camera flag (VOICE-4). A camera turned on mid-call (no new negotiation: the camera
//! slot always has its track) reaches the other, and off and on again.

use std::sync::Arc;

use chatalot_native_voice_tests::engines::{
    CONNECT, connected, join_with_media, sees_camera, sees_camera_after,
};
use chatalot_native_voice_tests::{CallWorld, wait_for};
use chatalot_voice::audio::synthetic::{Discard, ToneSource};
use chatalot_voice::video::synthetic::{FrameCounter, TestPattern};
use chatalot_voice::video::{CAMERA_HEIGHT, CAMERA_WIDTH, VideoSlot};
use chatalot_voice::{CallEvent, Media};

const BLUE: (u8, u8, u8) = (41, 240, 110);
const RED: (u8, u8, u8) = (81, 90, 240);

fn media(tone: f32, colour: (u8, u8, u8), seen: &Arc<FrameCounter>) -> Media {
    let mut media = Media::audio(Box::new(ToneSource::new(tone, 0.4)), Box::new(Discard));
    media.camera = Some(Box::new(TestPattern::new(
        CAMERA_WIDTH,
        CAMERA_HEIGHT,
        colour,
    )));
    media.video = Some(seen.clone());
    media
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_see_each_others_camera() {
    let Some(world) = CallWorld::start("native video").await else {
        return;
    };
    let alice = world.member("alice").await;
    let bob = world.member("bob").await;
    let alice_sees = Arc::new(FrameCounter::default());
    let bob_sees = Arc::new(FrameCounter::default());

    let (alice_call, mut alice_events) =
        join_with_media(world.options(&alice.1), media(440.0, BLUE, &alice_sees)).await;
    let (bob_call, mut bob_events) =
        join_with_media(world.options(&bob.1), media(660.0, RED, &bob_sees)).await;
    connected(&mut alice_events, bob.0).await;
    connected(&mut bob_events, alice.0).await;

    sees_camera(&alice_sees, bob.0, RED, "alice").await;
    sees_camera(&bob_sees, alice.0, BLUE, "bob").await;
    // Everyone is told there are cameras.
    let participants = world.participants().await;
    let cameras: Vec<bool> = participants.iter().map(|p| p["camera"] == true).collect();
    assert_eq!(cameras, [true, true], "{participants:?}");

    alice_call.leave().await;
    bob_call.leave().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_turned_on_mid_call_reaches_the_other_and_off_again() {
    let Some(world) = CallWorld::start("a camera turned on mid-call").await else {
        return;
    };
    let alice = world.member("alice").await;
    let bob = world.member("bob").await;
    let bob_sees = Arc::new(FrameCounter::default());
    // Alice joins without a camera, Bob offers to her (she answers).
    let (alice_call, mut alice_events) = join_with_media(
        world.options(&alice.1),
        Media::audio(Box::new(ToneSource::new(440.0, 0.4)), Box::new(Discard)),
    )
    .await;
    let mut bob_media = Media::audio(Box::new(ToneSource::new(660.0, 0.4)), Box::new(Discard));
    bob_media.video = Some(bob_sees.clone());
    let (bob_call, mut bob_events) = join_with_media(world.options(&bob.1), bob_media).await;
    connected(&mut alice_events, bob.0).await;
    connected(&mut bob_events, alice.0).await;
    let cameras = |participants: &[serde_json::Value]| -> Vec<bool> {
        participants.iter().map(|p| p["camera"] == true).collect()
    };
    assert_eq!(cameras(&world.participants().await), [false, false]);

    // On, with no new negotiation: Bob decodes her pattern, the server shows the flag.
    alice_call.set_camera(Some(Box::new(TestPattern::new(
        CAMERA_WIDTH,
        CAMERA_HEIGHT,
        BLUE,
    ))));
    sees_camera(&bob_sees, alice.0, BLUE, "bob").await;
    assert_eq!(cameras(&world.participants().await), [true, false]);

    // Off: the flag goes; on again with another colour, and Bob sees the new one.
    alice_call.set_camera(None);
    wait_for(
        &mut bob_events,
        CONNECT,
        "alice's camera off",
        |event| match event {
            CallEvent::Participants(people) => people
                .iter()
                .any(|p| p.user_id == alice.0 && !p.flags.camera)
                .then_some(()),
            _ => None,
        },
    )
    .await;
    let before = bob_sees.received(alice.0, VideoSlot::Camera).frames;
    alice_call.set_camera(Some(Box::new(TestPattern::new(
        CAMERA_WIDTH,
        CAMERA_HEIGHT,
        RED,
    ))));
    sees_camera_after(&bob_sees, alice.0, before, RED, "bob (again)").await;
    alice_call.leave().await;
    bob_call.leave().await;
}
