//! A WAV file as a microphone, played in a loop: speech or music recorded once,
//! for tests and demos. 48 kHz (the call's rate), mono or stereo (mixed down),
//! 16-bit integer or 32-bit float samples.

use std::path::Path;

use super::{AudioSource, SAMPLE_RATE};

#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("cannot read the WAV file: {0}")]
    Read(#[from] hound::Error),
    #[error("the WAV file is {0} Hz; calls need {SAMPLE_RATE} Hz")]
    Rate(u32),
    #[error("the WAV file has {0} channels; mono or stereo only")]
    Channels(u16),
    #[error("the WAV file's samples are {0}; 16-bit integers or 32-bit floats only")]
    Format(String),
    #[error("the WAV file holds no sound")]
    Empty,
}

/// Plays a WAV file's sound over and over.
pub struct WavSource {
    samples: Vec<f32>,
    position: usize,
}

impl WavSource {
    /// Reads the whole file (at once: a source must never wait for the disk).
    pub fn open(path: &Path) -> Result<WavSource, WavError> {
        let reader = hound::WavReader::open(path)?;
        let spec = reader.spec();
        if spec.sample_rate != SAMPLE_RATE {
            return Err(WavError::Rate(spec.sample_rate));
        }
        if !(1..=2).contains(&spec.channels) {
            return Err(WavError::Channels(spec.channels));
        }
        let interleaved: Vec<f32> = match (spec.sample_format, spec.bits_per_sample) {
            (hound::SampleFormat::Int, 16) => reader
                .into_samples::<i16>()
                .map(|s| s.map(|s| f32::from(s) / 32_768.0))
                .collect::<Result<_, _>>()?,
            (hound::SampleFormat::Float, 32) => {
                reader.into_samples::<f32>().collect::<Result<_, _>>()?
            }
            (format, bits) => return Err(WavError::Format(format!("{bits}-bit {format:?}"))),
        };
        let channels = usize::from(spec.channels);
        let samples: Vec<f32> = interleaved
            .chunks_exact(channels)
            .map(|frame| frame.iter().sum::<f32>() / channels as f32)
            .collect();
        if samples.is_empty() {
            return Err(WavError::Empty);
        }
        Ok(WavSource {
            samples,
            position: 0,
        })
    }
}

impl AudioSource for WavSource {
    fn read(&mut self, frame: &mut [f32]) {
        for sample in frame {
            *sample = self.samples[self.position];
            self.position = (self.position + 1) % self.samples.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::FRAME_SAMPLES;

    fn write(path: &Path, rate: u32, channels: u16, samples: &[i16]) {
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(path, spec).unwrap();
        for &s in samples {
            writer.write_sample(s).unwrap();
        }
        writer.finalize().unwrap();
    }

    #[test]
    fn a_stereo_file_is_mixed_down_and_loops() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("two.wav");
        // Three stereo frames: (L, R) averaged.
        write(
            &path,
            SAMPLE_RATE,
            2,
            &[16_384, 0, -16_384, -16_384, 0, 32_767],
        );
        let mut source = WavSource::open(&path).unwrap();
        let mut frame = vec![0.0; FRAME_SAMPLES];
        source.read(&mut frame);
        let expected = [0.25, -0.5, 0.5];
        for (i, sample) in frame.iter().enumerate() {
            assert!(
                (sample - expected[i % 3]).abs() < 1e-3,
                "sample {i}: {sample}"
            );
        }
    }

    #[test]
    fn files_the_call_cannot_play_are_refused_with_a_reason() {
        let folder = tempfile::tempdir().unwrap();
        let slow = folder.path().join("slow.wav");
        write(&slow, 44_100, 1, &[0; 10]);
        assert!(matches!(
            WavSource::open(&slow),
            Err(WavError::Rate(44_100))
        ));
        let empty = folder.path().join("empty.wav");
        write(&empty, SAMPLE_RATE, 1, &[]);
        assert!(matches!(WavSource::open(&empty), Err(WavError::Empty)));
        let junk = folder.path().join("junk.wav");
        std::fs::write(&junk, b"not a wav file").unwrap();
        let err = WavSource::open(&junk).err().expect("refused");
        assert!(
            err.to_string().starts_with("cannot read the WAV file"),
            "{err}"
        );
    }
}
