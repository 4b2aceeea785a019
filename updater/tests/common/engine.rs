//! A stand-in for the Docker Engine API on a Unix socket (there is no Docker engine
//! on the test machines). It keeps containers and images the way the Engine reports
//! them (API v1.44: `Config` merges image defaults, names are unique, `wait` returns
//! the exit code, pulls report errors inside a 200 progress stream), records every
//! call with its path, body and `X-Registry-Auth` header, and can be told to make an
//! image unhealthy, a one-off command fail, or a pull fail.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// Path without the version prefix, with the query.
    pub path: String,
    pub body: Value,
    pub registry_auth: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Container {
    pub id: String,
    pub name: String,
    /// Image ID (`sha256:…`).
    pub image: String,
    pub config: Value,
    pub host_config: Value,
    pub networks: Value,
    pub running: bool,
    pub exit_code: i64,
    pub health_checks: u32,
}

#[derive(Default)]
pub struct Engine {
    pub calls: Vec<Call>,
    pub containers: BTreeMap<String, Container>,
    /// Image inspect answers by ID, and references (`repo@digest`, `repo:tag`) to IDs.
    pub images: HashMap<String, Value>,
    pub references: HashMap<String, String>,
    /// What a pull of a reference installs: (image ID, version label).
    pub registry: HashMap<String, (String, String)>,
    /// Containers of these image IDs report unhealthy after starting.
    pub unhealthy: HashSet<String>,
    /// Exit codes of one-off commands by their subcommand (`backup`, `restore`).
    pub exit_codes: HashMap<String, i64>,
    pub pull_error: Option<String>,
    /// The credentials a pull must carry (decoded), or none for anonymous pulls.
    pub expected_auth: Option<Value>,
    /// Blocks one-off `backup` runs until notified (to observe a running update).
    pub hold_backup: Option<Arc<tokio::sync::Notify>>,
    next_id: u64,
}

pub struct StandIn {
    pub socket: PathBuf,
    pub engine: Arc<Mutex<Engine>>,
    _dir: tempfile::TempDir,
}

impl StandIn {
    pub async fn start(engine: Engine) -> StandIn {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("docker.sock");
        let listener = tokio::net::UnixListener::bind(&socket).unwrap();
        let engine = Arc::new(Mutex::new(engine));
        let app = Router::new().fallback(handle).with_state(engine.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        StandIn {
            socket,
            engine,
            _dir: dir,
        }
    }

    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, Engine> {
        self.engine.lock().unwrap()
    }

    /// "METHOD path" of every call, in order.
    pub fn call_list(&self) -> Vec<String> {
        self.lock()
            .calls
            .iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect()
    }
}

impl Engine {
    pub fn add_image(&mut self, id: &str, reference: &str, version: &str) {
        self.images.insert(
            id.into(),
            json!({
                "Id": id,
                "RepoDigests": [reference],
                "Config": image_config(version),
            }),
        );
        self.references.insert(reference.into(), id.into());
    }

    /// A running container as Compose would have made it.
    pub fn add_container(
        &mut self,
        id: &str,
        name: &str,
        image: &str,
        own: Value,
        host_config: Value,
        networks: Value,
    ) {
        let merged = merge_config(&self.images[image]["Config"], &own);
        self.containers.insert(
            id.into(),
            Container {
                id: id.into(),
                name: name.into(),
                image: image.into(),
                config: merged,
                host_config,
                networks,
                running: true,
                exit_code: 0,
                health_checks: 0,
            },
        );
    }

    fn find(&self, key: &str) -> Option<String> {
        if self.containers.contains_key(key) {
            return Some(key.into());
        }
        self.containers
            .values()
            .find(|c| c.name == key)
            .map(|c| c.id.clone())
    }

    pub fn by_name(&self, name: &str) -> Option<&Container> {
        self.containers.values().find(|c| c.name == name)
    }
}

pub fn image_config(version: &str) -> Value {
    json!({
        "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "LISTEN_ADDR=0.0.0.0:8080", "STATIC_FILES_PATH=/app/static"],
        "Cmd": ["chatalot-server"],
        "Entrypoint": ["/usr/local/bin/docker-entrypoint"],
        "WorkingDir": "/app",
        "User": "chatalot",
        "ExposedPorts": {"8080/tcp": {}},
        "Healthcheck": {"Test": ["CMD", "chatalot-server", "health"]},
        "Labels": {"org.opencontainers.image.version": version, "org.opencontainers.image.title": "Chatalot"}
    })
}

/// What the Engine reports as a container's `Config`: the image's defaults
/// overlaid with what the container was created with.
fn merge_config(image: &Value, own: &Value) -> Value {
    let mut merged = image.clone();
    let own = own.as_object().cloned().unwrap_or_default();
    for (key, value) in own {
        match key.as_str() {
            "Env" => {
                let mut env = merged["Env"].as_array().cloned().unwrap_or_default();
                for entry in value.as_array().cloned().unwrap_or_default() {
                    let name = entry
                        .as_str()
                        .unwrap_or_default()
                        .split('=')
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    env.retain(|e| {
                        e.as_str().unwrap_or_default().split('=').next() != Some(name.as_str())
                    });
                    env.push(entry);
                }
                merged["Env"] = Value::Array(env);
            }
            "Labels" | "ExposedPorts" | "Volumes" => {
                let mut map = merged[&key].as_object().cloned().unwrap_or_default();
                map.extend(value.as_object().cloned().unwrap_or_default());
                merged[&key] = Value::Object(map);
            }
            _ => merged[&key] = value,
        }
    }
    merged
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn message(status: StatusCode, text: &str) -> Response {
    json_response(status, json!({ "message": text }))
}

async fn handle(
    State(engine): State<Arc<Mutex<Engine>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(path) = uri.path().strip_prefix("/v1.44") else {
        return message(
            StatusCode::BAD_REQUEST,
            "client version missing or not 1.44",
        );
    };
    let query: HashMap<String, String> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let body_json: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return message(StatusCode::BAD_REQUEST, "invalid JSON body"),
        }
    };
    let auth = headers
        .get("x-registry-auth")
        .map(|v| v.to_str().unwrap().to_owned());
    let hold = {
        let mut e = engine.lock().unwrap();
        e.calls.push(Call {
            method: method.to_string(),
            path: match uri.query() {
                Some(q) => format!("{path}?{q}"),
                None => path.to_owned(),
            },
            body: body_json.clone(),
            registry_auth: auth.clone(),
        });
        e.hold_backup.clone()
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();

    // `wait` on a held backup blocks outside the lock.
    if let (&Method::POST, ["containers", id, "wait"]) = (&method, segments.as_slice()) {
        let command = {
            let e = engine.lock().unwrap();
            e.find(id).map(|id| {
                e.containers[&id].config["Cmd"][1]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
        };
        if command.as_deref() == Some("backup")
            && let Some(hold) = hold
        {
            hold.notified().await;
        }
    }

    let mut e = engine.lock().unwrap();
    match (&method, segments.as_slice()) {
        (&Method::GET, ["containers", key, "json"]) => {
            let Some(id) = e.find(key) else {
                return message(StatusCode::NOT_FOUND, &format!("No such container: {key}"));
            };
            let unhealthy = e.unhealthy.contains(&e.containers[&id].image);
            let c = e.containers.get_mut(&id).unwrap();
            let health = if !c.running {
                "unhealthy"
            } else {
                c.health_checks += 1;
                match (c.health_checks, unhealthy) {
                    (1, _) => "starting",
                    (_, true) => "unhealthy",
                    (_, false) => "healthy",
                }
            };
            let aliases: Vec<Value> = vec![json!(c.name), json!(&c.id[..12])];
            let networks: serde_json::Map<String, Value> = c
                .networks
                .as_object()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|(name, mut endpoint)| {
                    let mut all = endpoint["Aliases"].as_array().cloned().unwrap_or_default();
                    for alias in &aliases {
                        if !all.contains(alias) {
                            all.push(alias.clone());
                        }
                    }
                    endpoint["Aliases"] = Value::Array(all);
                    endpoint["NetworkID"] = json!(format!("net-{name}"));
                    (name, endpoint)
                })
                .collect();
            json_response(
                StatusCode::OK,
                json!({
                    "Id": c.id,
                    "Name": format!("/{}", c.name),
                    "Image": c.image,
                    "Config": c.config,
                    "HostConfig": c.host_config,
                    "NetworkSettings": {"Networks": networks},
                    "State": {
                        "Running": c.running,
                        "ExitCode": c.exit_code,
                        "Health": {"Status": health}
                    }
                }),
            )
        }
        (&Method::GET, ["images", reference, "json"]) => {
            let reference = url::form_urlencoded::parse(format!("r={reference}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            let id = e
                .references
                .get(&reference)
                .cloned()
                .unwrap_or(reference.clone());
            match e.images.get(&id) {
                Some(image) => json_response(StatusCode::OK, image.clone()),
                None => message(
                    StatusCode::NOT_FOUND,
                    &format!("No such image: {reference}"),
                ),
            }
        }
        (&Method::POST, ["images", "create"]) => {
            let Some(reference) = query.get("fromImage").cloned() else {
                return message(StatusCode::BAD_REQUEST, "fromImage is required");
            };
            let presented = auth.as_ref().map(|a| {
                use base64::Engine as _;
                let raw = base64::engine::general_purpose::URL_SAFE
                    .decode(a)
                    .expect("X-Registry-Auth is base64url");
                serde_json::from_slice::<Value>(&raw).expect("X-Registry-Auth is JSON")
            });
            if presented != e.expected_auth {
                return message(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized: registry credentials do not match",
                );
            }
            if let Some(error) = e.pull_error.clone() {
                let stream = format!(
                    "{{\"status\":\"Pulling from chatalot\"}}\n{{\"errorDetail\":{{\"message\":\"{error}\"}},\"error\":\"{error}\"}}\n"
                );
                return (StatusCode::OK, stream).into_response();
            }
            let Some((id, version)) = e.registry.get(&reference).cloned() else {
                let stream = format!("{{\"error\":\"manifest unknown: {reference}\"}}\n");
                return (StatusCode::OK, stream).into_response();
            };
            e.add_image(&id, &reference, &version);
            let stream = format!(
                "{{\"status\":\"Pulling from chatalot\"}}\n{{\"status\":\"Digest: {reference}\"}}\n"
            );
            (StatusCode::OK, stream).into_response()
        }
        (&Method::POST, ["containers", "create"]) => {
            let Some(name) = query.get("name").cloned() else {
                return message(StatusCode::BAD_REQUEST, "name is required");
            };
            if e.find(&name).is_some() {
                return message(
                    StatusCode::CONFLICT,
                    &format!("Conflict. The container name \"/{name}\" is already in use"),
                );
            }
            let Some(reference) = body_json["Image"].as_str() else {
                return message(StatusCode::BAD_REQUEST, "Image is required");
            };
            let image = e
                .references
                .get(reference)
                .cloned()
                .unwrap_or(reference.to_owned());
            if !e.images.contains_key(&image) {
                return message(
                    StatusCode::NOT_FOUND,
                    &format!("No such image: {reference}"),
                );
            }
            e.next_id += 1;
            let id = format!("{:064x}", 0xc0ffee_u64 * 1000 + e.next_id);
            let mut own = body_json.clone();
            let own_map = own.as_object_mut().unwrap();
            let host_config = own_map.remove("HostConfig").unwrap_or(Value::Null);
            let networks = own_map
                .remove("NetworkingConfig")
                .and_then(|n| n.get("EndpointsConfig").cloned())
                .unwrap_or(json!({}));
            own_map.remove("Image");
            let merged = merge_config(&e.images[&image]["Config"], &own);
            e.containers.insert(
                id.clone(),
                Container {
                    id: id.clone(),
                    name,
                    image,
                    config: merged,
                    host_config,
                    networks,
                    running: false,
                    exit_code: 0,
                    health_checks: 0,
                },
            );
            json_response(StatusCode::CREATED, json!({ "Id": id, "Warnings": [] }))
        }
        (&Method::POST, ["containers", key, action]) => {
            let Some(id) = e.find(key) else {
                return message(StatusCode::NOT_FOUND, &format!("No such container: {key}"));
            };
            match *action {
                "start" => {
                    let c = e.containers.get_mut(&id).unwrap();
                    if c.running {
                        return StatusCode::NOT_MODIFIED.into_response();
                    }
                    c.running = true;
                    c.health_checks = 0;
                    StatusCode::NO_CONTENT.into_response()
                }
                "stop" => {
                    let c = e.containers.get_mut(&id).unwrap();
                    if !c.running {
                        return StatusCode::NOT_MODIFIED.into_response();
                    }
                    c.running = false;
                    StatusCode::NO_CONTENT.into_response()
                }
                "rename" => {
                    let Some(new_name) = query.get("name").cloned() else {
                        return message(StatusCode::BAD_REQUEST, "name is required");
                    };
                    if e.find(&new_name).is_some() {
                        return message(StatusCode::CONFLICT, "name already in use");
                    }
                    e.containers.get_mut(&id).unwrap().name = new_name;
                    StatusCode::NO_CONTENT.into_response()
                }
                "wait" => {
                    let command = e.containers[&id].config["Cmd"][1]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    let code = e.exit_codes.get(&command).copied().unwrap_or(0);
                    let c = e.containers.get_mut(&id).unwrap();
                    c.running = false;
                    c.exit_code = code;
                    json_response(StatusCode::OK, json!({ "StatusCode": code }))
                }
                _ => message(StatusCode::NOT_FOUND, "page not found"),
            }
        }
        (&Method::DELETE, ["containers", key]) => {
            let Some(id) = e.find(key) else {
                return message(StatusCode::NOT_FOUND, &format!("No such container: {key}"));
            };
            if e.containers[&id].running && query.get("force").map(String::as_str) != Some("true") {
                return message(StatusCode::CONFLICT, "cannot remove a running container");
            }
            e.containers.remove(&id);
            StatusCode::NO_CONTENT.into_response()
        }
        _ => message(StatusCode::NOT_FOUND, "page not found"),
    }
}
