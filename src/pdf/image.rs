//! Raster images for the PDF: PNG and JPEG decoded to upright 8-bit RGB (+ alpha), then
//! shrunk to the resolution they are printed at, ready for `draw::Image`.

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

/// Shrinks `image` (never enlarges it) so that, drawn at `width_pt` × `height_pt`, it has at
/// most `dpi` pixels per inch. Pixels are area-averaged, weighted by alpha.
pub fn fit(image: Image, width_pt: f32, height_pt: f32, dpi: f32) -> Image {
    let target = |pt: f32, px: u32| {
        let want = (pt / 72.0 * dpi).ceil();
        if want.is_finite() && want >= 1.0 && want < px as f32 {
            want as u32
        } else {
            px
        }
    };
    let w = target(width_pt, image.width_px);
    let h = target(height_pt, image.height_px);
    if (w, h) == (image.width_px, image.height_px) {
        image
    } else {
        resize(&image, w, h)
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
    let image = Image {
        width_px: w,
        height_px: h,
        rgb,
        alpha: None,
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
}
