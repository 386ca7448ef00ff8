//! What a page's Markdown says its PDF holds, read from the file without tsushin's code: the
//! title and front matter, the headings with their levels, the survey blocks, the rows of a
//! training's information box; and the paragraphs of its HTML page beside the PDF's.

use std::collections::BTreeMap;
use std::path::Path;

use crate::trees::{El, Kid, squeeze};

pub struct Source {
    pub title: String,
    pub front: BTreeMap<String, String>,
    /// (level, text): the title is 1, `##` is 2 …
    pub headings: Vec<(u8, String)>,
    pub surveys: Vec<SurveySrc>,
}

pub struct SurveySrc {
    pub question: String,
    pub group: Option<String>,
    pub unit: String,
    pub answers: Vec<(String, u64)>,
}

pub fn source(path: &Path) -> Source {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("---"), "{}", path.display());
    // Top-level keys with a value: a scalar or flow list without its `# comment`, or "items"
    // for a block list; empty values and `[]` are left out.
    let mut front = BTreeMap::new();
    let mut last_key: Option<String> = None;
    for l in lines.by_ref() {
        if l.trim_end() == "---" {
            break;
        }
        if l.starts_with(' ') {
            if let Some(k) = last_key.take() {
                front.insert(k, "items".to_owned());
            }
            continue;
        }
        if let Some((k, v)) = l.split_once(':')
            && !l.starts_with('#')
        {
            let v = v.split(" #").next().unwrap_or("").trim();
            last_key = None;
            match v {
                "" => last_key = Some(k.trim().to_owned()),
                "[]" | "null" | "~" => {}
                v => {
                    front.insert(k.trim().to_owned(), v.to_owned());
                }
            }
        }
    }
    let body: Vec<&str> = lines.collect();
    let mut headings = vec![(1, front.get("title").cloned().unwrap_or_default())];
    let mut surveys = Vec::new();
    let mut fence: Option<(String, Vec<&str>)> = None;
    for l in &body {
        if let Some((info, block)) = fence.as_mut() {
            if l.trim_start().starts_with("```") {
                if info == "survey" {
                    surveys.push(parse_survey(block));
                }
                fence = None;
            } else {
                block.push(l);
            }
            continue;
        }
        if let Some(info) = l.trim_start().strip_prefix("```") {
            fence = Some((info.trim().to_owned(), Vec::new()));
            continue;
        }
        let hashes = l.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && l[hashes..].starts_with(' ') {
            headings.push((hashes as u8, strip_inline(l[hashes..].trim())));
        }
    }
    Source {
        title: front.get("title").cloned().unwrap_or_default(),
        front,
        headings,
        surveys,
    }
}

/// Markdown inline syntax a heading may hold, removed: `**`, `*`, `` ` ``, link targets; a
/// status badge written 【開催予定】 is read as its label, as the PDF draws it in a box.
fn strip_inline(s: &str) -> String {
    let mut out = s.replace("**", "").replace('`', "");
    for badge in ["開催予定", "実施済", "延期", "中止", "継続実施中", "NEW"] {
        out = out.replace(&format!("【{badge}】"), badge);
    }
    while let (Some(a), Some(b)) = (out.find("]("), out.find(')')) {
        if b < a {
            break;
        }
        out.replace_range(a..=b, "");
        out = out.replacen('[', "", 1);
    }
    out
}

fn parse_survey(block: &[&str]) -> SurveySrc {
    let mut s = SurveySrc {
        question: String::new(),
        group: None,
        unit: "名".into(),
        answers: Vec::new(),
    };
    let mut in_answers = false;
    for l in block {
        let (k, v) = l
            .split_once(':')
            .map(|(k, v)| (k, v.trim()))
            .unwrap_or((l, ""));
        if l.starts_with(' ') && in_answers {
            s.answers
                .push((k.trim().to_owned(), v.parse().expect("answer count")));
            continue;
        }
        in_answers = k == "answers";
        match k {
            "question" => s.question = v.to_owned(),
            "group" => s.group = Some(v.to_owned()),
            "unit" => s.unit = v.to_owned(),
            _ => {}
        }
    }
    s
}

/// Largest-remainder percentages adding up to 100, ties to the answer written first.
pub fn percentages(counts: &[u64]) -> Vec<u64> {
    let total: u64 = counts.iter().sum();
    let mut p: Vec<u64> = counts.iter().map(|c| c * 100 / total).collect();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(counts[i] * 100 % total));
    let missing = 100 - p.iter().sum::<u64>();
    for &i in order.iter().take(missing as usize) {
        p[i] += 1;
    }
    p
}

/// The rows of a training's 開催概要 box, in the order the PDF prints them, from the front
/// matter keys present.
pub fn info_box_labels(front: &BTreeMap<String, String>) -> Vec<&'static str> {
    [
        ("sessions", "日時"),
        ("venue", "場所"),
        ("lecturers", "講師"),
        ("format", "形式"),
        ("target", "対象"),
        ("apply_by", "申込締切"),
        ("capacity", "定員"),
    ]
    .into_iter()
    .filter(|(k, _)| front.contains_key(*k))
    .map(|(_, l)| l)
    .collect()
}

/// Paragraph and heading texts of the page body (`.prose`) of an HTML page, in order, leaving
/// out lists, tables, figures (survey charts) and footnotes (read as their own elements) and
/// footnote reference numbers.
pub fn html_paragraphs(html: &scraper::Html) -> Vec<String> {
    use scraper::{ElementRef, Selector};
    let prose = Selector::parse(".prose").unwrap();
    let Some(prose) = html.select(&prose).next() else {
        return Vec::new();
    };
    let skip_ancestor = |e: &ElementRef| {
        e.ancestors().filter_map(ElementRef::wrap).any(|a| {
            matches!(a.value().name(), "li" | "table" | "figure" | "ul" | "ol")
                || a.value().classes().any(|c| c.contains("footnote"))
        })
    };
    let mut out = Vec::new();
    for node in prose.descendants() {
        let Some(e) = ElementRef::wrap(node) else {
            continue;
        };
        if !matches!(e.value().name(), "p" | "h2" | "h3" | "h4" | "h5" | "h6") || skip_ancestor(&e)
        {
            continue;
        }
        let text: String = e
            .descendants()
            .filter_map(|n| n.value().as_text().map(|t| (n, t)))
            .filter(|(n, _)| {
                !n.ancestors()
                    .filter_map(ElementRef::wrap)
                    .any(|a| a.value().name() == "sup")
            })
            .map(|(_, t)| t.to_string())
            .collect();
        // A paragraph holding only an image is the PDF's Figure, not a P.
        if !squeeze(&text).is_empty() {
            out.push(squeeze(&text));
        }
    }
    out
}

/// P and H2–H6 texts in structure order, outside lists, tables, figures and notes, without the
/// text of Notes or References inside them (footnote references: the issue asks for `Note`,
/// ISO 32000-1 also allows `Reference`).
pub fn pdf_paragraphs(tree: &El) -> Vec<String> {
    fn text_without_notes(e: &El) -> String {
        e.kids
            .iter()
            .map(|k| match k {
                Kid::Text(t) => t.clone(),
                Kid::El(c) if matches!(c.role.as_str(), "Note" | "Reference") => String::new(),
                Kid::El(c) => text_without_notes(c),
                Kid::Objr => String::new(),
            })
            .collect()
    }
    tree.walk()
        .into_iter()
        .filter(|(path, e)| {
            matches!(e.role.as_str(), "P" | "H2" | "H3" | "H4" | "H5" | "H6")
                && !path
                    .iter()
                    .any(|r| matches!(r.as_str(), "L" | "Table" | "Figure" | "Note" | "P"))
        })
        .map(|(_, e)| text_without_notes(e))
        .collect()
}
