//! `tsushin pdf FILE.md` typesets one page, even when another page of the site is broken.

mod common;

use std::process::Command;

use common::Fixture;

/// Runs `tsushin pdf` on the fixture's first issue, writing `out`.
fn pdf_of_first_issue(f: &Fixture, out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .arg("pdf")
        .arg(f.root().join("content/newsletters/2021-06-vol01.md"))
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

const ISSUE: &str = "---\ntitle: コーディネーター連絡会通信 第１号\ndate: 2021-06-30\nnumber: 1\n---\n## はじめに\n\n通信を発行します。\n";

#[test]
fn one_page_becomes_one_pdf() {
    let f = Fixture::new(&[
        ("content/newsletters/2021-06-vol01.md", ISSUE),
        ("content/broken.md", "no front matter\n"),
    ]);
    let out = f.dir.path().join("issue.pdf");
    let run = pdf_of_first_issue(&f, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    assert!(!f.dir.path().join("issue.pdf.part").exists());
}

#[test]
fn a_file_outside_content_is_refused() {
    let f = Fixture::new(&[
        ("content/newsletters/2021-06-vol01.md", ISSUE),
        ("notes.md", ISSUE),
    ]);
    let run = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .arg("pdf")
        .arg(f.root().join("notes.md"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("not inside the site's content/ folder"),
        "{err}"
    );
}

#[test]
fn theme_header_template_sees_the_page() {
    let long: String = "本文の段落です。".repeat(400);
    let f = Fixture::new(&[
        (
            "content/newsletters/2021-06-vol01.md",
            &format!("---\ntitle: 通信 第１号\ndate: 2021-06-30\nnumber: 1\n---\n{long}\n"),
        ),
        (
            "themes/default/pdf.yaml",
            "header:\n  newsletter: \"{{ page.title }}／{{ page.number | issue_number }}／{{ page_number }}頁\"\n",
        ),
    ]);
    let out = f.dir.path().join("issue.pdf");
    let run = pdf_of_first_issue(&f, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = Command::new("pdftotext")
        .arg(&out)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    // The header is left off page 1 (the masthead says it all), so page 2 shows it.
    assert!(text.contains("通信 第１号／第１号／2頁"), "{text}");
}

/// A theme may name other fonts: first the site's `fonts/<name>.ttf`, then the system's fonts
/// (`.ci/run` installs fonts-morisawa-bizud-gothic, which has BIZ UDGothic).
#[test]
fn theme_fonts_come_from_the_site_folder_or_the_system() {
    let sys = "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf";
    assert!(
        std::path::Path::new(sys).is_file(),
        "{sys} is missing: apt-get install fonts-morisawa-bizud-gothic (bash .ci/run does)"
    );
    let f = Fixture::new(&[
        ("content/newsletters/2021-06-vol01.md", ISSUE),
        (
            "themes/default/pdf.yaml",
            "fonts:\n  regular: [Site Gothic]\n  bold: [BIZ UDGothic Bold]\n",
        ),
    ]);
    f.write_bytes("fonts/Site Gothic.ttf", &std::fs::read(sys).unwrap());
    let out = f.dir.path().join("issue.pdf");
    let run = pdf_of_first_issue(&f, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let fonts = Command::new("pdffonts").arg(&out).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("+BIZUDGothic-Regular"), "{fonts}");
    assert!(fonts.contains("+BIZUDGothic-Bold"), "{fonts}");
    assert!(!fonts.contains("BIZUDPGothic-Regular"), "{fonts}");
}

#[test]
fn an_unknown_theme_font_is_an_error() {
    let f = Fixture::new(&[
        ("content/newsletters/2021-06-vol01.md", ISSUE),
        (
            "themes/default/pdf.yaml",
            "fonts:\n  regular: [No Such Font 123]\n",
        ),
    ]);
    let run = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .args(["build", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("font `No Such Font 123` not found"), "{err}");
    assert!(!f.root().join("output").exists());
}
