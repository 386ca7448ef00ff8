//! The page and its PDF say the same: for every page of the example site that has a PDF, the
//! information box of a training (開催概要: each row's label and paragraphs), its status line
//! and banner, a newsletter's masthead (name, number, 発行日・担当・配信先) and every survey
//! (question, group, total, each answer's count and percentage) are read from the HTML with
//! scraper and from the PDF with poppler (`pdfinfo -struct-text`, the text of each tagged
//! structure element), and compared. Both come from `tsushin::view`; before it they were
//! derived twice and disagreed (a session over two days lost its end date in the PDF).
//!
//! Link targets (HTML hrefs made absolute against `base_url` vs the PDF's /URI actions) are
//! the one part of the agreement list not compared here: the link resolver owns them.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use scraper::{ElementRef, Html, Selector};

// ---------------------------------------------------------------------------------------------
// The PDF side: the structure tree as poppler prints it.

/// An element of the structure tree with its own text lines and children, in order.
#[derive(Debug, Default)]
struct Node {
    role: String,
    items: Vec<Item>,
}

#[derive(Debug)]
enum Item {
    Text(String),
    Child(Node),
}

impl Node {
    fn children(&self) -> impl Iterator<Item = &Node> {
        self.items.iter().filter_map(|i| match i {
            Item::Child(n) => Some(n),
            Item::Text(_) => None,
        })
    }

    /// All text under this element, in reading order.
    fn text(&self) -> String {
        let mut out = String::new();
        for i in &self.items {
            match i {
                Item::Text(t) => out.push_str(t),
                Item::Child(n) => out.push_str(&n.text()),
            }
        }
        out
    }

    /// Every element named `role`, depth first, in document order.
    fn find<'a>(&'a self, role: &str, out: &mut Vec<&'a Node>) {
        for c in self.children() {
            if c.role == role {
                out.push(c);
            }
            c.find(role, out);
        }
    }

    fn all(&self, role: &str) -> Vec<&Node> {
        let mut out = Vec::new();
        self.find(role, &mut out);
        out
    }
}

/// `pdfinfo -struct-text` parsed into a tree (two spaces of indent per level).
fn structure(pdf: &Path) -> Node {
    let out = tool_ok("pdfinfo", ["-struct-text".as_ref(), pdf.as_os_str()]);
    let mut stack: Vec<(usize, Node)> = vec![(0, Node::default())];
    for line in out.lines().filter(|l| !l.trim().is_empty()) {
        let depth = line.len() - line.trim_start().len();
        let t = line.trim();
        if let Some(q) = t.strip_prefix('"') {
            let text = q.strip_suffix('"').unwrap_or(q).to_owned();
            stack.last_mut().unwrap().1.items.push(Item::Text(text));
            continue;
        }
        if t.starts_with('/') || t.starts_with("Object ") {
            continue; // attributes, annotation references
        }
        while stack.len() > 1 && stack.last().unwrap().0 > depth {
            let (_, n) = stack.pop().unwrap();
            stack.last_mut().unwrap().1.items.push(Item::Child(n));
        }
        let role = t
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches(':')
            .to_owned();
        stack.push((
            depth + 1,
            Node {
                role,
                items: Vec::new(),
            },
        ));
    }
    while stack.len() > 1 {
        let (_, n) = stack.pop().unwrap();
        stack.last_mut().unwrap().1.items.push(Item::Child(n));
    }
    stack.pop().unwrap().1
}

/// Text as compared: every white space (including the ideographic space) removed, since
/// each side spaces and wraps in its own way.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A row of an information box: label and the squashed text of each paragraph.
type Row = (String, Vec<String>);

/// The 開催概要 table of a PDF: each TR's TH and the paragraphs of its TD.
fn pdf_info_box(doc: &Node) -> Vec<Row> {
    let table = doc
        .all("Table")
        .into_iter()
        .find(|t| {
            t.children()
                .any(|c| c.role == "Caption" && c.text() == "開催概要")
        })
        .expect("the PDF has an information box (a Table captioned 開催概要)");
    table
        .children()
        .filter(|c| c.role == "TR")
        .map(|tr| {
            let th = tr.children().find(|c| c.role == "TH").expect("TH");
            let td = tr.children().find(|c| c.role == "TD").expect("TD");
            let paras = td.children().map(|p| squash(&p.text())).collect();
            (squash(&th.text()), paras)
        })
        .collect()
}

/// The block-level paragraphs before the first heading below the title: the PDF's head.
fn pdf_head_paras(doc: &Node) -> Vec<String> {
    let doc = doc.children().find(|c| c.role == "Document").unwrap_or(doc);
    doc.children()
        .take_while(|n| n.role != "Table" && n.role != "H2")
        .filter(|n| n.role == "P" || n.role == "H1")
        .map(|n| squash(&n.text()))
        .collect()
}

/// Each survey chart of the PDF: the squashed text of its Figure.
fn pdf_surveys(doc: &Node) -> Vec<String> {
    doc.all("Figure")
        .into_iter()
        .map(|f| squash(&f.text()))
        .filter(|t| t.contains("回答数"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The HTML side.

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e:?}"))
}

/// The text of `el` without the descendants that have one of `skip` as a class.
fn text_without(el: ElementRef, skip: &[&str]) -> String {
    let mut out = String::new();
    for node in el.descendants() {
        let Some(t) = node.value().as_text() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            ElementRef::wrap(a).is_some_and(|e| e.value().classes().any(|c| skip.contains(&c)))
        });
        if !hidden {
            out.push_str(t);
        }
    }
    out
}

fn text(el: ElementRef) -> String {
    el.text().collect()
}

/// The information box of a training page: each row's label and paragraphs as the PDF
/// prints them (a session's label in brackets after its time, its wards on a line below).
fn html_info_box(html: &Html) -> Vec<Row> {
    let mut rows = Vec::new();
    for row in html.select(&sel(".info-box .info-row")) {
        let label = squash(&text(row.select(&sel("dt")).next().expect("dt")));
        let dd = row.select(&sel("dd")).next().expect("dd");
        let mut paras = Vec::new();
        let sessions: Vec<ElementRef> = dd.select(&sel("li.session")).collect();
        let lecturers: Vec<ElementRef> = dd.select(&sel("ul.lecturers > li")).collect();
        if !sessions.is_empty() {
            for s in sessions {
                let mut when =
                    text_without(s, &["session-wards", "visually-hidden", "session-label"]);
                if let Some(l) = s.select(&sel(".session-label")).next() {
                    when.push_str(&format!("（{}）", text(l)));
                }
                paras.push(squash(&when));
                if let Some(w) = s.select(&sel(".session-wards")).next() {
                    paras.push(squash(&text(w)));
                }
            }
        } else if !lecturers.is_empty() {
            paras.extend(lecturers.into_iter().map(|l| squash(&text(l))));
        } else {
            paras.push(squash(&text(dd)));
        }
        rows.push((label, paras));
    }
    rows
}

/// A survey of the page as the PDF prints it: caption, then every answer with its figure
/// made from the (screen-reader) table's count and percentage.
struct HtmlSurvey {
    caption: String,
    figures: Vec<String>,
    legend: Vec<String>,
}

fn html_surveys(html: &Html) -> Vec<HtmlSurvey> {
    html.select(&sel("figure.survey"))
        .map(|f| {
            let caption = squash(&text(f.select(&sel("figcaption")).next().expect("caption")));
            let mut figures = Vec::new();
            let mut legend = Vec::new();
            for tr in f.select(&sel(".survey-table tbody tr")) {
                let label = text(tr.select(&sel("th")).next().expect("th"));
                let tds: Vec<String> = tr.select(&sel("td")).map(text).collect();
                assert_eq!(tds.len(), 2, "count and percentage");
                let figure = format!("{}（{}）", tds[0], tds[1]);
                legend.push(squash(&format!("{label} {figure}")));
                figures.push(squash(&figure));
            }
            HtmlSurvey {
                caption,
                figures,
                legend,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Colours: the theme's style.css against the colours the PDF paints with.

/// `#rgb` or `#rrggbb` as `#rrggbb`.
fn long_hex(c: &str) -> String {
    let h = c.trim().trim_start_matches('#').to_ascii_lowercase();
    if h.len() == 3 {
        format!("#{}", h.chars().flat_map(|c| [c, c]).collect::<String>())
    } else {
        format!("#{h}")
    }
}

/// The declarations of the first rule of `css` whose selector is exactly `selector`, with
/// `var(--x)` resolved from `:root`.
fn css_rule(css: &str, selector: &str) -> Vec<(String, String)> {
    // Comments out first: they hold colons and semicolons of their own.
    let mut plain = String::new();
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        plain.push_str(&rest[..i]);
        rest = rest[i..].split_once("*/").map_or("", |(_, r)| r);
    }
    plain.push_str(rest);
    let css = plain.as_str();
    let decls = |sel: &str| -> Vec<(String, String)> {
        let Some(body) = css.split('}').find_map(|rule| {
            let (s, body) = rule.split_once('{')?;
            // `@charset "utf-8";` and the like end before the selector.
            let s = s.rsplit(';').next().unwrap_or(s);
            (s.trim() == sel).then_some(body)
        }) else {
            return Vec::new();
        };
        body.split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect()
    };
    let root = decls(":root");
    decls(selector)
        .into_iter()
        .map(|(k, v)| {
            let v = match v.strip_prefix("var(").and_then(|r| r.strip_suffix(')')) {
                Some(name) => root
                    .iter()
                    .find(|(k2, _)| k2 == name)
                    .map(|(_, v2)| v2.clone())
                    .unwrap_or(v),
                None => v,
            };
            (k, v)
        })
        .collect()
}

fn css_color(decls: &[(String, String)], key: &str) -> String {
    let v = decls
        .iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no {key} in {decls:?}"));
    long_hex(&v.1)
}

/// The fill (`rg`) and stroke (`RG`) colours the first page of `pdf` paints with.
fn pdf_colors(pdf: &Path) -> (Vec<String>, Vec<String>) {
    let doc = lopdf::Document::load(pdf).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
    let (mut fill, mut stroke) = (Vec::new(), Vec::new());
    for op in content.operations {
        let to = match op.operator.as_str() {
            "rg" => &mut fill,
            "RG" => &mut stroke,
            _ => continue,
        };
        let c: Vec<u8> = op
            .operands
            .iter()
            .map(|o| (o.as_float().unwrap() * 255.0).round() as u8)
            .collect();
        to.push(format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]));
    }
    (fill, stroke)
}

/// The status badge (and the banner of a postponed or cancelled training) are painted in the
/// colours the page's style.css gives them.
fn colours_agree(rel: &str, html: &Html, css: &str, pdf: &Path) {
    let badge = html
        .select(&sel(".event-status .status-badge"))
        .next()
        .expect("status badge");
    let status = badge
        .value()
        .classes()
        .filter(|c| *c != "status-badge")
        .find_map(|c| c.strip_prefix("status-"))
        .expect("status class")
        .to_owned();
    let (fill, stroke) = pdf_colors(pdf);
    let rule = css_rule(css, &format!(".status-badge.status-{status}"));
    for key in ["background", "color"] {
        let c = css_color(&rule, key);
        assert!(
            fill.contains(&c),
            "{rel}: badge {key} {c} not painted: {fill:?}"
        );
    }
    let c = css_color(&rule, "border-color");
    assert!(
        stroke.contains(&c),
        "{rel}: badge border {c} not stroked: {stroke:?}"
    );
    if html.select(&sel(".notice")).next().is_some() {
        let rule = css_rule(css, &format!(".notice-{status}"));
        for key in ["background", "color", "border-color"] {
            let c = css_color(&rule, key);
            assert!(
                fill.contains(&c),
                "{rel}: notice {key} {c} not painted: {fill:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// Every HTML page of `out` with a PDF: (page, its PDF).
fn pages_with_pdfs(out: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for e in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "html") {
            continue;
        }
        let rel = p
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let html = Html::parse_document(&std::fs::read_to_string(p).unwrap());
        let Some(href) = attrs(&html, ".pdf-link a", "href").into_iter().next() else {
            continue;
        };
        let target = resolve(&rel, &href)
            .unwrap_or_else(|e| panic!("{rel}: PDF link {href}: {e}"))
            .unwrap_or_else(|| panic!("{rel}: PDF link {href} is external"));
        found.push((rel, out.join(target)));
    }
    found.sort();
    found
}

/// The output folder of a PDF written to `<out>/<dir>/<name>.pdf`.
fn pdf_out_root(pdf: &Path) -> &Path {
    pdf.parent().and_then(Path::parent).expect("output folder")
}

/// The checks of one page; returns what was compared, for the caller's totals.
fn agree(rel: &str, html: &Html, pdf: &Path) -> (usize, usize, usize) {
    let doc = structure(pdf);
    let head = pdf_head_paras(&doc);
    let mut boxes = 0;
    let mut mastheads = 0;
    if html.select(&sel(".info-box")).next().is_some() {
        assert_eq!(pdf_info_box(&doc), html_info_box(html), "{rel}: 開催概要");
        // 「延期 参集」 and the banner's two paragraphs, in the order of the page.
        let mut expected = vec![squash(&texts(html, ".event-status").concat())];
        expected.push(squash(&texts(html, "h1.page-title").concat()));
        expected.extend(texts(html, ".notice p").iter().map(|t| squash(t)));
        assert_eq!(head[1..], expected[..], "{rel}: status, title and notice");
        let css = std::fs::read_to_string(pdf_out_root(pdf).join("static/style.css")).unwrap();
        colours_agree(rel, html, &css, pdf);
        boxes += 1;
    }
    // A handout shows 資料３ apart from the meeting, boxed on its title page: its head is
    // compared by tests/handout.rs.
    if !rel.starts_with("handouts/") && html.select(&sel(".issue-badge")).next().is_some() {
        // Publisher, name with number, then 発行日・担当・配信先 (the title follows when it
        // says more than the name).
        let badge = squash(&texts(html, ".issue-badge").concat());
        let meta: String = html
            .select(&sel(".meta-list > div"))
            .map(|d| squash(&text(d)))
            .collect();
        assert_eq!(head.get(1), Some(&badge), "{rel}: name and number");
        assert_eq!(head.get(2), Some(&meta), "{rel}: 発行日・担当・配信先");
        mastheads += 1;
    }
    let hs = html_surveys(html);
    let ps = pdf_surveys(&doc);
    assert_eq!(ps.len(), hs.len(), "{rel}: survey charts");
    for (h, p) in hs.iter().zip(&ps) {
        let rest = p
            .strip_prefix(&h.caption)
            .unwrap_or_else(|| panic!("{rel}: survey caption {} vs {p}", h.caption));
        let legend = h.legend.concat();
        let bar = rest
            .strip_suffix(&legend)
            .unwrap_or_else(|| panic!("{rel}: survey legend {legend} vs {rest}"));
        // Between the caption and the legend: the figures printed in the bar, in order.
        let mut left = bar;
        for f in &h.figures {
            if let Some(r) = left.strip_prefix(f.as_str()) {
                left = r;
            }
        }
        assert!(
            left.is_empty(),
            "{rel}: bar labels {bar} are not figures of {:?}",
            h.figures
        );
    }
    (boxes, mastheads, hs.len())
}

#[test]
fn every_example_page_and_its_pdf_say_the_same() {
    let out = example_output();
    let pages = pages_with_pdfs(out);
    let (mut boxes, mut mastheads, mut surveys) = (0, 0, 0);
    for (rel, pdf) in &pages {
        let html = Html::parse_document(&std::fs::read_to_string(out.join(rel)).unwrap());
        let (b, m, s) = agree(rel, &html, pdf);
        boxes += b;
        mastheads += m;
        surveys += s;
    }
    // Every training and every issue of the example site was compared.
    let count = |dir: &str| {
        std::fs::read_dir(out.join(dir))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name() != "index.html")
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .count()
    };
    assert_eq!(boxes, count("events"), "{pages:?}");
    assert_eq!(mastheads, count("newsletters"), "{pages:?}");
    assert!(
        surveys >= 3,
        "the example issues have survey charts: {surveys}"
    );
}

/// A session from 7/1 14:00 to 7/2 12:00 shows both dates on the page, in the PDF's
/// information box and in the mail's date line; the PDF used to drop the end date
/// (「…午後２時～正午」).
#[test]
fn a_session_over_two_days_shows_both_dates_everywhere() {
    let f = Fixture::new(&[(
        "content/events/camp.md",
        "---\ntitle: 二日間の合宿研修\nstatus: scheduled\nformat: in-person\nvenue: 天王寺区民センター\nsessions:\n  - start: 2021-07-01T14:00\n    end: 2021-07-02T12:00\n    label: 合宿\n---\n\n本文です。\n",
    )]);
    let o = f.run("2021-06-01", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = "令和３年７月１日（木）午後２時～令和３年７月２日（金）正午（合宿）";

    let html = f.html("events/camp.html");
    let rows = html_info_box(&html);
    assert_eq!(rows[0], ("日時".to_owned(), vec![expected.to_owned()]));

    let pdf = pdf_files(&f.out())
        .into_iter()
        .next()
        .expect("the training's PDF");
    let pdf_rows = pdf_info_box(&structure(&pdf));
    assert_eq!(pdf_rows[0], ("日時".to_owned(), vec![expected.to_owned()]));
    assert_eq!(pdf_rows, rows);
    // The plain text says it too, once.
    let plain = squash(&pdftotext(&pdf));
    assert_eq!(
        plain.matches("～令和３年７月２日（金）正午").count(),
        1,
        "{plain}"
    );
}
