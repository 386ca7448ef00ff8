//! `tsushin pdf FILE.md` typesets one page, even when another page of the site is broken.

mod common;

use std::process::Command;

use common::Fixture;

const ISSUE: &str = "---\ntitle: コーディネーター連絡会通信 第１号\ndate: 2021-06-30\nnumber: 1\n---\n## はじめに\n\n通信を発行します。\n";

#[test]
fn one_page_becomes_one_pdf() {
    let f = Fixture::new(&[
        ("content/newsletters/2021-06-vol01.md", ISSUE),
        ("content/broken.md", "no front matter\n"),
    ]);
    let out = f.dir.path().join("issue.pdf");
    let run = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .arg("pdf")
        .arg(f.root().join("content/newsletters/2021-06-vol01.md"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
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
    let run = Command::new(env!("CARGO_BIN_EXE_tsushin"))
        .arg("pdf")
        .arg(f.root().join("content/newsletters/2021-06-vol01.md"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
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
