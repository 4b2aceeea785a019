//! Starting and stopping a server: the seam used by the binary, the tests and the
//! desktop app's host mode.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::domain::{Bootstrap, Core};
use crate::events::{CloseReason, FeedPace};
use crate::http::{self, Limiters};
use crate::memory;
use crate::store::{self, Db};

/// How often expired sessions, stale login counters and idle rate-limit buckets
/// are cleaned up.
const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(600);
/// How long shutting down waits for WebSocket sessions to write their closing.
const SESSIONS_CLOSING: Duration = Duration::from_secs(10);

/// A server that has connected to its database, migrated it and bound its socket,
/// but does not serve yet.
pub struct Server {
    listener: TcpListener,
    router: axum::Router,
    core: Core,
    limiters: Limiters,
    bootstrap: Bootstrap,
}

impl Server {
    /// Connects and migrates the database, runs start-up tasks and prepares the app.
    pub async fn start(config: Config, listener: TcpListener) -> anyhow::Result<Server> {
        let config = Arc::new(config);
        let db = Db::connect(config.database_url.expose())
            .await
            .context("cannot connect to the database (DATABASE_URL)")?;
        db.migrate().await.context("database migration failed")?;
        let core = Core::new(config.clone(), db)?;
        core.sso.spawn_discovery();
        let bootstrap = core
            .bootstrap()
            .await
            .map_err(|e| anyhow::anyhow!("start-up tasks failed: {e}"))?;
        let limiters = Limiters::new(&config);
        let router = http::app(core.clone(), &limiters)?;
        Ok(Server {
            listener,
            router,
            core,
            limiters,
            bootstrap,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// What start-up found: whether an owner is needed and the setup code.
    pub fn bootstrap(&self) -> &Bootstrap {
        &self.bootstrap
    }

    pub fn core(&self) -> &Core {
        &self.core
    }

    /// Serves until `shutdown` completes, then stops accepting, lets in-flight
    /// requests finish and closes the database.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let maintenance = tokio::spawn(maintenance(
            self.core.clone(),
            self.limiters.clone(),
            stop_rx.clone(),
        ));
        let memory = tokio::spawn(release_memory(self.core.clone(), stop_rx.clone()));
        let scheduler = {
            let core = self.core.clone();
            let stop = stop_rx.clone();
            tokio::spawn(async move { core.run_scheduler(stop).await })
        };
        let reminders = {
            let core = self.core.clone();
            let stop = stop_rx.clone();
            tokio::spawn(async move { core.run_reminders(stop).await })
        };
        let outbox = {
            let core = self.core.clone();
            let stop = stop_rx.clone();
            tokio::spawn(async move { core.run_outbox(stop).await })
        };
        let purges = {
            let core = self.core.clone();
            let stop = stop_rx.clone();
            tokio::spawn(async move { core.run_purges(stop).await })
        };
        let presence = {
            let events = self.core.events.clone();
            let tuning = &self.core.config.tuning;
            let pace = FeedPace {
                interval: tuning.presence_interval,
                frames_per_second: tuning.presence_frames_per_second,
            };
            let stop = stop_rx.clone();
            tokio::spawn(async move {
                let feed = events.presence_feed.clone();
                feed.run(&events.hub, &events.presences, pace, stop).await;
            })
        };
        let push = {
            let core = self.core.clone();
            tokio::spawn(async move { core.run_push(stop_rx).await })
        };
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        // On shutdown, WebSocket clients are told to reconnect (1012) so upgraded
        // connections end too, and in-flight requests finish.
        let hub = self.core.events.hub.clone();
        let shutdown = async move {
            shutdown.await;
            hub.close_all(CloseReason::RESTART);
        };
        // Small frames (acks, events) go out at once instead of waiting for the
        // client's delayed ACK of the previous one (Nagle), which cost up to 40 ms.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(error = %err, "cannot set TCP_NODELAY");
            }
        });
        let result = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        // Upgraded WebSockets outlive the HTTP server: let them write their closing
        // (last seen, presence) while the database is still open.
        let sessions = &self.core.events.sessions;
        sessions.close();
        if tokio::time::timeout(SESSIONS_CLOSING, sessions.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                open = sessions.len(),
                "WebSocket sessions still closing at shutdown; stopping without them"
            );
        }
        let _ = stop_tx.send(true);
        let _ = maintenance.await;
        let _ = scheduler.await;
        let _ = reminders.await;
        let _ = outbox.await;
        let _ = purges.await;
        let _ = push.await;
        let _ = presence.await;
        let _ = memory.await;
        self.core.db.close().await;
        tracing::info!("server stopped");
        result.context("server failed")
    }
}

/// Starts and runs a server until `shutdown` (the whole life cycle in one call).
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    Server::start(config, listener).await?.run(shutdown).await
}

/// How often memory freed by departed connections is handed back to the system.
const MEMORY_RELEASE_INTERVAL: Duration = Duration::from_secs(5);

/// Gives freed heap memory back to the system after connections leave, and at
/// start what start-up alone used.
async fn release_memory(core: Core, mut stop: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(MEMORY_RELEASE_INTERVAL);
    // The first tick comes at once and its trim gives back what start-up freed
    // (migrations, bootstrap): about 6 MiB of an idle server's 13 MiB of heap.
    let mut last = usize::MAX;
    memory::release_startup_code();
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = stop.changed() => return,
        }
        let now = core.events.hub.connection_count();
        if now < last {
            memory::trim_heap();
        }
        last = now;
    }
}

async fn maintenance(core: Core, limiters: Limiters, mut stop: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(MAINTENANCE_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = stop.changed() => return,
        }
        limiters.forget_idle();
        if let Err(err) = core.prune(store::now()).await {
            tracing::warn!(error = %err, "maintenance failed; will retry");
        }
    }
}
