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
