//! `chatalot-server`: the Chatalot server binary.
//!
//! ```text
//! chatalot-server                  serve, configured by environment variables (.env read if present)
//! chatalot-server quickstart       serve with a data folder (./data) that supplies the database,
//!                                  keys and secrets, created on first run
//! chatalot-server openapi          print the OpenAPI document
//! chatalot-server health           exit 0 when the server on LISTEN_ADDR answers /api/health
//! chatalot-server backup FILE      write a consistent backup of the database to FILE
//! chatalot-server restore FILE --yes
//!                                  replace every table with the backup's (server stopped)
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chatalot_server::config::quickstart::Quickstart;
use chatalot_server::config::{Config, ConfigError};
use chatalot_server::{Server, http, ops};
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(name = "chatalot-server", version, about = "Self-hosted chat server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve with configuration from the environment (the default).
    Serve,
    /// Serve with zero configuration: a data folder supplies whatever the environment
    /// leaves unset (SQLite database, JWT key pair, TOTP key), created on first run.
    Quickstart {
        /// Folder for the database, secrets and uploaded files.
        #[arg(long, env = "CHATALOT_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Print the OpenAPI document of the REST API.
    Openapi,
    /// Exit 0 when the server listening on LISTEN_ADDR on this host is healthy
    /// (its /api/health answers 200), 1 otherwise: the container health check.
    Health,
    /// Write a consistent backup of the database (DATABASE_URL, else the quick-start
    /// database in the data folder) to FILE, which must not exist; safe while serving.
    Backup {
        file: PathBuf,
        #[arg(long, env = "CHATALOT_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Replace every table of the database with a backup's rows, all or nothing.
    /// Stop the server first. Refuses backups made by a newer version.
    Restore {
        file: PathBuf,
        /// Confirms that the database's current contents are to be replaced.
        #[arg(long)]
        yes: bool,
        #[arg(long, env = "CHATALOT_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
}

fn main() -> ExitCode {
    // A missing .env is normal; a malformed one is reported like any bad variable.
    if let Err(err) = dotenvy::dotenv()
        && !err.not_found()
    {
        eprintln!("configuration error: .env: {err}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    let (config, quickstart) = match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            return match http::openapi().to_pretty_json() {
                Ok(json) => {
                    println!("{json}");
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("error: {err}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Health => return health(),
        Command::Backup { file, data_dir } => return backup(&file, &data_dir),
        Command::Restore {
            file,
            yes,
            data_dir,
        } => return restore(&file, yes, &data_dir),
        Command::Serve => (Config::from_env(), None),
        Command::Quickstart { data_dir } => match Quickstart::prepare(&data_dir) {
            Ok(qs) => {
                let config = Config::from_lookup(|name| {
                    // An empty variable counts as unset, so the folder's default applies.
                    std::env::var(name)
                        .ok()
                        .filter(|v| !v.is_empty())
                        .or_else(|| qs.default_for(name))
                });
                (config, Some(qs))
            }
            Err(err) => {
                eprintln!(
                    "error: cannot prepare the data folder {}: {err}",
                    data_dir.display()
                );
                return ExitCode::FAILURE;
            }
        },
    };
    let config = match config {
        Ok(config) => config,
        Err(err) => return config_error(&err),
    };
    init_tracing(&config.log_filter);

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config, quickstart)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn health() -> ExitCode {
    let listen_addr = match std::env::var("LISTEN_ADDR")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| v.parse::<std::net::SocketAddr>())
        .unwrap_or(Ok(std::net::SocketAddr::from(([0, 0, 0, 0], 8080))))
    {
        Ok(addr) => addr,
        Err(_) => {
            eprintln!(
                "configuration error: LISTEN_ADDR: expected an address and port such as 0.0.0.0:8080"
            );
            return ExitCode::from(2);
        }
    };
    let checked = block_on(ops::health::check(
        listen_addr,
        std::time::Duration::from_secs(5),
    ));
    match checked {
        Some(Ok(body)) => {
            println!("{body}");
            ExitCode::SUCCESS
        }
        Some(Err(reason)) => {
            eprintln!("unhealthy: {reason}");
            ExitCode::FAILURE
        }
        None => ExitCode::FAILURE,
    }
}

fn backup(file: &Path, data_dir: &Path) -> ExitCode {
    let url = ops::backup::database_url(|name| std::env::var(name).ok(), data_dir);
    match block_on(chatalot_server::store::backup::backup(&url, file)) {
        Some(Ok(summary)) => {
            println!(
                "backup written to {}: {} tables, {} rows",
                file.display(),
                summary.tables,
                summary.rows
            );
            ExitCode::SUCCESS
        }
        Some(Err(err)) => {
            eprintln!("error: backup failed: {err}");
            ExitCode::FAILURE
        }
        None => ExitCode::FAILURE,
    }
}

fn restore(file: &Path, yes: bool, data_dir: &Path) -> ExitCode {
    if !yes {
        eprintln!(
            "error: restore replaces every table of the database with the backup's; stop the server and add --yes to confirm"
        );
        return ExitCode::from(2);
    }
    let url = ops::backup::database_url(|name| std::env::var(name).ok(), data_dir);
    match block_on(chatalot_server::store::backup::restore(&url, file)) {
        Some(Ok(summary)) => {
            println!(
                "restored {}: {} tables, {} rows",
                file.display(),
                summary.tables,
                summary.rows
            );
            ExitCode::SUCCESS
        }
        Some(Err(err)) => {
            eprintln!("error: restore failed, nothing was changed: {err}");
            ExitCode::FAILURE
        }
        None => ExitCode::FAILURE,
    }
}

/// Runs a one-off command's future; `None` (reported) when no runtime starts.
fn block_on<T>(future: impl std::future::Future<Output = T>) -> Option<T> {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Some(runtime.block_on(future)),
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            None
        }
    }
}

fn config_error(err: &ConfigError) -> ExitCode {
    eprintln!("configuration error: {err}");
    ExitCode::from(2)
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(chatalot_server::config::DEFAULT_LOG_FILTER)
    });
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .init();
}

async fn run(config: Config, quickstart: Option<Quickstart>) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.listen_addr).await.map_err(|e| {
        anyhow::anyhow!("LISTEN_ADDR: cannot listen on {}: {e}", config.listen_addr)
    })?;
    let server = Server::start(config, listener).await?;
    print_banner(&server, quickstart.as_ref());
    server.run(shutdown_signal()).await
}

fn print_banner(server: &Server, quickstart: Option<&Quickstart>) {
    let addr = server.local_addr().ok();
    let port = addr.map_or(0, |a| a.port());
    let browse = match addr {
        Some(a) if a.ip().is_unspecified() => format!("http://localhost:{port}"),
        Some(a) => format!("http://{a}"),
        None => "(unknown address)".to_owned(),
    };
    let public = server.core().config.public_url.clone();
    println!(
        "Chatalot is listening on {} — open {}",
        addr.map_or_else(String::new, |a| a.to_string()),
        public.unwrap_or(browse.clone())
    );
    if let Some(qs) = quickstart {
        println!("Data folder: {}", qs.data_dir.display());
        for created in &qs.created {
            println!("  created {}", created.display());
        }
    }
    let bootstrap = server.bootstrap();
    if bootstrap.needs_owner {
        println!(
            "No account exists yet: the first account to register becomes the instance owner."
        );
        if let Some(code) = &bootstrap.setup_code {
            println!("Setup code (valid until the owner registers): {code}");
            println!("Register in the web client with this code, or:");
            println!(
                "  curl -X POST {browse}/api/auth/register -H 'content-type: application/json' \\\n    -d '{{\"username\":\"owner\",\"password\":\"choose-a-password\",\"invite_code\":\"{code}\"}}'"
            );
        }
    }
    println!("Press Ctrl+C to stop.");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
