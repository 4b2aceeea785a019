//! `chatalot-server`: the Chatalot server binary.
//!
//! ```text
//! chatalot-server                  serve, configured by environment variables (.env read if present)
//! chatalot-server quickstart       serve with a data folder (./data) that supplies the database,
//!                                  keys and secrets, created on first run
//! chatalot-server openapi          print the OpenAPI document
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use chatalot_server::config::quickstart::Quickstart;
use chatalot_server::config::{Config, ConfigError};
use chatalot_server::{Server, http};
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
        Command::Serve => (Config::from_env(), None),
        Command::Quickstart { data_dir } => match Quickstart::prepare(&data_dir) {
            Ok(qs) => {
                let config = Config::from_lookup(|name| {
                    std::env::var(name).ok().or_else(|| qs.default_for(name))
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
