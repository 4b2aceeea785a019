//! H.264 receive through OpenH264 (Cisco's decoder, built from source by the
//! `openh264` crate): browsers that prefer H.264 (Safari offers it first) send their
//! camera and screen in it. Sending stays VP8, which every browser decodes.

use openh264::decoder::Decoder;
use openh264::formats::YUVSource;

use super::VideoFrame;
use super::codec::VideoError;

/// Decodes one remote H.264 track: whole access units in Annex B (as webrtc-rs's
/// depacketizer gives them) to I420 frames.
pub struct H264Decoder {
    decoder: Decoder,
}

impl H264Decoder {
    pub fn new() -> Result<H264Decoder, VideoError> {
        let decoder = Decoder::new().map_err(|err| VideoError(format!("H.264 decoder: {err}")))?;
        Ok(H264Decoder { decoder })
    }

    /// Decodes one access unit; `None` when it yields no picture (yet).
    pub fn decode(&mut self, data: &[u8]) -> Result<Option<VideoFrame>, VideoError> {
        let picture = self
            .decoder
            .decode(data)
            .map_err(|err| VideoError(format!("H.264 decode: {err}")))?;
        Ok(picture.map(|picture| packed_i420(&picture)))
    }
}

/// A decoded picture (planes with strides) as one tightly packed I420 frame.
fn packed_i420(picture: &impl YUVSource) -> VideoFrame {
    let (w, h) = picture.dimensions();
    let (y, u, v) = picture.strides();
    VideoFrame::from_planes(w, h, [(picture.y(), y), (picture.u(), u), (picture.v(), v)])
}

#[cfg(test)]
mod tests {
    use openh264::encoder::Encoder;
    use openh264::formats::YUVBuffer;

    use super::*;
    use crate::video::VideoSource;
    use crate::video::synthetic::TestPattern;

    #[test]
    fn pictures_survive_a_round_trip_with_their_size_and_colours() {
        const RED: (u8, u8, u8) = (81, 90, 240);
        let mut pattern = TestPattern::new(320, 240, RED);
        let mut encoder = Encoder::new().unwrap();
        let mut decoder = H264Decoder::new().unwrap();
        let mut decoded = 0;
        for _ in 0..10 {
            let frame = pattern.next_frame();
            let yuv = YUVBuffer::from_vec(frame.data.clone(), 320, 240);
            let bitstream = encoder.encode(&yuv).unwrap().to_vec();
            if let Some(picture) = decoder.decode(&bitstream).unwrap() {
                assert_eq!((picture.width, picture.height), (320, 240));
                assert_eq!(picture.data.len(), 320 * 240 * 3 / 2);
                let (_, u, v) = picture.mean_yuv();
                assert!(
                    (u - f32::from(RED.1)).abs() < 8.0 && (v - f32::from(RED.2)).abs() < 8.0,
                    "U {u} V {v}"
                );
                decoded += 1;
            }
        }
        assert!(decoded >= 8, "{decoded} pictures decoded of 10");
    }

    #[test]
    fn garbage_is_an_error_or_no_picture_never_a_panic() {
        let mut decoder = H264Decoder::new().unwrap();
        let garbage = [0u8, 0, 0, 1, 0x65, 0xff, 0x00, 0x13, 0x37];
        if let Ok(picture) = decoder.decode(&garbage) {
            assert!(picture.is_none());
        }
    }
}
