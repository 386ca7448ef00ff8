//! One build plan for every command: `build`, `check`, the preview's incremental rebuild,
//! `tsushin pdf` and the preview's PDF route run the same jobs, so they make the same files and
//! report the same problems. (`incremental.rs` compares the preview with a full build after
//! many kinds of edit; this file covers what the plan newly shares.)

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use common::live::{changes, lines, live, today};
use common::*;
use tsushin::diag::Diagnostics;
use tsushin::site::incremental::{Live, check};

fn edit(live: &mut Live, paths: &[&str]) -> Vec<String> {
    live.update(&changes(paths)).rendered
}

const VOL1: &str = "content/newsletters/2021-06-vol01.md";
const EVENT: &str = "content/events/2021-08-tabunya.md";

fn site() -> Fixture {
    Fixture::new(&[
        (
            VOL1,
            "---\ntitle: コーディネーター連絡会通信 第１号\ndate: 2021-06-30\nnumber: 1\ntags: [連絡会]\nsummary: 新任コーディネーター連絡会の報告\n---\n\n## はじめに\n\n本文です。研修は[こちら](../events/2021-08-tabunya.md#申込)。\n",
        ),
        (
            "content/newsletters/2021-09-vol02.md",
            "---\ntitle: 第２号\ndate: 2021-09-30\nnumber: 2\ntags: [連絡会, 研修]\n---\n\n[第１号](2021-06-vol01.md#はじめに)\n",
        ),
        (
            EVENT,
            &event(
                "多職種研修会",
                "scheduled",
                "2021-10-23T14:15",
                "2021-10-23T16:15",
                "## 申込\n\n案内。",
            ),
        ),
        ("content/about.md", &page("このサイトについて", "説明。")),
    ])
}

/// An image without alternative text fails the PDF (a screen reader needs it described).
/// The preview runs the PDF jobs' checks after an edit as `check` and `build` do, so it
/// shows the same error; before, it showed only missing characters and stayed silent.
#[test]
fn the_preview_reports_the_pdf_problems_build_reports() {
    let f = site();
    f.write_bytes("content/newsletters/images/photo.png", &tiny_png(80));
    let mut live = live(&f);
    assert!(lines(live.diagnostics()).is_empty());
    let text = std::fs::read_to_string(f.root().join(VOL1)).unwrap();
    f.write(
        VOL1,
        &text.replace("本文です。", "本文です。\n\n![](images/photo.png)\n"),
    );
    edit(&mut live, &["newsletters/2021-06-vol01.md"]);
    let checked = lines(check(&f.root(), false, today(), true).diagnostics);
    let built = lines(f.build().diagnostics);
    assert!(
        checked
            .iter()
            .any(|l| l.starts_with("content/newsletters/2021-06-vol01.md:")
                && l.contains(": error: ")),
        "{checked:?}"
    );
    assert_eq!(checked, built, "check and build disagree");
    assert_eq!(lines(live.diagnostics()), checked, "the preview disagrees");

    // Described: the error goes away everywhere.
    f.write(
        VOL1,
        &text.replace(
            "本文です。",
            "本文です。\n\n![会場の写真](images/photo.png)\n",
        ),
    );
    edit(&mut live, &["newsletters/2021-06-vol01.md"]);
    assert!(
        lines(live.diagnostics()).is_empty(),
        "{:?}",
        lines(live.diagnostics())
    );
    assert!(!f.build().diagnostics.has_errors());
}

/// `check` (the binary, JSON) reports exactly the problems `build` reports: warnings of the
/// HTML jobs (an anchor that is gone) and errors of the PDF jobs (an undescribed image).
#[test]
fn check_reports_what_build_reports() {
    let f = site();
    f.write_bytes("content/images/photo.png", &tiny_png(10));
    f.write(
        "content/about.md",
        &page(
            "このサイトについて",
            "[第１号](newsletters/2021-06-vol01.md#ない見出し)\n\n",
        ),
    );
    let text = std::fs::read_to_string(f.root().join(EVENT)).unwrap();
    f.write(
        EVENT,
        &text.replace("案内。", "案内。\n\n![](../images/photo.png)"),
    );
    let root = f.root();
    let run = run_bin(
        &[
            "check",
            "--root",
            root.to_str().unwrap(),
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        f.dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let checked: BTreeSet<(String, u64, u64, String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let report = f.build();
    let built: BTreeSet<(String, u64, u64, String, String)> = report
        .diagnostics
        .into_sorted()
        .iter()
        .map(|d| {
            (
                d.location.file.to_string_lossy().replace('\\', "/"),
                d.location.line as u64,
                d.location.column as u64,
                if d.is_error() { "error" } else { "warning" }.to_owned(),
                d.message.clone(),
            )
        })
        .collect();
    assert!(
        checked
            .iter()
            .any(|d| d.0 == "content/about.md" && d.3 == "warning"),
        "{checked:?}"
    );
    assert!(
        checked
            .iter()
            .any(|d| d.0 == "content/events/2021-08-tabunya.md" && d.3 == "error"),
        "{checked:?}"
    );
    assert_eq!(checked, built);
}

/// `tsushin pdf` and the preview's PDF route give the PDF `build` writes, byte for byte, for
/// an issue and a training announcement.
#[test]
fn one_pdf_is_the_pdf_build_writes() {
    let f = site();
    f.build_ok();
    let built: BTreeMap<String, Vec<u8>> = snapshot(&f.out())
        .into_iter()
        .filter(|(k, _)| k.ends_with(".pdf") && !k.contains("合本"))
        .collect();
    assert_eq!(built.len(), 3, "{:?}", built.keys());
    let mut live = live(&f);
    for (source, name) in [(VOL1, "第1号"), (EVENT, "events/")] {
        let (path, bytes) = built.iter().find(|(k, _)| k.contains(name)).unwrap();
        let out = f.dir.path().join("single.pdf");
        let run = Command::new(env!("CARGO_BIN_EXE_tsushin"))
            .arg("pdf")
            .arg(f.root().join(source))
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", stderr(&run));
        assert_eq!(pdftotext(&out), pdftotext(&f.out().join(path)), "{path}");
        assert!(
            std::fs::read(&out).unwrap() == *bytes,
            "{path}: tsushin pdf differs"
        );
        let served = live.render_pdf(path).unwrap().unwrap();
        assert!(served == *bytes, "{path}: the preview's PDF differs");
    }
}

/// An edit to what listings show (an issue's title and tags) re-runs the listing, tag, feed
/// and search jobs, and their files equal a full build's.
#[test]
fn a_listing_edit_reruns_the_listing_jobs() {
    let f = site();
    let mut live = live(&f);
    let text = std::fs::read_to_string(f.root().join(VOL1)).unwrap();
    f.write(
        VOL1,
        &text
            .replace("通信 第１号", "通信 創刊号")
            .replace("tags: [連絡会]", "tags: [連絡会, 研修]"),
    );
    let rendered = edit(&mut live, &["newsletters/2021-06-vol01.md"]);
    let mut d = Diagnostics::new();
    let site = tsushin::site::load(&f.root(), false, &mut d).unwrap();
    let full = tsushin::site::render_all(&site, today(), &mut d).unwrap();
    let files = live.files();
    for (path, bytes) in &full {
        assert!(
            files[path][..] == bytes[..],
            "{path} differs from a full build"
        );
    }
    assert_eq!(files.len(), full.len());
    let tag_pages: Vec<&String> = site.tag_files.values().collect();
    assert_eq!(tag_pages.len(), 2);
    assert!(rendered.iter().any(|r| r == "index.html"), "{rendered:?}");
    for want in ["newsletters/index.html", "feed.xml"]
        .into_iter()
        .chain(tag_pages.iter().map(|s| s.as_str()))
    {
        assert!(
            rendered.iter().any(|r| r == want),
            "{want} not redone: {rendered:?}"
        );
        assert!(
            String::from_utf8_lossy(&files[want]).contains("創刊号"),
            "{want} shows the old title"
        );
    }
    assert!(
        rendered.iter().any(|r| r.starts_with("search/")),
        "the search index was not redone: {rendered:?}"
    );
    // The training's own page did not change and was not rendered again.
    assert!(
        !rendered.iter().any(|r| r == "events/2021-08-tabunya.html"),
        "{rendered:?}"
    );
}
