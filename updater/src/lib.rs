//! `chatalot-updater`, the Docker updater sidecar (DEP-4, ADM-9): it checks a release
//! feed, and on an administrator's request (relayed by the server over an
//! authenticated internal API) backs up the database, pulls the new image by digest,
//! recreates the server's container with the same configuration, waits for it to
//! become healthy, and otherwise puts back the old container and the database.

pub mod api;
pub mod config;
pub mod engine;
pub mod feed;
pub mod registry_auth;
pub mod spec;
pub mod update;
