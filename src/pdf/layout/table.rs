//! Tables: column widths from the content (min-content / max-content, as browsers do),
//! Japanese cells wrap, a tinted header row that is repeated after a page break, and one
//! chunk per row so rows never split (unless a single row is taller than a page).

use crate::content::model::{Align as MdAlign, Inline};
use crate::japanese::kinsoku::{cannot_end_line, cannot_start_line, is_japanese};

use super::Engine;
use super::flow::{Chunk, fill_rect, hline, vline};
use super::inline::{Align, LineBox, Para, Piece, RunStyle};
use super::tags::Current;
use crate::pdf::draw::{Role, Scope};

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
        let pad_y = size * 0.4;
        let em = self.em();

        let body = RunStyle::plain(size, self.colors.text);
        let head = RunStyle::plain(size, self.colors.heading).bold();
        let empty: Vec<Inline> = Vec::new();
        let cell =
            |r: &[Vec<Inline>], c: usize| -> Vec<Inline> { r.get(c).unwrap_or(&empty).clone() };
        // The structure first (Table, THead/TBody, TR, TH/TD), so that links in the cells
        // are made inside their cell.
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
        let body_nodes: Vec<Vec<usize>> = rows
            .iter()
            .map(|_| {
                let tr = self.child_node(Role::TR, tbody.unwrap_or(table));
                (0..ncols).map(|_| self.child_node(Role::TD, tr)).collect()
            })
            .collect();
        let header_pieces: Vec<Vec<Piece>> = (0..ncols)
            .map(|c| {
                if let Some(&n) = header_nodes.get(c) {
                    self.set_current(Current::Node(n));
                }
                self.pieces(&cell(header, c), &head)
            })
            .collect();
        let mut header_pieces: Vec<Vec<Piece>> = header_pieces
            .into_iter()
            .map(|p| self.drop_images(p, size))
            .collect();
        let has_header = header_pieces.iter().any(|p| !p.is_empty());
        let mut body_pieces: Vec<Vec<Vec<Piece>>> = Vec::new();
        for (ri, r) in rows.iter().enumerate() {
            let row: Vec<Vec<Piece>> = (0..ncols)
                .map(|c| {
                    self.set_current(Current::Node(body_nodes[ri][c]));
                    let p = self.pieces(&cell(r, c), &body);
                    self.drop_images(p, size)
                })
                .collect();
            body_pieces.push(row);
        }

        // Column widths. A table too wide for the column is set smaller first.
        let inner = (w - 2.0 * pad_x * ncols as f32).max(w * 0.5);
        let (mut min, mut max) =
            self.column_widths(&header_pieces, &body_pieces, ncols, size, inner);
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
            scale(&mut header_pieces);
            body_pieces.iter_mut().for_each(scale);
            size *= k;
            (min, max) = self.column_widths(&header_pieces, &body_pieces, ncols, size, inner);
        }
        let pitch = size * 1.6;
        let widths = distribute(&min, &max, inner);
        let mut xs = vec![x];
        for cw in &widths {
            let last = *xs.last().unwrap_or(&x);
            xs.push(last + cw + 2.0 * pad_x);
        }
        let right = *xs.last().unwrap_or(&(x + w));

        let table_id = self.table_headers.len();
        self.table_headers.push(None);
        self.gap(self.style.text.paragraph_space * em);

        let aligns: Vec<Align> = (0..ncols)
            .map(|c| match align.get(c) {
                Some(MdAlign::Right) => Align::Right,
                Some(MdAlign::Center) => Align::Center,
                _ => Align::Left,
            })
            .collect();
        let para = |a: Align| Para {
            size,
            pitch,
            justify: false,
            align: a,
            indent: 0.0,
            bold: false,
        };
        let row_chunk = |this: &Self, cells: &[Vec<Piece>], nodes: &[usize], header: bool| {
            let laid: Vec<Vec<LineBox>> = cells
                .iter()
                .enumerate()
                .map(|(c, p)| {
                    let a = if header { Align::Left } else { aligns[c] };
                    if let Some(&n) = nodes.get(c) {
                        this.set_current(Current::Node(n));
                    }
                    this.lines(
                        p,
                        xs[c] + pad_x,
                        widths[c],
                        Para {
                            bold: header,
                            ..para(a)
                        },
                    )
                })
                .collect();
            let text_h = laid
                .iter()
                .map(|ls| ls.iter().map(|l| l.h).sum::<f32>())
                .fold(pitch, f32::max);
            let h = text_h + 2.0 * pad_y;
            let mut c = Chunk::new(h);
            if header {
                c.items
                    .push(fill_rect(x, 0.0, right - x, h, this.colors.tint));
            }
            let mut tallest: Vec<f32> = Vec::new();
            for ls in laid {
                let own: f32 = ls.iter().map(|l| l.h).sum();
                // Short rows are centred vertically, tall ones start at the top.
                let mut y = pad_y
                    + if text_h <= pitch * 4.5 {
                        (text_h - own) / 2.0
                    } else {
                        0.0
                    };
                let mut cuts = Vec::new();
                for lb in ls {
                    let mut part = Chunk::new(lb.h);
                    part.items = lb.items;
                    part.links = lb.links;
                    part.anchors = lb.anchors;
                    let lh = lb.h;
                    c.absorb(part, y);
                    y += lh;
                    cuts.push(y);
                }
                if cuts.len() > tallest.len() {
                    tallest = cuts;
                }
            }
            c.cuts = tallest;
            let rule = this.colors.rule;
            if header {
                c.items.push(hline(x, right, 0.0, rule, 0.6));
            }
            let bottom_w = if header { 1.0 } else { 0.6 };
            let bottom_c = if header { this.colors.accent } else { rule };
            for bx in &xs {
                c.items.push(vline(*bx, 0.0, h, rule, 0.6));
            }
            c.items.push(hline(x, right, h, bottom_c, bottom_w));
            c.table = Some(table_id);
            c
        };

        if has_header {
            let mut hc = row_chunk(self, &header_pieces, &header_nodes, true);
            hc.table_header = true;
            hc.keep_with_next = !body_pieces.is_empty();
            self.push(hc);
            self.table_headers[table_id] = Some(self.chunks.len() - 1);
        }
        for (i, row) in body_pieces.iter().enumerate() {
            let mut rc = row_chunk(self, row, &body_nodes[i], false);
            if !has_header && i == 0 {
                rc.items.push(hline(x, right, 0.0, self.colors.rule, 0.6));
            }
            self.push(rc);
        }
        self.close_node(table);
        self.gap(self.style.text.paragraph_space * em);
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
        // Min-content: the widest run of characters between break opportunities.
        let mut min: f32 = 0.0;
        let mut token = 0.0;
        let mut prev: Option<char> = None;
        for p in pieces {
            match p {
                Piece::Run(r) => {
                    let chain = self.chain(r.style.bold);
                    let shaped = self.ctx.fonts.shape(&r.text, chain, r.style.size);
                    let mut g = 0;
                    while g < shaped.len() {
                        let cl = shaped[g].cluster;
                        let mut wdt = 0.0;
                        while g < shaped.len() && shaped[g].cluster == cl {
                            if shaped[g].advance.is_finite() {
                                wdt += shaped[g].advance;
                            }
                            g += 1;
                        }
                        let ch = r
                            .text
                            .get(cl..)
                            .and_then(|s| s.chars().next())
                            .unwrap_or(' ');
                        let breakable = match prev {
                            None => true,
                            Some(a) => {
                                a == ' '
                                    || ch == ' '
                                    || ((is_japanese(a) || is_japanese(ch))
                                        && !cannot_start_line(ch)
                                        && !cannot_end_line(a))
                            }
                        };
                        if breakable {
                            min = min.max(token);
                            token = 0.0;
                        }
                        if ch != ' ' {
                            token += wdt;
                        }
                        prev = Some(ch);
                    }
                }
                Piece::Break => {
                    min = min.max(token);
                    token = 0.0;
                    prev = None;
                }
                Piece::Image { .. } => {}
            }
        }
        min = min.max(token);
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
                    if !alt.is_empty() && !crate::pdf::tags::is_decorative(&alt) =>
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
