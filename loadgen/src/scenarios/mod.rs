//! The measured scenarios.

pub mod churn;
pub mod fanout;
pub mod files;
pub mod history;
pub mod idle;
pub mod mixed;
pub mod persist;
pub mod purge;
pub mod storm;
pub mod voice;

use std::time::Instant;

use hdrhistogram::Histogram;
use serde_json::{Value, json};

/// Microseconds since the load generator started (one clock for all clients).
pub fn now_micros(origin: Instant) -> u64 {
    origin.elapsed().as_micros() as u64
}

pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

/// p50/p99/max in milliseconds.
pub fn latency_json(h: &Histogram<u64>) -> Value {
    let ms = |us: u64| us as f64 / 1000.0;
    json!({
        "p50_ms": ms(h.value_at_quantile(0.50)),
        "p99_ms": ms(h.value_at_quantile(0.99)),
        "max_ms": ms(h.max()),
        "samples": h.len(),
    })
}

/// A random private address for `X-Forwarded-For`, so per-IP limits spread out.
pub fn random_ip() -> String {
    let n: u32 = rand::random();
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}
