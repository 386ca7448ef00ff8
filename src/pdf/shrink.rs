//! Streaming downsampling for the PDF's images: decoders hand over one source row at a time
//! and only the output and two rows of accumulators are kept, so an image of tens of
//! megapixels is shrunk to print resolution without ever holding it whole (a 50 MP PNG costs
//! a few megabytes, not gigabytes). Also the EXIF orientation: read from the file and applied
//! to the small result.

use crate::pdf::draw::Image;

/// The size in pixels an image of `sw` × `sh` px gets when drawn as large as fits in
/// `width_pt` × `height_pt` at `dpi` pixels per inch: never larger than it is, at least 1 px.
pub fn target_size(sw: u32, sh: u32, width_pt: f32, height_pt: f32, dpi: f32) -> (u32, u32) {
    let (pw, ph) = (sw.max(1) as f32, sh.max(1) as f32);
    let scale = (width_pt / 72.0 * dpi / pw).min(height_pt / 72.0 * dpi / ph);
    if !(scale.is_finite() && scale > 0.0 && scale < 1.0) {
        return (sw, sh);
    }
    (
        ((pw * scale).ceil() as u32).clamp(1, sw),
        ((ph * scale).ceil() as u32).clamp(1, sh),
    )
}

/// Area-averaging shrinker fed row by row. Colour is weighted by alpha so transparent
/// pixels do not darken the edges. Built for `sw` × `sh` source pixels and a `dw` × `dh`
/// result (`dw <= sw`, `dh <= sh`); the same size copies the pixels exactly.
pub struct Shrinker {
    sw: usize,
    dw: usize,
    dh: usize,
    identity: bool,
    /// Per destination column: its source taps (`col_start[x]..col_start[x+1]` in `col_taps`).
    col_start: Vec<usize>,
    col_taps: Vec<(usize, f32)>,
    /// Per source row: the destination rows it adds to, with its share.
    row_to: Vec<Vec<(usize, f32)>>,
    /// Per destination row: its last source row.
    row_last: Vec<usize>,
    /// Accumulators of the destination rows still open, the first being `open_base`.
    open: std::collections::VecDeque<Vec<[f32; 4]>>,
    open_base: usize,
    line: Vec<[f32; 4]>,
    next_row: usize,
    transparent: bool,
    rgb: Vec<u8>,
    alpha: Vec<u8>,
}

impl Shrinker {
    pub fn new(sw: u32, sh: u32, dw: u32, dh: u32) -> Shrinker {
        let (sw, sh) = (sw.max(1) as usize, sh.max(1) as usize);
        let (dw, dh) = (
            dw.clamp(1, sw as u32) as usize,
            dh.clamp(1, sh as u32) as usize,
        );
        let identity = (sw, sh) == (dw, dh);
        let (mut col_start, mut col_taps) = (vec![0], Vec::new());
        let (mut row_to, mut row_last) = (Vec::new(), Vec::new());
        if !identity {
            for taps in weights(sw, dw) {
                col_taps.extend(taps);
                col_start.push(col_taps.len());
            }
            row_to = vec![Vec::new(); sh];
            for (d, taps) in weights(sh, dh).into_iter().enumerate() {
                row_last.push(taps.last().map_or(0, |t| t.0));
                for (s, wt) in taps {
                    row_to[s].push((d, wt));
                }
            }
        }
        Shrinker {
            sw,
            dw,
            dh,
            identity,
            col_start,
            col_taps,
            row_to,
            row_last,
            open: std::collections::VecDeque::new(),
            open_base: 0,
            line: vec![[0.0; 4]; if identity { 0 } else { dw }],
            next_row: 0,
            transparent: false,
            rgb: Vec::with_capacity(dw * dh * 3),
            alpha: Vec::with_capacity(dw * dh),
        }
    }

    /// Adds the next source row: `sw` pixels of `channels` 8-bit samples each (1 grey,
    /// 2 grey + alpha, 3 RGB, 4 RGBA). Rows past the last are ignored.
    pub fn push_row(&mut self, row: &[u8], channels: usize) {
        let y = self.next_row;
        if y >= self.row_count() || row.len() < self.sw * channels {
            return;
        }
        self.next_row += 1;
        let px = |x: usize| -> [u8; 4] {
            let p = &row[x * channels..x * channels + channels];
            match channels {
                1 => [p[0], p[0], p[0], 255],
                2 => [p[0], p[0], p[0], p[1]],
                3 => [p[0], p[1], p[2], 255],
                _ => [p[0], p[1], p[2], p[3]],
            }
        };
        if self.identity {
            for x in 0..self.sw {
                let p = px(x);
                self.rgb.extend_from_slice(&p[..3]);
                self.alpha.push(p[3]);
                self.transparent |= p[3] != 255;
            }
            return;
        }
        for x in 0..self.dw {
            let mut acc = [0.0f32; 4];
            for &(s, wt) in &self.col_taps[self.col_start[x]..self.col_start[x + 1]] {
                let p = px(s);
                self.transparent |= p[3] != 255;
                let a = f32::from(p[3]) / 255.0 * wt;
                acc[0] += f32::from(p[0]) * a;
                acc[1] += f32::from(p[1]) * a;
                acc[2] += f32::from(p[2]) * a;
                acc[3] += a;
            }
            self.line[x] = acc;
        }
        for i in 0..self.row_to[y].len() {
            let (d, wt) = self.row_to[y][i];
            while self.open_base + self.open.len() <= d {
                self.open.push_back(vec![[0.0; 4]; self.dw]);
            }
            let acc = &mut self.open[d - self.open_base];
            for (a, l) in acc.iter_mut().zip(&self.line) {
                for c in 0..4 {
                    a[c] += l[c] * wt;
                }
            }
        }
        while self.open_base < self.dh && self.row_last[self.open_base] <= y {
            let Some(done) = self.open.pop_front() else {
                break;
            };
            self.open_base += 1;
            for [r, g, b, a] in done {
                for v in [r, g, b] {
                    let v = if a > 0.0 { v / a } else { 0.0 };
                    self.rgb.push(v.round().clamp(0.0, 255.0) as u8);
                }
                self.alpha.push((a * 255.0).round().clamp(0.0, 255.0) as u8);
            }
        }
    }

    fn row_count(&self) -> usize {
        if self.identity {
            self.dh
        } else {
            self.row_to.len()
        }
    }

    /// Source rows still expected.
    pub fn missing_rows(&self) -> usize {
        self.row_count() - self.next_row
    }

    /// The result; an alpha channel only if some source pixel was not fully opaque.
    /// `None` if rows are missing.
    pub fn finish(self) -> Option<Image> {
        if self.rgb.len() != self.dw * self.dh * 3 {
            return None;
        }
        Some(Image {
            width_px: self.dw as u32,
            height_px: self.dh as u32,
            rgb: self.rgb,
            alpha: self.transparent.then_some(self.alpha),
            jpeg: None,
            size_pt: None,
            encoded: None,
        })
    }
}

/// Shrinks a decoded `image` to `w` × `h` (meant for shrinking; the same size is a copy).
pub fn resize(image: &Image, w: u32, h: u32) -> Image {
    let sw = image.width_px as usize;
    let mut s = Shrinker::new(image.width_px, image.height_px, w, h);
    let mut row = Vec::with_capacity(sw * 4);
    for y in 0..image.height_px as usize {
        row.clear();
        for x in 0..sw {
            let i = y * sw + x;
            row.extend_from_slice(&image.rgb[i * 3..i * 3 + 3]);
            row.push(image.alpha.as_ref().map_or(255, |a| a[i]));
        }
        s.push_row(&row, 4);
    }
    s.finish().unwrap_or_else(|| image.clone())
}

/// For each destination index, the source indices it covers and their share (summing to 1).
pub fn weights(src: usize, dst: usize) -> Vec<Vec<(usize, f32)>> {
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

/// The Orientation tag (0x0112) of IFD0 of a TIFF-structured EXIF block; 1 if absent.
pub fn exif_orientation(exif: &[u8]) -> u16 {
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
pub fn orient(image: Image, orientation: u16) -> Image {
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
        ..Image::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn streaming_equals_whole_image_average() {
        // 4×2 black/white columns with a transparent red pixel.
        let rgb = vec![
            0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 0, 0, //
            0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255,
        ];
        let img = Image {
            width_px: 4,
            height_px: 2,
            rgb,
            alpha: Some(vec![255, 255, 255, 0, 255, 255, 255, 255]),
            ..Image::default()
        };
        let small = resize(&img, 2, 1);
        assert_eq!(&small.rgb[..3], &[128, 128, 128]);
        assert_eq!(&small.rgb[3..], &[85, 85, 85]);
        assert_eq!(small.alpha, Some(vec![255, 191]));
        assert_eq!(resize(&img, 4, 2), img);
        // Opaque input: no alpha; rows beyond the last are ignored.
        let mut s = Shrinker::new(3, 3, 1, 1);
        for _ in 0..4 {
            s.push_row(&[30, 60, 90], 1);
        }
        assert_eq!(s.missing_rows(), 0);
        let one = s.finish().unwrap();
        assert_eq!((one.rgb, one.alpha), (vec![60, 60, 60], None));
        let mut short = Shrinker::new(3, 3, 2, 2);
        short.push_row(&[0; 9], 3);
        assert!(short.finish().is_none());
    }
}
