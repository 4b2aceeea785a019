//! Test helpers: a stand-in for the Docker Engine API and a release feed.

pub mod engine;
