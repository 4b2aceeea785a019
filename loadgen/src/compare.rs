//! Our figures beside the reference server's, and their ratios (ours ÷ reference).

use serde_json::{Value, json};

/// `ours[path] / theirs[path]`, when both are numbers and the divisor is not zero.
fn ratio(ours: &Value, theirs: &Value, path: &str) -> Value {
    match (ours.pointer(path), theirs.pointer(path)) {
        (Some(a), Some(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) if b != 0.0 => json!(a / b),
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

fn combined(scenario: &str, ours: Value, theirs: Value, ratios: Value) -> Value {
    let result = json!({
        "scenario": scenario,
        "backend": ours["backend"],
        "ratios": ratios,
        "chatalot": ours,
        "reference": theirs,
    });
    eprintln!(
        "{scenario}: ours ÷ reference = {}",
        serde_json::to_string_pretty(&result["ratios"]).unwrap_or_default()
    );
    result
}

pub fn fanout(ours: Value, theirs: Value) -> Value {
    let ratios = json!({
        "server_cpu_us_per_delivery": ratio(&ours, &theirs, "/server_cpu_us_per_delivery"),
        "deliveries_per_s": ratio(&ours, &theirs, "/deliveries_per_s"),
        "p50_ms": ratio(&ours, &theirs, "/latency/p50_ms"),
        "p99_ms": ratio(&ours, &theirs, "/latency/p99_ms"),
    });
    combined("fanout", ours, theirs, ratios)
}

pub fn max_rate(ours: Value, theirs: Value) -> Value {
    let ratios = json!({ "best_rate": ratio(&ours, &theirs, "/best_rate") });
    combined("max-rate", ours, theirs, ratios)
}

pub fn idle(ours: Value, theirs: Value) -> Value {
    let ratios = json!({
        "bytes_per_connection": ratio(&ours, &theirs, "/bytes_per_connection"),
        "rss_before_mib": ratio(&ours, &theirs, "/rss_before_mib"),
    });
    combined("idle", ours, theirs, ratios)
}

pub fn history(ours: Value, theirs: Value) -> Value {
    let ratios = json!({
        "requests_per_s": ratio(&ours, &theirs, "/requests_per_s"),
        "p99_ms": ratio(&ours, &theirs, "/latency/p99_ms"),
    });
    combined("history", ours, theirs, ratios)
}

/// The reference has no presence: what compares is the cost of the connections
/// coming and going.
pub fn churn(ours: Value, theirs: Value) -> Value {
    let ratios = json!({
        "server_cpu_us_per_change": ratio(&ours, &theirs, "/server_cpu_us_per_change"),
        "connect_to_ready_p99_ms": ratio(&ours, &theirs, "/connect_to_ready/p99_ms"),
    });
    combined("churn", ours, theirs, ratios)
}

/// The reference ignores typing and presence: what compares is the server's CPU for
/// the same offered actions, and the latencies both serve.
pub fn mixed(ours: Value, theirs: Value) -> Value {
    let ratios = json!({
        "server_cpu_s": ratio(&ours, &theirs, "/server_cpu_s"),
        "delivery_p99_ms": ratio(&ours, &theirs, "/delivery/p99_ms"),
        "message_ack_p99_ms": ratio(&ours, &theirs, "/message_ack/p99_ms"),
        "read_p99_ms": ratio(&ours, &theirs, "/read/p99_ms"),
    });
    combined("mixed", ours, theirs, ratios)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_divide_ours_by_the_reference_and_skip_what_cannot_be_divided() {
        let ours =
            json!({"backend": "sqlite", "requests_per_s": 500.0, "latency": {"p99_ms": 4.0}});
        let theirs = json!({"requests_per_s": 1000.0, "latency": {"p99_ms": 0.0}});
        let result = history(ours, theirs);
        assert_eq!(result["ratios"]["requests_per_s"], json!(0.5));
        assert_eq!(result["ratios"]["p99_ms"], Value::Null);
        assert_eq!(result["backend"], "sqlite");
    }
}
