//! The top of the first page: the newsletter masthead (題字, 第N号, 発行日, 担当, 配信先), the
//! head of a training announcement (status badge, title, postponement banner) and its
//! information box (開催概要, `info_box`) laid out like a printed flyer. Every text, date and
//! colour comes from `crate::view`, as the HTML's do; this file only places them.

mod info_box;

use crate::content::event::Event;
use crate::content::frontmatter::Newsletter;
use crate::pdf::draw::{Rgb, Role};
use crate::view::status::{BannerText, FORMAT_CHIP_BORDER};
use crate::view::{EventView, Masthead};

use super::engine::Engine;
use super::flow::{Chunk, fill_rect, hline, stroke_rect};
use super::inline::{Align, LineBox, Para, Piece, Run, RunStyle};

pub(super) fn hex(s: &str) -> Rgb {
    Rgb::parse_hex(s).unwrap_or(Rgb::BLACK)
}

/// The colours of a badge written in the text (`view::status::badge`), for drawing.
pub(super) struct BadgeLook {
    pub fill: Rgb,
    pub border: Rgb,
    pub text: Rgb,
}

pub(super) fn badge_look(b: crate::content::model::Badge) -> BadgeLook {
    let look = crate::view::status::badge(b);
    BadgeLook {
        fill: hex(look.fill),
        border: hex(look.border),
        text: hex(look.text),
    }
}

impl Engine<'_> {
    /// Lines stacked into one chunk starting at `y`; returns the new bottom.
    pub(super) fn stack(&self, c: &mut Chunk, lines: Vec<LineBox>, mut y: f32) -> f32 {
        for lb in lines {
            let h = lb.h;
            c.absorb(lb.into_chunk(), y);
            y += h;
            // Between lines is where an over-tall box may be cut.
            c.cuts.push(y);
        }
        y
    }

    /// Lines stacked at the bottom of a chunk, which grows.
    pub(super) fn append(&self, c: &mut Chunk, lines: Vec<LineBox>) {
        let y = c.h;
        c.h = self.stack(c, lines, y);
    }

    /// The double rule under a masthead or an event title.
    fn double_rule(&self, c: &mut Chunk) {
        let (x, w) = (self.left, self.width);
        c.h += 4.0;
        c.items.push(fill_rect(x, c.h, w, 2.2, self.colors.accent));
        c.h += 2.2 + 1.6;
        c.items
            .push(hline(x, x + w, c.h + 0.3, self.colors.accent, 0.6));
        c.h += 0.6;
    }

    /// 発行日 … 担当 … 配信先 … as one wrapped line of label/value pairs; every value part
    /// stays whole on a line.
    fn meta_line(&self, pairs: &[(&str, Vec<String>)]) -> Vec<LineBox> {
        let size = self.style.text.table_size;
        let mut pieces = Vec::new();
        for (i, (label, parts)) in pairs.iter().enumerate() {
            if i > 0 {
                pieces.push(Piece::run("　　", RunStyle::plain(size, self.colors.text)));
            }
            pieces.push(Piece::run(
                *label,
                RunStyle::plain(size, self.colors.heading).bold(),
            ));
            pieces.push(Piece::run("　", RunStyle::plain(size, self.colors.text)));
            for part in parts {
                pieces.push(Piece::run(
                    part.clone(),
                    RunStyle::plain(size, self.colors.text).nowrap(),
                ));
            }
        }
        let para = Para::left(size, size * 1.7, false);
        self.lines(&pieces, self.left, self.width, para)
    }

    pub(crate) fn masthead(&mut self, n: &Newsletter) {
        let m = Masthead::new(self.page, n, self.ctx.config);
        let p = self.open_node(Role::P);
        let mut c = self.publisher(m.publisher.clone(), self.width * 0.75);
        self.close_node(p);

        // Name and issue badge: the document's H1 unless the title is shown below.
        let shown = m.own_title.is_some();
        let name_node = self.open_node(if shown { Role::P } else { Role::H(1) });
        self.name_and_badge(&mut c, &m);
        self.close_node(name_node);
        self.double_rule(&mut c);

        // 発行日・担当・配信先
        c.h += 4.0;
        let pairs: Vec<(&str, Vec<String>)> =
            m.rows.iter().map(|r| (r.label, r.parts.clone())).collect();
        if !pairs.is_empty() {
            let p = self.open_node(Role::P);
            let lines = self.meta_line(&pairs);
            self.close_node(p);
            self.append(&mut c, lines);
        }
        self.push(c);

        if let Some(title) = &m.own_title {
            self.gap(self.em() * 1.0);
            self.title_lines(title);
        }
        self.gap(self.em() * 1.2);
    }

    /// The newsletter's name, with the issue number in a badge on its first baseline.
    fn name_and_badge(&self, c: &mut Chunk, m: &Masthead) {
        let (x, w) = (self.left, self.width);
        let name_size = self.style.headings.title + 5.0;
        let badge_size = (self.style.headings.title * 0.72).max(10.0);
        let bw = self.measure(&m.number_label, true, badge_size) + badge_size * 1.3;
        let name_para = Para::left(name_size, name_size * 1.35, true);
        let name = vec![Piece::run(
            m.name.clone(),
            RunStyle::plain(name_size, self.colors.accent).bold(),
        )];
        let name_lines = self.lines(&name, x, (w - bw - name_size).max(w * 0.4), name_para);
        let top = c.h;
        c.h = self.stack(c, name_lines, top);
        // The badge sits on the first baseline of the name, at the right.
        let (a, d) = self.metrics(true, name_size);
        let base = top + (name_size * 1.35 - (a - d)) / 2.0 + a;
        let bh = badge_size * 1.65;
        let by = base - name_size * 0.38 - bh / 2.0;
        c.items
            .push(fill_rect(x + w - bw, by, bw, bh, self.colors.accent));
        let (ba, bd) = self.metrics(true, badge_size);
        let bbase = by + bh / 2.0 + (ba + bd) / 2.0;
        let run = Run {
            text: m.number_label.clone(),
            style: RunStyle::plain(badge_size, Rgb(1.0, 1.0, 1.0)).bold(),
            anchor: None,
        };
        let (items, _) = self.single_line(&[run], x + w - bw + badge_size * 0.65, bbase);
        c.items.extend(items);
    }

    /// The small publisher line over a masthead or an event title, as a new chunk.
    fn publisher(&self, text: String, w: f32) -> Chunk {
        let size = self.style.text.small_size + 0.5;
        let pieces = vec![Piece::run(text, RunStyle::plain(size, self.colors.muted))];
        let lines = self.lines(&pieces, self.left, w, Para::left(size, size * 1.6, false));
        let mut c = Chunk::new(0.0);
        c.h = self.stack(&mut c, lines, 0.0);
        c
    }

    /// The page title (h1), left-aligned, wrapped, as a new chunk.
    fn title_chunk(&self, title: &str) -> Chunk {
        let node = self.open_node(Role::H(1));
        let c = self.title_chunk_inner(title);
        self.close_node(node);
        c
    }

    fn title_chunk_inner(&self, title: &str) -> Chunk {
        let size = self.style.headings.title;
        let para = Para::left(size, size * 1.45, true);
        let pieces = vec![Piece::run(
            title,
            RunStyle::plain(size, self.colors.heading).bold(),
        )];
        let lines = self.lines(&pieces, self.left, self.width, para);
        let mut c = Chunk::new(0.0);
        c.h = self.stack(&mut c, lines, 0.0);
        c
    }

    /// The page title as a chunk of its own, kept with what follows.
    fn title_lines(&mut self, title: &str) {
        let mut c = self.title_chunk(title);
        c.keep_with_next = true;
        self.push(c);
    }

    /// Title block of a plain page.
    pub(crate) fn plain_head(&mut self) {
        let title = self.page.meta.title.trim().to_owned();
        let mut c = self.title_chunk(&title);
        self.double_rule(&mut c);
        if let Some(d) = self.page.meta.date {
            c.h += 4.0;
            let p = self.open_node(Role::P);
            let lines =
                self.meta_line(&[("更新日", vec![crate::view::date_label(d, self.ctx.config)])]);
            self.close_node(p);
            self.append(&mut c, lines);
        }
        self.push(c);
        self.gap(self.em() * 1.2);
    }

    pub(crate) fn event_head(&mut self, ev: &Event) {
        let cfg = self.ctx.config;
        let v = EventView::new(ev, cfg.date_style);
        let em = self.em();

        let p = self.open_node(Role::P);
        let mut c = self.publisher(format!("{}　研修会のご案内", cfg.title), self.width);
        self.close_node(p);
        // The badge and the chip are read as one line of text: 「延期 集合研修」.
        let p = self.open_node(Role::P);
        self.status_line(&mut c, &v);
        self.close_node(p);

        // Title.
        let h1 = self.open_node(Role::H(1));
        let size = self.style.headings.title;
        let para = Para::left(size, size * 1.45, true);
        let pieces = vec![Piece::run(
            self.page.meta.title.trim(),
            RunStyle::plain(size, self.colors.heading).bold(),
        )];
        let lines = self.lines(&pieces, self.left, self.width, para);
        self.close_node(h1);
        self.append(&mut c, lines);
        self.double_rule(&mut c);
        c.keep_with_next = true;
        self.push(c);

        if let Some(b) = &v.banner {
            self.banner(b);
        }
        self.info_box(&v);
        self.gap(em * 1.4);
    }

    /// The status badge and the format chip, on one line under the publisher.
    fn status_line(&self, c: &mut Chunk, v: &EventView) {
        let x = self.left;
        c.h += 3.0;
        let bsize = self.style.text.table_size + 0.5;
        let bh = bsize * 1.75;
        let (ba, bd) = self.metrics(true, bsize);
        let base = c.h + bh / 2.0 + (ba + bd) / 2.0;
        let look = v.status_look;
        let bw = self.measure(v.status_label, true, bsize) + bsize * 1.4;
        c.items.push(fill_rect(x, c.h, bw, bh, hex(look.fill)));
        c.items.push(stroke_rect(
            x + 0.6,
            c.h + 0.6,
            bw - 1.2,
            bh - 1.2,
            hex(look.border),
            1.2,
        ));
        let run = Run {
            text: v.status_label.to_owned(),
            style: RunStyle::plain(bsize, hex(look.text)).bold(),
            anchor: None,
        };
        let (items, _) = self.single_line(&[run], x + bsize * 0.7, base);
        c.items.extend(items);
        if let Some(label) = v.format_label {
            let fx = x + bw + bsize * 0.6;
            let fsize = bsize - 0.5;
            let fw = self.measure(label, false, fsize) + fsize * 1.2;
            let border = hex(FORMAT_CHIP_BORDER);
            c.items
                .push(stroke_rect(fx, c.h + 0.8, fw, bh - 1.6, border, 0.7));
            let run = Run {
                text: label.to_owned(),
                style: RunStyle::plain(fsize, self.colors.muted),
                anchor: None,
            };
            let (items, _) = self.single_line(&[run], fx + fsize * 0.6, base);
            c.items.extend(items);
        }
        c.h += bh + self.em() * 0.5;
    }

    /// The notice of a postponed or cancelled training: a tinted box with a bar at the left.
    fn banner(&mut self, banner: &BannerText) {
        let (x, w) = (self.left, self.width);
        let em = self.em();
        let border = hex(banner.border);
        let ink = hex(banner.ink);
        let bar = 6.0;
        let pad = em * 0.8;
        let mut b = Chunk::new(pad * 0.8);
        let hsize = self.style.headings.h3;
        let tx = x + bar + pad;
        let tw = w - bar - pad * 2.0;
        let hp = Para::left(hsize, hsize * 1.5, true);
        let p = self.open_node(Role::P);
        let head = [Piece::run(banner.title, RunStyle::plain(hsize, ink).bold())];
        let lines = self.lines(&head, tx, tw, hp);
        self.append(&mut b, lines);
        let bp = Para {
            size: em,
            pitch: em * 1.6,
            justify: true,
            align: Align::Left,
            indent: 0.0,
            bold: false,
        };
        self.close_node(p);
        let p = self.open_node(Role::P);
        let text = [Piece::run(banner.text, RunStyle::plain(em, ink))];
        let lines = self.lines(&text, tx, tw, bp);
        self.close_node(p);
        self.append(&mut b, lines);
        b.h += pad * 0.8;
        b.items
            .insert(0, fill_rect(x, 0.0, w, b.h, hex(banner.background)));
        b.items.insert(
            1,
            stroke_rect(x + 0.75, 0.75, w - 1.5, b.h - 1.5, border, 1.5),
        );
        b.items.insert(2, fill_rect(x, 0.0, bar, b.h, border));
        b.keep_with_next = true;
        self.gap(em * 0.9);
        self.push(b);
    }
}
