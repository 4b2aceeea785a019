//! Images: size checks from the header before anything is decoded, metadata
//! removal (EXIF with GPS, XMP, text chunks, comments), and thumbnails. All of
//! it is blocking work: callers run it on the blocking pool.

use std::io::Cursor;
use std::path::Path;

use bytes::Bytes;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use img_parts::ImageEXIF;

/// Images larger than this on either side, or with more pixels, are refused
/// before decoding (a small file can declare a huge canvas).
pub const MAX_SIDE: u32 = 20_000;
pub const MAX_PIXELS: u64 = 50_000_000;
/// Images whose metadata is removed are read whole into memory: at most this.
pub const MAX_PROCESSED_BYTES: u64 = 50 * 1024 * 1024;
/// The thumbnail fits in a square of this many pixels.
pub const THUMBNAIL_SIDE: u32 = 400;

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error(
        "the image is {0}×{1} pixels; at most {MAX_SIDE} per side and {MAX_PIXELS} pixels are accepted"
    )]
    TooLarge(u32, u32),
    #[error("the image cannot be read: {0}")]
    Unreadable(String),
}

/// Width and height from the header alone.
pub fn dimensions(path: &Path, format: ImageFormat) -> Result<(u32, u32), ImageError> {
    let mut reader = ImageReader::open(path).map_err(|e| ImageError::Unreadable(e.to_string()))?;
    reader.set_format(format);
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| ImageError::Unreadable(e.to_string()))?;
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ImageError::TooLarge(w, h));
    }
    Ok((w, h))
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    limits
}

/// The image without metadata, or `None` when nothing needed removing. A JPEG
/// or WebP turned by its EXIF orientation is turned for real first, since the
/// tag that told viewers to turn it goes with the rest.
pub fn without_metadata(bytes: Bytes, format: ImageFormat) -> Result<Option<Vec<u8>>, ImageError> {
    let unreadable = |e: img_parts::Error| ImageError::Unreadable(e.to_string());
    match format {
        ImageFormat::Jpeg => {
            let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(bytes.clone()).map_err(unreadable)?;
            if jpeg.exif().is_some()
                && let Some(turned) = turned_upright(&bytes, format)?
            {
                return Ok(Some(turned));
            }
            let before = jpeg.segments().len();
            // APP1 (EXIF, XMP), APP12–APP14 (Photoshop/IPTC and others), comments.
            for marker in [0xE1, 0xEC, 0xED, 0xEE, 0xFE] {
                jpeg.remove_segments_by_marker(marker);
            }
            Ok((jpeg.segments().len() != before).then(|| jpeg.encoder().bytes().to_vec()))
        }
        ImageFormat::Png => {
            let mut png = img_parts::png::Png::from_bytes(bytes).map_err(unreadable)?;
            let before = png.chunks().len();
            for kind in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"] {
                png.remove_chunks_by_type(kind);
            }
            Ok((png.chunks().len() != before).then(|| png.encoder().bytes().to_vec()))
        }
        ImageFormat::WebP => {
            let mut webp = img_parts::webp::WebP::from_bytes(bytes.clone()).map_err(unreadable)?;
            let had_exif = webp.exif().is_some();
            if had_exif && let Some(turned) = turned_upright(&bytes, format)? {
                return Ok(Some(turned));
            }
            let had_xmp = webp.has_chunk(*b"XMP ");
            if !had_exif && !had_xmp {
                return Ok(None);
            }
            webp.remove_chunks_by_id(*b"XMP ");
            // Also fixes the header's flags for what is left.
            webp.set_exif(None);
            Ok(Some(webp.encoder().bytes().to_vec()))
        }
        _ => Ok(None),
    }
}

/// Re-encodes an image whose EXIF says it is turned; `None` when it is upright.
fn turned_upright(bytes: &[u8], format: ImageFormat) -> Result<Option<Vec<u8>>, ImageError> {
    let unreadable = |e: image::ImageError| ImageError::Unreadable(e.to_string());
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    // Malformed EXIF says nothing reliable about orientation; it is removed anyway.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    if orientation == image::metadata::Orientation::NoTransforms {
        return Ok(None);
    }
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::WebP => image.write_to(&mut out, ImageFormat::WebP),
        _ => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&image.to_rgb8()),
    }
    .map_err(unreadable)?;
    Ok(Some(out.into_inner()))
}

/// A thumbnail no larger than [`THUMBNAIL_SIDE`]: JPEG, or PNG when the image
/// has transparency. Decoding is bounded by the same limits as uploads.
pub fn thumbnail(path: &Path, format: ImageFormat) -> Result<(Vec<u8>, &'static str), ImageError> {
    let unreadable = |e: image::ImageError| ImageError::Unreadable(e.to_string());
    let mut reader = ImageReader::open(path).map_err(|e| ImageError::Unreadable(e.to_string()))?;
    reader.set_format(format);
    reader.limits(limits());
    let image = reader.decode().map_err(unreadable)?;
    // Never enlarged: a picture that already fits is its own size.
    let small = if image.width() <= THUMBNAIL_SIDE && image.height() <= THUMBNAIL_SIDE {
        image
    } else {
        image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    };
    let mut out = Cursor::new(Vec::new());
    if small.color().has_alpha() {
        small
            .write_to(&mut out, ImageFormat::Png)
            .map_err(unreadable)?;
        Ok((out.into_inner(), "image/png"))
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&small.to_rgb8())
            .map_err(unreadable)?;
        Ok((out.into_inner(), "image/jpeg"))
    }
}
