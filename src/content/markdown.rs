//! Markdown body → `Document`: the body parser of the content layer (front matter is
//! `frontmatter`'s). comrak parses; this module settles what the HTML and PDF outputs must
//! agree on (soft breaks in Japanese text, heading ids, footnote numbers, survey blocks) and
//! reports problems at their place in the whole file.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use comrak::nodes::{
    AstNode, ListType, NodeCodeBlock, NodeList, NodeTable, NodeValue, Sourcepos, TableAlignment,
};
use comrak::options::{Extension, Parse};
use comrak::{Arena, Options, parse_document};

use crate::content::model::{Align, Block, Document, Footnote, Inline, ListItem, UrlKind, UrlRef};
use crate::diag::{Diagnostic, Diagnostics, shifted};

mod badges;
mod columns;
mod ids;
pub mod limits;
mod printed;
mod soft_breaks;
#[cfg(test)]
mod tests;

use ids::{is_footnote_id, slug};
pub use printed::printed_texts;
use soft_breaks::{Piece, alt_text, resolve_soft_breaks};

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

fn options() -> Options<'static> {
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
            NodeValue::CodeBlock(code) => self.code_block(code, pos, out),
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
            NodeValue::Table(table) => out.push(self.table(node, table)),
            // Unreferenced definitions are dropped by comrak; referenced ones are handled apart.
            NodeValue::FootnoteDefinition(_) => {}
            _ if depth >= MAX_BLOCK_DEPTH => self.flat_blocks(node, depth, out),
            NodeValue::BlockQuote => {
                let inner = self.blocks(node.children(), depth + 1);
                out.push(Block::BlockQuote(inner));
            }
            NodeValue::List(list) => out.push(self.list(node, list, depth)),
            // Containers of kinds not enabled here: keep their content.
            _ => {
                for child in node.children() {
                    self.block(child, depth + 1, out);
                }
            }
        }
    }

    /// A fenced or indented code block; a `survey` fence is a survey block.
    fn code_block(&mut self, code: &NodeCodeBlock, pos: Sourcepos, out: &mut Vec<Block>) {
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

    fn table(&mut self, node: Node<'a>, table: &NodeTable) -> Block {
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
        Block::Table {
            align,
            header,
            rows,
        }
    }

    fn list(&mut self, node: Node<'a>, list: &NodeList, depth: usize) -> Block {
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
        Block::List {
            ordered,
            tight,
            items,
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
