//! Video as the engine moves it: frames in I420 (planar YUV 4:2:0, tightly packed),
//! VP8 in between. A camera (or a test pattern) behind [`VideoSource`]; decoded
//! frames of the others' cameras and screens to a [`VideoSink`].

pub mod codec;
pub mod h264;
pub mod synthetic;

use uuid::Uuid;

/// What the camera sends: a modest size and rate, fine for a call's tiles.
pub const CAMERA_WIDTH: u32 = 320;
pub const CAMERA_HEIGHT: u32 = 240;
pub const CAMERA_FPS: u32 = 15;
/// VP8 bitrate of the camera, kb/s.
pub const CAMERA_KBPS: u32 = 300;

/// One picture, I420: the Y plane (`width × height`), then U and V (each a quarter).
#[derive(Clone, PartialEq, Eq)]
pub struct VideoFrame {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for VideoFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VideoFrame({}x{})", self.width, self.height)
    }
}

impl VideoFrame {
    /// A frame of one colour (Y, U, V); sizes are rounded up to even numbers.
    pub fn filled(width: u32, height: u32, yuv: (u8, u8, u8)) -> VideoFrame {
        let (width, height) = (width.next_multiple_of(2), height.next_multiple_of(2));
        let luma = (width * height) as usize;
        let mut data = vec![yuv.0; luma];
        data.extend(std::iter::repeat_n(yuv.1, luma / 4));
        data.extend(std::iter::repeat_n(yuv.2, luma / 4));
        VideoFrame {
            width,
            height,
            data,
        }
    }

    /// Packs a decoder's planes (Y, U, V, each with its stride in bytes) into one
    /// tightly packed I420 frame of `width × height`.
    pub fn from_planes(width: usize, height: usize, planes: [(&[u8], usize); 3]) -> VideoFrame {
        let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
        let mut data = Vec::with_capacity(width * height + 2 * cw * ch);
        let sizes = [(width, height), (cw, ch), (cw, ch)];
        for ((plane, stride), (row_len, rows)) in planes.into_iter().zip(sizes) {
            for row in 0..rows {
                let start = row * stride;
                data.extend_from_slice(&plane[start..start + row_len]);
            }
        }
        VideoFrame {
            width: width as u32,
            height: height as u32,
            data,
        }
    }

    pub fn luma(&self) -> &[u8] {
        &self.data[..(self.width * self.height) as usize]
    }

    /// The mean of each plane: enough for a test to tell colours apart.
    pub fn mean_yuv(&self) -> (f32, f32, f32) {
        let luma = (self.width * self.height) as usize;
        let mean = |plane: &[u8]| {
            plane.iter().map(|&v| u64::from(v)).sum::<u64>() as f32 / plane.len().max(1) as f32
        };
        (
            mean(&self.data[..luma]),
            mean(&self.data[luma..luma + luma / 4]),
            mean(&self.data[luma + luma / 4..]),
        )
    }
}

/// Which of a participant's video slots (the browser's layout: camera, then screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoSlot {
    Camera,
    Screen,
}

/// This participant's camera (or a stand-in): the next picture, every 1/fps seconds.
pub trait VideoSource: Send + 'static {
    fn next_frame(&mut self) -> VideoFrame;
}

/// Where the others' pictures go (the call view, a test's counter).
pub trait VideoSink: Send + Sync + 'static {
    fn frame(&self, from: Uuid, slot: VideoSlot, frame: &VideoFrame);
}
