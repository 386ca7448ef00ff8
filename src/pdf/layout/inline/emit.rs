//! The drawn items of one broken line: a glyph run per (run, font) stretch at the positions
//! the line breaker chose, and behind and over it the badge boxes, code backgrounds,
//! underlines and strike lines, with the line's link areas and anchors. Breaking is
//! `inline`'s; this only draws what it decided.

use super::{Composer, LineBox, Segment, TagOf};
use crate::pdf::draw::{FontIndex, Item, PlacedGlyph};
use crate::pdf::layout::flow::{RelLink, fill_rect, hline, stroke_rect};

impl Composer<'_> {
    /// Glyph runs and decorations of cells `start..end` of one line.
    pub(super) fn emit_line(
        &self,
        seg: &Segment,
        range: (usize, usize),
        xs: &[f32],
        lb: &mut LineBox,
        tag: TagOf,
    ) {
        let texts = self.glyph_runs(seg, range, xs, lb, tag);
        let (backgrounds, decorations) = self.decorations(seg, range, xs, lb);
        lb.items.extend(backgrounds);
        lb.items.extend(texts);
        lb.items.extend(decorations);
    }

    /// One glyph item per (run, font) stretch of the line; sets `lb.right`.
    fn glyph_runs(
        &self,
        seg: &Segment,
        (start, end): (usize, usize),
        xs: &[f32],
        lb: &mut LineBox,
        tag: TagOf,
    ) -> Vec<Item> {
        let mut texts: Vec<Item> = Vec::new();
        let baseline = lb.baseline;
        let mut current: Option<(usize, FontIndex)> = None;
        for k in start..end {
            let inf = &seg.info[k];
            let run = seg.runs[inf.run];
            let text = run.text.get(inf.text.0..inf.text.1).unwrap_or("");
            let mut gx = xs[k - start];
            for (gi, &(font, gid, adv)) in seg.glyphs[inf.glyphs.0..inf.glyphs.1].iter().enumerate()
            {
                let key = (inf.run, font);
                let placed = PlacedGlyph {
                    gid,
                    x: gx,
                    text: if gi == 0 {
                        text.to_owned()
                    } else {
                        String::new()
                    },
                };
                match (current, texts.last_mut()) {
                    (Some(c), Some(Item::Glyphs { glyphs, .. })) if c == key => glyphs.push(placed),
                    _ => {
                        texts.push(Item::Glyphs {
                            font,
                            size: run.style.size,
                            color: run.style.color,
                            baseline: baseline - run.style.rise,
                            glyphs: vec![placed],
                            tag: tag(run.style.node),
                        });
                        current = Some(key);
                    }
                }
                gx += adv;
            }
            lb.right = lb.right.max(xs[k - start] + seg.cells[k].width);
        }
        texts
    }

    /// Code backgrounds and underlines/strike lines over maximal spans of cells of one run;
    /// adds the spans' link areas and anchors to `lb`.
    fn decorations(
        &self,
        seg: &Segment,
        (start, end): (usize, usize),
        xs: &[f32],
        lb: &mut LineBox,
    ) -> (Vec<Item>, Vec<Item>) {
        let mut backgrounds = Vec::new();
        let mut decorations = Vec::new();
        let baseline = lb.baseline;
        let mut k = start;
        while k < end {
            let r = seg.info[k].run;
            let mut e = k + 1;
            while e < end && seg.info[e].run == r {
                e += 1;
            }
            let run = seg.runs[r];
            let x1 = xs[k - start];
            let x2 = xs[e - 1 - start] + seg.cells[e - 1].width;
            let st = &run.style;
            if let Some((fill, border)) = st.badge {
                let (a, d) = self.measure.metrics(st.bold, st.size);
                let (y, h) = (baseline - a - 1.0, a - d + 2.0);
                backgrounds.push(fill_rect(x1 - 2.0, y, x2 - x1 + 4.0, h, fill));
                backgrounds.push(stroke_rect(x1 - 2.0, y, x2 - x1 + 4.0, h, border, 0.8));
            }
            if st.code {
                let (a, d) = self.measure.metrics(st.bold, st.size);
                backgrounds.push(fill_rect(
                    x1 - 1.5,
                    baseline - a - 0.5,
                    x2 - x1 + 3.0,
                    a - d + 1.0,
                    self.code_background,
                ));
            }
            if st.underline {
                decorations.push(hline(
                    x1,
                    x2,
                    baseline + st.size * 0.13,
                    st.color,
                    (st.size * 0.055).max(0.4),
                ));
            }
            if st.strike {
                decorations.push(hline(
                    x1,
                    x2,
                    baseline - st.rise - st.size * 0.36,
                    st.color,
                    (st.size * 0.06).max(0.5),
                ));
            }
            if let Some(link) = &st.link {
                lb.links.push(RelLink {
                    x: x1,
                    y: 0.0,
                    w: (x2 - x1).max(1.0),
                    h: lb.h,
                    target: link.clone(),
                    node: st.node,
                });
            }
            if let Some(a) = &run.anchor
                && !lb.anchors.iter().any(|(x, _)| x == a)
            {
                lb.anchors.push((a.clone(), 0.0));
            }
            k = e;
        }
        (backgrounds, decorations)
    }
}
