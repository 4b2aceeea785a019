//! The commands as the UI calls them: through Tauri's IPC (on its mock runtime), with
//! the app's real configuration and capabilities, and the `keyring-core` mock store.
//! Argument names, JSON shapes, error codes and the permission check are all exercised.

use std::sync::Arc;

use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

use crate::call::{FakeAudio, NativeCalls};
use crate::desktop::Desktop;
use crate::secrets::{KeyringStore, SecretStore, mock_store};

struct Fixture {
    app: App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
    store: Arc<KeyringStore>,
    _dir: tempfile::TempDir,
}

fn fixture_with(store: KeyringStore) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(store);
    let app = crate::with_commands(mock_builder())
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the app builds on the mock runtime");
    // What `run()`'s setup does, minus the event loop: the state and the main window.
    app.manage(Desktop::new(
        store.clone(),
        &dir.path().join("config"),
        &dir.path().join("data/host"),
    ));
    app.manage(NativeCalls::new(Ok(Some(FakeAudio::Tone(440.0)))).with_fake_camera());
    let main = window(&app, "main");
    Fixture {
        app,
        main,
        store,
        _dir: dir,
    }
}

fn fixture() -> Fixture {
    fixture_with(mock_store())
}

fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    WebviewWindowBuilder::new(app, label, WebviewUrl::default())
        .build()
        .unwrap()
}

impl Fixture {
    /// The window the capabilities cover.
    fn main(&self) -> WebviewWindow<MockRuntime> {
        self.main.clone()
    }

    /// Some other window, which no capability covers.
    fn other(&self) -> WebviewWindow<MockRuntime> {
        window(&self.app, "other")
    }
}

/// Calls `cmd` from `window` with JSON arguments, as `invoke(cmd, args)` does.
fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_owned(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

fn tokens(refresh: &str) -> Value {
    json!({
        "sessionId": "0190a0a0-0000-7000-8000-000000000001",
        "accessToken": format!("access-{refresh}"),
        "accessTokenExpiresAt": 1_900_000_000_000_u64,
        "refreshToken": refresh,
    })
}

#[test]
fn sessions_round_trip_through_ipc_into_the_keyring() {
    let f = fixture();
    let main = f.main();
    let server = "https://chat.example";

    assert_eq!(
        invoke(&main, "session_load", json!({ "server": server })),
        Ok(Value::Null)
    );
    invoke(
        &main,
        "session_save",
        json!({ "server": server, "tokens": tokens("r1") }),
    )
    .unwrap();
    assert_eq!(
        invoke(&main, "session_load", json!({ "server": server })),
        Ok(tokens("r1"))
    );
    // What the keyring holds is the same token set, under the server's URL.
    let stored = f.store.get(&format!("session:{server}")).unwrap().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&stored).unwrap(),
        tokens("r1")
    );

    invoke(&main, "session_clear", json!({ "server": server })).unwrap();
    assert_eq!(
        invoke(&main, "session_load", json!({ "server": server })),
        Ok(Value::Null)
    );
    assert_eq!(f.store.get(&format!("session:{server}")).unwrap(), None);
}

#[test]
fn malformed_arguments_are_rejected_before_the_keyring_is_touched() {
    let f = fixture();
    let main = f.main();
    let server = "https://chat.example";

    let missing = invoke(&main, "session_load", json!({})).unwrap_err();
    assert!(
        missing.as_str().unwrap_or_default().contains("server"),
        "names the missing argument: {missing}"
    );
    let wrong = invoke(
        &main,
        "session_save",
        json!({ "server": server, "tokens": { "refreshToken": 5 } }),
    )
    .unwrap_err();
    assert!(wrong.is_string(), "a deserialization error: {wrong}");
    assert_eq!(f.store.get(&format!("session:{server}")).unwrap(), None);
}

#[test]
fn a_missing_keyring_is_a_clear_error_code() {
    let f = fixture_with(KeyringStore::unavailable(
        crate::KEYRING_SERVICE,
        "no Secret Service on the session bus",
    ));
    let main = f.main();

    let err = invoke(&main, "keyring_check", json!({})).unwrap_err();
    assert_eq!(err["code"], "keyring_unavailable", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("no Secret Service"),
        "{err}"
    );
    let err = invoke(
        &main,
        "session_save",
        json!({ "server": "https://chat.example", "tokens": tokens("r1") }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "keyring_unavailable", "{err}");
}

#[test]
fn saved_servers_and_host_settings_answer_in_the_ui_shapes() {
    let f = fixture();
    let main = f.main();

    let list = invoke(&main, "servers_list", json!({})).unwrap();
    assert_eq!(list["servers"], json!([]), "{list}");
    let err = invoke(&main, "server_select", json!({ "url": "not a url" })).unwrap_err();
    assert!(
        err["code"].is_string() && err["message"].is_string(),
        "{err}"
    );

    let settings = invoke(&main, "host_settings", json!({})).unwrap();
    assert_eq!(settings, json!({ "port": 8787, "lan": false }));
    let status = invoke(&main, "host_status", json!({})).unwrap();
    assert_eq!(status["running"], false, "{status}");
    assert_eq!(status["share_url"], Value::Null, "{status}");
}

#[test]
fn host_mode_starts_and_stops_through_ipc() {
    let f = fixture();
    let main = f.main();

    let status = invoke(
        &main,
        "host_start",
        json!({ "settings": { "port": 0, "lan": false } }),
    )
    .unwrap();
    assert_eq!(status["running"], true, "{status}");
    let url = status["local_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(status["setup_code"].is_string(), "{status}");

    let stopped = invoke(&main, "host_stop", json!({})).unwrap();
    assert_eq!(stopped["running"], false, "{stopped}");
    assert!(
        std::net::TcpStream::connect(url.trim_start_matches("http://")).is_err(),
        "nothing listens at {url} after the stop"
    );
}

#[test]
fn only_the_main_window_may_call_the_commands() {
    let f = fixture();
    let other = f.other();
    let server = "https://chat.example";
    invoke(
        &f.main(),
        "session_save",
        json!({ "server": server, "tokens": tokens("secret") }),
    )
    .unwrap();

    for cmd in crate::COMMANDS {
        let answer = invoke(&other, cmd, json!({ "server": server }));
        let err = answer.expect_err(cmd);
        assert!(
            err.as_str().unwrap_or_default().contains("not allowed"),
            "{cmd} from another window: {err}"
        );
    }
    assert!(
        f.store.get(&format!("session:{server}")).unwrap().is_some(),
        "the denied session_clear changed nothing"
    );
}

#[test]
fn every_command_is_registered_and_granted_to_the_main_window() {
    let f = fixture();
    let main = f.main();
    for cmd in crate::COMMANDS {
        // Arguments may be missing; what matters is that the call reaches the command.
        // (Host mode on a free port, not the default one.)
        let args = json!({ "settings": { "port": 0, "lan": false } });
        if let Err(err) = invoke(&main, cmd, args) {
            let text = err.to_string();
            assert!(
                !text.contains("not allowed") && !text.contains("not found"),
                "{cmd}: {text}"
            );
        }
    }
    let status = invoke(&main, "host_status", json!({})).unwrap();
    assert_eq!(status["running"], false, "host_stop ran after host_start");
    let unknown = invoke(&main, "no_such_command", json!({})).unwrap_err();
    assert!(unknown.to_string().contains("not"), "{unknown}");
}

#[test]
fn call_commands_validate_before_connecting_and_answer_in_the_ui_shapes() {
    let f = fixture();
    let main = f.main();

    // With CHATALOT_FAKE_AUDIO the lists offer the test tone and no playback, with
    // CHATALOT_FAKE_CAMERA the test pattern.
    let devices = invoke(&main, "voice_devices", json!({})).unwrap();
    assert_eq!(
        devices,
        json!({
            "inputs": [{ "id": "fake", "name": "Test tone (440 Hz)" }],
            "outputs": [{ "id": "fake", "name": "No playback (test)" }],
            "cameras": [{ "id": "fake", "name": "Test pattern" }],
            "input": null,
            "output": null,
            "camera": null,
        })
    );
    let chosen = invoke(
        &main,
        "voice_select_devices",
        json!({ "input": "fake", "output": null }),
    )
    .unwrap();
    assert_eq!(chosen["input"], "fake", "{chosen}");
    let chosen = invoke(
        &main,
        "voice_select_devices",
        json!({ "input": "fake", "output": null, "camera": "fake" }),
    )
    .unwrap();
    assert_eq!(chosen["camera"], "fake", "{chosen}");
    let err = invoke(
        &main,
        "voice_select_devices",
        json!({ "input": "fake", "output": null, "camera": "unplugged" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "camera", "{err}");
    let err = invoke(
        &main,
        "voice_select_devices",
        json!({ "input": "unplugged", "output": null }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "audio_device", "{err}");
    assert_eq!(
        invoke(&main, "voice_devices", json!({})).unwrap()["input"],
        "fake",
        "a refused choice changes nothing"
    );

    // Bad arguments are refused before any connection is tried.
    let channel = "0190a0a0-0000-7000-8000-000000000002";
    for (server, channel_id, token, call, what) in [
        ("file:///etc/passwd", channel, "t", "c1", "server"),
        ("not a url", channel, "t", "c1", "server"),
        ("http://127.0.0.1:9", "general", "t", "c1", "channel_id"),
        ("http://127.0.0.1:9", channel, "", "c1", "token"),
        ("http://127.0.0.1:9", channel, "t", "", "call"),
    ] {
        let args = json!({
            "server": server, "token": token, "channelId": channel_id,
            "selfMute": false, "selfDeaf": false, "call": call,
        });
        let err = invoke(&main, "voice_join", args).unwrap_err();
        assert_eq!(err["code"], "invalid_argument", "{what}: {err}");
        assert!(err["message"].as_str().unwrap().contains(what), "{err}");
    }
    // A server that does not answer: a clear failure, and no call left behind.
    let args = json!({
        "server": "http://127.0.0.1:9", "token": "t", "channelId": channel,
        "selfMute": false, "selfDeaf": false, "call": "c1",
    });
    let err = invoke(&main, "voice_join", args).unwrap_err();
    assert_eq!(err["code"], "voice_join_failed", "{err}");

    // Outside a call the switches say so; leaving is always fine.
    for (cmd, args) in [
        ("voice_set_mute", json!({ "muted": true })),
        ("voice_set_camera", json!({ "on": true })),
    ] {
        let err = invoke(&main, cmd, args).unwrap_err();
        assert_eq!(err["code"], "not_in_call", "{cmd}: {err}");
    }
    let err = invoke(
        &main,
        "voice_set_volume",
        json!({ "userId": channel, "volume": 3.0 }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_argument", "{err}");
    for (args, code) in [
        (
            json!({ "userId": "me", "slot": "camera", "after": 0 }),
            "invalid_argument",
        ),
        (
            json!({ "userId": channel, "slot": "webcam", "after": 0 }),
            "invalid_argument",
        ),
        (
            json!({ "userId": channel, "slot": "screen", "after": 0 }),
            "not_in_call",
        ),
    ] {
        let err = invoke(&main, "voice_video_frame", args.clone()).unwrap_err();
        assert_eq!(err["code"], code, "{args}: {err}");
    }
    assert_eq!(invoke(&main, "voice_leave", json!({})), Ok(Value::Null));
}
