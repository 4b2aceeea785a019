//! What the cross-component call tests share: a real server (the server's own test
//! harness, `server/tests/common`, included as it is) on SQLite with TURN credentials
//! for a real coturn on loopback, a community with a voice channel, members, call
//! options for the native engine, and the frequency analysis that tells tones apart.

#[path = "../../../server/tests/common/mod.rs"]
pub mod common;
pub mod engines;
pub mod proxy;

use std::time::Duration;

use chatalot_server::config::{CommunityCreationMode, Secret};
use chatalot_voice::{CallEvent, CallOptions};
use common::coturn::{Coturn, coturn_available};
use common::{Backend, TestServer};
use reqwest::StatusCode;
use rustfft::FftPlanner;
use rustfft::num_complex::Complex;
use serde_json::json;
use tokio::sync::mpsc;
use uuid::Uuid;

const TURN_SECRET: &str = "native-voice-test-secret";

/// A server, its relay, and a community with a voice channel.
pub struct CallWorld {
    pub server: TestServer,
    pub coturn: Coturn,
    pub community: Uuid,
    pub voice: Uuid,
    pub owner: (Uuid, String),
}

impl CallWorld {
    /// `None` (after saying so) when coturn is missing outside CI.
    pub async fn start(test: &str) -> Option<CallWorld> {
        CallWorld::start_with(test, |_| {}).await
    }

    /// Like [`CallWorld::start`], with the server's configuration changed by `adjust`.
    pub async fn start_with(
        test: &str,
        adjust: impl FnOnce(&mut chatalot_server::config::Config),
    ) -> Option<CallWorld> {
        // RUST_LOG=chatalot_voice=debug,webrtc=debug shows the calls' negotiation.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        if !coturn_available(test) {
            return None;
        }
        let coturn = Coturn::start(TURN_SECRET).await;
        let url = coturn.url();
        let server = TestServer::start_with(Backend::Sqlite, |c| {
            c.community_creation_mode = CommunityCreationMode::Anyone;
            c.turn.auth_secret = Some(Secret::new(TURN_SECRET.into()));
            c.turn.urls = vec![url];
            adjust(c);
        })
        .await?;
        let owner = server.user("owner").await;
        let community = server.community(&owner.1, json!({"name": "Calls"})).await;
        let group = server
            .group(&owner.1, community, json!({"name": "General"}))
            .await;
        let voice = server
            .channel(&owner.1, group, json!({"name": "voice", "kind": "voice"}))
            .await;
        Some(CallWorld {
            server,
            coturn,
            community,
            voice,
            owner,
        })
    }

    /// A new member of the community: (user ID, access token).
    pub async fn member(&self, name: &str) -> (Uuid, String) {
        let member = self.server.user(name).await;
        let code = self
            .server
            .community_invite(&self.owner.1, self.community)
            .await;
        self.server
            .accept(&member.1, &code)
            .await
            .expect(StatusCode::OK);
        member
    }

    /// The voice channel's call as the server shows it (`GET /api/channels/{id}/voice`):
    /// its participants.
    pub async fn participants(&self) -> Vec<serde_json::Value> {
        let call = self
            .server
            .get(
                &format!("/api/channels/{}/voice", self.voice),
                Some(&self.owner.1),
            )
            .await
            .expect(StatusCode::OK)
            .body;
        call["participants"].as_array().cloned().unwrap_or_default()
    }

    /// Options for the native engine: this server, the voice channel, relay only, on loopback.
    pub fn options(&self, token: &str) -> CallOptions {
        let mut options = CallOptions::new(
            self.server.base.parse().unwrap(),
            token.to_owned(),
            self.voice,
        );
        options.relay_only = true;
        options.bind = "127.0.0.1:0".parse().unwrap();
        options
    }
}

/// Waits for the first event that `pick` accepts, failing after `within`.
pub async fn wait_for<T>(
    events: &mut mpsc::UnboundedReceiver<CallEvent>,
    within: Duration,
    what: &str,
    mut pick: impl FnMut(&CallEvent) -> Option<T>,
) -> T {
    let found = tokio::time::timeout(within, async {
        while let Some(event) = events.recv().await {
            if let Some(found) = pick(&event) {
                return Some(found);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(found)) => found,
        Ok(None) => panic!("the call ended before {what}"),
        Err(_) => panic!("no {what} within {within:?}"),
    }
}

/// The strongest frequency in `samples` (48 kHz), in Hz, and its share of the
/// signal's energy (0..=1): a clean tone is close to 1, noise or a mix far lower.
pub fn dominant_frequency(samples: &[f32]) -> (f32, f32) {
    let n = samples.len();
    assert!(n >= 4_800, "at least 100 ms to analyse, got {n} samples");
    // A Hann window keeps a tone's energy in a few bins.
    let mut buffer: Vec<Complex<f32>> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let w = 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / (n - 1) as f32).cos();
            Complex::new(s * w, 0.0)
        })
        .collect();
    FftPlanner::new().plan_fft_forward(n).process(&mut buffer);
    let power: Vec<f32> = buffer[..n / 2].iter().map(|c| c.norm_sqr()).collect();
    let total: f32 = power[1..].iter().sum();
    let (peak, _) = power
        .iter()
        .enumerate()
        .skip(1)
        .max_by(|a, b| a.1.total_cmp(b.1))
        .expect("bins");
    let around: f32 = power[peak.saturating_sub(3)..(peak + 4).min(power.len())]
        .iter()
        .sum();
    let hz = peak as f32 * 48_000.0 / n as f32;
    (hz, if total > 0.0 { around / total } else { 0.0 })
}

/// The RMS level of `samples`.
pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatalot_voice::audio::AudioSource;
    use chatalot_voice::audio::synthetic::ToneSource;

    #[test]
    fn the_analysis_finds_a_tone_and_tells_it_from_noise() {
        let mut samples = vec![0.0; 48_000];
        ToneSource::new(660.0, 0.3).read(&mut samples);
        let (hz, purity) = dominant_frequency(&samples);
        assert!((hz - 660.0).abs() < 2.0, "{hz}");
        assert!(purity > 0.9, "{purity}");
        let noise: Vec<f32> = (0..48_000).map(|_| rand::random::<f32>() - 0.5).collect();
        assert!(dominant_frequency(&noise).1 < 0.1);
    }
}
