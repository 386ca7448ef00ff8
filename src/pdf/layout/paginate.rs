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
use super::inline::{Align, Para, Piece, RunStyle};
use super::tags::Current;
use super::{Engine, PdfLink};

/// Makes a drawn item decoration.
fn untag(item: &mut Item) {
    if let Item::Glyphs { tag, .. } | Item::Image { tag, .. } = item {
        *tag = draw::Tag::Artifact;
    }
}

/// A chunk placed on a page: arena index and its top (offset down from the text area's top).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub chunk: usize,
    pub top: f32,
    /// Position in the flow, `None` for a repeated table header or a cut piece.
    pos: Option<usize>,
}

/// One page: its chunks and the footnotes (indices into `Engine::notes`) at its bottom.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageOut {
    pub placed: Vec<Placed>,
    pub notes: Vec<usize>,
}

/// Space above the notes of a page: a gap and a short rule.
pub(crate) fn note_separator(size: f32) -> f32 {
    size * 2.2
}

/// Breaks the first `flow_len` chunks into pages of `body_h`; `chunks` grows when chunks are
/// cut. `notes` are the page-bottom footnotes: (anchor id of the first reference, height).
pub(crate) fn paginate(
    chunks: &mut Vec<Chunk>,
    flow_len: usize,
    headers: &[Option<usize>],
    notes: &[(String, f32)],
    sep: f32,
    body_h: f32,
) -> Vec<PageOut> {
    let mut order: Vec<usize> = (0..flow_len.min(chunks.len())).collect();
    let mut pages: Vec<PageOut> = Vec::new();
    let mut page = PageOut::default();
    let mut y = 0.0_f32;
    let mut content = false;
    let mut placed_notes: Vec<bool> = vec![false; notes.len()];
    let mut p = 0;
    let eps = 0.01;
    // Every step places a chunk, cuts one or closes a non-empty page: bounded, but be safe.
    let mut budget = 50 * chunks.len() + 10_000;

    // Note index by anchor id: a search of the list for every anchor was quadratic in the
    // number of footnotes (32,000 notes took 14 s).
    let mut note_index: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(notes.len());
    for (i, (id, _)) in notes.iter().enumerate() {
        note_index.entry(id.as_str()).or_insert(i);
    }
    let notes_of = |c: &Chunk| -> Vec<usize> {
        c.anchors
            .iter()
            .filter_map(|(a, _)| note_index.get(a.as_str()).copied())
            .collect()
    };
    let notes_h = |list: &[usize]| -> f32 {
        if list.is_empty() {
            0.0
        } else {
            sep + list.iter().map(|&i| notes[i].1).sum::<f32>()
        }
    };

    while p < order.len() {
        budget = budget.saturating_sub(1);
        let ci = order[p];
        if budget == 0 {
            // Give up on finesse: everything left goes on as it comes.
            page.placed.push(Placed {
                chunk: ci,
                top: y,
                pos: Some(p),
            });
            y += chunks[ci].h;
            p += 1;
            continue;
        }
        if page.placed.is_empty()
            && let (Some(t), false) = (chunks[ci].table, chunks[ci].table_header)
            && let Some(Some(hi)) = headers.get(t)
            && chunks[*hi].h < body_h / 3.0
        {
            page.placed.push(Placed {
                chunk: *hi,
                top: 0.0,
                pos: None,
            });
            y = chunks[*hi].h;
        }
        // A chunk that starts a new page closes the page so far.
        if chunks[ci].break_before && content {
            close(
                &mut page,
                &mut pages,
                &mut placed_notes,
                &mut y,
                &mut content,
            );
            continue;
        }
        let c = &chunks[ci];
        let gap = if page.placed.is_empty() {
            0.0
        } else {
            c.space_before
        };
        let new: Vec<usize> = notes_of(c)
            .into_iter()
            .filter(|&i| !placed_notes[i] && !page.notes.contains(&i))
            .collect();
        let mut with_new = page.notes.clone();
        with_new.extend(&new);
        let reserve = notes_h(&with_new);
        if y + gap + c.h + reserve <= body_h + eps {
            page.placed.push(Placed {
                chunk: ci,
                top: y + gap,
                pos: Some(p),
            });
            page.notes = with_new;
            y += gap + c.h;
            content = true;
            p += 1;
            continue;
        }
        // Cut a chunk taller than what an empty page offers, or one no page can hold when a
        // fair part of the page is left.
        let room = body_h - y - gap - reserve;
        let avail = if !content {
            Some(room.max(body_h * 0.25).min(body_h - y - gap).max(1.0))
        } else if c.h > body_h - reserve && room >= body_h * 0.2 {
            Some(room)
        } else {
            None
        };
        if let Some(avail) = avail {
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
            let top_notes: Vec<usize> = notes_of(&top)
                .into_iter()
                .filter(|&i| !placed_notes[i] && !page.notes.contains(&i))
                .collect();
            page.notes.extend(top_notes);
            chunks.push(top);
            let top_i = chunks.len() - 1;
            chunks.push(rest);
            let rest_i = chunks.len() - 1;
            order[p] = rest_i;
            page.placed.push(Placed {
                chunk: top_i,
                top: y + gap,
                pos: None,
            });
            close(
                &mut page,
                &mut pages,
                &mut placed_notes,
                &mut y,
                &mut content,
            );
            continue;
        }
        // Look back for the last place where a break is allowed.
        let first_pos = page.placed.iter().find_map(|pl| pl.pos).unwrap_or(p);
        let mut k = p;
        while k > first_pos && chunks[order[k - 1]].keep_with_next {
            k -= 1;
        }
        if k > first_pos {
            page.placed.retain(|pl| pl.pos.is_none_or(|q| q < k));
            // A repeated header left alone goes too.
            if page.placed.iter().all(|pl| pl.pos.is_none()) {
                page.placed.clear();
            }
            let mut kept = Vec::new();
            for pl in &page.placed {
                for i in notes_of(&chunks[pl.chunk]) {
                    if !placed_notes[i] && !kept.contains(&i) {
                        kept.push(i);
                    }
                }
            }
            page.notes = kept;
            p = k;
        }
        close(
            &mut page,
            &mut pages,
            &mut placed_notes,
            &mut y,
            &mut content,
        );
    }
    if !page.placed.is_empty() || pages.is_empty() {
        for &i in &page.notes {
            placed_notes[i] = true;
        }
        pages.push(page);
    }
    // Notes whose reference never made it onto a page (cannot happen, but never lose text).
    let lost: Vec<usize> = (0..notes.len()).filter(|&i| !placed_notes[i]).collect();
    if let Some(last) = pages.last_mut() {
        last.notes.extend(lost);
    }
    pages
}

fn close(
    page: &mut PageOut,
    pages: &mut Vec<PageOut>,
    placed_notes: &mut [bool],
    y: &mut f32,
    content: &mut bool,
) {
    for &i in &page.notes {
        if let Some(p) = placed_notes.get_mut(i) {
            *p = true;
        }
    }
    pages.push(std::mem::take(page));
    *y = 0.0;
    *content = false;
}

impl Engine<'_> {
    /// Draws the pages: decorations, chunks, header and footer; resolves anchors and links.
    pub(crate) fn assemble(&mut self, pages: &[PageOut]) -> (Vec<draw::Page>, Vec<OutlineEntry>) {
        let (pw, ph) = (self.style.page.width.pt(), self.style.page.height.pt());
        let (_, bottom, _, body_h) = self.style.body_box();
        let body_top = bottom + body_h;
        let count = pages.len();
        let mut out = Vec::with_capacity(count);
        let mut anchors: HashMap<String, (usize, f32)> = HashMap::new();
        let mut outline = Vec::new();
        let mut pending_links: Vec<(usize, [f32; 4], PdfLink, Option<usize>)> = Vec::new();

        let size = self.style.text.footnote_size;
        for (pi, po) in pages.iter().enumerate() {
            let mut page = draw::Page {
                width: pw,
                height: ph,
                items: Vec::new(),
                links: Vec::new(),
            };
            // The page's chunks, then its footnotes stacked at the bottom of the text area.
            let mut placed: Vec<Placed> = po.placed.clone();
            let mut note_top = None;
            if !po.notes.is_empty() {
                let total: f32 = note_separator(size)
                    + po.notes
                        .iter()
                        .filter_map(|&i| self.notes.get(i))
                        .map(|n| n.h)
                        .sum::<f32>();
                let mut y = body_h - total;
                note_top = Some(y);
                y += note_separator(size);
                for &i in &po.notes {
                    let Some(note) = self.notes.get(i) else {
                        continue;
                    };
                    for ci in note.chunks.clone() {
                        y += self.chunks[ci].space_before;
                        placed.push(Placed {
                            chunk: ci,
                            top: y,
                            pos: None,
                        });
                        y += self.chunks[ci].h;
                    }
                    y += size * 0.35;
                }
            }
            let placed = &placed;
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
                    page.items
                        .push(place(&fill_rect(d.x, t, d.w, b - t, fill), body_top));
                }
                if let Some((color, bw)) = d.bar {
                    page.items
                        .push(place(&fill_rect(d.x, t, bw, b - t, color), body_top));
                }
            }
            for pl in placed {
                let c = &self.chunks[pl.chunk];
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
                    pending_links.push((pi, rect, l.target.clone(), l.node));
                }
                for (a, y) in &c.anchors {
                    anchors.entry(a.clone()).or_insert((pi, top - y));
                }
                if pl.pos.is_some() || !c.table_header {
                    for (level, title, y) in &c.outline {
                        outline.push(OutlineEntry {
                            level: *level,
                            title: title.clone(),
                            page: pi,
                            y: top - y,
                        });
                    }
                }
            }
            if let Some(t) = note_top {
                let ry = body_top - t - note_separator(size) * 0.45;
                page.items.push(Item::Line {
                    x1: self.left,
                    y1: ry,
                    x2: self.left + self.width * 0.3,
                    y2: ry,
                    color: self.colors.rule,
                    width: 0.75,
                });
            }
            self.margins(&mut page, pi, count);
            out.push(page);
        }
        for (pi, [x, y, w, h], target, node) in pending_links {
            let target = match target {
                PdfLink::Uri(u) => LinkTarget::Uri(u),
                PdfLink::Anchor(a) => match anchors.get(&a) {
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
        (out, outline)
    }

    /// Running header (with a hairline under it) and footer of page `pi`.
    fn margins(&self, page: &mut draw::Page, pi: usize, count: usize) {
        let (left, bottom, width, body_h) = self.style.body_box();
        let body_top = bottom + body_h;
        let size = self.style.text.small_size;
        // A title page has neither header nor footer.
        let title_page = pi == 0 && self.page.section.spec().pdf.title_page;
        let before = self.set_current(Current::Pagination);
        if !title_page && (pi > 0 || self.style.header.first_page) {
            let text = (self.ctx.margin_text)(super::Margin::Header, pi + 1, count);
            let base = body_top + (self.style.margins.top.pt() * 0.3).clamp(size * 1.2, size * 3.0);
            if self.margin_line(
                page,
                &text,
                self.style.header.align,
                base,
                left,
                width,
                size,
            ) {
                let ry = base - size * 0.75;
                page.items.push(Item::Line {
                    x1: left,
                    y1: ry,
                    x2: left + width,
                    y2: ry,
                    color: self.colors.rule,
                    width: 0.5,
                });
            }
        }
        if title_page {
            self.set_current(before);
            return;
        }
        let text = (self.ctx.margin_text)(super::Margin::Footer, pi + 1, count);
        let base = bottom - (self.style.margins.bottom.pt() * 0.45).clamp(size * 1.5, size * 4.0);
        self.margin_line(
            page,
            &text,
            self.style.footer.align,
            base,
            left,
            width,
            size,
        );
        self.set_current(before);
    }

    /// One line of margin text at PDF baseline `base`; false when there is nothing to show.
    #[allow(clippy::too_many_arguments)]
    fn margin_line(
        &self,
        page: &mut draw::Page,
        text: &str,
        align: HAlign,
        base: f32,
        left: f32,
        width: f32,
        size: f32,
    ) -> bool {
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
        let pieces = vec![Piece::run(text, style)];
        let para = Para {
            size,
            pitch: size * 1.4,
            justify: false,
            align,
            indent: 0.0,
            bold: false,
        };
        let lines = self.lines(&pieces, left, width, para);
        if let Some(lb) = lines.into_iter().next() {
            // The line's baseline lands on `base`.
            let top = base + lb.baseline;
            page.items.extend(lb.items.iter().map(|i| place(i, top)));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(h: f32, keep: bool) -> Chunk {
        Chunk {
            h,
            keep_with_next: keep,
            ..Chunk::default()
        }
    }

    fn pages_of(chunks: Vec<Chunk>, body_h: f32) -> Vec<Vec<usize>> {
        let mut chunks = chunks;
        let n = chunks.len();
        let pages = paginate(&mut chunks, n, &[], &[], 20.0, body_h);
        pages
            .iter()
            .map(|p| p.placed.iter().map(|pl| pl.chunk).collect())
            .collect()
    }

    #[test]
    fn keep_chains_move_together() {
        // 0 1 2 fit; 3 (heading) keeps with 4: both go to page 2.
        let v = vec![
            chunk(100.0, false),
            chunk(100.0, false),
            chunk(100.0, false),
            chunk(50.0, true),
            chunk(100.0, false),
        ];
        assert_eq!(pages_of(v, 400.0), vec![vec![0, 1, 2], vec![3, 4]]);
    }

    #[test]
    fn widows_and_orphans() {
        // A paragraph of 5 lines (keep after line 0 and line 3) after 3 lines of filler on a
        // page of 6 lines: lines 0..=2 fit, but a break after line 2 leaves... 0,1,2 | 3,4.
        let mut v: Vec<Chunk> = (0..3).map(|_| chunk(10.0, false)).collect();
        for i in 0..5 {
            v.push(chunk(10.0, i == 0 || i == 3));
        }
        let p = pages_of(v, 55.0);
        assert_eq!(p, vec![vec![0, 1, 2, 3, 4], vec![5, 6, 7]]);
        // With room for 4 lines of it the last line would be a widow: 3 go, 2 follow.
        let mut v: Vec<Chunk> = (0..1).map(|_| chunk(10.0, false)).collect();
        for i in 0..5 {
            v.push(chunk(10.0, i == 0 || i == 3));
        }
        assert_eq!(pages_of(v, 45.0), vec![vec![0, 1, 2, 3], vec![4, 5]]);
    }

    #[test]
    fn over_tall_chunks_are_cut() {
        let mut c = chunk(250.0, false);
        c.cuts = vec![90.0, 180.0];
        let p = pages_of(vec![c], 100.0);
        assert_eq!(p.len(), 3);
        // An unbreakable chain longer than a page still ends.
        let v: Vec<Chunk> = (0..50).map(|_| chunk(30.0, true)).collect();
        let p = pages_of(v, 100.0);
        assert_eq!(p.iter().map(Vec::len).sum::<usize>(), 50);
    }

    #[test]
    fn table_header_is_repeated() {
        let mut chunks = vec![Chunk {
            h: 20.0,
            table: Some(0),
            table_header: true,
            keep_with_next: true,
            ..Chunk::default()
        }];
        for _ in 0..10 {
            chunks.push(Chunk {
                h: 20.0,
                table: Some(0),
                ..Chunk::default()
            });
        }
        let n = chunks.len();
        let pages = paginate(&mut chunks, n, &[Some(0)], &[], 20.0, 100.0);
        assert!(pages.len() >= 3);
        assert!(pages.iter().all(|p| p.placed[0].chunk == 0));
    }

    #[test]
    fn notes_go_to_the_page_of_their_reference() {
        let mut chunks: Vec<Chunk> = (0..8).map(|_| chunk(20.0, false)).collect();
        chunks[5].anchors.push(("ref".into(), 0.0));
        let pages = paginate(&mut chunks, 8, &[], &[("ref".into(), 30.0)], 10.0, 100.0);
        let with_note: Vec<usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.notes.is_empty())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(with_note.len(), 1);
        let page = &pages[with_note[0]];
        assert!(page.placed.iter().any(|pl| pl.chunk == 5));
        let used: f32 = page
            .placed
            .iter()
            .map(|pl| pl.top + 20.0)
            .fold(0.0, f32::max);
        assert!(used + 40.0 <= 100.0 + 0.01);
    }
}
