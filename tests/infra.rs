//! The generic machinery under real files: the peak memory of a build whose page carries a
//! 12 MP phone photo (measured by the kernel for the real binary), and the preview server's
//! HTTP answers over real TCP (HEAD, methods, content types, the event stream's first event).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::*;

/// A 4000×3000 phone photo: gradients and sensor noise, JPEG quality 92 (about 5 MB).
fn photo_12mp() -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
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
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 92)
        .encode(&rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encode the photo");
    out
}

/// `issues` newsletter issues, each with its own copy of `photo` when given.
fn photo_site(issues: u32, photo: Option<&[u8]>) -> Fixture {
    let f = Fixture::new(&[]);
    for n in 1..=issues {
        let body = if photo.is_some() {
            format!(
                "研修会の様子です。\n\n![研修会の様子](img{n}/photo.jpg)\n\nご参加ありがとうございました。\n"
            )
        } else {
            "研修会の様子です。\n\nご参加ありがとうございました。\n".to_owned()
        };
        f.write(
            &format!("content/newsletters/2021-0{n}-vol0{n}.md"),
            &newsletter(n, &format!("2021-0{n}-28"), &format!("第{n}号"), &body),
        );
        if let Some(bytes) = photo {
            f.write_bytes(&format!("content/newsletters/img{n}/photo.jpg"), bytes);
        }
    }
    f
}

/// Builds `f` with `threads` typesetting threads; the peak resident memory of the process in
/// MB, as the kernel counted it (`wait4`'s `ru_maxrss`).
// The child is reaped by `wait4` below (to read its rusage), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn build_peak_mb(f: &Fixture, threads: usize) -> f64 {
    let child = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .args(["build", "--quiet", "--today", TODAY, "--root"])
        .arg(f.root())
        .arg("--output")
        .arg(f.out())
        .env("RAYON_NUM_THREADS", threads.to_string())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tsushin build");
    let pid = child.id() as libc::pid_t;
    let mut err = String::new();
    child
        .stderr
        .expect("stderr")
        .read_to_string(&mut err)
        .unwrap();
    let mut status = 0;
    // SAFETY: `rusage` is plain data the kernel fills; the child is ours and not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "build failed:\n{err}"
    );
    usage.ru_maxrss as f64 / 1024.0
}

#[test]
fn a_12_mp_photo_costs_less_than_its_pixels_as_rgb_to_print() {
    let photo = photo_12mp();
    let pixels = 4000.0 * 3000.0;
    let with = photo_site(1, Some(&photo));
    let without = photo_site(1, None);
    // One thread: one image in memory at a time, so the difference is what one photo costs.
    let base = build_peak_mb(&without, 1);
    let peak = build_peak_mb(&with, 1);
    let cost = peak - base;
    // Printed a column wide (about 1340 px of 4000), the photo is decoded at half size by the
    // JPEG decoder's own scaling: the file, the half-size RGB (3 bytes a pixel of a quarter of
    // the pixels), a band of RGBA rows and the printed result. That stays well below the whole
    // photo as RGB, which the old decoder held before shrinking it (file + 3.7 B/px measured).
    let bound = (photo.len() as f64 + 3.0 * pixels) / 1048576.0;
    eprintln!(
        "12 MP photo: peak {peak:.1} MB, without it {base:.1} MB, cost {cost:.1} MB, bound {bound:.1} MB"
    );
    assert!(
        cost < bound,
        "printing a 12 MP photo cost {cost:.1} MB of memory; at most {bound:.1} MB expected"
    );
    let pdfs = own_pdf_files(&with.out().join("newsletters"));
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    let pdf = std::fs::read(&pdfs[0]).unwrap();
    assert!(pdf.len() > 50_000, "the photo is in the PDF");
}

/// A running `tsushin serve --port 0`; stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = serve::command(root)
            .args(["--today", TODAY])
            .stderr(Stdio::null())
            .spawn()
            .expect("start tsushin serve");
        let addr = serve::address(&mut child);
        Server { child, addr }
    }

    /// The raw answer to `request` (sent as it is), read until the server closes.
    fn raw(&self, request: &str) -> Vec<u8> {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut all = Vec::new();
        let _ = s.read_to_end(&mut all);
        all
    }

    fn get(&self, method: &str, path: &str) -> (String, Vec<u8>) {
        let all = self.raw(&format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        ));
        let end = all
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response head");
        (
            String::from_utf8_lossy(&all[..end]).to_ascii_lowercase(),
            all[end + 4..].to_vec(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .map(str::trim)
}

#[test]
fn the_preview_answers_get_head_and_nothing_else() {
    let f = Fixture::new(&[(
        "content/newsletters/2021-06-vol01.md",
        &newsletter(1, "2021-06-30", "第１号", "最初の本文です。"),
    )]);
    let server = Server::start(&f.root());
    let (head, body) = server.get("GET", "/");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert_eq!(
        header(&head, "content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(header(&head, "cache-control"), Some("no-store"));
    assert_eq!(header(&head, "x-content-type-options"), Some("nosniff"));
    assert_eq!(
        header(&head, "content-length").and_then(|l| l.parse().ok()),
        Some(body.len())
    );
    // HEAD: the same head, no body.
    let (head_only, nothing) = server.get("HEAD", "/");
    assert!(head_only.starts_with("http/1.1 200"), "{head_only}");
    assert_eq!(
        header(&head_only, "content-length").and_then(|l| l.parse().ok()),
        Some(body.len())
    );
    assert!(nothing.is_empty(), "{} bytes after HEAD", nothing.len());
    // Other methods are refused, and say what is allowed.
    let (post, _) = server.get("POST", "/");
    assert!(post.starts_with("http/1.1 405"), "{post}");
    assert_eq!(header(&post, "allow"), Some("get, head"));
    // The settings of the mailing list never leave the computer; nor files outside the output.
    for path in ["/recipients.yaml", "/../site.yaml", "/%2e%2e/site.yaml"] {
        let (h, _) = server.get("GET", path);
        assert!(
            h.starts_with("http/1.1 404") || h.starts_with("http/1.1 400"),
            "{path}: {h}"
        );
    }
    // A folder without its slash is redirected to it.
    let (moved, _) = server.get("GET", "/newsletters");
    assert!(moved.starts_with("http/1.1 301"), "{moved}");
    assert_eq!(header(&moved, "location"), Some("/newsletters/"));
    // The event stream starts with the build generation.
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(
        s,
        "GET /__tsushin/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut seen = Vec::new();
    let mut chunk = [0u8; 1024];
    while !String::from_utf8_lossy(&seen).contains("data: {\"generation\":1}") {
        let n = s.read(&mut chunk).expect("read the event stream");
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&seen).to_ascii_lowercase();
    assert_eq!(header(&text, "content-type"), Some("text/event-stream"));
    assert!(text.contains("event: hello"), "{text}");
}

/// A client that starts a request and never finishes its headers is dropped after the header
/// timeout (15 s), so it cannot hold one of the preview's connection places for ever.
#[test]
fn a_client_that_never_finishes_its_headers_is_dropped() {
    let f = Fixture::new(&[(
        "content/newsletters/2021-06-vol01.md",
        &newsletter(1, "2021-06-30", "第１号", "最初の本文です。"),
    )]);
    let server = Server::start(&f.root());
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    let started = std::time::Instant::now();
    s.write_all(format!("GET / HTTP/1.1\r\nHost: {}\r\n", server.addr).as_bytes())
        .unwrap();
    let mut all = Vec::new();
    let closed = s.read_to_end(&mut all).is_ok();
    let waited = started.elapsed();
    assert!(
        closed,
        "the connection was still open after {waited:?} (read timed out)"
    );
    assert!(
        waited >= Duration::from_secs(10) && waited < Duration::from_secs(35),
        "closed after {waited:?}, expected about 15 s"
    );
    // The server still answers others.
    let (head, _) = server.get("GET", "/");
    assert!(head.starts_with("http/1.1 200"), "{head}");
}
