//! The update procedure against a stand-in of the Docker Engine API: what it asks
//! the Engine, in what order, with which bodies and credentials; the rollback of
//! image and database when the new server never becomes healthy; failures that
//! must change nothing; and the internal API's authentication.

mod common;

use std::time::Duration;

use chatalot_updater::registry_auth::RegistryAuth;
use chatalot_updater::update::{JobState, Updater};
use common::engine::{Engine, StandIn};
use common::fixture::{OLD_ID, TOKEN, engine, new_reference, updater_config};
use serde_json::{Value, json};

/// A hung update fails its test instead of hanging the suite.
async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), future)
        .await
        .expect("the update finishes within 60 s")
}

fn creds() -> RegistryAuth {
    RegistryAuth::parse(
        r#"{"username":"client-7","password":"read+only/token==","serveraddress":"ghcr.io"}"#,
    )
    .unwrap()
    .unwrap()
}

async fn checked_updater(
    stand_in: &StandIn,
    auth: Option<RegistryAuth>,
) -> std::sync::Arc<Updater> {
    let config = updater_config(stand_in, auth).await;
    let updater = Updater::new(config);
    let status = updater.check().await;
    assert_eq!(status.check_error, None);
    assert_eq!(status.current_version.as_deref(), Some("0.1.0"));
    let available: Vec<String> = status
        .available
        .iter()
        .map(|r| r.version.to_string())
        .collect();
    assert_eq!(available, ["0.2.0"], "only newer releases are offered");
    updater
}

/// Where the first / last call starting with `prefix` is in `calls`.
fn first(calls: &[String], prefix: &str) -> usize {
    calls
        .iter()
        .position(|c| c.starts_with(prefix))
        .unwrap_or_else(|| panic!("no call {prefix}: {calls:#?}"))
}

fn last(calls: &[String], prefix: &str) -> usize {
    calls
        .iter()
        .rposition(|c| c.starts_with(prefix))
        .unwrap_or_else(|| panic!("no call {prefix}: {calls:#?}"))
}

fn calls_matching(stand_in: &StandIn, method: &str, prefix: &str) -> Vec<common::engine::Call> {
    stand_in
        .lock()
        .calls
        .iter()
        .filter(|c| c.method == method && c.path.starts_with(prefix))
        .cloned()
        .collect()
}

fn one_shot_commands(stand_in: &StandIn) -> Vec<(Value, Value)> {
    calls_matching(stand_in, "POST", "/containers/create")
        .into_iter()
        .filter(|c| c.body.get("Cmd").is_some())
        .map(|c| (c.body["Image"].clone(), c.body["Cmd"].clone()))
        .collect()
}

#[tokio::test]
async fn an_update_backs_up_pulls_by_digest_and_recreates_the_server_with_its_configuration() {
    let mut e = engine();
    e.expected_auth = Some(
        json!({"username":"client-7","password":"read+only/token==","serveraddress":"ghcr.io"}),
    );
    let stand_in = StandIn::start(e).await;
    let updater = checked_updater(&stand_in, Some(creds())).await;

    let (job, release) = updater.begin("0.2.0").unwrap();
    let job = {
        let _ = updater.run(release).await;
        within(updater.finished(job.id)).await
    };
    assert_eq!(job.state, JobState::Succeeded, "{job:?}");
    assert_eq!(job.from_version.as_deref(), Some("0.1.0"));
    let backup = job.backup.clone().expect("a backup was taken");
    assert!(
        backup.starts_with("/app/data/backups/before-0.2.0-from-0.1.0-"),
        "{backup}"
    );
    let steps: Vec<&str> = job.steps.iter().map(|s| s.step).collect();
    assert_eq!(
        steps,
        ["backup", "pull", "stop", "start", "health", "cleanup"]
    );

    // The backup ran first, with the running image, publishing nothing.
    let calls = stand_in.call_list();
    let backup_create = first(&calls, "POST /containers/create?name=chatalot-backup-");
    let pull = first(&calls, "POST /images/create");
    let stop = first(&calls, &format!("POST /containers/{OLD_ID}/stop?t=30"));
    assert!(backup_create < pull && pull < stop, "{calls:#?}");
    assert_eq!(
        one_shot_commands(&stand_in),
        [(
            json!("sha256:old"),
            json!(["chatalot-server", "backup", backup])
        )]
    );
    let one_shot = &calls_matching(
        &stand_in,
        "POST",
        "/containers/create?name=chatalot-backup-",
    )[0];
    assert!(one_shot.body["HostConfig"].get("PortBindings").is_none());
    assert_eq!(
        one_shot.body["HostConfig"]["Binds"],
        json!(["chatalot_data:/app/data:rw"])
    );

    // Pulled by digest with the credentials, base64url-encoded.
    let pulls = calls_matching(&stand_in, "POST", "/images/create");
    assert_eq!(pulls.len(), 1);
    assert_eq!(
        pulls[0].path,
        format!(
            "/images/create?fromImage={}",
            url::form_urlencoded::byte_serialize(new_reference().as_bytes()).collect::<String>()
        )
    );
    assert!(pulls[0].registry_auth.is_some());

    // The old container was set aside, the new one made with the same own configuration.
    assert!(calls.contains(&format!(
        "POST /containers/{OLD_ID}/rename?name=chatalot-previous"
    )));
    let create = calls_matching(&stand_in, "POST", "/containers/create?name=chatalot")
        .into_iter()
        .find(|c| c.path == "/containers/create?name=chatalot")
        .unwrap();
    assert_eq!(
        create.body,
        json!({
            "Image": new_reference(),
            "Env": ["DATABASE_URL=postgres://chatalot:pw@postgres:5432/chatalot", "PUBLIC_URL=https://chat.example.com"],
            "Labels": {"com.docker.compose.project": "chatalot", "com.docker.compose.service": "chatalot"},
            "ExposedPorts": {},
            "HostConfig": {
                "Binds": ["chatalot_data:/app/data:rw"],
                "PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]},
                "RestartPolicy": {"Name": "unless-stopped"},
                "NetworkMode": "chatalot_default"
            },
            "NetworkingConfig": {"EndpointsConfig": {"chatalot_default": {"Aliases": ["chatalot"]}}}
        })
    );
    assert!(
        calls.contains(&format!("DELETE /containers/{OLD_ID}?force=true")),
        "the previous container is removed"
    );

    let e = stand_in.lock();
    let server = e.by_name("chatalot").expect("a server container");
    assert_eq!(server.image, "sha256:new");
    assert!(server.running);
    assert_eq!(
        server.config["Labels"]["org.opencontainers.image.version"], "0.2.0",
        "the new image's label, not the old one's"
    );
    assert_eq!(
        e.containers.len(),
        1,
        "no one-off or previous container is left: {:?}",
        e.containers.keys()
    );
    drop(e);
    assert_eq!(updater.status().current_version.as_deref(), Some("0.2.0"));
    assert!(updater.status().available.is_empty());
}

#[tokio::test]
async fn a_new_version_that_never_becomes_healthy_is_rolled_back_with_its_database() {
    let mut e = engine();
    e.unhealthy.insert("sha256:new".into());
    let stand_in = StandIn::start(e).await;
    let updater = checked_updater(&stand_in, None).await;

    let (_, release) = updater.begin("0.2.0").unwrap();
    let job = within(updater.run(release)).await;
    assert_eq!(job.state, JobState::RolledBack, "{job:?}");
    assert_eq!(
        job.error.as_deref(),
        Some("the container reports unhealthy")
    );
    let backup = job.backup.clone().unwrap();
    let steps: Vec<&str> = job.steps.iter().map(|s| s.step).collect();
    assert_eq!(
        steps,
        [
            "backup", "pull", "stop", "start", "health", "rollback", "restore", "rollback"
        ]
    );

    // The database comes back from the backup, restored by the old version.
    assert_eq!(
        one_shot_commands(&stand_in),
        [
            (
                json!("sha256:old"),
                json!(["chatalot-server", "backup", backup])
            ),
            (
                json!("sha256:old"),
                json!(["chatalot-server", "restore", backup, "--yes"])
            ),
        ]
    );
    let calls = stand_in.call_list();
    let restore = first(&calls, "POST /containers/create?name=chatalot-restore-");
    let rename_back = calls
        .iter()
        .position(|c| *c == format!("POST /containers/{OLD_ID}/rename?name=chatalot"))
        .expect("the previous container gets its name back");
    let start_old = last(&calls, &format!("POST /containers/{OLD_ID}/start"));
    assert!(
        restore < rename_back && rename_back < start_old,
        "{calls:#?}"
    );

    let e = stand_in.lock();
    let server = e.by_name("chatalot").unwrap();
    assert_eq!(server.id, OLD_ID, "the previous container runs again");
    assert_eq!(server.image, "sha256:old");
    assert!(server.running);
    assert_eq!(e.containers.len(), 1, "{:?}", e.containers.keys());
    // Anonymous pulls send no credentials.
    assert!(e.calls.iter().all(|c| c.registry_auth.is_none()));
    drop(e);
    assert_eq!(updater.status().current_version.as_deref(), Some("0.1.0"));
}

#[tokio::test]
async fn a_failed_pull_or_backup_changes_nothing() {
    let mut e = engine();
    e.pull_error = Some("toomanyrequests: rate limit".into());
    let stand_in = StandIn::start(e).await;
    let updater = checked_updater(&stand_in, None).await;
    let (_, release) = updater.begin("0.2.0").unwrap();
    let job = within(updater.run(release)).await;
    assert_eq!(job.state, JobState::Failed);
    assert!(
        job.error
            .as_deref()
            .unwrap()
            .contains("toomanyrequests: rate limit; nothing was changed"),
        "{job:?}"
    );
    assert!(
        calls_matching(&stand_in, "POST", &format!("/containers/{OLD_ID}")).is_empty(),
        "the server was never touched"
    );
    assert!(stand_in.lock().by_name("chatalot").unwrap().running);

    let mut e = engine();
    e.exit_codes.insert("backup".into(), 1);
    let stand_in = StandIn::start(e).await;
    let updater = checked_updater(&stand_in, None).await;
    let (_, release) = updater.begin("0.2.0").unwrap();
    let job = within(updater.run(release)).await;
    assert_eq!(job.state, JobState::Failed);
    assert_eq!(
        job.error.as_deref(),
        Some("the backup failed (exit code 1); nothing was changed")
    );
    assert!(
        calls_matching(&stand_in, "POST", "/images/create").is_empty(),
        "no pull without a backup"
    );
    assert!(calls_matching(&stand_in, "POST", &format!("/containers/{OLD_ID}")).is_empty());
}

#[tokio::test]
async fn wrong_credentials_fail_the_pull_before_anything_changes() {
    let mut e = engine();
    e.expected_auth =
        Some(json!({"username":"someone-else","password":"x","serveraddress":"ghcr.io"}));
    let stand_in = StandIn::start(e).await;
    let updater = checked_updater(&stand_in, Some(creds())).await;
    let (_, release) = updater.begin("0.2.0").unwrap();
    let job = within(updater.run(release)).await;
    assert_eq!(job.state, JobState::Failed);
    assert!(job.error.as_deref().unwrap().contains("401"), "{job:?}");
    assert!(calls_matching(&stand_in, "POST", &format!("/containers/{OLD_ID}")).is_empty());
}

#[tokio::test]
async fn the_internal_api_needs_the_token_and_runs_one_update_at_a_time() {
    let mut e = engine();
    let hold = std::sync::Arc::new(tokio::sync::Notify::new());
    e.hold_backup = Some(hold.clone());
    let stand_in = StandIn::start(e).await;
    let updater = checked_updater(&stand_in, None).await;
    let app = chatalot_updater::api::router(updater.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = reqwest::Client::new();

    for auth in [None, Some("Bearer wrong-token"), Some(TOKEN)] {
        let mut request = client.get(format!("{base}/v1/status"));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{auth:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
    }
    let bearer = format!("Bearer {TOKEN}");
    let get_status = || async {
        let response = client
            .get(format!("{base}/v1/status"))
            .header("authorization", &bearer)
            .send()
            .await
            .unwrap();
        response.json::<Value>().await.unwrap()
    };
    let status = get_status().await;
    assert_eq!(status["current_version"], "0.1.0");
    assert_eq!(status["available"][0]["version"], "0.2.0");
    assert_eq!(status["available"][0]["notes"], "Faster.");

    let apply = |version: &str| {
        client
            .post(format!("{base}/v1/apply"))
            .header("authorization", &bearer)
            .json(&json!({"version": version}))
            .send()
    };
    let unknown = apply("9.9.9").await.unwrap();
    assert_eq!(unknown.status(), 404);
    let started = apply("0.2.0").await.unwrap();
    assert_eq!(started.status(), 202);
    let job: Value = started.json().await.unwrap();
    assert_eq!(job["state"], "running");
    // The backup is held: a second request finds the update running.
    let busy = apply("0.2.0").await.unwrap();
    assert_eq!(busy.status(), 409);
    let status = get_status().await;
    assert_eq!(status["job"]["state"], "running");

    hold.notify_one();
    let finished = within(updater.finished(job["id"].as_u64().unwrap())).await;
    assert_eq!(finished.state, JobState::Succeeded, "{finished:?}");
    let status = get_status().await;
    assert_eq!(status["current_version"], "0.2.0");
    assert_eq!(status["job"]["state"], "succeeded");
}

#[tokio::test]
async fn an_image_without_a_version_is_offered_nothing() {
    let mut e = Engine::default();
    e.add_image("sha256:dev", "chatalot:dev-build", "dev");
    e.add_container(
        OLD_ID,
        "chatalot",
        "sha256:dev",
        json!({}),
        json!({"NetworkMode": "chatalot_default"}),
        json!({"chatalot_default": {"Aliases": ["chatalot"]}}),
    );
    let stand_in = StandIn::start(e).await;
    let config = updater_config(&stand_in, None).await;
    let updater = Updater::new(config);
    let status = updater.check().await;
    assert_eq!(status.current_version, None);
    assert!(
        status.available.is_empty(),
        "no downgrade can be offered: {status:?}"
    );
    assert!(
        status
            .check_error
            .as_deref()
            .unwrap_or_default()
            .contains("no version label"),
        "{status:?}"
    );
    assert!(matches!(
        updater.begin("0.2.0"),
        Err(chatalot_updater::update::ApplyError::Unknown(_))
    ));
    assert!(
        calls_matching(&stand_in, "POST", "/").is_empty(),
        "nothing was asked of the Engine but to look"
    );
}
