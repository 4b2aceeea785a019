//! Test helpers: a stand-in for the Docker Engine API and the deployment it holds.

pub mod engine;
pub mod fixture;
