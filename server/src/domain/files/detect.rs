//! What an upload is, judged by its bytes (never by its name or the request's
//! headers), how it may be served, and what its name may be.

use crate::api::FileKind;

/// How many leading bytes detection looks at.
pub const SNIFF_LEN: usize = 8192;

/// The content type of a file whose first bytes are `head`.
pub fn content_type(head: &[u8]) -> String {
    if let Some(found) = infer::get(head) {
        let mime = found.mime_type();
        // infer calls any XML "text/xml"; an SVG image is XML that runs script.
        if mime == "text/xml" && looks_like_svg(head) {
            return "image/svg+xml".into();
        }
        return mime.to_owned();
    }
    if looks_like_svg(head) {
        return "image/svg+xml".into();
    }
    if is_text(head) {
        return "text/plain; charset=utf-8".into();
    }
    "application/octet-stream".into()
}

fn looks_like_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    (text.starts_with('<')) && text.contains("<svg")
}

/// UTF-8 without control characters other than whitespace (a multi-byte
/// character cut at the end of the sniffed bytes is fine).
fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !valid
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
}

pub fn kind(content_type: &str) -> FileKind {
    if inline_safe(content_type) {
        match content_type.split('/').next() {
            Some("image") => FileKind::Image,
            Some("video") => FileKind::Video,
            Some("audio") => FileKind::Audio,
            _ => FileKind::File,
        }
    } else {
        FileKind::File
    }
}

/// Types a browser shows without running anything in the page's origin; every
/// other file (HTML, SVG, XML, scripts, PDF, …) is served as a download.
pub fn inline_safe(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "image/avif"
            | "image/bmp"
            | "video/mp4"
            | "video/webm"
            | "video/quicktime"
            | "audio/mpeg"
            | "audio/ogg"
            | "audio/x-wav"
            | "audio/x-flac"
            | "audio/aac"
            | "audio/m4a"
            | "audio/webm"
    )
}

/// Images whose metadata the server removes and which get thumbnails.
pub fn processed_image(content_type: &str) -> Option<image::ImageFormat> {
    match content_type {
        "image/jpeg" => Some(image::ImageFormat::Jpeg),
        "image/png" => Some(image::ImageFormat::Png),
        "image/webp" => Some(image::ImageFormat::WebP),
        "image/gif" => Some(image::ImageFormat::Gif),
        _ => None,
    }
}

const NAME_MAX: usize = 255;

/// The last path component of a sent name, without control characters or
/// characters that trouble file systems, at most 255 characters; "file" if
/// nothing is left.
pub fn safe_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
        .take(NAME_MAX)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.resize(64, 0);
        assert_eq!(content_type(&elf), "application/x-executable");
        assert_eq!(
            content_type(b"<!DOCTYPE html><script>alert(1)</script>"),
            "text/html"
        );
        assert_eq!(
            content_type(b"  <svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>"),
            "image/svg+xml"
        );
        assert_eq!(
            content_type(b"<?xml version=\"1.0\"?><svg onload=\"x()\"/>"),
            "image/svg+xml"
        );
        assert_eq!(
            content_type("plain text, caf\u{e9}".as_bytes()),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type(b"\0\x01\x02binary"),
            "application/octet-stream"
        );
    }

    #[test]
    fn only_passive_media_is_inline() {
        for t in ["image/png", "image/jpeg", "video/mp4", "audio/mpeg"] {
            assert!(inline_safe(t), "{t}");
        }
        for t in [
            "text/html",
            "image/svg+xml",
            "text/xml",
            "application/pdf",
            "text/plain; charset=utf-8",
            "application/javascript",
        ] {
            assert!(!inline_safe(t), "{t}");
            assert_eq!(kind(t), FileKind::File);
        }
        assert_eq!(kind("image/gif"), FileKind::Image);
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\me\\photo.jpg"), "photo.jpg");
        assert_eq!(safe_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(safe_name("..."), "file");
        assert_eq!(safe_name(""), "file");
        assert_eq!(safe_name(&"x".repeat(400)).chars().count(), 255);
    }
}
