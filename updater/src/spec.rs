//! A create body for the Engine API from an existing container, so the server is
//! recreated with the same configuration on another image.
//!
//! A container's reported `Config` mixes what it was created with and what its image
//! supplies (environment, labels, command…). Only the container's own part is kept,
//! so the new image's defaults (its version label, say) apply to the new container.

use serde_json::{Map, Value, json};

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerSpec {
    config: Map<String, Value>,
    host_config: Value,
    networks: Map<String, Value>,
}

/// Fields of `Config` that come from the image unless the container set them.
const INHERITED: &[&str] = &[
    "Cmd",
    "Entrypoint",
    "WorkingDir",
    "User",
    "Healthcheck",
    "StopSignal",
    "Shell",
    "OnBuild",
];

impl ContainerSpec {
    /// From `GET /containers/{id}/json` and `GET /images/{its image}/json`.
    pub fn from_inspect(container: &Value, image: &Value) -> ContainerSpec {
        let mut config = container["Config"].as_object().cloned().unwrap_or_default();
        let image_config = &image["Config"];
        let id = container["Id"].as_str().unwrap_or_default();

        for field in INHERITED {
            if config.get(*field) == image_config.get(*field) {
                config.remove(*field);
            }
        }
        if let Some(Value::Array(env)) = config.get_mut("Env") {
            let inherited = image_config["Env"].as_array().cloned().unwrap_or_default();
            env.retain(|e| !inherited.contains(e));
        }
        if let Some(Value::Object(labels)) = config.get_mut("Labels") {
            let inherited = image_config["Labels"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            labels.retain(|k, v| inherited.get(k) != Some(v));
        }
        if let Some(Value::Object(ports)) = config.get_mut("ExposedPorts") {
            let inherited = image_config["ExposedPorts"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            ports.retain(|k, _| !inherited.contains_key(k));
        }
        if let Some(Value::Object(volumes)) = config.get_mut("Volumes") {
            let inherited = image_config["Volumes"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            volumes.retain(|k, _| !inherited.contains_key(k));
        }
        // The Engine names the host after the container ID unless one was chosen.
        if config
            .get("Hostname")
            .and_then(Value::as_str)
            .is_some_and(|h| !h.is_empty() && id.starts_with(h))
        {
            config.remove("Hostname");
        }
        config.remove("Image");

        let mut networks = Map::new();
        if let Some(attached) = container
            .pointer("/NetworkSettings/Networks")
            .and_then(Value::as_object)
        {
            for (name, endpoint) in attached {
                let aliases: Vec<Value> = endpoint["Aliases"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter(|alias| alias.as_str().is_some_and(|s| !id.starts_with(s)))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                let mut settings = Map::new();
                settings.insert("Aliases".into(), Value::Array(aliases));
                if !endpoint["IPAMConfig"].is_null() {
                    settings.insert("IPAMConfig".into(), endpoint["IPAMConfig"].clone());
                }
                networks.insert(name.clone(), Value::Object(settings));
            }
        }
        ContainerSpec {
            config,
            host_config: container["HostConfig"].clone(),
            networks,
        }
    }

    /// The create body for this configuration on `image`.
    pub fn body(&self, image: &str) -> Value {
        let mut body = self.config.clone();
        body.insert("Image".into(), Value::String(image.to_owned()));
        body.insert("HostConfig".into(), self.host_config.clone());
        body.insert(
            "NetworkingConfig".into(),
            json!({ "EndpointsConfig": Value::Object(self.networks.clone()) }),
        );
        Value::Object(body)
    }

    /// A one-off run of `command` with the same environment, volumes and networks on
    /// `image`: no published ports (the server holds them), no restart, no health
    /// check, no network aliases (nothing should reach it).
    pub fn one_shot_body(&self, image: &str, command: &[&str]) -> Value {
        let mut body = self.body(image);
        body["Cmd"] = json!(command);
        body["Healthcheck"] = json!({ "Test": ["NONE"] });
        if let Some(labels) = body.get_mut("Labels").and_then(Value::as_object_mut) {
            // Compose would count it as a replica of the service.
            labels.retain(|k, _| !k.starts_with("com.docker.compose."));
        }
        if let Some(host) = body["HostConfig"].as_object_mut() {
            host.remove("PortBindings");
            host.insert("PublishAllPorts".into(), Value::Bool(false));
            host.insert("RestartPolicy".into(), json!({ "Name": "no" }));
        }
        if let Some(endpoints) = body
            .pointer_mut("/NetworkingConfig/EndpointsConfig")
            .and_then(Value::as_object_mut)
        {
            for endpoint in endpoints.values_mut() {
                endpoint["Aliases"] = json!([]);
            }
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspected() -> (Value, Value) {
        let image = json!({
            "Id": "sha256:old",
            "Config": {
                "Env": ["PATH=/usr/local/bin:/usr/bin", "LISTEN_ADDR=0.0.0.0:8080"],
                "Cmd": ["chatalot-server"],
                "Entrypoint": ["/usr/local/bin/docker-entrypoint"],
                "WorkingDir": "/app",
                "User": "chatalot",
                "Labels": {"org.opencontainers.image.version": "0.1.0"},
                "ExposedPorts": {"8080/tcp": {}},
                "Healthcheck": {"Test": ["CMD", "chatalot-server", "health"]}
            }
        });
        let container = json!({
            "Id": "4f1c2d3e4f5a6b7c8d9e",
            "Image": "sha256:old",
            "Name": "/chatalot",
            "Config": {
                "Hostname": "4f1c2d3e4f5a",
                "Image": "ghcr.io/chatalot/chatalot:latest",
                "Env": ["PATH=/usr/local/bin:/usr/bin", "LISTEN_ADDR=0.0.0.0:8080", "DATABASE_URL=postgres://chatalot:pw@postgres/chatalot"],
                "Cmd": ["chatalot-server"],
                "Entrypoint": ["/usr/local/bin/docker-entrypoint"],
                "WorkingDir": "/app",
                "User": "chatalot",
                "Labels": {
                    "org.opencontainers.image.version": "0.1.0",
                    "com.docker.compose.project": "chatalot",
                    "com.docker.compose.service": "chatalot"
                },
                "ExposedPorts": {"8080/tcp": {}},
                "Healthcheck": {"Test": ["CMD", "chatalot-server", "health"]}
            },
            "HostConfig": {
                "Binds": ["chatalot_data:/app/data:rw"],
                "PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]},
                "RestartPolicy": {"Name": "unless-stopped"},
                "NetworkMode": "chatalot_default"
            },
            "NetworkSettings": {"Networks": {"chatalot_default": {
                "Aliases": ["chatalot", "4f1c2d3e4f5a"],
                "IPAMConfig": null,
                "NetworkID": "n1"
            }}}
        });
        (container, image)
    }

    #[test]
    fn keeps_the_containers_own_configuration_only() {
        let (container, image) = inspected();
        let body = ContainerSpec::from_inspect(&container, &image).body("repo@sha256:new");
        assert_eq!(
            body,
            json!({
                "Image": "repo@sha256:new",
                "Env": ["DATABASE_URL=postgres://chatalot:pw@postgres/chatalot"],
                "Labels": {"com.docker.compose.project": "chatalot", "com.docker.compose.service": "chatalot"},
                "ExposedPorts": {},
                "HostConfig": container["HostConfig"],
                "NetworkingConfig": {"EndpointsConfig": {"chatalot_default": {"Aliases": ["chatalot"]}}}
            })
        );
    }

    #[test]
    fn one_shot_runs_publish_nothing_and_restart_never() {
        let (container, image) = inspected();
        let body = ContainerSpec::from_inspect(&container, &image).one_shot_body(
            "sha256:old",
            &["chatalot-server", "backup", "/app/data/backups/x"],
        );
        assert_eq!(
            body["Cmd"],
            json!(["chatalot-server", "backup", "/app/data/backups/x"])
        );
        assert_eq!(body["Image"], "sha256:old");
        assert!(body["HostConfig"].get("PortBindings").is_none());
        assert_eq!(body["HostConfig"]["RestartPolicy"], json!({"Name": "no"}));
        assert_eq!(
            body["HostConfig"]["Binds"],
            json!(["chatalot_data:/app/data:rw"])
        );
        assert_eq!(body["Labels"], json!({}));
        assert_eq!(
            body["NetworkingConfig"]["EndpointsConfig"]["chatalot_default"]["Aliases"],
            json!([])
        );
    }
}
