//! Pagination's drawing half: the pages `paginate` filled become `draw::Page`s. Span
//! decorations behind the chunks, the chunks, the footnotes stacked at the bottom of their page
//! under a short rule, the running header and footer; anchors, links and outline entries are
//! resolved to pages last.

use std::collections::HashMap;

use crate::pdf::draw::{self, Item, Link, LinkTarget, OutlineEntry, Tag};
use crate::pdf::style::{HAlign, Style};

use super::context::LayoutContext;
use super::context::Margin;
use super::flow::{Flow, PdfLink, fill_rect, footnote_ref_id, place};
use super::inline::{Align, Composer, Para, Piece, RunStyle};
use super::paginate::{PageOut, Placed, note_separator, paginate};
use super::palette::Palette;

/// Pages of a finished vertical list, with the composer that sets the margin lines.
pub(crate) struct Paginator<'a> {
    style: &'a Style,
    text: Composer<'a>,
    colors: Palette,
    margin_text: &'a dyn Fn(Margin, usize, usize) -> String,
    /// Whether the first page is a title page (no header, no footer).
    title_page: bool,
}

/// What the pages say about where things are, resolved once every page is drawn.
#[derive(Default)]
struct Places {
    anchors: HashMap<String, (usize, f32)>,
    outline: Vec<OutlineEntry>,
    /// (page, [x, y, w, h], target, `Link` element).
    links: Vec<(usize, [f32; 4], PdfLink, Option<usize>)>,
}

/// Makes a drawn item decoration.
fn untag(item: &mut Item) {
    match item {
        Item::Glyphs { tag, .. }
        | Item::Image { tag, .. }
        | Item::Rect { tag, .. }
        | Item::Line { tag, .. } => *tag = draw::Tag::Artifact,
    }
}

impl<'a> Paginator<'a> {
    pub(crate) fn new(ctx: &'a LayoutContext<'a>, text: Composer<'a>, title_page: bool) -> Self {
        Paginator {
            style: ctx.style,
            text,
            colors: Palette::of(ctx.style),
            margin_text: ctx.margin_text,
            title_page,
        }
    }

    /// Fills the pages and draws them.
    pub(crate) fn run(&self, mut flow: Flow) -> (Vec<draw::Page>, Vec<OutlineEntry>) {
        let notes: Vec<(String, f32)> = flow
            .notes
            .iter()
            .map(|n| (footnote_ref_id(n.number), n.h))
            .collect();
        let sep = note_separator(self.style.text.footnote_size);
        let (_, _, _, body_h) = self.style.body_box();
        let pages = paginate(
            &mut flow.chunks,
            flow.flow_len,
            &flow.table_headers,
            &notes,
            sep,
            body_h,
        );
        self.assemble(&flow, &pages)
    }

    /// Draws the pages: decorations, chunks, header and footer; resolves anchors and links.
    fn assemble(&self, flow: &Flow, pages: &[PageOut]) -> (Vec<draw::Page>, Vec<OutlineEntry>) {
        let (pw, ph) = (self.style.page.width.pt(), self.style.page.height.pt());
        let count = pages.len();
        let mut out = Vec::with_capacity(count);
        let mut places = Places::default();
        for (pi, po) in pages.iter().enumerate() {
            let mut page = draw::Page {
                width: pw,
                height: ph,
                items: Vec::new(),
                links: Vec::new(),
            };
            let (placed, note_top) = self.with_notes(flow, po);
            self.draw_spans(flow, &placed, &mut page);
            self.draw_chunks(flow, &placed, pi, &mut page, &mut places);
            if let Some(t) = note_top {
                self.note_rule(t, &mut page);
            }
            self.margins(&mut page, pi, count);
            out.push(page);
        }
        for (pi, [x, y, w, h], target, node) in places.links {
            let target = match target {
                PdfLink::Uri(u) => LinkTarget::Uri(u),
                PdfLink::Anchor(a) => match places.anchors.get(&a) {
                    Some(&(page, y)) => LinkTarget::Internal { page, y },
                    None => continue,
                },
            };
            if let Some(page) = out.get_mut(pi) {
                page.links.push(Link {
                    x,
                    y,
                    w,
                    h,
                    target,
                    node,
                });
            }
        }
        (out, places.outline)
    }

    /// The page's chunks, then its footnotes stacked at the bottom of the text area; the top
    /// of the notes' area when there are any.
    fn with_notes(&self, flow: &Flow, po: &PageOut) -> (Vec<Placed>, Option<f32>) {
        let mut placed: Vec<Placed> = po.placed.clone();
        if po.notes.is_empty() {
            return (placed, None);
        }
        let size = self.style.text.footnote_size;
        let (_, _, _, body_h) = self.style.body_box();
        let total: f32 = note_separator(size)
            + po.notes
                .iter()
                .filter_map(|&i| flow.notes.get(i))
                .map(|n| n.h)
                .sum::<f32>();
        let mut y = body_h - total;
        let note_top = Some(y);
        y += note_separator(size);
        for &i in &po.notes {
            let Some(note) = flow.notes.get(i) else {
                continue;
            };
            for ci in note.chunks.clone() {
                y += flow.chunks[ci].space_before;
                placed.push(Placed {
                    chunk: ci,
                    top: y,
                    pos: None,
                });
                y += flow.chunks[ci].h;
            }
            y += size * 0.35;
        }
        (placed, note_top)
    }

    /// The text area's top, PDF y.
    fn body_top(&self) -> f32 {
        let (_, bottom, _, body_h) = self.style.body_box();
        bottom + body_h
    }

    /// Decorations behind the chunks, outer spans first.
    fn draw_spans(&self, flow: &Flow, placed: &[Placed], page: &mut draw::Page) {
        let body_top = self.body_top();
        let mut extents: Vec<(usize, f32, f32)> = Vec::new();
        for pl in placed {
            let c = &flow.chunks[pl.chunk];
            for &s in &c.spans {
                match extents.iter_mut().find(|e| e.0 == s) {
                    Some(e) => {
                        e.1 = e.1.min(pl.top);
                        e.2 = e.2.max(pl.top + c.h);
                    }
                    None => extents.push((s, pl.top, pl.top + c.h)),
                }
            }
        }
        extents.sort_by_key(|e| e.0);
        for (s, t, b) in extents {
            let Some(d) = flow.spans.get(s) else { continue };
            if let Some(fill) = d.fill {
                page.items
                    .push(place(&fill_rect(d.x, t, d.w, b - t, fill), body_top));
            }
            if let Some((color, bw)) = d.bar {
                page.items
                    .push(place(&fill_rect(d.x, t, bw, b - t, color), body_top));
            }
        }
    }

    /// The chunks of page `pi`; their links, anchors and outline entries go to `places`.
    fn draw_chunks(
        &self,
        flow: &Flow,
        placed: &[Placed],
        pi: usize,
        page: &mut draw::Page,
        places: &mut Places,
    ) {
        let body_top = self.body_top();
        for pl in placed {
            let c = &flow.chunks[pl.chunk];
            let top = body_top - pl.top;
            // A header row repeated after a page break is read once, where it is first.
            let repeated = pl.pos.is_none() && c.table_header;
            page.items.extend(c.items.iter().map(|i| {
                let mut item = place(i, top);
                if repeated {
                    untag(&mut item);
                }
                item
            }));
            for l in c.links.iter().filter(|_| !repeated) {
                let rect = [l.x, top - l.y - l.h, l.w, l.h];
                places.links.push((pi, rect, l.target.clone(), l.node));
            }
            for (a, y) in &c.anchors {
                places.anchors.entry(a.clone()).or_insert((pi, top - y));
            }
            if pl.pos.is_some() || !c.table_header {
                for (level, title, y) in &c.outline {
                    places.outline.push(OutlineEntry {
                        level: *level,
                        title: title.clone(),
                        page: pi,
                        y: top - y,
                    });
                }
            }
        }
    }

    /// The short rule above the footnotes whose area starts at `note_top`.
    fn note_rule(&self, note_top: f32, page: &mut draw::Page) {
        let (left, _, width, _) = self.style.body_box();
        let size = self.style.text.footnote_size;
        let ry = self.body_top() - note_top - note_separator(size) * 0.45;
        page.items.push(Item::Line {
            x1: left,
            y1: ry,
            x2: left + width * 0.3,
            y2: ry,
            color: self.colors.rule,
            width: 0.75,
            tag: draw::Tag::Artifact,
        });
    }

    /// Running header (with a hairline under it) and footer of page `pi`.
    fn margins(&self, page: &mut draw::Page, pi: usize, count: usize) {
        let (left, bottom, width, body_h) = self.style.body_box();
        let body_top = bottom + body_h;
        let size = self.style.text.small_size;
        // A title page has neither header nor footer.
        if pi == 0 && self.title_page {
            return;
        }
        if pi > 0 || self.style.header.first_page {
            let text = (self.margin_text)(Margin::Header, pi + 1, count);
            let base = body_top + (self.style.margins.top.pt() * 0.3).clamp(size * 1.2, size * 3.0);
            let line = MarginLine {
                align: self.style.header.align,
                base,
                left,
                width,
                size,
            };
            if self.margin_line(page, &text, &line) {
                let ry = base - size * 0.75;
                page.items.push(Item::Line {
                    x1: left,
                    y1: ry,
                    x2: left + width,
                    y2: ry,
                    color: self.colors.rule,
                    width: 0.5,
                    tag: draw::Tag::Artifact,
                });
            }
        }
        let text = (self.margin_text)(Margin::Footer, pi + 1, count);
        let base = bottom - (self.style.margins.bottom.pt() * 0.45).clamp(size * 1.5, size * 4.0);
        let line = MarginLine {
            align: self.style.footer.align,
            base,
            left,
            width,
            size,
        };
        self.margin_line(page, &text, &line);
    }

    /// One line of margin text; false when there is nothing to show. Margin text is an
    /// artifact of pagination, never content of the structure tree.
    fn margin_line(&self, page: &mut draw::Page, text: &str, m: &MarginLine) -> bool {
        let text = text.trim();
        if text.is_empty() {
            return false;
        }
        let align = match m.align {
            HAlign::Left => Align::Left,
            HAlign::Center => Align::Center,
            HAlign::Right => Align::Right,
        };
        let style = RunStyle::plain(m.size, self.colors.muted);
        let pieces = vec![Piece::run(text, style)];
        let para = Para {
            size: m.size,
            pitch: m.size * 1.4,
            justify: false,
            align,
            indent: 0.0,
            bold: false,
        };
        let lines = self
            .text
            .lines(&pieces, m.left, m.width, para, &|_| Tag::Pagination);
        if let Some(lb) = lines.into_iter().next() {
            // The line's baseline lands on `base`.
            let top = m.base + lb.baseline;
            page.items.extend(lb.items.iter().map(|i| place(i, top)));
        }
        true
    }
}

/// Where a margin line goes: PDF baseline `base` in the column `left`..`left + width`.
struct MarginLine {
    align: HAlign,
    base: f32,
    left: f32,
    width: f32,
    size: f32,
}
