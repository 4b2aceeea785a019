//! The bench environment: database, provisioned accounts with access tokens, and
//! the server process.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use chatalot_server::auth::keys::{generate_ed25519_pem, generate_hex_key};
use chatalot_server::auth::tokens::TokenKeys;
use chatalot_server::store::{
    self, Channel, Community, CommunityMember, Db, Group, GroupMember, Message, NewUser, Session,
};
use sqlx::types::Json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use uuid::Uuid;

pub enum Backend {
    Sqlite,
    /// A PostgreSQL server URL; a fresh database is created on it.
    Postgres(String),
}

/// An account the load generator acts as.
#[derive(Clone)]
pub struct Account {
    pub id: Uuid,
    pub token: String,
}

pub struct Bench {
    pub base: String,
    pub ws_url: String,
    pub server_pid: u32,
    pub channel_id: Uuid,
    /// The community holding the channel (nil without one).
    pub community_id: Uuid,
    /// Voice channels beside the text channel (the voice scenario's calls).
    pub voice_channel_ids: Vec<Uuid>,
    pub accounts: Vec<Account>,
    /// The purge scenario: a second channel full of one person's messages, and who
    /// wrote them (the first account is then the instance owner).
    pub spam: Option<(Uuid, Uuid)>,
    pub backend_name: &'static str,
    server: Child,
    /// How the server was started, to start it again on the same address.
    launch: Launch,
    pg_cleanup: Option<(String, String)>,
    dir: tempfile::TempDir,
}

struct Launch {
    bin: PathBuf,
    database_url: String,
    listen: String,
}

/// What a scenario drives: the real server, or the reference beside it (the same
/// accounts and channel; the reference ignores the tokens).
pub struct Target<'a> {
    /// `chatalot` or `reference`.
    pub name: &'static str,
    pub base: &'a str,
    pub ws_url: &'a str,
    pub pid: u32,
    pub channel_id: Uuid,
    pub accounts: &'a [Account],
    pub backend_name: &'static str,
}

impl Bench {
    /// The real server.
    pub fn target(&self) -> Target<'_> {
        Target {
            name: "chatalot",
            base: &self.base,
            ws_url: &self.ws_url,
            pid: self.server_pid,
            channel_id: self.channel_id,
            accounts: &self.accounts,
            backend_name: self.backend_name,
        }
    }

    /// The reference server, with this bench's accounts and channel.
    pub fn reference<'a>(&'a self, reference: &'a crate::reference::Reference) -> Target<'a> {
        Target {
            name: "reference",
            base: &reference.base,
            ws_url: &reference.ws_url,
            pid: reference.pid,
            ..self.target()
        }
    }

    /// The server's `FILE_STORAGE_PATH`.
    pub fn files_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("files")
    }

    /// `members` accounts in one community with one text channel holding `messages`.
    pub async fn prepare(
        backend: Backend,
        server_bin: &Path,
        members: usize,
        messages: usize,
    ) -> anyhow::Result<Bench> {
        Bench::build(backend, server_bin, members, true, messages, 0, 0).await
    }

    /// As [`Bench::prepare`], plus a second channel with `spam` messages of one more
    /// account; the first account is the instance owner (who may purge).
    pub async fn prepare_purge(
        backend: Backend,
        server_bin: &Path,
        members: usize,
        messages: usize,
        spam: usize,
    ) -> anyhow::Result<Bench> {
        Bench::build(backend, server_bin, members, true, messages, 0, spam).await
    }

    /// `members` accounts in one community with `calls` voice channels.
    pub async fn prepare_voice(
        backend: Backend,
        server_bin: &Path,
        members: usize,
        calls: usize,
    ) -> anyhow::Result<Bench> {
        Bench::build(backend, server_bin, members, true, 0, calls, 0).await
    }

    /// `users` accounts in no community (idle connections).
    pub async fn prepare_users_only(
        backend: Backend,
        server_bin: &Path,
        users: usize,
    ) -> anyhow::Result<Bench> {
        Bench::build(backend, server_bin, users, false, 0, 0, 0).await
    }

    async fn build(
        backend: Backend,
        server_bin: &Path,
        users: usize,
        community: bool,
        messages: usize,
        voice_channels: usize,
        spam: usize,
    ) -> anyhow::Result<Bench> {
        let dir = tempfile::tempdir()?;
        let (private, public) = generate_ed25519_pem();
        std::fs::write(dir.path().join("jwt_private.pem"), &private)?;
        std::fs::write(dir.path().join("jwt_public.pem"), &public)?;
        let keys = TokenKeys::from_pem(&private, &public).map_err(|e| anyhow::anyhow!("{e}"))?;

        let (database_url, pg_cleanup, backend_name) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("bench.db").display()),
                None,
                "sqlite",
            ),
            Backend::Postgres(server) => {
                let name = format!("chatalot_bench_{}", Uuid::new_v4().simple());
                let admin = Db::connect(&server)
                    .await
                    .context("connect to PostgreSQL")?;
                let Db::Postgres(pool, _) = &admin else {
                    anyhow::bail!("--postgres must be a postgres:// URL")
                };
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(pool)
                    .await?;
                admin.close().await;
                (
                    url_with_db(&server, &name),
                    Some((server, name)),
                    "postgres",
                )
            }
        };

        eprintln!("provisioning {users} accounts on {backend_name}…");
        let db = Db::connect(&database_url).await?;
        db.migrate().await?;
        let now = store::now();
        let mut accounts = Vec::with_capacity(users);
        let mut tx = db.begin().await?;
        let mut c = tx.conn();
        for i in 0..users {
            let id = store::new_id();
            let name = format!("bench{i}");
            c.insert_user(&NewUser {
                id,
                username: &name,
                display_name: &name,
                email: None,
                password_hash: None,
                recovery_code_hash: None,
                instance_role: if i == 0 && spam > 0 { "owner" } else { "user" },
                now,
            })
            .await?;
            let session = Session {
                id: store::new_id(),
                user_id: id,
                user_agent: Some("chatalot-loadgen".into()),
                ip: None,
                created_at: now,
                last_used_at: now,
                expires_at: now + chrono::Duration::days(1),
            };
            c.insert_session(&session).await?;
            let (token, _) = keys.issue(id, session.id, chrono::Utc::now())?;
            accounts.push(Account { id, token });
        }
        let mut channel_id = Uuid::nil();
        let mut community_id = Uuid::nil();
        let mut spam_info = None;
        let mut voice_channel_ids = Vec::with_capacity(voice_channels);
        if community {
            let owner = accounts.first().context("at least one account")?.id;
            let community = Community {
                id: store::new_id(),
                name: "Bench".into(),
                description: None,
                welcome_message: None,
                visibility: "private".into(),
                discoverable: false,
                who_can_create_invites: "admin".into(),
                owner_id: owner,
                icon_file_id: None,
                banner_file_id: None,
                created_at: now,
                updated_at: now,
                theme_palette: None,
                theme_accent: None,
            };
            c.insert_community(&community).await?;
            community_id = community.id;
            let group = Group {
                id: store::new_id(),
                community_id: community.id,
                name: "General".into(),
                description: None,
                visibility: "public".into(),
                assigned_to: None,
                accent_color: None,
                position: 0,
                icon_file_id: None,
                banner_file_id: None,
                created_at: now,
                updated_at: now,
            };
            c.insert_group(&group).await?;
            let channel = Channel {
                id: store::new_id(),
                group_id: Some(group.id),
                community_id: Some(community.id),
                name: "load".into(),
                kind: "text".into(),
                dm_key: None,
                topic: None,
                position: 0,
                slow_mode_secs: 0,
                read_only: false,
                archived: false,
                link_previews: true,
                created_at: now,
                updated_at: now,
                roles: Default::default(),
            };
            c.insert_channel(&channel).await?;
            channel_id = channel.id;
            for i in 0..voice_channels {
                let voice = Channel {
                    id: store::new_id(),
                    name: format!("call {i}"),
                    kind: "voice".into(),
                    position: 1 + i as i32,
                    ..channel.clone()
                };
                c.insert_channel(&voice).await?;
                voice_channel_ids.push(voice.id);
            }
            for (i, account) in accounts.iter().enumerate() {
                let role = if i == 0 { "owner" } else { "member" };
                c.insert_community_member(&CommunityMember {
                    community_id: community.id,
                    user_id: account.id,
                    role: role.into(),
                    nickname: None,
                    timed_out_until: None,
                    joined_at: now,
                })
                .await?;
                c.upsert_group_member(&GroupMember {
                    group_id: group.id,
                    user_id: account.id,
                    role: "member".into(),
                    joined_at: now,
                })
                .await?;
            }
            for i in 0..messages {
                let message = Message {
                    id: store::new_id(),
                    channel_id,
                    author_id: Some(accounts[i % accounts.len()].id),
                    content: format!("history message {i} with some ordinary words in it"),
                    reply_to_id: None,
                    thread_id: None,
                    thread_reply_count: 0,
                    thread_last_reply_at: None,
                    forwarded_from: None,
                    mentions: Json(Vec::new()),
                    mentions_everyone: false,
                    mentions_here: false,
                    has_file: false,
                    edited_at: None,
                    deleted_at: None,
                    created_at: store::now(),
                    quarantined_at: None,
                    quarantined_by: None,
                };
                c.insert_message(&message).await?;
            }
            if spam > 0 {
                spam_info = Some(insert_spam(&mut c, &channel, spam, now).await?);
            }
        }
        tx.commit().await?;
        // Fresh planner statistics, as autovacuum would have after such a load.
        // SQLite is left without `ANALYZE`, as the server leaves it: with the STAT4
        // samples it writes, SQLite re-prepares statements whose plan could depend on
        // a bound value on nearly every execution (docs/performance.md).
        if let Db::Postgres(pool, _) = &db {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        db.close().await;

        // A fixed port, so that a restarted server is found where clients left it.
        let listen = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .to_string();
        let launch = Launch {
            bin: server_bin.to_path_buf(),
            database_url,
            listen,
        };
        let (server, base) = start_server(&launch, dir.path()).await?;
        let server_pid = server.id().context("server pid")?;
        let ws_url = base.replacen("http://", "ws://", 1) + "/ws";
        Ok(Bench {
            base,
            ws_url,
            server_pid,
            channel_id,
            community_id,
            voice_channel_ids,
            accounts,
            spam: spam_info,
            backend_name,
            server,
            launch,
            pg_cleanup,
            dir,
        })
    }

    /// Stops the server as an operator would (SIGTERM: connections are told to come
    /// back, 1012) and starts it again on the same address; the time it was away.
    pub async fn restart(&mut self) -> anyhow::Result<Duration> {
        let started = std::time::Instant::now();
        self.stop_server().await;
        let (server, _) = start_server(&self.launch, self.dir.path()).await?;
        self.server_pid = server.id().context("server pid")?;
        self.server = server;
        Ok(started.elapsed())
    }

    async fn stop_server(&mut self) {
        if let Some(pid) = self.server.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        let _ = tokio::time::timeout(Duration::from_secs(20), self.server.wait()).await;
        let _ = self.server.start_kill();
        let _ = self.server.wait().await;
    }

    /// Stops the server and drops the bench database.
    pub async fn finish(mut self) -> anyhow::Result<()> {
        self.stop_server().await;
        if let Some((server, name)) = self.pg_cleanup.take()
            && let Ok(Db::Postgres(pool, _)) = Db::connect(&server).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&pool)
            .await;
        }
        Ok(())
    }
}

/// A channel beside `channel` with `count` messages of a new member: (channel, author).
async fn insert_spam(
    c: &mut store::Conn<'_>,
    channel: &Channel,
    count: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<(Uuid, Uuid)> {
    let spammer = store::new_id();
    c.insert_user(&NewUser {
        id: spammer,
        username: "spammer",
        display_name: "spammer",
        email: None,
        password_hash: None,
        recovery_code_hash: None,
        instance_role: "user",
        now,
    })
    .await?;
    let spam = Channel {
        id: store::new_id(),
        name: "spam".into(),
        position: 1,
        ..channel.clone()
    };
    c.insert_channel(&spam).await?;
    for i in 0..count {
        let message = Message {
            id: store::new_id(),
            channel_id: spam.id,
            author_id: Some(spammer),
            content: format!("spam message {i} that nobody wants to read"),
            reply_to_id: None,
            thread_id: None,
            thread_reply_count: 0,
            thread_last_reply_at: None,
            forwarded_from: None,
            mentions: Json(Vec::new()),
            mentions_everyone: false,
            mentions_here: false,
            has_file: false,
            edited_at: None,
            deleted_at: None,
            created_at: store::now(),
            quarantined_at: None,
            quarantined_by: None,
        };
        c.insert_message(&message).await?;
    }
    Ok((spam.id, spammer))
}

fn url_with_db(server: &str, name: &str) -> String {
    // Options after `?` (such as `sslmode`) apply to the new database too.
    let (path, options) = match server.split_once('?') {
        Some((path, options)) => (path, Some(options)),
        None => (server, None),
    };
    let url = match path.rsplit_once('/') {
        Some((base, _)) if base.contains("://") && base.matches('/').count() >= 2 => {
            format!("{base}/{name}")
        }
        _ => format!("{path}/{name}"),
    };
    match options {
        Some(options) => format!("{url}?{options}"),
        None => url,
    }
}

async fn start_server(launch: &Launch, dir: &Path) -> anyhow::Result<(Child, String)> {
    let bin: PathBuf = std::fs::canonicalize(&launch.bin)
        .with_context(|| format!("server binary {}", launch.bin.display()))?;
    let mut child = Command::new(bin)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &launch.database_url)
        .env("JWT_PRIVATE_KEY_PATH", dir.join("jwt_private.pem"))
        .env("JWT_PUBLIC_KEY_PATH", dir.join("jwt_public.pem"))
        .env("TOTP_ENCRYPTION_KEY", generate_hex_key())
        .env("LISTEN_ADDR", &launch.listen)
        .env("REGISTRATION_MODE", "closed")
        // Clients spread over many addresses so per-IP limits do not cap the bench.
        .env("TRUSTED_PROXIES", "127.0.0.1")
        .env("STATIC_FILES_PATH", dir.join("no-client"))
        .env("FILE_STORAGE_PATH", dir.join("files"))
        .env("UPLOAD_QUOTA_MB", "0")
        .env("RUST_LOG", "warn")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
    let mut base = None;
    let read = async {
        while let Some(line) = lines.next_line().await? {
            if let Some(rest) = line.strip_prefix("Chatalot is listening on ") {
                base = rest
                    .split_whitespace()
                    .next()
                    .map(|a| format!("http://{a}"));
            }
            if line == "Press Ctrl+C to stop." {
                break;
            }
        }
        anyhow::Ok(())
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .context("server start-up")??;
    // Keep draining stdout so the server never blocks on a full pipe; its warnings
    // and errors (RUST_LOG=warn) are shown, since they may explain a failed request.
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            eprintln!("server: {line}");
        }
    });
    Ok((child, base.context("listening line")?))
}

#[cfg(test)]
mod tests {
    use super::url_with_db;

    #[test]
    fn the_new_database_keeps_the_servers_options() {
        assert_eq!(
            url_with_db("postgres://postgres@127.0.0.1:5432/postgres", "bench"),
            "postgres://postgres@127.0.0.1:5432/bench"
        );
        assert_eq!(
            url_with_db(
                "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
                "bench"
            ),
            "postgres://postgres@127.0.0.1:5432/bench?sslmode=disable"
        );
        assert_eq!(
            url_with_db("postgres://postgres@127.0.0.1:5432", "bench"),
            "postgres://postgres@127.0.0.1:5432/bench"
        );
    }
}
