//! Reading an image file for the PDF, with bounds: the format and size are read from the
//! header first, images over the size limits are refused before any pixel is decoded, and
//! decoding reserves its memory from one budget shared by all threads, so a build typesets
//! in parallel without ever holding more than `DECODE_BUDGET` bytes of decoded pixels.
//! PNG rows stream straight into the shrinker (`shrink`, 8-bit pixels); a JPEG is decoded by
//! `jpeg-decoder` at the smallest inverse-DCT scale (1/8 to 1) that still covers the print size;
//! the first frame of a GIF is decoded whole (within the budget); SVG is rasterised at print
//! resolution (`svg`). The EXIF orientation is read with `kamadak-exif`.
//!
//! Every failure is an `ImageError` saying what is wrong and what to do; the caller puts it
//! at the image's place in the Markdown.

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::{Condvar, Mutex};

use crate::pdf::image::Image;
use crate::pdf::shrink::{Shrinker, exif_orientation, orient, target_size};

/// No side of an image may be longer (pixels).
pub const MAX_SIDE: u32 = 20_000;
/// No image may have more pixels (50 megapixels).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Bytes of decoded pixels all threads together may hold at once; an image that alone would
/// need more is refused.
pub const DECODE_BUDGET: u64 = 320 * 1024 * 1024;
/// Print resolution: images are shrunk to at most this many pixels per inch as drawn.
pub const DPI: f32 = 200.0;

pub use crate::pdf::image::ImageError;

const SAVE_AS: &str = "save it as PNG or JPEG (photos as JPEG) and link that file";

fn damaged(detail: impl std::fmt::Display) -> ImageError {
    ImageError {
        message: format!("cannot be read: {detail}"),
        help: format!(
            "the file is damaged or incomplete: copy it again from the original, or open it in an image editor and {SAVE_AS}"
        ),
    }
}

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Gif,
    Svg,
}

/// What the header says, read without decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub format: Format,
    pub width: u32,
    pub height: u32,
    /// Progressive JPEG or interlaced PNG: decoded whole rather than row by row.
    pub whole: bool,
    /// Colour components (JPEG).
    pub components: u8,
}

/// Reads the format and size from the header and checks them against the limits.
pub fn probe(bytes: &[u8]) -> Result<Header, ImageError> {
    let header = match sniff(bytes)? {
        Format::Png => png_header(bytes),
        Format::Jpeg => jpeg_header(bytes),
        Format::Gif => gif_header(bytes),
        Format::Svg => Some(Header {
            format: Format::Svg,
            width: 0,
            height: 0,
            whole: false,
            components: 4,
        }),
    }
    .ok_or_else(|| damaged("its header is incomplete"))?;
    if header.format == Format::Svg {
        return Ok(header);
    }
    let (w, h) = (header.width, header.height);
    if w == 0 || h == 0 {
        return Err(damaged(format!("it says it is {w}×{h} px")));
    }
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ImageError {
            message: format!(
                "is {w}×{h} px; the PDF takes images of at most {MAX_SIDE} px a side and {} megapixels",
                MAX_PIXELS / 1_000_000
            ),
            help: "shrink it to about 3000 px on the long side (more is not printed) and save it as PNG or JPEG".into(),
        });
    }
    let need = decode_cost(&header);
    if need > DECODE_BUDGET {
        let what = match header.format {
            Format::Jpeg if header.whole => "a progressive JPEG",
            Format::Png if header.whole => "an interlaced PNG",
            Format::Gif => "a GIF",
            _ => "an image",
        };
        return Err(ImageError {
            message: format!(
                "is {what} of {w}×{h} px, which needs about {} MB to decode; the limit is {} MB",
                need >> 20,
                DECODE_BUDGET >> 20
            ),
            help: "shrink it to about 3000 px on the long side, or save it as a PNG or a baseline (not progressive) JPEG".into(),
        });
    }
    Ok(header)
}

/// The format from the first bytes; a located error for anything else.
fn sniff(bytes: &[u8]) -> Result<Format, ImageError> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(Format::Gif);
    }
    if is_svg(bytes) {
        return Ok(Format::Svg);
    }
    let brand = bytes.get(8..12).unwrap_or_default();
    let kind = if bytes.is_empty() {
        None
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("WebP")
    } else if bytes.get(4..8) == Some(b"ftyp") && [&b"avif"[..], b"avis"].contains(&brand) {
        Some("AVIF")
    } else if bytes.get(4..8) == Some(b"ftyp") {
        Some("HEIC (iPhone)")
    } else if bytes.starts_with(b"BM") {
        Some("BMP")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("TIFF")
    } else if bytes.starts_with(b"%PDF") {
        Some("PDF")
    } else if bytes.starts_with(&[0, 0, 1, 0]) {
        Some("Windows icon")
    } else if bytes.starts_with(b"8BPS") {
        Some("Photoshop")
    } else if bytes.starts_with(&[0x1F, 0x8B]) {
        Some("compressed (gzip or .svgz)")
    } else if bytes.starts_with(&[0xFF, 0x0A]) || bytes.starts_with(b"\0\0\0\x0cJXL ") {
        Some("JPEG XL")
    } else {
        None
    };
    Err(match kind {
        Some(kind) => ImageError {
            message: format!("is a {kind} file, which the PDF cannot include"),
            help: format!("{SAVE_AS}; GIF and SVG work too"),
        },
        None if bytes.is_empty() => ImageError {
            message: "is an empty file".into(),
            help: format!("copy the picture again, or {SAVE_AS}"),
        },
        None => ImageError {
            message: "is not a PNG, JPEG, GIF or SVG image".into(),
            help: format!(
                "the file may be a renamed document or a saved web page: open the picture and {SAVE_AS}"
            ),
        },
    })
}

/// An XML document whose root element is `svg`.
fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && text.contains("<svg")
}

fn png_header(b: &[u8]) -> Option<Header> {
    let ihdr = b.get(8..33)?;
    if &ihdr[4..8] != b"IHDR" {
        return None;
    }
    let be = |i: usize| u32::from_be_bytes([ihdr[i], ihdr[i + 1], ihdr[i + 2], ihdr[i + 3]]);
    Some(Header {
        format: Format::Png,
        width: be(8),
        height: be(12),
        whole: ihdr[20] != 0,
        components: 4,
    })
}

fn gif_header(b: &[u8]) -> Option<Header> {
    let s = b.get(6..10)?;
    Some(Header {
        format: Format::Gif,
        width: u32::from(u16::from_le_bytes([s[0], s[1]])),
        height: u32::from(u16::from_le_bytes([s[2], s[3]])),
        whole: true,
        components: 4,
    })
}

/// The frame header of a JPEG, as the decoder reads it (no pixels are decoded).
fn jpeg_header(b: &[u8]) -> Option<Header> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(b));
    decoder.read_info().ok()?;
    let info = decoder.info()?;
    Some(Header {
        format: Format::Jpeg,
        width: u32::from(info.width),
        height: u32::from(info.height),
        whole: info.coding_process == jpeg_decoder::CodingProcess::DctProgressive,
        components: match info.pixel_format {
            jpeg_decoder::PixelFormat::L8 | jpeg_decoder::PixelFormat::L16 => 1,
            jpeg_decoder::PixelFormat::RGB24 => 3,
            jpeg_decoder::PixelFormat::CMYK32 => 4,
        },
    })
}

/// Bytes the decoder holds at most for an image with this header (pixels and coefficients).
fn decode_cost(h: &Header) -> u64 {
    let px = u64::from(h.width) * u64::from(h.height);
    let row = u64::from(h.width) * 64;
    match (h.format, h.whole) {
        (Format::Png, false) => row,
        (Format::Png, true) => px * 4 + row,
        // RGB out, plus 16-bit coefficients of every component for a progressive file.
        (Format::Jpeg, false) => px * 4,
        (Format::Jpeg, true) => px * (3 + 2 * u64::from(h.components.max(3))),
        // The first frame as RGBA, plus its indices.
        (Format::Gif, _) => px * 5,
        (Format::Svg, _) => 0,
    }
}

/// The memory budget shared by every thread of the build.
static BUDGET: Budget = Budget {
    used: Mutex::new(0),
    freed: Condvar::new(),
};

struct Budget {
    used: Mutex<u64>,
    freed: Condvar,
}

/// Held while an image is decoded; gives its bytes back when dropped.
struct Reservation(u64);

fn reserve(bytes: u64) -> Reservation {
    let bytes = bytes.min(DECODE_BUDGET);
    let mut used = BUDGET.used.lock().unwrap_or_else(|e| e.into_inner());
    while *used > 0 && *used + bytes > DECODE_BUDGET {
        used = BUDGET.freed.wait(used).unwrap_or_else(|e| e.into_inner());
    }
    *used += bytes;
    Reservation(bytes)
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut used = BUDGET.used.lock().unwrap_or_else(|e| e.into_inner());
        *used = used.saturating_sub(self.0);
        BUDGET.freed.notify_all();
    }
}

/// Decodes an image file's bytes and shrinks it to print resolution for a box of
/// `width_pt` × `height_pt`, upright (EXIF orientation applied), then encodes it for the PDF.
/// The result keeps its natural drawing size (`size_pt`).
pub fn load(bytes: &[u8], width_pt: f32, height_pt: f32) -> Result<Image, ImageError> {
    let header = probe(bytes)?;
    let _hold = reserve(cost(&header, bytes.len() as u64, width_pt, height_pt));
    decode(bytes, &header, width_pt, height_pt)
}

/// `load` for a file: the header is read first, and the whole file only once its memory
/// (file bytes, decoder, result) is reserved from the budget.
pub fn load_file(path: &Path, width_pt: f32, height_pt: f32) -> Result<Image, ImageError> {
    let read_err = |e: std::io::Error| ImageError {
        message: format!("cannot be read: {e}"),
        help: "put the image next to the Markdown file, or fix the path".into(),
    };
    let mut file = std::fs::File::open(path).map_err(read_err)?;
    let len = file.metadata().map_err(read_err)?.len();
    let mut bytes = Vec::new();
    (&mut file)
        .take(1 << 20)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    let header = probe(&bytes)?;
    let need = cost(&header, len, width_pt, height_pt);
    if need > DECODE_BUDGET {
        return Err(ImageError {
            message: format!(
                "is a file of {} MB that needs about {} MB to print; the limit is {} MB",
                len >> 20,
                need >> 20,
                DECODE_BUDGET >> 20
            ),
            help: "shrink it to about 3000 px on the long side and save it as PNG or JPEG".into(),
        });
    }
    let _hold = reserve(need);
    file.read_to_end(&mut bytes).map_err(read_err)?;
    decode(&bytes, &header, width_pt, height_pt)
}

/// Bytes held while an image is read, decoded, shrunk and encoded: the file, the decoder's
/// memory, and the shrunk result with its encodings (RGB, alpha, JPEG and zlib copies).
fn cost(header: &Header, file_len: u64, width_pt: f32, height_pt: f32) -> u64 {
    let bound = (width_pt / 72.0 * DPI).max(1.0) as u64 * (height_pt / 72.0 * DPI).max(1.0) as u64;
    let px = u64::from(header.width) * u64::from(header.height);
    file_len
        + match header.format {
            // The parsed tree and a pixmap of at most the box at print resolution.
            Format::Svg => file_len * 20 + bound.min(36_000_000) * 16,
            // The result as RGBA, then as RGB and alpha.
            _ => decode_cost(header) + px.min(bound) * 8,
        }
}

fn decode(
    bytes: &[u8],
    header: &Header,
    width_pt: f32,
    height_pt: f32,
) -> Result<Image, ImageError> {
    let mut image = if header.format == Format::Svg {
        encoded(crate::pdf::svg::rasterise(bytes, width_pt, height_pt, DPI)?)?
    } else {
        let (image, orientation) = match header.format {
            Format::Png => decode_png(bytes, width_pt, height_pt)?,
            Format::Jpeg => decode_jpeg(bytes, header, width_pt, height_pt)?,
            _ => (decode_gif(bytes, width_pt, height_pt)?, 1),
        };
        encoded(image)?.with_natural(header, orientation)
    };
    image.rgb = Vec::new();
    image.alpha = None;
    image.jpeg = None;
    Ok(image)
}

/// `image` with its encoding for the PDF.
fn encoded(image: Image) -> Result<Image, ImageError> {
    let encoded = crate::pdf::image::encode(&image).map_err(damaged)?;
    Ok(Image {
        encoded: Some(encoded),
        ..image
    })
}

impl Image {
    /// The drawing size of a raster file: 0.75 pt per pixel of the file, upright (a quarter
    /// turn, EXIF orientations 5–8, swaps the sides).
    fn with_natural(self, header: &Header, orientation: u16) -> Image {
        let (w, h) = (header.width as f32 * 0.75, header.height as f32 * 0.75);
        Image {
            size_pt: Some(if orientation >= 5 { (h, w) } else { (w, h) }),
            ..self
        }
    }
}

/// The stored size for an upright target: sides swapped for EXIF orientations 5–8.
fn stored_target(sw: u32, sh: u32, orientation: u16, w_pt: f32, h_pt: f32) -> (u32, u32) {
    if orientation >= 5 {
        let (dw, dh) = target_size(sh, sw, w_pt, h_pt, DPI);
        (dh, dw)
    } else {
        target_size(sw, sh, w_pt, h_pt, DPI)
    }
}

/// The upright image and the EXIF orientation that was applied.
fn decode_png(bytes: &[u8], w_pt: f32, h_pt: f32) -> Result<(Image, u16), ImageError> {
    let err = |e: png::DecodingError| damaged(format!("PNG: {e}"));
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    // Palette, grey, 16-bit and tRNS all come out as 8-bit grey/RGB with or without alpha.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(err)?;
    let (sw, sh) = (reader.info().width, reader.info().height);
    let orientation = reader
        .info()
        .exif_metadata
        .as_deref()
        .map_or(1, exif_orientation);
    let channels = match reader.output_color_type().0 {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err(damaged("PNG: palette was not expanded")),
    };
    let (dw, dh) = stored_target(sw, sh, orientation, w_pt, h_pt);
    let mut shrink = Shrinker::new(sw, sh, dw, dh);
    if reader.info().interlaced {
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| damaged("PNG: too large"))?;
        let mut buf = vec![0; size];
        let info = reader.next_frame(&mut buf).map_err(err)?;
        for row in buf.chunks(info.line_size).take(sh as usize) {
            shrink.push_row(row, channels);
        }
    } else {
        while let Some(row) = reader.next_row().map_err(err)? {
            shrink.push_row(row.data(), channels);
        }
    }
    if shrink.missing_rows() > 0 {
        return Err(damaged("PNG: the image data ends early"));
    }
    let image = shrink
        .finish()
        .ok_or_else(|| damaged("PNG: rows missing"))?;
    Ok((orient(image, orientation), orientation))
}

/// The upright image and the EXIF orientation that was applied. The decoder shrinks by 1/2,
/// 1/4 or 1/8 in its inverse DCT when the print size allows, so a 12 MP photo printed a column
/// wide is decoded as 3 MP; the rest of the way is the box filter of `Shrinker`.
fn decode_jpeg(bytes: &[u8], h: &Header, w_pt: f32, h_pt: f32) -> Result<(Image, u16), ImageError> {
    use jpeg_decoder::PixelFormat;
    let err = |e: jpeg_decoder::Error| damaged(format!("JPEG: {e}"));
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(err)?;
    let orientation = decoder.exif_data().map_or(1, exif_orientation);
    let (sw, sh) = (h.width, h.height);
    let (dw, dh) = stored_target(sw, sh, orientation, w_pt, h_pt);
    let (cw, ch) = if (dw, dh) == (sw, sh) {
        (sw, sh)
    } else {
        let (w, h) = decoder
            .scale(dw.min(0xFFFF) as u16, dh.min(0xFFFF) as u16)
            .map_err(err)?;
        (u32::from(w), u32::from(h))
    };
    let pixels = decoder.decode().map_err(err)?;
    let format = decoder
        .info()
        .ok_or_else(|| damaged("JPEG: no frame"))?
        .pixel_format;
    let bytes_per_px = format.pixel_bytes();
    if pixels.len() != cw as usize * ch as usize * bytes_per_px {
        return Err(damaged("JPEG: unexpected pixel format"));
    }
    let mut shrink = Shrinker::new(cw, ch, dw.min(cw), dh.min(ch));
    let mut rgb = Vec::new();
    for row in pixels.chunks_exact(cw as usize * bytes_per_px) {
        match format {
            PixelFormat::L8 => shrink.push_row(row, 1),
            PixelFormat::RGB24 => shrink.push_row(row, 3),
            // Big-endian samples: the high byte.
            PixelFormat::L16 => {
                rgb.clear();
                rgb.extend(row.iter().step_by(2));
                shrink.push_row(&rgb, 1);
            }
            // Adobe's inverted CMYK, as the decoder gives it.
            PixelFormat::CMYK32 => {
                rgb.clear();
                for p in row.chunks_exact(4) {
                    let k = u16::from(p[3]);
                    rgb.extend(p[..3].iter().map(|&c| (u16::from(c) * k / 255) as u8));
                }
                shrink.push_row(&rgb, 3);
            }
        }
    }
    drop(pixels);
    let mut image = shrink
        .finish()
        .ok_or_else(|| damaged("JPEG: rows missing"))?;
    // Stored upright, not resized and 8-bit grey or YCbCr (not CMYK): a PDF reader shows the
    // file itself exactly as decoded here.
    if orientation == 1 && (dw, dh) == (sw, sh) {
        image.jpeg = crate::pdf::image::strip_jpeg(bytes, sw, sh);
    }
    Ok((orient(image, orientation), orientation))
}

fn decode_gif(bytes: &[u8], w_pt: f32, h_pt: f32) -> Result<Image, ImageError> {
    let err = |e: gif::DecodingError| damaged(format!("GIF: {e}"));
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    // The frame is at most the GIF's size (within the limits), as RGBA.
    if let Some(limit) = std::num::NonZeroU64::new(MAX_PIXELS * 4) {
        options.set_memory_limit(gif::MemoryLimit::Bytes(limit));
    }
    let mut decoder = options.read_info(Cursor::new(bytes)).map_err(err)?;
    let (sw, sh) = (u32::from(decoder.width()), u32::from(decoder.height()));
    let frame = decoder
        .read_next_frame()
        .map_err(err)?
        .ok_or_else(|| damaged("GIF: the file has no picture"))?;
    // The first frame on a transparent canvas of the GIF's size.
    let (left, top) = (usize::from(frame.left), usize::from(frame.top));
    let (fw, fh) = (usize::from(frame.width), usize::from(frame.height));
    let (dw, dh) = target_size(sw, sh, w_pt, h_pt, DPI);
    let mut shrink = Shrinker::new(sw, sh, dw, dh);
    let mut row = vec![0u8; sw as usize * 4];
    for y in 0..sh as usize {
        row.fill(0);
        if (top..top + fh).contains(&y) {
            let src = &frame.buffer[(y - top) * fw * 4..(y - top + 1) * fw * 4];
            let x0 = left.min(sw as usize);
            let n = fw.min(sw as usize - x0);
            row[x0 * 4..(x0 + n) * 4].copy_from_slice(&src[..n * 4]);
        }
        shrink.push_row(&row, 4);
    }
    shrink.finish().ok_or_else(|| damaged("GIF: rows missing"))
}

#[cfg(test)]
mod tests;
