//! Chunks → pages. Greedy filling with look-back: a chunk that does not fit moves to the next
//! page together with every chunk chained to it by `keep_with_next` (a heading and what
//! follows it, the first and last two lines of a paragraph, a table header and its first row).
//! A table row starting a page gets the table's header row first. A chunk taller than a whole
//! page is cut at its best cut position. Footnotes are reserved room at the bottom of the page
//! of their first reference. Drawing the pages is `assemble`'s.

use std::collections::HashMap;

use super::flow::Chunk;

/// A chunk placed on a page: arena index and its top (offset down from the text area's top).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placed {
    pub chunk: usize,
    pub top: f32,
    /// Position in the flow, `None` for a repeated table header or a cut piece.
    pub pos: Option<usize>,
}

/// One page: its chunks and the footnotes (indices into `Flow::notes`) at its bottom.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageOut {
    pub placed: Vec<Placed>,
    pub notes: Vec<usize>,
}

/// Space above the notes of a page: a gap and a short rule.
pub(crate) fn note_separator(size: f32) -> f32 {
    size * 2.2
}

/// Rounding slack when testing whether a chunk fits, pt.
const EPS: f32 = 0.01;

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
    // Every step places a chunk, cuts one or closes a non-empty page: bounded, but be safe.
    let mut budget = 50 * chunks.len() + 10_000;
    let mut f = Filler::new(chunks, flow_len, headers, notes, sep, body_h);
    while f.p < f.order.len() {
        budget = budget.saturating_sub(1);
        if budget == 0 {
            // Give up on finesse: everything left goes on as it comes.
            f.force();
        } else {
            f.step();
        }
    }
    f.finish()
}

/// The state of filling pages: the flow's order (cut chunks replace their original), the
/// position in it, the page being filled and the notes already placed.
struct Filler<'c> {
    chunks: &'c mut Vec<Chunk>,
    headers: &'c [Option<usize>],
    notes: &'c [(String, f32)],
    /// Note index by anchor id: a search of the list for every anchor was quadratic in the
    /// number of footnotes (32,000 notes took 14 s).
    note_index: HashMap<&'c str, usize>,
    sep: f32,
    body_h: f32,
    order: Vec<usize>,
    p: usize,
    pages: Vec<PageOut>,
    page: PageOut,
    /// Height used on the page.
    y: f32,
    /// The page holds a chunk of the flow (not only a repeated header).
    content: bool,
    placed_notes: Vec<bool>,
}

impl<'c> Filler<'c> {
    fn new(
        chunks: &'c mut Vec<Chunk>,
        flow_len: usize,
        headers: &'c [Option<usize>],
        notes: &'c [(String, f32)],
        sep: f32,
        body_h: f32,
    ) -> Filler<'c> {
        let mut note_index = HashMap::with_capacity(notes.len());
        for (i, (id, _)) in notes.iter().enumerate() {
            note_index.entry(id.as_str()).or_insert(i);
        }
        Filler {
            order: (0..flow_len.min(chunks.len())).collect(),
            chunks,
            headers,
            notes,
            note_index,
            sep,
            body_h,
            p: 0,
            pages: Vec::new(),
            page: PageOut::default(),
            y: 0.0,
            content: false,
            placed_notes: vec![false; notes.len()],
        }
    }

    /// The notes `c` refers to first.
    fn notes_of(&self, c: &Chunk) -> Vec<usize> {
        c.anchors
            .iter()
            .filter_map(|(a, _)| self.note_index.get(a.as_str()).copied())
            .collect()
    }

    /// Those of them not placed yet, on this page or before.
    fn new_notes(&self, c: &Chunk) -> Vec<usize> {
        self.notes_of(c)
            .into_iter()
            .filter(|&i| !self.placed_notes[i] && !self.page.notes.contains(&i))
            .collect()
    }

    fn notes_h(&self, list: &[usize]) -> f32 {
        if list.is_empty() {
            0.0
        } else {
            self.sep + list.iter().map(|&i| self.notes[i].1).sum::<f32>()
        }
    }

    /// Places the next chunk of the flow, cuts it, or closes the page.
    fn step(&mut self) {
        let ci = self.order[self.p];
        // A chunk that starts a new page closes the page so far.
        if self.chunks[ci].break_before && self.content {
            self.close();
            return;
        }
        self.repeat_header(ci);
        let c = &self.chunks[ci];
        let gap = if self.page.placed.is_empty() {
            0.0
        } else {
            c.space_before
        };
        let h = c.h;
        let mut with_new = self.page.notes.clone();
        with_new.extend(self.new_notes(c));
        let reserve = self.notes_h(&with_new);
        if self.y + gap + h + reserve <= self.body_h + EPS {
            self.page.placed.push(Placed {
                chunk: ci,
                top: self.y + gap,
                pos: Some(self.p),
            });
            self.page.notes = with_new;
            self.y += gap + h;
            self.content = true;
            self.p += 1;
            return;
        }
        match self.cut_height(h, gap, reserve) {
            Some(avail) => self.cut(ci, gap, avail),
            None => self.look_back(),
        }
        self.close();
    }

    /// A table row starting a page gets its table's header row first.
    fn repeat_header(&mut self, ci: usize) {
        let c = &self.chunks[ci];
        if self.page.placed.is_empty()
            && let (Some(t), false) = (c.table, c.table_header)
            && let Some(Some(hi)) = self.headers.get(t)
            && self.chunks[*hi].h < self.body_h / 3.0
        {
            let hi = *hi;
            self.page.placed.push(Placed {
                chunk: hi,
                top: 0.0,
                pos: None,
            });
            self.y = self.chunks[hi].h;
        }
    }

    /// How much of a chunk that does not fit goes on this page: a chunk taller than what an
    /// empty page offers, or one no page can hold when a fair part of the page is left, is cut.
    fn cut_height(&self, h: f32, gap: f32, reserve: f32) -> Option<f32> {
        let body_h = self.body_h;
        let room = body_h - self.y - gap - reserve;
        if !self.content {
            Some(room.max(body_h * 0.25).min(body_h - self.y - gap).max(1.0))
        } else if h > body_h - reserve && room >= body_h * 0.2 {
            Some(room)
        } else {
            None
        }
    }

    /// Cuts chunk `ci` at its last cut position within `avail`: the top goes on this page,
    /// the rest takes its place in the flow.
    fn cut(&mut self, ci: usize, gap: f32, avail: f32) {
        let c = &self.chunks[ci];
        let cut = c
            .cuts
            .iter()
            .copied()
            .filter(|&k| k > 1.0 && k <= avail + EPS)
            .fold(None, |m: Option<f32>, k| Some(m.map_or(k, |m| m.max(k))))
            .unwrap_or(avail)
            .min(c.h - 0.5)
            .max(0.5);
        let (top, rest) = self.chunks[ci].clone().split(cut);
        let top_notes = self.new_notes(&top);
        self.page.notes.extend(top_notes);
        self.chunks.push(top);
        let top_i = self.chunks.len() - 1;
        self.chunks.push(rest);
        let rest_i = self.chunks.len() - 1;
        self.order[self.p] = rest_i;
        self.page.placed.push(Placed {
            chunk: top_i,
            top: self.y + gap,
            pos: None,
        });
    }

    /// Looks back for the last place where a break is allowed; what follows it moves on.
    fn look_back(&mut self) {
        let first_pos = self
            .page
            .placed
            .iter()
            .find_map(|pl| pl.pos)
            .unwrap_or(self.p);
        let mut k = self.p;
        while k > first_pos && self.chunks[self.order[k - 1]].keep_with_next {
            k -= 1;
        }
        if k > first_pos {
            self.page.placed.retain(|pl| pl.pos.is_none_or(|q| q < k));
            // A repeated header left alone goes too.
            if self.page.placed.iter().all(|pl| pl.pos.is_none()) {
                self.page.placed.clear();
            }
            let mut kept = Vec::new();
            for pl in &self.page.placed {
                for i in self.notes_of(&self.chunks[pl.chunk]) {
                    if !self.placed_notes[i] && !kept.contains(&i) {
                        kept.push(i);
                    }
                }
            }
            self.page.notes = kept;
            self.p = k;
        }
    }

    fn close(&mut self) {
        for &i in &self.page.notes {
            if let Some(p) = self.placed_notes.get_mut(i) {
                *p = true;
            }
        }
        self.pages.push(std::mem::take(&mut self.page));
        self.y = 0.0;
        self.content = false;
    }

    /// Places the next chunk wherever the page is.
    fn force(&mut self) {
        let ci = self.order[self.p];
        self.page.placed.push(Placed {
            chunk: ci,
            top: self.y,
            pos: Some(self.p),
        });
        self.y += self.chunks[ci].h;
        self.p += 1;
    }

    fn finish(mut self) -> Vec<PageOut> {
        if !self.page.placed.is_empty() || self.pages.is_empty() {
            for &i in &self.page.notes {
                self.placed_notes[i] = true;
            }
            self.pages.push(self.page);
        }
        // Notes whose reference never made it onto a page (cannot happen, but never lose text).
        let lost: Vec<usize> = (0..self.notes.len())
            .filter(|&i| !self.placed_notes[i])
            .collect();
        if let Some(last) = self.pages.last_mut() {
            last.notes.extend(lost);
        }
        self.pages
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
