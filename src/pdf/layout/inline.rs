//! Inline text: styled runs are shaped (one `linebreak::Cell` per cluster), broken into lines
//! by `japanese::linebreak` (kinsoku, 和欧間, justification) and turned into glyph runs with
//! absolute x positions, plus the backgrounds, underlines, strike lines and link areas of
//! each line fragment.

use crate::content::model::Inline;
use crate::japanese::kinsoku::is_japanese;
use crate::japanese::linebreak::{self, Cell};
use crate::pdf::draw::{FontIndex, Item, PlacedGlyph, Rgb, Role};

use super::flow::{RelLink, fill_rect, hline, stroke_rect};
use super::{Engine, PdfLink};

/// How one run of text looks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunStyle {
    pub bold: bool,
    pub size: f32,
    pub color: Rgb,
    pub underline: bool,
    pub strike: bool,
    /// Inline code: a light background behind the run.
    pub code: bool,
    /// Baseline shift upwards (superscripts), pt.
    pub rise: f32,
    pub link: Option<PdfLink>,
    /// Never broken across lines (a ward name, a recipient), like the HTML's `nowrap`.
    pub nowrap: bool,
    /// A status badge: the run on a box of this (fill, border) colour.
    pub badge: Option<(Rgb, Rgb)>,
    /// The `Link` structure element this run is the text of.
    pub node: Option<usize>,
}

impl RunStyle {
    pub fn plain(size: f32, color: Rgb) -> RunStyle {
        RunStyle {
            bold: false,
            size,
            color,
            underline: false,
            strike: false,
            code: false,
            rise: 0.0,
            link: None,
            nowrap: false,
            badge: None,
            node: None,
        }
    }
    pub fn bold(mut self) -> RunStyle {
        self.bold = true;
        self
    }
    pub fn nowrap(mut self) -> RunStyle {
        self.nowrap = true;
        self
    }
    pub fn struck(mut self, on: bool) -> RunStyle {
        self.strike = on;
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub text: String,
    pub style: RunStyle,
    /// A link target placed at this run (the back-reference target of a footnote).
    pub anchor: Option<String>,
}

/// Inline content flattened: runs, hard line breaks and images.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    Run(Run),
    Break,
    Image {
        url: String,
        alt: String,
        title: String,
    },
}

impl Piece {
    /// A run of text that links nowhere.
    pub(crate) fn run(text: impl Into<String>, style: RunStyle) -> Piece {
        Piece::Run(Run {
            text: text.into(),
            style,
            anchor: None,
        })
    }
}

/// Paragraph settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Para {
    /// Size whose font metrics and line pitch the lines use.
    pub size: f32,
    /// Line pitch, pt.
    pub pitch: f32,
    pub justify: bool,
    pub align: Align,
    /// Indent of the first line, pt.
    pub indent: f32,
    /// Use the bold chain's metrics.
    pub bold: bool,
}

impl Para {
    /// Ragged left, no first-line indent.
    pub(crate) fn left(size: f32, pitch: f32, bold: bool) -> Self {
        Para {
            size,
            pitch,
            justify: false,
            align: Align::Left,
            indent: 0.0,
            bold,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// One laid-out line: items relative to the line's top (x absolute).
#[derive(Debug, Clone, Default)]
pub(crate) struct LineBox {
    pub h: f32,
    pub baseline: f32,
    pub items: Vec<Item>,
    pub links: Vec<RelLink>,
    pub anchors: Vec<(String, f32)>,
    /// Right edge of the inked text.
    pub right: f32,
}

pub(crate) fn footnote_id(n: usize) -> String {
    format!("\u{1}fn-{n}")
}
pub(crate) fn footnote_ref_id(n: usize) -> String {
    format!("\u{1}fnref-{n}")
}

struct CellInfo {
    run: usize,
    text: (usize, usize),
    glyphs: (usize, usize),
}

impl Engine<'_> {
    /// Flattens inline content into pieces; adjacent runs of one style are merged.
    pub(crate) fn pieces(&mut self, inlines: &[Inline], base: &RunStyle) -> Vec<Piece> {
        let mut out = Vec::new();
        self.flatten(inlines, base, &mut out);
        out
    }

    fn flatten(&mut self, inlines: &[Inline], base: &RunStyle, out: &mut Vec<Piece>) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => push_run(out, clean(t), base.clone(), None),
                Inline::Code(t) => {
                    let mut s = base.clone();
                    s.code = true;
                    push_run(out, clean(t), s, None)
                }
                Inline::Emph(c) => {
                    let mut s = base.clone();
                    if s.link.is_none() {
                        s.color = self.colors.emphasis;
                    }
                    self.flatten(c, &s, out)
                }
                Inline::Strong(c) => self.flatten(c, &base.clone().bold(), out),
                Inline::Strike(c) => self.flatten(c, &base.clone().struck(true), out),
                Inline::Link { url, content, .. } => match (self.ctx.resolve)(url) {
                    Some(link) => {
                        let mut s = base.clone();
                        s.link = Some(link);
                        s.node = Some(self.inline_node(Role::Link));
                        s.color = self.colors.link;
                        s.underline = true;
                        self.flatten(content, &s, out)
                    }
                    None => self.flatten(content, base, out),
                },
                Inline::Image { url, title, alt } => out.push(Piece::Image {
                    url: url.clone(),
                    alt: alt.clone(),
                    title: title.clone(),
                }),
                Inline::HardBreak => out.push(Piece::Break),
                Inline::FootnoteRef { index } => {
                    let Some(n) = self.page.doc.footnotes.get(*index).map(|f| f.number) else {
                        continue;
                    };
                    let first = !self.footnote_refs.contains(&n);
                    self.footnote_refs.push(n);
                    let mut s = base.clone();
                    s.size = base.size * 0.62;
                    s.rise = base.size * 0.38;
                    s.link = Some(PdfLink::Anchor(footnote_id(n)));
                    let reference = self.inline_node(Role::Reference);
                    s.node = Some(self.inline_child(Role::Link, reference));
                    s.color = self.colors.link;
                    s.underline = false;
                    s.strike = false;
                    s.code = false;
                    out.push(Piece::Run(Run {
                        text: n.to_string(),
                        style: s,
                        anchor: first.then(|| footnote_ref_id(n)),
                    }))
                }
                Inline::Html(_) => {}
                Inline::Badge(b) => {
                    let look = super::flyer::badge_look(*b);
                    let mut s = base.clone().bold().nowrap();
                    s.size = base.size * 0.9;
                    s.color = look.text;
                    s.badge = Some((look.fill, look.border));
                    s.underline = false;
                    // Spaces keep the box off the text on either side.
                    push_run(out, " ".into(), base.clone(), None);
                    push_run(out, b.label().to_owned(), s, None);
                    push_run(out, " ".into(), base.clone(), None);
                }
            }
        }
    }

    /// Lays out runs (and hard breaks) in a column at `x` of `width`.
    pub(crate) fn lines(&self, pieces: &[Piece], x: f32, width: f32, para: Para) -> Vec<LineBox> {
        let runs: Vec<&Run> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Run(r) => Some(r),
                _ => None,
            })
            .collect();
        // Shape every run; one cell per cluster.
        let mut cells: Vec<Cell> = Vec::new();
        let mut info: Vec<CellInfo> = Vec::new();
        let mut glyphs: Vec<(FontIndex, u16, f32)> = Vec::new();
        // Cell index where each hard-break segment starts.
        let mut segments: Vec<usize> = vec![0];
        let mut run_index = 0;
        for p in pieces {
            match p {
                Piece::Break => segments.push(cells.len()),
                Piece::Image { .. } => {}
                Piece::Run(run) => {
                    let ri = run_index;
                    run_index += 1;
                    if run.text.is_empty() {
                        continue;
                    }
                    let chain = self.chain(run.style.bold);
                    let shaped = self.ctx.fonts.shape(&run.text, chain, run.style.size);
                    // Cluster starts in text order, to find where each cluster's text ends
                    // (a scan of the glyphs after each one was quadratic in the run's length).
                    let mut starts: Vec<usize> = shaped.iter().map(|s| s.cluster).collect();
                    starts.sort_unstable();
                    starts.dedup();
                    let mut g = 0;
                    while g < shaped.len() {
                        let cluster = shaped[g].cluster;
                        let mut e = g + 1;
                        while e < shaped.len() && shaped[e].cluster == cluster {
                            e += 1;
                        }
                        // The cluster's text ends where the next cluster (in text order) starts.
                        let next = starts.partition_point(|&c| c <= cluster);
                        let text_end = starts
                            .get(next)
                            .copied()
                            .unwrap_or(run.text.len())
                            .min(run.text.len());
                        let start = cluster.min(run.text.len());
                        let ch = run.text[start..].chars().next().unwrap_or(' ');
                        // A raised footnote number sticks to what precedes it and takes no
                        // 和欧間: it breaks and spaces like a closing bracket.
                        let ch = if run.style.rise != 0.0 && !ch.is_whitespace() {
                            '）'
                        } else if run.style.nowrap && start > 0 && is_japanese(ch) {
                            // Inside a no-wrap run nothing may start a line.
                            'ー'
                        } else {
                            ch
                        };
                        let first = glyphs.len();
                        let mut w = 0.0;
                        for s in &shaped[g..e] {
                            let adv = if s.advance.is_finite() {
                                s.advance
                            } else {
                                0.0
                            };
                            glyphs.push((s.font, s.gid, adv));
                            w += adv;
                        }
                        cells.push(Cell {
                            ch,
                            width: w,
                            size: run.style.size,
                        });
                        info.push(CellInfo {
                            run: ri,
                            text: (start, text_end.max(start)),
                            glyphs: (first, glyphs.len()),
                        });
                        g = e;
                    }
                }
            }
        }
        segments.push(cells.len());

        let (asc, desc) = self.metrics(para.bold, para.size);
        let baseline = (para.pitch - (asc - desc)) / 2.0 + asc;
        let opts = linebreak::Options {
            justify: para.justify,
            western_gap_em: self.style.text.western_gap,
        };
        let mut out = Vec::new();
        let width = width.max(1.0);
        let mut first_line = true;
        for seg in segments.windows(2) {
            let (s, e) = (seg[0], seg[1].max(seg[0]));
            let seg_cells = &cells[s..e];
            let indent = para.indent.min(width * 0.5);
            let first_here = first_line;
            let available = move |i: usize| {
                if i == 0 && first_here {
                    width - indent
                } else {
                    width
                }
            };
            let broken = if seg_cells.is_empty() {
                Vec::new()
            } else {
                linebreak::break_lines(seg_cells, &available, &opts)
            };
            if broken.is_empty() {
                out.push(LineBox {
                    h: para.pitch,
                    baseline,
                    ..LineBox::default()
                });
                first_line = false;
                continue;
            }
            for line in broken {
                let start = line.start.min(seg_cells.len());
                let end = line.end.clamp(start, seg_cells.len());
                let lead = if first_line { indent } else { 0.0 };
                first_line = false;
                let used = line.width.min(width - lead);
                let x0 = x
                    + lead
                    + match para.align {
                        Align::Left => 0.0,
                        Align::Center => ((width - lead - used) / 2.0).max(0.0),
                        Align::Right => (width - lead - used).max(0.0),
                    };
                let mut lb = LineBox {
                    h: para.pitch,
                    baseline,
                    ..LineBox::default()
                };
                let mut rel: Vec<f32> = (start..end)
                    .map(|k| {
                        line.x
                            .get(k - line.start)
                            .copied()
                            .unwrap_or_else(|| line.x.last().copied().unwrap_or(0.0))
                    })
                    .collect();
                // A line that justification would tear apart (a few characters before a long
                // URL that moved on) keeps its natural spacing instead.
                if line.justified && end > start + 1 {
                    let natural = linebreak::break_lines(
                        &seg_cells[start..end],
                        &|_| f32::INFINITY,
                        &linebreak::Options {
                            justify: false,
                            ..opts
                        },
                    );
                    if let [nat] = natural.as_slice() {
                        let stretch = (line.width - nat.width) / (end - start - 1) as f32;
                        if nat.x.len() == end - start && stretch > para.size * 0.6 {
                            rel = nat.x.clone();
                        }
                    }
                }
                let xs: Vec<f32> = rel.iter().map(|r| x0 + r).collect();
                self.emit_line(
                    &runs,
                    &cells[s..e],
                    &info[s..e],
                    &glyphs,
                    start,
                    end,
                    &xs,
                    &mut lb,
                );
                out.push(lb);
            }
        }
        out
    }

    /// Glyph runs and decorations of cells `start..end` of one line.
    #[allow(clippy::too_many_arguments)]
    fn emit_line(
        &self,
        runs: &[&Run],
        cells: &[Cell],
        info: &[CellInfo],
        glyphs: &[(FontIndex, u16, f32)],
        start: usize,
        end: usize,
        xs: &[f32],
        lb: &mut LineBox,
    ) {
        let mut backgrounds = Vec::new();
        let mut texts: Vec<Item> = Vec::new();
        let mut decorations = Vec::new();
        let baseline = lb.baseline;
        // Glyph runs: one item per (run, font).
        let mut current: Option<(usize, FontIndex)> = None;
        for k in start..end {
            let inf = &info[k];
            let run = runs[inf.run];
            let text = run.text.get(inf.text.0..inf.text.1).unwrap_or("");
            let mut gx = xs[k - start];
            for (gi, &(font, gid, adv)) in glyphs[inf.glyphs.0..inf.glyphs.1].iter().enumerate() {
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
                            tag: self.content_tag(run.style.node),
                        });
                        current = Some(key);
                    }
                }
                gx += adv;
            }
            lb.right = lb.right.max(xs[k - start] + cells[k].width);
        }
        // Decorations over maximal spans of cells of one run.
        let mut k = start;
        while k < end {
            let r = info[k].run;
            let mut e = k + 1;
            while e < end && info[e].run == r {
                e += 1;
            }
            let run = runs[r];
            let x1 = xs[k - start];
            let x2 = xs[e - 1 - start] + cells[e - 1].width;
            let st = &run.style;
            if let Some((fill, border)) = st.badge {
                let (a, d) = self.metrics(st.bold, st.size);
                let (y, h) = (baseline - a - 1.0, a - d + 2.0);
                backgrounds.push(fill_rect(x1 - 2.0, y, x2 - x1 + 4.0, h, fill));
                backgrounds.push(stroke_rect(x1 - 2.0, y, x2 - x1 + 4.0, h, border, 0.8));
            }
            if st.code {
                let (a, d) = self.metrics(st.bold, st.size);
                backgrounds.push(fill_rect(
                    x1 - 1.5,
                    baseline - a - 0.5,
                    x2 - x1 + 3.0,
                    a - d + 1.0,
                    self.colors.code_background,
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
        // Anchors of runs that start on this line even when empty.
        lb.items.extend(backgrounds);
        lb.items.extend(texts);
        lb.items.extend(decorations);
    }

    /// Width of `text` on one line, without breaking.
    /// The font chain for regular or bold text.
    pub(crate) fn chain(&self, bold: bool) -> &[FontIndex] {
        if bold { &self.bold } else { &self.regular }
    }

    pub(crate) fn measure(&self, text: &str, bold: bool, size: f32) -> f32 {
        self.ctx
            .fonts
            .shape(text, self.chain(bold), size)
            .iter()
            .map(|g| g.advance)
            .filter(|a| a.is_finite())
            .sum()
    }

    /// One unbroken line of runs starting at `x`, baseline at `baseline` (relative).
    pub(crate) fn single_line(&self, runs: &[Run], x: f32, baseline: f32) -> (Vec<Item>, f32) {
        let pieces: Vec<Piece> = runs.iter().cloned().map(Piece::Run).collect();
        let size = runs.first().map_or(self.style.text.size, |r| r.style.size);
        let para = Para::left(size, size, false);
        let lines = self.lines(&pieces, x, 1.0e6, para);
        let mut items = Vec::new();
        let mut right = x;
        for (i, mut lb) in lines.into_iter().enumerate() {
            let dy = baseline - lb.baseline + i as f32 * size * 1.4;
            for it in &mut lb.items {
                super::flow::shift(it, dy);
            }
            right = right.max(lb.right);
            items.extend(lb.items);
        }
        (items, right)
    }

    /// (ascender, descender) of the first font of a chain at `size`.
    pub(crate) fn metrics(&self, bold: bool, size: f32) -> (f32, f32) {
        let f = self.chain(bold).first().copied().unwrap_or(FontIndex(0));
        let a = self.ctx.fonts.ascender(f, size);
        let d = self.ctx.fonts.descender(f, size);
        if a.is_finite() && d.is_finite() && a > 0.0 && a - d > size * 0.5 && a - d < size * 3.0 {
            (a, d)
        } else {
            (size * 0.88, -size * 0.12)
        }
    }
}

/// Text as it should be typeset: tabs become spaces, other control characters go.
fn clean(t: &str) -> String {
    t.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

fn push_run(out: &mut Vec<Piece>, text: String, style: RunStyle, anchor: Option<String>) {
    if text.is_empty() && anchor.is_none() {
        return;
    }
    if anchor.is_none()
        && let Some(Piece::Run(last)) = out.last_mut()
        && last.style == style
    {
        last.text.push_str(&text);
        return;
    }
    out.push(Piece::Run(Run {
        text,
        style,
        anchor,
    }));
}
