//! The bound volume (合本) of each fiscal year, built by the real binary from a site whose
//! issues span two fiscal years (2022-03-31 is the last day of 令和３年度, 2022-04-01 the first
//! of 令和４年度, which has only that issue). The volume is read back with the tools readers
//! and printers use: poppler (pdftotext per page, pdfinfo), qpdf, MuPDF, PDFium, and lopdf for
//! the outline, links and fonts.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::*;
use lopdf::{Dictionary, Object, ObjectId};

const TODAY_HERE: &str = "2022-06-01";
const VOL3: &str = "newsletters/コーディネーター連絡会通信_令和３年度合本.pdf";
const VOL4: &str = "newsletters/コーディネーター連絡会通信_令和４年度合本.pdf";

/// A long section: enough text for an issue of more than one page.
fn long_text(n: usize) -> String {
    SEED_BULLETS
        .iter()
        .cycle()
        .take(n)
        .map(|b| format!("{b}。"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// (number, date, title, sections) of the fixture's issues.
const ISSUES: [(u32, &str, &str, &[&str]); 4] = [
    (
        1,
        "2021-06-30",
        "コーディネーター連絡会通信 第１号",
        &["はじめに", "研修会の報告"],
    ),
    (
        2,
        "2021-09-30",
        "ACPを考える特集号",
        &["ACPとは", "各区の取組み", "アンケート結果"],
    ),
    (
        3,
        "2022-03-31",
        "コーディネーター連絡会通信 第３号",
        &["年度末のごあいさつ"],
    ),
    (
        4,
        "2022-04-01",
        "コーディネーター連絡会通信 第４号",
        &["新年度のごあいさつ"],
    ),
];

fn issue_file(number: u32) -> String {
    format!("content/newsletters/vol{number:02}.md")
}

fn site() -> Fixture {
    let files: Vec<(String, String)> = ISSUES
        .iter()
        .map(|(number, date, title, sections)| {
            let body: Vec<String> = sections
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    // Issue 1's second section runs over a page break.
                    let n = if *number == 1 && i == 1 { 40 } else { 3 };
                    format!("## {s}\n\n{}\n", long_text(n + i))
                })
                .collect();
            (
                issue_file(*number),
                newsletter(*number, date, title, &body.join("\n")),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Fixture::new(&refs)
}

fn built() -> Fixture {
    let f = site();
    let o = f.run(TODAY_HERE, &[]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    f
}

fn pages(pdf: &Path) -> usize {
    pdfinfo(pdf)["Pages"].parse().unwrap()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The PDF of issue `number` as the build writes it.
fn issue_pdf(f: &Fixture, number: u32) -> PathBuf {
    f.out().join(format!(
        "newsletters/コーディネーター連絡会通信_第{number}号.pdf"
    ))
}

/// The contents rows read back from the contents pages: (text, printed page number).
fn contents_rows(
    pdf: &Path,
    contents_pages: std::ops::RangeInclusive<usize>,
) -> Vec<(String, usize)> {
    let mut rows = Vec::new();
    for n in contents_pages {
        for line in pdf_page_text(pdf, n).lines() {
            let line = line.trim();
            let Some((text, number)) = line.rsplit_once(char::is_whitespace) else {
                continue;
            };
            // The footer (`3 / 9`) is not a row.
            if text.trim_end().ends_with('/') || text.trim().is_empty() {
                continue;
            }
            if let Ok(page) = number.parse::<usize>() {
                rows.push((squash(text), page));
            }
        }
    }
    rows
}

fn date_ja(date: &str) -> &'static str {
    match date {
        "2021-06-30" => "令和３年６月30日（水）",
        "2021-09-30" => "令和３年９月30日（木）",
        "2022-03-31" => "令和４年３月31日（木）",
        "2022-04-01" => "令和４年４月１日（金）",
        _ => unreachable!(),
    }
}

#[test]
fn volume_has_cover_contents_and_the_issues_with_the_right_page_numbers() {
    let f = built();
    let vol = f.out().join(VOL3);
    let issues = &ISSUES[..3];
    let issue_pages: Vec<usize> = issues.iter().map(|i| pages(&issue_pdf(&f, i.0))).collect();
    assert!(
        issue_pages[0] >= 2,
        "issue 1 should run over a page: {issue_pages:?}"
    );
    let total = pages(&vol);
    // Cover (1 page) + contents (1 page for 9 rows) + the issues' pages.
    assert_eq!(total, 1 + 1 + issue_pages.iter().sum::<usize>());

    // The cover: the volume's title, the year and every issue with its date.
    let cover = squash(&pdf_page_text(&vol, 1));
    assert!(cover.contains("コーディネーター連絡会通信"), "{cover}");
    assert!(cover.contains("令和３年度合本"), "{cover}");
    for (number, date, _, _) in issues {
        let label = format!("第{}号", ["", "１", "２", "３"][*number as usize]);
        assert!(
            cover.contains(&format!("{label}{}発行", date_ja(date))),
            "{label}: {cover}"
        );
    }
    assert!(!cover.contains("第４号"), "{cover}");
    assert!(squash(&pdf_page_text(&vol, 2)).starts_with("目次"));

    // Every contents row names the page where its issue or section starts.
    let rows = contents_rows(&vol, 2..=2);
    let mut want = Vec::new();
    for (number, date, title, sections) in issues {
        let label = format!("第{}号", ["", "１", "２", "３"][*number as usize]);
        let mut head = format!("{label}{}発行", date_ja(date));
        if !title.starts_with("コーディネーター") {
            head.push_str(&squash(title));
        }
        want.push(head);
        want.extend(sections.iter().map(|s| squash(s)));
    }
    let got: Vec<&String> = rows.iter().map(|(t, _)| t).collect();
    assert_eq!(got, want.iter().collect::<Vec<_>>(), "contents rows");
    let mut start = 3;
    let mut k = 0;
    for ((number, date, _, sections), n) in issues.iter().zip(&issue_pages) {
        let (_, page) = &rows[k];
        assert_eq!(*page, start, "issue {number} starts on page {start}");
        let first = squash(&pdf_page_text(&vol, *page));
        assert!(
            first.contains(&format!("発行日{}", date_ja(date))),
            "page {page}: {first}"
        );
        let before = squash(&pdf_page_text(&vol, page - 1));
        assert!(!before.contains(&format!("発行日{}", date_ja(date))));
        for s in sections.iter() {
            k += 1;
            let (text, page) = &rows[k];
            assert!(
                (start..start + n).contains(page),
                "{text} on page {page}, outside issue {number}"
            );
            let lines: Vec<String> = pdf_page_text(&vol, *page).lines().map(squash).collect();
            assert!(
                lines.contains(&squash(s)),
                "heading {s} not on page {page}: {lines:?}"
            );
            if *page > start {
                let before: Vec<String> =
                    pdf_page_text(&vol, page - 1).lines().map(squash).collect();
                assert!(
                    !before.contains(&squash(s)),
                    "{s} already on page {}",
                    page - 1
                );
            }
        }
        k += 1;
        start += n;
    }

    // Continuous page numbers in every footer: `n / total`.
    for n in 1..=total {
        let text = pdf_page_text(&vol, n);
        let last = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        assert_eq!(last.trim(), format!("{n} / {total}"), "footer of page {n}");
    }

    // The outline: 目次, then each issue with its sections, pointing at those pages.
    let doc = lopdf::Document::load(&vol).unwrap();
    let outline = outline_items(&doc);
    let mut want_outline = vec![(0, "目次".to_owned(), 1)];
    let mut start = 3;
    let mut k = 0;
    for ((_, _, _, sections), n) in issues.iter().zip(&issue_pages) {
        want_outline.push((0, rows[k].0.clone(), start - 1));
        for _ in sections.iter() {
            k += 1;
            want_outline.push((1, rows[k].0.clone(), rows[k].1 - 1));
        }
        k += 1;
        start += n;
    }
    let got: Vec<(usize, String, usize)> = outline
        .iter()
        .map(|(d, t, p)| (*d, squash(t), *p))
        .collect();
    assert_eq!(got, want_outline, "outline");

    // Each contents row links to its page.
    let mut linked = link_pages(&doc, 1);
    linked.sort();
    let mut want_links: Vec<usize> = rows.iter().map(|(_, p)| p - 1).collect();
    want_links.sort();
    assert_eq!(linked, want_links, "contents links");
}

#[test]
fn fiscal_year_boundary_and_a_year_of_one_issue() {
    let f = built();
    let vol3 = f.out().join(VOL3);
    let vol4 = f.out().join(VOL4);
    // 2022-03-31 is in 令和３年度; 2022-04-01 starts 令和４年度, alone in its volume.
    let text3 = squash(&pdftotext(&vol3));
    let text4 = squash(&pdftotext(&vol4));
    assert!(text3.contains("令和４年３月31日（木）"));
    assert!(!text3.contains("令和４年４月１日"));
    assert!(text4.contains("令和４年４月１日（金）"));
    assert!(!text4.contains("令和４年３月31日"));
    assert!(text4.contains("令和４年度合本"));
    assert_eq!(pages(&vol4), 2 + pages(&issue_pdf(&f, 4)));
    let mut volumes: Vec<String> = pdf_files(&f.out())
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
        .filter(|n| n.contains("合本"))
        .collect();
    volumes.sort();
    assert_eq!(
        volumes,
        [
            "コーディネーター連絡会通信_令和３年度合本.pdf",
            "コーディネーター連絡会通信_令和４年度合本.pdf"
        ]
    );

    // The archive links each volume in its year's section.
    let html = f.html("newsletters/index.html");
    for (year, file) in [(2021, VOL3), (2022, VOL4)] {
        let hrefs = attrs(&html, &format!("#fy-{year} .volume-link a"), "href");
        assert_eq!(hrefs.len(), 1, "fy-{year}: {hrefs:?}");
        let target = resolve("newsletters/index.html", &hrefs[0])
            .unwrap()
            .unwrap();
        assert_eq!(target, file);
        assert!(f.out().join(&target).is_file());
    }
    assert_eq!(broken_links(&f.out()), Vec::<String>::new());
}

#[test]
fn volume_is_smaller_than_its_issues_and_subsets_fonts_once() {
    let f = built();
    let vol = f.out().join(VOL3);
    let issues: Vec<PathBuf> = ISSUES[..3].iter().map(|i| issue_pdf(&f, i.0)).collect();
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    let sum: u64 = issues.iter().map(|p| size(p)).sum();
    eprintln!("volume {} bytes, issues {sum} bytes", size(&vol));
    assert!(size(&vol) < sum, "volume {} ≥ issues {sum}", size(&vol));
    // One embedded font program per font, not one per issue.
    let fonts = |p: &Path| -> usize {
        let doc = lopdf::Document::load(p).unwrap();
        doc.objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.get(b"FontFile2").is_ok())
            .count()
    };
    let most = issues.iter().map(|p| fonts(p)).max().unwrap();
    assert!(most >= 1);
    assert_eq!(fonts(&vol), most, "font programs in the volume");
}

#[test]
fn volumes_pass_qpdf_poppler_mupdf_and_pdfium() {
    let f = built();
    for rel in [VOL3, VOL4] {
        let pdf = f.out().join(rel);
        let o = tool("qpdf", ["--check".as_ref(), pdf.as_os_str()]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success() && o.stderr.is_empty() && !out.to_lowercase().contains("warning"),
            "qpdf {rel}: {out}{}",
            stderr(&o)
        );
        let n = pages(&pdf);
        let dir = tempfile::tempdir().unwrap();
        let o = tool(
            "pdftoppm",
            [
                "-r".as_ref(),
                "30".as_ref(),
                "-png".as_ref(),
                pdf.as_os_str(),
                dir.path().join("p").as_os_str(),
            ],
        );
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "pdftoppm {rel}: {}",
            stderr(&o)
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), n);
        let dir = tempfile::tempdir().unwrap();
        let o = tool(
            "mutool",
            [
                "draw".as_ref(),
                "-q".as_ref(),
                "-r".as_ref(),
                "30".as_ref(),
                "-o".as_ref(),
                dir.path().join("p%03d.png").as_os_str(),
                pdf.as_os_str(),
            ],
        );
        let err = stderr(&o);
        let other: Vec<&str> = err
            .lines()
            .filter(|l| *l != "warning: ICC support is not available" && !l.trim().is_empty())
            .collect();
        assert!(
            o.status.success() && other.is_empty(),
            "mutool {rel}: {err}"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), n);
    }
    let script = repo_root().join("tests/pdf/pdfium_check.py");
    let o = tool(
        "python3",
        [
            script.as_os_str(),
            "--dpi".as_ref(),
            "30".as_ref(),
            f.out().join(VOL3).as_os_str(),
            f.out().join(VOL4).as_os_str(),
        ],
    );
    assert!(
        o.status.success() && o.stderr.is_empty(),
        "PDFium ({}; pypdfium2 comes from `pip install pypdfium2`): {}",
        o.status,
        stderr(&o)
    );
    let reports: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (rel, r) in [VOL3, VOL4].iter().zip(&reports) {
        assert_eq!(r["pages"].as_u64(), Some(pages(&f.out().join(rel)) as u64));
        let text = squash(r["text"].as_str().unwrap());
        assert!(
            text.contains("合本"),
            "PDFium reads the cover of {rel}: {text}"
        );
    }
}

#[test]
fn no_pdf_makes_no_volume_and_check_passes() {
    let f = site();
    let o = f.run(TODAY_HERE, &["--no-pdf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(pdf_files(&f.out()).is_empty());
    assert_eq!(count(&f.html("newsletters/index.html"), ".volume-link"), 0);
    let root = f.root();
    let o = run_bin(
        &[
            "check",
            "--root",
            root.to_str().unwrap(),
            "--today",
            TODAY_HERE,
        ],
        f.dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn volume_name_never_takes_a_published_file() {
    // A published attachment already has the volume's name: the volume takes `_2`, and the
    // archive links the volume, the issue links the attachment.
    let f = site();
    f.write_bytes(&format!("content/{VOL3}"), b"%PDF-1.4 attachment");
    let text = std::fs::read_to_string(f.root().join(issue_file(2))).unwrap();
    let name = VOL3.rsplit('/').next().unwrap();
    f.write(&issue_file(2), &format!("{text}\n[昨年度の綴り]({name})\n"));
    let o = f.run(TODAY_HERE, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(f.out().join(VOL3)).unwrap(),
        b"%PDF-1.4 attachment"
    );
    let renamed = VOL3.replace(".pdf", "_2.pdf");
    let html = f.html("newsletters/index.html");
    let hrefs = attrs(&html, "#fy-2021 .volume-link a", "href");
    assert_eq!(
        resolve("newsletters/index.html", &hrefs[0])
            .unwrap()
            .unwrap(),
        renamed
    );
    assert!(squash(&pdftotext(&f.out().join(&renamed))).contains("令和３年度合本"));
}

#[test]
fn serve_renders_the_volume_as_build_writes_it() {
    let f = built();
    let mut server = serve::Running(
        serve::command(&f.root())
            .args(["--today", TODAY_HERE])
            .stderr(Stdio::null())
            .spawn()
            .expect("start tsushin serve"),
    );
    let addr = serve::address(&mut server.0);
    let path = format!("/{}", tsushin::site::links::encode_path(VOL3));
    let mut s = std::net::TcpStream::connect(&addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap();
    drop(server);
    let split = reply.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&reply[..split]).into_owned();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("application/pdf"), "{head}");
    assert!(
        reply[split + 4..] == std::fs::read(f.out().join(VOL3)).unwrap(),
        "the served volume differs from the built one"
    );
}

// lopdf helpers

fn deref<'a>(doc: &'a lopdf::Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        other => other,
    }
}

fn text_string(o: &Object) -> String {
    let bytes = o.as_str().unwrap();
    let rest = bytes.strip_prefix(&[0xFE, 0xFF]).expect("UTF-16BE title");
    let units: Vec<u16> = rest
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).unwrap()
}

fn page_indices(doc: &lopdf::Document) -> BTreeMap<ObjectId, usize> {
    doc.get_pages()
        .into_iter()
        .map(|(n, id)| (id, n as usize - 1))
        .collect()
}

/// (depth, title, 0-based page) of every outline item, depth first.
fn outline_items(doc: &lopdf::Document) -> Vec<(usize, String, usize)> {
    let pages = page_indices(doc);
    let root = deref(doc, doc.catalog().unwrap().get(b"Outlines").unwrap())
        .as_dict()
        .unwrap();
    fn walk(
        doc: &lopdf::Document,
        parent: &Dictionary,
        depth: usize,
        pages: &BTreeMap<ObjectId, usize>,
        out: &mut Vec<(usize, String, usize)>,
    ) {
        let Ok(mut item) = parent.get(b"First") else {
            return;
        };
        loop {
            let d = deref(doc, item).as_dict().unwrap();
            let dest = deref(doc, d.get(b"Dest").unwrap()).as_array().unwrap();
            let page = pages[&dest[0].as_reference().unwrap()];
            out.push((depth, text_string(d.get(b"Title").unwrap()), page));
            walk(doc, d, depth + 1, pages, out);
            match d.get(b"Next") {
                Ok(next) => item = next,
                Err(_) => break,
            }
        }
    }
    let mut out = Vec::new();
    walk(doc, root, 0, &pages, &mut out);
    out
}

/// 0-based target pages of the internal links on page `index` (0-based).
fn link_pages(doc: &lopdf::Document, index: usize) -> Vec<usize> {
    let pages = page_indices(doc);
    let page_id = *pages.iter().find(|(_, i)| **i == index).unwrap().0;
    let page = doc.get_dictionary(page_id).unwrap();
    let Ok(annots) = page.get(b"Annots") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for a in deref(doc, annots).as_array().unwrap() {
        let a = deref(doc, a).as_dict().unwrap();
        let dest = match (a.get(b"Dest"), a.get(b"A")) {
            (Ok(d), _) => deref(doc, d),
            (_, Ok(action)) => match deref(doc, action).as_dict().unwrap().get(b"D") {
                Ok(d) => deref(doc, d),
                Err(_) => continue,
            },
            _ => continue,
        };
        if let Ok(arr) = dest.as_array()
            && let Ok(id) = arr[0].as_reference()
        {
            out.push(pages[&id]);
        }
    }
    out
}

#[test]
fn preview_relinks_a_renamed_volume_as_a_full_build_does() {
    use tsushin::site::incremental::{Changes, Live, LiveOptions};
    let today: jiff::civil::Date = TODAY_HERE.parse().unwrap();
    let f = site();
    let mut live = Live::new(LiveOptions {
        root: f.root(),
        drafts: false,
        today: Some(today),
        pdf: true,
    });
    let vol = live
        .render_pdf(VOL3)
        .expect("serve knows the volume")
        .unwrap();
    assert!(vol.starts_with(b"%PDF-"));
    // An edit that only links an attachment with the volume's name: the page's summary and the
    // page list stay the same, yet the archive must now link the renamed volume.
    let name = VOL3.rsplit('/').next().unwrap();
    f.write_bytes(&format!("content/{VOL3}"), b"%PDF-1.4 attachment");
    let text = std::fs::read_to_string(f.root().join(issue_file(2))).unwrap();
    f.write(&issue_file(2), &format!("{text}\n[昨年度の綴り]({name})\n"));
    live.update(&Changes {
        full: false,
        content: [VOL3.to_owned(), "newsletters/vol02.md".to_owned()].into(),
    });
    let mut d = tsushin::diag::Diagnostics::new();
    let site = tsushin::site::load(&f.root(), false, &mut d).unwrap();
    let full = tsushin::site::render_all(&site, today, &mut d).unwrap();
    assert!(!d.has_errors(), "{d:?}");
    let listing = "newsletters/index.html";
    assert!(
        *live.files()[listing] == *full[listing].as_slice(),
        "the preview's archive differs from a full build's"
    );
    let renamed = VOL3.replace(".pdf", "_2.pdf");
    let html = scraper::Html::parse_document(&String::from_utf8_lossy(&full[listing]));
    let hrefs = attrs(&html, "#fy-2021 .volume-link a", "href");
    assert_eq!(resolve(listing, &hrefs[0]).unwrap().unwrap(), renamed);
    assert!(live.render_pdf(&renamed).is_some_and(|r| r.is_ok()));
    assert!(
        live.render_pdf(VOL3).is_none(),
        "the attachment is no PDF of the site"
    );
}

#[test]
fn volume_names_are_safe_for_windows() {
    let f = Fixture::new(&[
        (
            "site.yaml",
            "title: テスト用 連絡会サイト\nnewsletter:\n  name: \"通信: 在宅/介護*連携?\"\n",
        ),
        (
            "content/newsletters/vol01.md",
            &newsletter(1, "2021-06-30", "第１号", "## はじめに\n\n本文です。"),
        ),
    ]);
    let o = f.run(TODAY_HERE, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let volumes: Vec<String> = pdf_files(&f.out())
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
        .filter(|n| n.ends_with("合本.pdf"))
        .collect();
    assert_eq!(volumes, ["通信__在宅_介護_連携__令和３年度合本.pdf"]);
    assert_eq!(broken_links(&f.out()), Vec::<String>::new());
}
