//! Writes a fixture site for `bench/images.sh`: ISSUES newsletter issues, each showing the
//! largest image of one kind that the PDF accepts (or a 12 MP phone photo).
//!
//!     cargo run --release --example bench_images -- OUT_DIR KIND ISSUES
//!
//! KIND: `png` (7071×7071, 50 MP), `jpeg` (8660×5773 baseline, 50 MP), `progressive`
//! (6400×4800 progressive JPEG, 30.7 MP: near the largest within the decoding budget), `gif`
//! (6400×6400, 41 MP), `photo` (4000×3000 phone photo, JPEG quality 92). Each issue has its own copy
//! of the file, so nothing is shared between pages.

use std::path::Path;

fn pixels(w: u32, h: u32) -> Vec<u8> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h {
        for x in 0..w {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed >> 59) as i32 - 16;
            let t = ((x as f32 * 0.013).sin() * (y as f32 * 0.011).cos() * 60.0) as i32;
            let px = [90 + t + n, 140 - t / 2 + n, 200 - (y * 100 / h) as i32 + n];
            rgb.extend(px.map(|v| v.clamp(0, 255) as u8));
        }
    }
    rgb
}

fn jpeg(w: u32, h: u32, quality: u8, progressive: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_progressive(progressive);
    enc.encode(
        &pixels(w, h),
        w as u16,
        h as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .expect("encode JPEG");
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut writer = enc.write_header().expect("PNG header");
    writer.write_image_data(&pixels(w, h)).expect("PNG data");
    writer.finish().expect("PNG end");
    out
}

fn gif(w: u32, h: u32) -> Vec<u8> {
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, i / 2, 255 - i]).collect();
    let indices: Vec<u8> = pixels(w, h).chunks(3).map(|p| p[0]).collect();
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, w as u16, h as u16, &palette).expect("GIF");
        let frame = gif::Frame {
            width: w as u16,
            height: h as u16,
            buffer: std::borrow::Cow::Owned(indices),
            ..gif::Frame::default()
        };
        enc.write_frame(&frame).expect("GIF frame");
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, out, kind, issues] = &args[..] else {
        eprintln!("usage: bench_images OUT_DIR png|jpeg|progressive|gif|photo ISSUES");
        std::process::exit(2);
    };
    let issues: u32 = issues.parse().expect("ISSUES is a number");
    let (name, bytes) = match kind.as_str() {
        "png" => ("big.png", png(7071, 7071)),
        "jpeg" => ("big.jpg", jpeg(8660, 5773, 85, false)),
        "progressive" => ("big.jpg", jpeg(6400, 4800, 85, true)),
        "gif" => ("big.gif", gif(6400, 6400)),
        "photo" => ("photo.jpg", jpeg(4000, 3000, 92, false)),
        other => panic!("unknown kind {other}"),
    };
    let root = Path::new(out);
    let dir = root.join("content/newsletters");
    std::fs::create_dir_all(&dir).expect("create content/newsletters");
    std::fs::write(
        root.join("site.yaml"),
        "title: 画像ベンチ\nnewsletter:\n  name: 連絡会通信\n  recipients: [受託法人]\n",
    )
    .expect("write site.yaml");
    for n in 1..=issues {
        let folder = dir.join(format!("img{n:03}"));
        std::fs::create_dir_all(&folder).expect("create image folder");
        std::fs::write(folder.join(name), &bytes).expect("write image");
        let year = 2000 + n;
        std::fs::write(
            dir.join(format!("{year}-06-vol{n:02}.md")),
            format!(
                "---\ntitle: 連絡会通信 第{n}号\ndate: {year}-06-30\nnumber: {n}\n---\n\n研修会の様子です。\n\n![研修会の様子](img{n:03}/{name})\n\nご参加ありがとうございました。\n"
            ),
        )
        .expect("write issue");
    }
    println!("{} issues with {name} ({} bytes each)", issues, bytes.len());
}
