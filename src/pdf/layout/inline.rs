//! Line composition: styled runs are shaped (one `linebreak::Cell` per cluster), broken into
//! lines by `japanese::linebreak` (kinsoku, 和欧間, justification) and turned into glyph runs
//! with absolute x positions, plus the backgrounds, underlines, strike lines and link areas of
//! each line fragment. The [`Composer`] measures through [`Measure`] and knows nothing of
//! blocks, pages or the structure tree: the caller says how each glyph run is tagged.

use crate::japanese::linebreak::{self, Cell, Glue};
use crate::pdf::draw::{FontIndex, Item, Rgb, Tag};
use crate::pdf::style::Style;

use super::flow::{PdfLink, RelLink};
use super::measure::Measure;

mod emit;

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

impl LineBox {
    /// The line as a chunk of its own height, ready to stack or to paginate.
    pub fn into_chunk(self) -> super::flow::Chunk {
        let mut c = super::flow::Chunk::new(self.h);
        c.items = self.items;
        c.links = self.links;
        c.anchors = self.anchors;
        c
    }
}

// Here rather than in `flow`, which knows no line boxes (this module uses `flow`).
impl super::flow::Chunk {
    /// Appends `lines` below the chunk's content; the chunk grows by their height.
    pub fn append_lines(&mut self, lines: Vec<LineBox>) {
        for lb in lines {
            let y = self.h;
            self.h += lb.h;
            self.absorb(lb.into_chunk(), y);
        }
    }
}

struct CellInfo {
    run: usize,
    text: (usize, usize),
    glyphs: (usize, usize),
}

/// Runs shaped for the line breaker.
struct Shaped {
    cells: Vec<Cell>,
    info: Vec<CellInfo>,
    /// (font, glyph id, advance) of every glyph, cells in order.
    glyphs: Vec<(FontIndex, u16, f32)>,
    /// Cell index where each hard-break segment starts, and the cell count last.
    segments: Vec<usize>,
}

/// How the glyph runs made for a run are tagged: from the `Link` structure element the run is
/// the text of (`RunStyle::node`), if any.
pub(crate) type TagOf<'t> = &'t dyn Fn(Option<usize>) -> Tag;

/// Turns runs of text into lines: the measuring of the fonts, the line breaker's options and the
/// look of inline code, and nothing else.
pub(crate) struct Composer<'a> {
    pub measure: Measure<'a>,
    /// 和欧間 in em (`text.western_gap`).
    western_gap: f32,
    code_background: Rgb,
}

/// One hard-break segment of shaped text, as `emit_line` reads it.
struct Segment<'s> {
    runs: &'s [&'s Run],
    cells: &'s [Cell],
    info: &'s [CellInfo],
    glyphs: &'s [(FontIndex, u16, f32)],
}

/// Where and how the lines of one paragraph go.
struct Frame {
    x: f32,
    width: f32,
    para: Para,
    baseline: f32,
    opts: linebreak::Options,
}

impl<'a> Composer<'a> {
    pub(crate) fn new(measure: Measure<'a>, style: &Style) -> Composer<'a> {
        Composer {
            measure,
            western_gap: style.text.western_gap,
            code_background: style.colors.code_background.0,
        }
    }

    /// Shapes the runs of `pieces`: one cell per cluster, its glyphs, and where each
    /// hard-break segment starts. A raised footnote number is attached to what precedes it and
    /// a no-wrap run keeps its cells together, by the cells' glue flags.
    fn shape(&self, pieces: &[Piece]) -> Shaped {
        let mut sh = Shaped {
            cells: Vec::new(),
            info: Vec::new(),
            glyphs: Vec::new(),
            segments: vec![0],
        };
        let mut run_index = 0;
        for p in pieces {
            match p {
                Piece::Break => sh.segments.push(sh.cells.len()),
                Piece::Image { .. } => {}
                Piece::Run(run) => {
                    let ri = run_index;
                    run_index += 1;
                    if !run.text.is_empty() {
                        self.shape_run(run, ri, &mut sh);
                    }
                }
            }
        }
        sh.segments.push(sh.cells.len());
        sh
    }

    fn shape_run(&self, run: &Run, ri: usize, sh: &mut Shaped) {
        let shaped = self
            .measure
            .shape(&run.text, run.style.bold, run.style.size);
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
            let glue = if run.style.rise != 0.0 && !ch.is_whitespace() {
                // A raised footnote number sticks to what precedes it.
                Glue::Attach
            } else if run.style.nowrap && start > 0 {
                // Inside a no-wrap run nothing may start a line.
                Glue::Keep
            } else {
                Glue::Free
            };
            let first = sh.glyphs.len();
            let mut w = 0.0;
            for s in &shaped[g..e] {
                let adv = if s.advance.is_finite() {
                    s.advance
                } else {
                    0.0
                };
                sh.glyphs.push((s.font, s.gid, adv));
                w += adv;
            }
            sh.cells.push(Cell {
                ch,
                width: w,
                size: run.style.size,
                glue,
            });
            sh.info.push(CellInfo {
                run: ri,
                text: (start, text_end.max(start)),
                glyphs: (first, sh.glyphs.len()),
            });
            g = e;
        }
    }

    /// The line breaker's options for this style.
    fn break_options(&self, justify: bool) -> linebreak::Options {
        linebreak::Options {
            justify,
            western_gap_em: self.western_gap,
        }
    }

    /// The widest piece of `pieces` that no line break may split: the min-content width of a
    /// table cell, from the line breaker's own break opportunities.
    pub(crate) fn min_content(&self, pieces: &[Piece]) -> f32 {
        let sh = self.shape(pieces);
        let opts = self.break_options(false);
        sh.segments
            .windows(2)
            .map(|seg| linebreak::min_content_width(&sh.cells[seg[0]..seg[1].max(seg[0])], &opts))
            .fold(0.0, f32::max)
    }

    /// Lays out runs (and hard breaks) in a column at `x` of `width`.
    pub(crate) fn lines(
        &self,
        pieces: &[Piece],
        x: f32,
        width: f32,
        para: Para,
        tag: TagOf,
    ) -> Vec<LineBox> {
        let runs: Vec<&Run> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Run(r) => Some(r),
                _ => None,
            })
            .collect();
        let sh = self.shape(pieces);
        let (asc, desc) = self.measure.metrics(para.bold, para.size);
        let frame = Frame {
            x,
            width: width.max(1.0),
            para,
            baseline: (para.pitch - (asc - desc)) / 2.0 + asc,
            opts: self.break_options(para.justify),
        };
        let mut out = Vec::new();
        for seg in sh.segments.windows(2) {
            let (s, e) = (seg[0], seg[1].max(seg[0]));
            let segment = Segment {
                runs: &runs,
                cells: &sh.cells[s..e],
                info: &sh.info[s..e],
                glyphs: &sh.glyphs,
            };
            self.segment_lines(&segment, &frame, tag, &mut out);
        }
        out
    }

    /// The lines of one hard-break segment, appended to `out` (whose emptiness says whether
    /// the paragraph's first line, the indented one, is still to come).
    fn segment_lines(&self, seg: &Segment, f: &Frame, tag: TagOf, out: &mut Vec<LineBox>) {
        let width = f.width;
        let indent = f.para.indent.min(width * 0.5);
        let first_here = out.is_empty();
        let available = move |i: usize| {
            if i == 0 && first_here {
                width - indent
            } else {
                width
            }
        };
        let broken = if seg.cells.is_empty() {
            Vec::new()
        } else {
            linebreak::break_lines(seg.cells, &available, &f.opts)
        };
        if broken.is_empty() {
            out.push(LineBox {
                h: f.para.pitch,
                baseline: f.baseline,
                ..LineBox::default()
            });
            return;
        }
        for line in broken {
            let start = line.start.min(seg.cells.len());
            let end = line.end.clamp(start, seg.cells.len());
            let lead = if out.is_empty() { indent } else { 0.0 };
            let xs = self.positions(seg.cells, &line, (start, end), lead, f);
            let mut lb = LineBox {
                h: f.para.pitch,
                baseline: f.baseline,
                ..LineBox::default()
            };
            self.emit_line(seg, (start, end), &xs, &mut lb, tag);
            out.push(lb);
        }
    }

    /// Absolute x of cells `start..end` of a broken line, aligned in the frame.
    fn positions(
        &self,
        cells: &[Cell],
        line: &linebreak::Line,
        (start, end): (usize, usize),
        lead: f32,
        f: &Frame,
    ) -> Vec<f32> {
        let width = f.width;
        let used = line.width.min(width - lead);
        let x0 = f.x
            + lead
            + match f.para.align {
                Align::Left => 0.0,
                Align::Center => ((width - lead - used) / 2.0).max(0.0),
                Align::Right => (width - lead - used).max(0.0),
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
                &cells[start..end],
                &|_| f32::INFINITY,
                &linebreak::Options {
                    justify: false,
                    ..f.opts
                },
            );
            if let [nat] = natural.as_slice() {
                let stretch = (line.width - nat.width) / (end - start - 1) as f32;
                if nat.x.len() == end - start && stretch > f.para.size * 0.6 {
                    rel = nat.x.clone();
                }
            }
        }
        rel.iter().map(|r| x0 + r).collect()
    }

    /// One unbroken line of runs starting at `x`, baseline at `baseline` (relative).
    pub(crate) fn single_line(
        &self,
        runs: &[Run],
        x: f32,
        baseline: f32,
        default_size: f32,
        tag: TagOf,
    ) -> (Vec<Item>, f32) {
        let pieces: Vec<Piece> = runs.iter().cloned().map(Piece::Run).collect();
        let size = runs.first().map_or(default_size, |r| r.style.size);
        let para = Para::left(size, size, false);
        let lines = self.lines(&pieces, x, 1.0e6, para, tag);
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
}
