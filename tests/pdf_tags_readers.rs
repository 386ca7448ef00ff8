//! Tagged PDF (issue 10) checked from outside the writer: every PDF of the example site and of
//! a fixture site, built by the real binary, is read by three independent structure-tree
//! readers — poppler (`pdfinfo -struct-text`), PDFium (pypdfium2's FPDF_StructTree_* calls)
//! and pdf.js (`page.getStructTree()`, what Firefox gives screen readers) — which must agree,
//! and whose tree must follow the Markdown: heading levels, figures with /Alt (survey charts
//! stating every answer), tables with TH, the training information box as row headers, the
//! text of every paragraph in reading order. lopdf checks the objects the readers rely on:
//! marked content, ParentTree, annotations, catalog entries (docs/matterhorn.md lists which
//! Matterhorn checkpoint each test covers). The readers themselves are checked on Typst's
//! PDF/UA-1 output of the same issue (bench/typst/issue_ua.typ). Checks of text (headings,
//! rows, reading order) read poppler's tree and checks of /Alt and attributes PDFium's: the
//! agreement test holds the three to the same tree, so a reader that loses the text fails
//! there, by name, and not in every other test.
//!
//! Needs python3 with pypdfium2 and typst (target/ci-venv first on PATH), node with pdfjs-dist
//! (npm ci), poppler-utils, qpdf, mupdf-tools; a missing tool fails the test and names it.

mod common;
#[path = "pdf_tags/document.rs"]
mod document;
#[path = "pdf_tags/objects.rs"]
mod objects;
#[path = "pdf_tags/setup.rs"]
mod setup;
#[path = "pdf_tags/source.rs"]
mod source;
#[path = "pdf_tags/trees.rs"]
mod trees;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::*;
use setup::*;
use source::{html_paragraphs, info_box_labels, pdf_paragraphs, percentages};
use trees::{El, Trees, squeeze, syntax_problems};

#[test]
fn the_readers_agree_on_typst_pdf_ua_output() {
    // The readers and the lopdf checks, on a PDF/UA-1 file written by another program.
    let t = Trees::read(typst_pdf());
    assert!(
        t.pdfium.has_content(),
        "Typst's PDF has no structure:\n{}",
        t.pdfium.outline()
    );
    assert_none("Typst UA-1 readers", agreement_problems(&t));
    let (links, problems) = link_problems(&t);
    assert_eq!(links, 6, "Typst's Link elements");
    assert_none("Typst UA-1 links", problems);
    let doc = lopdf::Document::load(typst_pdf()).unwrap();
    assert_none("Typst UA-1 objects", objects::parent_tree_problems(&doc));
    assert_none("Typst UA-1 content", objects::page_marked_content(&doc).1);
    let figures: Vec<&El> = t
        .pdfium
        .walk()
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e.role == "Figure")
        .collect();
    assert_eq!(figures.len(), 7, "{}", t.pdfium.outline());
    assert!(
        figures
            .iter()
            .all(|f| f.alt.as_deref().is_some_and(|a| a.contains("名（")))
    );
}

#[test]
fn every_pdf_is_tagged_and_the_three_readers_agree() {
    let mut problems = Vec::new();
    for t in all_trees().values() {
        if !t.pdfium.has_content() {
            problems.push(format!(
                "{}: no structure tree with content",
                short(&t.file)
            ));
            continue;
        }
        problems.extend(agreement_problems(t));
    }
    assert_none("reader agreement", problems);
}

#[test]
fn heading_levels_equal_the_markdown() {
    let mut problems = Vec::new();
    for (pdf, sources) in pdfs() {
        let t = &all_trees()[&pdf];
        let got: Vec<(u8, String)> = t
            .poppler
            .walk()
            .into_iter()
            .filter_map(|(_, e)| {
                let level = e.role.strip_prefix('H')?.parse::<u8>().ok()?;
                Some((level, e.text()))
            })
            .collect();
        // Matterhorn 14-002 (first heading H1) and 14-003 (no skipped level), for any PDF.
        if got.first().map(|h| h.0) != Some(1) {
            problems.push(format!(
                "{}: the first heading is not H1: {got:?}",
                short(&pdf)
            ));
        }
        for w in got.windows(2) {
            if w[1].0 > w[0].0 + 1 {
                problems.push(format!(
                    "{}: {:?} skips a level after {:?}",
                    short(&pdf),
                    w[1],
                    w[0]
                ));
            }
        }
        if t.pdfium.walk().iter().any(|(_, e)| e.role == "H") {
            problems.push(format!("{}: uses H besides H1–H6 (14-007)", short(&pdf)));
        }
        let Some(src) = source_of(t, &sources) else {
            problems.push(format!(
                "{}: no H1 naming a source page ({got:?})",
                short(&pdf)
            ));
            continue;
        };
        let want: Vec<(u8, String)> = src.headings.iter().map(|(l, s)| (*l, squeeze(s))).collect();
        if got != want {
            problems.push(format!(
                "{}: headings\n  PDF:      {got:?}\n  Markdown: {want:?}",
                short(&pdf)
            ));
        }
    }
    assert_none("headings", problems);
}

#[test]
fn every_figure_has_alt_and_survey_figures_state_every_answer() {
    let mut problems = Vec::new();
    let mut surveys_seen = 0;
    for (pdf, sources) in pdfs() {
        let t = &all_trees()[&pdf];
        let figures: Vec<&El> = t
            .pdfium
            .walk()
            .into_iter()
            .map(|(_, e)| e)
            .filter(|e| e.role == "Figure")
            .collect();
        for f in &figures {
            if f.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
                problems.push(format!(
                    "{}: a Figure without /Alt (13-004): {}",
                    short(&pdf),
                    f.text()
                ));
            }
        }
        // pdf.js (Firefox) sees the same descriptions.
        let js: Vec<String> = t
            .pdfjs_pages
            .iter()
            .flat_map(|p| {
                p.walk()
                    .into_iter()
                    .filter(|(_, e)| e.role == "Figure")
                    .map(|(_, e)| e.alt.clone().unwrap_or_default())
                    .collect::<Vec<_>>()
            })
            .collect();
        for f in &figures {
            if !js.contains(&f.alt.clone().unwrap_or_default()) {
                problems.push(format!(
                    "{}: pdf.js lacks the Figure alt {:?}",
                    short(&pdf),
                    f.alt
                ));
            }
        }
        let Some(src) = source_of(t, &sources) else {
            continue;
        };
        for s in &src.surveys {
            surveys_seen += 1;
            let total: u64 = s.answers.iter().map(|a| a.1).sum();
            let pct = percentages(&s.answers.iter().map(|a| a.1).collect::<Vec<_>>());
            let head = match &s.group {
                Some(g) => format!("{}（{g}、回答{total}{}）", s.question, s.unit),
                None => format!("{}（回答{total}{}）", s.question, s.unit),
            };
            let Some(alt) = figures
                .iter()
                .filter_map(|f| f.alt.as_deref())
                .find(|a| a.starts_with(&head))
            else {
                problems.push(format!("{}: no Figure /Alt starting {head:?}", short(&pdf)));
                continue;
            };
            // Every answer with count and percentage, in the written order.
            let mut at = head.len();
            for ((label, n), p) in s.answers.iter().zip(&pct) {
                let piece = format!("{label}{n}{}（{p}%）", s.unit);
                match alt[at..].find(&piece) {
                    Some(i) => at += i + piece.len(),
                    None => problems.push(format!(
                        "{}: {alt:?} lacks {piece:?} (in order)",
                        short(&pdf)
                    )),
                }
            }
            // The legend and bar labels are not read a second time outside the Figure.
            let outside: String = t
                .poppler
                .walk()
                .into_iter()
                .filter(|(path, e)| e.role == "P" && !path.iter().any(|r| r == "Figure"))
                .map(|(_, e)| e.text())
                .collect();
            let legend = squeeze(&format!("{}{}{}", s.answers[0].0, s.answers[0].1, s.unit));
            if outside.contains(&legend) {
                problems.push(format!(
                    "{}: the legend {legend:?} is read outside its Figure",
                    short(&pdf)
                ));
            }
        }
    }
    assert!(
        surveys_seen >= 8,
        "only {surveys_seen} surveys found in the sources"
    );
    assert_none("figures", problems);
}

#[test]
fn every_table_has_header_cells_with_scope_and_tables_and_lists_are_well_formed() {
    let mut problems = Vec::new();
    let mut tables = 0;
    for t in all_trees().values() {
        let name = short(&t.file);
        problems.extend(syntax_problems(&name, &t.pdfium));
        for (_, table) in t
            .pdfium
            .walk()
            .into_iter()
            .filter(|(_, e)| e.role == "Table")
        {
            tables += 1;
            let ths: Vec<&El> = table
                .walk()
                .into_iter()
                .map(|(_, e)| e)
                .filter(|e| e.role == "TH")
                .collect();
            if ths.is_empty() {
                problems.push(format!("{name}: a Table without TH: {}", table.text()));
            }
            for th in ths {
                // 15-003: TH without Headers/IDs needs a Scope; poppler reads it too.
                let scope = th.attrs.get("Scope").map(String::as_str);
                if !matches!(scope, Some("Column" | "Row" | "Both")) {
                    problems.push(format!("{name}: TH {:?} has Scope {scope:?}", th.text()));
                }
            }
        }
        let poppler_scopes = t
            .poppler
            .walk()
            .into_iter()
            .filter(|(_, e)| e.role == "TH" && e.attrs.contains_key("Scope"))
            .count();
        let pdfium_scopes = t
            .pdfium
            .walk()
            .into_iter()
            .filter(|(_, e)| e.role == "TH" && e.attrs.contains_key("Scope"))
            .count();
        if poppler_scopes != pdfium_scopes {
            problems.push(format!(
                "{name}: poppler sees {poppler_scopes} TH Scope, PDFium {pdfium_scopes}"
            ));
        }
    }
    assert!(tables >= 10, "only {tables} tables in all PDFs");
    assert_none("tables and lists", problems);
}

#[test]
fn training_information_box_rows_are_row_headers() {
    let mut problems = Vec::new();
    let mut events = 0;
    for (pdf, sources) in pdfs() {
        let t = &all_trees()[&pdf];
        let Some(src) = source_of(t, &sources) else {
            continue;
        };
        if !src.front.contains_key("sessions") {
            continue;
        }
        events += 1;
        let want = info_box_labels(&src.front);
        let found = t.poppler.walk().into_iter().any(|(_, table)| {
            table.role == "Table" && {
                let rows: Vec<(String, Option<String>)> = table
                    .walk()
                    .into_iter()
                    .filter(|(_, e)| e.role == "TR")
                    .filter_map(|(_, tr)| {
                        tr.children()
                            .next()
                            .map(|c| (c.role.clone(), c.text(), c.attrs.get("Scope").cloned()))
                    })
                    .filter(|(role, _, _)| role == "TH")
                    .map(|(_, text, scope)| (text, scope))
                    .collect();
                rows.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>() == want
                    && rows.iter().all(|(_, s)| s.as_deref() == Some("Row"))
            }
        });
        if !found {
            problems.push(format!(
                "{}: no Table whose rows start with TH /Scope /Row {want:?}; tables:\n{}",
                short(&pdf),
                t.poppler
                    .walk()
                    .into_iter()
                    .filter(|(_, e)| e.role == "Table")
                    .map(|(_, e)| e.outline())
                    .collect::<String>()
            ));
        }
    }
    assert!(
        events >= 7,
        "only {events} training PDFs matched their source"
    );
    assert_none("information boxes", problems);
}

#[test]
fn no_page_content_outside_a_structure_element_or_an_artifact() {
    let mut problems = Vec::new();
    for (pdf, _) in pdfs() {
        let doc = lopdf::Document::load(&pdf).unwrap();
        problems.extend(
            objects::page_marked_content(&doc)
                .1
                .into_iter()
                .map(|p| format!("{}: {p}", short(&pdf))),
        );
    }
    assert_none("marked content", problems);
}

#[test]
fn every_mcid_and_annotation_is_referenced_once_through_the_parent_tree() {
    let mut problems = Vec::new();
    for (pdf, _) in pdfs() {
        let doc = lopdf::Document::load(&pdf).unwrap();
        problems.extend(
            objects::parent_tree_problems(&doc)
                .into_iter()
                .map(|p| format!("{}: {p}", short(&pdf))),
        );
    }
    assert_none("ParentTree", problems);
}

#[test]
fn catalog_metadata_roles_notes_and_fonts_meet_pdf_ua() {
    let mut problems = Vec::new();
    for (pdf, _) in pdfs() {
        let doc = lopdf::Document::load(&pdf).unwrap();
        problems.extend(
            document::document_problems(&doc)
                .into_iter()
                .map(|p| format!("{}: {p}", short(&pdf))),
        );
        let info = pdfinfo(&pdf);
        if info.get("Tagged").map(String::as_str) != Some("yes") {
            problems.push(format!(
                "{}: pdfinfo says Tagged: {:?}",
                short(&pdf),
                info.get("Tagged")
            ));
        }
    }
    assert_none("document", problems);
}

#[test]
fn structure_ordered_text_equals_the_source_paragraphs() {
    let mut problems = Vec::new();
    let mut compared = 0;
    for out in [example_out().to_path_buf(), fixture().out()] {
        // Title → the page's paragraphs.
        let mut by_title: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(|e| e.ok())
        {
            if entry.path().extension().is_none_or(|x| x != "html") {
                continue;
            }
            let html =
                scraper::Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
            let title: Vec<String> = texts(&html, "h1.page-title");
            if let Some(t) = title.first() {
                by_title.insert(squeeze(t), html_paragraphs(&html));
            }
        }
        for pdf in own_pdf_files(&out) {
            let t = &all_trees()[&pdf];
            let h1 = t
                .poppler
                .walk()
                .into_iter()
                .find(|(_, e)| e.role == "H1")
                .map(|(_, e)| e.text());
            let Some(want) = h1.and_then(|h| by_title.get(&h)) else {
                problems.push(format!("{}: no HTML page titled like its H1", short(&pdf)));
                continue;
            };
            compared += 1;
            let got = pdf_paragraphs(&t.poppler);
            // The source's paragraphs, in order and with nothing between them; the PDF may add
            // text before (the header box) and after (colophon).
            let start = want.first().and_then(|w| got.iter().position(|g| g == w));
            let span = start.map(|s| &got[s..(s + want.len()).min(got.len())]);
            if span != Some(&want[..]) {
                let diff = span
                    .unwrap_or(&[])
                    .iter()
                    .zip(want)
                    .position(|(g, w)| g != w)
                    .map(|i| {
                        format!(
                            "paragraph {}: PDF {:?}\n  source {:?}",
                            i + 1,
                            span.unwrap()[i],
                            want[i]
                        )
                    })
                    .unwrap_or_else(|| format!("PDF paragraphs {got:?}\n  source {want:?}"));
                problems.push(format!("{}: {diff}", short(&pdf)));
            }
        }
    }
    assert!(compared >= 13, "only {compared} PDFs compared");
    assert_none("reading order", problems);
}

/// A Link element holds the link's text and the OBJR of its annotation (ISO 32000-1 14.8.4.4.2,
/// PDF/UA-1 7.18.5): a screen reader announces the text as the link, and PDFium, which builds
/// its tree from marked content, sees the element at all.
fn link_problems(t: &Trees) -> (usize, Vec<String>) {
    let mut problems = Vec::new();
    let links: Vec<&El> = t
        .poppler
        .walk()
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e.role == "Link")
        .collect();
    for link in &links {
        let objr = link.kids.iter().any(|k| matches!(k, trees::Kid::Objr));
        if link.text().is_empty() || !objr {
            problems.push(format!(
                "{}: a Link with text {:?} and {} OBJR",
                short(&t.file),
                link.text(),
                if objr { "an" } else { "no" }
            ));
        }
    }
    (links.len(), problems)
}

#[test]
fn every_link_element_holds_its_text_and_its_annotation() {
    let mut problems = Vec::new();
    let mut links = 0;
    for t in all_trees().values() {
        let (n, p) = link_problems(t);
        links += n;
        problems.extend(p);
    }
    assert!(links >= 20, "only {links} Link elements in all PDFs");
    assert_none("links", problems);
}

/// The structure did not break the file for any of the four engines.
#[test]
fn every_pdf_passes_qpdf_poppler_mupdf_and_pdfium() {
    let mut problems = Vec::new();
    let files: Vec<PathBuf> = pdfs().into_iter().map(|(p, _)| p).collect();
    for pdf in &files {
        let name = short(pdf);
        let q = tool("qpdf", ["--check".as_ref(), pdf.as_os_str()]);
        let qout = String::from_utf8_lossy(&q.stdout).to_lowercase();
        if !q.status.success() || qout.contains("warning") || !stderr(&q).trim().is_empty() {
            problems.push(format!("{name}: qpdf --check: {qout}{}", stderr(&q)));
        }
        for (prog, args) in [
            (
                "pdftotext",
                vec!["-q".as_ref(), pdf.as_os_str(), "-".as_ref()],
            ),
            ("pdfinfo", vec!["-struct".as_ref(), pdf.as_os_str()]),
            ("mutool", vec!["info".as_ref(), pdf.as_os_str()]),
        ] {
            let o = tool(prog, args);
            let err: Vec<String> = stderr(&o)
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.contains("ICC support is not available"))
                .map(str::to_owned)
                .collect();
            if !o.status.success() || !err.is_empty() {
                problems.push(format!("{name}: {prog}: {}", err.join(" | ")));
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let pattern = dir.path().join("p%d.png");
        let o = tool(
            "mutool",
            [
                "draw".as_ref(),
                "-q".as_ref(),
                "-r".as_ref(),
                "20".as_ref(),
                "-o".as_ref(),
                pattern.as_os_str(),
                pdf.as_os_str(),
            ],
        );
        let err = stderr(&o);
        if !o.status.success()
            || err
                .lines()
                .any(|l| !l.contains("ICC support is not available"))
        {
            problems.push(format!("{name}: mutool draw: {err}"));
        }
    }
    let script = repo_root().join("tests/pdf/pdfium_check.py");
    let mut args = vec![script.as_os_str(), "--dpi".as_ref(), "20".as_ref()];
    args.extend(files.iter().map(|p| p.as_os_str()));
    let o = tool("python3", args);
    if !o.status.success() {
        problems.push(format!("PDFium: {}", stderr(&o)));
    }
    // PDFium's text layer (copy, search, read aloud in Chrome and Edge) still reads page 1:
    // it holds the title that poppler's structure tree gives as H1.
    let reports = String::from_utf8_lossy(&o.stdout).into_owned();
    for (pdf, line) in files.iter().zip(reports.lines()) {
        let report: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = squeeze(report["text"].as_str().unwrap_or(""));
        let h1 = all_trees()[pdf]
            .poppler
            .walk()
            .into_iter()
            .find(|(_, e)| e.role == "H1")
            .map(|(_, e)| e.text())
            .unwrap_or_default();
        if h1.is_empty() || !text.contains(&h1) {
            problems.push(format!(
                "{}: PDFium's text of page 1 ({} characters) lacks the title {h1:?}",
                short(pdf),
                text.chars().count()
            ));
        }
    }
    assert_none("engines", problems);
}
