//! The vertical list: what the block layout produces and the paginator consumes.
//!
//! A [`Chunk`] is an unbreakable strip of the text column (one line of a paragraph, a table
//! row, a heading, a survey figure…) whose items use *relative* coordinates: x is absolute
//! (from the page's left edge) but every y is measured downwards from the chunk's top. The
//! paginator gives each chunk a top on some page and [`place`] turns its items into
//! `draw::Item`s in PDF coordinates.

use crate::pdf::draw::{Item, Rgb, Tag};

/// Where a link in the PDF goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfLink {
    Uri(String),
    /// A heading id / footnote id in this document.
    Anchor(String),
}

/// The anchor id of footnote `n`'s note.
pub(crate) fn footnote_id(n: usize) -> String {
    format!("\u{1}fn-{n}")
}

/// The anchor id of the first reference to footnote `n`.
pub(crate) fn footnote_ref_id(n: usize) -> String {
    format!("\u{1}fnref-{n}")
}

/// The vertical list of a document as the block layout leaves it for pagination.
#[derive(Debug, Default)]
pub(crate) struct Flow {
    /// The chunk arena: `0..flow_len` is the flow, the page-bottom footnotes' chunks follow.
    pub chunks: Vec<Chunk>,
    pub flow_len: usize,
    /// Decorations the chunks refer to (`Chunk::spans`).
    pub spans: Vec<SpanDeco>,
    /// Header row chunk of each table, by table id.
    pub table_headers: Vec<Option<usize>>,
    /// Footnotes set at the bottom of the page of their first reference.
    pub notes: Vec<Note>,
}

/// A footnote set at the bottom of the page of its first reference.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub number: usize,
    /// Its chunks in the arena.
    pub chunks: std::ops::Range<usize>,
    /// Height including the space after it.
    pub h: f32,
}

/// A link area relative to its chunk (y down from the top).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RelLink {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub target: PdfLink,
    /// The `Link` structure element.
    pub node: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Chunk {
    pub h: f32,
    /// Relative items (see the module docs), drawn in order.
    pub items: Vec<Item>,
    pub links: Vec<RelLink>,
    /// Link targets in this chunk: (anchor id, y).
    pub anchors: Vec<(String, f32)>,
    /// Outline entries: (level, title, y).
    pub outline: Vec<(u8, String, f32)>,
    /// Space above the chunk, dropped at the top of a page.
    pub space_before: f32,
    /// No page break between this chunk and the next one.
    pub keep_with_next: bool,
    /// The chunk starts a new page (a handout's `##` section, the page after a title page).
    pub break_before: bool,
    /// Where the chunk may be cut when it is taller than a page (y offsets, ascending).
    pub cuts: Vec<f32>,
    /// Decorations (quote bars, code backgrounds) this chunk belongs to.
    pub spans: Vec<usize>,
    /// The table this chunk is a row of, for repeating the header row after a page break.
    pub table: Option<usize>,
    pub table_header: bool,
}

impl Chunk {
    pub fn new(h: f32) -> Chunk {
        Chunk {
            h,
            ..Chunk::default()
        }
    }

    /// Baseline of the first glyph run, for aligning list markers.
    pub fn first_baseline(&self) -> Option<f32> {
        self.items.iter().find_map(|i| match i {
            Item::Glyphs { baseline, .. } => Some(*baseline),
            _ => None,
        })
    }

    /// Appends `other`'s content moved down by `dy`.
    pub fn absorb(&mut self, other: Chunk, dy: f32) {
        self.items.extend(other.items.into_iter().map(|mut i| {
            shift(&mut i, dy);
            i
        }));
        self.links.extend(other.links.into_iter().map(|mut l| {
            l.y += dy;
            l
        }));
        self.anchors
            .extend(other.anchors.into_iter().map(|(a, y)| (a, y + dy)));
        self.outline
            .extend(other.outline.into_iter().map(|(l, t, y)| (l, t, y + dy)));
        self.cuts.extend(other.cuts.into_iter().map(|c| c + dy));
    }

    /// Cuts the chunk at `at` (0 < at < h): the part above and the rest below. Glyph runs go
    /// with their baseline, boxes are cut in two, images and links go with their top.
    pub fn split(self, at: f32) -> (Chunk, Chunk) {
        let mut top = Chunk {
            h: at,
            spans: self.spans.clone(),
            table: self.table,
            ..Chunk::default()
        };
        let mut rest = Chunk {
            h: (self.h - at).max(0.0),
            spans: self.spans,
            table: self.table,
            ..Chunk::default()
        };
        for item in self.items {
            let (above, below) = split_item(item, at);
            top.items.extend(above);
            rest.items.extend(below);
        }
        for l in self.links {
            if l.y < at {
                top.links.push(l)
            } else {
                rest.links.push(RelLink { y: l.y - at, ..l })
            }
        }
        for (a, y) in self.anchors {
            if y < at {
                top.anchors.push((a, y))
            } else {
                rest.anchors.push((a, y - at))
            }
        }
        for (l, t, y) in self.outline {
            if y < at {
                top.outline.push((l, t, y))
            } else {
                rest.outline.push((l, t, y - at))
            }
        }
        rest.cuts = self
            .cuts
            .into_iter()
            .filter(|&c| c > at + 0.5)
            .map(|c| c - at)
            .collect();
        rest.keep_with_next = self.keep_with_next;
        (top, rest)
    }
}

/// A relative item of a chunk cut at `at`: its part above the cut and its part below (moved
/// up to the new top).
fn split_item(item: Item, at: f32) -> (Option<Item>, Option<Item>) {
    let below = |mut i: Item| {
        shift(&mut i, -at);
        (None, Some(i))
    };
    match item {
        Item::Glyphs { baseline, .. } if baseline <= at => (Some(item), None),
        Item::Image { y, .. } if y < at => (Some(item), None),
        Item::Glyphs { .. } | Item::Image { .. } => below(item),
        Item::Rect { y, h, .. } if y + h <= at + 0.01 => (Some(item), None),
        Item::Rect { y, .. } if y >= at - 0.01 => below(item),
        Item::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
            tag,
        } => {
            let part = |y: f32, h: f32| Item::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
                tag,
            };
            (Some(part(y, at - y)), Some(part(0.0, y + h - at)))
        }
        Item::Line { y1, y2, .. } if y1.max(y2) <= at + 0.01 => (Some(item), None),
        Item::Line { y1, y2, .. } if y1.min(y2) >= at - 0.01 => below(item),
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            color,
            width,
            tag,
        } if (x1 - x2).abs() < 0.01 => {
            let (lo, hi) = (y1.min(y2), y1.max(y2));
            let part = |y1: f32, y2: f32| Item::Line {
                x1,
                y1,
                x2,
                y2,
                color,
                width,
                tag,
            };
            (Some(part(lo, at)), Some(part(0.0, hi - at)))
        }
        Item::Line { .. } => (Some(item), None),
    }
}

/// A decoration drawn behind every page fragment of a run of chunks: a tinted box and/or a
/// bar on its left (block quotes, code blocks, footnote areas).
#[derive(Debug, Clone)]
pub(crate) struct SpanDeco {
    pub x: f32,
    pub w: f32,
    pub fill: Option<Rgb>,
    /// A bar at the left edge: (colour, width).
    pub bar: Option<(Rgb, f32)>,
}

/// Moves a relative item down by `dy`.
pub(crate) fn shift(item: &mut Item, dy: f32) {
    match item {
        Item::Glyphs { baseline, .. } => *baseline += dy,
        Item::Rect { y, .. } | Item::Image { y, .. } => *y += dy,
        Item::Line { y1, y2, .. } => {
            *y1 += dy;
            *y2 += dy;
        }
    }
}

/// A relative item of a chunk whose top is at `top` (PDF y) as a page item.
pub(crate) fn place(item: &Item, top: f32) -> Item {
    match item.clone() {
        Item::Glyphs {
            font,
            size,
            color,
            baseline,
            glyphs,
            tag,
        } => Item::Glyphs {
            font,
            size,
            color,
            baseline: top - baseline,
            glyphs,
            tag,
        },
        Item::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke,
            tag,
        } => Item::Rect {
            x,
            y: top - y - h,
            w,
            h,
            fill,
            stroke,
            tag,
        },
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            color,
            width,
            tag,
        } => Item::Line {
            x1,
            y1: top - y1,
            x2,
            y2: top - y2,
            color,
            width,
            tag,
        },
        Item::Image {
            image,
            x,
            y,
            w,
            h,
            tag,
        } => Item::Image {
            image,
            x,
            y: top - y - h,
            w,
            h,
            tag,
        },
    }
}

/// A filled rectangle in relative coordinates (y = top edge).
pub(crate) fn fill_rect(x: f32, y: f32, w: f32, h: f32, color: Rgb) -> Item {
    Item::Rect {
        x,
        y,
        w: w.max(0.0),
        h: h.max(0.0),
        fill: Some(color),
        stroke: None,
        tag: Tag::Artifact,
    }
}

pub(crate) fn stroke_rect(x: f32, y: f32, w: f32, h: f32, color: Rgb, width: f32) -> Item {
    Item::Rect {
        x,
        y,
        w: w.max(0.0),
        h: h.max(0.0),
        fill: None,
        stroke: Some((color, width)),
        tag: Tag::Artifact,
    }
}

pub(crate) fn hline(x1: f32, x2: f32, y: f32, color: Rgb, width: f32) -> Item {
    Item::Line {
        x1,
        y1: y,
        x2,
        y2: y,
        color,
        width,
        tag: Tag::Artifact,
    }
}

pub(crate) fn vline(x: f32, y1: f32, y2: f32, color: Rgb, width: f32) -> Item {
    Item::Line {
        x1: x,
        y1,
        x2: x,
        y2,
        color,
        width,
        tag: Tag::Artifact,
    }
}
