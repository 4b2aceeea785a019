//! `chatalot-updater`: configured by environment variables (docs/docker.md).

use std::process::ExitCode;

use chatalot_updater::config::Config;
use chatalot_updater::{api, update::Updater};

fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("chatalot_updater=info")),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen_addr)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "UPDATER_LISTEN_ADDR: cannot listen on {}: {e}",
                config.listen_addr
            )
        })?;
    let auth = if config.registry_auth.is_some() {
        "with registry credentials"
    } else {
        "anonymous pulls"
    };
    tracing::info!(
        "chatalot-updater listening on {}, managing container {}, {auth}",
        config.listen_addr,
        config.container
    );
    let interval = config.check_interval;
    let updater = Updater::new(config);
    let checker = updater.clone();
    tokio::spawn(async move {
        loop {
            let status = checker.check().await;
            if let Some(error) = &status.check_error {
                tracing::warn!("update check: {error}");
            }
            tokio::time::sleep(interval).await;
        }
    });
    axum::serve(listener, api::router(updater))
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

/// Ctrl-C or SIGTERM (what `docker stop` sends).
async fn shutdown() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(signal) => signal,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
