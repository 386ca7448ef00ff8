//! Survey blocks as vector figures: the question (with group and total) above a 100% stacked
//! bar whose segments carry `12名（48%）` where they are wide enough, and a legend with every
//! answer below. Texts, figures and colours are `view::survey::SurveyView`'s, as the HTML's.

use crate::pdf::draw::{Rgb, Role};
use crate::survey::Survey;
use crate::view::survey::{AnswerView, SurveyView};

use super::engine::Engine;
use super::flow::{Chunk, fill_rect, stroke_rect};
use super::inline::{Para, Piece, Run, RunStyle};

fn rgb(hex: &str) -> Rgb {
    Rgb::parse_hex(hex).unwrap_or(Rgb(0.6, 0.6, 0.6))
}

impl Engine<'_> {
    pub(crate) fn survey(&mut self, s: &Survey, x: f32, w: f32) {
        let v = SurveyView::new(s, self.ctx.survey_colors);
        let em = self.em();
        let pad = em * 0.9;
        let (ix, iw) = (x + pad, (w - 2.0 * pad).max(em * 4.0));
        let mut c = Chunk::new(pad * 0.9);
        c.cuts.push(c.h);
        // One Figure: its alternative text says every figure, so the printed question,
        // bar labels and legend inside it are not read a second time.
        let figure = self.open_node(Role::Figure);
        self.set_alt(figure, v.alt.clone());
        self.survey_caption(&mut c, &v, ix, iw);
        c.h += em * 0.45;
        self.survey_bar(&mut c, &v, ix, iw);
        c.h += em * 0.6;
        c.cuts.push(c.h);
        let row_bottom = self.survey_legend(&mut c, &v, ix, iw);
        c.h = row_bottom + pad * 0.7;
        c.items
            .insert(0, stroke_rect(x, 0.0, w, c.h, self.colors.rule, 0.75));
        c.cuts.retain(|&y| y > 0.0 && y < c.h);
        self.close_node(figure);
        self.gap(self.style.text.paragraph_space * em * 1.5);
        self.push(c);
        self.gap(self.style.text.paragraph_space * em * 1.5);
    }

    /// Caption: question（group） 回答数 N名, wrapped; `c` grows by its lines.
    fn survey_caption(&self, c: &mut Chunk, v: &SurveyView, ix: f32, iw: f32) {
        let size = self.style.text.size;
        let small = self.style.text.table_size;
        let mut pieces = vec![Piece::run(
            v.question.clone(),
            RunStyle::plain(size, self.colors.text).bold(),
        )];
        if let Some(g) = &v.group {
            pieces.push(Piece::run(
                g.clone(),
                RunStyle::plain(size, self.colors.muted),
            ));
        }
        pieces.push(Piece::run(
            format!(" {}", v.total),
            RunStyle::plain(small, self.colors.muted),
        ));
        let para = Para::left(size, size * 1.55, true);
        for lb in self.lines(&pieces, ix, iw, para) {
            let mut part = Chunk::new(lb.h);
            part.items = lb.items;
            let y = c.h;
            c.h += lb.h;
            c.absorb(part, y);
            c.cuts.push(c.h);
        }
    }

    /// The 100% stacked bar, one segment per answer with a share; `c` grows by the bar.
    fn survey_bar(&self, c: &mut Chunk, v: &SurveyView, ix: f32, iw: f32) {
        let small = self.style.text.table_size;
        let bar_h = (small * 2.3).max(18.0);
        let bar_y = c.h;
        let mut used: u32 = 0;
        let mut sx = ix;
        for a in &v.answers {
            let pct = a.percent.min(100u32.saturating_sub(used));
            if pct == 0 {
                continue;
            }
            used += pct;
            let sw = iw * pct as f32 / 100.0;
            // Segments end exactly where the next begins; the last one at the bar's end.
            let sw = if used == 100 { ix + iw - sx } else { sw };
            c.items
                .push(fill_rect(sx, bar_y, sw, bar_h, rgb(&a.swatch.print_fill)));
            self.segment_label(c, a, sx, sw, bar_y, bar_h);
            // A hairline between segments so light neighbours stay apart in grey print.
            if sx > ix + 0.1 {
                c.items.push(super::flow::vline(
                    sx,
                    bar_y,
                    bar_y + bar_h,
                    Rgb(1.0, 1.0, 1.0),
                    0.6,
                ));
            }
            sx += sw;
        }
        if used == 0 {
            c.items
                .push(stroke_rect(ix, bar_y, iw, bar_h, self.colors.rule, 0.6));
        }
        c.h += bar_h;
    }

    /// `12名（48%）` centred in its segment when it fits.
    fn segment_label(&self, c: &mut Chunk, a: &AnswerView, sx: f32, sw: f32, y: f32, h: f32) {
        let label_size = self.style.text.table_size * 0.95;
        let lw = self.measure(&a.figure, false, label_size);
        if lw + 2.0 * label_size * 0.4 > sw {
            return;
        }
        let (asc, desc) = self.metrics(false, label_size);
        let base = y + h / 2.0 + (asc + desc) / 2.0;
        let run = Run {
            text: a.figure.clone(),
            style: RunStyle::plain(label_size, rgb(a.swatch.print_text)),
            anchor: None,
        };
        let (items, _) = self.single_line(&[run], sx + (sw - lw) / 2.0, base);
        c.items.extend(items);
    }

    /// Legend: swatch, label and figure, flowing in rows; returns the top of the last row
    /// plus its height.
    fn survey_legend(&self, c: &mut Chunk, v: &SurveyView, ix: f32, iw: f32) -> f32 {
        let lsize = self.style.text.table_size;
        let (asc, desc) = self.metrics(false, lsize);
        let row_h = lsize * 1.7;
        let sw = lsize * 0.85;
        let gap = lsize * 1.4;
        let mut lx = ix;
        let mut row_top = c.h;
        for a in &v.answers {
            let text = format!("{} {}", a.label, a.figure);
            let tw = self.measure(&text, false, lsize);
            let entry = sw + lsize * 0.4 + tw;
            if lx > ix && lx + entry > ix + iw {
                lx = ix;
                row_top += row_h;
                c.cuts.push(row_top);
            }
            let base = row_top + (row_h - (asc - desc)) / 2.0 + asc;
            let sy = base - (asc + desc) / 2.0 - sw / 2.0 - lsize * 0.05;
            c.items
                .push(fill_rect(lx, sy, sw, sw, rgb(&a.swatch.print_fill)));
            c.items
                .push(stroke_rect(lx, sy, sw, sw, Rgb(0.45, 0.45, 0.45), 0.4));
            let run = Run {
                text,
                style: RunStyle::plain(lsize, self.colors.text),
                anchor: None,
            };
            // Long labels wrap inside the column.
            if entry > iw {
                let para = Para::left(lsize, row_h, false);
                let tx = lx + sw + lsize * 0.4;
                let lines = self.lines(&[Piece::Run(run)], tx, iw - sw - lsize * 0.4, para);
                let n = lines.len().max(1);
                for (k, lb) in lines.into_iter().enumerate() {
                    let mut part = Chunk::new(lb.h);
                    part.items = lb.items;
                    c.absorb(part, row_top + k as f32 * row_h);
                }
                row_top += row_h * (n - 1) as f32;
                lx = ix + iw;
            } else {
                let (items, right) = self.single_line(&[run], lx + sw + lsize * 0.4, base);
                c.items.extend(items);
                lx = right + gap;
            }
        }
        row_top + row_h
    }
}
