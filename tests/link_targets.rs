//! One link resolver for the HTML and the PDF: every link of a page goes to the same place in
//! both outputs, `//host/…` included, and `check`, `build` and `tsushin pdf` report a broken
//! or refused link at the same place with the same words.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use lopdf::{Document, Object, ObjectId};
use scraper::{Html, Selector};

const ISSUE: &str = "content/newsletters/2021-06-vol01.md";
const BASE: &str = "https://intranet.example.city.lg.jp/zaitaku/";

/// Where a link goes, as a reader's viewer sees it.
#[derive(Debug, Clone, PartialEq)]
enum Goes {
    /// An absolute address.
    Uri(String),
    /// A place in the same document (the HTML fragment; the PDF's destination page).
    Internal(String),
}

/// A PDF text string (UTF-16 with a byte order mark, or PDFDocEncoding's ASCII part).
fn pdf_string(o: &Object) -> String {
    let b = o.as_str().unwrap_or_default();
    match b.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(b).into_owned(),
    }
}

/// Whether a link annotation says `注1`, `注2`…: a footnote's label, the renderer's own link
/// back to the reference, which the HTML writes as `↩` after the note.
fn is_note_label(contents: &str) -> bool {
    contents
        .strip_prefix('注')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// The link annotations of `pdf` in page order, without the footnotes' back links: URI
/// actions, and internal destinations with the 1-based number of the page they go to.
fn pdf_links(pdf: &Path) -> Vec<(Goes, Option<u32>)> {
    let doc = Document::load(pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
    let numbers: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    let page_of = |o: &Object| -> Option<u32> {
        let id = o.as_reference().ok()?;
        numbers.iter().find(|(_, p)| *p == id).map(|(n, _)| *n)
    };
    let mut out = Vec::new();
    for (_, page) in &numbers {
        let dict = doc.get_dictionary(*page).unwrap();
        let annots = match dict.get(b"Annots") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(Object::Reference(r)) => doc.get_object(*r).unwrap().as_array().unwrap().clone(),
            _ => Vec::new(),
        };
        for a in annots {
            let ad = match &a {
                Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
                Object::Dictionary(d) => d,
                _ => continue,
            };
            if ad.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Link".as_slice()) {
                continue;
            }
            if ad
                .get(b"Contents")
                .is_ok_and(|c| is_note_label(&pdf_string(c)))
            {
                continue;
            }
            let action = ad.get(b"A").and_then(Object::as_dict).ok();
            if let Some(uri) = action.and_then(|d| d.get(b"URI").ok()) {
                let uri = String::from_utf8_lossy(uri.as_str().unwrap()).into_owned();
                out.push((Goes::Uri(uri), None));
                continue;
            }
            let dest = action
                .and_then(|d| d.get(b"D").ok())
                .or_else(|| ad.get(b"Dest").ok())
                .and_then(|d| d.as_array().ok())
                .unwrap_or_else(|| panic!("a link with neither URI nor destination: {ad:?}"));
            let page = page_of(&dest[0]);
            out.push((Goes::Internal(format!("page {page:?}")), page));
        }
    }
    out
}

/// `href` (as written in the page at output path `from`) made absolute under `base`; a
/// fragment of the page itself stays internal.
fn absolute(base: &str, from: &str, href: &str) -> Goes {
    if let Some(frag) = href.strip_prefix('#') {
        return Goes::Internal(frag.to_owned());
    }
    let has_scheme = href
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()));
    if has_scheme {
        return Goes::Uri(href.to_owned());
    }
    assert!(
        !href.starts_with('/'),
        "{from}: `{href}` is not relative to the page"
    );
    let (path, frag) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (href, None),
    };
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                assert!(parts.pop().is_some(), "{from}: `{href}` leaves the site");
            }
            s => parts.push(s),
        }
    }
    let target = parts.join("/");
    match frag {
        Some(f) if target == from => Goes::Internal(f.to_owned()),
        Some(f) => Goes::Uri(format!("{base}{target}#{f}")),
        None => Goes::Uri(format!("{base}{target}")),
    }
}

/// Consecutive equal targets once: a link broken over two lines is two annotations.
fn collapse<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for i in items {
        if out.last() != Some(i) {
            out.push(i.clone());
        }
    }
    out
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap();
    html.select(&sel).collect()
}

/// The text of page `n` of `pdf`, without white space.
fn bare_page_text(pdf: &Path, n: u32) -> String {
    pdf_page_text(pdf, n as usize)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// What the element with `id` in `html` says, without white space or the footnote's back
/// link: a heading, a footnote, or the paragraph holding a footnote reference.
fn text_of_id(html: &Html, id: &str) -> String {
    let el = select(html, &format!("[id=\"{id}\"]"))
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no element with id `{id}`"));
    let block = el
        .ancestors()
        .filter_map(scraper::ElementRef::wrap)
        .find(|e| ["p", "li", "td"].contains(&e.value().name()))
        .filter(|_| el.value().name() == "a")
        .unwrap_or(el);
    block
        .text()
        .collect::<String>()
        .replace('↩', "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn every_link_goes_to_the_same_place_in_the_html_and_the_pdf() {
    let out = example_output();
    let mut pages = 0;
    for (rel, _) in snapshot(out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(out.join(&rel)).unwrap());
        let Some(pdf_href) = select(&html, ".pdf-link a")
            .first()
            .and_then(|a| a.value().attr("href"))
            .map(str::to_owned)
        else {
            continue;
        };
        let pdf_rel = match absolute(BASE, &rel, &pdf_href) {
            Goes::Uri(u) => u.strip_prefix(BASE).unwrap().to_owned(),
            other => panic!("{rel}: PDF link {other:?}"),
        };
        let decoded = percent_encoding::percent_decode_str(&pdf_rel).decode_utf8_lossy();
        let pdf: PathBuf = out.join(decoded.as_ref());
        pages += 1;

        // The links of the body as written, and its footnote references. (A footnote's
        // back link is the renderers' own, and the PDF prints the note at the foot of the
        // page that refers to it, the HTML at the end: both are set aside.)
        let in_html: Vec<Goes> = select(&html, ".prose a[href]:not(.footnote-backref)")
            .iter()
            .map(|a| absolute(BASE, &rel, a.value().attr("href").unwrap()))
            .collect();
        let in_pdf = pdf_links(&pdf);
        // In order, the internal links (checked below by where they land) as one kind.
        let kinds = |g: &Goes| match g {
            Goes::Uri(u) => Goes::Uri(u.clone()),
            Goes::Internal(_) => Goes::Internal(String::new()),
        };
        let html_seq: Vec<Goes> = collapse(&in_html).iter().map(kinds).collect();
        let pdf_seq: Vec<Goes> = collapse(&in_pdf).iter().map(|(g, _)| kinds(g)).collect();
        assert_eq!(
            html_seq, pdf_seq,
            "{rel}: links of the HTML and of {pdf_rel}"
        );

        // Each internal link of the PDF lands on the page that shows what the HTML's
        // fragment names (the heading, the footnote, the paragraph of its reference).
        let html_internal: Vec<String> = collapse(&in_html)
            .into_iter()
            .filter_map(|g| match g {
                Goes::Internal(f) => Some(f),
                Goes::Uri(_) => None,
            })
            .collect();
        let pdf_internal: Vec<u32> = collapse(&in_pdf)
            .into_iter()
            .filter_map(|(g, page)| matches!(g, Goes::Internal(_)).then(|| page.unwrap()))
            .collect();
        assert_eq!(html_internal.len(), pdf_internal.len(), "{rel}");
        for (frag, page) in html_internal.iter().zip(&pdf_internal) {
            let id = percent_encoding::percent_decode_str(frag).decode_utf8_lossy();
            let want: String = text_of_id(&html, &id).chars().take(8).collect();
            let text = bare_page_text(&pdf, *page);
            assert!(
                text.contains(&want),
                "{rel}: `#{id}` goes to page {page} of {pdf_rel}, which does not show `{want}`:\n{text}"
            );
        }
    }
    assert_eq!(pages, own_pdf_files(out).len(), "pages with a PDF");
}

/// A site with a `base_url` and one issue whose body (from line 7 on) is `body`.
fn issue_with(body: &str) -> Fixture {
    let site = format!("{SITE_YAML}base_url: {BASE}\n");
    Fixture::new(&[
        ("site.yaml", site.as_str()),
        (ISSUE, &newsletter(1, "2021-06-30", "第１号", body)),
    ])
}

/// The one PDF a build wrote for the issue.
fn issue_pdf(f: &Fixture) -> PathBuf {
    let pdfs = own_pdf_files(&f.out());
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    pdfs[0].clone()
}

#[test]
fn protocol_relative_link_is_the_same_web_address_in_html_and_pdf() {
    // A PDF has no page scheme to inherit and a page opened from a file share would make
    // `//host` a network path: both outputs read `//host/…` as `https://host/…`.
    let f = issue_with("市の資料は[こちら](//www.city.example.lg.jp/a.pdf)です。\n");
    let build = f.run(TODAY, &[]);
    assert!(build.status.success(), "{}", stderr(&build));
    let want = "https://www.city.example.lg.jp/a.pdf";
    let html = f.html("newsletters/2021-06-vol01.html");
    let hrefs: Vec<&str> = select(&html, ".prose a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(hrefs, [want]);
    let uris: Vec<Goes> = collapse(&pdf_links(&issue_pdf(&f)))
        .into_iter()
        .map(|(g, _)| g)
        .collect();
    assert_eq!(uris, [Goes::Uri(want.into())]);
    // A valid web address: `check` has nothing to say about it.
    let (out, diags) = check_json(&f, &[]);
    assert!(out.status.success(), "{diags:#?}");
    assert!(diags.is_empty(), "{diags:#?}");
}

/// The lines of `text` that name `place` (`file:line:column`).
fn lines_at<'a>(text: &'a str, place: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(place)).collect()
}

#[test]
fn a_broken_link_is_reported_alike_by_check_build_and_pdf() {
    let f = issue_with("前号は[こちら](2021-03-vol00.md)をご覧ください。\n");
    let place = format!("{ISSUE}:7:4");
    let message = "link to `2021-03-vol00.md`: no such page (looked for content/newsletters/2021-03-vol00.md)";

    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<&serde_json::Value> = diags
        .iter()
        .filter(|d| d["message"].as_str() == Some(message))
        .collect();
    assert_eq!(found.len(), 1, "{diags:#?}");
    assert_eq!(found[0]["file"].as_str(), Some(ISSUE), "{:#?}", found[0]);
    assert_eq!(found[0]["line"].as_u64(), Some(7), "{:#?}", found[0]);
    assert_eq!(found[0]["column"].as_u64(), Some(4), "{:#?}", found[0]);

    let check = run_bin(
        &[
            "check",
            "--root",
            f.root().to_str().unwrap(),
            "--today",
            TODAY,
        ],
        f.dir.path(),
    );
    let build = f.run(TODAY, &[]);
    assert_eq!(build.status.code(), Some(1));
    assert!(!f.out().exists(), "a failed build wrote output");
    let pdf_out = f.dir.path().join("issue.pdf");
    let pdf = run_bin(
        &[
            "pdf",
            f.root().join(ISSUE).to_str().unwrap(),
            "-o",
            pdf_out.to_str().unwrap(),
        ],
        f.dir.path(),
    );
    assert_eq!(pdf.status.code(), Some(1), "{}", stderr(&pdf));
    assert!(!pdf_out.exists(), "a PDF was written");
    for (command, output) in [("check", &check), ("build", &build), ("pdf", &pdf)] {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(output)
        );
        let at = lines_at(&text, &place);
        assert_eq!(at.len(), 1, "`tsushin {command}` says, at {place}:\n{text}");
        assert!(at[0].contains(message), "`tsushin {command}`:\n{text}");
    }
}

#[test]
fn links_out_of_the_site_are_refused_in_both_outputs() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "秘密").unwrap();
    let f = issue_with(&format!(
        "[一](../../etc/passwd)\n\n[二]({})\n\n[三](secret.txt)\n\n![四](../../secret.png)\n",
        secret.display()
    ));
    std::os::unix::fs::symlink(&secret, f.root().join("content/newsletters/secret.txt")).unwrap();
    std::fs::write(f.dir.path().join("secret.png"), tiny_png(10)).unwrap();
    let expected = [
        (7, "outside the content folder"),
        (9, "starts with `/`"),
        (11, "symbolic link to a file outside content/"),
        (13, "outside the content folder"),
    ];

    // `check` names each at its place; `build` makes neither the pages nor the PDFs.
    let (out, diags) = check_json(&f, &[]);
    assert_eq!(out.status.code(), Some(1));
    for (line, part) in expected {
        assert!(
            diags.iter().any(|d| d["line"].as_u64() == Some(line)
                && d["severity"] == "error"
                && d["message"].as_str().unwrap().contains(part)),
            "no error `{part}` at line {line}: {diags:#?}"
        );
    }
    let build = f.run(TODAY, &[]);
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    assert!(!f.out().exists(), "a failed build wrote output");

    // `tsushin pdf` refuses the same links, at the same places.
    let pdf_out = f.dir.path().join("issue.pdf");
    let pdf = run_bin(
        &[
            "pdf",
            f.root().join(ISSUE).to_str().unwrap(),
            "-o",
            pdf_out.to_str().unwrap(),
        ],
        f.dir.path(),
    );
    let err = stderr(&pdf);
    assert_eq!(pdf.status.code(), Some(1), "{err}");
    assert!(!pdf_out.exists(), "a PDF was written");
    for (line, part) in expected {
        let at = lines_at(&err, &format!("{ISSUE}:{line}:"));
        assert!(
            at.iter().any(|l| l.contains(part)),
            "`tsushin pdf` has no error `{part}` at line {line}:\n{err}"
        );
    }
}

#[test]
fn anchors_of_the_page_are_internal_destinations_in_the_pdf() {
    // `#%E3%81%AF…` is `#はじめに` percent-encoded: the browser decodes it, and so must the
    // PDF. A link to the page's own file with an anchor stays inside the PDF too.
    let f = issue_with(
        "## はじめに\n\n本文です。\n\n## おわりに\n\n\
         [冒頭へ](#%E3%81%AF%E3%81%98%E3%82%81%E3%81%AB)、[同じく冒頭へ](2021-06-vol01.md#はじめに)。\n",
    );
    let build = f.run(TODAY, &[]);
    assert!(build.status.success(), "{}", stderr(&build));
    let html = f.html("newsletters/2021-06-vol01.html");
    let rel = "newsletters/2021-06-vol01.html";
    let in_html: Vec<Goes> = select(&html, ".prose a[href]")
        .iter()
        .map(|a| absolute(BASE, rel, a.value().attr("href").unwrap()))
        .map(|g| match g {
            Goes::Internal(f) => Goes::Internal(
                percent_encoding::percent_decode_str(&f)
                    .decode_utf8_lossy()
                    .into_owned(),
            ),
            uri => uri,
        })
        .collect();
    assert_eq!(
        in_html,
        [
            Goes::Internal("はじめに".into()),
            Goes::Internal("はじめに".into())
        ]
    );
    let pdf = issue_pdf(&f);
    let links = pdf_links(&pdf);
    assert_eq!(links.len(), 2, "{links:?}");
    for (goes, page) in links {
        assert!(matches!(goes, Goes::Internal(_)), "{goes:?}");
        assert!(bare_page_text(&pdf, page.unwrap()).contains("はじめに"));
    }
}
