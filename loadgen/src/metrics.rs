//! Process figures from `/proc`: CPU time and resident memory of the server (and
//! of PostgreSQL's processes, reported separately).

use std::time::Duration;

/// Clock ticks per second for `/proc/<pid>/stat` (the Linux default).
const TICKS_PER_SECOND: f64 = 100.0;

/// User + system CPU time of a process.
pub fn cpu_time(pid: u32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    // Fields after the parenthesised command name; utime and stime are 14th and 15th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields
        .get(11)
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0);
    Duration::from_secs_f64(ticks / TICKS_PER_SECOND)
}

/// Resident memory of a process, in bytes.
pub fn rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// Summed CPU time of every PostgreSQL server process on the machine.
pub fn postgres_cpu_time() -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .map(cpu_time)
        .sum()
}

/// (busy, total) jiffies of the whole machine, from `/proc/stat`.
fn machine_jiffies() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let values: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = values.iter().sum();
    // idle and iowait are the 4th and 5th values.
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// CPU used between two readings.
pub struct CpuWindow {
    pid: u32,
    server_start: Duration,
    postgres_start: Duration,
    loadgen_start: Duration,
    machine_start: (u64, u64),
    started: std::time::Instant,
}

/// Who else used the machine during a window: the load generator itself, and how
/// busy all cores were (other work on the machine shows as the difference).
pub struct Contention {
    pub loadgen_cpu_percent: f64,
    pub machine_busy_percent: f64,
}

impl CpuWindow {
    pub fn start(pid: u32) -> CpuWindow {
        CpuWindow {
            pid,
            server_start: cpu_time(pid),
            postgres_start: postgres_cpu_time(),
            loadgen_start: cpu_time(std::process::id()),
            machine_start: machine_jiffies(),
            started: std::time::Instant::now(),
        }
    }

    /// The load generator's CPU and the machine's busy share since the start.
    pub fn contention(&self) -> Contention {
        let wall = self.started.elapsed().as_secs_f64();
        let loadgen = cpu_time(std::process::id()).saturating_sub(self.loadgen_start);
        let (busy, total) = machine_jiffies();
        let (busy0, total0) = self.machine_start;
        Contention {
            loadgen_cpu_percent: loadgen.as_secs_f64() * 100.0 / wall,
            machine_busy_percent: (busy - busy0) as f64 * 100.0 / (total - total0).max(1) as f64,
        }
    }

    /// (wall time, server CPU, PostgreSQL CPU) since the start.
    pub fn stop(&self) -> (Duration, Duration, Duration) {
        (
            self.started.elapsed(),
            cpu_time(self.pid).saturating_sub(self.server_start),
            postgres_cpu_time().saturating_sub(self.postgres_start),
        )
    }
}
