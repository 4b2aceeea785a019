//! The computer's cameras through `nokhwa` (V4L2, AVFoundation, Media Foundation),
//! behind the engine's [`VideoSource`]: a capture thread reads the camera at its own
//! pace and keeps the newest picture, scaled to the call's size; the engine's camera
//! clock takes whatever is newest.
//!
//! `CHATALOT_FAKE_CAMERA=pattern` replaces the cameras with a test pattern, like a
//! browser's fake media flags: for tests, and for trying video without a camera.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use chatalot_voice::video::synthetic::TestPattern;
use chatalot_voice::video::{
    CAMERA_HEIGHT, CAMERA_WIDTH, VideoFrame, VideoSink, VideoSlot, VideoSource,
};
use uuid::Uuid;

use super::devices::{DeviceError, MediaDevice};

/// The environment variable that replaces the cameras (see the module docs).
pub const FAKE_CAMERA_VAR: &str = "CHATALOT_FAKE_CAMERA";
/// The fake camera's colour (Y, U, V): green.
pub const PATTERN_COLOUR: (u8, u8, u8) = (145, 54, 34);

/// Reads [`FAKE_CAMERA_VAR`]: whether the test pattern stands in for the cameras.
pub fn fake_from_env() -> Result<bool, DeviceError> {
    match std::env::var(FAKE_CAMERA_VAR) {
        Ok(value) if value == "pattern" => Ok(true),
        Ok(value) if !value.is_empty() => Err(DeviceError::BadFakeCamera(value)),
        _ => Ok(false),
    }
}

/// The fake camera as the settings list it.
pub fn fake_list() -> Vec<MediaDevice> {
    vec![MediaDevice {
        id: "fake".into(),
        name: "Test pattern".into(),
    }]
}

/// The test pattern at the call's size.
pub fn pattern() -> Box<dyn VideoSource> {
    Box::new(TestPattern::new(
        CAMERA_WIDTH,
        CAMERA_HEIGHT,
        PATTERN_COLOUR,
    ))
}

/// The cameras the system offers now (none when it has none or cannot list them).
pub fn list() -> Vec<MediaDevice> {
    initialize();
    match nokhwa::query(nokhwa::utils::ApiBackend::Auto) {
        Ok(cameras) => cameras
            .iter()
            .map(|info| MediaDevice {
                id: info.index().as_string(),
                name: info.human_name(),
            })
            .collect(),
        Err(err) => {
            tracing::debug!("no cameras listed: {err}");
            Vec::new()
        }
    }
}

/// Asks for the camera permission where the system wants it asked (macOS); the
/// first use after a "yes" works.
fn initialize() {
    #[cfg(target_os = "macos")]
    nokhwa::nokhwa_initialize(|granted| tracing::info!("camera permission granted: {granted}"));
}

/// A camera opened for a call; closed when dropped.
pub struct DeviceCamera {
    newest: Arc<Mutex<Option<VideoFrame>>>,
    stop: Arc<AtomicBool>,
    blank: VideoFrame,
}

impl DeviceCamera {
    /// Opens the camera `id` (`None`: the first one) and starts capturing. Blocks
    /// until the camera answers: call it off the async runtime.
    pub fn open(id: Option<&str>) -> Result<DeviceCamera, DeviceError> {
        let newest = Arc::new(Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        let (opened, result) = mpsc::channel();
        let id = id.map(str::to_owned);
        let (into, stopped) = (newest.clone(), stop.clone());
        std::thread::Builder::new()
            .name("camera".into())
            .spawn(move || capture(id, &into, &stopped, opened))
            .map_err(|err| unusable(err.to_string()))?;
        result
            .recv()
            .map_err(|_| unusable("the capture thread stopped".into()))??;
        Ok(DeviceCamera {
            newest,
            stop,
            blank: VideoFrame::filled(CAMERA_WIDTH, CAMERA_HEIGHT, (16, 128, 128)),
        })
    }
}

impl VideoSource for DeviceCamera {
    fn next_frame(&mut self) -> VideoFrame {
        let newest = self.newest.lock().unwrap_or_else(PoisonError::into_inner);
        newest.clone().unwrap_or_else(|| self.blank.clone())
    }
}

impl Drop for DeviceCamera {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The capture thread: opens the camera, says how that went, then keeps the newest
/// picture until told to stop or the camera fails.
fn capture(
    id: Option<String>,
    newest: &Mutex<Option<VideoFrame>>,
    stop: &AtomicBool,
    opened: mpsc::Sender<Result<(), DeviceError>>,
) {
    let mut camera = match open_device(id.as_deref()) {
        Ok(camera) => {
            let _ = opened.send(Ok(()));
            camera
        }
        Err(err) => {
            let _ = opened.send(Err(err));
            return;
        }
    };
    while !stop.load(Ordering::Relaxed) {
        let picture = camera.frame().and_then(|buffer| {
            let resolution = buffer.resolution();
            let rgb = buffer.decode_image::<nokhwa::pixel_format::RgbFormat>()?;
            Ok(rgb_to_i420(
                rgb.as_raw(),
                resolution.width(),
                resolution.height(),
                CAMERA_WIDTH,
                CAMERA_HEIGHT,
            ))
        });
        match picture {
            Ok(picture) => *newest.lock().unwrap_or_else(PoisonError::into_inner) = Some(picture),
            Err(err) => {
                tracing::warn!("camera stopped: {err}");
                break;
            }
        }
    }
    let _ = camera.stop_stream();
}

fn open_device(id: Option<&str>) -> Result<nokhwa::Camera, DeviceError> {
    use nokhwa::utils::{CameraFormat, FrameFormat, RequestedFormat, RequestedFormatType};
    initialize();
    let cameras = nokhwa::query(nokhwa::utils::ApiBackend::Auto).map_err(device_error)?;
    let info = match id {
        Some(id) => cameras.iter().find(|info| info.index().as_string() == id),
        None => cameras.first(),
    }
    .ok_or(DeviceError::Missing("camera"))?;
    // A modest size and rate, close to what the call sends.
    let wanted = CameraFormat::new_from(640, 480, FrameFormat::MJPEG, 30);
    let format = RequestedFormat::new::<nokhwa::pixel_format::RgbFormat>(
        RequestedFormatType::Closest(wanted),
    );
    let mut camera = nokhwa::Camera::new(info.index().clone(), format).map_err(device_error)?;
    camera.open_stream().map_err(device_error)?;
    Ok(camera)
}

fn device_error(err: nokhwa::NokhwaError) -> DeviceError {
    let text = err.to_string();
    let lower = text.to_lowercase();
    if lower.contains("permission") || lower.contains("denied") || lower.contains("not authorized")
    {
        DeviceError::PermissionDenied("camera")
    } else {
        unusable(text)
    }
}

fn unusable(reason: String) -> DeviceError {
    DeviceError::Unusable {
        what: "camera",
        reason,
    }
}

/// A picture in RGB (`width × height × 3`) as I420 at `out_width × out_height`: the
/// middle of the picture at the output's aspect ratio, sampled (BT.601 limited range,
/// as VP8 expects).
pub fn rgb_to_i420(
    rgb: &[u8],
    width: u32,
    height: u32,
    out_width: u32,
    out_height: u32,
) -> VideoFrame {
    let (w, h) = (width as usize, height as usize);
    let (ow, oh) = (out_width as usize, out_height as usize);
    if w == 0 || h == 0 || rgb.len() < w * h * 3 {
        return VideoFrame::filled(out_width, out_height, (16, 128, 128));
    }
    // The largest part of the input with the output's shape, centred.
    let (crop_w, crop_h) = if w * oh > h * ow {
        (h * ow / oh, h)
    } else {
        (w, w * oh / ow)
    };
    let (left, top) = ((w - crop_w) / 2, (h - crop_h) / 2);
    let pixel = |x: usize, y: usize| -> (f32, f32, f32) {
        let sx = left + x * crop_w / ow;
        let sy = top + y * crop_h / oh;
        let at = (sy * w + sx) * 3;
        (
            f32::from(rgb[at]),
            f32::from(rgb[at + 1]),
            f32::from(rgb[at + 2]),
        )
    };
    let (cw, ch) = (ow.div_ceil(2), oh.div_ceil(2));
    let mut data = vec![0u8; ow * oh + 2 * cw * ch];
    let (luma, chroma) = data.split_at_mut(ow * oh);
    let (u_plane, v_plane) = chroma.split_at_mut(cw * ch);
    for y in 0..oh {
        for x in 0..ow {
            let (r, g, b) = pixel(x, y);
            luma[y * ow + x] = (16.0 + 0.257 * r + 0.504 * g + 0.098 * b).round() as u8;
        }
    }
    for y in 0..ch {
        for x in 0..cw {
            let (r, g, b) = pixel((2 * x).min(ow - 1), (2 * y).min(oh - 1));
            u_plane[y * cw + x] = (128.0 - 0.148 * r - 0.291 * g + 0.439 * b).round() as u8;
            v_plane[y * cw + x] = (128.0 + 0.439 * r - 0.368 * g - 0.071 * b).round() as u8;
        }
    }
    VideoFrame {
        width: out_width,
        height: out_height,
        data,
    }
}

/// A camera that also shows its own pictures on this user's tile (the preview).
pub struct Preview {
    pub source: Box<dyn VideoSource>,
    pub board: Arc<dyn VideoSink>,
    pub user_id: Uuid,
}

impl VideoSource for Preview {
    fn next_frame(&mut self) -> VideoFrame {
        let frame = self.source.next_frame();
        self.board.frame(self.user_id, VideoSlot::Camera, &frame);
        frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
        rgb.repeat((width * height) as usize)
    }

    #[test]
    fn colours_convert_as_vp8_expects() {
        for (rgb, yuv) in [
            ([0, 0, 0], (16, 128, 128)),
            ([255, 255, 255], (235, 128, 128)),
            ([255, 0, 0], (82, 90, 240)),
            ([0, 0, 255], (41, 240, 110)),
        ] {
            let frame = rgb_to_i420(&solid(8, 6, rgb), 8, 6, 4, 2);
            let luma = 4 * 2;
            let got = (frame.data[0], frame.data[luma], frame.data[luma + 2]);
            let near = |a: u8, b: u8| a.abs_diff(b) <= 1;
            assert!(
                near(got.0, yuv.0) && near(got.1, yuv.1) && near(got.2, yuv.2),
                "{rgb:?}: {got:?}, expected {yuv:?}"
            );
        }
    }

    #[test]
    fn a_wide_picture_is_cropped_to_the_middle_at_the_calls_size() {
        // 16×6: red on the left and right quarters, blue in the middle.
        let mut rgb = Vec::new();
        for _ in 0..6 {
            for x in 0..16 {
                rgb.extend(if (4..12).contains(&x) {
                    [0, 0, 255]
                } else {
                    [255, 0, 0]
                });
            }
        }
        let frame = rgb_to_i420(&rgb, 16, 6, 8, 6);
        assert_eq!((frame.width, frame.height), (8, 6));
        assert_eq!(frame.data.len(), 8 * 6 + 2 * 4 * 3);
        // A 4:3 middle of a 16:6 picture is 8 wide: only the blue part.
        assert!(
            frame.data[..8 * 6].iter().all(|&y| y.abs_diff(41) <= 1),
            "{:?}",
            &frame.data[..8]
        );
    }

    #[test]
    fn a_short_buffer_gives_a_black_picture_not_a_panic() {
        let frame = rgb_to_i420(&[1, 2, 3], 640, 480, 320, 240);
        assert_eq!((frame.width, frame.height), (320, 240));
        assert_eq!(frame.data[0], 16);
    }

    #[test]
    fn the_fake_camera_is_named_in_the_settings() {
        assert_eq!(fake_list()[0].name, "Test pattern");
    }

    #[test]
    fn opening_a_camera_that_is_not_there_is_an_error() {
        let err = DeviceCamera::open(Some("no-such-camera"))
            .err()
            .expect("no such camera");
        assert!(
            matches!(
                err,
                DeviceError::Missing("camera") | DeviceError::Unusable { .. }
            ),
            "{err}"
        );
    }
}
