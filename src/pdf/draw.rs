//! What the layout engine hands to the PDF writer: pages of positioned glyphs, shapes, images
//! and link areas, plus the outline and document information. The layout engine never touches
//! printpdf; the writer never decides where anything goes.
//!
//! Coordinates are PDF points with the origin at the page's bottom-left corner, as in PDF.

/// An RGB colour, each channel 0.0..=1.0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);

    /// `#1d4f91` or `#fff`; `None` for anything else.
    pub fn parse_hex(s: &str) -> Option<Rgb> {
        let h = s.trim().strip_prefix('#')?;
        let expand: String = match h.len() {
            3 => h.chars().flat_map(|c| [c, c]).collect(),
            6 => h.to_owned(),
            _ => return None,
        };
        let v = u32::from_str_radix(&expand, 16).ok()?;
        let c = |shift: u32| ((v >> shift) & 0xff) as f32 / 255.0;
        Some(Rgb(c(16), c(8), c(0)))
    }
}

/// Index into the font set of the build (`pdf::fonts::FontSet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontIndex(pub usize);

/// One glyph at an absolute position on the baseline of its run.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub gid: u16,
    /// x of the glyph's origin, in points from the page's left edge.
    pub x: f32,
    /// The text this glyph stands for (copy/paste and search read it back).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Glyphs of one font and size on one baseline, in reading order.
    Glyphs {
        font: FontIndex,
        size: f32,
        color: Rgb,
        baseline: f32,
        glyphs: Vec<PlacedGlyph>,
        tag: Tag,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
        /// Decoration (the default), or what a list label is drawn with.
        tag: Tag,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
        tag: Tag,
    },
    Image {
        /// Index into `Document::images`.
        image: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        tag: Tag,
    },
}

/// What a drawn item is to assistive technology (tagged PDF). Rectangles and lines are
/// decoration (artifacts) except the bullets and task boxes of list labels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tag {
    /// Decoration, or a table header row repeated after a page break: not read.
    #[default]
    Artifact,
    /// Running header and footer, page numbers.
    Pagination,
    /// Content of structure element `node` (an index into `Document::structure`); `order`
    /// places it in reading order among the element's other kids.
    Content { node: usize, order: u32 },
}

/// Scope of a table header cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Column,
    Row,
}

/// Standard structure types of PDF 1.7 that tsushin writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Document,
    /// A document bound into another one (an issue in a 合本).
    Part,
    /// H1..H6.
    H(u8),
    P,
    L,
    LI,
    Lbl,
    LBody,
    BlockQuote,
    Table,
    THead,
    TBody,
    TR,
    TH(Scope),
    TD,
    Figure,
    Caption,
    Link,
    /// A footnote reference (holding the `Link` to the note), or what a contents entry
    /// refers to.
    Reference,
    /// A table of contents (a bound volume's 目次) and its items.
    TOC,
    TOCI,
    Note,
    Code,
}

/// One element of the structure tree: the document model (headings, paragraphs, lists,
/// tables, figures, links, notes) in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct StructNode {
    pub role: Role,
    /// Index of the parent; `None` for the root (`Document`, always node 0).
    pub parent: Option<usize>,
    /// Position in reading order among its siblings (from the same counter as
    /// `Tag::Content::order`).
    pub order: u32,
    /// An inline element (a link) is read where its first content is, whenever it was made.
    pub inline: bool,
    /// Alternative text (`Figure`).
    pub alt: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    Uri(String),
    /// A place in this document: 0-based page index and the y of the target's top.
    Internal {
        page: usize,
        y: f32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub target: LinkTarget,
    /// The `Link` structure element of the annotation.
    pub node: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
    pub links: Vec<Link>,
}

/// A bookmark: headings in order, levels 1.., pointing at the heading's top.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    pub level: u8,
    pub title: String,
    pub page: usize,
    pub y: f32,
}

/// A decoded image, ready to embed (defined with its encoding, below the drawing list).
pub use crate::pdf::image::Image;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Info {
    pub title: String,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub keywords: Vec<String>,
    /// BCP 47, `ja`.
    pub language: String,
    /// Creation date of the document (publication date), written as local Japanese time.
    pub created: Option<jiff::civil::DateTime>,
    /// Who publishes the document (the site's title): the XMP creator when there is no
    /// author.
    pub publisher: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub pages: Vec<Page>,
    pub outline: Vec<OutlineEntry>,
    pub images: Vec<Image>,
    pub info: Info,
    /// The structure tree (empty: the writer makes a bare `Document`).
    pub structure: Vec<StructNode>,
}

impl Document {
    /// Appends `part`, another laid-out document, as the next pages of this one (a bound
    /// volume): images, internal links and outline entries are renumbered, and the part's
    /// structure tree becomes a `Part` element read after everything already here.
    pub fn append(&mut self, part: Document) {
        let page_offset = self.pages.len();
        let image_offset = self.images.len();
        if self.structure.is_empty() {
            self.structure.push(StructNode {
                role: Role::Document,
                parent: None,
                order: 0,
                inline: false,
                alt: None,
            });
        }
        let node_offset = self.structure.len();
        let order_offset = self.structure.iter().map(|n| n.order).max().unwrap_or(0)
            + self
                .pages
                .iter()
                .flat_map(|p| &p.items)
                .filter_map(|i| match i {
                    Item::Glyphs {
                        tag: Tag::Content { order, .. },
                        ..
                    }
                    | Item::Image {
                        tag: Tag::Content { order, .. },
                        ..
                    }
                    | Item::Rect {
                        tag: Tag::Content { order, .. },
                        ..
                    }
                    | Item::Line {
                        tag: Tag::Content { order, .. },
                        ..
                    } => Some(*order),
                    _ => None,
                })
                .max()
                .unwrap_or(0)
            + 1;
        let renumber = |tag: &mut Tag| {
            if let Tag::Content { node, order } = tag {
                *node += node_offset;
                *order = order.saturating_add(order_offset);
            }
        };
        for mut page in part.pages {
            for item in &mut page.items {
                match item {
                    Item::Image { image, tag, .. } => {
                        *image += image_offset;
                        renumber(tag);
                    }
                    Item::Glyphs { tag, .. } | Item::Rect { tag, .. } | Item::Line { tag, .. } => {
                        renumber(tag)
                    }
                }
            }
            for link in &mut page.links {
                if let LinkTarget::Internal { page, .. } = &mut link.target {
                    *page += page_offset;
                }
                if let Some(n) = &mut link.node {
                    *n += node_offset;
                }
            }
            self.pages.push(page);
        }
        self.images.extend(part.images);
        self.outline.extend(part.outline.into_iter().map(|mut o| {
            o.page += page_offset;
            o
        }));
        let mut nodes = part.structure;
        if nodes.is_empty() {
            nodes.push(StructNode {
                role: Role::Document,
                parent: None,
                order: 0,
                inline: false,
                alt: None,
            });
        }
        for (i, mut n) in nodes.into_iter().enumerate() {
            n.order = n.order.saturating_add(order_offset);
            n.parent = match n.parent {
                Some(p) => Some(p + node_offset),
                None => Some(0),
            };
            if i == 0 {
                n.role = Role::Part;
            }
            self.structure.push(n);
        }
    }
}
