//! Images in the PDF: photos are embedded as JPEG (DCTDecode) so that an issue with a phone
//! photo stays small enough to mail; screenshots, diagrams and images with transparency stay
//! lossless (FlateDecode); a JPEG that needs no downsampling is embedded as it is.
//!
//! The images are generated here (a noisy 3000×2000 "photo", a 1200×800 screenshot with sharp
//! text-like edges, a 1200×800 logo with alpha), typeset through the real binary, and the PDFs
//! are read back with qpdf, poppler and MuPDF.

mod common;

use std::path::{Path, PathBuf};

use common::{Fixture, newsletter, run_bin, tool, tool_ok};
use lopdf::{Object, content::Content};

// ---------------------------------------------------------------------------------------------
// Generated images

/// A small deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in -amp..=amp.
    fn noise(&mut self, amp: i32) -> i32 {
        (self.next() >> 40) as i32 % (2 * amp + 1) - amp
    }
}

/// Photo-like pixels: a sky-to-ground gradient, soft shapes, fine texture and sensor noise.
fn photo_pixels(w: u32, h: u32) -> Vec<u8> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h {
        let fy = y as f32 / h as f32;
        for x in 0..w {
            let fx = x as f32 / w as f32;
            let horizon = 0.45 + 0.05 * (fx * 9.0).sin();
            let (mut r, mut g, mut b) = if fy < horizon {
                (90.0 + 120.0 * fy, 140.0 + 90.0 * fy, 230.0 - 40.0 * fy)
            } else {
                (70.0 + 60.0 * fy, 110.0 + 50.0 * (fx * 13.0).cos(), 50.0)
            };
            // A sun and some leaves.
            let d = ((fx - 0.75).powi(2) + (fy - 0.2).powi(2)).sqrt();
            if d < 0.08 {
                r = 255.0;
                g = 240.0;
                b = 200.0 + 50.0 * (1.0 - d / 0.08);
            }
            let texture = 18.0 * ((fx * 310.0).sin() * (fy * 270.0).cos());
            if fy >= horizon {
                g += texture;
                r += texture * 0.5;
            }
            let n = rng.noise(10) as f32;
            let px = [r + n, g + n * 0.8, b + n * 0.6];
            rgb.extend(px.map(|v| v.round().clamp(0.0, 255.0) as u8));
        }
    }
    rgb
}

fn jpeg(rgb: &[u8], w: u32, h: u32, quality: u8, exif: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    if let Some(exif) = exif {
        enc.add_exif_metadata(exif).unwrap();
    }
    enc.encode(rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

/// A big-endian TIFF block with Orientation = `o` and a fake GPS entry (bytes that must not
/// reach the PDF).
fn exif(o: u16) -> Vec<u8> {
    let mut e = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    e.extend_from_slice(&o.to_be_bytes());
    e.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    e.extend_from_slice(b"GPS 34.6937N 135.5023E");
    e
}

fn png(w: u32, h: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(data).unwrap();
    writer.finish().unwrap();
    out
}

/// A screenshot: a blue title bar, a grey sidebar and lines of dark "glyphs" made of 1–2 px
/// strokes with anti-aliased edges, on white.
fn screenshot_pixels(w: u32, h: u32) -> Vec<u8> {
    let (w, h) = (w as usize, h as usize);
    let mut rgb = vec![255u8; w * h * 3];
    let mut put = |x: usize, y: usize, c: [u8; 3]| {
        if x < w && y < h {
            rgb[(y * w + x) * 3..(y * w + x) * 3 + 3].copy_from_slice(&c);
        }
    };
    for y in 0..48 {
        for x in 0..w {
            put(x, y, [29, 79, 145]);
        }
    }
    for y in 48..h {
        for x in 0..180 {
            put(x, y, [240, 242, 245]);
        }
    }
    let mut rng = Rng(42);
    let ink = [26, 26, 26];
    let edge = [140, 140, 140];
    let mut y = 80;
    while y + 14 < h {
        let mut x = 200;
        while x + 12 < w - 20 {
            let glyphs = 2 + (rng.next() % 7) as usize;
            for _ in 0..glyphs {
                // A 10×14 glyph cell: two or three strokes.
                for _ in 0..3 {
                    if rng.next().is_multiple_of(2) {
                        let gx = x + 1 + (rng.next() % 8) as usize;
                        for gy in y..y + 14 {
                            put(gx, gy, ink);
                            put(gx + 1, gy, edge);
                        }
                    } else {
                        let gy = y + 1 + (rng.next() % 12) as usize;
                        for gx in x..x + 10 {
                            put(gx, gy, ink);
                            put(gx, gy + 1, edge);
                        }
                    }
                }
                x += 12;
            }
            x += 8;
        }
        y += 24;
    }
    // A screenshot of an app also has a blue link and a red badge.
    for y in 60..72 {
        for x in 200..420 {
            put(x, y, [0, 90, 200]);
        }
        for x in 1100..1150 {
            put(x, y, [210, 40, 40]);
        }
    }
    rgb
}

/// A round logo with a soft edge on a transparent background (RGBA).
fn logo_pixels(w: u32, h: u32) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(w as usize * h as usize * 4);
    let (cx, cy, r) = (w as f32 / 2.0, h as f32 / 2.0, h as f32 * 0.4);
    for y in 0..h {
        for x in 0..w {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            let a = (r - d).clamp(0.0, 1.0);
            let ring = if d > r * 0.6 {
                [29, 79, 145]
            } else {
                [250, 200, 40]
            };
            rgba.extend_from_slice(&ring);
            rgba.push((a * 255.0).round() as u8);
        }
    }
    rgba
}

// ---------------------------------------------------------------------------------------------
// Typesetting and reading back

const ISSUE: &str = "content/newsletters/2021-06-vol01.md";

/// A newsletter beside `images` (file name, bytes), typeset with `tsushin pdf`.
fn typeset(images: &[(&str, &[u8])], body: &str) -> (Fixture, PathBuf) {
    let f = Fixture::new(&[(
        ISSUE,
        &newsletter(1, "2021-06-30", "コーディネーター連絡会通信 第１号", body),
    )]);
    for (name, bytes) in images {
        f.write_bytes(&format!("content/newsletters/{name}"), bytes);
    }
    let out = f.dir.path().join("issue.pdf");
    let run = run_bin(
        &[
            "pdf",
            f.root().join(ISSUE).to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        f.dir.path(),
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    (f, out)
}

/// One image XObject as the PDF has it, with the box it is drawn into.
#[derive(Debug)]
struct Placed {
    filter: String,
    color_space: String,
    width: i64,
    height: i64,
    smask: bool,
    /// The raw (still encoded) stream.
    data: Vec<u8>,
    /// Drawn size in points (from the `cm` before `Do`).
    w_pt: f32,
    h_pt: f32,
}

fn placed_images(pdf: &Path) -> Vec<Placed> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut out = Vec::new();
    for page_id in doc.get_pages().into_values() {
        let content = Content::decode(&doc.get_page_content(page_id)).unwrap();
        let (inline, referenced) = doc.get_page_resources(page_id).unwrap();
        let resources = match inline {
            Some(d) => d,
            None => doc.get_dictionary(referenced[0]).unwrap(),
        };
        let xobjects = match resources.get(b"XObject").unwrap() {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            Object::Dictionary(d) => d,
            other => panic!("XObject resource {other:?}"),
        };
        let mut matrix = [1.0f32; 6];
        for op in &content.operations {
            match op.operator.as_str() {
                "cm" => {
                    for (m, o) in matrix.iter_mut().zip(&op.operands) {
                        *m = o.as_float().unwrap();
                    }
                }
                "Do" => {
                    let name = op.operands[0].as_name().unwrap();
                    let id = xobjects.get(name).unwrap().as_reference().unwrap();
                    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
                    let d = &stream.dict;
                    let name_of = |key: &[u8]| {
                        String::from_utf8(d.get(key).unwrap().as_name().unwrap().to_vec()).unwrap()
                    };
                    out.push(Placed {
                        filter: name_of(b"Filter"),
                        color_space: name_of(b"ColorSpace"),
                        width: d.get(b"Width").unwrap().as_i64().unwrap(),
                        height: d.get(b"Height").unwrap().as_i64().unwrap(),
                        smask: d.get(b"SMask").is_ok(),
                        data: stream.content.clone(),
                        w_pt: matrix[0],
                        h_pt: matrix[3],
                    });
                }
                _ => {}
            }
        }
    }
    out
}

/// The image is no sharper than 200 dpi at the size it is drawn (one pixel of rounding).
#[track_caller]
fn at_most_200_dpi(p: &Placed) {
    let need = |pt: f32| (pt / 72.0 * 200.0).ceil() as i64 + 1;
    assert!(
        p.width <= need(p.w_pt) && p.height <= need(p.h_pt),
        "{}×{} px drawn at {}×{} pt",
        p.width,
        p.height,
        p.w_pt,
        p.h_pt
    );
}

/// qpdf, poppler and MuPDF read the file without a complaint.
#[track_caller]
fn readers_are_happy(pdf: &Path) {
    let check = tool_ok("qpdf", ["--check".as_ref(), pdf.as_os_str()]);
    assert!(
        check.contains("No syntax or stream encoding errors found"),
        "{check}"
    );
    let dir = pdf.parent().unwrap();
    let png = tool(
        "pdftoppm",
        [
            "-png".as_ref(),
            "-r".as_ref(),
            "60".as_ref(),
            pdf.as_os_str(),
            dir.join("poppler").as_os_str(),
        ],
    );
    assert!(png.status.success());
    let err = String::from_utf8_lossy(&png.stderr);
    assert!(err.trim().is_empty(), "pdftoppm: {err}");
    let mu = tool(
        "mutool",
        [
            "draw".as_ref(),
            "-q".as_ref(),
            "-r".as_ref(),
            "60".as_ref(),
            "-o".as_ref(),
            dir.join("mupdf-%d.png").as_os_str(),
            pdf.as_os_str(),
        ],
    );
    assert!(mu.status.success());
    let err = String::from_utf8_lossy(&mu.stderr);
    let complaints: Vec<&str> = err
        .lines()
        .filter(|l| !l.trim().is_empty() && l.trim() != "warning: ICC support is not available")
        .collect();
    assert!(complaints.is_empty(), "mutool: {err}");
}

/// `pdfimages -list`: (type, width, height, colour, enc) per image, in page order.
fn pdfimages_list(pdf: &Path) -> Vec<(String, i64, i64, String, String)> {
    let list = tool_ok("pdfimages", ["-list".as_ref(), pdf.as_os_str()]);
    list.lines()
        .skip(2)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (
                c[2].to_owned(),
                c[3].parse().unwrap(),
                c[4].parse().unwrap(),
                c[5].to_owned(),
                c[8].to_owned(),
            )
        })
        .collect()
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

// ---------------------------------------------------------------------------------------------

#[test]
fn a_phone_photo_becomes_a_small_jpeg() {
    let (w, h) = (3000, 2000);
    let photo = jpeg(&photo_pixels(w, h), w, h, 92, Some(&exif(1)));
    let (f, pdf) = typeset(
        &[("photo.jpg", &photo)],
        "## 研修会の様子\n\n当日は多くの方にご参加いただきました。\n\n![研修会の様子](photo.jpg \"会場の様子\")\n",
    );
    let size = std::fs::metadata(&pdf).unwrap().len();
    eprintln!("photo: source {}, PDF {}", kb(photo.len() as u64), kb(size));
    assert!(size < 400 * 1024, "photo issue is {}", kb(size));

    let images = placed_images(&pdf);
    assert_eq!(images.len(), 1, "{images:?}");
    let p = &images[0];
    assert_eq!(
        (p.filter.as_str(), p.color_space.as_str()),
        ("DCTDecode", "DeviceRGB")
    );
    assert!(!p.smask);
    assert!(p.data.starts_with(&[0xFF, 0xD8]) && p.data.ends_with(&[0xFF, 0xD9]));
    // Downsampled (not the original), aspect ratio kept, ≤ 200 dpi where it is drawn.
    assert!(p.width < 3000);
    let ratio = p.width as f32 / p.height as f32;
    assert!((ratio - 1.5).abs() < 0.01, "{}×{}", p.width, p.height);
    assert!(
        (p.w_pt / p.h_pt - 1.5).abs() < 0.01,
        "{} × {} pt",
        p.w_pt,
        p.h_pt
    );
    at_most_200_dpi(p);
    // No EXIF (GPS!) from the phone in the PDF.
    assert!(!p.data.windows(4).any(|w| w == b"Exif"));

    readers_are_happy(&pdf);
    let list = pdfimages_list(&pdf);
    assert_eq!(
        list,
        vec![(
            "image".into(),
            p.width,
            p.height,
            "rgb".into(),
            "jpeg".into()
        )]
    );

    // Same input, same bytes.
    let again = f.dir.path().join("again.pdf");
    let run = run_bin(
        &[
            "pdf",
            f.root().join(ISSUE).to_str().unwrap(),
            "-o",
            again.to_str().unwrap(),
        ],
        f.dir.path(),
    );
    assert!(run.status.success());
    assert_eq!(std::fs::read(&pdf).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn screenshots_and_transparency_stay_lossless() {
    let (w, h) = (1200, 800);
    let shot_px = screenshot_pixels(w, h);
    let shot = png(w, h, png::ColorType::Rgb, &shot_px);
    let logo = png(w, h, png::ColorType::Rgba, &logo_pixels(w, h));
    let (_f, pdf) = typeset(
        &[("screen.png", &shot), ("logo.png", &logo)],
        "## 申込画面\n\n申込は次の画面からできます。\n\n![申込画面](screen.png)\n\n## ロゴ\n\n![ロゴ](logo.png)\n",
    );
    let size = std::fs::metadata(&pdf).unwrap().len();
    eprintln!(
        "screenshot + logo: sources {} + {}, PDF {}",
        kb(shot.len() as u64),
        kb(logo.len() as u64),
        kb(size)
    );

    let images = placed_images(&pdf);
    assert_eq!(images.len(), 2, "{images:?}");
    let (s, l) = (&images[0], &images[1]);
    assert_eq!((s.filter.as_str(), s.smask), ("FlateDecode", false));
    assert_eq!((l.filter.as_str(), l.smask), ("FlateDecode", true));
    for p in &images {
        assert_eq!(p.color_space, "DeviceRGB");
        at_most_200_dpi(p);
    }
    // 1200 px across a 170 mm column is less than 200 dpi: kept as it is.
    assert_eq!((s.width, s.height), (1200, 800));

    readers_are_happy(&pdf);
    let list = pdfimages_list(&pdf);
    let kinds: Vec<(&str, &str, &str)> = list
        .iter()
        .map(|(t, _, _, c, e)| (t.as_str(), c.as_str(), e.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("image", "rgb", "image"),
            ("image", "rgb", "image"),
            ("smask", "gray", "image")
        ]
    );

    // Lossless: the screenshot's pixels come back exactly.
    let prefix = pdf.parent().unwrap().join("extracted");
    tool_ok(
        "pdfimages",
        [
            "-png".as_ref(),
            "-f".as_ref(),
            "1".as_ref(),
            pdf.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    let first = pdf.parent().unwrap().join("extracted-000.png");
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&first).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1200, 800));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert!(
        buf[..info.buffer_size()] == shot_px[..],
        "screenshot pixels changed"
    );
}

#[test]
fn a_small_jpeg_is_embedded_as_it_is() {
    let (w, h) = (800, 600);
    let px = photo_pixels(w, h);
    let plain = jpeg(&px, w, h, 90, None);
    let with_exif = jpeg(&px, w, h, 90, Some(&exif(1)));
    let rotated = jpeg(&px, w, h, 90, Some(&exif(6)));
    let (_f, pdf) = typeset(
        &[
            ("a.jpg", &plain),
            ("b.jpg", &with_exif),
            ("c.jpg", &rotated),
        ],
        "## 写真\n\n![一](a.jpg)\n\n![二](b.jpg)\n\n![三](c.jpg)\n",
    );
    eprintln!(
        "three 800×600 JPEGs: sources {}, PDF {}",
        kb((plain.len() + with_exif.len() + rotated.len()) as u64),
        kb(std::fs::metadata(&pdf).unwrap().len())
    );
    let images = placed_images(&pdf);
    assert_eq!(images.len(), 3, "{images:?}");
    for p in &images {
        assert_eq!(p.filter, "DCTDecode");
        at_most_200_dpi(p);
    }
    // Not downsampled: the file's own bytes.
    assert!(images[0].data == plain, "a.jpg was re-encoded");
    assert_eq!((images[0].width, images[0].height), (800, 600));
    // The same, less the EXIF segment (APP1) with the phone's metadata.
    let app1 = with_exif.len() - plain.len();
    assert!(app1 > 0);
    assert!(
        images[1].data == plain,
        "b.jpg: EXIF kept or image re-encoded"
    );
    // EXIF orientation 6 (turn 90° clockwise): re-encoded upright, drawn portrait.
    assert_eq!((images[2].width, images[2].height), (600, 800));
    assert!(images[2].h_pt > images[2].w_pt);
    assert!(images[2].data != rotated);

    readers_are_happy(&pdf);
    let list = pdfimages_list(&pdf);
    assert!(
        list.iter().all(|i| i.0 == "image" && i.4 == "jpeg"),
        "{list:?}"
    );
}
