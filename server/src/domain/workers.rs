//! The loop background workers share (scheduled messages, the email outbox): a pass,
//! then sleep until the time the pass names, a wake-up, or a minute; a failed pass is
//! logged and tried again soon. Ends when `stop` changes.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio::sync::watch;

use crate::domain::error::Result;
use crate::store;

/// A worker looks again at least this often (in case a wake-up was missed).
const IDLE_CHECK: Duration = Duration::from_secs(60);
/// How soon a failed pass is tried again.
const RETRY: Duration = Duration::from_secs(5);

/// The wait after the `attempts`-th failure of a delivery: `base`, doubled on each
/// failure, at most an hour.
pub(crate) fn backoff(base: Duration, attempts: i32) -> chrono::Duration {
    const MAX_BACKOFF: Duration = Duration::from_secs(3600);
    let wait = base
        .checked_mul(1u32 << attempts.clamp(1, 20).saturating_sub(1))
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
}

pub(crate) async fn run_passes<F, Fut>(
    name: &'static str,
    wake: &Notify,
    mut stop: watch::Receiver<bool>,
    mut pass: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<DateTime<Utc>>>>,
{
    loop {
        let wait = match pass().await {
            Ok(next) => next
                .map(|at| (at - store::now()).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(IDLE_CHECK)
                .min(IDLE_CHECK),
            Err(err) => {
                tracing::warn!(error = %err, "{name} failed; retrying");
                RETRY
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = wake.notified() => {}
            _ = stop.changed() => return,
        }
    }
}
