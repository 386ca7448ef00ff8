//! Survey blocks as vector figures: the question (with group and total) above a 100% stacked
//! bar whose segments carry `12名（48%）` where they are wide enough, and a legend with every
//! answer below. Colours, label colours and figures are the HTML's (`html::survey`).

use crate::pdf::draw::{Rgb, Role};
use crate::survey::Survey;

use super::engine::Engine;
use super::flow::{Chunk, fill_rect, stroke_rect};
use super::inline::{Para, Piece, Run, RunStyle};

/// Used when the theme gives no colours (or an unusable one); the HTML's fallback.
const FALLBACK_COLORS: [&str; 6] = [
    "#1f4e79", "#2e75b6", "#9dc3e6", "#f4b183", "#c55a11", "#a5a5a5",
];

impl Engine<'_> {
    pub(crate) fn survey(&mut self, s: &Survey, x: f32, w: f32) {
        let em = self.em();
        let size = self.style.text.size;
        let small = self.style.text.table_size;
        let pad = em * 0.9;
        let (ix, iw) = (x + pad, (w - 2.0 * pad).max(em * 4.0));
        let unit = s.unit.as_str();
        let mut c = Chunk::new(pad * 0.9);
        c.cuts.push(c.h);
        // One Figure: its alternative text says every figure, so the printed question,
        // bar labels and legend inside it are not read a second time.
        let figure = self.open_node(Role::Figure);
        self.set_alt(figure, survey_alt(s));

        // Caption: question（group） 回答数 N名
        let mut pieces = vec![Piece::run(
            s.question.clone(),
            RunStyle::plain(size, self.colors.text).bold(),
        )];
        if let Some(g) = &s.group {
            pieces.push(Piece::run(
                format!("（{g}）"),
                RunStyle::plain(size, self.colors.muted),
            ));
        }
        pieces.push(Piece::run(
            format!(" 回答数 {}{unit}", s.total),
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
        c.h += em * 0.45;

        // The bar.
        let bar_h = (small * 2.3).max(18.0);
        let bar_y = c.h;
        let label_size = small * 0.95;
        let mut used: u32 = 0;
        let mut sx = ix;
        for (i, a) in s.answers.iter().enumerate() {
            let pct = a.percent.min(100u32.saturating_sub(used));
            if pct == 0 {
                continue;
            }
            used += pct;
            let (fill, dark_text) = self.survey_color(i);
            let sw = iw * pct as f32 / 100.0;
            // Segments end exactly where the next begins; the last one at the bar's end.
            let sw = if used == 100 { ix + iw - sx } else { sw };
            c.items.push(fill_rect(sx, bar_y, sw, bar_h, fill));
            let label = a.figure(unit);
            let lw = self.measure(&label, false, label_size);
            if lw + 2.0 * label_size * 0.4 <= sw {
                let color = if dark_text {
                    Rgb::parse_hex("#1a1a1a").unwrap_or(Rgb::BLACK)
                } else {
                    Rgb(1.0, 1.0, 1.0)
                };
                let (asc, desc) = self.metrics(false, label_size);
                let base = bar_y + bar_h / 2.0 + (asc + desc) / 2.0;
                let run = Run {
                    text: label,
                    style: RunStyle::plain(label_size, color),
                    anchor: None,
                };
                let (items, _) = self.single_line(&[run], sx + (sw - lw) / 2.0, base);
                c.items.extend(items);
            }
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
        c.h += bar_h + em * 0.6;
        c.cuts.push(c.h);

        // Legend: swatch, label and figure, flowing in rows.
        let lsize = small;
        let (asc, desc) = self.metrics(false, lsize);
        let row_h = lsize * 1.7;
        let sw = lsize * 0.85;
        let gap = lsize * 1.4;
        let mut lx = ix;
        let mut row_top = c.h;
        for (i, a) in s.answers.iter().enumerate() {
            let (fill, _) = self.survey_color(i);
            let text = format!("{} {}", a.label, a.figure(unit));
            let tw = self.measure(&text, false, lsize);
            let entry = sw + lsize * 0.4 + tw;
            if lx > ix && lx + entry > ix + iw {
                lx = ix;
                row_top += row_h;
                c.cuts.push(row_top);
            }
            let base = row_top + (row_h - (asc - desc)) / 2.0 + asc;
            let sy = base - (asc + desc) / 2.0 - sw / 2.0 - lsize * 0.05;
            c.items.push(fill_rect(lx, sy, sw, sw, fill));
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
                let lines = self.lines(
                    &[Piece::Run(run)],
                    lx + sw + lsize * 0.4,
                    iw - sw - lsize * 0.4,
                    para,
                );
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
        c.h = row_top + row_h + pad * 0.7;
        c.items
            .insert(0, stroke_rect(x, 0.0, w, c.h, self.colors.rule, 0.75));
        c.cuts.retain(|&y| y > 0.0 && y < c.h);
        self.close_node(figure);
        self.gap(self.style.text.paragraph_space * em * 1.5);
        self.push(c);
        self.gap(self.style.text.paragraph_space * em * 1.5);
    }

    /// The fill of answer `i` and whether its label text is dark (the HTML's choice).
    fn survey_color(&self, i: usize) -> (Rgb, bool) {
        let colors = self.ctx.survey_colors;
        let safe = |c: &str| {
            !c.is_empty()
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "#(),.% -".contains(ch))
        };
        let chosen = match colors.get(i % colors.len().max(1)) {
            Some(c) if safe(c.trim()) => c.trim(),
            _ => FALLBACK_COLORS[i % FALLBACK_COLORS.len()],
        };
        // Hex colours only in PDF; anything else (rgb(), names) takes the fallback slot.
        let hex = if Rgb::parse_hex(chosen).is_some() {
            chosen
        } else {
            FALLBACK_COLORS[i % FALLBACK_COLORS.len()]
        };
        let rgb = Rgb::parse_hex(hex).unwrap_or(Rgb(0.6, 0.6, 0.6));
        (rgb, dark_text(rgb))
    }
}

/// White or dark text, whichever contrasts more with `fill` (WCAG relative luminance), as in
/// `html::survey::text_color`.
fn dark_text(fill: Rgb) -> bool {
    let lin = |c: f32| {
        let c = c as f64;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(fill.0) + 0.7152 * lin(fill.1) + 0.0722 * lin(fill.2);
    let with_white = 1.05 / (l + 0.05);
    let with_dark = (l + 0.05) / (0.0103 + 0.05);
    with_white < with_dark
}

/// The alternative text of a survey chart: the question, the group, the number of
/// respondents and every answer with its count and percentage, in the written order:
/// 「今後の業務に活用できるか（区職員、回答25名）：活かせる12名（48%）、やや活かせる12名（48%）…」.
pub(crate) fn survey_alt(s: &Survey) -> String {
    let unit = s.unit.as_str();
    let who = match s.group.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        Some(g) => format!("{g}、回答{}{unit}", s.total),
        None => format!("回答{}{unit}", s.total),
    };
    let answers: Vec<String> = s
        .answers
        .iter()
        .map(|a| format!("{}{}", a.label.trim(), a.figure(unit)))
        .collect();
    format!("{}（{who}）：{}", s.question.trim(), answers.join("、"))
}
