//! Chatalot server as a library: the `chatalot-server` binary, the tests and the
//! desktop app's host mode all start the same server through [`Server`] / [`serve`].
//!
//! Data flows one way: [`http`] (edge) → [`domain`] (rules) → [`store`] (SQL).

pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod domain;
pub mod events;
pub mod gateway;
pub mod http;
pub mod integrations;
pub mod mail;
mod memory;
pub mod ops;
pub mod outbound;
pub mod push;
mod server;
pub mod storage;
pub mod store;
pub mod turn;

pub use config::Config;
pub use server::{Server, serve};
