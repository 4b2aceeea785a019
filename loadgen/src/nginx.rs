//! A reference static file server: nginx (zero-copy `sendfile`, no auth, no
//! database) serving the server's files folder, so a download figure can be read
//! beside what this machine's best plain file server reaches with the same client.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::process::{Child, Command};

pub struct Nginx {
    pub base: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Nginx {
    /// Starts nginx on a free loopback port with `root` as its document root, or
    /// `None` when no `nginx` binary is on the PATH.
    pub async fn start(root: &Path) -> anyhow::Result<Option<Nginx>> {
        if Command::new("nginx")
            .arg("-v")
            .stderr(Stdio::null())
            .status()
            .await
            .is_err()
        {
            return Ok(None);
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let dir = tempfile::tempdir()?;
        // Workers of a root master drop to `nobody`, which cannot read a private
        // temporary folder: keep the bench's user.
        let user = if is_root() { "user root;" } else { "" };
        let config = format!(
            "{user}\nworker_processes 2;\ndaemon off;\npid {dir}/nginx.pid;\n\
             error_log {dir}/error.log warn;\nevents {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n\
             keepalive_requests 1000000;\n  client_body_temp_path {dir};\n\
             proxy_temp_path {dir};\n  fastcgi_temp_path {dir};\n  uwsgi_temp_path {dir};\n\
             scgi_temp_path {dir};\n\
             server {{ listen 127.0.0.1:{port}; root {root}; location / {{ }} }}\n}}\n",
            dir = dir.path().display(),
            root = root.display(),
        );
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, config)?;
        let child = Command::new("nginx")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("start nginx")?;
        let addr = format!("127.0.0.1:{port}");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(&addr).await.is_ok() {
                return Ok(Some(Nginx {
                    base: format!("http://{addr}"),
                    child,
                    _dir: dir,
                }));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("nginx did not start listening on {addr}")
    }

    /// A fast shutdown (SIGTERM), which also ends the workers.
    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(pid.to_string())
                .status()
                .await;
        }
        let _ = self.child.wait().await;
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}
