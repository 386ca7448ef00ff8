//! Names a Windows file share can hold: slugs and source file names that would give a device
//! name (`CON`, `nul.txt`), a forbidden character or a trailing dot are located errors with a
//! suggestion; PDF names, which tsushin derives from titles, are made safe and never replace
//! another file; two outputs that differ only in case are an error naming both sources.
//! Every test drives the real binary on a site in a temporary folder.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use scraper::Html;

/// `tsushin check --format json`: (exit code, diagnostics).
fn check_code(f: &Fixture) -> (Option<i32>, Vec<serde_json::Value>) {
    let (out, diags) = check_json(f, &[]);
    (out.status.code(), diags)
}

/// The errors at `file:line:column`.
fn errors_at<'a>(
    diags: &'a [serde_json::Value],
    at: (&str, u64, u64),
) -> Vec<&'a serde_json::Value> {
    diags
        .iter()
        .filter(|d| {
            d["severity"] == "error"
                && d["file"] == at.0
                && d["line"] == at.1
                && d["column"] == at.2
        })
        .collect()
}

fn message(d: &serde_json::Value) -> String {
    format!(
        "{} / {}",
        d["message"].as_str().unwrap_or(""),
        d["help"].as_str().unwrap_or("")
    )
}

#[test]
fn device_names_and_trailing_dots_in_slugs_are_located_errors() {
    let f = Fixture::new(&[
        ("content/a.md", "---\ntitle: 案内\nslug: con\n---\n\n本文\n"),
        (
            "content/b.md",
            "---\ntitle: 案内\nslug: NUL.txt\n---\n\n本文\n",
        ),
        (
            "content/c.md",
            "---\ntitle: 案内\nslug: houkoku.\n---\n\n本文\n",
        ),
        (
            "content/d.md",
            "---\ntitle: 案内\nslug: com1\n---\n\n本文\n",
        ),
    ]);
    let (code, diags) = check_code(&f);
    assert_eq!(code, Some(1), "{diags:#?}");
    for (file, part, fix) in [
        ("content/a.md", "device name", "slug: con-1"),
        ("content/b.md", "device name", "slug: NUL-1.txt"),
        ("content/c.md", "ends with a dot", "slug: houkoku"),
        ("content/d.md", "device name", "slug: com1-1"),
    ] {
        let found = errors_at(&diags, (file, 3, 7));
        assert!(
            found
                .iter()
                .any(|d| message(d).contains(part) && message(d).contains(fix)),
            "{file}: no `{part}` error suggesting `{fix}` at the slug:\n{diags:#?}"
        );
    }
}

#[test]
fn unsafe_source_file_names_are_located_errors() {
    let f = Fixture::new(&[
        ("content/aux.md", &page("案内", "本文")),
        (
            "content/guide.md",
            &page(
                "手引き",
                "[様式](files/com1.pdf)\n\n![図](a|b.png)\n\n[資料](資料./一覧.pdf)",
            ),
        ),
        ("content/files/com1.pdf", "%PDF-1.4"),
        ("content/a|b.png", "png"),
        ("content/資料./一覧.pdf", "%PDF-1.4"),
    ]);
    let (code, diags) = check_code(&f);
    assert_eq!(code, Some(1), "{diags:#?}");
    for (file, part) in [
        ("content/aux.md", "aux.html"),
        ("content/files/com1.pdf", "device name"),
        ("content/a|b.png", "`|`"),
        ("content/資料./一覧.pdf", "ends with a dot"),
    ] {
        let found = errors_at(&diags, (file, 1, 1));
        assert!(
            found
                .iter()
                .any(|d| message(d).contains(part) && message(d).contains("rename")),
            "{file}: no error `{part}`:\n{diags:#?}"
        );
    }
    // The build stops on them and writes nothing.
    let run = f.run(TODAY, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(!f.out().exists());
}

#[test]
fn outputs_differing_only_in_case_are_an_error_naming_both() {
    let f = Fixture::new(&[
        ("content/Index.md", &page("ようこそ", "本文")),
        (
            "content/guide.md",
            &page("手引き", "![地図](map.png)\n\n![地図](Map.png)"),
        ),
        ("content/Events/report.md", &page("報告", "本文")),
    ]);
    f.write("content/map.png", "png1");
    f.write("content/Map.png", "png2");
    let (code, diags) = check_code(&f);
    assert_eq!(code, Some(1), "{diags:#?}");

    let index = errors_at(&diags, ("content/Index.md", 1, 1));
    assert!(
        index.iter().any(|d| {
            let m = message(d);
            m.contains("`Index.html`") && m.contains("`index.html`") && m.contains("only in case")
        }),
        "{diags:#?}"
    );
    let map = diags
        .iter()
        .find(|d| message(d).contains("only in case") && message(d).contains("map.png"))
        .unwrap_or_else(|| panic!("{diags:#?}"));
    let m = message(map);
    assert!(
        m.contains("content/map.png") && m.contains("content/Map.png"),
        "{m}"
    );
    assert!(map["related"]["file"].is_string(), "{map}");
    let folder = errors_at(&diags, ("content/Events/report.md", 1, 1));
    assert!(
        folder
            .iter()
            .any(|d| message(d).contains("`Events`") && message(d).contains("`events`")),
        "{diags:#?}"
    );
}

/// Href of each event page's PDF link, by source file.
fn pdf_links(f: &Fixture, pages: &[&str]) -> Vec<String> {
    pages
        .iter()
        .map(|p| {
            let html = Html::parse_document(&f.read(&format!("events/{p}.html")));
            let hrefs = attrs(&html, "p.pdf-link a", "href");
            assert_eq!(hrefs.len(), 1, "{p}: {hrefs:?}");
            let href = percent_encoding::percent_decode_str(&hrefs[0])
                .decode_utf8()
                .unwrap()
                .into_owned();
            format!("events/{href}")
        })
        .collect()
}

fn training(title: &str, marker: &str) -> String {
    event(
        title,
        "scheduled",
        "2021-11-05T14:00",
        "2021-11-05T16:00",
        &format!("{marker}を行います。"),
    )
}

#[test]
fn every_training_gets_its_own_pdf_and_links_it() {
    // b and c share a title; c's fallback name (title + slug) is a's own name.
    let f = Fixture::new(&[
        ("content/events/a.md", &training("研修会_c", "第一の研修")),
        ("content/events/b.md", &training("研修会", "第二の研修")),
        ("content/events/c.md", &training("研修会", "第三の研修")),
        (
            "content/events/d.md",
            &training("説明会", "第四の研修\n\n[当日のチラシ](説明会.pdf)"),
        ),
    ]);
    // A file the author put there already has the name the title gives.
    f.write("content/events/説明会.pdf", "%PDF-1.4 author's own flyer");
    let run = f.run(TODAY, &[]);
    assert!(run.status.success(), "{}", stderr(&run));

    let pages = ["a", "b", "c", "d"];
    let links = pdf_links(&f, &pages);
    let distinct: BTreeSet<String> = links.iter().map(|l| l.to_lowercase()).collect();
    assert_eq!(distinct.len(), pages.len(), "PDFs shared: {links:?}");
    for (link, marker) in links
        .iter()
        .zip(["第一の研修", "第二の研修", "第三の研修", "第四の研修"])
    {
        let text = pdftotext(&f.out().join(link));
        assert!(
            text.contains(marker),
            "{link} is not the PDF of the page that links it:\n{text}"
        );
    }
    assert_eq!(f.read("events/説明会.pdf"), "%PDF-1.4 author's own flyer");
}

#[test]
fn pdf_names_from_titles_are_safe_for_windows() {
    let f = Fixture::new(&[
        (
            "content/events/2021-11-dots.md",
            &training("\"...\"", "点の研修"),
        ),
        (
            "content/events/2021-11-con.md",
            &training("CON", "装置名の研修"),
        ),
        (
            "content/events/2021-11-nul.md",
            &training("nul.研修会 ", "拡張子の研修"),
        ),
    ]);
    let run = f.run(TODAY, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let links = pdf_links(&f, &["2021-11-dots", "2021-11-con", "2021-11-nul"]);
    for link in &links {
        let name = Path::new(link).file_name().unwrap().to_str().unwrap();
        let stem = name.split('.').next().unwrap();
        assert!(!stem.is_empty(), "{link}: no name before .pdf");
        assert!(
            !["con", "nul"].contains(&stem.trim().to_lowercase().as_str()),
            "{link}: a Windows device name"
        );
        assert!(f.out().join(link).is_file(), "{link} missing");
    }
}
