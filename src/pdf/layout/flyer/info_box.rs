//! 開催概要: a training's information box as a bordered two-column table with a tinted label
//! column, never split. The rows, their labels and every date come from
//! `view::EventView::rows`, the same rows the page shows; here each span tone gets its style.

use crate::pdf::draw::{Rgb, Role, Scope};
use crate::pdf::layout::Engine;
use crate::pdf::layout::flow::{Chunk, fill_rect, hline, stroke_rect, vline};
use crate::pdf::layout::inline::{Align, Para, Piece, Run, RunStyle};
use crate::pdf::layout::tags::Current;
use crate::view::{EventView, InfoRow, Span, Tone};

/// The caption tab's text.
const CAPTION: &str = "開催概要";

impl Engine<'_> {
    pub(super) fn info_box(&mut self, v: &EventView) {
        if v.rows.is_empty() {
            return;
        }
        let (x, w) = (self.left, self.width);
        let size = self.style.text.size;
        let em = self.em();
        let rows: Vec<(&str, Vec<Vec<Piece>>)> = v
            .rows
            .iter()
            .map(|r| (r.label, self.row_pieces(r, v.struck)))
            .collect();
        let pad_x = em * 0.8;
        let label_w = rows
            .iter()
            .map(|(l, _)| self.measure(l, true, size))
            .fold(0.0, f32::max)
            + pad_x * 2.0;
        let label_w = label_w.max(em * 5.5);
        // A table whose row headers are 日時, 場所, 講師…, captioned 開催概要.
        let table = self.open_node(Role::Table);
        let mut c = self.caption_tab();
        let tab_h = c.h;
        let table_top = c.h;
        c.cuts.push(c.h);

        let mut backgrounds = Vec::new();
        let mut rules = Vec::new();
        for (ri, (label, paras)) in rows.iter().enumerate() {
            let top = c.h;
            self.info_row(&mut c, table, label, paras, label_w);
            backgrounds.push(fill_rect(x, top, label_w, c.h - top, self.colors.tint));
            if ri > 0 {
                rules.push(hline(x, x + w, top, self.colors.rule, 0.6));
            }
        }
        self.close_node(table);
        rules.push(vline(x + label_w, table_top, c.h, self.colors.rule, 0.6));
        rules.push(stroke_rect(
            x + 0.5,
            table_top + 0.5,
            w - 1.0,
            c.h - table_top - 1.0,
            self.colors.accent,
            1.0,
        ));
        let mut items = backgrounds;
        items.append(&mut c.items);
        items.extend(rules);
        c.items = items;
        c.cuts.retain(|&y| y > tab_h + 1.0 && y < c.h - 0.5);
        c.cuts.sort_by(f32::total_cmp);
        self.gap(em * 1.1);
        self.push(c);
    }

    /// The tab over the table that reads 開催概要, as a new chunk (the table's caption).
    fn caption_tab(&self) -> Chunk {
        let x = self.left;
        let caption = self.open_node(Role::Caption);
        let csize = self.style.headings.h3;
        let tab_h = csize * 1.8;
        let tab_w = self.measure(CAPTION, true, csize) + csize * 1.6;
        let mut c = Chunk::new(0.0);
        c.items
            .push(fill_rect(x, 0.0, tab_w, tab_h, self.colors.accent));
        let (ca, cd) = self.metrics(true, csize);
        let cbase = tab_h / 2.0 + (ca + cd) / 2.0;
        let run = Run {
            text: CAPTION.into(),
            style: RunStyle::plain(csize, Rgb(1.0, 1.0, 1.0)).bold(),
            anchor: None,
        };
        let (items, _) = self.single_line(&[run], x + csize * 0.8, cbase);
        self.close_node(caption);
        c.items.extend(items);
        c.h = tab_h;
        c
    }

    /// One row at the bottom of `c`: the value's paragraphs at the right, the label centred in
    /// the tinted column; `c` grows by the row.
    fn info_row(
        &mut self,
        c: &mut Chunk,
        table: usize,
        label: &str,
        paras: &[Vec<Piece>],
        label_w: f32,
    ) {
        let (x, w) = (self.left, self.width);
        let size = self.style.text.size;
        let em = self.em();
        let pad_x = em * 0.8;
        let pad_y = em * 0.45;
        let vx = x + label_w + pad_x;
        let vw = w - label_w - pad_x * 2.0;
        let tr = self.child_node(Role::TR, table);
        let th = self.child_node(Role::TH(Scope::Row), tr);
        let td = self.child_node(Role::TD, tr);
        self.set_current(Current::Node(td));
        let top = c.h;
        let mut y = top + pad_y;
        for (pi, p) in paras.iter().enumerate() {
            let psize = match p.first() {
                Some(Piece::Run(r)) => r.style.size,
                _ => size,
            };
            // Smaller lines (the wards of a session) stay close to the line above.
            if pi > 0 {
                y += if psize < size { 0.0 } else { em * 0.35 };
            }
            let para = Para::left(psize, psize * 1.6, false);
            let node = self.open_node(Role::P);
            let lines = self.lines(p, vx, vw, para);
            self.close_node(node);
            y = self.stack(c, lines, y);
        }
        self.set_current(Current::Node(th));
        let bottom = y + pad_y;
        let lpara = Para {
            size,
            pitch: size * 1.6,
            justify: false,
            align: Align::Center,
            indent: 0.0,
            bold: true,
        };
        let heading = RunStyle::plain(size, self.colors.heading).bold();
        let lines = self.lines(&[Piece::run(label, heading)], x, label_w, lpara);
        self.stack(c, lines, top + pad_y);
        c.h = bottom;
        c.cuts.push(bottom);
    }

    /// A row's paragraphs as styled pieces: each tone gets the flyer's style for it.
    fn row_pieces(&self, row: &InfoRow, struck: bool) -> Vec<Vec<Piece>> {
        row.paras
            .iter()
            .map(|p| p.iter().map(|s| self.span_piece(s, struck)).collect())
            .collect()
    }

    fn span_piece(&self, s: &Span, struck: bool) -> Piece {
        let size = self.style.text.size;
        let small = self.style.text.table_size;
        let text = RunStyle::plain(size, self.colors.text);
        let dim_ink = if struck {
            self.colors.muted
        } else {
            self.colors.text
        };
        let dim = RunStyle::plain(size, dim_ink).struck(struck);
        let muted = RunStyle::plain(small, self.colors.muted);
        match s.tone {
            Tone::Plain => Piece::run(s.text.clone(), text),
            Tone::Strong => Piece::run(s.text.clone(), text.bold()),
            Tone::When => Piece::run(s.text.clone(), dim.bold()),
            Tone::Date => Piece::run(s.text.clone(), dim),
            Tone::Chip => Piece::run(format!(" （{}）", s.text), text),
            Tone::Note => Piece::run(s.text.clone(), RunStyle::plain(small, self.colors.text)),
            Tone::WardsLabel => Piece::run(s.text.clone(), muted.bold()),
            Tone::Ward => Piece::run(s.text.clone(), muted.nowrap()),
        }
    }
}
