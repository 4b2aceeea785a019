//! `chatalot-loadgen`: measures the Chatalot server on this machine.
//!
//! It prepares a database (SQLite file or a fresh PostgreSQL database) with users,
//! a community and a channel — directly through the server's store, with access
//! tokens signed by the instance's own keys, so thousands of accounts need no
//! Argon2 logins — then starts the real `chatalot-server` binary as a separate
//! process and drives it over WebSocket and HTTP on loopback.
//!
//! ```text
//! chatalot-loadgen --backend sqlite fanout --subscribers 1000 --rate 50
//! chatalot-loadgen --backend postgres max-rate --subscribers 1000
//! chatalot-loadgen --backend sqlite idle --connections 10000
//! chatalot-loadgen --backend postgres history --messages 10000 --clients 32
//! chatalot-loadgen --backend sqlite persist --senders 200 --rate 1000
//! chatalot-loadgen --backend postgres purge --messages 100000 --clients 32
//! chatalot-loadgen --backend sqlite files --range-clients 32 --images 20
//! chatalot-loadgen --backend postgres storm --clients 10000
//! chatalot-loadgen --backend sqlite churn --members 2000 --watchers 200 --rate 50
//! chatalot-loadgen --backend postgres mixed --users 2000
//! ```
//! Results are printed as text and as one JSON line (`RESULT {…}`). Fan-out,
//! max-rate, idle, history, churn and mixed run against a trivial reference server too
//! (`reference.rs`), back to back, and report our figures, its figures and ratios.

mod client;
mod compare;
mod env;
mod metrics;
mod nginx;
mod reference;
mod scenarios;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "chatalot-loadgen",
    about = "Load generator for the Chatalot server"
)]
struct Cli {
    #[arg(long, value_enum, default_value_t = BackendArg::Sqlite)]
    backend: BackendArg,
    /// The server binary to start.
    #[arg(
        long,
        env = "CHATALOT_SERVER_BIN",
        default_value = "target/release/chatalot-server"
    )]
    server_bin: PathBuf,
    /// PostgreSQL server URL whose user may create databases.
    #[arg(
        long,
        env = "BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres: String,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Clone, Copy, ValueEnum)]
enum BackendArg {
    Sqlite,
    Postgres,
}

#[derive(Subcommand)]
enum Scenario {
    /// N subscribers in one channel, messages at a fixed rate from S senders:
    /// deliveries/s, end-to-end latency, server CPU per delivery.
    Fanout {
        #[arg(long, default_value_t = 1000)]
        subscribers: usize,
        /// Messages per second offered.
        #[arg(long, default_value_t = 50)]
        rate: u32,
        /// Measured seconds (after 2 s of warm-up).
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// Fan-out at rising rates: the highest with every message delivered and p99 < 100 ms.
    MaxRate {
        #[arg(long, default_value_t = 1000)]
        subscribers: usize,
        #[arg(long, default_value = "100,150,200,250,300,350,400")]
        rates: String,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// C authenticated idle connections: server memory per connection, and after they leave.
    Idle {
        #[arg(long, default_value_t = 10_000)]
        connections: usize,
    },
    /// Latest-50 history fetches on a channel of M messages by K concurrent clients.
    History {
        #[arg(long, default_value_t = 10_000)]
        messages: usize,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// Fetch the 50 messages before the newest page instead (scrolling back;
        /// read from the store every time).
        #[arg(long)]
        older: bool,
    },
    /// Files: server RSS during a 100 MiB upload and download, download GB/s,
    /// 1 MiB range requests from C clients, history latency during thumbnails.
    Files {
        #[arg(long, default_value_t = 32)]
        range_clients: usize,
        /// Measured seconds of range requests.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Large photos uploaded at once for thumbnails.
        #[arg(long, default_value_t = 20)]
        images: usize,
    },
    /// Purging one person's M messages (another channel) while K clients read the
    /// latest 50 of a channel: purge duration, history latency before and during.
    Purge {
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Seconds of reading measured before the purge starts.
        #[arg(long, default_value_t = 5)]
        baseline: u64,
    },
    /// Messages persisted per second: S senders over WebSocket, acknowledged writes.
    Persist {
        #[arg(long, default_value_t = 250)]
        senders: usize,
        /// Messages per second offered in total.
        #[arg(long, default_value_t = 1000)]
        rate: u32,
        #[arg(long, default_value_t = 15)]
        seconds: u64,
    },
    /// Calls: negotiation messages in C concurrent 4-person calls (latency through
    /// the server), then voice state changes reaching every one of M members.
    Voice {
        #[arg(long, default_value_t = 1000)]
        members: usize,
        #[arg(long, default_value_t = 100)]
        calls: usize,
        /// Candidates each participant sends per second (to its peers in turn).
        #[arg(long, default_value_t = 5)]
        signal_rate: u32,
        /// Measured seconds of signalling (after 2 s of warm-up).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Flag changes, each awaited until every member saw it.
        #[arg(long, default_value_t = 40)]
        changes: usize,
    },
    /// C clients in one community, the server restarted under them: time until all
    /// are `ready` again (with the web client's backoff), peak memory, nothing lost.
    Storm {
        #[arg(long, default_value_t = 10_000)]
        clients: usize,
        /// Every client shows the community's member list (`watch_presence`).
        #[arg(long)]
        member_list: bool,
        /// With `--member-list`: each list names this many members (its rows on
        /// screen, the first by ID) instead of showing the whole community (0).
        #[arg(long, default_value_t = 0)]
        rows: usize,
    },
    /// Presence churn: M members of one community connected, W showing its member
    /// list, others leaving and coming back at R presence changes a second.
    Churn {
        #[arg(long, default_value_t = 2000)]
        members: usize,
        #[arg(long, default_value_t = 200)]
        watchers: usize,
        /// Presence changes per second (members leaving or coming back).
        #[arg(long, default_value_t = 50)]
        rate: u32,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
    },
    /// U members connected at once, with random members sending, typing, changing
    /// presence and reading history: latencies, deliveries, server CPU and memory.
    Mixed {
        #[arg(long, default_value_t = 2000)]
        users: usize,
        /// Members showing the community's member list.
        #[arg(long, default_value_t = 200)]
        watchers: usize,
        #[arg(long, default_value_t = 5)]
        messages_per_s: u32,
        #[arg(long, default_value_t = 10)]
        typing_per_s: u32,
        #[arg(long, default_value_t = 10)]
        presence_per_s: u32,
        #[arg(long, default_value_t = 200)]
        reads_per_s: u32,
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
    /// Runs the reference server (started by the scenarios themselves).
    #[command(hide = true)]
    ReferenceServer {
        #[arg(long)]
        channel: uuid::Uuid,
        #[arg(long, default_value_t = 0)]
        messages: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let backend = match cli.backend {
        BackendArg::Sqlite => env::Backend::Sqlite,
        BackendArg::Postgres => env::Backend::Postgres(cli.postgres.clone()),
    };
    let result = match cli.scenario {
        Scenario::ReferenceServer { channel, messages } => {
            return reference::serve(channel, messages).await;
        }
        Scenario::Fanout {
            subscribers,
            rate,
            seconds,
        } => {
            let bench = env::Bench::prepare(backend, &cli.server_bin, subscribers, 0).await?;
            let window = Duration::from_secs(seconds);
            let reference = reference::Reference::start(bench.channel_id, 0).await?;
            let theirs = scenarios::fanout::run(&bench.reference(&reference), rate, window).await?;
            drop(reference);
            let ours = scenarios::fanout::run(&bench.target(), rate, window).await?;
            bench.finish().await?;
            compare::fanout(ours, theirs)
        }
        Scenario::MaxRate {
            subscribers,
            rates,
            seconds,
        } => {
            let bench = env::Bench::prepare(backend, &cli.server_bin, subscribers, 0).await?;
            let rates: Vec<u32> = rates
                .split(',')
                .filter_map(|r| r.trim().parse().ok())
                .collect();
            let window = Duration::from_secs(seconds);
            let reference = reference::Reference::start(bench.channel_id, 0).await?;
            let theirs =
                scenarios::fanout::max_rate(&bench.reference(&reference), &rates, window).await?;
            drop(reference);
            let ours = scenarios::fanout::max_rate(&bench.target(), &rates, window).await?;
            bench.finish().await?;
            compare::max_rate(ours, theirs)
        }
        Scenario::Idle { connections } => {
            let users = connections.div_ceil(4);
            let bench = env::Bench::prepare_users_only(backend, &cli.server_bin, users).await?;
            let reference = reference::Reference::start(bench.channel_id, 0).await?;
            let theirs = scenarios::idle::run(&bench.reference(&reference), connections).await?;
            drop(reference);
            let ours = scenarios::idle::run(&bench.target(), connections).await?;
            bench.finish().await?;
            compare::idle(ours, theirs)
        }
        Scenario::History {
            messages,
            clients,
            seconds,
            older,
        } => {
            let bench = env::Bench::prepare(backend, &cli.server_bin, clients, messages).await?;
            let window = Duration::from_secs(seconds);
            let reference = reference::Reference::start(bench.channel_id, messages).await?;
            let theirs =
                scenarios::history::run(&bench.reference(&reference), clients, window, older)
                    .await?;
            drop(reference);
            let ours = scenarios::history::run(&bench.target(), clients, window, older).await?;
            bench.finish().await?;
            compare::history(ours, theirs)
        }
        Scenario::Churn {
            members,
            watchers,
            rate,
            seconds,
        } => {
            let bench = env::Bench::prepare(backend, &cli.server_bin, members, 0).await?;
            let window = Duration::from_secs(seconds);
            let community = bench.community_id;
            let reference = reference::Reference::start(bench.channel_id, 0).await?;
            let theirs = scenarios::churn::run(
                &bench.reference(&reference),
                community,
                watchers,
                rate,
                window,
            )
            .await?;
            drop(reference);
            let ours =
                scenarios::churn::run(&bench.target(), community, watchers, rate, window).await?;
            bench.finish().await?;
            compare::churn(ours, theirs)
        }
        Scenario::Mixed {
            users,
            watchers,
            messages_per_s,
            typing_per_s,
            presence_per_s,
            reads_per_s,
            seconds,
        } => {
            let history = 1_000;
            let bench = env::Bench::prepare(backend, &cli.server_bin, users, history).await?;
            let mix = scenarios::mixed::Mix {
                messages: messages_per_s,
                typing: typing_per_s,
                presence: presence_per_s,
                reads: reads_per_s,
                watchers,
            };
            let window = Duration::from_secs(seconds);
            let community = bench.community_id;
            let reference = reference::Reference::start(bench.channel_id, history).await?;
            let theirs =
                scenarios::mixed::run(&bench.reference(&reference), community, mix, window).await?;
            drop(reference);
            let ours = scenarios::mixed::run(&bench.target(), community, mix, window).await?;
            bench.finish().await?;
            compare::mixed(ours, theirs)
        }
        Scenario::Storm {
            clients,
            member_list,
            rows,
        } => {
            let mut bench = env::Bench::prepare(backend, &cli.server_bin, clients, 1_000).await?;
            let r = scenarios::storm::run(&mut bench, member_list, rows).await?;
            bench.finish().await?;
            r
        }
        Scenario::Purge {
            messages,
            clients,
            baseline,
        } => {
            let bench =
                env::Bench::prepare_purge(backend, &cli.server_bin, clients, 10_000, messages)
                    .await?;
            let r = scenarios::purge::run(&bench, clients, Duration::from_secs(baseline)).await?;
            bench.finish().await?;
            r
        }
        Scenario::Files {
            range_clients,
            seconds,
            images,
        } => {
            let bench = env::Bench::prepare(backend, &cli.server_bin, range_clients, 200).await?;
            let window = Duration::from_secs(seconds);
            let r = scenarios::files::run(&bench, range_clients, window, images).await?;
            bench.finish().await?;
            r
        }
        Scenario::Persist {
            senders,
            rate,
            seconds,
        } => {
            let bench = env::Bench::prepare(backend, &cli.server_bin, senders, 0).await?;
            let r = scenarios::persist::run(&bench, rate, Duration::from_secs(seconds)).await?;
            bench.finish().await?;
            r
        }
        Scenario::Voice {
            members,
            calls,
            signal_rate,
            seconds,
            changes,
        } => {
            let bench = env::Bench::prepare_voice(backend, &cli.server_bin, members, calls).await?;
            let window = Duration::from_secs(seconds);
            let r = scenarios::voice::run(&bench, signal_rate, window, changes).await?;
            bench.finish().await?;
            r
        }
    };
    println!("RESULT {}", serde_json::to_string(&result)?);
    Ok(())
}
