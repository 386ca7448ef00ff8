//! Tables: column widths from the content (min-content / max-content, as browsers do),
//! Japanese cells wrap, a tinted header row that is repeated after a page break, and one
//! chunk per row so rows never split (unless a single row is taller than a page).

use crate::content::model::{Align as MdAlign, Inline};

use super::engine::Engine;
use super::flow::{Chunk, fill_rect, hline, vline};
use super::inline::{Align, LineBox, Para, Piece, RunStyle};
use super::tags::Current;
use crate::pdf::draw::{Role, Scope};

/// The structure elements of a table: the table, one `TH` per column, one `TD` per cell.
struct Nodes {
    table: usize,
    header: Vec<usize>,
    body: Vec<Vec<usize>>,
}

/// Where a table's rows go: column edges and widths, padding and line settings.
struct Geometry {
    id: usize,
    x: f32,
    right: f32,
    /// Left edge of every column, and the table's right edge last.
    xs: Vec<f32>,
    widths: Vec<f32>,
    aligns: Vec<Align>,
    pad_x: f32,
    pad_y: f32,
    size: f32,
    pitch: f32,
}

impl Engine<'_> {
    pub(crate) fn table(
        &mut self,
        align: &[MdAlign],
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        x: f32,
        w: f32,
    ) {
        let ncols = header
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let size = self.style.text.table_size;
        // Padding shrinks for very many columns so the table never leaves the column.
        let pad_x = (size * 0.6).min(w * 0.15 / ncols as f32);
        let em = self.em();
        let nodes = self.table_nodes(header, rows, ncols);
        let (mut header_pieces, mut body_pieces) =
            self.table_pieces(header, rows, ncols, &nodes, size);
        let has_header = header_pieces.iter().any(|p| !p.is_empty());

        let inner = (w - 2.0 * pad_x * ncols as f32).max(w * 0.5);
        let (size, widths) =
            self.fit_columns(&mut header_pieces, &mut body_pieces, ncols, size, inner);
        let mut xs = vec![x];
        for cw in &widths {
            let last = *xs.last().unwrap_or(&x);
            xs.push(last + cw + 2.0 * pad_x);
        }
        let right = *xs.last().unwrap_or(&(x + w));
        let id = self.flow.table_headers.len();
        self.flow.table_headers.push(None);
        self.gap(self.style.text.paragraph_space * em);
        let geometry = Geometry {
            id,
            x,
            right,
            xs,
            widths,
            aligns: (0..ncols)
                .map(|c| match align.get(c) {
                    Some(MdAlign::Right) => Align::Right,
                    Some(MdAlign::Center) => Align::Center,
                    _ => Align::Left,
                })
                .collect(),
            pad_x,
            pad_y: self.style.text.table_size * 0.4,
            size,
            pitch: size * 1.6,
        };

        if has_header {
            let mut hc = self.row_chunk(&geometry, &header_pieces, &nodes.header, true);
            hc.table_header = true;
            hc.keep_with_next = !body_pieces.is_empty();
            self.push(hc);
            self.flow.table_headers[id] = Some(self.flow.chunks.len() - 1);
        }
        for (i, row) in body_pieces.iter().enumerate() {
            let mut rc = self.row_chunk(&geometry, row, &nodes.body[i], false);
            if !has_header && i == 0 {
                rc.items.push(hline(x, right, 0.0, self.colors.rule, 0.6));
            }
            self.push(rc);
        }
        self.close_node(nodes.table);
        self.gap(self.style.text.paragraph_space * em);
    }

    /// The structure first (Table, THead/TBody, TR, TH/TD), so that links in the cells are
    /// made inside their cell.
    fn table_nodes(
        &mut self,
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        ncols: usize,
    ) -> Nodes {
        let table = self.open_node(Role::Table);
        let header_nodes: Vec<usize> = if header.iter().any(|c| !c.is_empty()) {
            let head = self.child_node(Role::THead, table);
            let tr = self.child_node(Role::TR, head);
            (0..ncols)
                .map(|_| self.child_node(Role::TH(Scope::Column), tr))
                .collect()
        } else {
            Vec::new()
        };
        let tbody = (!rows.is_empty()).then(|| self.child_node(Role::TBody, table));
        let body = rows
            .iter()
            .map(|_| {
                let tr = self.child_node(Role::TR, tbody.unwrap_or(table));
                (0..ncols).map(|_| self.child_node(Role::TD, tr)).collect()
            })
            .collect();
        Nodes {
            table,
            header: header_nodes,
            body,
        }
    }

    /// The pieces of every cell (header, then rows), made inside their cell's element.
    #[allow(clippy::type_complexity)]
    fn table_pieces(
        &mut self,
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        ncols: usize,
        nodes: &Nodes,
        size: f32,
    ) -> (Vec<Vec<Piece>>, Vec<Vec<Vec<Piece>>>) {
        let body = RunStyle::plain(size, self.colors.text);
        let head = RunStyle::plain(size, self.colors.heading).bold();
        let empty: Vec<Inline> = Vec::new();
        let cell =
            |r: &[Vec<Inline>], c: usize| -> Vec<Inline> { r.get(c).unwrap_or(&empty).clone() };
        let header_pieces: Vec<Vec<Piece>> = (0..ncols)
            .map(|c| {
                if let Some(&n) = nodes.header.get(c) {
                    self.set_current(Current::Node(n));
                }
                self.pieces(&cell(header, c), &head)
            })
            .collect();
        let header_pieces: Vec<Vec<Piece>> = header_pieces
            .into_iter()
            .map(|p| self.drop_images(p, size))
            .collect();
        let mut body_pieces: Vec<Vec<Vec<Piece>>> = Vec::new();
        for (ri, r) in rows.iter().enumerate() {
            let row: Vec<Vec<Piece>> = (0..ncols)
                .map(|c| {
                    self.set_current(Current::Node(nodes.body[ri][c]));
                    let p = self.pieces(&cell(r, c), &body);
                    self.drop_images(p, size)
                })
                .collect();
            body_pieces.push(row);
        }
        (header_pieces, body_pieces)
    }

    /// Column widths for `inner`; a table too wide for the column is set smaller first (down
    /// to 80 %). Returns the text size and the widths.
    fn fit_columns(
        &self,
        header_pieces: &mut Vec<Vec<Piece>>,
        body_pieces: &mut [Vec<Vec<Piece>>],
        ncols: usize,
        size: f32,
        inner: f32,
    ) -> (f32, Vec<f32>) {
        let (mut min, mut max) = self.column_widths(header_pieces, body_pieces, ncols, size, inner);
        let smin: f32 = min.iter().sum();
        let mut size = size;
        if smin > inner {
            let k = (inner / smin).max(0.8);
            let scale = |row: &mut Vec<Vec<Piece>>| {
                for cell in row {
                    for p in cell {
                        if let Piece::Run(r) = p {
                            r.style.size *= k;
                            r.style.rise *= k;
                        }
                    }
                }
            };
            scale(&mut *header_pieces);
            body_pieces.iter_mut().for_each(scale);
            size *= k;
            (min, max) = self.column_widths(header_pieces, body_pieces, ncols, size, inner);
        }
        (size, distribute(&min, &max, inner))
    }

    /// One row as a chunk: its cells' lines, the rules around them, the header's tint.
    fn row_chunk(
        &self,
        g: &Geometry,
        cells: &[Vec<Piece>],
        nodes: &[usize],
        header: bool,
    ) -> Chunk {
        let laid: Vec<Vec<LineBox>> = cells
            .iter()
            .enumerate()
            .map(|(c, p)| {
                let a = if header { Align::Left } else { g.aligns[c] };
                if let Some(&n) = nodes.get(c) {
                    self.set_current(Current::Node(n));
                }
                let para = Para {
                    size: g.size,
                    pitch: g.pitch,
                    justify: false,
                    align: a,
                    indent: 0.0,
                    bold: header,
                };
                self.lines(p, g.xs[c] + g.pad_x, g.widths[c], para)
            })
            .collect();
        let text_h = laid
            .iter()
            .map(|ls| ls.iter().map(|l| l.h).sum::<f32>())
            .fold(g.pitch, f32::max);
        let h = text_h + 2.0 * g.pad_y;
        let mut c = Chunk::new(h);
        if header {
            c.items
                .push(fill_rect(g.x, 0.0, g.right - g.x, h, self.colors.tint));
        }
        let mut tallest: Vec<f32> = Vec::new();
        for ls in laid {
            let own: f32 = ls.iter().map(|l| l.h).sum();
            // Short rows are centred vertically, tall ones start at the top.
            let mut y = g.pad_y
                + if text_h <= g.pitch * 4.5 {
                    (text_h - own) / 2.0
                } else {
                    0.0
                };
            let mut cuts = Vec::new();
            for lb in ls {
                let lh = lb.h;
                c.absorb(lb.into_chunk(), y);
                y += lh;
                cuts.push(y);
            }
            if cuts.len() > tallest.len() {
                tallest = cuts;
            }
        }
        c.cuts = tallest;
        let rule = self.colors.rule;
        if header {
            c.items.push(hline(g.x, g.right, 0.0, rule, 0.6));
        }
        let bottom_w = if header { 1.0 } else { 0.6 };
        let bottom_c = if header { self.colors.accent } else { rule };
        for bx in &g.xs {
            c.items.push(vline(*bx, 0.0, h, rule, 0.6));
        }
        c.items.push(hline(g.x, g.right, h, bottom_c, bottom_w));
        c.table = Some(g.id);
        c
    }

    /// (min-content, max-content) width of a cell: its widest unbreakable piece and its
    /// widest line when nothing wraps.
    pub(crate) fn content_widths(&self, pieces: &[Piece], size: f32) -> (f32, f32) {
        if pieces.is_empty() {
            return (0.0, 0.0);
        }
        let para = Para::left(size, size, false);
        let lines = self.lines(pieces, 0.0, 1.0e7, para);
        let max = lines.iter().map(|l| l.right).fold(0.0, f32::max);
        // Min-content: the widest piece between the line breaker's own break opportunities.
        let min = self.min_content(pieces);
        (min.min(max.max(min)), max.max(min))
    }
}

impl Engine<'_> {
    /// Images cannot sit in a table cell: their alt text stands in.
    fn drop_images(&self, pieces: Vec<Piece>, size: f32) -> Vec<Piece> {
        pieces
            .into_iter()
            .filter_map(|p| match p {
                Piece::Image { alt, .. }
                    if !alt.is_empty() && !crate::content::model::is_decorative(&alt) =>
                {
                    Some(Piece::Run(super::inline::Run {
                        text: format!("［{alt}］"),
                        style: RunStyle::plain(size, self.colors.muted),
                        anchor: None,
                    }))
                }
                Piece::Image { .. } => None,
                p => Some(p),
            })
            .collect()
    }

    /// Per column: (min-content, max-content) over the header and every row.
    fn column_widths(
        &self,
        header: &[Vec<Piece>],
        rows: &[Vec<Vec<Piece>>],
        ncols: usize,
        size: f32,
        inner: f32,
    ) -> (Vec<f32>, Vec<f32>) {
        let mut min = vec![size; ncols];
        let mut max = vec![size; ncols];
        for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
            for (c, p) in row.iter().enumerate().take(ncols) {
                let (mn, mx) = self.content_widths(p, size);
                min[c] = min[c].max(mn);
                max[c] = max[c].max(mx);
            }
        }
        // One unbreakable token may not claim more than most of the table.
        for m in &mut min {
            *m = m.min(inner * 0.7);
        }
        (min, max)
    }
}

/// Column widths for `inner`: everything at max-content when it fits (stretched to the full
/// width when that is most of it); otherwise every column gets its min-content, columns that
/// need little more get all of it, and the rest share what is left in proportion to need.
fn distribute(min: &[f32], max: &[f32], inner: f32) -> Vec<f32> {
    let (smin, smax): (f32, f32) = (min.iter().sum(), max.iter().sum());
    if smax <= inner {
        return if smax > inner * 0.75 {
            max.iter().map(|m| m * inner / smax).collect()
        } else {
            max.to_vec()
        };
    }
    if smin >= inner {
        // Narrow columns keep their min-content; the wide ones share the rest equally.
        let mut widths = vec![0.0; min.len()];
        let mut order: Vec<usize> = (0..min.len()).collect();
        order.sort_by(|&a, &b| min[a].total_cmp(&min[b]));
        let mut remaining = inner;
        for (k, &i) in order.iter().enumerate() {
            let share = remaining / (order.len() - k) as f32;
            widths[i] = min[i].min(share);
            remaining -= widths[i];
        }
        return widths;
    }
    let mut widths = min.to_vec();
    let mut remaining = inner - smin;
    let mut open: Vec<usize> = (0..min.len()).filter(|&i| max[i] > min[i]).collect();
    open.sort_by(|&a, &b| (max[a] - min[a]).total_cmp(&(max[b] - min[b])));
    while let Some(&i) = open.first() {
        let need = max[i] - min[i];
        if need <= remaining / open.len() as f32 {
            widths[i] = max[i];
            remaining -= need;
            open.remove(0);
        } else {
            break;
        }
    }
    let total: f32 = open.iter().map(|&i| max[i] - min[i]).sum();
    for &i in &open {
        widths[i] += remaining * (max[i] - min[i]) / total.max(0.001);
    }
    widths
}
