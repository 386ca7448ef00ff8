//! Unit tests of `raster`.

use super::*;
use crate::pdf::image::tests::{jpeg_file, photo};
use crate::pdf::image::{Filter, encode};

fn png_bytes(w: u32, h: u32, color: png::ColorType, data: &[u8], exif: Option<&[u8]>) -> Vec<u8> {
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

fn decode(bytes: &[u8]) -> Image {
    let h = probe(bytes).unwrap();
    match h.format {
        Format::Png => decode_png(bytes, 1e6, 1e6).unwrap().0,
        Format::Jpeg => decode_jpeg(bytes, &h, 1e6, 1e6).unwrap().0,
        _ => decode_gif(bytes, 1e6, 1e6).unwrap(),
    }
}

#[test]
fn png_rgba_gray_and_opaque() {
    let img = decode(&png_bytes(
        2,
        1,
        png::ColorType::Rgba,
        &[255, 0, 0, 255, 0, 0, 255, 128],
        None,
    ));
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
    ));
    assert_eq!(img.rgb, vec![10, 10, 10, 200, 200, 200]);
    assert_eq!(img.alpha, None);
    assert!(probe(b"\x89PNG\r\n\x1a\nbroken").is_err());
}

#[test]
fn exif_orientation_turns_the_image_upright() {
    // 3×2: pixel value = index.
    let data: Vec<u8> = (0..6u8).flat_map(|i| [i, i, i]).collect();
    let grey = |o: u16| -> (u32, Vec<u8>) {
        let img = decode(&png_bytes(3, 2, png::ColorType::Rgb, &data, Some(&exif(o))));
        (img.width_px, img.rgb.chunks(3).map(|p| p[0]).collect())
    };
    // Rotated 90° clockwise: 2×3, first row is the old first column read bottom-up.
    assert_eq!(grey(6), (2, vec![3, 0, 4, 1, 5, 2]));
    assert_eq!(grey(8), (2, vec![2, 5, 1, 4, 0, 3]));
    assert_eq!(grey(3), (3, vec![5, 4, 3, 2, 1, 0]));
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
fn limits_are_read_from_the_header() {
    let tall = png_bytes(1, 1, png::ColorType::Grayscale, &[0], None);
    let mut tall = tall.clone();
    // Patch IHDR to 1×49,000,000 (the CRC is not checked by the probe).
    tall[20..24].copy_from_slice(&49_000_000u32.to_be_bytes());
    let e = probe(&tall).unwrap_err();
    assert!(e.message.contains("1×49000000 px"), "{e:?}");
    assert!(
        probe(b"RIFF\0\0\0\0WEBPVP8 ")
            .unwrap_err()
            .message
            .contains("WebP")
    );
    assert!(
        probe(b"<html>hello</html>")
            .unwrap_err()
            .message
            .contains("not a PNG")
    );
    assert_eq!(
        probe(b"<?xml version='1.0'?>\n<svg/>").unwrap().format,
        Format::Svg
    );
    let gif = b"GIF89a\x10\x00\x20\x00";
    assert_eq!(
        probe(gif).unwrap(),
        Header {
            format: Format::Gif,
            width: 16,
            height: 32,
            whole: true,
            components: 4
        }
    );
}

#[test]
fn the_budget_lets_one_big_image_through_at_a_time() {
    let a = reserve(DECODE_BUDGET * 2);
    assert_eq!(a.0, DECODE_BUDGET);
    let t = std::thread::spawn(|| {
        let _b = reserve(1);
    });
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(!t.is_finished());
    drop(a);
    t.join().unwrap();
}

#[test]
fn an_upright_jpeg_is_kept_unless_resized() {
    let load = |bytes: &[u8], w_pt: f32| load(bytes, w_pt, 1e6).unwrap();
    let img = photo(120, 80);
    let plain = jpeg_file(&img, None);
    let e = load(&plain, 1e6).encoded.unwrap();
    assert_eq!((e.filter, &e.data), (Filter::Dct, &plain));
    // Shrinking re-encodes (10.79 pt at 200 dpi is just under 30 px).
    let small = load(&plain, 10.79);
    assert_eq!((small.width_px, small.height_px), (30, 20));
    assert_ne!(small.encoded.unwrap().data, plain);
    // Orientation 1 in EXIF: kept, without the EXIF.
    let tagged = jpeg_file(&img, Some(&exif(1)));
    assert_ne!(tagged, plain);
    assert_eq!(load(&tagged, 1e6).encoded.unwrap().data, plain);
    // Turned: re-encoded from the upright pixels.
    let turned = load(&jpeg_file(&img, Some(&exif(6))), 1e6);
    assert_eq!((turned.width_px, turned.height_px), (80, 120));
    assert_eq!(turned.size_pt, Some((60.0, 90.0)));
    assert_ne!(turned.encoded.unwrap().data, plain);
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
    let grey = load(&grey_file, 1e6).encoded.unwrap();
    assert_eq!(
        (grey.filter, grey.gray, grey.data),
        (Filter::Dct, true, grey_file)
    );
    let cmyk_file = other(jpeg_encoder::ColorType::Cmyk, 4);
    let cmyk = load(&cmyk_file, 1e6);
    assert_eq!(cmyk.width_px, 120);
    assert_ne!(cmyk.encoded.unwrap().data, cmyk_file);
    // A JPEG whose frame does not match the pixels is not trusted.
    let wrong = Image {
        width_px: 80,
        height_px: 120,
        rgb: img.rgb.clone(),
        jpeg: Some(plain.clone()),
        ..Image::default()
    };
    assert_ne!(encode(&wrong).unwrap().data, plain);
}
