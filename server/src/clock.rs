//! The time meetings and their reminders go by: the system clock in production, a
//! clock that tests set and advance (MEET-2: reminders are tested without waiting).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct Clock(Option<Arc<Manual>>);

struct Manual {
    now: Mutex<DateTime<Utc>>,
    /// Wakes whoever waits for a time when the clock is moved.
    moved: Notify,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stands at `at` until it is moved.
    pub fn manual(at: DateTime<Utc>) -> Clock {
        Clock(Some(Arc::new(Manual {
            now: Mutex::new(at),
            moved: Notify::new(),
        })))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => crate::store::now(),
            Some(manual) => *manual.now.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock forward (the system clock cannot be moved).
    pub fn advance(&self, by: chrono::Duration) {
        if let Some(manual) = &self.0 {
            *manual.now.lock().unwrap_or_else(|e| e.into_inner()) += by;
            manual.moved.notify_waiters();
        }
    }

    /// Waits until the clock reaches `at`, or at most `limit` of real time.
    pub async fn sleep_until(&self, at: Option<DateTime<Utc>>, limit: Duration) {
        match &self.0 {
            None => {
                let wait = at
                    .map(|at| (at - self.now()).to_std().unwrap_or(Duration::ZERO))
                    .unwrap_or(limit)
                    .min(limit);
                tokio::time::sleep(wait).await;
            }
            Some(manual) => {
                // Registered before the clock is read, so a move in between wakes it.
                let moved = manual.moved.notified();
                tokio::pin!(moved);
                moved.as_mut().enable();
                if at.is_some_and(|at| at <= self.now()) {
                    return;
                }
                let _ = tokio::time::timeout(limit, moved).await;
            }
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("Clock::system"),
            Some(_) => write!(f, "Clock::manual({})", self.now()),
        }
    }
}
