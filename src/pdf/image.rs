//! How each image is stored in the PDF: `encode` turns the upright, shrunk pixels that
//! `raster` decodes into the bytes of an image XObject. The decoded `Image` and the
//! `ImageError` of a file that cannot be printed are defined here, below the decoders
//! (`raster`, `svg`, `shrink`) and the drawing list (`draw`) that all use them.
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

/// A decoded image, already downsampled, ready to embed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Image {
    pub width_px: u32,
    pub height_px: u32,
    /// 8-bit RGB, row-major, no padding.
    pub rgb: Vec<u8>,
    /// 8-bit alpha when the image has transparency.
    pub alpha: Option<Vec<u8>>,
    /// The source JPEG file (metadata segments removed) when it encodes exactly these pixels:
    /// upright as stored and not resized. The writer embeds it as it is instead of
    /// re-encoding `rgb`.
    pub jpeg: Option<Vec<u8>>,
    /// The size it is drawn at when nothing else limits it, in points, if not 0.75 pt per
    /// pixel (96 dpi): an SVG is rasterised at print resolution but keeps its own size.
    pub size_pt: Option<(f32, f32)>,
    /// The pixels already encoded for the PDF (then `rgb` and `alpha` may be empty): images
    /// are encoded as soon as they are decoded, so a document holds compressed images only.
    pub encoded: Option<Encoded>,
}

/// Why an image cannot go into the PDF, and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageError {
    pub message: String,
    pub help: String,
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
    if let Some(done) = &image.encoded {
        return Ok(done.clone());
    }
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

/// The JPEG file without its metadata, if it holds exactly a `w` × `h` image the PDF can
/// show as it is: 8-bit, grey or YCbCr (not CMYK), baseline or progressive Huffman.
pub fn strip_jpeg(bytes: &[u8], w: u32, h: u32) -> Option<Vec<u8>> {
    let (stripped, frame) = parse_jpeg(bytes)?;
    (frame.precision == 8
        && matches!(frame.components, 1 | 3)
        && (u32::from(frame.width), u32::from(frame.height)) == (w, h))
        .then_some(stripped)
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Cursor;

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
            ..Image::default()
        }
    }

    /// Gradients, texture and sensor noise.
    pub(crate) fn photo(w: u32, h: u32) -> Image {
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
        let mut d = jpeg_decoder::Decoder::new(Cursor::new(&p.data));
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
        assert_eq!(encode(&photo(40, 30)).unwrap().filter, Filter::Flate);

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
        let mut reader = png::Decoder::new(Cursor::new(file)).read_info().unwrap();
        let mut back = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut back).unwrap();
        assert_eq!(back, img.rgb);
    }

    pub(crate) fn jpeg_file(img: &Image, exif: Option<&[u8]>) -> Vec<u8> {
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
}
