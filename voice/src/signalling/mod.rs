//! The engine's side of the server's real-time gateway (docs/realtime.md): the voice
//! frames it sends and the events it reads, the WebSocket that carries them, and the
//! ICE servers from `GET /api/account/turn-credentials`.

mod gateway;
mod ice;
pub mod wire;

pub use gateway::{Gateway, GatewayError};
pub use ice::{IceConfig, IceServer, fetch_ice_config};
