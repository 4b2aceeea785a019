//! Two native engines call each other through the real server and a real coturn
//! with relay-only ICE: each plays a different tone (Bob's from a WAV file), and each
//! recognises the other's by frequency analysis of what it played; muting stops the tone (and
//! shows on the other side), leaving updates the voice state for everyone (VOICE-4).

use chatalot_native_voice_tests::engines::{
    CONNECT, assert_tone, connected, join, join_playing, next_half_second, speaking, write_tone_wav,
};
use chatalot_native_voice_tests::{CallWorld, rms, wait_for};
use chatalot_voice::CallEvent;
use chatalot_voice::audio::wav::WavSource;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_hear_each_others_tone_mute_stops_it_and_leaving_updates_everyone() {
    let Some(world) = CallWorld::start("two native engines calling").await else {
        return;
    };
    let alice = world.member("alice").await;
    let bob = world.member("bob").await;

    let (alice_call, mut alice_events, alice_hears) = join(&world, &alice.1, 440.0).await;
    let folder = tempfile::tempdir().unwrap();
    let wav = folder.path().join("bob-660.wav");
    write_tone_wav(&wav, 660.0, 2);
    let bob_voice = WavSource::open(&wav).expect("reads the WAV file");
    let (bob_call, mut bob_events, bob_hears) =
        join_playing(world.options(&bob.1), Box::new(bob_voice)).await;
    connected(&mut alice_events, bob.0).await;
    connected(&mut bob_events, alice.0).await;

    // Each hears the other's tone, not its own.
    speaking(&mut alice_events, bob.0, true).await;
    speaking(&mut bob_events, alice.0, true).await;
    assert_tone(&next_half_second(&alice_hears).await, 660.0, "alice");
    assert_tone(&next_half_second(&bob_hears).await, 440.0, "bob");

    // Alice mutes: Bob sees the flag, her tone stops, his still reaches her.
    alice_call.set_mute(true);
    wait_for(
        &mut bob_events,
        CONNECT,
        "alice shown muted",
        |event| match event {
            CallEvent::Participants(people) => people
                .iter()
                .any(|p| p.user_id == alice.0 && p.flags.self_mute)
                .then_some(()),
            _ => None,
        },
    )
    .await;
    speaking(&mut bob_events, alice.0, false).await;
    let muted = next_half_second(&bob_hears).await;
    assert!(
        rms(&muted) < 0.01,
        "alice is muted, yet bob hears RMS {}",
        rms(&muted)
    );
    assert_tone(
        &next_half_second(&alice_hears).await,
        660.0,
        "alice (muted)",
    );

    // Unmuted, she is heard again.
    alice_call.set_mute(false);
    speaking(&mut bob_events, alice.0, true).await;
    assert_tone(
        &next_half_second(&bob_hears).await,
        440.0,
        "bob (alice unmuted)",
    );

    // Alice leaves: Bob's call shows only him, and so does the server for everyone.
    alice_call.leave().await;
    let reason = wait_for(
        &mut alice_events,
        CONNECT,
        "alice's call to end",
        |event| match event {
            CallEvent::Ended { reason } => Some(reason.clone()),
            _ => None,
        },
    )
    .await;
    assert_eq!(reason, "left");
    wait_for(
        &mut bob_events,
        CONNECT,
        "alice gone from bob's call",
        |event| match event {
            CallEvent::Participants(people) => {
                (people.len() == 1 && people[0].user_id == bob.0).then_some(())
            }
            _ => None,
        },
    )
    .await;
    let present: Vec<String> = world
        .participants()
        .await
        .iter()
        .map(|p| p["user_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(present, vec![bob.0.to_string()]);
    bob_call.leave().await;
}
