//! The real binary: invalid configuration stops start-up with one line naming the
//! variable (CFG-1), and the quick start runs with nothing configured (CFG-4):
//! register the owner with the printed setup code, log in, stop gracefully,
//! restart with the same data and secrets.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use chatalot_server::auth::keys::{generate_ed25519_pem, generate_hex_key};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

const BIN: &str = env!("CARGO_BIN_EXE_chatalot-server");
/// A VAPID private key, and a public key that is not its own.
const VAPID_PRIVATE: &str = "4UVHvqweJU3cKjY29l7IGDfqwJwlhsV1zePeWhN0EUk";
const FOREIGN_VAPID_PUBLIC: &str =
    "BAPBJ4e5p2EqdCnzvtZJvuTAvKLqWxc7hqGUWtZ3JXIahDWeMjuKfjnjYy-SNr2aelEi3ksv3kcZ6mMaYBLKl8E";

/// A command with an empty environment (nothing leaks in from the test run) in `dir`.
fn command(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear().current_dir(dir).kill_on_drop(true);
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    cmd
}

/// A valid explicit configuration in `dir`.
fn valid_env(dir: &Path) -> Vec<(&'static str, String)> {
    let (private, public) = generate_ed25519_pem();
    std::fs::write(dir.join("private.pem"), private).unwrap();
    std::fs::write(dir.join("public.pem"), public).unwrap();
    vec![
        (
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("chat.db").display()),
        ),
        (
            "JWT_PRIVATE_KEY_PATH",
            dir.join("private.pem").display().to_string(),
        ),
        (
            "JWT_PUBLIC_KEY_PATH",
            dir.join("public.pem").display().to_string(),
        ),
        ("TOTP_ENCRYPTION_KEY", generate_hex_key()),
        ("LISTEN_ADDR", "127.0.0.1:0".into()),
    ]
}

async fn run_to_exit(mut cmd: Command) -> (Option<i32>, String) {
    let output = tokio::time::timeout(Duration::from_secs(30), cmd.output())
        .await
        .expect("start-up ends within 30 s")
        .expect("binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn each_invalid_variable_stops_start_up_with_one_line_naming_it() {
    // The right length (32 bytes as 64 characters) but not hex.
    let non_hex_key = "z".repeat(64);
    let cases: &[(&str, Option<&str>)] = &[
        ("REGISTRATION_MODE", Some("sometimes")),
        ("TOTP_ENCRYPTION_KEY", Some("0123456789abcdef")),
        ("TOTP_ENCRYPTION_KEY", Some(non_hex_key.as_str())),
        ("TOTP_ENCRYPTION_KEY", None),
        ("JWT_PRIVATE_KEY_PATH", Some("/nonexistent/jwt_private.pem")),
        ("JWT_PUBLIC_KEY_PATH", Some("/etc")),
        ("ICE_SERVERS", Some("[{\"urls\": ")),
        ("DATABASE_URL", None),
        ("LISTEN_ADDR", Some("everywhere")),
        ("SMTP_TLS", Some("perhaps")),
        ("TURN_CREDENTIAL_TTL_SECS", Some("soon")),
    ];
    // SSO on (all three variables) with nowhere to send people back: no
    // OIDC_REDIRECT_URI and no PUBLIC_URL.
    let sso = [
        ("OIDC_ISSUER_URL", "https://auth.example.com/app"),
        ("OIDC_CLIENT_ID", "chatalot"),
        ("OIDC_CLIENT_SECRET", "s3cret"),
    ];
    // A VAPID pair whose halves do not belong together.
    let vapid = [("VAPID_PRIVATE_KEY", VAPID_PRIVATE)];
    let cases = cases
        .iter()
        .map(|case| (case, &[][..]))
        .chain([(&("OIDC_REDIRECT_URI", None), &sso[..])])
        .chain([(
            &("VAPID_PUBLIC_KEY", Some(FOREIGN_VAPID_PUBLIC)),
            &vapid[..],
        )]);
    for ((name, value), extra) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = command(dir.path());
        for (k, v) in valid_env(dir.path()) {
            if k != *name {
                cmd.env(k, v);
            }
        }
        cmd.envs(extra.iter().copied());
        if let Some(value) = value {
            cmd.env(name, value);
        }
        let (code, stderr) = run_to_exit(cmd).await;
        assert_eq!(
            code,
            Some(2),
            "{name}={value:?} exits with the configuration error code; stderr: {stderr}"
        );
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line for {name}={value:?}: {stderr}");
        assert!(
            lines[0].contains(name),
            "the line names {name}: {}",
            lines[0]
        );
    }
}

#[tokio::test]
async fn unreachable_database_taken_port_and_unusable_storage_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(dir.path());
    cmd.envs(valid_env(dir.path()));
    cmd.env(
        "DATABASE_URL",
        format!("sqlite://{}/missing-dir/chat.db", dir.path().display()),
    );
    let (code, stderr) = run_to_exit(cmd).await;
    assert_eq!(code, Some(1));
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut cmd = command(dir.path());
    cmd.envs(valid_env(dir.path()));
    cmd.env("LISTEN_ADDR", taken.local_addr().unwrap().to_string());
    let (code, stderr) = run_to_exit(cmd).await;
    assert_eq!(code, Some(1));
    assert!(stderr.contains("LISTEN_ADDR"), "{stderr}");

    // A storage folder that cannot be made (its parent is a file).
    std::fs::write(dir.path().join("a-file"), b"").unwrap();
    let mut cmd = command(dir.path());
    cmd.envs(valid_env(dir.path()));
    cmd.env(
        "FILE_STORAGE_PATH",
        dir.path().join("a-file/files").display().to_string(),
    );
    let (code, stderr) = run_to_exit(cmd).await;
    assert_eq!(code, Some(1));
    assert!(stderr.contains("FILE_STORAGE_PATH"), "{stderr}");
}

/// A running quick-start server and what it printed.
struct Started {
    child: Child,
    base: String,
    setup_code: Option<String>,
    _stdout: Lines<BufReader<ChildStdout>>,
}

/// `empty` variables are set to "" (which counts as unset: the folder supplies them).
async fn quickstart(dir: &Path, empty: &[&str]) -> Started {
    let mut cmd = command(dir);
    for name in empty {
        cmd.env(name, "");
    }
    cmd.args(["quickstart", "--data-dir", "data"])
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn quickstart");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut base = None;
    let mut setup_code = None;
    let read = async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(rest) = line.strip_prefix("Chatalot is listening on ") {
                base = Some(format!(
                    "http://{}",
                    rest.split_whitespace().next().unwrap()
                ));
            }
            if let Some((_, code)) =
                line.split_once("Setup code (valid until the owner registers): ")
            {
                setup_code = Some(code.trim().to_owned());
            }
            if line == "Press Ctrl+C to stop." {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("banner within 60 s");
    Started {
        child,
        base: base.expect("listening line printed"),
        setup_code,
        _stdout: lines,
    }
}

async fn post(base: &str, path: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn terminate(mut started: Started) {
    let pid = started.child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(30), started.child.wait())
        .await
        .expect("graceful shutdown within 30 s")
        .unwrap();
    assert!(exit.success(), "SIGTERM ends the server cleanly: {exit}");
}

#[tokio::test]
async fn quickstart_runs_with_nothing_configured_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let started = quickstart(dir.path(), &[]).await;
    let data = dir.path().join("data");
    for file in [
        "chatalot.db",
        "secrets/jwt_private.pem",
        "secrets/jwt_public.pem",
        "secrets/totp_key",
    ] {
        assert!(data.join(file).is_file(), "{file} created");
    }
    let totp_key = std::fs::read_to_string(data.join("secrets/totp_key")).unwrap();
    let code = started
        .setup_code
        .clone()
        .expect("a fresh invite_only instance prints its setup code");
    let base = started.base.clone();

    let (status, config) = reqwest::get(format!("{base}/api/auth/config"))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .map(|v| (200, v))
        .unwrap();
    assert_eq!(
        (status, config["registration_mode"].as_str()),
        (200, Some("invite_only")),
        "the seed's default mode"
    );

    let (status, _) = post(
        &base,
        "/api/auth/register",
        json!({"username": "owner", "password": "owner-password"}),
    )
    .await;
    assert_eq!(status, 403, "invite_only without the code");
    let (status, owner) = post(
        &base,
        "/api/auth/register",
        json!({"username": "owner", "password": "owner-password", "invite_code": code}),
    )
    .await;
    assert_eq!(status, 201, "{owner}");
    assert_eq!(owner["user"]["instance_role"], "owner");
    let (status, login) = post(
        &base,
        "/api/auth/login",
        json!({"username": "owner", "password": "owner-password"}),
    )
    .await;
    assert_eq!(status, 200, "{login}");
    let refresh_token = login["refresh_token"].as_str().unwrap().to_owned();
    terminate(started).await;

    // Second run: same data folder, same secrets, the account and its session live on
    // (variables set but empty, as Compose passes unset ones, change nothing).
    let again = quickstart(
        dir.path(),
        &[
            "DATABASE_URL",
            "JWT_PRIVATE_KEY_PATH",
            "TOTP_ENCRYPTION_KEY",
            "FILE_STORAGE_PATH",
        ],
    )
    .await;
    assert!(
        again.setup_code.is_none(),
        "no setup code once an owner exists"
    );
    assert_eq!(
        std::fs::read_to_string(data.join("secrets/totp_key")).unwrap(),
        totp_key,
        "secrets kept"
    );
    let (status, _) = post(
        &again.base,
        "/api/auth/refresh",
        json!({"refresh_token": refresh_token}),
    )
    .await;
    assert_eq!(
        status, 200,
        "a session from the first run survives the restart"
    );
    let (status, _) = post(
        &again.base,
        "/api/auth/login",
        json!({"username": "owner", "password": "owner-password"}),
    )
    .await;
    assert_eq!(status, 200);
    terminate(again).await;
}
