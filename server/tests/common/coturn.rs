//! The real coturn (`turnserver`, Debian's `coturn`) in the foreground on loopback,
//! with the deployment's configuration (`docker/coturn/turnserver.conf`) plus
//! loopback listening and loopback peers, which only a test may allow.

use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub fn installed(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

/// Whether coturn can run here; without it a test is skipped with a message,
/// except under `CI=true`, where it fails.
pub fn coturn_available(test: &str) -> bool {
    if installed("turnserver") && installed("turnutils_uclient") {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "coturn is not installed (apt-get install coturn) and CI=true"
    );
    eprintln!("SKIPPED: {test}, coturn is not installed (apt-get install coturn)");
    false
}

pub fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running coturn; killed when dropped.
pub struct Coturn {
    pub port: u16,
    relay: u16,
    secret: String,
    child: Child,
    dir: tempfile::TempDir,
}

impl Coturn {
    /// Starts coturn with `secret` on a free port, relaying on 200 ports from a free one
    /// (room for a few dozen peer connections);
    /// ready once its servers and database are up.
    pub async fn start(secret: &str) -> Coturn {
        let (port, relay) = (free_udp_port(), free_udp_port());
        let dir = tempfile::tempdir().unwrap();
        let child = spawn(secret, port, relay, dir.path()).await;
        Coturn {
            port,
            relay,
            secret: secret.to_owned(),
            child,
            dir,
        }
    }

    /// Stops the relay and starts a fresh one on the same ports: every allocation is
    /// gone, as when a relay restarts or the path to it breaks.
    pub async fn restart(&mut self) {
        let _ = self.child.kill().await;
        self.child = spawn(&self.secret, self.port, self.relay, self.dir.path()).await;
    }

    /// The `turn:` URL of this relay.
    pub fn url(&self) -> String {
        format!("turn:127.0.0.1:{}?transport=udp", self.port)
    }
}

async fn spawn(secret: &str, port: u16, relay: u16, dir: &std::path::Path) -> Child {
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docker/coturn/turnserver.conf");
    let config = if config.exists() {
        config
    } else {
        // Crates outside server/ include this harness too.
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docker/coturn/turnserver.conf")
    };
    let mut child = Command::new("turnserver")
        .arg("-c")
        .arg(&config)
        .args([
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            &format!("--listening-port={port}"),
            &format!("--min-port={relay}"),
            &format!("--max-port={}", relay + 199),
            &format!("--static-auth-secret={secret}"),
            "--allow-loopback-peers",
            "--no-tls",
            "--no-dtls",
        ])
        .arg(format!(
            "--pidfile={}",
            dir.join("turnserver.pid").display()
        ))
        .arg(format!("--userdb={}", dir.join("turndb").display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("turnserver starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut servers, mut database) = (false, false);
    while !(servers && database) {
        let line = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
            .await
            .expect("coturn starts within 20 s")
            .unwrap()
            .expect("coturn keeps running");
        servers |= line.contains("Total General servers");
        database |= line.contains("DB connection success");
    }
    // Keep reading so coturn never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}
