//! The PDFs under test for tests/pdf_tags_readers.rs, built once by the real binary: the
//! example site, a fixture site with every kind of block, and Typst's PDF/UA-1 version of
//! 第２号; their trees as the three readers give them; and the readers' agreement.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::*;
use crate::source::{Source, source};
use crate::trees::{Trees, first_difference, squeeze};

// ---------------------------------------------------------------------------------------------
// The PDFs under test

/// The example site (the repository) built by the binary, once per test binary (each into
/// its own folder, `target/tmp/<test binary>-binary-example`, as test binaries run at once).
pub fn example_out() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{}-binary-example", env!("CARGO_CRATE_NAME")));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out");
        let root = repo_root();
        let o = run_bin(
            &[
                "build",
                "--root",
                root.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
                "--today",
                "2026-11-23",
            ],
            &dir,
        );
        assert!(o.status.success(), "example build failed:\n{}", stderr(&o));
        out
    })
}

/// A site with every kind of block a PDF can hold, in one issue and one training.
pub const FIXTURE_ISSUE: &str = "---
title: テスト通信 第５号
date: 2021-10-01
number: 5
author: 保健師 宮成
---

## はじめに

本文の段落です。詳しくは[市のページ](https://www.city.example.lg.jp/kenko/)をご覧ください[^n]。

![連絡会の会場の様子](images/kaijo.png)

### 開催の概要

- 日時：令和３年７月26日（月）
- 場所：天王寺区民センター

#### 参加者の内訳

| 職種 | 人数 |
|:-----|-----:|
| 事務職 | 16名 |
| 保健師 | ９名 |

> 引用の段落です。区役所との連携がいかに大切かがわかった。

1. 年間計画の立て方を理解する
2. ピアサポートがあることを知る

## アンケート結果

```survey
question: 今後の業務に活用できるか
group: 区職員
answers:
  活かせる: 12
  やや活かせる: 12
  あまり活かせない: 0
  活かせない: 0
  未回答: 1
```

結果は以上です。

[^n]: 注の本文です。割合は回答者数に対するものです。
";

pub const FIXTURE_EVENT: &str = "---
title: テスト合同研修会
date: 2021-09-30
status: scheduled
format: hybrid
venue: 天王寺区民センター
target: 区役所実務者・コーディネーター
lecturers:
  - {name: 都築千里, affiliation: 大阪府立大学 看護学部, role: 教授}
sessions:
  - {start: 2021-11-05T14:00, end: 2021-11-05T16:30, label: 講義・グループワーク}
apply_by: 2021-10-22
capacity: 80
---

合同研修会を開催します。

## 内容

### 講義

地域の課題を見える化します。
";

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let f = Fixture::new(&[
            ("content/newsletters/2021-10-vol05.md", FIXTURE_ISSUE),
            ("content/events/2021-11-test-kenshu.md", FIXTURE_EVENT),
        ]);
        f.write_bytes("content/newsletters/images/kaijo.png", &tiny_png(80));
        let o = f.run(TODAY, &[]);
        assert!(o.status.success(), "fixture build failed:\n{}", stderr(&o));
        f
    })
}

/// Every PDF under test with the Markdown sources it may come from.
pub fn pdfs() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut sources = markdown_files(&repo_root().join("content"));
    // Bound volumes bind several sources: the readers compare each PDF with one page's
    // Markdown, so they check the issues' and trainings' own PDFs (volumes: tests/pdf_tags.rs).
    let example: Vec<PathBuf> = own_pdf_files(example_out());
    assert!(example.len() >= 11, "example PDFs: {example:?}");
    let mut out: Vec<(PathBuf, Vec<PathBuf>)> =
        example.into_iter().map(|p| (p, sources.clone())).collect();
    sources = markdown_files(&fixture().root().join("content"));
    let fixture_pdfs = own_pdf_files(&fixture().out());
    assert_eq!(fixture_pdfs.len(), 2, "fixture PDFs: {fixture_pdfs:?}");
    out.extend(fixture_pdfs.into_iter().map(|p| (p, sources.clone())));
    out
}

pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    v.sort();
    v
}

/// The three readers' trees of every PDF, read once (two PDFs at a time).
pub fn all_trees() -> &'static BTreeMap<PathBuf, Trees> {
    static T: OnceLock<BTreeMap<PathBuf, Trees>> = OnceLock::new();
    T.get_or_init(|| {
        let files: Vec<PathBuf> = pdfs().into_iter().map(|(p, _)| p).collect();
        let mut out = BTreeMap::new();
        for chunk in files.chunks(2) {
            let read: Vec<Trees> = std::thread::scope(|s| {
                let hs: Vec<_> = chunk.iter().map(|p| s.spawn(|| Trees::read(p))).collect();
                hs.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for t in read {
                out.insert(t.file.clone(), t);
            }
        }
        out
    })
}

/// Typst's PDF/UA-1 version of 第２号, the readers' reference: a tagged PDF written by
/// someone else.
pub fn typst_pdf() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf_tags_readers-typst-ua.pdf");
        let root = repo_root();
        let code = format!(
            "import typst\ntypst.compile({:?}, output={:?}, font_paths=[{:?}], ignore_system_fonts=True, pdf_standards='ua-1')",
            root.join("bench/typst/issue_ua.typ"),
            out,
            root.join("themes/default/fonts")
        );
        let o = tool("python3", ["-c", code.as_str()]);
        assert!(
            o.status.success(),
            "typst compile failed (pip install typst into target/ci-venv, see scripts/test):\n{}",
            stderr(&o)
        );
        out
    })
}

/// The source whose title is the PDF's H1.
pub fn source_of(trees: &Trees, candidates: &[PathBuf]) -> Option<Source> {
    let h1 = trees
        .poppler
        .walk()
        .into_iter()
        .find(|(_, e)| e.role == "H1")
        .map(|(_, e)| e.text())?;
    candidates
        .iter()
        .map(|p| source(p))
        .find(|s| squeeze(&s.title) == h1)
}

/// Joins problems into one assertion message.
#[track_caller]
pub fn assert_none(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

pub fn short(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// The three readers agree: poppler's whole tree equals PDFium's (roles, nesting, text, object
/// references; poppler shows no /Alt), and pdf.js's tree of every page equals PDFium's (roles,
/// nesting, /Alt, text).
pub fn agreement_problems(t: &Trees) -> Vec<String> {
    let mut problems = Vec::new();
    let name = short(&t.file);
    if let Some(d) = first_difference(
        &t.poppler.shape(false, true, false),
        &t.pdfium.shape(false, true, false),
    ) {
        problems.push(format!("{name}: poppler and PDFium differ; {d}"));
    }
    if t.pdfium_pages.len() != t.pdfjs_pages.len() {
        problems.push(format!("{name}: page counts differ"));
    }
    for (i, (a, b)) in t.pdfium_pages.iter().zip(&t.pdfjs_pages).enumerate() {
        if let Some(d) = first_difference(&a.shape(true, false, true), &b.shape(true, false, true))
        {
            problems.push(format!(
                "{name} page {}: PDFium and pdf.js differ; {d}",
                i + 1
            ));
        }
    }
    if !t.pdfium_unresolved.is_empty() {
        problems.push(format!(
            "{name}: marked-content references PDFium finds on no page: {:?}",
            t.pdfium_unresolved
        ));
    }
    problems
}
