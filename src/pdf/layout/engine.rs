//! The block layout's state: one run of laying out a page's blocks into the vertical list
//! ([`Flow`]). The blocks themselves are laid out by `block`, `table`, `flyer`, `survey` and
//! `notes`; lines are composed by the [`Composer`], which this engine owns and hands on to
//! pagination when it is done; the structure tree is built in [`Tags`].

use crate::content::Page;
use crate::pdf::draw::{self, Item, Role, StructNode, Tag};
use crate::pdf::style::Style;

use super::context::LayoutContext;
use super::flow::{Chunk, Flow, SpanDeco};
use super::inline::{Composer, LineBox, Para, Piece, Run};
use super::measure::Measure;
use super::palette::Palette;
use super::tags::{Current, Tags};

pub(crate) struct Engine<'a> {
    pub ctx: &'a LayoutContext<'a>,
    pub page: &'a Page,
    pub style: &'a Style,
    pub colors: Palette,
    pub text: Composer<'a>,
    /// The text column.
    pub left: f32,
    pub width: f32,
    pub body_h: f32,
    /// The vertical list being built.
    pub flow: Flow,
    pub open_spans: Vec<usize>,
    /// Space asked above the next chunk.
    pub pending: f32,
    /// Ignore the next block's own space above (first block of a list item or quote).
    pub suppress: bool,
    pub list_level: usize,
    pub images: Vec<draw::Image>,
    /// Footnote numbers referenced so far, in order.
    pub footnote_refs: Vec<usize>,
    /// The structure tree being built (see `tags`).
    pub tags: Tags,
}

/// What a finished block layout hands on: the vertical list to paginate, the composer that
/// sets the running header and footer, the images and the structure tree.
pub(crate) struct Finished<'a> {
    pub flow: Flow,
    pub text: Composer<'a>,
    pub images: Vec<draw::Image>,
    pub structure: Vec<StructNode>,
}

impl<'a> Engine<'a> {
    pub(crate) fn new(page: &'a Page, ctx: &'a LayoutContext<'a>) -> Engine<'a> {
        let style = ctx.style;
        let measure = Measure::new(ctx.fonts, ctx.regular, ctx.bold);
        let (left, _, width, body_h) = style.body_box();
        Engine {
            ctx,
            page,
            style,
            colors: Palette::of(style),
            text: Composer::new(measure, style),
            left,
            width,
            body_h,
            flow: Flow::default(),
            open_spans: Vec::new(),
            pending: 0.0,
            suppress: false,
            list_level: 0,
            images: Vec::new(),
            footnote_refs: Vec::new(),
            tags: Tags::new(),
        }
    }

    /// Ends the block layout. Without page-bottom footnotes every chunk is flow.
    pub(crate) fn finish(mut self) -> Finished<'a> {
        if self.flow.notes.is_empty() {
            self.flow.flow_len = self.flow.chunks.len();
        }
        Finished {
            structure: self.tags.take_structure(),
            flow: self.flow,
            text: self.text,
            images: self.images,
        }
    }
}

/// Measuring and line composition, through the composer; glyph runs are tagged as content of
/// the current structure element.
impl Engine<'_> {
    pub(crate) fn measure(&self, text: &str, bold: bool, size: f32) -> f32 {
        self.text.measure.width(text, bold, size)
    }

    /// (ascender, descender) of the first font of a chain at `size`.
    pub(crate) fn metrics(&self, bold: bool, size: f32) -> (f32, f32) {
        self.text.measure.metrics(bold, size)
    }

    /// Lays out runs (and hard breaks) in a column at `x` of `width`.
    pub(crate) fn lines(&self, pieces: &[Piece], x: f32, width: f32, para: Para) -> Vec<LineBox> {
        self.text
            .lines(pieces, x, width, para, &|node| self.content_tag(node))
    }

    /// One unbroken line of runs starting at `x`, baseline at `baseline` (relative).
    pub(crate) fn single_line(&self, runs: &[Run], x: f32, baseline: f32) -> (Vec<Item>, f32) {
        let size = self.style.text.size;
        self.text
            .single_line(runs, x, baseline, size, &|node| self.content_tag(node))
    }

    /// The widest piece of `pieces` no line break may split.
    pub(crate) fn min_content(&self, pieces: &[Piece]) -> f32 {
        self.text.min_content(pieces)
    }
}

/// The structure tree, through [`Tags`].
impl Engine<'_> {
    pub(crate) fn open_node(&self, role: Role) -> usize {
        self.tags.open_node(role)
    }

    pub(crate) fn close_node(&self, id: usize) {
        self.tags.close_node(id)
    }

    pub(crate) fn child_node(&self, role: Role, parent: usize) -> usize {
        self.tags.child_node(role, parent)
    }

    pub(crate) fn inline_node(&self, role: Role) -> usize {
        self.tags.inline_node(role)
    }

    pub(crate) fn inline_child(&self, role: Role, parent: usize) -> usize {
        self.tags.inline_child(role, parent)
    }

    pub(crate) fn set_current(&self, c: Current) -> Current {
        self.tags.set_current(c)
    }

    pub(crate) fn set_alt(&self, node: usize, alt: String) {
        self.tags.set_alt(node, alt)
    }

    pub(crate) fn content_tag(&self, node: Option<usize>) -> Tag {
        self.tags.content_tag(node)
    }

    pub(crate) fn heading_role(&self, markdown_level: u8) -> Role {
        self.tags.heading_role(markdown_level)
    }
}

/// The vertical list: chunks, the space between them and the decorations they belong to.
impl Engine<'_> {
    /// Asks for at least `space` above the next chunk (collapsing with the space already asked).
    pub(crate) fn gap(&mut self, space: f32) {
        if self.suppress {
            self.suppress = false;
            return;
        }
        self.pending = self.pending.max(space);
    }

    pub(crate) fn push(&mut self, mut c: Chunk) {
        c.space_before = c.space_before.max(self.pending);
        self.pending = 0.0;
        self.suppress = false;
        c.spans.extend(self.open_spans.iter().copied());
        self.flow.chunks.push(c);
    }

    pub(crate) fn open_span(&mut self, deco: SpanDeco) -> usize {
        self.flow.spans.push(deco);
        let id = self.flow.spans.len() - 1;
        self.open_spans.push(id);
        id
    }

    pub(crate) fn close_span(&mut self, id: usize) {
        self.open_spans.retain(|&s| s != id);
    }
}
