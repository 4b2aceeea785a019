//! A deadline per test server: a test still running long after any test should
//! have finished is stuck (a request or a query that never answers), and waiting on
//! would only hold up the whole suite. The watchdog names the test and ends the
//! process, so the run fails at once and says where.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// Ten times the slowest test's usual run (the permission matrix on PostgreSQL).
const DEADLINE: Duration = Duration::from_secs(15 * 60);

pub struct Watchdog {
    /// Dropped with the test server: the watchdog thread then ends quietly.
    _done: mpsc::Sender<()>,
}

impl Watchdog {
    pub fn start() -> Watchdog {
        let test = std::thread::current().name().unwrap_or("a test").to_owned();
        let (done, finished) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            if finished.recv_timeout(DEADLINE) == Err(RecvTimeoutError::Timeout) {
                eprintln!(
                    "WATCHDOG: {test} is still running after {} s; it is stuck, ending the test process",
                    DEADLINE.as_secs()
                );
                std::process::exit(101);
            }
        });
        Watchdog { _done: done }
    }
}
