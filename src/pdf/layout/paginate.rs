//! Chunks → pages. Greedy filling with look-back: a chunk that does not fit moves to the next
//! page together with every chunk chained to it by `keep_with_next` (a heading and what
//! follows it, the first and last two lines of a paragraph, a table header and its first row).
//! A table row starting a page gets the table's header row first. A chunk taller than a whole
//! page is cut at its best cut position. Then the pages are drawn: span decorations, chunks,
//! running header and footer, links and outline resolved.

use std::collections::HashMap;

use crate::pdf::draw::{self, Item, Link, LinkTarget, OutlineEntry};
use crate::pdf::style::HAlign;

use super::flow::{Chunk, fill_rect, place};
use super::inline::{Align, Para, Piece, Run, RunStyle};
use super::{Engine, PdfLink};

/// A chunk placed on a page: arena index and its top (offset down from the text area's top).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub chunk: usize,
    pub top: f32,
    /// Position in the flow, `None` for a repeated table header.
    pos: Option<usize>,
}

/// Breaks the chunks into pages of `body_h`; `chunks` grows when chunks are cut.
pub(crate) fn paginate(chunks: &mut Vec<Chunk>, headers: &[Option<usize>], body_h: f32) -> Vec<Vec<Placed>> {
    let mut order: Vec<usize> = (0..chunks.len()).collect();
    let mut pages: Vec<Vec<Placed>> = Vec::new();
    let mut page: Vec<Placed> = Vec::new();
    let mut y = 0.0_f32;
    let mut content = false;
    let mut p = 0;
    let eps = 0.01;
    // Every step places a chunk, cuts one or closes a non-empty page: bounded, but be safe.
    let mut budget = 50 * chunks.len() + 10_000;

    let flush = |page: &mut Vec<Placed>, pages: &mut Vec<Vec<Placed>>, y: &mut f32, content: &mut bool| {
        pages.push(std::mem::take(page));
        *y = 0.0;
        *content = false;
    };

    while p < order.len() {
        budget = budget.saturating_sub(1);
        let ci = order[p];
        if budget == 0 {
            // Give up on finesse: everything left goes on as it comes.
            page.push(Placed { chunk: ci, top: y, pos: Some(p) });
            y += chunks[ci].h;
            p += 1;
            continue;
        }
        if page.is_empty() {
            if let (Some(t), false) = (chunks[ci].table, chunks[ci].table_header) {
                if let Some(Some(hi)) = headers.get(t) {
                    if chunks[*hi].h < body_h / 3.0 {
                        page.push(Placed { chunk: *hi, top: 0.0, pos: None });
                        y = chunks[*hi].h;
                    }
                }
            }
        }
        let c = &chunks[ci];
        let gap = if page.is_empty() { 0.0 } else { c.space_before };
        if y + gap + c.h <= body_h + eps {
            page.push(Placed { chunk: ci, top: y + gap, pos: Some(p) });
            y += gap + c.h;
            content = true;
            p += 1;
            continue;
        }
        if !content {
            // Taller than what an empty page offers: cut it.
            let avail = (body_h - y - gap).max(1.0);
            let cut = c
                .cuts
                .iter()
                .copied()
                .filter(|&k| k > 1.0 && k <= avail + eps)
                .fold(None, |m: Option<f32>, k| Some(m.map_or(k, |m| m.max(k))))
                .unwrap_or(avail)
                .min(c.h - 0.5)
                .max(0.5);
            let (top, rest) = chunks[ci].clone().split(cut);
            chunks.push(top);
            let top_i = chunks.len() - 1;
            chunks.push(rest);
            let rest_i = chunks.len() - 1;
            order[p] = rest_i;
            page.push(Placed { chunk: top_i, top: y + gap, pos: None });
            flush(&mut page, &mut pages, &mut y, &mut content);
            continue;
        }
        // Look back for the last place where a break is allowed.
        let first_pos = page.iter().find_map(|pl| pl.pos).unwrap_or(p);
        let mut k = p;
        while k > first_pos && chunks[order[k - 1]].keep_with_next {
            k -= 1;
        }
        if k > first_pos {
            page.retain(|pl| pl.pos.is_none_or(|q| q < k));
            // A repeated header left alone goes too.
            if page.iter().all(|pl| pl.pos.is_none()) {
                page.clear();
            }
            p = k;
        }
        flush(&mut page, &mut pages, &mut y, &mut content);
    }
    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }
    pages
}

impl Engine<'_> {
    /// Draws the pages: decorations, chunks, header and footer; resolves anchors and links.
    pub(crate) fn assemble(&mut self, pages: &[Vec<Placed>]) -> (Vec<draw::Page>, Vec<OutlineEntry>) {
        let (pw, ph) = (self.style.page.width.pt(), self.style.page.height.pt());
        let (_, bottom, _, body_h) = self.style.body_box();
        let body_top = bottom + body_h;
        let count = pages.len();
        let mut out = Vec::with_capacity(count);
        let mut anchors: HashMap<String, (usize, f32)> = HashMap::new();
        let mut outline = Vec::new();
        let mut pending_links: Vec<(usize, f32, f32, f32, f32, PdfLink)> = Vec::new();

        for (pi, placed) in pages.iter().enumerate() {
            let mut page = draw::Page { width: pw, height: ph, items: Vec::new(), links: Vec::new() };
            // Decorations behind the chunks, outer spans first.
            let mut extents: Vec<(usize, f32, f32)> = Vec::new();
            for pl in placed {
                let c = &self.chunks[pl.chunk];
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
                let Some(d) = self.spans.get(s) else { continue };
                if let Some(fill) = d.fill {
                    page.items.push(place(&fill_rect(d.x, t, d.w, b - t, fill), body_top));
                }
                if let Some((color, bw)) = d.bar {
                    page.items.push(place(&fill_rect(d.x, t, bw, b - t, color), body_top));
                }
            }
            for pl in placed {
                let c = &self.chunks[pl.chunk];
                let top = body_top - pl.top;
                page.items.extend(c.items.iter().map(|i| place(i, top)));
                for l in &c.links {
                    pending_links.push((pi, l.x, top - l.y - l.h, l.w, l.h, l.target.clone()));
                }
                for (a, y) in &c.anchors {
                    anchors.entry(a.clone()).or_insert((pi, top - y));
                }
                if pl.pos.is_some() || !c.table_header {
                    for (level, title, y) in &c.outline {
                        outline.push(OutlineEntry { level: *level, title: title.clone(), page: pi, y: top - y });
                    }
                }
            }
            self.margins(&mut page, pi, count);
            out.push(page);
        }
        for (pi, x, y, w, h, target) in pending_links {
            let target = match target {
                PdfLink::Uri(u) => LinkTarget::Uri(u),
                PdfLink::Anchor(a) => match anchors.get(&a) {
                    Some(&(page, y)) => LinkTarget::Internal { page, y },
                    None => continue,
                },
            };
            if let Some(page) = out.get_mut(pi) {
                page.links.push(Link { x, y, w, h, target });
            }
        }
        (out, outline)
    }

    /// Running header (with a hairline under it) and footer of page `pi`.
    fn margins(&self, page: &mut draw::Page, pi: usize, count: usize) {
        let (left, bottom, width, body_h) = self.style.body_box();
        let body_top = bottom + body_h;
        let size = self.style.text.small_size;
        let header_t = match &self.page.meta.kind {
            crate::content::Kind::Newsletter(_) => &self.style.header.newsletter,
            crate::content::Kind::Event(_) => &self.style.header.event,
            crate::content::Kind::Plain => &self.style.header.page,
        };
        if pi > 0 || self.style.header.first_page {
            let text = (self.ctx.margin_text)(header_t, pi + 1, count);
            let base = body_top + (self.style.margins.top.pt() * 0.3).clamp(size * 1.2, size * 3.0);
            if self.margin_line(page, &text, self.style.header.align, base, left, width, size) {
                let ry = base - size * 0.75;
                page.items.push(Item::Line { x1: left, y1: ry, x2: left + width, y2: ry, color: self.colors.rule, width: 0.5 });
            }
        }
        let text = (self.ctx.margin_text)(&self.style.footer.text, pi + 1, count);
        let base = bottom - (self.style.margins.bottom.pt() * 0.45).clamp(size * 1.5, size * 4.0);
        self.margin_line(page, &text, self.style.footer.align, base, left, width, size);
    }

    /// One line of margin text at PDF baseline `base`; false when there is nothing to show.
    #[allow(clippy::too_many_arguments)]
    fn margin_line(&self, page: &mut draw::Page, text: &str, align: HAlign, base: f32, left: f32, width: f32, size: f32) -> bool {
        let text = text.trim();
        if text.is_empty() {
            return false;
        }
        let align = match align {
            HAlign::Left => Align::Left,
            HAlign::Center => Align::Center,
            HAlign::Right => Align::Right,
        };
        let style = RunStyle::plain(size, self.colors.muted);
        let pieces = vec![Piece::Run(Run { text: text.to_owned(), style, anchor: None })];
        let para = Para { size, pitch: size * 1.4, justify: false, align, indent: 0.0, bold: false };
        let lines = self.lines(&pieces, left, width, para);
        if let Some(lb) = lines.into_iter().next() {
            // The line's baseline lands on `base`.
            let top = base + lb.baseline;
            page.items.extend(lb.items.iter().map(|i| place(i, top)));
        }
        true
    }
}
