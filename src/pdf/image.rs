//! Raster images for the PDF: PNG and JPEG decoded to upright 8-bit RGB (+ alpha), then
//! shrunk to the resolution they are printed at, ready for `draw::Image`; and `encode`, which
//! picks how the writer stores each image's pixels.
//!
//! How an image is stored (`encode`), first rule that applies:
//! 1. a JPEG file that needed no turning and no downsampling (`Image::jpeg`): its own bytes,
//!    `/DCTDecode` (no second lossy generation; only EXIF/XMP/ICC/comment segments and data
//!    after the image are dropped, so no camera or GPS data goes out in the mail);
//! 2. transparency: lossless colour plus a lossless soft mask;
//! 3. a colour image with at most 256 distinct colours (diagrams, charts, flat screenshots),
//!    fewer than 64×64 pixels, or a side over 65 535 px (JPEG's limit): lossless;
//! 4. anything else is encoded both ways, and JPEG (quality 85, 4:2:0) is kept only when it
//!    is less than half the lossless size. Photos come out 5–15× smaller as JPEG; screenshots
//!    with anti-aliased text or gradients compress well losslessly and stay sharp. (A quick
//!    lossless estimate settles the clear cases, so a photo costs ~25 ms, not ~300 ms.)
//!
//! Lossless is zlib with a PNG predictor per row (`/FlateDecode` + `/Predictor 15`): the
//! data of a PNG's IDAT chunks, made by the `png` crate. Images whose pixels are all grey are
//! stored with one component. Everything is deterministic: equal pixels give equal bytes.

use std::io::Cursor;

use crate::pdf::draw::Image;

/// Larger images are refused rather than decoded (a 12 MP photo is 36 MB of RGB).
const MAX_PIXELS: u64 = 50_000_000;

/// Decodes a PNG or JPEG. The result is upright (JPEG/PNG EXIF orientation applied) and has
/// an alpha channel only if some pixel is not fully opaque.
pub fn decode(bytes: &[u8]) -> Result<Image, String> {
    let (image, orientation) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes)?
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        decode_jpeg(bytes)?
    } else {
        return Err("not a PNG or JPEG image".into());
    };
    Ok(orient(image, orientation))
}

/// Shrinks `image` (never enlarges it), keeping its proportions, so that drawn as large as
/// fits in `width_pt` × `height_pt` it has at most `dpi` pixels per inch. Pixels are
/// area-averaged, weighted by alpha. An image that needs no shrinking is returned as it is
/// (with its source JPEG).
pub fn fit(image: Image, width_pt: f32, height_pt: f32, dpi: f32) -> Image {
    let (pw, ph) = (image.width_px as f32, image.height_px as f32);
    let scale = (width_pt / 72.0 * dpi / pw).min(height_pt / 72.0 * dpi / ph);
    if !(scale.is_finite() && scale > 0.0 && scale < 1.0) {
        return image;
    }
    let w = ((pw * scale).ceil() as u32).clamp(1, image.width_px);
    let h = ((ph * scale).ceil() as u32).clamp(1, image.height_px);
    if (w, h) == (image.width_px, image.height_px) {
        image
    } else {
        resize(&image, w, h)
    }
}

/// JPEG quality for photos.
pub const JPEG_QUALITY: u8 = 85;
/// Colour images with at most this many colours are stored losslessly (rule 3; any grey
/// image has at most 256, so grey ones go by rule 4).
const FLAT_COLORS: usize = 256;
/// Images with fewer pixels are stored losslessly (rule 3).
const SMALL_PIXELS: usize = 64 * 64;

/// How the writer stores an image's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// JPEG: `/Filter /DCTDecode`.
    Dct,
    /// zlib of rows with a PNG predictor byte each: `/Filter /FlateDecode` with
    /// `/DecodeParms << /Predictor 15 /Colors n /BitsPerComponent 8 /Columns width >>`.
    Flate,
}

/// An image ready to be a PDF image XObject.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    /// One grey component (`/DeviceGray`) instead of RGB (`/DeviceRGB`).
    pub gray: bool,
    pub filter: Filter,
    pub data: Vec<u8>,
    /// The soft mask (`/SMask`): one grey component, `Filter::Flate`.
    pub alpha: Option<Vec<u8>>,
}

/// Encodes `image` for the PDF (see the module documentation for the rules).
pub fn encode(image: &Image) -> Result<Encoded, String> {
    let (w, h) = (image.width_px, image.height_px);
    let pixels = w as usize * h as usize;
    if w == 0 || h == 0 || image.rgb.len() != pixels * 3 {
        return Err(format!("{} bytes of RGB for {w}×{h} px", image.rgb.len()));
    }
    if let Some(alpha) = &image.alpha
        && alpha.len() != pixels
    {
        return Err(format!("{} bytes of alpha for {w}×{h} px", alpha.len()));
    }
    let done = |gray: bool, filter: Filter, data: Vec<u8>, alpha: Option<Vec<u8>>| Encoded {
        width: w,
        height: h,
        gray,
        filter,
        data,
        alpha,
    };
    if image.alpha.is_none()
        && let Some(file) = &image.jpeg
        && let Some((_, frame)) = parse_jpeg(file)
        && (u32::from(frame.width), u32::from(frame.height)) == (w, h)
        && frame.precision == 8
        && matches!(frame.components, 1 | 3)
    {
        return Ok(done(frame.components == 1, Filter::Dct, file.clone(), None));
    }
    let gray = image
        .rgb
        .chunks_exact(3)
        .all(|p| p[0] == p[1] && p[1] == p[2]);
    let grey_samples: Vec<u8>;
    let samples: &[u8] = if gray {
        grey_samples = image.rgb.iter().step_by(3).copied().collect();
        &grey_samples
    } else {
        &image.rgb
    };
    let lossless = || flate(samples, w, h, gray, png::Compression::Balanced);
    if let Some(alpha) = &image.alpha {
        let mask = flate(alpha, w, h, true, png::Compression::Balanced)?;
        return Ok(done(gray, Filter::Flate, lossless()?, Some(mask)));
    }
    if pixels < SMALL_PIXELS
        || w > u32::from(u16::MAX)
        || h > u32::from(u16::MAX)
        || (!gray && few_colors(&image.rgb, FLAT_COLORS))
    {
        return Ok(done(gray, Filter::Flate, lossless()?, None));
    }
    // Rule 4. Level-6 zlib of a noisy photo takes ~0.3 s per megapixel, so a quick lossless
    // encoding settles the clear cases first: it is practically never smaller than the real
    // one, and at most ~3× larger (screenshots; ~1.4× for photos).
    let lossy = jpeg(samples, w, h, gray)?;
    let quick = flate(samples, w, h, gray, png::Compression::Fast)?.len();
    if quick < lossy.len() * 2 {
        return Ok(done(gray, Filter::Flate, lossless()?, None));
    }
    if quick > lossy.len() * 8 {
        return Ok(done(gray, Filter::Dct, lossy, None));
    }
    let lossless = lossless()?;
    Ok(if lossy.len() * 2 < lossless.len() {
        done(gray, Filter::Dct, lossy, None)
    } else {
        done(gray, Filter::Flate, lossless, None)
    })
}

/// Whether `rgb` has at most `limit` distinct colours.
fn few_colors(rgb: &[u8], limit: usize) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut last = None;
    for p in rgb.chunks_exact(3) {
        let c = [p[0], p[1], p[2]];
        if last != Some(c) {
            last = Some(c);
            if seen.insert(c) && seen.len() > limit {
                return false;
            }
        }
    }
    true
}

fn jpeg(samples: &[u8], w: u32, h: u32, gray: bool) -> Result<Vec<u8>, String> {
    let err = |e: jpeg_encoder::EncodingError| format!("JPEG: {e}");
    let (w, h) = (
        u16::try_from(w).map_err(|_| "JPEG: too wide")?,
        u16::try_from(h).map_err(|_| "JPEG: too tall")?,
    );
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
    enc.set_optimized_huffman_tables(true);
    enc.set_chroma_subsampling_method(jpeg_encoder::ChromaSubsamplingMethod::Average);
    let color = if gray {
        jpeg_encoder::ColorType::Luma
    } else {
        jpeg_encoder::ColorType::Rgb
    };
    enc.encode(samples, w, h, color).map_err(err)?;
    Ok(out)
}

/// zlib data with PNG row predictors: the IDAT chunks of a PNG of the samples.
/// `level`: `Balanced` (zlib level 6) for what is embedded; `Fast` (fdeflate, 20–50× faster,
/// 1.3–3× larger) only to estimate.
fn flate(
    samples: &[u8],
    w: u32,
    h: u32,
    gray: bool,
    level: png::Compression,
) -> Result<Vec<u8>, String> {
    let err = |e: png::EncodingError| format!("PNG: {e}");
    let mut file = Vec::new();
    let mut enc = png::Encoder::new(&mut file, w, h);
    enc.set_color(if gray {
        png::ColorType::Grayscale
    } else {
        png::ColorType::Rgb
    });
    enc.set_depth(png::BitDepth::Eight);
    // Also picks the adaptive per-row filter.
    enc.set_compression(level);
    let mut writer = enc.write_header().map_err(err)?;
    writer.write_image_data(samples).map_err(err)?;
    writer.finish().map_err(err)?;
    // Chunks after the signature: length, type, data, CRC.
    let mut zlib = Vec::new();
    let mut at = 8;
    while let Some(head) = file.get(at..at + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let data = file
            .get(at + 8..at + 8 + len)
            .ok_or("PNG: truncated chunk")?;
        if &head[4..] == b"IDAT" {
            zlib.extend_from_slice(data);
        }
        at += 12 + len;
    }
    Ok(zlib)
}

/// The frame header of a JPEG (its SOF segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    precision: u8,
    width: u16,
    height: u16,
    components: u8,
}

/// Walks a JPEG's segments: the file without its metadata (APP1–APP13, APP15 and comment
/// segments: EXIF, XMP, ICC, MPF, …, and anything after the end of the image), and its frame
/// header. APP0 (JFIF) and APP14 (Adobe: says whether the colours are YCbCr) are kept.
/// `None` if the structure is not a baseline/progressive Huffman JPEG that ends properly.
fn parse_jpeg(bytes: &[u8]) -> Option<(Vec<u8>, Frame)> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut frame = None;
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        // Any number of 0xFF fill bytes may come before a marker.
        while *bytes.get(at)? == 0xFF {
            at += 1;
        }
        let marker = bytes[at];
        at += 1;
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Some((out, frame?));
            }
            0xD0..=0xD7 | 0x01 => {
                out.extend_from_slice(&[0xFF, marker]);
                continue;
            }
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
        let segment = bytes.get(at..at + len).filter(|_| len >= 2)?;
        match marker {
            // Baseline, extended, progressive (Huffman).
            0xC0..=0xC2 => {
                frame = Some(Frame {
                    precision: *segment.get(2)?,
                    height: u16::from_be_bytes([*segment.get(3)?, *segment.get(4)?]),
                    width: u16::from_be_bytes([*segment.get(5)?, *segment.get(6)?]),
                    components: *segment.get(7)?,
                });
            }
            // Lossless, hierarchical and arithmetic-coded frames.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            _ => {}
        }
        if !matches!(marker, 0xE1..=0xED | 0xEF | 0xFE) {
            out.push(0xFF);
            out.push(marker);
            out.extend_from_slice(segment);
        }
        at += len;
        if marker == 0xDA {
            // Entropy-coded data: up to the next marker that is not a stuffed 0xFF00 or a
            // restart marker.
            let start = at;
            loop {
                if *bytes.get(at)? == 0xFF {
                    let next = *bytes.get(at + 1)?;
                    if next != 0x00 && !(0xD0..=0xD7).contains(&next) {
                        break;
                    }
                    at += 2;
                } else {
                    at += 1;
                }
            }
            out.extend_from_slice(&bytes[start..at]);
        }
    }
}

fn decode_png(bytes: &[u8]) -> Result<(Image, u16), String> {
    let err = |e: png::DecodingError| format!("PNG: {e}");
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    // Palette, grey, 16-bit and tRNS all come out as 8-bit grey/RGB with or without alpha.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(err)?;
    let (w, h) = (reader.info().width, reader.info().height);
    check_size(w, h)?;
    let orientation = reader
        .info()
        .exif_metadata
        .as_deref()
        .map_or(1, exif_orientation);
    let size = reader.output_buffer_size().ok_or("PNG: image too large")?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(err)?;
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("PNG: palette was not expanded".into()),
    };
    let (w, h) = (info.width, info.height);
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    let mut alpha = Vec::new();
    for row in buf.chunks(info.line_size).take(h as usize) {
        for px in row[..w as usize * channels].chunks_exact(channels) {
            match channels {
                1 | 2 => rgb.extend_from_slice(&[px[0], px[0], px[0]]),
                _ => rgb.extend_from_slice(&px[..3]),
            }
            if channels % 2 == 0 {
                alpha.push(px[channels - 1]);
            }
        }
    }
    let alpha = (!alpha.is_empty() && alpha.iter().any(|&a| a != 255)).then_some(alpha);
    let image = Image {
        width_px: w,
        height_px: h,
        rgb,
        alpha,
        jpeg: None,
    };
    Ok((image, orientation))
}

fn decode_jpeg(bytes: &[u8]) -> Result<(Image, u16), String> {
    let err = |e: zune_jpeg::errors::DecodeErrors| format!("JPEG: {e:?}");
    let mut decoder = zune_jpeg::JpegDecoder::new(Cursor::new(bytes));
    decoder.decode_headers().map_err(err)?;
    let info = decoder.info().ok_or("JPEG: no header")?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    check_size(w, h)?;
    // The default output is RGB, whatever the file's colour space (grey, YCbCr, CMYK).
    let rgb = decoder.decode().map_err(err)?;
    if rgb.len() != w as usize * h as usize * 3 {
        return Err("JPEG: unexpected pixel format".into());
    }
    let orientation = decoder.exif().map_or(1, |e| exif_orientation(e));
    // Stored upright and 8-bit grey or YCbCr (not CMYK): a PDF reader shows the file itself
    // exactly as decoded here.
    let jpeg = match parse_jpeg(bytes) {
        Some((stripped, frame))
            if orientation == 1
                && frame.precision == 8
                && matches!(frame.components, 1 | 3)
                && (u32::from(frame.width), u32::from(frame.height)) == (w, h) =>
        {
            Some(stripped)
        }
        _ => None,
    };
    let image = Image {
        width_px: w,
        height_px: h,
        rgb,
        alpha: None,
        jpeg,
    };
    Ok((image, orientation))
}

fn check_size(w: u32, h: u32) -> Result<(), String> {
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("image of {w}×{h} px is empty or too large"));
    }
    Ok(())
}

/// The Orientation tag (0x0112) of IFD0 of a TIFF-structured EXIF block; 1 if absent.
fn exif_orientation(exif: &[u8]) -> u16 {
    // Some writers keep the "Exif\0\0" prefix of the APP1 segment.
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let big = match tiff.get(..2) {
        Some(b"MM") => true,
        Some(b"II") => false,
        _ => return 1,
    };
    let u16_at = |at: usize| {
        let b = tiff.get(at..at + 2)?;
        Some(if big {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    };
    let u32_at = |at: usize| {
        let b = tiff.get(at..at + 4)?;
        let b = [b[0], b[1], b[2], b[3]];
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let find = || -> Option<u16> {
        let ifd = u32_at(4)? as usize;
        let entries = usize::from(u16_at(ifd)?);
        (0..entries)
            .map(|i| ifd + 2 + 12 * i)
            .find(|&e| u16_at(e) == Some(0x0112))
            .and_then(|e| u16_at(e + 8))
    };
    find().filter(|o| (1..=8).contains(o)).unwrap_or(1)
}

/// Turns the stored pixels upright according to an EXIF orientation (1–8).
fn orient(image: Image, orientation: u16) -> Image {
    if orientation <= 1 || orientation > 8 {
        return image;
    }
    let (w, h) = (image.width_px as usize, image.height_px as usize);
    let swap = orientation >= 5;
    let (dw, dh) = if swap { (h, w) } else { (w, h) };
    // Source pixel for each destination pixel.
    let source = |dx: usize, dy: usize| -> usize {
        let (sx, sy) = match orientation {
            2 => (w - 1 - dx, dy),
            3 => (w - 1 - dx, h - 1 - dy),
            4 => (dx, h - 1 - dy),
            5 => (dy, dx),
            6 => (dy, h - 1 - dx),
            7 => (w - 1 - dy, h - 1 - dx),
            _ => (w - 1 - dy, dx),
        };
        sy * w + sx
    };
    let mut rgb = Vec::with_capacity(image.rgb.len());
    let mut alpha = image.alpha.as_ref().map(|a| Vec::with_capacity(a.len()));
    for dy in 0..dh {
        for dx in 0..dw {
            let s = source(dx, dy);
            rgb.extend_from_slice(&image.rgb[s * 3..s * 3 + 3]);
            if let (Some(out), Some(a)) = (alpha.as_mut(), image.alpha.as_ref()) {
                out.push(a[s]);
            }
        }
    }
    Image {
        width_px: dw as u32,
        height_px: dh as u32,
        rgb,
        alpha,
        jpeg: None,
    }
}

/// Area-averaging resize to `w` × `h` (meant for shrinking). Colour is weighted by alpha so
/// transparent pixels do not darken the edges.
fn resize(image: &Image, w: u32, h: u32) -> Image {
    let (sw, sh) = (image.width_px as usize, image.height_px as usize);
    let (dw, dh) = (w.max(1) as usize, h.max(1) as usize);
    // Premultiplied RGBA in f32.
    let mut px: Vec<[f32; 4]> = Vec::with_capacity(sw * sh);
    for i in 0..sw * sh {
        let a = image
            .alpha
            .as_ref()
            .map_or(1.0, |a| f32::from(a[i]) / 255.0);
        let c = &image.rgb[i * 3..i * 3 + 3];
        px.push([
            f32::from(c[0]) * a,
            f32::from(c[1]) * a,
            f32::from(c[2]) * a,
            a,
        ]);
    }
    let cols = weights(sw, dw);
    let rows = weights(sh, dh);
    // Horizontal pass, then vertical.
    let mut tmp = vec![[0.0f32; 4]; dw * sh];
    for y in 0..sh {
        for (x, taps) in cols.iter().enumerate() {
            let mut acc = [0.0f32; 4];
            for &(s, wt) in taps {
                let p = px[y * sw + s];
                for c in 0..4 {
                    acc[c] += p[c] * wt;
                }
            }
            tmp[y * dw + x] = acc;
        }
    }
    let mut rgb = Vec::with_capacity(dw * dh * 3);
    let mut alpha = Vec::with_capacity(dw * dh);
    for taps in &rows {
        for x in 0..dw {
            let mut acc = [0.0f32; 4];
            for &(s, wt) in taps {
                let p = tmp[s * dw + x];
                for c in 0..4 {
                    acc[c] += p[c] * wt;
                }
            }
            let a = acc[3];
            for &v in &acc[..3] {
                let v = if a > 0.0 { v / a } else { 0.0 };
                rgb.push(v.round().clamp(0.0, 255.0) as u8);
            }
            alpha.push((a * 255.0).round().clamp(0.0, 255.0) as u8);
        }
    }
    Image {
        width_px: dw as u32,
        height_px: dh as u32,
        rgb,
        alpha: image.alpha.is_some().then_some(alpha),
        jpeg: None,
    }
}

/// For each destination index, the source indices it covers and their share (summing to 1).
fn weights(src: usize, dst: usize) -> Vec<Vec<(usize, f32)>> {
    let scale = src as f64 / dst as f64;
    (0..dst)
        .map(|d| {
            let (start, end) = (d as f64 * scale, (d + 1) as f64 * scale);
            let first = start.floor() as usize;
            let last = (end.ceil() as usize).min(src);
            (first..last)
                .filter_map(|s| {
                    let cover = (end.min(s as f64 + 1.0) - start.max(s as f64)) / scale;
                    (cover > 1e-9).then_some((s, cover as f32))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(
        w: u32,
        h: u32,
        color: png::ColorType,
        data: &[u8],
        exif: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        if let Some(exif) = exif {
            writer.write_chunk(png::chunk::eXIf, exif).unwrap();
        }
        writer.write_image_data(data).unwrap();
        writer.finish().unwrap();
        out
    }

    /// Big-endian TIFF header with one IFD entry: Orientation = `o`.
    fn exif(o: u16) -> Vec<u8> {
        let mut e = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
        e.extend_from_slice(&o.to_be_bytes());
        e.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        e
    }

    #[test]
    fn png_rgba_gray_and_opaque() {
        // 2×1 RGBA, one half-transparent pixel.
        let img = decode(&png_bytes(
            2,
            1,
            png::ColorType::Rgba,
            &[255, 0, 0, 255, 0, 0, 255, 128],
            None,
        ))
        .unwrap();
        assert_eq!((img.width_px, img.height_px), (2, 1));
        assert_eq!(img.rgb, vec![255, 0, 0, 0, 0, 255]);
        assert_eq!(img.alpha, Some(vec![255, 128]));
        // Fully opaque alpha is dropped; grey becomes RGB.
        let img = decode(&png_bytes(
            2,
            1,
            png::ColorType::GrayscaleAlpha,
            &[10, 255, 200, 255],
            None,
        ))
        .unwrap();
        assert_eq!(img.rgb, vec![10, 10, 10, 200, 200, 200]);
        assert_eq!(img.alpha, None);
        assert!(decode(b"GIF89a").is_err());
        assert!(decode(b"\x89PNG\r\n\x1a\nbroken").is_err());
    }

    #[test]
    fn exif_orientation_turns_the_image_upright() {
        // 3×2: pixel value = index.
        let data: Vec<u8> = (0..6u8).flat_map(|i| [i, i, i]).collect();
        let stored = png_bytes(3, 2, png::ColorType::Rgb, &data, Some(&exif(6)));
        let img = decode(&stored).unwrap();
        // Rotated 90° clockwise: 2×3, first row is the old first column read bottom-up.
        assert_eq!((img.width_px, img.height_px), (2, 3));
        let grey: Vec<u8> = img.rgb.chunks(3).map(|p| p[0]).collect();
        assert_eq!(grey, vec![3, 0, 4, 1, 5, 2]);
        let img = decode(&png_bytes(3, 2, png::ColorType::Rgb, &data, Some(&exif(8)))).unwrap();
        let grey: Vec<u8> = img.rgb.chunks(3).map(|p| p[0]).collect();
        assert_eq!(grey, vec![2, 5, 1, 4, 0, 3]);
        let img = decode(&png_bytes(3, 2, png::ColorType::Rgb, &data, Some(&exif(3)))).unwrap();
        let grey: Vec<u8> = img.rgb.chunks(3).map(|p| p[0]).collect();
        assert_eq!(grey, vec![5, 4, 3, 2, 1, 0]);
        let mut le = exif(6);
        le[..2].copy_from_slice(b"II");
        assert_eq!(
            exif_orientation(&le),
            1,
            "byte order mismatch reads garbage, ignored"
        );
        assert_eq!(exif_orientation(b"junk"), 1);
    }

    #[test]
    fn fit_shrinks_by_area_average_and_never_enlarges() {
        // 4×2 black/white columns with a transparent red pixel.
        let rgb = vec![
            0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 0, 0, //
            0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255,
        ];
        let alpha = Some(vec![255, 255, 255, 0, 255, 255, 255, 255]);
        let img = Image {
            width_px: 4,
            height_px: 2,
            rgb,
            alpha,
            jpeg: None,
        };
        // 4 px over 2 inches at 1 dpi → 2×1.
        let small = fit(img.clone(), 144.0, 72.0, 1.0);
        assert_eq!((small.width_px, small.height_px), (2, 1));
        assert_eq!(&small.rgb[..3], &[128, 128, 128]);
        // The transparent red pixel adds no red.
        assert_eq!(&small.rgb[3..], &[85, 85, 85]);
        assert_eq!(small.alpha, Some(vec![255, 191]));
        let same = fit(img.clone(), 144.0, 72.0, 300.0);
        assert_eq!(same, img);
        let odd = resize(&img, 3, 2);
        assert_eq!((odd.width_px, odd.height_px, odd.rgb.len()), (3, 2, 18));
    }

    #[test]
    fn weights_cover_the_source_once() {
        for (s, d) in [(7, 3), (4000, 613), (5, 5), (3, 1)] {
            let w = weights(s, d);
            assert_eq!(w.len(), d);
            let mut total = vec![0.0f64; s];
            for taps in &w {
                let sum: f32 = taps.iter().map(|t| t.1).sum();
                assert!((sum - 1.0).abs() < 1e-4);
                for &(i, t) in taps {
                    total[i] += f64::from(t) * s as f64 / d as f64;
                }
            }
            assert!(total.iter().all(|t| (t - 1.0).abs() < 1e-3), "{s}->{d}");
        }
    }

    /// Deterministic noise in -amp..=amp.
    fn noise(seed: &mut u64, amp: i32) -> i32 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        (*seed >> 40) as i32 % (2 * amp + 1) - amp
    }

    fn image(w: u32, h: u32, px: impl Fn(u32, u32) -> [u8; 3]) -> Image {
        let rgb = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .flat_map(|(x, y)| px(x, y))
            .collect();
        Image {
            width_px: w,
            height_px: h,
            rgb,
            alpha: None,
            jpeg: None,
        }
    }

    /// Gradients, texture and sensor noise.
    fn photo(w: u32, h: u32) -> Image {
        let seed = std::cell::Cell::new(0x1234_5678_9abc_def1u64);
        image(w, h, |x, y| {
            let mut s = seed.get();
            let n = noise(&mut s, 8) as f32;
            seed.set(s);
            let t = 12.0 * ((x as f32 * 0.31).sin() * (y as f32 * 0.23).cos());
            [
                80.0 + y as f32 * 0.3 + n + t,
                120.0 + x as f32 * 0.2 + n - t,
                60.0 + n * 0.5,
            ]
            .map(|v| v.clamp(0.0, 255.0) as u8)
        })
    }

    /// Dark anti-aliased strokes (many grey levels) on a faint gradient: a screenshot of text.
    fn text_screenshot(w: u32, h: u32) -> Image {
        image(w, h, |x, y| {
            let bg = [250 - (y * 40 / h) as u8, 250 - (x * 30 / w) as u8, 252];
            let (cx, cy) = (x % 11, y % 22);
            // Strokes with a fractional left edge that depends on the "glyph".
            let cover = match (cx, cy) {
                (_, 16..) => 0.0,
                (3, _) => f32::from(((x / 11 + y / 22) % 16) as u8) / 16.0,
                (4, _) | (5..=9, 7) => 1.0,
                _ => 0.0,
            };
            bg.map(|c| (f32::from(c) * (1.0 - cover) + 20.0 * cover).round() as u8)
        })
    }

    #[test]
    fn photos_become_jpeg_the_rest_stays_lossless() {
        let p = encode(&photo(600, 400)).unwrap();
        assert_eq!(
            (p.filter, p.gray, p.width, p.height),
            (Filter::Dct, false, 600, 400)
        );
        assert!(p.alpha.is_none());
        let mut d = zune_jpeg::JpegDecoder::new(Cursor::new(&p.data));
        let back = d.decode().unwrap();
        assert_eq!(back.len(), 600 * 400 * 3);

        // Many colours, but lossless is small: sharp text wins.
        let shot = text_screenshot(600, 400);
        assert!(!few_colors(&shot.rgb, FLAT_COLORS));
        assert_eq!(encode(&shot).unwrap().filter, Filter::Flate);

        // A flat diagram, and a noisy thumbnail: lossless.
        let diagram = image(600, 400, |x, y| {
            if (x / 50 + y / 50) % 2 == 0 {
                [29, 79, 145]
            } else {
                [255, 255, 255]
            }
        });
        assert_eq!(encode(&diagram).unwrap().filter, Filter::Flate);
        let mut thumb = photo(600, 400);
        thumb = resize(&thumb, 40, 30);
        assert_eq!(encode(&thumb).unwrap().filter, Filter::Flate);

        // Grey pixels: one component, either way.
        let mut grey = photo(600, 400);
        for p in grey.rgb.chunks_exact_mut(3) {
            p.fill(p[0]);
        }
        let g = encode(&grey).unwrap();
        assert_eq!((g.filter, g.gray), (Filter::Dct, true));
        assert!(encode(&diagram).is_ok_and(|e| !e.gray));
        let line_art = image(600, 400, |x, y| {
            if x % 40 < 2 || y % 40 < 2 {
                [0; 3]
            } else {
                [255; 3]
            }
        });
        let l = encode(&line_art).unwrap();
        assert_eq!((l.filter, l.gray), (Filter::Flate, true));

        // Transparency: lossless colour and mask.
        let mut logo = photo(600, 400);
        logo.alpha = Some((0..600 * 400).map(|i| (i % 256) as u8).collect());
        let l = encode(&logo).unwrap();
        assert_eq!(l.filter, Filter::Flate);
        assert!(l.alpha.is_some());

        // Equal input, equal bytes.
        assert_eq!(encode(&photo(600, 400)).unwrap(), p);
        // Bad sizes are errors.
        logo.alpha = Some(vec![0; 3]);
        assert!(encode(&logo).unwrap_err().contains("alpha"));
        logo.rgb.pop();
        assert!(encode(&logo).unwrap_err().contains("RGB"));
    }

    #[test]
    fn flate_is_zlib_with_png_predictors() {
        let img = text_screenshot(50, 30);
        let z = flate(&img.rgb, 50, 30, false, png::Compression::Balanced).unwrap();
        // Re-wrapped as a PNG, the data decodes to the same pixels.
        let mut file = Vec::new();
        let mut enc = png::Encoder::new(&mut file, 50, 30);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_chunk(png::chunk::IDAT, &z).unwrap();
        drop(w);
        let file = [
            &file[..],
            &[0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82],
        ]
        .concat();
        let back = decode(&file).unwrap();
        assert_eq!(back.rgb, img.rgb);
    }

    fn jpeg_file(img: &Image, exif: Option<&[u8]>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        if let Some(exif) = exif {
            enc.add_exif_metadata(exif).unwrap();
        }
        let (w, h) = (img.width_px as u16, img.height_px as u16);
        enc.encode(&img.rgb, w, h, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        out
    }

    #[test]
    fn an_upright_jpeg_is_kept_unless_resized() {
        let img = photo(120, 80);
        let plain = jpeg_file(&img, None);
        let decoded = decode(&plain).unwrap();
        assert_eq!(decoded.jpeg.as_deref(), Some(&plain[..]));
        let e = encode(&decoded).unwrap();
        assert_eq!((e.filter, &e.data), (Filter::Dct, &plain));
        // Shrinking re-encodes.
        let small = fit(decoded.clone(), 30.0, 30.0, 72.0);
        assert_eq!(
            (small.width_px, small.height_px, small.jpeg.is_none()),
            (30, 20, true)
        );
        assert_eq!(fit(decoded.clone(), 200.0, 200.0, 72.0), decoded);
        // Orientation 1 in EXIF: kept, without the EXIF.
        let tagged = jpeg_file(&img, Some(&exif(1)));
        assert_ne!(tagged, plain);
        assert_eq!(decode(&tagged).unwrap().jpeg.as_deref(), Some(&plain[..]));
        // Turned: re-encoded from the upright pixels.
        let turned = decode(&jpeg_file(&img, Some(&exif(6)))).unwrap();
        assert_eq!((turned.width_px, turned.height_px), (80, 120));
        assert_eq!(turned.jpeg, None);
        // Grey: kept, one component. CMYK: re-encoded from the RGB it decodes to.
        let other = |color: jpeg_encoder::ColorType, channels: usize| {
            let mut out = Vec::new();
            let data = vec![128u8; 120 * 80 * channels];
            jpeg_encoder::Encoder::new(&mut out, 90)
                .encode(&data, 120, 80, color)
                .unwrap();
            out
        };
        let grey_file = other(jpeg_encoder::ColorType::Luma, 1);
        let grey = encode(&decode(&grey_file).unwrap()).unwrap();
        assert_eq!(
            (grey.filter, grey.gray, grey.data),
            (Filter::Dct, true, grey_file)
        );
        let cmyk = decode(&other(jpeg_encoder::ColorType::Cmyk, 4)).unwrap();
        assert_eq!((cmyk.jpeg, cmyk.rgb.len()), (None, 120 * 80 * 3));
        // A JPEG whose frame does not match the pixels is not trusted.
        let mut wrong = decoded.clone();
        wrong.width_px = 80;
        wrong.height_px = 120;
        assert_ne!(encode(&wrong).unwrap().data, plain);
    }

    #[test]
    fn jpeg_metadata_and_trailing_data_are_dropped() {
        let img = photo(64, 48);
        let plain = jpeg_file(&img, None);
        let (kept, frame) = parse_jpeg(&plain).unwrap();
        assert_eq!(kept, plain);
        assert_eq!(
            frame,
            Frame {
                precision: 8,
                width: 64,
                height: 48,
                components: 3
            }
        );
        // EXIF (APP1), an ICC profile (APP2), a comment and fill bytes after SOI; a second
        // image after EOI (as in MPF / gain-map photos).
        let mut rich = plain[..2].to_vec();
        for (marker, body) in [
            (0xE1u8, &b"Exif\0\0GPS"[..]),
            (0xE2, b"ICC_PROFILE"),
            (0xFE, b"hi"),
        ] {
            rich.extend_from_slice(&[0xFF, marker]);
            rich.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
            rich.extend_from_slice(body);
        }
        rich.extend_from_slice(&[0xFF, 0xFF]);
        rich.extend_from_slice(&plain[2..]);
        rich.extend_from_slice(&plain);
        assert_eq!(parse_jpeg(&rich).unwrap().0, plain);
        // Restart markers inside the entropy-coded data are part of it.
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        enc.set_restart_interval(2);
        enc.encode(&img.rgb, 64, 48, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        assert!(
            out.windows(2)
                .any(|w| w[0] == 0xFF && (0xD0..=0xD7).contains(&w[1]))
        );
        assert_eq!(parse_jpeg(&out).unwrap().0, out);
        // Broken files are not passed through.
        assert_eq!(parse_jpeg(&plain[..plain.len() - 2]), None);
        assert_eq!(parse_jpeg(b"\xFF\xD8\xFF\xD9"), None);
        assert_eq!(parse_jpeg(b"GIF89a"), None);
    }

    #[test]
    fn fit_keeps_the_proportions() {
        // A 3000×2000 photo in a 170 mm column, at most a page tall, at 200 dpi.
        let big = image(3000, 2000, |_, _| [1, 2, 3]);
        let fitted = fit(big, 481.89, 841.89, 200.0);
        assert_eq!((fitted.width_px, fitted.height_px), (1339, 893));
        // Tall: the height decides.
        let tall = image(100, 5000, |_, _| [1, 2, 3]);
        let fitted = fit(tall, 481.89, 720.0, 200.0);
        assert_eq!((fitted.width_px, fitted.height_px), (40, 2000));
    }
}
