//! The update procedure and the state the internal API reports.
//!
//! backup (old image, one-off container) → pull new image by digest → stop the old
//! container and keep it aside → create and start the new one with the same
//! configuration → wait until healthy → remove the old one. If anything fails after
//! the old container stopped, or the new one never becomes healthy: remove the new
//! one, restore the backup with the old image, and put the old container back.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::config::{Config, backup_path};
use crate::engine::{Engine, EngineError};
use crate::feed::{self, Release};
use crate::spec::ContainerSpec;

/// The image label that carries the version (set by docker/Dockerfile).
pub const VERSION_LABEL: &str = "org.opencontainers.image.version";
const STOP_GRACE: Duration = Duration::from_secs(30);
const ONE_SHOT_LIMIT: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    Succeeded,
    /// The new version never became healthy; the old one runs again on its data.
    RolledBack,
    /// Nothing was changed (backup or pull failed), or the rollback itself failed.
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub at: String,
    pub step: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: u64,
    pub from_version: Option<String>,
    pub to_version: String,
    pub state: JobState,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub backup: Option<String>,
    pub error: Option<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub current_version: Option<String>,
    pub feed_configured: bool,
    pub checked_at: Option<String>,
    pub check_error: Option<String>,
    /// Releases newer than the running one, newest first.
    pub available: Vec<Release>,
    /// The running or last update.
    pub job: Option<Job>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ApplyError {
    #[error("an update is already running")]
    Busy,
    #[error("version {0} is not an available update; check for updates first")]
    Unknown(String),
}

struct State {
    current_version: Option<semver::Version>,
    releases: Vec<Release>,
    checked_at: Option<String>,
    check_error: Option<String>,
    job: Option<Job>,
    next_job: u64,
}

pub struct Updater {
    pub config: Config,
    engine: Engine,
    http: reqwest::Client,
    state: Mutex<State>,
    /// Woken whenever a job finishes.
    finished: tokio::sync::Notify,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Updater {
    pub fn new(config: Config) -> Arc<Updater> {
        let engine = Engine::new(&config.docker_host);
        let http = reqwest::Client::builder()
            .user_agent(concat!("chatalot-updater/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("an HTTP client builds");
        Arc::new(Updater {
            config,
            engine,
            http,
            state: Mutex::new(State {
                current_version: None,
                releases: Vec::new(),
                checked_at: None,
                check_error: None,
                job: None,
                next_job: 1,
            }),
            finished: tokio::sync::Notify::new(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn status(&self) -> Status {
        let state = self.state();
        Status {
            current_version: state.current_version.as_ref().map(ToString::to_string),
            feed_configured: self.config.feed_url.is_some(),
            checked_at: state.checked_at.clone(),
            check_error: state.check_error.clone(),
            available: feed::newer_than(&state.releases, state.current_version.as_ref()),
            job: state.job.clone(),
        }
    }

    /// The running server's version, from its image's version label.
    pub async fn detect_version(&self) -> Result<Option<semver::Version>, EngineError> {
        let container = self
            .engine
            .inspect_container(&self.config.container)
            .await?;
        let version = container
            .pointer("/Config/Labels")
            .and_then(|labels| labels.get(VERSION_LABEL))
            .and_then(Value::as_str)
            .and_then(|v| semver::Version::parse(v.trim_start_matches('v')).ok());
        self.state().current_version = version.clone();
        Ok(version)
    }

    /// Reads the running version and the feed again.
    pub async fn check(&self) -> Status {
        let version_error = match self.detect_version().await {
            Ok(Some(_)) => None,
            Ok(None) => Some(format!(
                "the running image has no version label ({VERSION_LABEL}, e.g. an image built without CHATALOT_VERSION): no release can be offered safely"
            )),
            Err(e) => Some(e.to_string()),
        };
        let fetched = match &self.config.feed_url {
            Some(url) => Some(feed::fetch(&self.http, url).await),
            None => None,
        };
        {
            let mut state = self.state();
            state.checked_at = Some(now());
            state.check_error = version_error;
            match fetched {
                Some(Ok(releases)) => state.releases = releases,
                Some(Err(e)) => {
                    state.check_error = Some(match state.check_error.take() {
                        Some(version) => format!("{version}; {e}"),
                        None => e,
                    });
                }
                None => {}
            }
        }
        self.status()
    }

    /// Starts an update to `version` (one of the available ones); returns the job as
    /// it starts. `run` performs it.
    pub fn begin(&self, version: &str) -> Result<(Job, Release), ApplyError> {
        let mut state = self.state();
        if state
            .job
            .as_ref()
            .is_some_and(|j| j.state == JobState::Running)
        {
            return Err(ApplyError::Busy);
        }
        let release = feed::newer_than(&state.releases, state.current_version.as_ref())
            .into_iter()
            .find(|r| r.version.to_string() == version)
            .ok_or_else(|| ApplyError::Unknown(version.to_owned()))?;
        let job = Job {
            id: state.next_job,
            from_version: state.current_version.as_ref().map(ToString::to_string),
            to_version: release.version.to_string(),
            state: JobState::Running,
            started_at: now(),
            finished_at: None,
            backup: None,
            error: None,
            steps: Vec::new(),
        };
        state.next_job += 1;
        state.job = Some(job.clone());
        Ok((job, release))
    }

    /// Applies `release` (after [`Updater::begin`]); returns the finished job.
    pub async fn run(&self, release: Release) -> Job {
        let outcome = self.update(&release).await;
        let mut state = self.state();
        if let Some(job) = state.job.as_mut() {
            job.finished_at = Some(now());
            match outcome {
                Ok(()) => job.state = JobState::Succeeded,
                Err((state_after, error)) => {
                    job.state = state_after;
                    job.error = Some(error);
                }
            }
        }
        if state
            .job
            .as_ref()
            .is_some_and(|j| j.state == JobState::Succeeded)
        {
            state.current_version = Some(release.version.clone());
        }
        let job = state.job.clone().expect("a job was begun");
        drop(state);
        self.finished.notify_waiters();
        job
    }

    /// Waits until job `id` has finished; the finished job.
    pub async fn finished(&self, id: u64) -> Job {
        loop {
            // Registered before the state is read, so a finish in between still wakes it.
            let notified = self.finished.notified();
            if let Some(job) = self
                .state()
                .job
                .clone()
                .filter(|j| j.id == id && j.state != JobState::Running)
            {
                return job;
            }
            notified.await;
        }
    }

    fn step(&self, step: &'static str, detail: impl Into<String>) {
        let detail = detail.into();
        tracing::info!(step, "{detail}");
        if let Some(job) = self.state().job.as_mut() {
            job.steps.push(Step {
                at: now(),
                step,
                detail,
            });
        }
    }

    async fn update(&self, release: &Release) -> Result<(), (JobState, String)> {
        let failed = |e: EngineError| (JobState::Failed, e.to_string());
        let name = self.config.container.clone();
        let old = self.engine.inspect_container(&name).await.map_err(failed)?;
        let old_id = old["Id"].as_str().unwrap_or_default().to_owned();
        let old_image = old["Image"].as_str().unwrap_or_default().to_owned();
        let image = self
            .engine
            .inspect_image(&old_image)
            .await
            .map_err(failed)?;
        let spec = ContainerSpec::from_inspect(&old, &image);
        let from = self
            .state()
            .current_version
            .as_ref()
            .map_or("unknown".into(), ToString::to_string);

        // 1. Backup with the running version, while it serves.
        let backup = backup_path(
            &self.config.backup_dir,
            &from,
            &release.version.to_string(),
            chrono::Utc::now(),
        );
        let backup = backup.display().to_string();
        self.step("backup", format!("backing up the database to {backup}"));
        let code = self
            .one_shot(
                &spec,
                &old_image,
                &["chatalot-server", "backup", &backup],
                "backup",
            )
            .await
            .map_err(failed)?;
        if code != 0 {
            return Err((
                JobState::Failed,
                format!("the backup failed (exit code {code}); nothing was changed"),
            ));
        }
        if let Some(job) = self.state().job.as_mut() {
            job.backup = Some(backup.clone());
        }

        // 2. The new image, pinned by digest.
        let reference = release.reference();
        self.step("pull", format!("pulling {reference}"));
        let auth = self.config.registry_auth.as_ref().map(|a| a.header_value());
        self.engine
            .pull(&reference, auth.as_deref())
            .await
            .map_err(|e| (JobState::Failed, format!("{e}; nothing was changed")))?;

        // 3. Swap containers; from here on a failure rolls back.
        let previous = format!("{name}-previous");
        self.step("stop", format!("stopping {name} ({from})"));
        let swapped = async {
            self.engine.stop(&old_id, STOP_GRACE).await?;
            self.engine.rename(&old_id, &previous).await?;
            self.step("start", format!("starting {name} on {}", release.version));
            let new_id = self
                .engine
                .create_container(&name, &spec.body(&reference))
                .await?;
            self.engine.start(&new_id).await?;
            Ok::<_, EngineError>(new_id)
        }
        .await;
        let reason = match swapped {
            Ok(new_id) => {
                self.step("health", "waiting for the new server to report healthy");
                match self.wait_healthy(&new_id).await {
                    Ok(()) => {
                        self.step("cleanup", "healthy; removing the previous container");
                        if let Err(e) = self.engine.remove(&old_id).await {
                            self.step("cleanup", format!("could not remove {previous}: {e}"));
                        }
                        return Ok(());
                    }
                    Err(reason) => reason,
                }
            }
            Err(e) => e.to_string(),
        };
        self.rollback(&spec, &old_id, &old_image, &name, &backup, &reason)
            .await
    }

    async fn rollback(
        &self,
        spec: &ContainerSpec,
        old_id: &str,
        old_image: &str,
        name: &str,
        backup: &str,
        reason: &str,
    ) -> Result<(), (JobState, String)> {
        self.step("rollback", format!("rolling back: {reason}"));
        // The new container, if it was created, holds the name.
        match self.engine.inspect_container(name).await {
            Ok(current) if current["Id"].as_str() != Some(old_id) => {
                let id = current["Id"].as_str().unwrap_or(name).to_owned();
                if let Err(e) = self.engine.remove(&id).await {
                    return Err((
                        JobState::Failed,
                        format!("{reason}; rollback failed removing the new container: {e}"),
                    ));
                }
            }
            _ => {}
        }
        let _ = self.engine.stop(old_id, STOP_GRACE).await;
        self.step("restore", format!("restoring the database from {backup}"));
        let restored = self
            .one_shot(
                spec,
                old_image,
                &["chatalot-server", "restore", backup, "--yes"],
                "restore",
            )
            .await;
        match restored {
            Ok(0) => {}
            Ok(code) => {
                return Err((
                    JobState::Failed,
                    format!(
                        "{reason}; rollback failed: the restore exited with {code}; the backup is {backup}"
                    ),
                ));
            }
            Err(e) => {
                return Err((
                    JobState::Failed,
                    format!("{reason}; rollback failed: {e}; the backup is {backup}"),
                ));
            }
        }
        let back = async {
            self.engine.rename(old_id, name).await?;
            self.engine.start(old_id).await
        }
        .await;
        if let Err(e) = back {
            return Err((
                JobState::Failed,
                format!("{reason}; rollback failed restarting the previous container: {e}"),
            ));
        }
        match self.wait_healthy(old_id).await {
            Ok(()) => {
                self.step("rollback", "the previous version is healthy again");
                Err((JobState::RolledBack, reason.to_owned()))
            }
            Err(e) => Err((
                JobState::Failed,
                format!(
                    "{reason}; after the rollback the previous version is not healthy either: {e}"
                ),
            )),
        }
    }

    /// Runs `command` once in a new container like the server's; its exit code.
    async fn one_shot(
        &self,
        spec: &ContainerSpec,
        image: &str,
        command: &[&str],
        purpose: &str,
    ) -> Result<i64, EngineError> {
        let name = format!(
            "{}-{purpose}-{}",
            self.config.container,
            chrono::Utc::now().format("%Y%m%d%H%M%S")
        );
        let id = self
            .engine
            .create_container(&name, &spec.one_shot_body(image, command))
            .await?;
        let result = async {
            self.engine.start(&id).await?;
            self.engine.wait(&id, ONE_SHOT_LIMIT).await
        }
        .await;
        let _ = self.engine.remove(&id).await;
        result
    }

    /// Polls the container's health until healthy, unhealthy, exited or timed out.
    async fn wait_healthy(&self, id: &str) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + self.config.health_timeout;
        loop {
            let container = self
                .engine
                .inspect_container(id)
                .await
                .map_err(|e| e.to_string())?;
            let state = &container["State"];
            if state["Running"] == Value::Bool(false) {
                return Err(format!(
                    "the container exited (code {})",
                    state["ExitCode"].as_i64().unwrap_or(-1)
                ));
            }
            match state.pointer("/Health/Status").and_then(Value::as_str) {
                Some("healthy") => return Ok(()),
                Some("unhealthy") => return Err("the container reports unhealthy".into()),
                // No health check in the image: running is all it can say.
                None => return Ok(()),
                _ => {}
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "not healthy within {} s",
                    self.config.health_timeout.as_secs()
                ));
            }
            tokio::time::sleep(self.config.health_poll).await;
        }
    }
}
