//! The texts of a page that the search looks at, as plain text: the body (headings, paragraphs,
//! lists, tables, survey questions and answers, footnotes) and the front matter a reader may
//! remember (summary, tags, venue, 対象, lecturers, session labels and wards).

use crate::content::Page;
use crate::content::model::{Block, Inline};

/// The body as plain text, one block a line.
pub fn body(page: &Page) -> String {
    let mut out = String::new();
    blocks(&page.doc.blocks, &mut out);
    for f in &page.doc.footnotes {
        blocks(&f.blocks, &mut out);
    }
    out.trim_end().to_owned()
}

fn line(out: &mut String, text: &str) {
    let t = text.trim();
    if !t.is_empty() {
        out.push_str(t);
        out.push('\n');
    }
}

fn blocks(list: &[Block], out: &mut String) {
    for b in list {
        match b {
            Block::Heading { content, .. } | Block::Paragraph(content) => {
                line(out, &Inline::plain_text(content))
            }
            Block::List { items, .. } => {
                for item in items {
                    blocks(&item.blocks, out);
                }
            }
            Block::BlockQuote(inner) => blocks(inner, out),
            Block::Code { text, .. } => line(out, text),
            Block::Table { header, rows, .. } => {
                for row in std::iter::once(header).chain(rows) {
                    let cells: Vec<String> = row.iter().map(|c| Inline::plain_text(c)).collect();
                    line(out, &cells.join(" "));
                }
            }
            Block::Survey(s) => {
                line(out, &s.question);
                if let Some(g) = &s.group {
                    line(out, g);
                }
                let answers: Vec<&str> = s.answers.iter().map(|a| a.label.as_str()).collect();
                line(out, &answers.join("、"));
            }
            Block::Rule | Block::Html(_) => {}
        }
    }
}

/// Summary, tags and a training's details, one item a line.
pub fn meta(page: &Page) -> String {
    let mut out = String::new();
    if let Some(s) = &page.meta.summary {
        line(&mut out, s);
    }
    if !page.meta.tags.is_empty() {
        line(&mut out, &format!("タグ：{}", page.meta.tags.join("、")));
    }
    if let Some(h) = page.handout() {
        line(&mut out, &format!("会議：{}", h.meeting));
    }
    if let Some(e) = page.event() {
        if let Some(v) = &e.venue {
            line(&mut out, &format!("会場：{v}"));
        }
        if let Some(t) = &e.target {
            line(&mut out, &format!("対象：{t}"));
        }
        for l in &e.lecturers {
            let about: Vec<&str> = [&l.affiliation, &l.role]
                .into_iter()
                .filter_map(|s| s.as_deref())
                .collect();
            match about.is_empty() {
                true => line(&mut out, &format!("講師：{}", l.name)),
                false => line(
                    &mut out,
                    &format!("講師：{}（{}）", l.name, about.join(" ")),
                ),
            }
        }
        for s in &e.sessions {
            let mut text = s.label.clone().unwrap_or_default();
            if !s.audience.is_empty() {
                let label = crate::content::event::audience_label(&s.audience);
                text.push_str(&format!(" {label}：{}", s.audience.join("、")));
            }
            line(&mut out, &text);
        }
    }
    out.trim_end().to_owned()
}
