//! Tagged PDF (PDF/UA-1): what lets screen readers, read-aloud and reflow use our PDFs.
//! The layout tags every glyph run and image with the structure element it belongs to
//! (`draw::Tag`); here the writer wraps the page content in marked content (`BDC`/`EMC`
//! with an MCID per run of one element, `/Artifact` for decoration and page furniture),
//! `tree` builds the structure tree with its parent tree after printpdf has written the
//! pages, and `xmp` writes the metadata stream that identifies the file as PDF/UA-1.
//! `alt` holds the one rule authors meet: an image needs a description or must say it is
//! decorative.

pub mod alt;
pub(crate) mod tree;
pub(crate) mod xmp;

use std::collections::BTreeMap;

use printpdf::{DictItem, Op};

use crate::pdf::draw::{Item, Role, Scope, StructNode, Tag};

/// One marked-content sequence with an MCID on a page: a run of items of one element.
#[derive(Debug, Clone)]
pub(crate) struct Mcid {
    pub node: usize,
    /// Reading order of its first item.
    pub order: u32,
    /// Where it is drawn (x0, y0, x1, y1), for a figure's `/BBox`.
    pub bbox: [f32; 4],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Artifact,
    Pagination,
    Node(usize),
}

fn mark_of(item: &Item) -> Mark {
    match item {
        Item::Glyphs { tag, .. }
        | Item::Image { tag, .. }
        | Item::Rect { tag, .. }
        | Item::Line { tag, .. } => match tag {
            Tag::Artifact => Mark::Artifact,
            Tag::Pagination => Mark::Pagination,
            Tag::Content { node, .. } => Mark::Node(*node),
        },
    }
}

/// Whether two glyph runs can read on as one line of text: both real content (of any
/// elements) or both the same kind of artifact.
pub(crate) fn can_share_span(a: &Item, b: &Item) -> bool {
    match (mark_of(a), mark_of(b)) {
        (Mark::Node(_), Mark::Node(_)) => true,
        (x, y) => x == y,
    }
}

/// Whether two items belong to the same element (or the same kind of artifact): one
/// marked-content sequence can hold both.
pub(crate) fn same_mark(a: &Item, b: &Item) -> bool {
    mark_of(a) == mark_of(b)
}

/// Wraps a page's items in marked content as the writer emits them.
pub(crate) struct Marker<'a> {
    structure: &'a [StructNode],
    open: Option<Mark>,
    pub mcids: Vec<Mcid>,
}

impl<'a> Marker<'a> {
    pub(crate) fn new(structure: &'a [StructNode]) -> Self {
        Marker {
            structure,
            open: None,
            mcids: Vec::new(),
        }
    }

    /// The operators that go before `item`'s own: the end of the previous sequence and the
    /// start of a new one when `item` belongs elsewhere. The writer ends the sequence at the
    /// end of each text group's ActualText span (see the writer's `spans`), so a line's runs
    /// of one element are one MCID.
    pub(crate) fn before(&mut self, item: &Item, ops: &mut Vec<Op>) -> Result<(), String> {
        let mark = mark_of(item);
        let (order, bbox) = describe(item);
        if self.open == Some(mark) {
            if let (Mark::Node(_), Some(last)) = (mark, self.mcids.last_mut()) {
                last.bbox = union(last.bbox, bbox);
            }
            return Ok(());
        }
        self.end(ops);
        match mark {
            Mark::Artifact => ops.push(Op::BeginMarkedContent {
                tag: "Artifact".into(),
            }),
            Mark::Pagination => ops.push(Op::BeginMarkedContentWithProperties {
                tag: "Artifact".into(),
                properties: DictItem::Dict {
                    map: BTreeMap::from([(
                        "Type".to_string(),
                        DictItem::Name(b"Pagination".to_vec()),
                    )]),
                },
            }),
            Mark::Node(node) => {
                let role = self
                    .structure
                    .get(node)
                    .map(|n| n.role)
                    .ok_or_else(|| format!("content of unknown structure element {node}"))?;
                ops.push(Op::BeginMarkedContentWithProperties {
                    tag: role_name(role),
                    properties: DictItem::Dict {
                        map: BTreeMap::from([(
                            "MCID".to_string(),
                            DictItem::Int(self.mcids.len() as i64),
                        )]),
                    },
                });
                self.mcids.push(Mcid { node, order, bbox });
            }
        }
        self.open = Some(mark);
        Ok(())
    }

    /// Closes the open sequence, if any.
    pub(crate) fn end(&mut self, ops: &mut Vec<Op>) {
        if self.open.take().is_some() {
            ops.push(Op::EndMarkedContent);
        }
    }
}

/// (reading order, box) of a drawn item.
fn describe(item: &Item) -> (u32, [f32; 4]) {
    match item {
        Item::Glyphs {
            size,
            baseline,
            glyphs,
            tag,
            ..
        } => {
            let x0 = glyphs.first().map_or(0.0, |g| g.x);
            let x1 = glyphs.last().map_or(0.0, |g| g.x + size);
            (
                order_of(tag),
                [x0, baseline - size * 0.25, x1, baseline + size * 0.9],
            )
        }
        Item::Image {
            x, y, w, h, tag, ..
        }
        | Item::Rect {
            x, y, w, h, tag, ..
        } => (order_of(tag), [*x, *y, x + w, y + h]),
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            tag,
            ..
        } => (
            order_of(tag),
            [x1.min(*x2), y1.min(*y2), x1.max(*x2), y1.max(*y2)],
        ),
    }
}

fn order_of(tag: &Tag) -> u32 {
    match tag {
        Tag::Content { order, .. } => *order,
        _ => 0,
    }
}

pub(crate) fn union(a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// The standard structure type's name.
pub(crate) fn role_name(role: Role) -> String {
    match role {
        Role::Document => "Document".into(),
        Role::Part => "Part".into(),
        Role::H(l) => format!("H{}", l.clamp(1, 6)),
        Role::P => "P".into(),
        Role::L => "L".into(),
        Role::LI => "LI".into(),
        Role::Lbl => "Lbl".into(),
        Role::LBody => "LBody".into(),
        Role::BlockQuote => "BlockQuote".into(),
        Role::Table => "Table".into(),
        Role::THead => "THead".into(),
        Role::TBody => "TBody".into(),
        Role::TR => "TR".into(),
        Role::TH(_) => "TH".into(),
        Role::TD => "TD".into(),
        Role::Figure => "Figure".into(),
        Role::Caption => "Caption".into(),
        Role::Link => "Link".into(),
        Role::Reference => "Reference".into(),
        Role::TOC => "TOC".into(),
        Role::TOCI => "TOCI".into(),
        Role::Note => "Note".into(),
        Role::Code => "Code".into(),
    }
}

/// The `/Scope` of a header cell.
pub(crate) fn scope_name(scope: Scope) -> &'static [u8] {
    match scope {
        Scope::Column => b"Column",
        Scope::Row => b"Row",
    }
}

/// For every element with text of its own: the reading order of its first run and its text
/// (a link's `/Contents`, and where it is read).
pub(crate) fn content_of(doc: &crate::pdf::draw::Document) -> BTreeMap<usize, (u32, String)> {
    let mut out: BTreeMap<usize, (u32, String)> = BTreeMap::new();
    for page in &doc.pages {
        for item in &page.items {
            if let Item::Glyphs {
                glyphs,
                tag: Tag::Content { node, order },
                ..
            } = item
            {
                let e = out.entry(*node).or_insert((*order, String::new()));
                e.0 = e.0.min(*order);
                e.1.extend(glyphs.iter().map(|g| g.text.as_str()));
            }
        }
    }
    out
}

/// A PDF text string: UTF-16BE with a byte order mark (readers take anything else as
/// PDFDocEncoding).
pub(crate) fn text_string(s: &str) -> lopdf::Object {
    let mut bytes = Vec::with_capacity(2 + s.len() * 2);
    bytes.extend_from_slice(&[0xFE, 0xFF]);
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    lopdf::Object::String(bytes, lopdf::StringFormat::Hexadecimal)
}
