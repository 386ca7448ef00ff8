//! The typed body of a page: what the Markdown says, parsed once and consumed by both the HTML
//! renderer and the PDF typesetter, so the two never disagree.

use crate::survey::Survey;

/// The alternative text that marks an image as decorative (`![-](kazari.png)`): the HTML
/// gives it `alt=""` and the PDF draws it as an artifact, so both renderers ask here.
pub const DECORATIVE: &str = "-";

pub fn is_decorative(alt: &str) -> bool {
    alt.trim() == DECORATIVE
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Footnote definitions in order of first reference; `Inline::FootnoteRef::index` points here.
    pub footnotes: Vec<Footnote>,
    /// Every link and image URL with where it was written, for link checking.
    pub refs: Vec<UrlRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UrlRef {
    pub url: String,
    pub kind: UrlKind,
    /// 1-based position in the whole source file (front matter included).
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Footnote {
    pub label: String,
    /// 1-based number shown to readers.
    pub number: usize,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        /// 1..=6 as written; themes shift them (the page title is the only h1).
        level: u8,
        /// Anchor id, unique within the page (Japanese text is kept).
        id: String,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    List {
        /// `Some(start)` for an ordered list.
        ordered: Option<u64>,
        tight: bool,
        items: Vec<ListItem>,
    },
    BlockQuote(Vec<Block>),
    Code {
        lang: Option<String>,
        text: String,
    },
    Table {
        align: Vec<Align>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
    Survey(Survey),
    /// Raw HTML as written; the HTML renderer sanitises it unless the site allows raw HTML,
    /// the PDF typesetter ignores it.
    Html(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// `Some(checked)` for a task list item.
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text; soft line breaks are already resolved (nothing between two Japanese
    /// characters, a space elsewhere).
    Text(String),
    Code(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Link {
        url: String,
        title: String,
        content: Vec<Inline>,
    },
    Image {
        url: String,
        title: String,
        alt: String,
    },
    HardBreak,
    /// A reference to `Document::footnotes[index]`.
    FootnoteRef {
        index: usize,
    },
    Html(String),
    /// A status badge, written 【実施済】 in the text.
    Badge(Badge),
}

/// The status marks meeting handouts put after a heading or an item, as the trainings show
/// their status: 開催予定・実施済・延期・中止・継続実施中, and NEW.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    Status(crate::content::event::Status),
    New,
}

impl Badge {
    /// The badge whose label is `label` (開催予定, NEW …).
    pub fn parse(label: &str) -> Option<Badge> {
        if label == "NEW" {
            return Some(Badge::New);
        }
        crate::content::event::Status::ALL
            .into_iter()
            .find(|s| s.label() == label)
            .map(Badge::Status)
    }

    pub fn label(self) -> &'static str {
        match self {
            Badge::Status(s) => s.label(),
            Badge::New => "NEW",
        }
    }

    /// The class suffix of the HTML (`status-held`), the status key.
    pub fn key(self) -> &'static str {
        match self {
            Badge::Status(s) => s.key(),
            Badge::New => "new",
        }
    }
}

impl Inline {
    /// The text a reader sees, without markup (for ids, alt text, titles).
    pub fn plain_text(inlines: &[Inline]) -> String {
        let mut out = String::new();
        for inline in inlines {
            match inline {
                Inline::Text(t) | Inline::Code(t) => out.push_str(t),
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => {
                    out.push_str(&Inline::plain_text(c))
                }
                Inline::Link { content, .. } => out.push_str(&Inline::plain_text(content)),
                Inline::Image { alt, .. } => out.push_str(alt),
                Inline::HardBreak => out.push(' '),
                // As written, so ids, the outline and the search read the text unchanged.
                Inline::Badge(b) => out.push_str(&format!("【{}】", b.label())),
                Inline::FootnoteRef { .. } | Inline::Html(_) => {}
            }
        }
        out
    }
}

impl Document {
    /// Headings as (level, id, text), in order, for tables of contents and PDF outlines.
    pub fn headings(&self) -> Vec<(u8, String, String)> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, id, content } => {
                    Some((*level, id.clone(), Inline::plain_text(content)))
                }
                _ => None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlKind {
    Link,
    Image,
}
