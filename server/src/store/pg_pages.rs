//! Pages of history on PostgreSQL, read on connections kept outside the pool.
//!
//! sqlx pings every connection that goes back to its pool, a second round trip
//! for each page: PostgreSQL wakes to answer it and the server waits for it. Pages
//! are the most frequent read, so they take their own connections, kept here and
//! reused without that ping. The statement and the rows are the pool's
//! ([`Conn::messages_page`]); a connection whose read failed or was given up is
//! closed rather than kept.

use std::sync::Mutex;
use std::time::Duration;

use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::messages::{MessageRow, Page};
use super::{Conn, StoreError, StoreResult};

/// Reads at once, at most, each on its own connection (the pool keeps 16 more).
const READERS: usize = 6;
/// As the pool's acquire timeout: how long a read waits for a turn or a new
/// connection before the server answers that it is busy.
const WAIT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub struct PgPages {
    options: PgConnectOptions,
    idle: Mutex<Vec<PgConnection>>,
    turns: Semaphore,
}

impl PgPages {
    pub(super) fn new(options: PgConnectOptions) -> PgPages {
        PgPages {
            options,
            idle: Mutex::new(Vec::new()),
            turns: Semaphore::new(READERS),
        }
    }

    /// As [`Conn::messages_page`].
    pub(super) async fn page(
        &self,
        channel_id: Uuid,
        hide_blocked_by: Option<Uuid>,
        page: Page,
        limit: i64,
    ) -> StoreResult<Vec<MessageRow>> {
        let _turn = tokio::time::timeout(WAIT, self.turns.acquire())
            .await
            .map_err(|_| StoreError::Busy)?
            .map_err(|_| StoreError::Busy)?;
        let kept = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut conn = match kept {
            Some(conn) => conn,
            None => tokio::time::timeout(WAIT, PgConnection::connect_with(&self.options))
                .await
                .map_err(|_| StoreError::Busy)??,
        };
        let rows = Conn::Postgres(&mut conn)
            .messages_page(channel_id, hide_blocked_by, page, limit)
            .await?;
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(conn);
        Ok(rows)
    }

    /// Closes the kept connections.
    pub(super) async fn close(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|p| p.into_inner()));
        for conn in idle {
            let _ = conn.close().await;
        }
    }
}
