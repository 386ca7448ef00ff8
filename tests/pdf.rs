//! The PDFs of a build, read back with the tools a recipient's software is built on: poppler
//! (pdftotext, pdfinfo, pdffonts, pdftoppm), qpdf, MuPDF (mutool) and PDFium (pypdfium2, through
//! tests/pdf/pdfium_check.py), plus lopdf for the object structure (outline, Info, links).
//!
//! A missing tool fails the test with the package to install; nothing is skipped.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use lopdf::{Dictionary, Object, ObjectId};

// ---------------------------------------------------------------------------------------------
// The fixture issue

const ISSUE: &str = "content/newsletters/2021-09-vol02.md";
const ISSUE_PDF: &str = "newsletters/コーディネーター連絡会通信_第2号.pdf";
const ISSUE_HTML: &str = "newsletters/2021-09-vol02.html";
const TITLE: &str = "コーディネーター連絡会通信 第２号";
const AUTHOR: &str = "保健師 宮成";
const SUMMARY: &str = "第２回連絡会の報告と、区職員アンケートの結果をお知らせします。";

/// Paragraphs of the fixture issue: (Markdown, the text a reader sees).
const PARAGRAPHS: &[(&str, &str)] = &[
    (
        "皆さま、いつもお世話になっております。令和３年度は全12回の連絡会を予定しており、7月26日（月）の第2回には新人コーディネーター10名とファシリテーター3名が参加しました。",
        "皆さま、いつもお世話になっております。令和３年度は全12回の連絡会を予定しており、7月26日（月）の第2回には新人コーディネーター10名とファシリテーター3名が参加しました。",
    ),
    (
        "オンラインの回はZoomで開催し、資料はPDFとExcelの2種類で配布しました。Advance Care Planning（ACP）とICTの活用については、2022年2月に多職種研修会を開きます。",
        "オンラインの回はZoomで開催し、資料はPDFとExcelの2種類で配布しました。Advance Care Planning（ACP）とICTの活用については、2022年2月に多職種研修会を開きます。",
    ),
    (
        "ご質問やご意見は、メール（<zaitaku-renkei@example.city.lg.jp>）でお寄せください。",
        "ご質問やご意見は、メール（zaitaku-renkei@example.city.lg.jp）でお寄せください。",
    ),
    (
        "事業の詳しい内容は、市のウェブサイト<https://www.city.example.lg.jp/kenko/page/0000012345.html>をご覧ください。",
        "事業の詳しい内容は、市のウェブサイトhttps://www.city.example.lg.jp/kenko/page/0000012345.htmlをご覧ください。",
    ),
    (
        "取組みの一覧は[在宅医療・介護連携推進事業のページ](https://www.city.example.lg.jp/kenko/zaitaku/)にまとめています。",
        "取組みの一覧は在宅医療・介護連携推進事業のページにまとめています。",
    ),
    (
        "前半の説明と後半のグループワークについて、区職員の皆さまにお聞きしました[^ritsu]。",
        "前半の説明と後半のグループワークについて、区職員の皆さまにお聞きしました1。",
    ),
];

const MARKDOWN_LINK: (&str, &str) = (
    "在宅医療・介護連携推進事業のページ",
    "https://www.city.example.lg.jp/kenko/zaitaku/",
);
const FOOTNOTE_TEXT: &str =
    "割合は回答者数に対するもので、合計が100%になるよう端数を調整しています。";
const QUESTION: &str = "今後の業務に活用できるか";

/// Headings as (level, text), in order: h2 > h3 nesting.
const HEADINGS: &[(u8, &str)] = &[
    (2, "はじめに"),
    (2, "第２回連絡会の報告"),
    (3, "開催の概要"),
    (3, "区職員アンケートの結果"),
    (2, "皆さまの声"),
    (3, "区役所の皆さまから"),
    (3, "コーディネーターの皆さまから"),
    (2, "今後の予定"),
];

/// The fixture issue: every paragraph, link, footnote, survey and heading above, and enough
/// seed text for several pages.
fn issue_markdown() -> String {
    let p = |i: usize| PARAGRAPHS[i].0;
    let voices = |from: usize, to: usize| -> String {
        (from..to)
            .map(|k| {
                let a = SEED_BULLETS[k % SEED_BULLETS.len()];
                let b = SEED_BULLETS[(k * 7 + 3) % SEED_BULLETS.len()];
                let c = SEED_BULLETS[(k * 11 + 5) % SEED_BULLETS.len()];
                format!("「{a}」という声がありました。{b}。また、{c}。\n\n")
            })
            .collect()
    };
    format!(
        "---\ntitle: {TITLE}\ndate: 2021-09-30\nnumber: 2\nauthor: {AUTHOR}\nsummary: {SUMMARY}\ntags: [連絡会, アンケート]\n---\n\n\
         ## {h0}\n\n{p0}\n\n{p1}\n\n{p2}\n\n{p3}\n\n\
         ## {h1}\n\n### {h2}\n\n{p4}\n\n\
         - **日時**：令和３年７月26日（月）\n- **形式**：参集\n\n\
         ### {h3}\n\n{p5}\n\n\
         ```survey\nquestion: {QUESTION}\ngroup: 区職員\nanswers:\n  活かせる: 13\n  やや活かせる: 13\n  あまり活かせない: 1\n  活かせない: 0\n```\n\n\
         ## {h4}\n\n### {h5}\n\n{v1}### {h6}\n\n{v2}\
         ## {h7}\n\n次回の連絡会は令和３年11月に開催します。\n\n\
         [^ritsu]: {FOOTNOTE_TEXT}\n",
        h0 = HEADINGS[0].1,
        h1 = HEADINGS[1].1,
        h2 = HEADINGS[2].1,
        h3 = HEADINGS[3].1,
        h4 = HEADINGS[4].1,
        h5 = HEADINGS[5].1,
        h6 = HEADINGS[6].1,
        h7 = HEADINGS[7].1,
        p0 = p(0),
        p1 = p(1),
        p2 = p(2),
        p3 = p(3),
        p4 = p(4),
        p5 = p(5),
        v1 = voices(0, 14),
        v2 = voices(14, 28),
    )
}

fn issue_fixture() -> Fixture {
    let f = Fixture::new(&[(ISSUE, &issue_markdown())]);
    f.build_ok();
    f
}

fn issue_pdf(f: &Fixture) -> PathBuf {
    let p = f.out().join(ISSUE_PDF);
    assert!(p.is_file(), "{} was not written", p.display());
    p
}

fn load(pdf: &Path) -> lopdf::Document {
    let bytes = std::fs::read(pdf).unwrap();
    lopdf::Document::load_mem(&bytes)
        .unwrap_or_else(|e| panic!("lopdf cannot read {}: {e}", pdf.display()))
}

/// A PDF text string: UTF-16BE with BOM, else PDFDocEncoding (ASCII is enough here).
fn text_string(o: &Object) -> String {
    let bytes = o.as_str().expect("a string");
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).expect("valid UTF-16")
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

fn deref<'a>(doc: &'a lopdf::Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).expect("dangling reference"),
        other => other,
    }
}

fn dict<'a>(doc: &'a lopdf::Document, o: &'a Object) -> &'a Dictionary {
    deref(doc, o).as_dict().expect("a dictionary")
}

fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        other => panic!("not a number: {other:?}"),
    }
}

/// Page object id → 0-based page index.
fn page_indices(doc: &lopdf::Document) -> BTreeMap<ObjectId, usize> {
    doc.get_pages()
        .into_iter()
        .map(|(n, id)| (id, n as usize - 1))
        .collect()
}

/// An explicit destination `[page /XYZ left top zoom]` → (page index, top).
fn xyz(doc: &lopdf::Document, dest: &Object, pages: &BTreeMap<ObjectId, usize>) -> (usize, f32) {
    let a = deref(doc, dest)
        .as_array()
        .expect("an explicit destination");
    let page = pages[&a[0].as_reference().expect("destination page")];
    assert_eq!(a[1].as_name().unwrap(), b"XYZ", "destination {a:?}");
    (page, number(&a[3]))
}

/// The line (characters of one baseline) whose text, without spaces, is `text`, in `size` pt.
fn line_with_text<'a>(lines: &'a [Vec<PdfChar>], text: &str, size: f32) -> &'a [PdfChar] {
    lines
        .iter()
        .find(|l| {
            (l[0].size - size).abs() < 0.01
                && l.iter()
                    .filter(|c| !c.c.is_whitespace())
                    .map(|c| c.c)
                    .collect::<String>()
                    == text
        })
        .unwrap_or_else(|| panic!("no {size} pt line reads {text:?}"))
}

const PAGE_HEIGHT: f32 = 841.89;

// ---------------------------------------------------------------------------------------------
// Text, pages, fonts

#[test]
fn text_round_trip_keeps_every_paragraph_in_reading_order() {
    let f = issue_fixture();
    let raw = pdftotext(&issue_pdf(&f));
    let text = join_pdf_lines(&raw);
    let mut last = 0;
    let mut problems = Vec::new();
    for (md, want) in PARAGRAPHS {
        let want = normalize(want);
        match text.find(&want) {
            Some(at) if at >= last => last = at + want.len(),
            Some(_) => problems.push(format!("out of reading order: {want}")),
            None => {
                // Show what pdftotext has from the paragraph's first words on.
                let head: String = want.chars().take(8).collect();
                let got: String = text
                    .find(&head)
                    .map(|i| text[i..].chars().take(want.chars().count() + 10).collect())
                    .unwrap_or_else(|| "(not even its first words)".into());
                problems.push(format!("want: {want}\n   got: {got}\n   (Markdown: {md})"))
            }
        }
    }
    assert!(
        problems.is_empty(),
        "paragraphs of the issue not found in pdftotext's text (lines joined):\n  {}",
        problems.join("\n  ")
    );
    // The headings, the footnote and the seed paragraphs survive too, in order.
    let mut last = 0;
    for (_, h) in HEADINGS {
        let at = text[last..]
            .find(h)
            .unwrap_or_else(|| panic!("heading {h} missing or out of order"));
        last += at + h.len();
    }
    assert!(text.contains(FOOTNOTE_TEXT), "footnote text missing");
    assert!(text.contains(&format!("「{}」という声がありました。", SEED_BULLETS[0])));
    // Nothing the author did not write: no replacement characters, no private-use glyph names.
    assert!(
        !raw.chars()
            .any(|c| c == '\u{fffd}' || ('\u{e000}'..='\u{f8ff}').contains(&c)),
        "unmapped glyphs in the text layer"
    );
}

/// The 和欧間 (a quarter em between Japanese and Latin) is spacing, not a character: copied
/// text must not get a space the author never wrote, also where the Latin word is bold or a
/// link (a separate glyph run).
#[test]
fn no_space_is_invented_next_to_a_bold_or_linked_latin_word() {
    let sentence =
        "太字は**ACP**について、リンクは[ACP](https://example.jp/)について、通常はACPについて。";
    let url =
        "ウェブサイト<https://www.city.example.lg.jp/kenko/page/0000012345.html>をご覧ください。";
    let f = Fixture::new(&[(
        ISSUE,
        &newsletter(2, "2021-09-30", TITLE, &format!("{sentence}\n\n{url}")),
    )]);
    f.build_ok();
    let pdf = issue_pdf(&f);
    let want = [
        "太字はACPについて、リンクはACPについて、通常はACPについて。",
        "ウェブサイトhttps://www.city.example.lg.jp/kenko/page/0000012345.htmlをご覧ください。",
    ];
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
    let mut problems = Vec::new();
    for (tool, text) in [("pdftotext", &poppler), ("PDFium", &pdfium)] {
        for w in want {
            if !text.contains(w) {
                let head: String = w.chars().take(3).collect();
                let got: String = text
                    .find(&head)
                    .map(|i| text[i..].chars().take(w.chars().count() + 4).collect())
                    .unwrap_or_default();
                problems.push(format!("{tool}: want {w}\n           got  {got}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn long_issue_has_a_plausible_page_count() {
    let f = issue_fixture();
    let pdf = issue_pdf(&f);
    let info = pdfinfo(&pdf);
    let pages: usize = info["Pages"].parse().unwrap();
    assert_eq!(info["Page size"], "595.276 x 841.89 pts (A4)");
    // Visible characters of the body; a full A4 page of 10.5 pt text at line height 1.75 in a
    // 170 mm column holds about 46 × 38 characters.
    let md = issue_markdown();
    let body = md.split("---\n").nth(2).unwrap();
    let n = body.chars().filter(|c| !c.is_whitespace()).count();
    let min = n.div_ceil(46 * 38);
    let max = n / 700 + 2;
    assert!(
        pages > 1 && pages >= min && pages <= max,
        "{pages} pages for {n} characters (expected {min}..={max})"
    );
    // Every page has body text and its footer `n / N`.
    for p in 1..=pages {
        let t = tool_ok(
            "pdftotext",
            [
                "-f",
                &p.to_string(),
                "-l",
                &p.to_string(),
                "-enc",
                "UTF-8",
                pdf.to_str().unwrap(),
                "-",
            ],
        );
        assert!(
            normalize(&t).contains(&format!("{p} / {pages}")),
            "page {p} has no footer `{p} / {pages}`:\n{t}"
        );
        assert!(
            t.chars().filter(|c| *c > '\u{3000}').count() > 100,
            "page {p} is nearly empty"
        );
    }
}

#[test]
fn fonts_are_embedded_subset_cid_truetype_with_unicode() {
    let f = issue_fixture();
    let mut pdfs = vec![issue_pdf(&f)];
    pdfs.extend(pdf_files(example_output()));
    for pdf in &pdfs {
        let out = tool_ok("pdffonts", [pdf.as_os_str()]);
        let rows: Vec<&str> = out
            .lines()
            .skip(2)
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert!(!rows.is_empty(), "{}: no fonts:\n{out}", pdf.display());
        for row in rows {
            // name type(2 words) encoding emb sub uni object ID(2)
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(
                cols.len(),
                9,
                "{}: unexpected pdffonts row {row:?}",
                pdf.display()
            );
            let (name, kind, enc) = (cols[0], format!("{} {}", cols[1], cols[2]), cols[3]);
            assert_eq!(kind, "CID TrueType", "{}: {row}", pdf.display());
            assert_eq!(enc, "Identity-H", "{}: {row}", pdf.display());
            assert_eq!(
                &cols[4..7],
                ["yes", "yes", "yes"],
                "{}: emb/sub/uni in {row}",
                pdf.display()
            );
            let (tag, base) = name.split_once('+').unwrap_or(("", name));
            assert!(
                tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()) && !base.is_empty(),
                "{}: font name {name} has no XXXXXX+ subset tag",
                pdf.display()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Outline and document information

/// (depth, title, destination) of every outline item, depth-first, checking the tree's links.
fn outline_items(doc: &lopdf::Document) -> Vec<(usize, String, (usize, f32))> {
    let pages = page_indices(doc);
    let catalog = doc.catalog().unwrap();
    let root = dict(
        doc,
        catalog.get(b"Outlines").expect("the catalog has /Outlines"),
    );
    let mut out = Vec::new();
    fn walk(
        doc: &lopdf::Document,
        parent: &Dictionary,
        depth: usize,
        pages: &BTreeMap<ObjectId, usize>,
        out: &mut Vec<(usize, String, (usize, f32))>,
    ) -> usize {
        let Ok(mut item) = parent.get(b"First") else {
            return 0;
        };
        let mut n = 0;
        loop {
            let d = dict(doc, item);
            let raw = d.get(b"Title").expect("outline item /Title");
            assert!(
                raw.as_str().unwrap().starts_with(&[0xFE, 0xFF]),
                "outline title is not UTF-16BE with a byte order mark: {raw:?}"
            );
            let title = text_string(raw);
            let dest = xyz(doc, d.get(b"Dest").expect("outline item /Dest"), pages);
            out.push((depth, title, dest));
            n += 1 + walk(doc, d, depth + 1, pages, out);
            match d.get(b"Next") {
                Ok(next) => item = next,
                Err(_) => break,
            }
        }
        n
    }
    let total = walk(doc, root, 0, &pages, &mut out);
    assert_eq!(
        root.get(b"Count").map(number).unwrap_or(0.0) as usize,
        total,
        "/Count of the outline root"
    );
    out
}

#[test]
fn outline_follows_the_headings_with_nesting_and_positions() {
    let f = issue_fixture();
    let pdf = issue_pdf(&f);
    let doc = load(&pdf);
    let items = outline_items(&doc);
    let got: Vec<(usize, &str)> = items.iter().map(|(d, t, _)| (*d, t.as_str())).collect();
    let want: Vec<(usize, &str)> = HEADINGS
        .iter()
        .map(|(level, t)| (usize::from(*level) - 2, *t))
        .collect();
    assert_eq!(got, want, "outline (depth, title) vs the Markdown headings");
    // Each item goes to its heading: the right page, at (or just above) the heading's top.
    let lines = pdf_lines(&pdf_chars(&pdf));
    for ((level, text), (_, _, (page, y))) in HEADINGS.iter().zip(&items) {
        let size = if *level == 2 { 14.0 } else { 12.0 };
        let line = line_with_text(&lines, text, size);
        assert_eq!(
            *page, line[0].page,
            "outline item {text} points at the wrong page"
        );
        let top = PAGE_HEIGHT - line[0].top;
        assert!(
            *y >= top - 0.5 && *y <= top + 30.0,
            "outline item {text}: destination y {y}, heading top at {top}"
        );
    }
}

#[test]
fn document_information_and_catalog() {
    let f = issue_fixture();
    let pdf = issue_pdf(&f);
    let doc = load(&pdf);
    let info = dict(&doc, doc.trailer.get(b"Info").expect("trailer /Info"));
    let get = |k: &str| text_string(info.get(k.as_bytes()).unwrap_or_else(|_| panic!("no /{k}")));
    assert_eq!(get("Title"), TITLE);
    assert_eq!(get("Author"), AUTHOR);
    assert_eq!(get("Subject"), SUMMARY);
    assert_eq!(get("Keywords"), "連絡会, アンケート");
    // The front matter's date, midnight Japan time.
    assert_eq!(get("CreationDate"), "D:20210930000000+09'00'");
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"ja");
    let prefs = dict(
        &doc,
        catalog
            .get(b"ViewerPreferences")
            .expect("/ViewerPreferences"),
    );
    assert!(
        prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap(),
        "/DisplayDocTitle is not true"
    );
    // No PDF/X leftovers anywhere in the file.
    for (id, obj) in &doc.objects {
        let d = match obj {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        };
        if let Some(d) = d {
            assert!(
                d.get(b"GTS_PDFXVersion").is_err(),
                "GTS_PDFXVersion in object {id:?}"
            );
            assert!(
                d.get(b"OutputIntents").is_err(),
                "OutputIntents in object {id:?}"
            );
        }
    }
    // What poppler shows a reader.
    let shown = pdfinfo(&pdf);
    assert_eq!(shown["Title"], TITLE);
    assert_eq!(shown["Author"], AUTHOR);
    assert_eq!(shown["Subject"], SUMMARY);
    assert_eq!(shown["Keywords"], "連絡会, アンケート");
    assert_eq!(shown["CreationDate"], "2021-09-30T00:00:00+09");
}

// ---------------------------------------------------------------------------------------------
// Links

#[derive(Debug)]
struct Annot {
    page: usize,
    rect: [f32; 4],
    uri: Option<String>,
    dest: Option<(usize, f32)>,
}

fn link_annotations(doc: &lopdf::Document) -> Vec<Annot> {
    let pages = page_indices(doc);
    let mut out = Vec::new();
    for (&id, &page) in &pages {
        let pd = doc.get_dictionary(id).unwrap();
        let Ok(annots) = pd.get(b"Annots") else {
            continue;
        };
        for a in deref(doc, annots).as_array().unwrap() {
            let a = dict(doc, a);
            if a.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Link".as_slice()) {
                continue;
            }
            let r: Vec<f32> = deref(doc, a.get(b"Rect").unwrap())
                .as_array()
                .unwrap()
                .iter()
                .map(number)
                .collect();
            let mut annot = Annot {
                page,
                rect: [
                    r[0].min(r[2]),
                    r[1].min(r[3]),
                    r[0].max(r[2]),
                    r[1].max(r[3]),
                ],
                uri: None,
                dest: None,
            };
            if let Ok(dest) = a.get(b"Dest") {
                annot.dest = Some(xyz(doc, dest, &pages));
            }
            if let Ok(action) = a.get(b"A") {
                let action = dict(doc, action);
                match action.get(b"S").unwrap().as_name().unwrap() {
                    b"URI" => {
                        let uri = action.get(b"URI").unwrap().as_str().unwrap();
                        annot.uri = Some(String::from_utf8(uri.to_vec()).unwrap());
                    }
                    b"GoTo" => annot.dest = Some(xyz(doc, action.get(b"D").unwrap(), &pages)),
                    other => panic!("unexpected link action {}", String::from_utf8_lossy(other)),
                }
            }
            out.push(annot);
        }
    }
    out
}

#[test]
fn links_become_uri_and_internal_annotations() {
    let f = issue_fixture();
    let pdf = issue_pdf(&f);
    let doc = load(&pdf);
    let annots = link_annotations(&doc);
    let uris: BTreeSet<&str> = annots.iter().filter_map(|a| a.uri.as_deref()).collect();
    for want in [
        MARKDOWN_LINK.1,
        "https://www.city.example.lg.jp/kenko/page/0000012345.html",
        "mailto:zaitaku-renkei@example.city.lg.jp",
    ] {
        assert!(uris.contains(want), "no /URI {want}; found {uris:?}");
    }
    // The Markdown link's area covers its text, glyph by glyph (found by its context: the
    // same words occur elsewhere in the issue).
    let chars = pdf_chars(&pdf);
    let lines = pdf_lines(&chars);
    let flat: Vec<&PdfChar> = lines
        .iter()
        .flatten()
        .filter(|c| !c.c.is_whitespace())
        .collect();
    let flat_text: Vec<char> = flat.iter().map(|c| c.c).collect();
    let context: Vec<char> = format!("一覧は{}にまとめて", MARKDOWN_LINK.0)
        .chars()
        .collect();
    let starts: Vec<usize> = (0..flat_text.len().saturating_sub(context.len()))
        .filter(|&i| flat_text[i..i + context.len()] == context[..])
        .collect();
    assert_eq!(
        starts.len(),
        1,
        "the link's sentence should occur once in the PDF"
    );
    let first = starts[0] + "一覧は".chars().count();
    for ch in &flat[first..first + MARKDOWN_LINK.0.chars().count()] {
        let (cx, cy) = (
            (ch.left + ch.right) / 2.0,
            PAGE_HEIGHT - (ch.top + ch.bottom) / 2.0,
        );
        assert!(
            annots.iter().any(|a| a.page == ch.page
                && a.uri.as_deref() == Some(MARKDOWN_LINK.1)
                && a.rect[0] <= cx
                && cx <= a.rect[2]
                && a.rect[1] <= cy
                && cy <= a.rect[3]),
            "{} at ({cx}, {cy}) on page {} is outside the area of the link to {}",
            ch.c,
            ch.page + 1,
            MARKDOWN_LINK.1
        );
    }
    // The footnote reference jumps to the note at the bottom of its page.
    let note_start: String = FOOTNOTE_TEXT.chars().take(8).collect();
    let note_line = lines
        .iter()
        .find(|l| {
            l.iter()
                .map(|c| c.c)
                .collect::<String>()
                .contains(&note_start)
        })
        .expect("footnote text in the PDF");
    let note_top = PAGE_HEIGHT
        - note_line
            .iter()
            .map(|c| c.top)
            .fold(f32::INFINITY, f32::min);
    let internal: Vec<&Annot> = annots.iter().filter(|a| a.dest.is_some()).collect();
    assert!(
        internal.iter().any(|a| {
            let (page, y) = a.dest.unwrap();
            page == note_line[0].page && y >= note_top - 0.5 && y <= note_top + 20.0
        }),
        "no internal link to the footnote (page {}, top {note_top}); internal links: {internal:?}",
        note_line[0].page + 1
    );
    // No link border is drawn.
    for (id, obj) in &doc.objects {
        if let Object::Dictionary(d) = obj
            && d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Link".as_slice())
        {
            let border: Vec<f32> = d
                .get(b"Border")
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(number)
                .collect();
            assert_eq!(border.get(2), Some(&0.0), "visible border on link {id:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Surveys

/// Every `N名（P%）` in `text`.
fn figures(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len() {
        if chars[i] == '名' && chars.get(i + 1) == Some(&'（') {
            let mut s = i;
            while s > 0 && chars[s - 1].is_ascii_digit() {
                s -= 1;
            }
            let mut e = i + 2;
            while e < chars.len() && chars[e].is_ascii_digit() {
                e += 1;
            }
            if s < i && e > i + 2 && chars.get(e) == Some(&'%') && chars.get(e + 1) == Some(&'）')
            {
                found.insert(chars[s..e + 2].iter().collect());
            }
        }
    }
    found
}

#[test]
fn survey_figures_in_the_pdf_match_the_html() {
    let f = issue_fixture();
    let text = normalize(&pdftotext(&issue_pdf(&f)));
    assert!(text.contains(QUESTION), "survey question missing");
    for want in ["13名（48%）", "1名（4%）", "0名（0%）"] {
        assert!(text.contains(want), "{want} missing from the PDF text");
    }
    let html = f.html(ISSUE_HTML);
    let legend = texts(&html, "figure.survey .survey-legend li");
    assert_eq!(legend.len(), 4, "HTML legend: {legend:?}");
    for item in &legend {
        assert!(
            text.contains(item.as_str()),
            "HTML legend item {item:?} not in the PDF text"
        );
    }
    let html_figures = figures(&texts(&html, "figure.survey").join(" "));
    assert_eq!(
        figures(&text),
        html_figures,
        "the PDF and the HTML show different survey figures"
    );
    assert_eq!(
        html_figures,
        ["13名（48%）", "1名（4%）", "0名（0%）"]
            .map(String::from)
            .into_iter()
            .collect()
    );
}

// ---------------------------------------------------------------------------------------------
// Sizes

#[test]
fn example_pdfs_are_under_200_kb() {
    let pdfs = pdf_files(example_output());
    assert_eq!(
        pdfs.len(),
        13,
        "4 issues, 7 trainings, 1 meeting handout and the bound volume of 令和３年度: {pdfs:?}"
    );
    let size = |pdf: &Path| std::fs::metadata(pdf).unwrap().len();
    // The volume is not mailed: it only has to be smaller than the issues it binds.
    let (volumes, own): (Vec<&PathBuf>, Vec<&PathBuf>) = pdfs
        .iter()
        .partition(|p| p.to_string_lossy().ends_with("合本.pdf"));
    for pdf in &own {
        assert!(
            size(pdf) < 200 * 1024,
            "{} is {} bytes",
            pdf.display(),
            size(pdf)
        );
    }
    let issues: u64 = own
        .iter()
        .filter(|p| p.to_string_lossy().contains("_第"))
        .map(|p| size(p))
        .sum();
    assert!(
        size(volumes[0]) < issues,
        "volume {} bytes",
        size(volumes[0])
    );
}

#[test]
fn one_page_issue_is_under_120_kb() {
    let f = Fixture::new(&[(
        ISSUE,
        &newsletter(
            2,
            "2021-09-30",
            TITLE,
            &format!(
                "## はじめに\n\n{}\n\n{}\n",
                PARAGRAPHS[0].0, PARAGRAPHS[1].0
            ),
        ),
    )]);
    f.build_ok();
    let pdf = issue_pdf(&f);
    assert_eq!(pdfinfo(&pdf)["Pages"], "1");
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 120 * 1024, "one page is {size} bytes");
}

// ---------------------------------------------------------------------------------------------
// Missing glyphs

const YOSHI_ISSUE: &str = "---\ntitle: コーディネーター連絡会通信 第２号\ndate: 2021-09-30\nnumber: 2\n---\n\n## はじめに\n\n本日は𠮷田さんに報告していただきました。\n";
const YOSHI_EVENT: &str = "---\ntitle: 多職種研修会\nstatus: scheduled\nformat: in-person\nvenue: 𠮷野区民センター\nsessions:\n  - start: 2021-08-23T14:15\n    end: 2021-08-23T16:15\n---\n\n本文です。\n";

#[test]
fn missing_glyph_fails_the_build_at_its_place() {
    let f = Fixture::new(&[
        (ISSUE, YOSHI_ISSUE),
        ("content/events/2021-08-tabunya.md", YOSHI_EVENT),
    ]);
    let report = f.build();
    let all = describe(&report);
    assert!(
        report.diagnostics.has_errors(),
        "𠮷 must fail the build:\n{all}"
    );
    let mut places: Vec<(String, usize, usize)> = errors(&report)
        .iter()
        .filter(|d| d.message.contains("U+20BB7 𠮷"))
        .map(place)
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            ("content/events/2021-08-tabunya.md".to_owned(), 5, 8),
            ("content/newsletters/2021-09-vol02.md".to_owned(), 9, 4),
        ],
        "diagnostics:\n{all}"
    );
    for d in errors(&report) {
        let help = d.help.clone().unwrap_or_default();
        assert!(
            help.contains('吉'),
            "help of `{d}` should suggest 吉: {help}"
        );
    }
    assert!(!f.out().exists(), "a failed build must not write output");

    // After a good build, a failing one leaves the output byte-identical.
    let f = Fixture::new(&[(ISSUE, &YOSHI_ISSUE.replace('𠮷', "吉"))]);
    f.build_ok();
    let before = hashes(&f.out());
    f.write(ISSUE, YOSHI_ISSUE);
    assert!(f.build().diagnostics.has_errors());
    assert_eq!(
        hashes(&f.out()),
        before,
        "a failed build changed the output"
    );
}

#[test]
fn missing_glyph_fails_the_binary() {
    let f = Fixture::new(&[(ISSUE, YOSHI_ISSUE)]);
    let o = f.run(TODAY, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "exit status; stderr:\n{err}");
    assert!(
        err.contains("U+20BB7"),
        "stderr does not name U+20BB7:\n{err}"
    );
    assert!(
        err.contains("content/newsletters/2021-09-vol02.md:9:4"),
        "stderr does not give file:line:column:\n{err}"
    );
    assert!(!f.out().exists());
}

// ---------------------------------------------------------------------------------------------
// --no-pdf, and links from the HTML to the PDFs

fn two_page_site() -> Fixture {
    Fixture::new(&[
        (
            ISSUE,
            &newsletter(2, "2021-09-30", TITLE, "## はじめに\n\n本文です。"),
        ),
        (
            "content/events/2021-08-tabunya.md",
            &event(
                "多職種研修会",
                "scheduled",
                "2021-08-23T14:15",
                "2021-08-23T16:15",
                "本文です。",
            ),
        ),
    ])
}

fn pdf_hrefs(out: &Path) -> Vec<(String, String)> {
    all_urls(out)
        .into_iter()
        .filter(|(_, u)| {
            u.split(['#', '?'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
                .ends_with(".pdf")
        })
        .collect()
}

#[test]
fn no_pdf_writes_no_pdfs_and_no_pdf_links() {
    // Control: with PDFs, the issue's page links its PDF.
    let f = two_page_site();
    f.build_ok();
    assert!(!pdf_files(&f.out()).is_empty());
    assert!(!pdf_hrefs(&f.out()).is_empty());

    let f = two_page_site();
    let mut opts = f.options(TODAY, false);
    opts.pdf = false;
    let report = tsushin::site::build(&opts);
    assert!(!report.diagnostics.has_errors(), "{}", describe(&report));
    assert_eq!(pdf_files(&f.out()), Vec::<PathBuf>::new());
    assert_eq!(pdf_hrefs(&f.out()), Vec::new());
    assert!(!page_text(&f.html(ISSUE_HTML)).contains("PDF版"));

    let f = two_page_site();
    let o = f.run(TODAY, &["--no-pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(pdf_files(&f.out()), Vec::<PathBuf>::new());
    assert_eq!(pdf_hrefs(&f.out()), Vec::new());
}

#[test]
fn every_pdf_link_in_the_example_html_resolves() {
    let out = example_output();
    let hrefs = pdf_hrefs(out);
    assert!(!hrefs.is_empty(), "the example site links no PDF");
    for (from, url) in &hrefs {
        let target = resolve(from, url)
            .unwrap_or_else(|e| panic!("{from}: `{url}` {e}"))
            .unwrap_or_else(|| panic!("{from}: `{url}` is not a file link"));
        assert!(
            out.join(&target).is_file(),
            "{from}: `{url}` → {target} does not exist"
        );
    }
    assert_eq!(broken_links(out), Vec::<String>::new());
    assert!(
        out.join(ISSUE_PDF).is_file(),
        "the PDF of issue 2 has the wrong name"
    );
}

/// Every issue, training and handout page links its own PDF (`page.pdf_url`), and every PDF
/// written is linked from its page.
#[test]
fn every_issue_and_training_page_links_its_own_pdf() {
    let out = example_output();
    let hrefs = pdf_hrefs(out);
    let mut problems = Vec::new();
    let mut linked = BTreeSet::new();
    for section in ["newsletters", "events", "handouts"] {
        for entry in std::fs::read_dir(repo_root().join("content").join(section)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|x| x != "md") {
                continue;
            }
            let html = format!(
                "{section}/{}.html",
                path.file_stem().unwrap().to_string_lossy()
            );
            if !out.join(&html).is_file() {
                continue; // a draft
            }
            let own: Vec<String> = hrefs
                .iter()
                .filter(|(from, _)| *from == html)
                .filter_map(|(from, url)| resolve(from, url).ok().flatten())
                .filter(|t| t.starts_with(&format!("{section}/")))
                .collect();
            match own.as_slice() {
                [one] => {
                    linked.insert(one.clone());
                }
                [] => problems.push(format!("{html} does not link its PDF")),
                many => problems.push(format!("{html} links several PDFs: {many:?}")),
            }
        }
    }
    // The bound volume of a fiscal year is linked from the archive, beside its year.
    for (from, url) in &hrefs {
        if from == "newsletters/index.html"
            && let Ok(Some(target)) = resolve(from, url)
            && target.ends_with("合本.pdf")
        {
            linked.insert(target);
        }
    }
    for pdf in pdf_files(out) {
        let rel = pdf
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !linked.contains(&rel) {
            problems.push(format!("{rel} is linked from no page"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Renderers: every PDF of the example site opens and renders cleanly in qpdf, poppler, MuPDF
// and PDFium, and page 1 shows its Japanese text.

/// Boxes (points, top-left origin) on page 1 where text must be visible: the largest text (the
/// title) and the first body line (10.5 pt) with kanji or kana.
fn text_boxes(pdf: &Path) -> Vec<(String, [f32; 4])> {
    let chars: Vec<PdfChar> = pdf_chars(pdf).into_iter().filter(|c| c.page == 0).collect();
    let lines = pdf_lines(&chars);
    let bbox = |l: &[PdfChar]| -> [f32; 4] {
        let ink: Vec<&PdfChar> = l.iter().filter(|c| !c.c.is_whitespace()).collect();
        [
            ink.iter().map(|c| c.left).fold(f32::INFINITY, f32::min),
            ink.iter().map(|c| c.top).fold(f32::INFINITY, f32::min),
            ink.iter()
                .map(|c| c.right)
                .fold(f32::NEG_INFINITY, f32::max),
            ink.iter()
                .map(|c| c.bottom)
                .fold(f32::NEG_INFINITY, f32::max),
        ]
    };
    let text = |l: &[PdfChar]| l.iter().map(|c| c.c).collect::<String>();
    let largest = lines
        .iter()
        .max_by(|a, b| a[0].size.partial_cmp(&b[0].size).unwrap())
        .expect("page 1 has text");
    let body = lines.iter().find(|l| {
        (l[0].size - 10.5).abs() < 0.01
            && l.iter()
                .filter(|c| tsushin::japanese::kinsoku::is_japanese(c.c))
                .count()
                >= 8
    });
    let mut boxes = vec![(text(largest), bbox(largest))];
    match body {
        Some(body) => boxes.push((text(body), bbox(body))),
        // A meeting handout's page 1 is its title page: no body text.
        None if pdf.to_string_lossy().contains("/handouts/") => {}
        None => panic!("{}: no 10.5 pt Japanese line on page 1", pdf.display()),
    }
    boxes
}

/// Page 1 as rendered shows dark pixels where the text is, and a white left margin.
#[track_caller]
fn assert_text_visible(renderer: &str, pdf: &Path, image: &Gray, dpi: f32) {
    let px = dpi / 72.0;
    // A4 portrait, or landscape for a meeting handout.
    let width: f32 = pdfinfo(pdf)["Page size"]
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap();
    assert!(
        [595.28, 841.89].iter().any(|w| (width - w).abs() < 0.1),
        "{}: page size {width}",
        pdf.display()
    );
    assert!(
        (image.width as f32 - width * px).abs() < 2.0,
        "{renderer}: {} page 1 is {} px wide",
        pdf.display(),
        image.width
    );
    for (text, [x0, y0, x1, y1]) in text_boxes(pdf) {
        let dark = image.dark_fraction(x0 * px, y0 * px, x1 * px, y1 * px, 160);
        assert!(
            dark > 0.04,
            "{renderer}: {} page 1: only {:.1}% dark pixels where {text:?} is",
            pdf.display(),
            dark * 100.0
        );
    }
    // The left margin (15 mm) is white: the page is not rendered as a dark block.
    let margin = image.dark_fraction(0.0, 0.0, 42.0 * px, image.height as f32, 250);
    assert!(
        margin < 0.001,
        "{renderer}: {} page 1 left margin is not white",
        pdf.display()
    );
}

fn example_pdfs() -> Vec<PathBuf> {
    let pdfs = pdf_files(example_output());
    assert!(pdfs.len() >= 11, "example PDFs: {pdfs:?}");
    pdfs
}

#[test]
fn example_pdfs_pass_qpdf_check() {
    for pdf in example_pdfs() {
        let o = tool("qpdf", ["--check".as_ref(), pdf.as_os_str()]);
        let out = String::from_utf8_lossy(&o.stdout);
        let err = stderr(&o);
        assert!(
            o.status.code() == Some(0)
                && err.trim().is_empty()
                && !out.to_lowercase().contains("warning"),
            "qpdf --check {} ({}):\n{out}{err}",
            pdf.display(),
            o.status
        );
        assert!(
            out.contains("No syntax or stream encoding errors found"),
            "{out}"
        );
    }
}

#[test]
fn example_pdfs_render_in_poppler() {
    for pdf in example_pdfs() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("p");
        let o = tool(
            "pdftoppm",
            [
                "-r".as_ref(),
                "50".as_ref(),
                "-png".as_ref(),
                pdf.as_os_str(),
                prefix.as_os_str(),
            ],
        );
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "pdftoppm {} ({}):\n{}",
            pdf.display(),
            o.status,
            stderr(&o)
        );
        let pages: usize = pdfinfo(&pdf)["Pages"].parse().unwrap();
        let mut pngs: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        pngs.sort();
        assert_eq!(pngs.len(), pages, "pdftoppm pages of {}", pdf.display());
        for png in &pngs {
            let g = Gray::load(png);
            assert!(
                g.dark_fraction(0.0, 0.0, g.width as f32, g.height as f32, 250) > 0.001,
                "{} blank",
                png.display()
            );
        }
        assert_text_visible("poppler", &pdf, &Gray::load(&pngs[0]), 50.0);
    }
}

/// The one line MuPDF prints on this machine for every file (its build has no ICC support);
/// anything else on stderr is a problem.
const MUPDF_ICC: &str = "warning: ICC support is not available";

#[test]
fn example_pdfs_render_in_mupdf() {
    for pdf in example_pdfs() {
        let dir = tempfile::tempdir().unwrap();
        let pattern = dir.path().join("p%03d.png");
        let o = tool(
            "mutool",
            [
                "draw".as_ref(),
                "-q".as_ref(),
                "-r".as_ref(),
                "50".as_ref(),
                "-o".as_ref(),
                pattern.as_os_str(),
                pdf.as_os_str(),
            ],
        );
        let err = stderr(&o);
        let other: Vec<&str> = err
            .lines()
            .filter(|l| *l != MUPDF_ICC && !l.trim().is_empty())
            .collect();
        assert!(
            o.status.success() && other.is_empty(),
            "mutool draw {} ({}):\n{err}",
            pdf.display(),
            o.status
        );
        let pages: usize = pdfinfo(&pdf)["Pages"].parse().unwrap();
        let mut pngs: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        pngs.sort();
        assert_eq!(pngs.len(), pages, "mutool pages of {}", pdf.display());
        for png in &pngs {
            let g = Gray::load(png);
            assert!(
                g.dark_fraction(0.0, 0.0, g.width as f32, g.height as f32, 250) > 0.001,
                "{} blank",
                png.display()
            );
        }
        assert_text_visible("MuPDF", &pdf, &Gray::load(&pngs[0]), 50.0);
    }
}

#[test]
fn example_pdfs_render_in_pdfium() {
    let pdfs = example_pdfs();
    let dir = tempfile::tempdir().unwrap();
    let script = repo_root().join("tests/pdf/pdfium_check.py");
    let mut args: Vec<std::ffi::OsString> = vec![
        script.into(),
        "--dpi".into(),
        "50".into(),
        "--first-page-dir".into(),
        dir.path().into(),
    ];
    args.extend(pdfs.iter().map(|p| p.clone().into_os_string()));
    let o = tool("python3", &args);
    let err = stderr(&o);
    assert_ne!(
        o.status.code(),
        Some(2),
        "PDFium check cannot run: pypdfium2 is missing. Install it: `pip install pypdfium2` \
         (bash .ci/run does).\n{err}"
    );
    assert!(
        o.status.success() && err.trim().is_empty(),
        "tests/pdf/pdfium_check.py failed ({}):\n{err}",
        o.status
    );
    let reports: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(reports.len(), pdfs.len());
    for (i, (pdf, r)) in pdfs.iter().zip(&reports).enumerate() {
        let pages: u64 = pdfinfo(pdf)["Pages"].parse().unwrap();
        assert_eq!(r["pages"].as_u64(), Some(pages), "{}: {r}", pdf.display());
        // PDFium's text layer reads the Japanese back (ToUnicode works there too).
        let text = normalize(r["text"].as_str().unwrap());
        let title = pdfinfo(pdf)["Title"].clone();
        assert!(
            text.replace(' ', "")
                .contains(&title.replace([' ', '　'], "")),
            "{}: PDFium page 1 text lacks the title {title:?}: {text}",
            pdf.display()
        );
        assert_text_visible(
            "PDFium",
            pdf,
            &Gray::load(&dir.path().join(format!("{i}.pgm"))),
            50.0,
        );
    }
}
