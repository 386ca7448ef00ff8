//! Images in the PDF are all there or the build stops with a located error: a file the PDF
//! cannot use (damaged, not an image, an unsupported format, too large, on the web) is an
//! error at the image in the Markdown, from `build`, `check` and `tsushin pdf`, and nothing is
//! written. GIF (first frame) and SVG are printed. Decoding is bounded in time and memory.
//!
//! Every image is generated here; the PDFs are read back with poppler's `pdfimages`.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Fixture, newsletter, run_bin, tool_ok};

const ISSUE: &str = "content/newsletters/2021-06-vol01.md";

fn png(w: u32, h: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(data).unwrap();
    writer.finish().unwrap();
    out
}

/// A real PNG of 1 × 49,000,000 grey pixels (~100 KB): it took 2.4 GB and 11 s to typeset.
fn tall_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, 1, 49_000_000);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::High);
    enc.set_filter(png::Filter::NoFilter);
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(&vec![200u8; 49_000_000]).unwrap();
    writer.finish().unwrap();
    out
}

/// A newsletter with some text and `![写真](name)`, and the image file beside it.
fn issue_with(name: &str, bytes: &[u8]) -> Fixture {
    let body = format!("当日の様子です。\n\n![写真]({name})\n\nご参加ありがとうございました。");
    let f = Fixture::new(&[(ISSUE, &newsletter(1, "2021-06-30", "第１号", &body))]);
    f.write_bytes(&format!("content/newsletters/{name}"), bytes);
    f
}

/// `file:line:column` of the first `![` in the issue.
fn image_place(f: &Fixture) -> String {
    let text = std::fs::read_to_string(f.root().join(ISSUE)).unwrap();
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("![").map(|c| (i + 1, c + 1)))
        .unwrap();
    format!("{ISSUE}:{line}:{col}")
}

/// `build`, `check` and `tsushin pdf` all fail with an error at the image that names it and
/// says `what`; nothing is written.
#[track_caller]
fn refused_everywhere(f: &Fixture, name: &str, what: &str, fix: &str) {
    let place = image_place(f);
    let expect = |out: &str, command: &str| {
        let line = out
            .lines()
            .find(|l| l.contains(&format!("{place}: ")) && l.contains(&format!("image `{name}`")))
            .unwrap_or_else(|| panic!("{command}: no error at {place} naming {name}:\n{out}"));
        assert!(line.contains(what), "{command}: {line}");
        assert!(out.contains(fix), "{command}: no `{fix}` in\n{out}");
    };
    let build = f.run("2021-10-01", &[]);
    let text = String::from_utf8_lossy(&build.stderr).into_owned();
    assert_eq!(build.status.code(), Some(1), "build: {text}");
    expect(&text, "build");
    assert!(!f.out().exists(), "build wrote an output folder");
    assert!(f.leftovers().is_empty(), "{:?}", f.leftovers());

    let root = f.root();
    let check = run_bin(&["check", "--root", root.to_str().unwrap()], f.dir.path());
    let text = String::from_utf8_lossy(&check.stdout).into_owned();
    assert_eq!(check.status.code(), Some(1), "check: {text}");
    expect(&text, "check");
    let quick = run_bin(
        &["check", "--no-pdf", "--root", root.to_str().unwrap()],
        f.dir.path(),
    );
    assert_eq!(
        quick.status.code(),
        Some(0),
        "check --no-pdf looks at the HTML only"
    );

    let pdf = f.dir.path().join("one.pdf");
    let single = run_bin(
        &[
            "pdf",
            root.join(ISSUE).to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ],
        f.dir.path(),
    );
    let text = String::from_utf8_lossy(&single.stderr).into_owned();
    assert_eq!(single.status.code(), Some(1), "pdf: {text}");
    expect(&text, "pdf");
    assert!(!pdf.exists());
}

#[test]
fn a_truncated_png_is_an_error_at_the_image() {
    let rgb: Vec<u8> = (0..200 * 150 * 3).map(|i| (i * 7 % 251) as u8).collect();
    let whole = png(200, 150, png::ColorType::Rgb, &rgb);
    let f = issue_with("photo.png", &whole[..whole.len() / 2]);
    refused_everywhere(&f, "photo.png", "cannot be read", "save it as PNG or JPEG");
}

#[test]
fn a_web_page_named_png_is_an_error_at_the_image() {
    let f = issue_with(
        "map.png",
        b"<!DOCTYPE html><html><body>404 Not Found</body></html>",
    );
    refused_everywhere(
        &f,
        "map.png",
        "is not a PNG, JPEG, GIF or SVG image",
        "save it as PNG or JPEG",
    );
}

#[test]
fn unsupported_formats_are_named() {
    let webp = b"RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0\x30\x01\0\x9d\x01\x2a\x01\0\x01\0\x02\0\x34\x25\xa4\0\x03\x70\0\xfe\xfb\x94\0\0";
    let f = issue_with("photo.webp", webp);
    refused_everywhere(
        &f,
        "photo.webp",
        "is a WebP file, which the PDF cannot include",
        "save it as PNG or JPEG",
    );
    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic.extend_from_slice(&[0; 64]);
    let f = issue_with("IMG_0001.HEIC", &heic);
    refused_everywhere(&f, "IMG_0001.HEIC", "HEIC", "save it as PNG or JPEG");
}

#[test]
fn a_png_bomb_is_refused_in_a_moment() {
    let bomb = tall_png();
    assert!(bomb.len() < 400_000, "{} bytes", bomb.len());
    let f = issue_with("tall.png", &bomb);
    let started = Instant::now();
    refused_everywhere(
        &f,
        "tall.png",
        "is 1×49000000 px",
        "shrink it to about 3000 px",
    );
    // Three commands, each refusing from the header.
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_web_image_is_an_error_in_a_pdf_page() {
    let body = "![地図](https://example.com/map.png)";
    let f = Fixture::new(&[(ISSUE, &newsletter(1, "2021-06-30", "第１号", body))]);
    let out = f.run("2021-10-01", &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let place = image_place(&f);
    assert!(
        err.lines().any(|l| l.contains(&format!("{place}: "))
            && l.contains("image `https://example.com/map.png` is not a file of the site")),
        "{err}"
    );
    assert!(!f.out().exists());
}

/// `pdfimages -list` rows: (width, height, colour, encoding).
fn image_list(pdf: &Path) -> Vec<(i64, i64, String, String)> {
    let list = tool_ok("pdfimages", ["-list".as_ref(), pdf.as_os_str()]);
    list.lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (
                c[3].parse().unwrap(),
                c[4].parse().unwrap(),
                c[5].to_owned(),
                c[8].to_owned(),
            )
        })
        .collect()
}

/// The first image of `pdf` extracted by `pdfimages -png`, as (width, height, RGB pixels).
fn first_image_pixels(pdf: &Path, dir: &Path) -> (u32, u32, Vec<u8>) {
    let prefix = dir.join("img");
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
    let file = std::fs::read(dir.join("img-000.png")).unwrap();
    let mut decoder = png::Decoder::new(std::io::Cursor::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = buf.len() / (info.width as usize * info.height as usize);
    let rgb = buf
        .chunks(channels)
        .flat_map(|p| {
            if channels < 3 {
                [p[0]; 3]
            } else {
                [p[0], p[1], p[2]]
            }
        })
        .collect();
    (info.width, info.height, rgb)
}

/// Builds the site; returns the issue's PDF.
fn build_pdf(f: &Fixture) -> std::path::PathBuf {
    let out = f.run("2021-10-01", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdfs = common::own_pdf_files(&f.out().join("newsletters"));
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    pdfs[0].clone()
}

#[test]
fn the_first_frame_of_a_gif_is_printed() {
    // An animated 120×80 GIF: red, then blue.
    let mut gif_bytes = Vec::new();
    {
        let palette = [220u8, 30, 30, 30, 60, 200];
        let mut enc = gif::Encoder::new(&mut gif_bytes, 120, 80, &palette).unwrap();
        enc.set_repeat(gif::Repeat::Infinite).unwrap();
        for index in [0u8, 1] {
            let frame = gif::Frame {
                width: 120,
                height: 80,
                delay: 50,
                buffer: std::borrow::Cow::Owned(vec![index; 120 * 80]),
                ..gif::Frame::default()
            };
            enc.write_frame(&frame).unwrap();
        }
    }
    let f = issue_with("anime.gif", &gif_bytes);
    let pdf = build_pdf(&f);
    let list = image_list(&pdf);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!((list[0].0, list[0].1), (120, 80));
    let (w, h, rgb) = first_image_pixels(&pdf, f.dir.path());
    assert_eq!((w, h), (120, 80));
    assert!(
        rgb.chunks(3).all(|p| p == [220, 30, 30]),
        "not the first frame's red: {:?}",
        &rgb[..3]
    );
}

#[test]
fn an_svg_is_printed_at_print_resolution() {
    // 192×96 CSS px = 144×72 pt; at 200 dpi 400×200 px. Japanese text in the built-in font.
    let svg = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="192" height="96" viewBox="0 0 192 96">
  <rect width="192" height="96" fill="#1d4f91"/>
  <text x="10" y="60" font-size="40" fill="#ffffff">連絡会</text>
</svg>"##;
    let f = issue_with("diagram.svg", svg.as_bytes());
    let pdf = build_pdf(&f);
    let list = image_list(&pdf);
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!((list[0].0, list[0].1), (400, 200), "{list:?}");
    let (_, _, rgb) = first_image_pixels(&pdf, f.dir.path());
    assert_eq!(&rgb[..3], &[29, 79, 145]);
    // The text was drawn: some pixels are white.
    assert!(rgb.chunks(3).any(|p| p == [255, 255, 255]));
}

/// Peak resident memory of a command (`/usr/bin/time -v`), in MB.
fn peak_rss_mb(args: &[&str], cwd: &Path) -> (bool, u64, String) {
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_tsushin"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run /usr/bin/time (Debian package `time`)");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let kb: u64 = err
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in\n{err}"));
    (out.status.success(), kb / 1024, err)
}

#[test]
fn big_images_on_every_page_stay_under_500_mb() {
    // Four issues, each with a 7000×7000 (49 MP) PNG: accepted, typeset in parallel.
    let side = 7000u32;
    let rgb: Vec<u8> = (0..side as usize * side as usize)
        .flat_map(|i| {
            let (x, y) = (i % side as usize, i / side as usize);
            [(x / 16) as u8, (y / 16) as u8, 128]
        })
        .collect();
    let big = png(side, side, png::ColorType::Rgb, &rgb);
    drop(rgb);
    let mut files = Vec::new();
    for n in 1..=4u32 {
        files.push((
            format!("content/newsletters/2021-0{n}-vol0{n}.md"),
            newsletter(
                n,
                &format!("2021-0{n}-28"),
                &format!("第{n}号"),
                "![大きな図](big.png)",
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let f = Fixture::new(&refs);
    f.write_bytes("content/newsletters/big.png", &big);
    let root = f.root();
    let out = f.out();
    let (ok, mb, err) = peak_rss_mb(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--today",
            "2021-10-01",
        ],
        f.dir.path(),
    );
    assert!(ok, "{err}");
    eprintln!("4 × 49 MP PNG: peak {mb} MB");
    assert!(mb < 500, "peak memory {mb} MB");
    assert_eq!(common::own_pdf_files(&out.join("newsletters")).len(), 4);
}
