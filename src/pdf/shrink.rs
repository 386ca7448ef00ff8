//! Downsampling the PDF's images to print resolution with `fast_image_resize`, fed row by row:
//! decoders hand over one source row at a time and only a band of source rows (8-bit RGBA,
//! 4 bytes a pixel) and the small result are kept, so an image of tens of megapixels is shrunk
//! without ever holding it whole (a 50 MP PNG costs a few megabytes, not gigabytes). Also the
//! EXIF orientation: read with `kamadak-exif` and applied to the small result.

use fast_image_resize as fir;

use crate::pdf::image::Image;

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

/// Destination rows made from one band of source rows.
const BAND_ROWS: usize = 32;

/// Area-averaging shrinker (a box filter) fed row by row. Colour is weighted by alpha so
/// transparent pixels do not darken the edges. Built for `sw` × `sh` source pixels and a
/// `dw` × `dh` result (`dw <= sw`, `dh <= sh`); the same size copies the pixels exactly.
pub struct Shrinker {
    sw: usize,
    sh: usize,
    dw: usize,
    dh: usize,
    /// Source rows per destination row.
    scale: f64,
    /// Source rows not yet resized, as RGBA; the first is source row `band_first`.
    band: Vec<u8>,
    band_first: usize,
    next_row: usize,
    /// Destination rows done.
    done: usize,
    /// The result as RGBA.
    out: Vec<u8>,
    transparent: bool,
    resizer: fir::Resizer,
}

impl Shrinker {
    pub fn new(sw: u32, sh: u32, dw: u32, dh: u32) -> Shrinker {
        let (sw, sh) = (sw.max(1) as usize, sh.max(1) as usize);
        let (dw, dh) = (
            dw.clamp(1, sw as u32) as usize,
            dh.clamp(1, sh as u32) as usize,
        );
        Shrinker {
            sw,
            sh,
            dw,
            dh,
            scale: sh as f64 / dh as f64,
            band: Vec::new(),
            band_first: 0,
            next_row: 0,
            done: 0,
            out: Vec::with_capacity(dw * dh * 4),
            transparent: false,
            resizer: fir::Resizer::new(),
        }
    }

    fn identity(&self) -> bool {
        (self.sw, self.sh) == (self.dw, self.dh)
    }

    /// Adds the next source row: `sw` pixels of `channels` 8-bit samples each (1 grey,
    /// 2 grey + alpha, 3 RGB, 4 RGBA). Rows past the last are ignored.
    pub fn push_row(&mut self, row: &[u8], channels: usize) {
        if self.next_row >= self.sh || row.len() < self.sw * channels || channels == 0 {
            return;
        }
        self.next_row += 1;
        let target = if self.identity() {
            &mut self.out
        } else {
            &mut self.band
        };
        for p in row[..self.sw * channels].chunks_exact(channels) {
            let rgba = match channels {
                1 => [p[0], p[0], p[0], 255],
                2 => [p[0], p[0], p[0], p[1]],
                3 => [p[0], p[1], p[2], 255],
                _ => [p[0], p[1], p[2], p[3]],
            };
            self.transparent |= rgba[3] != 255;
            target.extend_from_slice(&rgba);
        }
        if !self.identity() {
            self.resize_ready_bands();
        }
    }

    /// Source rows (exclusive end) that destination rows up to `d` need.
    fn rows_for(&self, d: usize) -> usize {
        ((d as f64 * self.scale).ceil() as usize).min(self.sh)
    }

    /// Resizes every band of destination rows whose source rows have all arrived.
    fn resize_ready_bands(&mut self) {
        while self.done < self.dh {
            let end = (self.done + BAND_ROWS).min(self.dh);
            if self.next_row < self.rows_for(end) {
                return;
            }
            self.resize_band(end);
        }
    }

    fn resize_band(&mut self, end: usize) {
        let rows = self.band.len() / (self.sw * 4);
        let top = self.done as f64 * self.scale - self.band_first as f64;
        let height = (end - self.done) as f64 * self.scale;
        let start = self.out.len();
        self.out.resize(start + (end - self.done) * self.dw * 4, 0);
        let resized = fir::images::Image::from_slice_u8(
            self.sw as u32,
            rows as u32,
            &mut self.band,
            fir::PixelType::U8x4,
        )
        .and_then(|src| {
            let dst = fir::images::Image::from_slice_u8(
                self.dw as u32,
                (end - self.done) as u32,
                &mut self.out[start..],
                fir::PixelType::U8x4,
            )?;
            Ok((src, dst))
        });
        if let Ok((src, mut dst)) = resized {
            let options = fir::ResizeOptions::new()
                .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Box))
                .crop(0.0, top.max(0.0), self.sw as f64, height.min(rows as f64))
                .use_alpha(self.transparent);
            // The sizes are checked above; a failure leaves the rows black.
            let _ = self.resizer.resize(&src, &mut dst, &options);
        }
        self.done = end;
        // Keep the source rows the next band starts in.
        let keep_from = ((end as f64 * self.scale).floor() as usize).min(self.sh);
        let drop_rows = keep_from.saturating_sub(self.band_first).min(rows);
        self.band.drain(..drop_rows * self.sw * 4);
        self.band_first += drop_rows;
    }

    /// Source rows still expected.
    pub fn missing_rows(&self) -> usize {
        self.sh - self.next_row
    }

    /// The result; an alpha channel only if some source pixel was not fully opaque.
    /// `None` if rows are missing.
    pub fn finish(self) -> Option<Image> {
        if self.missing_rows() > 0 || self.out.len() != self.dw * self.dh * 4 {
            return None;
        }
        let mut rgb = Vec::with_capacity(self.dw * self.dh * 3);
        let mut alpha = Vec::with_capacity(if self.transparent {
            self.dw * self.dh
        } else {
            0
        });
        for p in self.out.chunks_exact(4) {
            rgb.extend_from_slice(&p[..3]);
            if self.transparent {
                alpha.push(p[3]);
            }
        }
        Some(Image {
            width_px: self.dw as u32,
            height_px: self.dh as u32,
            rgb,
            alpha: self.transparent.then_some(alpha),
            ..Image::default()
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

/// The Orientation tag of the primary image in an EXIF block (a TIFF structure, with or
/// without the `Exif\0\0` prefix of the JPEG segment); 1 if absent or unreadable.
pub fn exif_orientation(exif: &[u8]) -> u16 {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    exif::Reader::new()
        .read_raw(tiff.to_vec())
        .ok()
        .and_then(|e| {
            e.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
                .and_then(|f| f.value.get_uint(0))
        })
        .and_then(|o| u16::try_from(o).ok())
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1)
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
    fn shrinking_averages_areas() {
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
        let near = |a: &[u8], b: &[u8]| a.iter().zip(b).all(|(x, y)| x.abs_diff(*y) <= 2);
        assert!(near(&small.rgb[..3], &[128, 128, 128]), "{:?}", small.rgb);
        // The transparent red pixel does not tint its neighbours.
        assert!(near(&small.rgb[3..], &[85, 85, 85]), "{:?}", small.rgb);
        let alpha = small.alpha.unwrap();
        assert!(near(&alpha, &[255, 191]), "{alpha:?}");
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

    #[test]
    fn bands_join_without_seams() {
        // A vertical gradient shrunk by 3 in many bands: every row is the mean of its three.
        let (w, h) = (5u32, 300u32);
        let mut s = Shrinker::new(w, h, w, h / 3);
        for y in 0..h {
            s.push_row(&vec![(y * 255 / h) as u8; w as usize], 1);
        }
        let img = s.finish().unwrap();
        for (d, row) in img.rgb.chunks(w as usize * 3).enumerate() {
            let want: u32 = (0..3).map(|i| (d as u32 * 3 + i) * 255 / h).sum::<u32>() / 3;
            assert!(
                row.iter().all(|&v| u32::from(v).abs_diff(want) <= 1),
                "row {d}: {row:?} vs {want}"
            );
        }
    }
}
