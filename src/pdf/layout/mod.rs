//! The layout engine: a parsed [`Page`](crate::content::Page) → pages of positioned glyphs,
//! shapes, images, link areas and outline entries ([`draw::Document`]).
//!
//! Pipeline: the title block (`flyer`) and the body blocks (`block`, `table`, `survey`) become
//! a vertical list of unbreakable chunks (`flow`); inline text is shaped and broken into lines
//! by `inline` with `japanese::linebreak`; `paginate` fills the pages (keep-with-next, widows
//! and orphans, repeated table headers), draws the running header and footer and resolves
//! internal links.
//!
//! Choices: paragraphs are justified with no first-line indent (`text.indent` in pdf.yaml
//! changes it); emphasis is the `emphasis` colour (Japanese fonts have no italic); footnotes
//! are collected at the end of the document, each number linking back to its first
//! reference; outline entries are the Markdown headings at their Markdown level (the title is
//! the document title, not an entry).

mod block;
mod flow;
mod flyer;
mod inline;
mod paginate;
mod survey;
mod table;

use crate::content::{Kind, Page};
use crate::pdf::draw::{self, FontIndex, Rgb};
use crate::pdf::style::Style;

/// Where a link in the PDF goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfLink {
    Uri(String),
    /// A heading id / footnote id in this document.
    Anchor(String),
}

pub struct LayoutContext<'a> {
    pub fonts: &'a crate::pdf::fonts::FontSet,
    pub style: &'a Style,
    pub config: &'a crate::config::Config,
    /// Font fallback chain for regular text, resolved from `style.fonts.regular` by the caller.
    /// Empty means the built-in BIZ UDPGothic Regular (`FontIndex(0)`).
    pub regular: &'a [FontIndex],
    /// The chain for bold text (`style.fonts.bold`); empty means `FontIndex(1)`. The regular
    /// chain is appended as a fallback for characters the bold fonts lack.
    pub bold: &'a [FontIndex],
    /// The theme's `survey_colors` (theme.yaml), as the HTML renderer gets them.
    pub survey_colors: &'a [String],
    /// Resolves a Markdown link URL for the PDF (None → render the link text without a link).
    pub resolve: &'a dyn Fn(&str) -> Option<PdfLink>,
    /// Loads an image referenced by the page (already downsampled to ≤ 200 dpi for `max_width_pt`).
    pub image: &'a dyn Fn(&str, f32) -> Result<draw::Image, String>,
    /// Renders a header/footer template string for one page (1-based page number, page count).
    pub margin_text: &'a dyn Fn(&str, usize, usize) -> String,
}

/// Lays out one page of content as an A4 (or the theme's size) document.
pub fn layout(page: &Page, ctx: &LayoutContext) -> draw::Document {
    let mut engine = Engine::new(page, ctx);
    match &page.meta.kind {
        Kind::Newsletter(n) => engine.masthead(n),
        Kind::Event(e) => engine.event_head(e),
        Kind::Plain => engine.plain_head(),
    }
    let (left, width) = (engine.left, engine.width);
    engine.blocks(&page.doc.blocks, left, width, 0);
    engine.footnotes();

    let mut chunks = std::mem::take(&mut engine.chunks);
    let pages = paginate::paginate(&mut chunks, &engine.table_headers, engine.body_h);
    engine.chunks = chunks;
    let (pages, outline) = engine.assemble(&pages);

    let info = draw::Info {
        title: page.meta.title.clone(),
        author: match &page.meta.kind {
            Kind::Newsletter(n) => n.author.clone().filter(|a| !a.trim().is_empty()),
            _ => None,
        },
        subject: page.meta.summary.clone().filter(|s| !s.trim().is_empty()),
        keywords: page.meta.tags.clone(),
        language: if ctx.config.language.trim().is_empty() { "ja".into() } else { ctx.config.language.trim().to_owned() },
        created: page.meta.date.map(|d| d.to_datetime(jiff::civil::Time::midnight())),
    };
    draw::Document { pages, outline, images: std::mem::take(&mut engine.images), info }
}

/// Colours of the style, resolved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Palette {
    pub text: Rgb,
    pub muted: Rgb,
    pub accent: Rgb,
    pub heading: Rgb,
    pub link: Rgb,
    pub emphasis: Rgb,
    pub rule: Rgb,
    pub tint: Rgb,
    pub quote_background: Rgb,
    pub quote_bar: Rgb,
    pub code_background: Rgb,
}

/// The state of one layout run.
pub(crate) struct Engine<'a> {
    pub ctx: &'a LayoutContext<'a>,
    pub page: &'a Page,
    pub style: &'a Style,
    pub colors: Palette,
    pub regular: Vec<FontIndex>,
    pub bold: Vec<FontIndex>,
    /// The text column.
    pub left: f32,
    pub width: f32,
    pub body_h: f32,
    // The vertical list being built.
    pub chunks: Vec<flow::Chunk>,
    pub spans: Vec<flow::SpanDeco>,
    pub open_spans: Vec<usize>,
    /// Space asked above the next chunk.
    pub pending: f32,
    /// Ignore the next block's own space above (first block of a list item or quote).
    pub suppress: bool,
    pub list_level: usize,
    /// Header row chunk of each table, by table id.
    pub table_headers: Vec<Option<usize>>,
    pub images: Vec<draw::Image>,
    /// Footnote numbers referenced so far, in order.
    pub footnote_refs: Vec<usize>,
}

impl<'a> Engine<'a> {
    fn new(page: &'a Page, ctx: &'a LayoutContext<'a>) -> Engine<'a> {
        let style = ctx.style;
        let c = &style.colors;
        let colors = Palette {
            text: c.text.0,
            muted: c.muted.0,
            accent: c.accent.0,
            heading: c.heading.0,
            link: c.link.0,
            emphasis: c.emphasis.0,
            rule: c.rule.0,
            tint: c.tint.0,
            quote_background: c.quote_background.0,
            quote_bar: c.quote_bar.0,
            code_background: c.code_background.0,
        };
        let mut regular: Vec<FontIndex> = ctx.regular.to_vec();
        if regular.is_empty() {
            regular.push(FontIndex(0));
        }
        let mut bold: Vec<FontIndex> = ctx.bold.to_vec();
        if bold.is_empty() {
            bold.push(FontIndex(1));
        }
        for f in &regular {
            if !bold.contains(f) {
                bold.push(*f);
            }
        }
        let (left, _, width, body_h) = style.body_box();
        Engine {
            ctx,
            page,
            style,
            colors,
            regular,
            bold,
            left,
            width,
            body_h,
            chunks: Vec::new(),
            spans: Vec::new(),
            open_spans: Vec::new(),
            pending: 0.0,
            suppress: false,
            list_level: 0,
            table_headers: Vec::new(),
            images: Vec::new(),
            footnote_refs: Vec::new(),
        }
    }
}
