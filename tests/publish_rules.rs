//! One rule for what tsushin reads and publishes, the same in `check`, `build`, `tsushin pdf`
//! and the preview server: nothing outside `content/` (also through `//host`, `/abs`, `../..`
//! or symbolic links), nothing that only a draft uses, no OS or editor junk. Each test drives
//! the real binary on a site in a temporary folder.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::*;

const ISSUE: &str = "content/newsletters/2021-06-vol01.md";
const ISSUE_PDF: &str = "newsletters/コーディネーター連絡会通信_第1号.pdf";

/// A 4×4 red PNG: a real image, so that a PDF that reads it embeds it.
fn red_png() -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, 4, 4);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&[200, 0, 0].repeat(16)).unwrap();
    w.finish().unwrap();
    out
}

/// An issue whose body (from line 7 on) is `body`.
fn issue_with(body: &str) -> Fixture {
    Fixture::new(&[(ISSUE, &newsletter(1, "2021-06-30", "第１号", body))])
}

/// `tsushin check --format json`: (exit code, diagnostics).
fn check_code(f: &Fixture, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let (out, diags) = check_json(f, extra);
    (out.status.code(), diags)
}

/// The error at `file:line:column` whose message contains `part`.
fn error_at<'a>(
    diags: &'a [serde_json::Value],
    at: (&str, u64, u64),
    part: &str,
) -> Option<&'a serde_json::Value> {
    diags.iter().find(|d| {
        d["severity"] == "error"
            && d["file"] == at.0
            && d["line"] == at.1
            && d["column"] == at.2
            && d["message"].as_str().is_some_and(|m| m.contains(part))
    })
}

/// `tsushin pdf FILE -o OUT`.
fn tsushin_pdf(f: &Fixture, file: &str, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .arg("pdf")
        .arg(f.root().join(file))
        .arg("-o")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn protocol_relative_image_fails_check_at_its_position() {
    // On Linux `//tmp/x/secret.png` is the local file /tmp/x/secret.png; on Windows a share.
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("secret.png");
    std::fs::write(&secret, red_png()).unwrap();
    let url = format!("/{}", secret.display());
    let f = issue_with(&format!("写真：\n\n![秘密の写真]({url})\n"));

    let (code, diags) = check_code(&f, &[]);
    assert_eq!(code, Some(1), "{diags:#?}");
    let d = error_at(&diags, (ISSUE, 9, 1), "starts with `//`")
        .unwrap_or_else(|| panic!("no error at the image: {diags:#?}"));
    assert!(d["help"].as_str().unwrap().contains("https://"), "{d}");

    // `tsushin pdf` refuses it too, at the same place, and writes nothing.
    let pdf = f.dir.path().join("issue.pdf");
    let run = tsushin_pdf(&f, ISSUE, &pdf);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{ISSUE}:9:1")), "{err}");
    assert!(!pdf.exists(), "a PDF was written");
}

#[test]
fn tsushin_pdf_refuses_images_outside_content() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.png");
    std::fs::write(&secret, red_png()).unwrap();
    let f = issue_with(&format!(
        "絶対パス：\n\n![一]({})\n\n上の階層：\n\n![二](../../../secret.png)\n\nリンク：\n\n![三](images/link.png)\n",
        secret.display()
    ));
    // `../../../secret.png` from content/newsletters/ is the folder that holds the site.
    std::fs::write(f.dir.path().join("secret.png"), red_png()).unwrap();
    std::fs::create_dir_all(f.root().join("content/newsletters/images")).unwrap();
    std::os::unix::fs::symlink(
        &secret,
        f.root().join("content/newsletters/images/link.png"),
    )
    .unwrap();

    let pdf = f.dir.path().join("issue.pdf");
    let run = tsushin_pdf(&f, ISSUE, &pdf);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    for (line, part) in [
        (9, "starts with `/`"),
        (13, "outside the content folder"),
        (17, "symbolic link to a file outside content/"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("{ISSUE}:{line}:1")) && l.contains(part)),
            "no error `{part}` at line {line}:\n{err}"
        );
    }
    assert!(!pdf.exists(), "a PDF was written");

    // `check` and `build` say the same about the symbolic link.
    let (code, diags) = check_code(&f, &[]);
    assert_eq!(code, Some(1));
    assert!(
        error_at(&diags, (ISSUE, 17, 1), "symbolic link").is_some(),
        "{diags:#?}"
    );
    let build = f.run(TODAY, &[]);
    assert_eq!(build.status.code(), Some(1));
    assert!(stderr(&build).contains("symbolic link to a file outside content/"));
    assert!(!f.out().exists(), "a failed build wrote output");
}

#[test]
fn symlink_inside_content_is_published_like_a_file() {
    let f = issue_with("共通の図：\n\n![図](図.png)\n");
    f.write_bytes("content/images/共通の図.png", &red_png());
    std::os::unix::fs::symlink(
        "../images/共通の図.png",
        f.root().join("content/newsletters/図.png"),
    )
    .unwrap();
    let run = f.run(TODAY, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        std::fs::read(f.out().join("newsletters/図.png")).unwrap(),
        red_png()
    );
}

#[test]
fn files_only_a_draft_uses_are_not_published() {
    let f = Fixture::new(&[
        (
            "content/events/2021-11-kenshu.md",
            "---\ntitle: 研修会（準備中）\nstatus: scheduled\nformat: in-person\nvenue: 区民センター\ndraft: true\nsessions:\n  - start: 2021-11-05T14:00\n    end: 2021-11-05T16:00\n---\n\n[参加者名簿](名簿.csv)\n\n![会場](会場.png)\n",
        ),
        (
            "content/events/2021-08-setsumeikai.md",
            &event(
                "説明会",
                "held",
                "2021-08-05T14:00",
                "2021-08-05T16:00",
                "![会場](会場.png)",
            ),
        ),
        (
            "content/events/名簿.csv",
            "氏名,電話\n山田太郎,06-0000-0000\n",
        ),
        ("content/events/住所録.csv", "氏名,住所\n"),
    ]);
    f.write_bytes("content/events/会場.png", &red_png());

    let run = f.run(TODAY, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(f.exists("events/会場.png"), "a published page shows it");
    assert!(
        !f.exists("events/名簿.csv"),
        "only a draft links the roster"
    );
    assert!(!f.exists("events/住所録.csv"), "no page links it");

    // With --drafts the draft is published, and so is what it links.
    let run = f.run(TODAY, &["--drafts"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(f.exists("events/名簿.csv"));
    assert!(!f.exists("events/住所録.csv"));
}

#[test]
fn os_and_editor_junk_is_never_published() {
    let f = issue_with("[一覧](files/desktop.ini)\n\n[資料](files/資料.pdf)\n");
    for junk in [
        "Thumbs.db",
        "desktop.ini",
        ".DS_Store",
        "~$資料.docx",
        "資料.pdf~",
        "作業中.tmp",
    ] {
        f.write(&format!("content/newsletters/files/{junk}"), "junk");
    }
    f.write("content/newsletters/files/資料.pdf", "%PDF-1.4");

    let (code, diags) = check_code(&f, &[]);
    assert_eq!(code, Some(1));
    let d =
        error_at(&diags, (ISSUE, 7, 1), "never publishes").unwrap_or_else(|| panic!("{diags:#?}"));
    assert!(d["message"].as_str().unwrap().contains("desktop.ini"));

    f.write(
        ISSUE,
        &newsletter(1, "2021-06-30", "第１号", "[資料](files/資料.pdf)"),
    );
    let run = f.run(TODAY, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let files: Vec<String> = std::fs::read_dir(f.out().join("newsletters/files"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["資料.pdf"]);
}

/// A running `tsushin serve` on a free port (`addr`); stopped when dropped.
struct Server {
    _running: serve::Running,
    addr: String,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = serve::Running(
            serve::command(root)
                .args(["--today", TODAY])
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let addr = serve::address(&mut child.0);
        Server {
            _running: child,
            addr,
        }
    }

    /// (status, body) of `GET path`.
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all).unwrap();
        let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&all[..split]).into_owned();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, all[split + 4..].to_vec())
    }
}

/// Characters escaped in a request path.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'.')
    .remove(b'-')
    .remove(b'_');

fn encoded(path: &str) -> String {
    format!("/{}", percent_encoding::utf8_percent_encode(path, PATH))
}

#[test]
fn preview_follows_the_same_rules() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.png");
    std::fs::write(&secret, red_png()).unwrap();
    let f = issue_with("![会場](会場.png)\n");
    f.write_bytes("content/newsletters/会場.png", &red_png());
    f.write(
        "content/events/2021-11-kenshu.md",
        "---\ntitle: 研修会\nstatus: scheduled\nformat: in-person\nvenue: 区民センター\ndraft: true\nsessions:\n  - start: 2021-11-05T14:00\n    end: 2021-11-05T16:00\n---\n\n[参加者名簿](名簿.csv)\n",
    );
    f.write(
        "content/events/名簿.csv",
        "氏名,電話\n山田太郎,06-0000-0000\n",
    );
    let server = Server::start(&f.root());

    let (status, body) = server.get(&encoded(ISSUE_PDF));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(body.starts_with(b"%PDF-"));
    assert_eq!(server.get(&encoded("newsletters/会場.png")).0, 200);
    assert_eq!(
        server.get(&encoded("events/名簿.csv")).0,
        404,
        "the preview serves a file only a draft links"
    );
    drop(server);

    // The image becomes a link out of content/: the preview's PDF refuses it, located.
    std::fs::remove_file(f.root().join("content/newsletters/会場.png")).unwrap();
    std::os::unix::fs::symlink(&secret, f.root().join("content/newsletters/会場.png")).unwrap();
    let server = Server::start(&f.root());
    let (status, body) = server.get(&encoded(ISSUE_PDF));
    let text = String::from_utf8_lossy(&body);
    assert_eq!(
        status, 500,
        "the preview made a PDF with a file from outside the site"
    );
    assert!(text.contains(&format!("{ISSUE}:7:1")), "{text}");
    assert!(text.contains("symbolic link"), "{text}");
    assert_eq!(server.get(&encoded("newsletters/会場.png")).0, 404);
}

#[test]
fn a_linked_page_from_outside_the_site_is_left_out_with_a_warning() {
    let f = issue_with("本文です。");
    let outside = tempfile::tempdir().unwrap();
    let notes = outside.path().join("私的なメモ.md");
    std::fs::write(&notes, page("私的なメモ", "個人の連絡先")).unwrap();
    std::os::unix::fs::symlink(&notes, f.root().join("content/memo.md")).unwrap();

    let (code, diags) = check_code(&f, &[]);
    assert_eq!(code, Some(0), "{diags:#?}");
    assert!(
        diags.iter().any(|d| d["severity"] == "warning"
            && d["file"] == "content/memo.md"
            && d["message"].as_str().unwrap().contains("outside content/")),
        "{diags:#?}"
    );
    let run = f.run(TODAY, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!f.exists("memo.html"));
}
