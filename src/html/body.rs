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
                    if !crate::pdf::tags::is_decorative(alt) {
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
mod tests {
    use std::cell::RefCell;
    use std::path::Path;

    use super::*;
    use crate::diag::Diagnostics;

    fn html_with(markdown: &str, allow_raw_html: bool) -> String {
        let mut diags = Diagnostics::new();
        let doc = crate::markdown::parse(markdown, Path::new("a.md"), 0, &mut diags);
        render_body(
            &doc,
            &BodyOptions {
                allow_raw_html,
                resolve: &|url, _| url.to_string(),
                survey_colors: &["#336699".to_string()],
                heading_shift: 1,
            },
        )
    }

    fn html(markdown: &str) -> String {
        html_with(markdown, false)
    }

    #[test]
    fn headings_are_shifted_clamped_and_have_ids() {
        let out = html("# 研修報告\n\n###### 細目\n");
        assert!(out.contains("<h2 id=\"研修報告\">研修報告</h2>"), "{out}");
        assert!(out.contains("<h6 id=\"細目\">細目</h6>"), "{out}");
    }

    #[test]
    fn paragraphs_and_emphasis() {
        assert_eq!(
            html("これは**「重要」**です。*強調*と~~取消~~と`code`\\\n改行"),
            "<p>これは<strong>「重要」</strong>です。<em>強調</em>と<del>取消</del>と<code>code</code><br>\n改行</p>\n"
        );
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        let out = html(
            "# a < b & \"c\"\n\n[x](/p?a=1&b=2 \"say \\\"hi\\\" 'y'\") `<i>`\n\n```h<t>ml\n<b>&amp;\n```\n",
        );
        assert!(
            out.contains("<h2 id=\"a-b-c\">a &lt; b &amp; &quot;c&quot;</h2>"),
            "{out}"
        );
        assert!(
            out.contains(
                "<a href=\"/p?a=1&amp;b=2\" title=\"say &quot;hi&quot; &#39;y&#39;\">x</a>"
            ),
            "{out}"
        );
        assert!(out.contains("<code>&lt;i&gt;</code>"), "{out}");
        assert!(
            out.contains(
                "<pre><code class=\"language-h&lt;t&gt;ml\">&lt;b&gt;&amp;amp;</code></pre>"
            ),
            "{out}"
        );
    }

    #[test]
    fn lists_with_start_and_tasks() {
        let out = html("3. 三\n4. 四\n\n- [ ] 未着手\n- [x] 完了\n  - 子\n");
        assert!(
            out.contains("<ol start=\"3\">\n<li>三</li>\n<li>四</li>\n</ol>"),
            "{out}"
        );
        assert!(out.contains("<ul class=\"task-list\">"), "{out}");
        assert!(out.contains(
            "<li class=\"task-list-item\"><label><input type=\"checkbox\" disabled> 未着手</label></li>"
        ), "{out}");
        assert!(out.contains(
            "<li class=\"task-list-item\"><label><input type=\"checkbox\" disabled checked> 完了</label>\n<ul>\n<li>子</li>\n</ul>\n</li>"
        ), "{out}");
        assert!(html("1. a\n").contains("<ol>\n"));
        // Loose lists keep their paragraphs.
        assert!(html("- a\n\n- b\n").contains("<li>\n<p>a</p>\n</li>"));
    }

    #[test]
    fn tables_are_wrapped_and_aligned() {
        let out = html("| 区 | 人数 |\n|:-:|--:|\n| 北区 | 12 |\n");
        assert_eq!(
            out,
            "<div class=\"table-wrap\"><table>\n<thead>\n<tr>\n<th style=\"text-align:center\">区</th>\n<th style=\"text-align:right\">人数</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td style=\"text-align:center\">北区</td>\n<td style=\"text-align:right\">12</td>\n</tr>\n</tbody>\n</table></div>\n"
        );
    }

    #[test]
    fn blockquote_rule_and_images() {
        let out = html("> 引用\n\n---\n\n![会場の写真](<img/a b.jpg> \"会場\") ![](c.png)");
        assert!(
            out.contains("<blockquote>\n<p>引用</p>\n</blockquote>\n<hr>\n"),
            "{out}"
        );
        assert!(
            out.contains(
                "<img src=\"img/a%20b.jpg\" alt=\"会場の写真\" title=\"会場\" loading=\"lazy\">"
            ),
            "{out}"
        );
        assert!(
            out.contains("<img src=\"c.png\" alt=\"\" loading=\"lazy\">"),
            "{out}"
        );
    }

    #[test]
    fn footnotes() {
        let out = html(
            "甲[^a]、乙[^b]、丙[^a]\n\n[^a]: 注A\n[^b]: 注B\n\n    ```\n    で終わる\n    ```\n",
        );
        assert!(out.contains(
            "甲<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>、乙<sup class=\"footnote-ref\"><a href=\"#fn-2\" id=\"fnref-2\">2</a></sup>、丙<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1-2\">1</a></sup>"
        ), "{out}");
        assert!(out.contains(
            "<section class=\"footnotes\" aria-label=\"脚注\">\n<ol>\n<li id=\"fn-1\">\n<p>注A <a href=\"#fnref-1\" class=\"footnote-backref\" aria-label=\"本文へ戻る\">↩</a></p>\n</li>\n"
        ), "{out}");
        // A note not ending in a paragraph gets the back link on its own line.
        assert!(out.contains(
            "<pre><code>で終わる</code></pre>\n<p><a href=\"#fnref-2\" class=\"footnote-backref\" aria-label=\"本文へ戻る\">↩</a></p>\n</li>\n</ol>\n</section>\n"
        ), "{out}");
        assert!(!html("脚注なし").contains("footnotes"));
    }

    #[test]
    fn script_in_raw_html_is_removed() {
        let md = "<script>alert(1)</script>\n\n<div onclick=\"x()\">箱</div>\n\n文中<script>alert(2)</script><img src=x onerror=alert(3)>\n";
        let out = html(md);
        assert!(!out.to_lowercase().contains("<script"), "{out}");
        assert!(
            !out.contains("onclick") && !out.contains("onerror"),
            "{out}"
        );
        assert!(out.contains("箱"), "{out}");
        // Sites that allow raw HTML get it untouched.
        assert!(html_with(md, true).contains("<script>alert(1)</script>"));
    }

    #[test]
    fn script_urls_are_dropped() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "[x](&#106;avascript:alert(1))",
            "[x]( vbscript:msgbox)",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x][r]\n\n[r]: javascript:alert(1)",
        ] {
            let out = html(md);
            assert!(out.contains("<a>x</a>"), "{md}: {out}");
            assert!(!out.contains("href"), "{md}: {out}");
        }
        let out = html("![写真](javascript:alert(1)) ![図](data:image/png;base64,AAAA)");
        assert!(!out.contains("javascript"), "{out}");
        assert!(
            out.contains("<p>写真 <img src=\"data:image/png;base64,AAAA\""),
            "{out}"
        );
    }

    #[test]
    fn external_links_get_noopener_and_urls_are_resolved() {
        let seen = RefCell::new(Vec::new());
        let resolve = |url: &str, kind: UrlKind| {
            seen.borrow_mut().push((url.to_string(), kind));
            match url.strip_suffix(".md") {
                Some(stem) => format!("{stem}.html"),
                None => url.to_string(),
            }
        };
        let mut diags = Diagnostics::new();
        let doc = crate::markdown::parse(
            "[外部](https://example.jp) [内部](../events/kenshu.md) [案内](#申込) ![図](図.png)",
            Path::new("a.md"),
            0,
            &mut diags,
        );
        let out = render_body(
            &doc,
            &BodyOptions {
                allow_raw_html: false,
                resolve: &resolve,
                survey_colors: &[],
                heading_shift: 1,
            },
        );
        assert!(
            out.contains("<a href=\"https://example.jp\" rel=\"noopener\">外部</a>"),
            "{out}"
        );
        assert!(
            out.contains("<a href=\"../events/kenshu.html\">内部</a>"),
            "{out}"
        );
        assert!(
            out.contains("<a href=\"#%E7%94%B3%E8%BE%BC\">案内</a>"),
            "{out}"
        );
        assert!(out.contains("<img src=\"%E5%9B%B3.png\""), "{out}");
        assert_eq!(
            seen.into_inner(),
            [
                ("https://example.jp".to_string(), UrlKind::Link),
                ("../events/kenshu.md".to_string(), UrlKind::Link),
                ("#申込".to_string(), UrlKind::Link),
                ("図.png".to_string(), UrlKind::Image),
            ]
        );
    }

    #[test]
    fn survey_blocks_use_the_survey_renderer() {
        let out = html("```survey\nquestion: 満足度\nanswers:\n  良い: 3\n  悪い: 1\n```\n");
        assert!(out.contains("満足度"), "{out}");
        assert!(!out.contains("<pre>"), "{out}");
    }

    #[test]
    fn hostile_documents_render() {
        for md in [
            format!("{}深い引用\n>\n- a", ">".repeat(3_000)),
            (0..300)
                .map(|i| format!("{}- 項目\n", "  ".repeat(i)))
                .collect(),
            format!("{}中身{}", "*a ".repeat(500), " b*".repeat(500)),
            "[".repeat(5_000) + &"](x)".repeat(5_000),
            "NUL\0文字 👨‍👩‍👧 <\0script>".to_string(),
        ] {
            let out = html(&md);
            assert!(!out.contains('\0'));
            assert!(!out.contains("<script"));
        }
    }
}
