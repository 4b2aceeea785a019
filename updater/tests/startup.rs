//! The binary's start-up: bad configuration stops it with one line naming what is
//! wrong (exit 2); good configuration serves the internal API.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const TOKEN: &str = "updater-token-0123456789abcdef0123456789";

fn updater(creds: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chatalot-updater"));
    command
        .env_clear()
        .env("UPDATER_TOKEN", TOKEN)
        .env("UPDATER_LISTEN_ADDR", "127.0.0.1:0")
        .env("REGISTRY_CREDS_PATH", creds)
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .env("RUST_LOG", "chatalot_updater=info");
    command
}

#[test]
fn malformed_registry_credentials_are_fatal_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("registry_creds");
    std::fs::write(&creds, "{\"username\": \"ci\", \"password\": ").unwrap();
    let out = updater(&creds).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "configuration error: registry_creds: {}: not valid registry credentials",
            creds.display()
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains("ci\""),
        "no credential text is echoed: {stderr}"
    );
}

#[test]
fn missing_token_is_fatal_and_blank_credentials_mean_anonymous() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("registry_creds");
    std::fs::write(&creds, " \n").unwrap();
    let out = updater(&creds)
        .env_remove("UPDATER_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("configuration error: UPDATER_TOKEN: is required")
    );

    // Blank credentials: it starts (anonymous pulls), even with no Engine reachable yet.
    let mut child = updater(&creds).stdout(Stdio::piped()).spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    for line in stdout.lines() {
        let line = line.unwrap();
        let listening = line.contains("chatalot-updater listening on 127.0.0.1:");
        seen.push(line);
        if listening {
            break;
        }
    }
    child.kill().unwrap();
    let _ = child.wait();
    let last = seen.last().cloned().unwrap_or_default();
    assert!(last.contains("anonymous pulls"), "{seen:#?}");
}
