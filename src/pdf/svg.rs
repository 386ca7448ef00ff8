//! SVG images in the PDF: authors paste diagrams and logos as SVG, so they are drawn with
//! resvg at print resolution for the size they are drawn at (sharp text and lines, bounded
//! pixels whatever the SVG claims its size is). Text in an SVG is set in the built-in
//! BIZ UDPGothic; an SVG never reads other files (linked images are left out).

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::pdf::image::{Image, ImageError};

/// Larger SVG files are refused (a diagram is a few hundred kilobytes).
pub const MAX_SVG_BYTES: usize = 10 * 1024 * 1024;
/// No side of the rasterised SVG exceeds this many pixels.
const MAX_RASTER_SIDE: f32 = 6000.0;

/// The font database of every SVG: the built-in fonts, for every generic family.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        let set = crate::pdf::fonts::FontSet::builtin();
        for i in 0..2 {
            db.load_font_data(set.bytes(crate::pdf::draw::FontIndex(i)).to_vec());
        }
        let family = "BIZ UDPGothic";
        db.set_serif_family(family);
        db.set_sans_serif_family(family);
        db.set_monospace_family(family);
        db.set_cursive_family(family);
        db.set_fantasy_family(family);
        Arc::new(db)
    })
    .clone()
}

fn broken(detail: impl std::fmt::Display) -> ImageError {
    ImageError {
        message: format!("cannot be read as SVG: {detail}"),
        help: "open it in the program that made it and export it again as SVG, or as PNG".into(),
    }
}

/// Draws the SVG as large as it would be printed in a box of `width_pt` × `height_pt` (its
/// own size at 96 dpi, shrunk to fit), at `dpi` pixels per inch.
pub fn rasterise(
    bytes: &[u8],
    width_pt: f32,
    height_pt: f32,
    dpi: f32,
) -> Result<Image, ImageError> {
    if bytes.len() > MAX_SVG_BYTES {
        return Err(ImageError {
            message: format!(
                "is an SVG file of {} MB; the PDF takes SVG files up to {} MB",
                bytes.len() >> 20,
                MAX_SVG_BYTES >> 20
            ),
            help: "simplify the drawing, or export it as PNG".into(),
        });
    }
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: "BIZ UDPGothic".into(),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(bytes, &options).map_err(broken)?;
    let size = tree.size();
    let (nw, nh) = (size.width() * 0.75, size.height() * 0.75);
    if !(nw.is_finite() && nh.is_finite() && nw > 0.0 && nh > 0.0) {
        return Err(broken("it has no size"));
    }
    let fit = (width_pt / nw).min(height_pt / nh).min(1.0);
    let px = |pt: f32| (pt * fit / 72.0 * dpi).clamp(1.0, MAX_RASTER_SIDE);
    let (pw, ph) = (px(nw), px(nh));
    let (w, h) = (pw.ceil() as u32, ph.ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| broken("it is too large"))?;
    let transform = tiny_skia::Transform::from_scale(pw / size.width(), ph / size.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    let mut alpha = Vec::with_capacity(w as usize * h as usize);
    for p in pixmap.pixels() {
        let c = p.demultiply();
        rgb.extend_from_slice(&[c.red(), c.green(), c.blue()]);
        alpha.push(c.alpha());
    }
    let opaque = alpha.iter().all(|&a| a == 255);
    Ok(Image {
        width_px: w,
        height_px: h,
        rgb,
        alpha: (!opaque).then_some(alpha),
        size_pt: Some((nw, nh)),
        ..Image::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_at_print_resolution_for_its_size() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="48">
            <rect width="96" height="48" fill="#1d4f91"/><text x="4" y="30" font-size="20">通信</text>
            <image href="/etc/hostname" width="10" height="10"/></svg>"##
            .as_bytes();
        let img = rasterise(svg, 1000.0, 1000.0, 200.0).unwrap();
        // 96 px = 72 pt = 1 inch = 200 px at 200 dpi.
        assert_eq!((img.width_px, img.height_px), (200, 100));
        assert_eq!(img.size_pt, Some((72.0, 36.0)));
        assert_eq!(img.alpha, None);
        // Shrunk to fit: 36 pt wide.
        let small = rasterise(svg, 36.0, 1000.0, 200.0).unwrap();
        assert_eq!((small.width_px, small.height_px), (100, 50));
        // A huge claimed size stays bounded.
        let huge = br#"<svg xmlns="http://www.w3.org/2000/svg" width="1000000" height="10"/>"#;
        let img = rasterise(huge, 481.0, 700.0, 200.0).unwrap();
        assert!(img.width_px <= 1340, "{}", img.width_px);
        assert!(rasterise(b"<svg", 100.0, 100.0, 200.0).is_err());
    }
}
