//! Blocks → chunks: paragraphs (one chunk per line, widows and orphans kept in pairs), headings
//! (kept with what follows), lists with hanging markers, block quotes and code blocks (tinted
//! spans that may cross pages), rules and images. Footnotes are `notes`'.

use crate::content::model::{Block, Inline, ListItem};
use crate::pdf::draw::{Item, Role, Tag};

use super::engine::Engine;
use super::flow::{Chunk, SpanDeco, fill_rect, hline, stroke_rect};
use super::inline::{Align, LineBox, Para, Piece, Run, RunStyle};
use super::tags::Current;

impl Engine<'_> {
    /// Lines of a paragraph as chunks; no single line left alone at a page's bottom or top.
    pub(crate) fn push_lines(&mut self, lines: Vec<LineBox>) {
        let n = lines.len();
        for (i, lb) in lines.into_iter().enumerate() {
            let mut c = lb.into_chunk();
            c.keep_with_next = n >= 2 && (i == 0 || i + 2 == n);
            self.push(c);
        }
    }

    fn body_para(&self) -> Para {
        let t = &self.style.text;
        Para {
            size: t.size,
            pitch: t.size * t.line_height,
            justify: t.justify,
            align: Align::Left,
            indent: 0.0,
            bold: false,
        }
    }

    pub(crate) fn body_style(&self) -> RunStyle {
        RunStyle::plain(self.style.text.size, self.colors.text)
    }

    pub(crate) fn em(&self) -> f32 {
        self.style.text.size
    }

    pub(crate) fn blocks(&mut self, blocks: &[Block], x: f32, w: f32, depth: usize) {
        for b in blocks {
            self.block(b, x, w, depth);
        }
    }

    pub(crate) fn block(&mut self, block: &Block, x: f32, w: f32, depth: usize) {
        // Pathological nesting: flatten instead of shrinking the column to nothing.
        let (x, w) = if w < self.em() * 4.0 {
            (self.left, self.width)
        } else {
            (x, w)
        };
        let em = self.em();
        let ps = self.style.text.paragraph_space * em;
        match block {
            Block::Heading { level, id, content } => self.heading(*level, id, content, x, w),
            Block::Paragraph(inlines) => {
                // A paragraph of images only is its figures, not a P around them.
                let only_images = inlines.iter().all(|i| match i {
                    Inline::Image { .. } | Inline::HardBreak => true,
                    Inline::Text(t) => t.trim().is_empty(),
                    _ => false,
                });
                let node = (!only_images).then(|| self.open_node(Role::P));
                let base = self.body_style();
                let pieces = self.pieces(inlines, &base);
                let mut para = self.body_para();
                if depth == 0 {
                    para.indent = self.style.text.indent * em;
                }
                self.paragraph(pieces, x, w, para, ps);
                if let Some(n) = node {
                    self.close_node(n);
                }
            }
            Block::List {
                ordered,
                tight,
                items,
            } => self.list(*ordered, *tight, items, x, w, depth),
            Block::BlockQuote(inner) => {
                self.gap(ps);
                let bar = 3.0;
                let pad = em * 0.9;
                let span = self.open_span(SpanDeco {
                    x,
                    w,
                    fill: Some(self.colors.quote_background),
                    bar: Some((self.colors.quote_bar, bar)),
                });
                self.spacer(em * 0.45, true);
                self.suppress = true;
                let node = self.open_node(Role::BlockQuote);
                self.blocks(inner, x + bar + pad, w - bar - pad * 1.6, depth + 1);
                self.close_node(node);
                self.pending = 0.0;
                self.suppress = false;
                self.spacer(em * 0.45, false);
                self.close_span(span);
                self.gap(ps);
            }
            Block::Code { text, .. } => {
                let p = self.open_node(Role::P);
                let code = self.open_node(Role::Code);
                self.code(text, x, w);
                self.close_node(code);
                self.close_node(p);
            }
            Block::Table {
                align,
                header,
                rows,
            } => self.table(align, header, rows, x, w),
            Block::Rule => {
                self.gap(ps * 1.5);
                let mut c = Chunk::new(em * 0.8);
                c.items
                    .push(hline(x, x + w, em * 0.4, self.colors.rule, 0.75));
                self.push(c);
                self.gap(ps * 1.5);
            }
            Block::Survey(s) => self.survey(s, x, w),
            Block::Html(_) => {}
        }
    }

    /// A paragraph; images inside it become blocks of their own between the text around them.
    pub(crate) fn paragraph(&mut self, pieces: Vec<Piece>, x: f32, w: f32, para: Para, space: f32) {
        let mut text: Vec<Piece> = Vec::new();
        let flush = |this: &mut Self, text: &mut Vec<Piece>| {
            // Trim breaks and spaces at the ends.
            while matches!(text.last(), Some(Piece::Break)) {
                text.pop();
            }
            let has_text = text.iter().any(
                |p| matches!(p, Piece::Run(r) if !r.text.trim().is_empty() || r.anchor.is_some()),
            );
            if has_text {
                this.gap(space);
                let lines = this.lines(text, x, w, para);
                this.push_lines(lines);
            }
            text.clear();
        };
        for p in pieces {
            match p {
                Piece::Image { url, alt, title } => {
                    flush(self, &mut text);
                    self.image(&url, &alt, &title, x, w);
                }
                other => text.push(other),
            }
        }
        flush(self, &mut text);
    }

    pub(crate) fn spacer(&mut self, h: f32, keep_with_next: bool) {
        if !keep_with_next && let Some(last) = self.flow.chunks.last_mut() {
            last.keep_with_next = true;
        }
        let mut c = Chunk::new(h);
        c.keep_with_next = keep_with_next;
        // Padding is part of its box: never dropped at a page top.
        let pending = self.pending;
        self.pending = 0.0;
        self.push(c);
        if let Some(last) = self.flow.chunks.last_mut() {
            last.space_before = pending;
        }
    }

    fn heading(&mut self, level: u8, id: &str, content: &[Inline], x: f32, w: f32) {
        let em = self.em();
        let h = &self.style.headings;
        let (size, before, after) = match level {
            0..=2 => (h.h2, em * 1.8, em * 0.7),
            3 => (h.h3, em * 1.4, em * 0.4),
            _ => (h.h4, em * 1.2, em * 0.3),
        };
        let style = RunStyle::plain(size, self.colors.heading).bold();
        let node = self.open_node(self.heading_role(level));
        let pieces: Vec<Piece> = self
            .pieces(content, &style)
            .into_iter()
            .map(|p| match p {
                // Links inside headings keep the heading's look.
                Piece::Run(mut r) if r.style.rise == 0.0 => {
                    r.style.color = self.colors.heading;
                    r.style.underline = false;
                    Piece::Run(r)
                }
                p => p,
            })
            .collect();
        let pitch = size * 1.45;
        let para = Para::left(size, pitch, true);
        let (tx, tw) = if level == 3 {
            (x + size * 0.85, w - size * 0.85)
        } else {
            (x, w)
        };
        let lines = self.lines(&pieces, tx, tw, para);
        let mut c = Chunk::new(0.0);
        c.append_lines(lines);
        let (asc, _) = self.metrics(true, size);
        match level {
            0..=2 => {
                // A rule under the whole width.
                c.h += 3.0;
                c.items.push(hline(x, x + w, c.h, self.colors.accent, 1.2));
                c.h += 1.2;
            }
            3 => {
                // A short bar before the text, as tall as the capitals of the first line.
                let base = c.first_baseline().unwrap_or(pitch * 0.75);
                let bar_h = asc * 0.82;
                c.items.insert(
                    0,
                    fill_rect(
                        x + 1.0,
                        base - bar_h,
                        size * 0.3,
                        bar_h + size * 0.06,
                        self.colors.accent,
                    ),
                );
            }
            _ => {}
        }
        c.anchors.push((id.to_owned(), 0.0));
        let title = Inline::plain_text(content);
        if !title.trim().is_empty() {
            c.outline.push((level.max(1), title.trim().to_owned(), 0.0));
        }
        c.keep_with_next = true;
        // A handout starts each `##` section on a new page.
        c.break_before = level <= 2 && self.page.section.spec().pdf.section_breaks;
        self.gap(before);
        self.push(c);
        self.pending = after;
        self.suppress = false;
        self.close_node(node);
    }

    fn list(
        &mut self,
        ordered: Option<u64>,
        tight: bool,
        items: &[ListItem],
        x: f32,
        w: f32,
        depth: usize,
    ) {
        let em = self.em();
        let ps = self.style.text.paragraph_space * em;
        let item_gap = if tight { em * 0.2 } else { ps };
        let size = self.style.text.size;
        let labels: Vec<String> = match ordered {
            Some(start) => (0..items.len() as u64)
                .map(|i| format!("{}.", start.saturating_add(i)))
                .collect(),
            None => vec![String::new(); items.len()],
        };
        let widest = labels
            .iter()
            .map(|l| self.measure(l, false, size))
            .fold(0.0_f32, f32::max);
        let has_task = items.iter().any(|i| i.task.is_some());
        let marker_w = if ordered.is_some() {
            (widest + em * 0.5).max(em * 1.6)
        } else if has_task {
            em * 1.6
        } else {
            em * 1.3
        };
        self.gap(if depth > 0 && tight { item_gap } else { ps });
        self.list_level += 1;
        let list = self.open_node(Role::L);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.gap(item_gap);
            }
            let first = self.flow.chunks.len();
            let li = self.open_node(Role::LI);
            // The label is read before the body, though it is drawn after it.
            let lbl = self.child_node(Role::Lbl, li);
            let body = self.open_node(Role::LBody);
            // The item's first block takes the item gap instead of its own.
            self.suppress = true;
            if item.blocks.is_empty() {
                self.push(Chunk::new(size * self.style.text.line_height));
            } else {
                self.blocks(&item.blocks, x + marker_w, w - marker_w, depth + 1);
            }
            self.suppress = false;
            self.close_node(body);
            self.set_current(Current::Node(lbl));
            self.list_marks(item.task, ordered, &labels[i], first, (x, marker_w), size);
            self.close_node(li);
        }
        self.close_node(list);
        self.list_level -= 1;
        self.gap(if depth > 0 && tight { item_gap } else { ps });
    }

    /// The marker of a list item (number, bullet or task box), beside its first line.
    fn list_marks(
        &mut self,
        task: Option<bool>,
        ordered: Option<u64>,
        label: &str,
        first: usize,
        (x, marker_w): (f32, f32),
        size: f32,
    ) {
        let em = self.em();
        if first >= self.flow.chunks.len() {
            return;
        }
        let pitch = size * self.style.text.line_height;
        let chunk = &self.flow.chunks[first];
        let base = chunk.first_baseline().unwrap_or_else(|| {
            let (a, d) = self.metrics(false, size);
            (pitch - (a - d)) / 2.0 + a
        });
        let mut marks: Vec<Item> = Vec::new();
        match (task, ordered) {
            (Some(done), _) => {
                let b = size * 0.78;
                let bx = x + marker_w - em * 0.55 - b;
                let top = base - size * 0.76;
                marks.push(stroke_rect(bx, top, b, b, self.colors.text, 0.7));
                if done {
                    // A tick: two strokes through three points of the box.
                    let tick = [(0.2, 0.5), (0.42, 0.78), (0.85, 0.15)];
                    for w in tick.windows(2) {
                        marks.push(Item::Line {
                            x1: bx + b * w[0].0,
                            y1: top + b * w[0].1,
                            x2: bx + b * w[1].0,
                            y2: top + b * w[1].1,
                            color: self.colors.accent,
                            width: 1.3,
                            tag: Tag::Artifact,
                        });
                    }
                }
            }
            (None, Some(_)) => {
                let lw = self.measure(label, false, size);
                let run = Run {
                    text: label.to_owned(),
                    style: RunStyle::plain(size, self.colors.text),
                    anchor: None,
                };
                let (items, _) = self.single_line(&[run], x + marker_w - em * 0.45 - lw, base);
                marks.extend(items);
            }
            (None, None) => {
                // ■ at level 1, □ at level 2, a short dash below.
                let level = self.list_level.saturating_sub(1);
                let s = size * 0.32;
                let mx = x + em * 0.3;
                let my = base - size * 0.36 - s / 2.0;
                match level {
                    0 => marks.push(fill_rect(mx, my, s, s, self.colors.accent)),
                    1 => marks.push(stroke_rect(
                        mx + 0.35,
                        my + 0.35,
                        s - 0.7,
                        s - 0.7,
                        self.colors.accent,
                        0.7,
                    )),
                    _ => marks.push(hline(
                        mx,
                        mx + s * 1.2,
                        my + s / 2.0,
                        self.colors.accent,
                        0.9,
                    )),
                }
            }
        }
        // Bullets and task boxes are drawn, not written: they are the label's content (a
        // task's state is its description); numbers are its text already.
        let tag = self.content_tag(None);
        if let (Some(done), Tag::Content { node, .. }) = (task, tag) {
            self.set_alt(node, (if done { "完了" } else { "未完了" }).to_owned());
        }
        for m in &mut marks {
            if let Item::Rect { tag: t, .. } | Item::Line { tag: t, .. } = m {
                *t = tag;
            }
        }
        self.flow.chunks[first].items.extend(marks);
    }

    fn code(&mut self, text: &str, x: f32, w: f32) {
        let em = self.em();
        let size = self.style.text.code_size;
        let pad = em * 0.7;
        self.gap(self.style.text.paragraph_space * em);
        let span = self.open_span(SpanDeco {
            x,
            w,
            fill: Some(self.colors.code_background),
            bar: None,
        });
        self.spacer(size * 0.6, true);
        let para = Para::left(size, size * 1.55, false);
        let style = RunStyle::plain(size, self.colors.text);
        let body = text.strip_suffix('\n').unwrap_or(text);
        let mut all = Vec::new();
        for line in body.split('\n') {
            let expanded = expand_tabs(line.trim_end_matches('\r'));
            let pieces = vec![Piece::run(expanded, style.clone())];
            all.extend(self.lines(&pieces, x + pad, w - pad * 2.0, para));
        }
        self.push_lines(all);
        self.spacer(size * 0.6, false);
        self.close_span(span);
        self.gap(self.style.text.paragraph_space * em);
    }

    pub(crate) fn image(&mut self, url: &str, alt: &str, title: &str, x: f32, w: f32) {
        let em = self.em();
        self.gap(self.style.text.paragraph_space * em);
        let max_h = (self.body_h - em * 4.0).max(em * 4.0);
        match (self.ctx.image)(url, w) {
            Ok(img) if img.width_px > 0 && img.height_px > 0 => {
                // The natural size (96 dpi for pixels), never wider than the column or taller
                // than a page.
                let (nw, nh) = img
                    .size_pt
                    .unwrap_or((img.width_px as f32 * 0.75, img.height_px as f32 * 0.75));
                let mut iw = nw.min(w);
                let mut ih = iw * nh / nw.max(f32::MIN_POSITIVE);
                if ih > max_h {
                    iw *= max_h / ih;
                    ih = max_h;
                }
                self.images.push(img);
                let mut c = Chunk::new(ih);
                let ix = x + ((w - iw) / 2.0).max(0.0);
                // A decorative image is an artifact; any other is a Figure saying its alt text.
                let tag = if crate::content::model::is_decorative(alt) {
                    crate::pdf::draw::Tag::Artifact
                } else {
                    let figure = self.open_node(Role::Figure);
                    self.set_alt(figure, alt.trim().to_owned());
                    let tag = self.content_tag(None);
                    self.close_node(figure);
                    tag
                };
                c.items.push(Item::Image {
                    image: self.images.len() - 1,
                    x: ix,
                    y: 0.0,
                    w: iw,
                    h: ih,
                    tag,
                });
                let caption = if !title.trim().is_empty() { title } else { "" };
                if !caption.is_empty() {
                    c.keep_with_next = true;
                }
                self.push(c);
                if !caption.is_empty() {
                    self.caption(caption, x, w);
                }
            }
            _ => {
                // Missing or broken image: say so where it would have been.
                let label = if alt.trim().is_empty() { url } else { alt };
                let node = self.open_node(Role::P);
                let size = self.style.text.small_size;
                let style = RunStyle::plain(size, self.colors.muted);
                let pieces = vec![Piece::run(format!("［画像：{label}］"), style)];
                let para = Para::left(size, size * 1.6, false);
                let lines = self.lines(&pieces, x + 4.0, w - 8.0, para);
                let mut c = Chunk::new(4.0);
                for lb in lines {
                    let mut part = Chunk::new(lb.h);
                    part.items = lb.items;
                    let y = c.h;
                    c.h += lb.h;
                    c.absorb(part, y);
                }
                c.h += 4.0;
                c.items
                    .insert(0, stroke_rect(x, 0.0, w, c.h, self.colors.rule, 0.6));
                self.push(c);
                self.close_node(node);
            }
        }
        self.gap(self.style.text.paragraph_space * em);
    }

    fn caption(&mut self, text: &str, x: f32, w: f32) {
        let size = self.style.text.small_size;
        let style = RunStyle::plain(size, self.colors.muted);
        let pieces = vec![Piece::run(text, style)];
        let para = Para {
            size,
            pitch: size * 1.6,
            justify: false,
            align: Align::Center,
            indent: 0.0,
            bold: false,
        };
        // A paragraph of its own: a Caption inside the Figure would go unread, as its
        // /Alt stands for everything in it.
        let node = self.open_node(Role::P);
        let lines = self.lines(&pieces, x, w, para);
        self.close_node(node);
        self.gap(size * 0.3);
        self.push_lines(lines);
    }
}

fn expand_tabs(line: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = 4 - col % 4;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}
