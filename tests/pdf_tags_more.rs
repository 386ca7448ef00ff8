//! Tagged PDF (issue 10), the parts tests/pdf_tags_readers.rs does not reach: the bound
//! volume (合本: its cover, its contents as a `TOC`, each issue a `Part` with its own `H1`),
//! list labels (`LI` = `Lbl` + `LBody` for bullets, numbers and task boxes alike) and link
//! text inside its `Link` element, read without a space the author never wrote. Every PDF is
//! built by the real binary and read by poppler, PDFium and pdf.js (the scripts in
//! tests/pdf_tags/), which must agree, and checked with lopdf.
//!
//! Needs what tests/pdf_tags_readers.rs needs: python3 with pypdfium2 (target/ci-venv first
//! on PATH), node with pdfjs-dist (npm ci), poppler-utils.

mod common;
#[allow(dead_code)]
#[path = "pdf_tags/objects.rs"]
mod objects;
#[allow(dead_code)]
#[path = "pdf_tags/setup.rs"]
mod setup;
#[allow(dead_code)]
#[path = "pdf_tags/source.rs"]
mod source;
#[allow(dead_code)]
#[path = "pdf_tags/trees.rs"]
mod trees;

use std::path::{Path, PathBuf};

use common::*;
use setup::{agreement_problems, assert_none, example_out, short};
use trees::{El, Kid, Trees, squeeze, syntax_problems};

/// Problems of `lopdf`'s view: content outside marked content, MCIDs and annotations not
/// referenced exactly once through the parent tree.
fn object_problems(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut p = objects::page_marked_content(&doc).1;
    p.extend(objects::parent_tree_problems(&doc));
    p.into_iter()
        .map(|e| format!("{}: {e}", short(pdf)))
        .collect()
}

/// Every `Link` holds text and the OBJR of its annotation.
fn empty_links(name: &str, tree: &El) -> Vec<String> {
    tree.walk()
        .into_iter()
        .filter(|(_, e)| e.role == "Link")
        .filter(|(_, e)| e.text().is_empty() || !e.kids.iter().any(|k| matches!(k, Kid::Objr)))
        .map(|(_, e)| format!("{name}: a Link without text or OBJR:\n{}", e.outline()))
        .collect()
}

/// ISO 32000-1 table 333: a TOC holds TOCI, TOC (and Caption); a TOCI holds Lbl, Reference,
/// NonStruct, P and TOC (Matterhorn 09-006).
fn toc_problems(name: &str, tree: &El) -> Vec<String> {
    let allowed: &[(&str, &[&str])] = &[
        ("TOC", &["TOCI", "TOC", "Caption"]),
        ("TOCI", &["Lbl", "Reference", "NonStruct", "P", "TOC"]),
    ];
    let mut problems = Vec::new();
    for (_, e) in tree.walk() {
        if let Some((_, kids)) = allowed.iter().find(|(r, _)| *r == e.role) {
            for c in e.children() {
                if !kids.contains(&c.role.as_str()) {
                    problems.push(format!("{name}: {} holds {}", e.role, c.role));
                }
            }
            if e.kids.iter().any(|k| matches!(k, Kid::Text(_))) {
                problems.push(format!("{name}: {} holds text directly", e.role));
            }
        }
    }
    problems
}

fn first_heading(e: &El) -> Option<(String, String)> {
    e.walk()
        .into_iter()
        .find(|(_, h)| h.role.len() == 2 && h.role.starts_with('H'))
        .map(|(_, h)| (h.role.clone(), h.text()))
}

#[test]
fn bound_volume_has_a_title_a_contents_toc_and_a_part_per_issue() {
    let out = example_out();
    let volumes: Vec<PathBuf> = pdf_files(out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with("合本.pdf"))
        .collect();
    assert!(!volumes.is_empty(), "no 合本 in {}", out.display());
    let mut problems = Vec::new();
    for pdf in &volumes {
        let name = short(pdf);
        let t = Trees::read(pdf);
        problems.extend(agreement_problems(&t));
        problems.extend(object_problems(pdf));
        problems.extend(syntax_problems(&name, &t.pdfium));
        problems.extend(toc_problems(&name, &t.pdfium));
        problems.extend(empty_links(&name, &t.poppler));
        let root = t.poppler.children().next().expect("a Document element");
        let parts: Vec<&El> = root.children().collect();
        // Cover, contents, then the issues, each a Part.
        if parts.len() < 3 || parts.iter().any(|p| p.role != "Part") {
            let roles: Vec<&str> = parts.iter().map(|p| p.role.as_str()).collect();
            problems.push(format!("{name}: the Document holds {roles:?}"));
            continue;
        }
        let title = squeeze(&pdfinfo(pdf)["Title"]);
        let cover = first_heading(parts[0]);
        if cover != Some(("H1".into(), title.clone())) {
            problems.push(format!(
                "{name}: the cover's first heading is {cover:?}, not H1 {title:?}:\n{}",
                parts[0].outline()
            ));
        }
        // The contents: H1 目次, then one TOC whose top items are the issues.
        let contents = parts[1];
        if first_heading(contents) != Some(("H1".into(), "目次".into())) {
            problems.push(format!("{name}: the contents do not start with H1 目次"));
        }
        let tocs: Vec<&El> = contents.children().filter(|e| e.role == "TOC").collect();
        let issues = &parts[2..];
        let Some(toc) = tocs.first().filter(|_| tocs.len() == 1) else {
            problems.push(format!(
                "{name}: {} TOC in the contents:\n{}",
                tocs.len(),
                contents.outline()
            ));
            continue;
        };
        let items: Vec<&El> = toc.children().collect();
        if items.len() != issues.len() {
            problems.push(format!(
                "{name}: {} contents items for {} issues",
                items.len(),
                issues.len()
            ));
        }
        for (item, issue) in items.iter().zip(issues) {
            // The row reads its text and page number; the issue's sections are a TOC in it.
            let own: String = item
                .children()
                .filter(|c| c.role == "Reference")
                .map(El::text)
                .collect();
            if own.is_empty() || !own.ends_with(|c: char| c.is_ascii_digit()) {
                problems.push(format!("{name}: contents item reads {own:?}"));
            }
            let sections = item
                .children()
                .filter(|c| c.role == "TOC")
                .flat_map(El::children)
                .count();
            let h2 = issue.walk().iter().filter(|(_, e)| e.role == "H2").count();
            if sections != h2 {
                problems.push(format!(
                    "{name}: contents item {own:?} lists {sections} sections, its issue has {h2} H2"
                ));
            }
            match first_heading(issue) {
                Some((role, text)) if role == "H1" && !text.is_empty() => {}
                other => problems.push(format!("{name}: an issue Part starts with {other:?}")),
            }
        }
    }
    assert_none("bound volumes", problems);
}

const LISTS: &str = "本文です。

- 一つ目の点
  - 入れ子の点
    - さらに入れ子
- 二つ目の点

1. 番号付きの一
2. 番号付きの二

- [x] 済んだ作業
- [ ] まだの作業
";

const LINKS: &str =
    "太字は**ACP**について、リンクは[ACP](https://example.jp/)について、通常はACPについて。

詳しくは[市のページ](https://www.city.example.lg.jp/kenko/)をご覧ください。
";

/// A fixture issue with `body`, built; its PDF.
fn issue_pdf(f: &Fixture) -> PathBuf {
    let o = f.run(TODAY, &[]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    own_pdf_files(&f.out())
        .into_iter()
        .find(|p| p.to_string_lossy().contains("newsletters"))
        .expect("the issue's PDF")
}

#[test]
fn every_list_item_has_a_label_then_a_body() {
    let f = Fixture::new(&[(
        "content/newsletters/2021-10-vol05.md",
        &newsletter(5, "2021-10-01", "テスト通信 第５号", LISTS),
    )]);
    let pdf = issue_pdf(&f);
    let t = Trees::read(&pdf);
    let mut problems = agreement_problems(&t);
    problems.extend(object_problems(&pdf));
    problems.extend(syntax_problems("lists", &t.pdfium));
    let items: Vec<&El> = t
        .pdfium
        .walk()
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e.role == "LI")
        .collect();
    assert_eq!(items.len(), 8, "{}", t.pdfium.outline());
    let mut task_alts = Vec::new();
    for li in &items {
        let roles: Vec<&str> = li.children().map(|c| c.role.as_str()).collect();
        if roles != ["Lbl", "LBody"] {
            problems.push(format!("an LI holds {roles:?}:\n{}", li.outline()));
        }
        if let Some(alt) = li.children().next().and_then(|l| l.alt.clone()) {
            task_alts.push(alt);
        }
    }
    // Numbers are the label's text; a task box says its state.
    let labels: Vec<String> = t
        .poppler
        .walk()
        .into_iter()
        .filter(|(_, e)| e.role == "Lbl")
        .map(|(_, e)| e.text())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(labels, ["1.", "2."]);
    assert_eq!(task_alts, ["完了", "未完了"]);
    assert_none("lists", problems);
}

#[test]
fn link_text_is_inside_its_link_and_no_space_is_invented_at_the_seams() {
    let f = Fixture::new(&[(
        "content/newsletters/2021-10-vol05.md",
        &newsletter(5, "2021-10-01", "テスト通信 第５号", LINKS),
    )]);
    let pdf = issue_pdf(&f);
    let t = Trees::read(&pdf);
    let mut problems = agreement_problems(&t);
    problems.extend(object_problems(&pdf));
    problems.extend(empty_links("links", &t.poppler));
    let links: Vec<String> = t
        .pdfium
        .walk()
        .into_iter()
        .filter(|(_, e)| e.role == "Link")
        .map(|(_, e)| e.text())
        .collect();
    assert_eq!(links, ["ACP", "市のページ"], "{}", t.pdfium.outline());
    // The page text as copy and paste, search and read-aloud get it, from poppler
    // (pdftotext) and PDFium: the paragraph and its link read on without a space at the
    // 和欧間 around the Latin link (the gap is spacing, not a character).
    let poppler = join_pdf_lines(&pdftotext(&pdf));
    let o = tool(
        "python3",
        [
            repo_root().join("tests/pdf/pdfium_check.py").as_os_str(),
            pdf.as_os_str(),
        ],
    );
    assert!(o.status.success(), "pdfium_check.py: {}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pdfium = join_pdf_lines(report["text"].as_str().unwrap());
    // The structure-ordered text (poppler's tree, which reads glyphs, not ActualText) holds
    // the same words in the same order.
    let structure = t.poppler.text();
    for want in [
        "太字はACPについて、リンクはACPについて、通常はACPについて。",
        "詳しくは市のページをご覧ください。",
    ] {
        for (reader, text) in [("pdftotext", &poppler), ("PDFium", &pdfium)] {
            if !text.contains(want) {
                problems.push(format!("{reader} lacks {want:?}:\n{text}"));
            }
        }
        if !structure.contains(want) {
            problems.push(format!("the structure text lacks {want:?}:\n{structure}"));
        }
    }
    assert_none("links", problems);
}
