//! VP8 through libvpx: a real-time encoder for the camera and a decoder per remote
//! video track. A thin safe layer over the raw bindings (`env-libvpx-sys`): each
//! context is created, used and destroyed by its owner alone.

use std::mem::MaybeUninit;
use std::os::raw::{c_int, c_long, c_uint, c_ulong};
use std::ptr;

use bytes::Bytes;
use vpx_sys as vpx;

use super::VideoFrame;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct VideoError(pub(crate) String);

fn check(what: &str, code: vpx::vpx_codec_err_t) -> Result<(), VideoError> {
    if code == vpx::vpx_codec_err_t::VPX_CODEC_OK {
        return Ok(());
    }
    // SAFETY: libvpx returns a static C string for every error code.
    let text = unsafe { std::ffi::CStr::from_ptr(vpx::vpx_codec_err_to_string(code)) };
    Err(VideoError(format!(
        "VP8 {what}: {}",
        text.to_string_lossy()
    )))
}

pub struct Vp8Encoder {
    ctx: Box<vpx::vpx_codec_ctx_t>,
    width: u32,
    height: u32,
    frame: i64,
    keyframe_wanted: bool,
}

// SAFETY: the context is only ever used through `&mut self`.
unsafe impl Send for Vp8Encoder {}

impl Vp8Encoder {
    /// For real time: no look-ahead, one thread, constant bitrate, a key frame at
    /// least every 2 s (a newcomer or a lost packet waits no longer for a picture),
    /// resilient to lost packets.
    pub fn new(width: u32, height: u32, fps: u32, kbps: u32) -> Result<Vp8Encoder, VideoError> {
        if width == 0 || height == 0 || width % 2 == 1 || height % 2 == 1 {
            return Err(VideoError(format!(
                "VP8: {width}x{height} is not an even size"
            )));
        }
        // SAFETY: the interface is a static; the config is fully written by libvpx.
        let mut cfg = unsafe {
            let mut cfg = MaybeUninit::<vpx::vpx_codec_enc_cfg_t>::zeroed();
            check(
                "encoder defaults",
                vpx::vpx_codec_enc_config_default(vpx::vpx_codec_vp8_cx(), cfg.as_mut_ptr(), 0),
            )?;
            cfg.assume_init()
        };
        cfg.g_w = width;
        cfg.g_h = height;
        cfg.g_timebase.num = 1;
        cfg.g_timebase.den = fps.max(1) as c_int;
        cfg.g_threads = 1;
        cfg.g_lag_in_frames = 0;
        cfg.g_error_resilient = vpx::VPX_ERROR_RESILIENT_DEFAULT;
        cfg.rc_end_usage = vpx::vpx_rc_mode::VPX_CBR;
        cfg.rc_target_bitrate = kbps;
        cfg.kf_mode = vpx::vpx_kf_mode::VPX_KF_AUTO;
        cfg.kf_max_dist = fps * 2;
        // SAFETY: a zeroed context is what vpx_codec_enc_init expects to fill.
        let mut ctx =
            Box::new(unsafe { MaybeUninit::<vpx::vpx_codec_ctx_t>::zeroed().assume_init() });
        // SAFETY: ctx and cfg outlive the call; the ABI version is the headers'.
        check("encoder", unsafe {
            vpx::vpx_codec_enc_init_ver(
                &mut *ctx,
                vpx::vpx_codec_vp8_cx(),
                &cfg,
                0,
                vpx::VPX_ENCODER_ABI_VERSION as c_int,
            )
        })?;
        Ok(Vp8Encoder {
            ctx,
            width,
            height,
            frame: 0,
            keyframe_wanted: true,
        })
    }

    /// The next frame is a key frame (someone lost the picture, or just arrived).
    pub fn request_keyframe(&mut self) {
        self.keyframe_wanted = true;
    }

    /// Encodes one frame (of the encoder's size); returns the compressed frames.
    pub fn encode(&mut self, frame: &VideoFrame) -> Result<Vec<Bytes>, VideoError> {
        let expected = (self.width * self.height * 3 / 2) as usize;
        if (frame.width, frame.height) != (self.width, self.height) || frame.data.len() != expected
        {
            return Err(VideoError(format!(
                "VP8: a {}x{} frame for a {}x{} encoder",
                frame.width, frame.height, self.width, self.height
            )));
        }
        // SAFETY: `image` only points into `frame.data`, which outlives the encode call;
        // libvpx reads it during vpx_codec_encode and keeps no pointer to it.
        let mut image = unsafe { MaybeUninit::<vpx::vpx_image_t>::zeroed().assume_init() };
        let wrapped = unsafe {
            vpx::vpx_img_wrap(
                &mut image,
                vpx::vpx_img_fmt::VPX_IMG_FMT_I420,
                self.width as c_uint,
                self.height as c_uint,
                1,
                frame.data.as_ptr() as *mut u8,
            )
        };
        if wrapped.is_null() {
            return Err(VideoError("VP8: cannot wrap the frame".into()));
        }
        let flags = if std::mem::take(&mut self.keyframe_wanted) {
            vpx::VPX_EFLAG_FORCE_KF as c_long
        } else {
            0
        };
        let pts = self.frame;
        self.frame += 1;
        // SAFETY: see above.
        check("encode", unsafe {
            vpx::vpx_codec_encode(
                &mut *self.ctx,
                &image,
                pts,
                1,
                flags,
                vpx::VPX_DL_REALTIME as c_ulong,
            )
        })?;
        let mut out = Vec::new();
        let mut iter: vpx::vpx_codec_iter_t = ptr::null();
        loop {
            // SAFETY: the packets live until the next encode call; copied out here.
            let packet = unsafe { vpx::vpx_codec_get_cx_data(&mut *self.ctx, &mut iter) };
            if packet.is_null() {
                break;
            }
            unsafe {
                if (*packet).kind == vpx::vpx_codec_cx_pkt_kind::VPX_CODEC_CX_FRAME_PKT {
                    let data = &(*packet).data.frame;
                    let bytes = std::slice::from_raw_parts(data.buf as *const u8, data.sz as usize);
                    out.push(Bytes::copy_from_slice(bytes));
                }
            }
        }
        Ok(out)
    }
}

impl Drop for Vp8Encoder {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, destroyed once.
        unsafe { vpx::vpx_codec_destroy(&mut *self.ctx) };
    }
}

pub struct Vp8Decoder {
    ctx: Box<vpx::vpx_codec_ctx_t>,
}

// SAFETY: the context is only ever used through `&mut self`.
unsafe impl Send for Vp8Decoder {}

impl Vp8Decoder {
    pub fn new() -> Result<Vp8Decoder, VideoError> {
        let cfg = vpx::vpx_codec_dec_cfg_t {
            threads: 1,
            w: 0,
            h: 0,
        };
        // SAFETY: as for the encoder.
        let mut ctx =
            Box::new(unsafe { MaybeUninit::<vpx::vpx_codec_ctx_t>::zeroed().assume_init() });
        check("decoder", unsafe {
            vpx::vpx_codec_dec_init_ver(
                &mut *ctx,
                vpx::vpx_codec_vp8_dx(),
                &cfg,
                0,
                vpx::VPX_DECODER_ABI_VERSION as c_int,
            )
        })?;
        Ok(Vp8Decoder { ctx })
    }

    /// Decodes one compressed frame; `None` when it yields no picture.
    pub fn decode(&mut self, data: &[u8]) -> Result<Option<VideoFrame>, VideoError> {
        let size =
            c_uint::try_from(data.len()).map_err(|_| VideoError("VP8: frame too big".into()))?;
        // SAFETY: libvpx reads `data` during the call only.
        check("decode", unsafe {
            vpx::vpx_codec_decode(&mut *self.ctx, data.as_ptr(), size, ptr::null_mut(), 0)
        })?;
        let mut last = None;
        let mut iter: vpx::vpx_codec_iter_t = ptr::null();
        loop {
            // SAFETY: the image lives until the next decode call; copied out here.
            let image = unsafe { vpx::vpx_codec_get_frame(&mut *self.ctx, &mut iter) };
            if image.is_null() {
                break;
            }
            last = Some(unsafe { packed_i420(&*image) });
        }
        Ok(last)
    }
}

impl Drop for Vp8Decoder {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, destroyed once.
        unsafe { vpx::vpx_codec_destroy(&mut *self.ctx) };
    }
}

/// A decoded image (planes with strides) as one tightly packed I420 frame.
///
/// # Safety
/// `image` must be a valid 8-bit I420 image from libvpx.
unsafe fn packed_i420(image: &vpx::vpx_image_t) -> VideoFrame {
    let (w, h) = (image.d_w as usize, image.d_h as usize);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let plane = |index: usize, row_len: usize, rows: usize| {
        let stride = image.stride[index] as usize;
        if rows == 0 {
            return (&[][..], stride);
        }
        // SAFETY: libvpx's planes hold `rows` rows of `stride` bytes (the last row
        // at least `row_len`); the image lives until the next decode call.
        let bytes = unsafe {
            std::slice::from_raw_parts(image.planes[index], stride * (rows - 1) + row_len)
        };
        (bytes, stride)
    };
    VideoFrame::from_planes(w, h, [plane(0, w, h), plane(1, cw, ch), plane(2, cw, ch)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::video::VideoSource;
    use crate::video::synthetic::TestPattern;

    #[test]
    fn frames_survive_a_round_trip_with_their_size_and_colours() {
        let mut pattern = TestPattern::new(320, 240, (81, 90, 240));
        let mut encoder = Vp8Encoder::new(320, 240, 15, 300).unwrap();
        let mut decoder = Vp8Decoder::new().unwrap();
        let mut decoded = 0;
        for _ in 0..15 {
            let frame = pattern.next_frame();
            for packet in encoder.encode(&frame).unwrap() {
                if let Some(picture) = decoder.decode(&packet).unwrap() {
                    assert_eq!((picture.width, picture.height), (320, 240));
                    let (_, u, v) = picture.mean_yuv();
                    let (_, u0, v0) = frame.mean_yuv();
                    assert!((u - u0).abs() < 8.0 && (v - v0).abs() < 8.0, "{u} {v}");
                    decoded += 1;
                }
            }
        }
        assert!(decoded >= 14, "{decoded} of 15 frames decoded");
    }

    #[test]
    fn a_wrong_size_or_garbage_is_an_error_not_a_panic() {
        assert!(Vp8Encoder::new(321, 240, 15, 300).is_err());
        let mut encoder = Vp8Encoder::new(320, 240, 15, 300).unwrap();
        assert!(
            encoder
                .encode(&VideoFrame::filled(64, 64, (0, 128, 128)))
                .is_err()
        );
        let mut decoder = Vp8Decoder::new().unwrap();
        assert!(decoder.decode(&[0xff; 40]).is_err());
    }
}
