//! A track this device sends on one peer connection (its microphone, its camera):
//! the samples are written once the codec's payload type is negotiated.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rtc::media::Sample;
use rtc::media_stream::MediaStreamTrack;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use uuid::Uuid;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;

/// No payload type is 0 for Opus or VP8: it marks "not negotiated yet".
const NO_PAYLOAD_TYPE: u8 = 0;

pub(crate) struct OutgoingTrack {
    track: Arc<TrackLocalStaticSample>,
    ssrc: u32,
    payload_type: AtomicU8,
    label: &'static str,
}

impl OutgoingTrack {
    /// A track of `user_id`'s stream; `label` names it (`microphone`, `camera`).
    pub fn new(
        user_id: Uuid,
        label: &'static str,
        kind: RtpCodecKind,
        codec: RTCRtpCodec,
    ) -> Result<OutgoingTrack, webrtc::error::Error> {
        let ssrc = rand::random::<u32>();
        let track = MediaStreamTrack::new(
            format!("chatalot-{user_id}"),
            format!("{label}-{ssrc}"),
            label.to_owned(),
            kind,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(ssrc),
                    ..Default::default()
                },
                codec,
                ..Default::default()
            }],
        );
        Ok(OutgoingTrack {
            track: Arc::new(TrackLocalStaticSample::new(Instant::now(), track)?),
            ssrc,
            payload_type: AtomicU8::new(NO_PAYLOAD_TYPE),
            label,
        })
    }

    pub fn local_track(&self) -> Arc<TrackLocalStaticSample> {
        self.track.clone()
    }

    pub fn set_payload_type(&self, payload_type: u8) {
        self.payload_type.store(payload_type, Ordering::Relaxed);
    }

    /// Sends one encoded frame lasting `duration` (nothing before negotiation).
    pub async fn send(&self, data: &Bytes, duration: Duration) {
        let payload_type = self.payload_type.load(Ordering::Relaxed);
        if payload_type == NO_PAYLOAD_TYPE {
            return;
        }
        let sample = Sample {
            data: data.clone(),
            duration,
            ..Sample::new(Instant::now())
        };
        if let Err(error) = self
            .track
            .sample_writer(self.ssrc, payload_type)
            .write_sample(&sample)
            .await
        {
            tracing::debug!(track = self.label, "voice: not sent: {error}");
        }
    }
}
