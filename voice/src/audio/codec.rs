//! Opus at 48 kHz in 20 ms packets, mono, with in-band forward error correction so
//! that a lost packet is rebuilt from the next one.

use opus::{Application, Bitrate, Channels};

use super::{FRAME_SAMPLES, SAMPLE_RATE};

/// Largest Opus packet (RFC 6716, 3.2.1).
const MAX_PACKET: usize = 1275;
/// Speech at this rate is clear; browsers use about the same.
const BITRATE: i32 = 32_000;
/// The loss the encoder plans its FEC for.
const EXPECTED_LOSS_PERCENT: i32 = 10;

pub struct Encoder {
    inner: opus::Encoder,
}

impl Encoder {
    pub fn new() -> Result<Encoder, opus::Error> {
        let mut inner = opus::Encoder::new(SAMPLE_RATE, Channels::Mono, Application::Voip)?;
        inner.set_bitrate(Bitrate::Bits(BITRATE))?;
        inner.set_inband_fec(true)?;
        inner.set_packet_loss_perc(EXPECTED_LOSS_PERCENT)?;
        Ok(Encoder { inner })
    }

    /// One packet for one frame.
    pub fn encode(&mut self, frame: &[f32]) -> Result<Vec<u8>, opus::Error> {
        self.inner.encode_vec_float(frame, MAX_PACKET)
    }
}

pub struct Decoder {
    inner: opus::Decoder,
}

impl Decoder {
    pub fn new() -> Result<Decoder, opus::Error> {
        // Mono output: stereo streams (a browser's `opus/48000/2`) are mixed down.
        Ok(Decoder {
            inner: opus::Decoder::new(SAMPLE_RATE, Channels::Mono)?,
        })
    }

    /// Decodes one packet into `frame`.
    pub fn decode(&mut self, packet: &[u8], frame: &mut [f32]) -> Result<(), opus::Error> {
        self.fill(packet, frame, false)
    }

    /// Rebuilds a lost frame: from the FEC data of the packet after it when that one
    /// is here, by concealment otherwise.
    pub fn conceal(&mut self, next: Option<&[u8]>, frame: &mut [f32]) -> Result<(), opus::Error> {
        match next {
            Some(packet) => self.fill(packet, frame, true),
            None => self.fill(&[], frame, false),
        }
    }

    fn fill(&mut self, packet: &[u8], frame: &mut [f32], fec: bool) -> Result<(), opus::Error> {
        let decoded = self
            .inner
            .decode_float(packet, &mut frame[..FRAME_SAMPLES], fec)?;
        frame[decoded..].fill(0.0);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioSource;
    use crate::audio::synthetic::ToneSource;

    fn rms(samples: &[f32]) -> f32 {
        (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt()
    }

    #[test]
    fn a_tone_survives_a_round_trip_and_a_lost_packet_is_rebuilt() {
        let (mut encoder, mut decoder) = (Encoder::new().unwrap(), Decoder::new().unwrap());
        let mut tone = ToneSource::new(440.0, 0.5);
        let mut frame = vec![0.0; FRAME_SAMPLES];
        let packets: Vec<Vec<u8>> = (0..20)
            .map(|_| {
                tone.read(&mut frame);
                encoder.encode(&frame).unwrap()
            })
            .collect();
        assert!(
            packets.iter().all(|p| p.len() < 200),
            "32 kb/s is about 80 bytes"
        );

        let mut out = vec![0.0; FRAME_SAMPLES];
        for packet in &packets[..10] {
            decoder.decode(packet, &mut out).unwrap();
        }
        // A sine of amplitude 0.5 has an RMS of 0.354.
        assert!((rms(&out) - 0.354).abs() < 0.05, "rms {}", rms(&out));
        // Packet 10 is lost: packet 11's FEC rebuilds it.
        decoder.conceal(Some(&packets[11]), &mut out).unwrap();
        assert!(rms(&out) > 0.2, "rebuilt frame has the tone: {}", rms(&out));
    }
}
