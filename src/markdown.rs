//! Markdown body → `Document`. comrak parses; this module settles what the HTML and PDF outputs
//! must agree on (soft breaks in Japanese text, heading ids, footnote numbers, survey blocks)
//! and reports problems at their place in the whole file.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use comrak::nodes::{AstNode, ListType, NodeValue, Sourcepos, TableAlignment};
use comrak::options::{Extension, Parse};
use comrak::{Arena, Options, parse_document};

use crate::content::model::{Align, Block, Document, Footnote, Inline, ListItem, UrlKind, UrlRef};
use crate::diag::{Diagnostic, Diagnostics, shifted};

mod badges;
mod columns;
pub mod limits;

/// Deeper nesting is flattened: the model is recursive, and so are its Drop, Clone and both
/// renderers, so hostile input (`>>>>>>…`, `*****…`) must not make it arbitrarily deep.
const MAX_BLOCK_DEPTH: usize = 16;
const MAX_INLINE_DEPTH: usize = 16;

type Node<'a> = &'a AstNode<'a>;

/// `body` is the Markdown after the front matter; `line_offset` = number of lines before it in
/// the file, so diagnostics and UrlRef positions are positions in the whole file.
pub fn parse(body: &str, file: &Path, line_offset: usize, diags: &mut Diagnostics) -> Document {
    // CommonMark requires it and comrak does not do it; one char for one keeps columns right.
    let body = body.replace('\0', "\u{FFFD}");
    if let Some(too_deep) = limits::check_nesting(&body, file, line_offset) {
        diags.push(too_deep);
        return Document::default();
    }
    let arena = Arena::new();
    let root = parse_document(&arena, &body, &options());

    let mut cx = Converter {
        file,
        columns: columns::Columns::new(&body),
        line_offset,
        diags,
        refs: Vec::new(),
        definitions: HashMap::new(),
        footnote_labels: Vec::new(),
        footnote_indexes: HashMap::new(),
        ids: HashSet::new(),
        next_suffix: HashMap::new(),
        heading_count: 0,
        last_level: None,
    };
    // comrak moves every referenced footnote definition to the end of the document.
    let mut main = Vec::new();
    for child in root.children() {
        match &child.data().value {
            NodeValue::FootnoteDefinition(def) => {
                cx.definitions.insert(def.name.clone(), child);
            }
            _ => main.push(child),
        }
    }
    let blocks = cx.blocks(main, 0);
    // Heading levels in notes are not part of the page outline.
    cx.last_level = None;

    // A footnote may reference another one, so the list can grow while it is converted.
    let mut footnotes = Vec::new();
    while let Some(label) = cx.footnote_labels.get(footnotes.len()).cloned() {
        let blocks = match cx.definitions.get(&label) {
            Some(&node) => cx.blocks(node.children(), 1),
            None => Vec::new(),
        };
        footnotes.push(Footnote {
            number: footnotes.len() + 1,
            label,
            blocks,
        });
    }

    let mut doc = Document {
        blocks,
        footnotes,
        refs: cx.refs,
    };
    badges::mark(&mut doc);
    doc
}

pub(crate) fn options() -> Options<'static> {
    Options {
        extension: Extension {
            strikethrough: true,
            // Only so that single tildes (`10時~12時`) come out as Subscript, which is turned
            // back into text: a range written with ASCII tildes must not be struck through.
            subscript: true,
            table: true,
            autolink: true,
            tasklist: true,
            footnotes: true,
            cjk_friendly_emphasis: true,
            ..Extension::default()
        },
        // Byte columns: `Columns` converts the few that are used (comrak's own conversion,
        // `sourcepos_chars`, is quadratic on long lines).
        parse: Parse::default(),
        ..Options::default()
    }
}

struct Converter<'a, 'd> {
    file: &'d Path,
    /// comrak's byte columns → character columns.
    columns: columns::Columns<'d>,
    line_offset: usize,
    diags: &'d mut Diagnostics,
    refs: Vec<UrlRef>,
    definitions: HashMap<String, Node<'a>>,
    /// Footnote labels in order of first reference; the position is `FootnoteRef::index`.
    footnote_labels: Vec<String>,
    footnote_indexes: HashMap<String, usize>,
    ids: HashSet<String>,
    /// The next number to try for each id base, so many equal headings stay linear.
    next_suffix: HashMap<String, usize>,
    heading_count: usize,
    last_level: Option<u8>,
}

/// An inline before soft breaks are resolved.
enum Piece {
    Inline(Inline),
    SoftBreak,
}

impl<'a> Converter<'a, '_> {
    fn location(&self, pos: Sourcepos) -> crate::diag::Location {
        shifted(
            self.file,
            self.line_offset,
            pos.start.line,
            self.columns.char_column(pos.start.line, pos.start.column),
        )
    }

    fn blocks(&mut self, nodes: impl IntoIterator<Item = Node<'a>>, depth: usize) -> Vec<Block> {
        let mut out = Vec::new();
        for node in nodes {
            self.block(node, depth, &mut out);
        }
        out
    }

    fn block(&mut self, node: Node<'a>, depth: usize, out: &mut Vec<Block>) {
        let data = node.data();
        let pos = data.sourcepos;
        match &data.value {
            NodeValue::Paragraph => {
                let content = self.inlines(node, 0);
                if !content.is_empty() {
                    out.push(Block::Paragraph(content));
                }
            }
            NodeValue::Heading(heading) => {
                let level = heading.level.clamp(1, 6);
                let content = self.inlines(node, 0);
                self.check_level(level, pos);
                let id = self.heading_id(&Inline::plain_text(&content));
                out.push(Block::Heading { level, id, content });
            }
            NodeValue::CodeBlock(code) => {
                let lang = code.info.split_whitespace().next().unwrap_or("");
                if code.fenced && !code.closed {
                    self.diags.push(
                        Diagnostic::warning(self.location(pos), "code block is never closed")
                            .help("add a line with the closing fence (```) after the code; until then the rest of the page is part of the block"),
                    );
                }
                if code.fenced && lang.eq_ignore_ascii_case("survey") {
                    // The YAML starts on the line after the opening fence.
                    let first_line = self.line_offset + pos.start.line + 1;
                    match crate::survey::parse(&code.literal, self.file, first_line) {
                        Ok(survey) => out.push(Block::Survey(survey)),
                        Err(errors) => self.diags.extend(errors),
                    }
                } else {
                    let text = code.literal.strip_suffix('\n').unwrap_or(&code.literal);
                    out.push(Block::Code {
                        lang: (!lang.is_empty()).then(|| lang.to_string()),
                        text: text.to_string(),
                    });
                }
            }
            NodeValue::HtmlBlock(html) => {
                let (depth, at) = limits::html_depth(&html.literal);
                if depth > limits::MAX_HTML_DEPTH {
                    self.diags
                        .push(self.too_deep_html(&html.literal, at, depth, pos));
                } else {
                    out.push(Block::Html(html.literal.clone()));
                }
            }
            NodeValue::ThematicBreak => out.push(Block::Rule),
            NodeValue::Table(table) => {
                let align = table.alignments.iter().map(|a| convert_align(*a)).collect();
                let mut header = Vec::new();
                let mut rows = Vec::new();
                for row in node.children() {
                    let is_header = matches!(row.data().value, NodeValue::TableRow(true));
                    let cells: Vec<Vec<Inline>> =
                        row.children().map(|cell| self.inlines(cell, 0)).collect();
                    if is_header && header.is_empty() {
                        header = cells;
                    } else {
                        rows.push(cells);
                    }
                }
                out.push(Block::Table {
                    align,
                    header,
                    rows,
                });
            }
            // Unreferenced definitions are dropped by comrak; referenced ones are handled apart.
            NodeValue::FootnoteDefinition(_) => {}
            _ if depth >= MAX_BLOCK_DEPTH => self.flat_blocks(node, depth, out),
            NodeValue::BlockQuote => {
                let inner = self.blocks(node.children(), depth + 1);
                out.push(Block::BlockQuote(inner));
            }
            NodeValue::List(list) => {
                let ordered = (list.list_type == ListType::Ordered).then_some(list.start as u64);
                let tight = list.tight;
                let items = node
                    .children()
                    .map(|item| {
                        let task = match &item.data().value {
                            NodeValue::TaskItem(task) => Some(task.symbol.is_some()),
                            _ => None,
                        };
                        ListItem {
                            task,
                            blocks: self.blocks(item.children(), depth + 1),
                        }
                    })
                    .collect();
                out.push(Block::List {
                    ordered,
                    tight,
                    items,
                });
            }
            // Containers of kinds not enabled here: keep their content.
            _ => {
                for child in node.children() {
                    self.block(child, depth + 1, out);
                }
            }
        }
    }

    /// Leaf blocks below `node`, without the containers around them; iterative so that
    /// depth costs no stack.
    fn flat_blocks(&mut self, node: Node<'a>, depth: usize, out: &mut Vec<Block>) {
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            let leaf = matches!(
                node.data().value,
                NodeValue::Paragraph
                    | NodeValue::Heading(_)
                    | NodeValue::CodeBlock(_)
                    | NodeValue::HtmlBlock(_)
                    | NodeValue::ThematicBreak
                    | NodeValue::Table(_)
            );
            if leaf {
                self.block(node, depth, out);
            } else {
                stack.extend(node.reverse_children());
            }
        }
    }

    /// The error for raw HTML nested too deeply, at the tag that opens one element too many.
    fn too_deep_html(&self, html: &str, at: usize, depth: usize, pos: Sourcepos) -> Diagnostic {
        let before = &html[..at];
        let lines = before.matches('\n').count();
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let column = if lines == 0 {
            self.columns.char_column(pos.start.line, pos.start.column) + column - 1
        } else {
            column
        };
        Diagnostic::error(
            shifted(self.file, self.line_offset, pos.start.line + lines, column),
            format!(
                "raw HTML nests {depth} elements; at most {} may be open at once",
                limits::MAX_HTML_DEPTH
            ),
        )
        .help("close the elements you open (`</div>`), or write the text in Markdown")
    }

    fn check_level(&mut self, level: u8, pos: Sourcepos) {
        if let Some(previous) = self.last_level
            && level > previous + 1
        {
            let marks = |n: u8| "#".repeat(n.into());
            self.diags.push(
                Diagnostic::warning(
                    self.location(pos),
                    format!(
                        "heading jumps from level {previous} ({}) to level {level} ({})",
                        marks(previous),
                        marks(level)
                    ),
                )
                .help(format!(
                    "use {} here, or add the missing level in between, so the outline has no gap",
                    marks(previous + 1)
                )),
            );
        }
        self.last_level = Some(level);
    }

    fn heading_id(&mut self, text: &str) -> String {
        self.heading_count += 1;
        let mut base = slug(text);
        if base.is_empty() {
            base = format!("section-{}", self.heading_count);
        } else if is_footnote_id(&base) {
            base.insert_str(0, "h-");
        }
        let mut id = base.clone();
        if self.ids.contains(&id) {
            let next = self.next_suffix.entry(base.clone()).or_insert(2);
            loop {
                id = format!("{base}-{next}");
                *next += 1;
                if !self.ids.contains(&id) {
                    break;
                }
            }
        }
        self.ids.insert(id.clone());
        id
    }

    fn inlines(&mut self, parent: Node<'a>, depth: usize) -> Vec<Inline> {
        let mut pieces = Vec::new();
        for child in parent.children() {
            self.inline(child, depth, &mut pieces);
        }
        resolve_soft_breaks(pieces)
    }

    fn inline(&mut self, node: Node<'a>, depth: usize, out: &mut Vec<Piece>) {
        if depth >= MAX_INLINE_DEPTH {
            return self.flat_inlines(node, out);
        }
        let data = node.data();
        let pos = data.sourcepos;
        let inline = match &data.value {
            NodeValue::Text(text) => Inline::Text(text.to_string()),
            NodeValue::SoftBreak => return out.push(Piece::SoftBreak),
            NodeValue::LineBreak => Inline::HardBreak,
            NodeValue::Code(code) => Inline::Code(code.literal.clone()),
            NodeValue::HtmlInline(html) => Inline::Html(html.clone()),
            NodeValue::Emph => Inline::Emph(self.inlines(node, depth + 1)),
            NodeValue::Strong => Inline::Strong(self.inlines(node, depth + 1)),
            NodeValue::Strikethrough => Inline::Strike(self.inlines(node, depth + 1)),
            NodeValue::Subscript => {
                out.push(Piece::Inline(Inline::Text("~".into())));
                for child in node.children() {
                    self.inline(child, depth + 1, out);
                }
                out.push(Piece::Inline(Inline::Text("~".into())));
                return;
            }
            NodeValue::Link(link) => {
                self.url_ref(&link.url, UrlKind::Link, pos);
                Inline::Link {
                    url: link.url.clone(),
                    title: link.title.clone(),
                    content: self.inlines(node, depth + 1),
                }
            }
            NodeValue::Image(link) => {
                self.url_ref(&link.url, UrlKind::Image, pos);
                let alt = alt_text(node);
                if alt.trim().is_empty() {
                    self.diags.push(
                        Diagnostic::warning(self.location(pos), "image has no alternative text")
                            .help("write a short description between the brackets: ![説明](photo.jpg)"),
                    );
                }
                Inline::Image {
                    url: link.url.clone(),
                    title: link.title.clone(),
                    alt,
                }
            }
            NodeValue::FootnoteReference(footnote) => Inline::FootnoteRef {
                index: self.footnote_index(&footnote.name),
            },
            _ => {
                for child in node.children() {
                    self.inline(child, depth + 1, out);
                }
                return;
            }
        };
        out.push(Piece::Inline(inline));
    }

    /// The leaves below `node` without their formatting; links and images still count as refs.
    fn flat_inlines(&mut self, node: Node<'a>, out: &mut Vec<Piece>) {
        for node in node.descendants() {
            let data = node.data();
            let piece = match &data.value {
                NodeValue::Text(text) => Inline::Text(text.to_string()),
                NodeValue::Code(code) => Inline::Code(code.literal.clone()),
                NodeValue::HtmlInline(html) => Inline::Html(html.clone()),
                NodeValue::LineBreak => Inline::HardBreak,
                NodeValue::SoftBreak => {
                    out.push(Piece::SoftBreak);
                    continue;
                }
                NodeValue::FootnoteReference(footnote) => Inline::FootnoteRef {
                    index: self.footnote_index(&footnote.name),
                },
                NodeValue::Link(link) => {
                    self.url_ref(&link.url, UrlKind::Link, data.sourcepos);
                    continue;
                }
                NodeValue::Image(link) => {
                    self.url_ref(&link.url, UrlKind::Image, data.sourcepos);
                    continue;
                }
                _ => continue,
            };
            out.push(Piece::Inline(piece));
        }
    }

    fn url_ref(&mut self, url: &str, kind: UrlKind, pos: Sourcepos) {
        self.refs.push(UrlRef {
            url: url.to_string(),
            kind,
            line: pos.start.line + self.line_offset,
            column: self
                .columns
                .char_column(pos.start.line, pos.start.column)
                .max(1),
        });
    }

    fn footnote_index(&mut self, label: &str) -> usize {
        if let Some(&index) = self.footnote_indexes.get(label) {
            return index;
        }
        let index = self.footnote_labels.len();
        self.footnote_labels.push(label.to_string());
        self.footnote_indexes.insert(label.to_string(), index);
        index
    }
}

fn convert_align(align: TableAlignment) -> Align {
    match align {
        TableAlignment::None => Align::None,
        TableAlignment::Left => Align::Left,
        TableAlignment::Center => Align::Center,
        TableAlignment::Right => Align::Right,
    }
}

/// The text of an image description; nested markup is dropped, soft breaks follow the usual rule.
fn alt_text(image: Node<'_>) -> String {
    let mut out = String::new();
    let mut pending_break = false;
    for node in image.descendants().skip(1) {
        let data = node.data();
        let text = match &data.value {
            NodeValue::Text(text) => text.as_ref(),
            NodeValue::Code(code) => code.literal.as_str(),
            NodeValue::SoftBreak | NodeValue::LineBreak => {
                pending_break = true;
                continue;
            }
            _ => continue,
        };
        if text.is_empty() {
            continue;
        }
        if pending_break && !out.is_empty() && needs_space(out.chars().last(), text.chars().next())
        {
            out.push(' ');
        }
        pending_break = false;
        out.push_str(text);
    }
    out
}

/// Turns soft breaks into nothing or a space and merges adjacent text.
fn resolve_soft_breaks(pieces: Vec<Piece>) -> Vec<Inline> {
    // Decide every separator before consuming the pieces: both neighbours are needed.
    let separators: Vec<bool> = (0..pieces.len())
        .map(|i| match pieces[i] {
            Piece::SoftBreak => {
                // Skipping a few pieces without text is enough; unbounded would be quadratic.
                let before = pieces[..i].iter().rev().take(8).find_map(piece_last_char);
                let after = pieces[i + 1..].iter().take(8).find_map(piece_first_char);
                needs_space(before, after)
            }
            Piece::Inline(_) => false,
        })
        .collect();

    let mut out: Vec<Inline> = Vec::new();
    for (piece, space) in pieces.into_iter().zip(separators) {
        match piece {
            Piece::SoftBreak if space => push_text(&mut out, " "),
            Piece::SoftBreak => {}
            Piece::Inline(Inline::Text(text)) => push_text(&mut out, &text),
            Piece::Inline(inline) => out.push(inline),
        }
    }
    out
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Inline::Text(text.to_string()));
    }
}

fn needs_space(before: Option<char>, after: Option<char>) -> bool {
    !matches!((before, after), (Some(a), Some(b)) if crate::japanese::soft_break_vanishes(a, b))
}

fn piece_last_char(piece: &Piece) -> Option<char> {
    match piece {
        Piece::Inline(inline) => last_char(inline),
        Piece::SoftBreak => Some(' '),
    }
}

fn piece_first_char(piece: &Piece) -> Option<char> {
    match piece {
        Piece::Inline(inline) => first_char(inline),
        Piece::SoftBreak => Some(' '),
    }
}

/// The last character a reader sees in `inline`; `None` for what has no text (skipped over).
fn last_char(inline: &Inline) -> Option<char> {
    match inline {
        Inline::Text(t) | Inline::Code(t) => t.chars().next_back(),
        Inline::Image { alt, .. } => alt.chars().next_back(),
        Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => {
            c.iter().rev().find_map(last_char)
        }
        Inline::Link { content, .. } => content.iter().rev().find_map(last_char),
        Inline::HardBreak => Some('\n'),
        Inline::Badge(_) => Some('】'),
        Inline::FootnoteRef { .. } | Inline::Html(_) => None,
    }
}

fn first_char(inline: &Inline) -> Option<char> {
    match inline {
        Inline::Text(t) | Inline::Code(t) => t.chars().next(),
        Inline::Image { alt, .. } => alt.chars().next(),
        Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => c.iter().find_map(first_char),
        Inline::Link { content, .. } => content.iter().find_map(first_char),
        Inline::HardBreak => Some('\n'),
        Inline::Badge(_) => Some('【'),
        Inline::FootnoteRef { .. } | Inline::Html(_) => None,
    }
}

/// An anchor id from heading text: letters and digits of any script are kept (Japanese too),
/// ASCII is lowercased, runs of spaces and hyphens become one `-`, everything else is dropped
/// so the id is safe in a URL fragment.
fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '-' {
            pending_dash = true;
        } else if c.is_alphanumeric() || c == '_' || matches!(c, '\u{3099}'..='\u{309A}') {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Ids the HTML renderer gives footnotes (`fn-1`, `fnref-1`, `fnref-1-2`); headings avoid them.
fn is_footnote_id(id: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = id.strip_prefix("fnref-") {
        return match rest.split_once('-') {
            Some((n, count)) => digits(n) && digits(count),
            None => digits(rest),
        };
    }
    id.strip_prefix("fn-").is_some_and(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn parse_with(body: &str, line_offset: usize) -> (Document, Vec<Diagnostic>) {
        let mut diags = Diagnostics::new();
        let doc = parse(body, Path::new("content/a.md"), line_offset, &mut diags);
        (doc, diags.into_iter().collect())
    }

    fn doc(body: &str) -> Document {
        parse_with(body, 0).0
    }

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    fn paragraph(body: &str) -> Vec<Inline> {
        match doc(body).blocks.as_slice() {
            [Block::Paragraph(content)] => content.clone(),
            other => panic!("expected one paragraph, got {other:?}"),
        }
    }

    #[test]
    fn emphasis_next_to_japanese_brackets_is_strong() {
        assert_eq!(
            paragraph("これは**「重要」**です"),
            vec![
                text("これは"),
                Inline::Strong(vec![text("「重要」")]),
                text("です")
            ]
        );
        assert_eq!(
            paragraph("締切は*６月30日（水）*です。"),
            vec![
                text("締切は"),
                Inline::Emph(vec![text("６月30日（水）")]),
                text("です。")
            ]
        );
    }

    #[test]
    fn soft_breaks_vanish_between_japanese_characters_only() {
        assert_eq!(
            paragraph("日本語の\n文章です。"),
            vec![text("日本語の文章です。")]
        );
        assert_eq!(
            paragraph("「会議」\n（全角）"),
            vec![text("「会議」（全角）")]
        );
        assert_eq!(paragraph("English\nwords"), vec![text("English words")]);
        assert_eq!(paragraph("日本語\nZoom"), vec![text("日本語 Zoom")]);
        assert_eq!(paragraph("Zoom\nで参加"), vec![text("Zoom で参加")]);
        assert_eq!(paragraph("𠮷野家\n𠮷"), vec![text("𠮷野家𠮷")]);
        // ※ and circled digits are Japanese text too (they were joined with a space).
        assert_eq!(
            paragraph("本文です。\n※注意"),
            vec![text("本文です。※注意")]
        );
        assert_eq!(paragraph("一つ目\n②"), vec![text("一つ目②")]);
        // The neighbours are looked up through formatting.
        assert_eq!(
            paragraph("重要\n**です**\nabc"),
            vec![
                text("重要"),
                Inline::Strong(vec![text("です")]),
                text(" abc")
            ]
        );
        assert_eq!(
            paragraph("本文[^1]\n続き\n\n[^1]: 注"),
            vec![text("本文"), Inline::FootnoteRef { index: 0 }, text("続き")]
        );
    }

    #[test]
    fn adjacent_text_is_merged() {
        // comrak splits text at `[`, entities and delimiters that did not match.
        assert_eq!(paragraph("a [b] &amp; c * d"), vec![text("a [b] & c * d")]);
    }

    #[test]
    fn single_tildes_are_text_double_tildes_strike() {
        assert_eq!(
            paragraph("10時~12時、14時~16時"),
            vec![text("10時~12時、14時~16時")]
        );
        assert_eq!(
            paragraph("~~中止~~ 延期"),
            vec![Inline::Strike(vec![text("中止")]), text(" 延期")]
        );
    }

    #[test]
    fn heading_ids_keep_japanese_and_are_unique() {
        let d = doc(concat!(
            "# 研修のお知らせ\n",
            "## 研修のお知らせ\n",
            "## 研修のお知らせ\n",
            "## Hello, World!\n",
            "## 「申込」・問い合わせ先\n",
            "## ！？\n",
            "## fn 1\n",
            "## fnref 2 3\n",
            "## `code` and *em*\n",
            "## COVID-19 対策 -- まとめ\n",
        ));
        let ids: Vec<String> = d.headings().into_iter().map(|(_, id, _)| id).collect();
        assert_eq!(
            ids,
            [
                "研修のお知らせ",
                "研修のお知らせ-2",
                "研修のお知らせ-3",
                "hello-world",
                "申込問い合わせ先",
                "section-6",
                "h-fn-1",
                "h-fnref-2-3",
                "code-and-em",
                "covid-19-対策-まとめ",
            ]
        );
    }

    #[test]
    fn heading_ids_stay_unique_against_written_suffixes() {
        let d = doc("# a\n# a-2\n# a\n# a\n");
        let ids: Vec<String> = d.headings().into_iter().map(|(_, id, _)| id).collect();
        assert_eq!(ids, ["a", "a-2", "a-3", "a-4"]);
    }

    #[test]
    fn task_lists() {
        let d = doc("- [ ] 未着手\n- [x] 完了\n- 普通の項目\n");
        let Block::List { ordered, items, .. } = &d.blocks[0] else {
            panic!("{d:?}")
        };
        assert_eq!(*ordered, None);
        let tasks: Vec<Option<bool>> = items.iter().map(|i| i.task).collect();
        assert_eq!(tasks, [Some(false), Some(true), None]);
        assert_eq!(items[1].blocks, [Block::Paragraph(vec![text("完了")])]);
    }

    #[test]
    fn ordered_list_start_and_looseness() {
        let d = doc("3. 三\n4. 四\n\n- a\n\n- b\n");
        let [
            Block::List {
                ordered: Some(3),
                tight: true,
                ..
            },
            Block::List {
                ordered: None,
                tight: false,
                ..
            },
        ] = d.blocks.as_slice()
        else {
            panic!("{d:?}")
        };
    }

    #[test]
    fn tables() {
        let d = doc("| 区 | 人数 | 備考 |\n|:--|--:|:-:|\n| 北区 | 12 | **満員** |\n| 西区 |\n");
        let Block::Table {
            align,
            header,
            rows,
        } = &d.blocks[0]
        else {
            panic!("{d:?}")
        };
        assert_eq!(align, &[Align::Left, Align::Right, Align::Center]);
        assert_eq!(header[1], vec![text("人数")]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][2], vec![Inline::Strong(vec![text("満員")])]);
        assert_eq!(rows[1][0], vec![text("西区")]);
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference() {
        let d = doc(
            "甲[^b]、乙[^a]、丙[^b]。\n\n[^a]: 注A\n[^b]: 注B[^c]\n[^c]: 注C\n[^unused]: 未使用\n",
        );
        assert_eq!(
            d.blocks[0],
            Block::Paragraph(vec![
                text("甲"),
                Inline::FootnoteRef { index: 0 },
                text("、乙"),
                Inline::FootnoteRef { index: 1 },
                text("、丙"),
                Inline::FootnoteRef { index: 0 },
                text("。"),
            ])
        );
        let notes: Vec<(&str, usize)> = d
            .footnotes
            .iter()
            .map(|f| (f.label.as_str(), f.number))
            .collect();
        assert_eq!(notes, [("b", 1), ("a", 2), ("c", 3)]);
        assert_eq!(
            d.footnotes[0].blocks,
            [Block::Paragraph(vec![
                text("注B"),
                Inline::FootnoteRef { index: 2 }
            ])]
        );
    }

    #[test]
    fn undefined_footnote_stays_text() {
        assert_eq!(paragraph("本文[^nope]"), vec![text("本文[^nope]")]);
    }

    #[test]
    fn refs_are_located_in_the_whole_file() {
        let body = "前文\n\n> 詳しくは[こちら](https://example.jp/a)へ\n\n- 写真 ![会場](img/会場.jpg \"会場\")\n\n<https://auto.example>\n\n[^1]: 注 [資料](docs/a.pdf)\n\n参照[^1]\n";
        let (d, _) = parse_with(body, 7);
        let refs: Vec<(&str, UrlKind, usize, usize)> = d
            .refs
            .iter()
            .map(|r| (r.url.as_str(), r.kind, r.line, r.column))
            .collect();
        assert_eq!(
            refs,
            [
                ("https://example.jp/a", UrlKind::Link, 10, 7),
                ("img/会場.jpg", UrlKind::Image, 12, 6),
                ("https://auto.example", UrlKind::Link, 14, 1),
                ("docs/a.pdf", UrlKind::Link, 16, 9),
            ]
        );
    }

    #[test]
    fn image_without_alt_text_warns_at_the_image() {
        let (d, diags) = parse_with("説明\n\n写真：![](a.jpg) ![ ](b.jpg) ![ok](c.jpg)\n", 4);
        assert_eq!(d.refs.len(), 3);
        let found: Vec<(usize, usize)> = diags
            .iter()
            .filter(|d| d.message == "image has no alternative text")
            .map(|d| (d.location.line, d.location.column))
            .collect();
        assert_eq!(found, [(7, 4), (7, 15)]);
        assert!(
            diags
                .iter()
                .all(|d| d.severity == Severity::Warning && d.help.is_some())
        );
    }

    #[test]
    fn alt_text_is_plain() {
        let d = doc("![会場の\n**写真** `x`](a.jpg)");
        let Block::Paragraph(content) = &d.blocks[0] else {
            panic!()
        };
        let [Inline::Image { alt, .. }] = content.as_slice() else {
            panic!("{content:?}")
        };
        assert_eq!(alt, "会場の写真 x");
    }

    #[test]
    fn heading_level_jump_warns() {
        let (_, diags) = parse_with("## 概要\n\n### 詳細\n\n## 次\n\n#### 飛んだ\n", 3);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].location.line, 10);
        assert!(diags[0].message.contains("level 2"), "{}", diags[0].message);
        assert!(diags[0].help.as_deref().unwrap().contains("###"));
    }

    #[test]
    fn code_blocks_and_surveys() {
        let body = "前文\n\n```survey\nquestion: 満足度\nanswers:\n  良い: 3\n  悪い: 1\n```\n\n~~~python extra\nprint(1)\n~~~\n\n    indented\n";
        let (d, diags) = parse_with(body, 5);
        assert!(diags.is_empty(), "{diags:?}");
        let Block::Survey(survey) = &d.blocks[1] else {
            panic!("{d:?}")
        };
        assert_eq!(survey.question, "満足度");
        assert_eq!(survey.total, 4);
        assert_eq!(
            d.blocks[2],
            Block::Code {
                lang: Some("python".into()),
                text: "print(1)".into()
            }
        );
        assert_eq!(
            d.blocks[3],
            Block::Code {
                lang: None,
                text: "indented".into()
            }
        );
    }

    #[test]
    fn survey_errors_are_located_and_the_block_dropped() {
        let body = "前文\n\n> ```survey\n> question: 満足度\n> answers:\n>   良い: 3\n>   bad: -1\n> ```\n\n後文\n";
        let (d, diags) = parse_with(body, 10);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].is_error());
        // The YAML starts on body line 4 (file line 14); the bad count is on its fourth line.
        assert_eq!(diags[0].location.line, 17, "{diags:?}");
        assert_eq!(d.blocks[0], Block::Paragraph(vec![text("前文")]));
        assert_eq!(d.blocks[1], Block::BlockQuote(vec![]));
        assert_eq!(d.blocks[2], Block::Paragraph(vec![text("後文")]));
    }

    #[test]
    fn unclosed_fence_warns() {
        let (d, diags) = parse_with("前\n\n```\nコード\n\n# 見出しのつもり\n", 2);
        assert_eq!(d.blocks.len(), 2);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].location.line, 5);
        assert!(diags[0].message.contains("never closed"));
    }

    #[test]
    fn raw_html_is_kept_for_the_renderer() {
        let d = doc("<div class=\"x\">\n本文\n</div>\n\n文中の<b>太字</b>\n");
        assert_eq!(
            d.blocks[0],
            Block::Html("<div class=\"x\">\n本文\n</div>\n".into())
        );
        assert_eq!(
            d.blocks[1],
            Block::Paragraph(vec![
                text("文中の"),
                Inline::Html("<b>".into()),
                text("太字"),
                Inline::Html("</b>".into()),
            ])
        );
    }

    #[test]
    fn hostile_input_does_not_panic_and_nesting_is_bounded() {
        fn depth(blocks: &[Block]) -> usize {
            blocks
                .iter()
                .map(|b| match b {
                    Block::BlockQuote(inner) => 1 + depth(inner),
                    Block::List { items, .. } => {
                        1 + items.iter().map(|i| depth(&i.blocks)).max().unwrap_or(0)
                    }
                    Block::Paragraph(c) | Block::Heading { content: c, .. } => inline_depth(c),
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        fn inline_depth(inlines: &[Inline]) -> usize {
            inlines
                .iter()
                .map(|i| match i {
                    Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => 1 + inline_depth(c),
                    Inline::Link { content, .. } => 1 + inline_depth(content),
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }

        let long_line = "長い行".repeat(4000);
        let nested_list: String = (0..300)
            .map(|i| format!("{}- 項目\n", "  ".repeat(i)))
            .collect();
        // Sizes stay modest: comrak itself is quadratic on some of these nestings.
        let nested_emphasis = format!("{}中身{}", "*a ".repeat(500), " b*".repeat(500));
        let inputs = [
            "```\nunclosed fence".to_string(),
            "~~~survey\nquestion: [unclosed".to_string(),
            format!("{}深い引用\n>\n- a", ">".repeat(3_000)),
            format!("{} 見出し", "#".repeat(20)),
            long_line,
            nested_list,
            nested_emphasis,
            "*".repeat(10_000),
            "[".repeat(10_000) + &"](x)".repeat(10_000),
            "![".repeat(1_000) + &"](x)".repeat(1_000),
            "NUL\0文字\0\n\0`\0`[\0](\0)\n```\0\n\0".to_string(),
            "絵文字 👨‍👩‍👧 **😀**\n👍🏽".to_string(),
            "| a |\n|---|\n| <script> |".repeat(100),
            "[^1]\n\n[^1]: [^1]".to_string(),
            "\u{feff}\r\n# 見出し\r\n本文\r".to_string(),
            "- [ ]\n- [x]".to_string(),
            String::new(),
        ];
        for input in &inputs {
            let (d, _) = parse_with(input, 3);
            assert!(depth(&d.blocks) <= MAX_BLOCK_DEPTH + MAX_INLINE_DEPTH + 2);
            assert!(!format!("{d:?}").contains("\\0"), "{d:?}");
        }
    }
}
