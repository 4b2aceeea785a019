//! A real SMTP relay on loopback for email tests: `tests/smtp/relay.py` (aiosmtpd)
//! started per test, with STARTTLS and AUTH required or in plaintext, and
//! `tests/smtp/read_mail.py`, which parses what arrived with the `icalendar` package.
//!
//! The Python packages live in a virtual environment (`scripts/test.sh` makes it from
//! `tests/smtp/requirements.txt`; `CHATALOT_MAIL_VENV` overrides where). Without it
//! the email tests are skipped with a notice, except under `CI=true`, where they fail.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use chatalot_server::config::{Config, Secret, SmtpConfig};

pub const USER: &str = "relay-user";
pub const PASSWORD: &str = "relay-password";
const START: Duration = Duration::from_secs(30);

fn scripts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/smtp")
}

fn python() -> Option<PathBuf> {
    let venv = std::env::var_os("CHATALOT_MAIL_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/chatalot/venv-mail"))
        })?;
    let python = venv.join("bin/python");
    python.exists().then_some(python)
}

/// The relay's Python, or `None` (with a notice) when email tests cannot run here.
pub fn available() -> Option<PathBuf> {
    let found = python();
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "email tests cannot run under CI=true: no Python environment with aiosmtpd (tests/smtp/requirements.txt)"
        );
        eprintln!(
            "SKIPPED: email test, no Python environment with aiosmtpd (see tests/smtp/requirements.txt)"
        );
    }
    found
}

pub struct Relay {
    pub port: u16,
    /// The CA that signed the relay's certificate (PEM), with STARTTLS.
    pub ca_pem: Option<String>,
    spool: tempfile::TempDir,
    /// The relay's CA and certificate, kept across restarts.
    certs: std::sync::Arc<tempfile::TempDir>,
    /// How many messages the spool holds.
    received: tokio::sync::watch::Sender<usize>,
    child: Option<Child>,
}

impl Relay {
    /// A relay requiring STARTTLS and AUTH on `port`.
    pub async fn secure(port: u16) -> Relay {
        Relay::start(
            port,
            true,
            tempfile::tempdir().unwrap(),
            std::sync::Arc::new(tempfile::tempdir().unwrap()),
        )
        .await
    }

    /// A relay that speaks plaintext only (it offers no STARTTLS).
    pub async fn plaintext(port: u16) -> Relay {
        Relay::start(
            port,
            false,
            tempfile::tempdir().unwrap(),
            std::sync::Arc::new(tempfile::tempdir().unwrap()),
        )
        .await
    }

    async fn start(
        port: u16,
        secure: bool,
        spool: tempfile::TempDir,
        certs: std::sync::Arc<tempfile::TempDir>,
    ) -> Relay {
        let python = python().expect("the relay's Python environment");
        let mut command = Command::new(python);
        command
            .arg(scripts().join("relay.py"))
            .args(["--port", &port.to_string()])
            .arg("--spool")
            .arg(spool.path());
        if secure {
            command.arg("--starttls").arg(certs.path()).args([
                "--user",
                USER,
                "--password",
                PASSWORD,
            ]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the SMTP relay");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = tokio::time::timeout(START, lines.next_line())
            .await
            .expect("the relay starts within 30 s")
            .expect("read the relay's output");
        assert_eq!(ready.as_deref(), Some("READY"), "the relay did not start");
        // Counts what arrives, from the relay's word for each message.
        let received = tokio::sync::watch::Sender::new(spooled(spool.path()));
        let counter = received.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "RECEIVED" {
                    counter.send_modify(|n| *n += 1);
                }
            }
        });
        let ca_pem = secure
            .then(|| std::fs::read_to_string(certs.path().join("ca.pem")).expect("the relay's CA"));
        Relay {
            port,
            ca_pem,
            spool,
            certs,
            received,
            child: Some(child),
        }
    }

    /// Stops the relay; what it received stays readable.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("stop the relay");
        }
    }

    /// Starts a stopped relay again on its port, keeping what it received.
    pub async fn restart(mut self) -> Relay {
        self.stop().await;
        let secure = self.ca_pem.is_some();
        let port = self.port;
        let spool = std::mem::replace(&mut self.spool, tempfile::tempdir().unwrap());
        Relay::start(port, secure, spool, self.certs.clone()).await
    }

    pub fn count(&self) -> usize {
        *self.received.borrow()
    }

    /// Waits until at least `n` messages arrived, then returns them all parsed.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        let mut received = self.received.subscribe();
        tokio::time::timeout(
            Duration::from_secs(60),
            received.wait_for(|count| *count >= n),
        )
        .await
        .unwrap_or_else(|_| panic!("{n} messages within 60 s; {} arrived", self.count()))
        .expect("the relay's counter");
        self.messages().await
    }

    /// Every message received, in arrival order, as read_mail.py describes them.
    pub async fn messages(&self) -> Vec<Value> {
        let output = Command::new(python().unwrap())
            .arg(scripts().join("read_mail.py"))
            .arg(self.spool.path())
            .output()
            .await
            .expect("run read_mail.py");
        assert!(
            output.status.success(),
            "read_mail.py failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("read_mail.py prints JSON")
    }

    /// The server's email settings for this relay.
    pub fn configure(&self, config: &mut Config) {
        configure(config, self.port, self.ca_pem.clone());
    }
}

fn spooled(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".eml")
        })
        .count()
}

/// Email settings for a relay on `port` (STARTTLS and AUTH when `ca_pem` is given),
/// with quick retries.
pub fn configure(config: &mut Config, port: u16, ca_pem: Option<String>) {
    let tls = ca_pem.is_some();
    config.email = Some(SmtpConfig {
        host: "127.0.0.1".to_owned(),
        port,
        username: tls.then(|| USER.to_owned()),
        password: tls.then(|| Secret::new(PASSWORD.to_owned())),
        tls,
        from_address: "meetings@chatalot.test".to_owned(),
        from_name: "Chatalot Meetings".to_owned(),
    });
    config.tuning.smtp_extra_roots = ca_pem.into_iter().collect();
    config.tuning.email_retry_base = Duration::from_millis(100);
    config.public_url = Some("https://chat.example.test".to_owned());
}
