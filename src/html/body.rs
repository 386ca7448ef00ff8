//! `Document` → HTML for a page body. Everything authors wrote is escaped; raw HTML is
//! sanitised unless the site allows it, and script URLs never reach an attribute.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::escape_into;
use crate::content::model::{Align, Block, Document, Inline, ListItem, UrlKind};

pub struct BodyOptions<'a> {
    /// false: raw HTML is sanitised with ammonia.
    pub allow_raw_html: bool,
    /// Link and image URL rewriting by the site (source paths → output paths).
    pub resolve: &'a dyn Fn(&str, UrlKind) -> String,
    pub survey_colors: &'a [String],
    /// The page title is h1, so Markdown `#` renders as h2 when the shift is 1.
    pub heading_shift: u8,
}

pub fn render_body(doc: &Document, opts: &BodyOptions) -> String {
    let mut r = Renderer {
        doc,
        opts,
        out: String::new(),
        ref_counts: vec![0; doc.footnotes.len()],
    };
    r.blocks(&doc.blocks);
    r.footnotes();
    r.out
}

/// Characters that may not appear raw in an attribute URL; `%` is kept so encoded URLs stay as
/// they are, non-ASCII is always encoded.
const URL_UNSAFE: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');

struct Renderer<'d, 'o> {
    doc: &'d Document,
    opts: &'o BodyOptions<'o>,
    out: String,
    /// How many references to each footnote were written, for unique `fnref-` ids.
    ref_counts: Vec<usize>,
}

impl Renderer<'_, '_> {
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading { level, id, content } => {
                let level = level.saturating_add(self.opts.heading_shift).clamp(1, 6);
                self.out.push_str(&format!("<h{level} id=\""));
                escape_into(&mut self.out, id);
                self.out.push_str("\">");
                self.inlines(content);
                self.out.push_str(&format!("</h{level}>\n"));
            }
            Block::Paragraph(content) => {
                self.out.push_str("<p>");
                self.inlines(content);
                self.out.push_str("</p>\n");
            }
            Block::List {
                ordered,
                tight,
                items,
            } => {
                let tag = if ordered.is_some() { "ol" } else { "ul" };
                self.out.push('<');
                self.out.push_str(tag);
                if let Some(start) = ordered.filter(|&s| s != 1) {
                    self.out.push_str(&format!(" start=\"{start}\""));
                }
                if items.iter().any(|item| item.task.is_some()) {
                    self.out.push_str(" class=\"task-list\"");
                }
                self.out.push_str(">\n");
                for item in items {
                    self.item(item, *tight);
                }
                self.out.push_str(&format!("</{tag}>\n"));
            }
            Block::BlockQuote(blocks) => {
                self.out.push_str("<blockquote>\n");
                self.blocks(blocks);
                self.out.push_str("</blockquote>\n");
            }
            Block::Code { lang, text } => {
                self.out.push_str("<pre><code");
                if let Some(lang) = lang {
                    self.out.push_str(" class=\"language-");
                    escape_into(&mut self.out, lang);
                    self.out.push('"');
                }
                self.out.push('>');
                escape_into(&mut self.out, text);
                self.out.push_str("</code></pre>\n");
            }
            Block::Table {
                align,
                header,
                rows,
            } => self.table(align, header, rows),
            Block::Rule => self.out.push_str("<hr>\n"),
            Block::Survey(survey) => {
                self.out
                    .push_str(&super::survey::render(survey, self.opts.survey_colors));
                self.out.push('\n');
            }
            Block::Html(html) => {
                self.raw_html(html);
                if !self.out.ends_with('\n') {
                    self.out.push('\n');
                }
            }
        }
    }

    fn item(&mut self, item: &ListItem, tight: bool) {
        let rest = match item.task {
            Some(checked) => {
                // The label makes the item text the checkbox's accessible name.
                self.out.push_str(
                    "<li class=\"task-list-item\"><label><input type=\"checkbox\" disabled",
                );
                if checked {
                    self.out.push_str(" checked");
                }
                self.out.push('>');
                let rest = match item.blocks.split_first() {
                    Some((Block::Paragraph(content), rest)) => {
                        self.out.push(' ');
                        self.inlines(content);
                        rest
                    }
                    _ => &item.blocks[..],
                };
                self.out.push_str("</label>");
                rest
            }
            None => {
                self.out.push_str("<li>");
                &item.blocks[..]
            }
        };
        for block in rest {
            match block {
                Block::Paragraph(content) if tight => self.inlines(content),
                _ => {
                    if !self.out.ends_with('\n') {
                        self.out.push('\n');
                    }
                    self.block(block);
                }
            }
        }
        self.out.push_str("</li>\n");
    }

    fn table(&mut self, align: &[Align], header: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) {
        self.out.push_str("<div class=\"table-wrap\"><table>\n");
        if !header.is_empty() {
            self.out.push_str("<thead>\n");
            self.row("th", align, header);
            self.out.push_str("</thead>\n");
        }
        if !rows.is_empty() {
            self.out.push_str("<tbody>\n");
            for row in rows {
                self.row("td", align, row);
            }
            self.out.push_str("</tbody>\n");
        }
        self.out.push_str("</table></div>\n");
    }

    fn row(&mut self, tag: &str, align: &[Align], cells: &[Vec<Inline>]) {
        self.out.push_str("<tr>\n");
        for (i, cell) in cells.iter().enumerate() {
            self.out.push('<');
            self.out.push_str(tag);
            match align.get(i) {
                Some(Align::Left) => self.out.push_str(" style=\"text-align:left\""),
                Some(Align::Center) => self.out.push_str(" style=\"text-align:center\""),
                Some(Align::Right) => self.out.push_str(" style=\"text-align:right\""),
                Some(Align::None) | None => {}
            }
            self.out.push('>');
            self.inlines(cell);
            self.out.push_str(&format!("</{tag}>\n"));
        }
        self.out.push_str("</tr>\n");
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            self.inline(inline);
        }
    }

    fn inline(&mut self, inline: &Inline) {
        match inline {
            Inline::Text(text) => escape_into(&mut self.out, text),
            Inline::Code(code) => {
                self.out.push_str("<code>");
                escape_into(&mut self.out, code);
                self.out.push_str("</code>");
            }
            Inline::Emph(content) => self.wrap("em", content),
            Inline::Strong(content) => self.wrap("strong", content),
            Inline::Strike(content) => self.wrap("del", content),
            Inline::Link {
                url,
                title,
                content,
            } => {
                self.out.push_str("<a");
                if let Some(href) = self.url(url, UrlKind::Link) {
                    self.out.push_str(" href=\"");
                    escape_into(&mut self.out, &href);
                    self.out.push('"');
                    if crate::content::url::is_web(&href) {
                        self.out.push_str(" rel=\"noopener\"");
                    }
                }
                self.title(title);
                self.out.push('>');
                self.inlines(content);
                self.out.push_str("</a>");
            }
            Inline::Image { url, title, alt } => match self.url(url, UrlKind::Image) {
                Some(src) => {
                    self.out.push_str("<img src=\"");
                    escape_into(&mut self.out, &src);
                    self.out.push_str("\" alt=\"");
                    // `![-](x.png)`: decorative, which HTML says with an empty alt.
                    if !crate::content::model::is_decorative(alt) {
                        escape_into(&mut self.out, alt);
                    }
                    self.out.push('"');
                    self.title(title);
                    self.out.push_str(" loading=\"lazy\">");
                }
                // A script URL: the description is all that is left to show.
                None => escape_into(&mut self.out, alt),
            },
            Inline::HardBreak => self.out.push_str("<br>\n"),
            Inline::FootnoteRef { index } => self.footnote_ref(*index),
            Inline::Html(html) => self.raw_html(html),
            Inline::Badge(b) => self.out.push_str(&format!(
                "<span class=\"status-badge status-{}\">{}</span>",
                b.key(),
                b.label()
            )),
        }
    }

    fn wrap(&mut self, tag: &str, content: &[Inline]) {
        self.out.push_str(&format!("<{tag}>"));
        self.inlines(content);
        self.out.push_str(&format!("</{tag}>"));
    }

    fn title(&mut self, title: &str) {
        if !title.is_empty() {
            self.out.push_str(" title=\"");
            escape_into(&mut self.out, title);
            self.out.push('"');
        }
    }

    /// The URL to write, or `None` for one that would run script.
    fn url(&self, url: &str, kind: UrlKind) -> Option<String> {
        if is_dangerous(url, kind) {
            return None;
        }
        let resolved = (self.opts.resolve)(url, kind);
        if is_dangerous(&resolved, kind) {
            return None;
        }
        Some(utf8_percent_encode(&resolved, URL_UNSAFE).to_string())
    }

    fn raw_html(&mut self, html: &str) {
        if self.opts.allow_raw_html {
            self.out.push_str(html);
        } else {
            self.out.push_str(&ammonia::clean(html));
        }
    }

    fn footnote_ref(&mut self, index: usize) {
        let Some(footnote) = self.doc.footnotes.get(index) else {
            return;
        };
        let n = footnote.number;
        self.ref_counts[index] += 1;
        let id = match self.ref_counts[index] {
            1 => format!("fnref-{n}"),
            count => format!("fnref-{n}-{count}"),
        };
        self.out.push_str(&format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" id=\"{id}\">{n}</a></sup>"
        ));
    }

    fn footnotes(&mut self) {
        if self.doc.footnotes.is_empty() {
            return;
        }
        self.out
            .push_str("<section class=\"footnotes\" aria-label=\"脚注\">\n<ol>\n");
        for footnote in &self.doc.footnotes {
            let n = footnote.number;
            self.out.push_str(&format!("<li id=\"fn-{n}\">\n"));
            let back = format!(
                "<a href=\"#fnref-{n}\" class=\"footnote-backref\" aria-label=\"本文へ戻る\">↩</a>"
            );
            // The back link goes at the end of the last paragraph, as readers expect.
            match footnote.blocks.split_last() {
                Some((Block::Paragraph(content), init)) => {
                    self.blocks(init);
                    self.out.push_str("<p>");
                    self.inlines(content);
                    self.out.push(' ');
                    self.out.push_str(&back);
                    self.out.push_str("</p>\n");
                }
                _ => {
                    self.blocks(&footnote.blocks);
                    self.out.push_str(&format!("<p>{back}</p>\n"));
                }
            }
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ol>\n</section>\n");
    }
}

/// Whether a browser would treat `url` as script (or, for links, as an inline document).
fn is_dangerous(url: &str, kind: UrlKind) -> bool {
    // Browsers drop surrounding controls and spaces and every tab and newline inside.
    let normalized: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    let Some((scheme, _)) = normalized.split_once(':') else {
        return false;
    };
    if scheme.contains(['/', '?', '#']) {
        return false;
    }
    match scheme {
        "javascript" | "vbscript" => true,
        // Images never run script, so `data:image/…` is fine there.
        "data" => kind == UrlKind::Link || !normalized.starts_with("data:image/"),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
