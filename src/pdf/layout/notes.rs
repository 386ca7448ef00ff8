//! Footnotes. Each note is laid out on its own; one whose first reference is in the body and
//! that is not too tall goes to the bottom of the page of that reference (pagination places
//! it), the others are collected at the end of the document. The note's label `注N` links back
//! to the reference.

use std::collections::HashSet;

use crate::content::model::{Block, Footnote};
use crate::pdf::draw::Role;

use super::engine::Engine;
use super::flow::{Chunk, Note, PdfLink, RelLink, footnote_id, footnote_ref_id, hline};
use super::inline::{Align, Para, Run, RunStyle};
use super::tags::Current;

impl Engine<'_> {
    pub(crate) fn footnotes(&mut self) {
        let notes = self.page.doc.footnotes.clone();
        if notes.is_empty() {
            return;
        }
        let size = self.style.text.footnote_size;
        let label_w = notes
            .iter()
            .map(|n| self.measure(&format!("注{}", n.number), false, size))
            .fold(0.0, f32::max)
            + size;
        // Anchors of the body, collected once: searching every chunk for every note was
        // quadratic in the number of footnotes.
        let body_anchors: HashSet<String> = self
            .flow
            .chunks
            .iter()
            .flat_map(|c| c.anchors.iter().map(|(a, _)| a.clone()))
            .collect();
        let mut at_end: Vec<Vec<Chunk>> = Vec::new();
        let mut bottom: Vec<(usize, Vec<Chunk>)> = Vec::new();
        for note in &notes {
            let chunks = self.note(note, label_w);
            let h: f32 = chunks.iter().map(|c| c.h + c.space_before).sum();
            let n = note.number;
            if body_anchors.contains(&footnote_ref_id(n)) && h <= self.body_h * 0.4 {
                bottom.push((n, chunks));
            } else {
                at_end.push(chunks);
            }
        }
        self.notes_at_end(at_end);
        self.notes_at_bottom(bottom);
    }

    /// The chunks of one note: its blocks beside its label.
    fn note(&mut self, note: &Footnote, label_w: f32) -> Vec<Chunk> {
        let size = self.style.text.footnote_size;
        let (x, w) = (self.left, self.width);
        let first = self.flow.chunks.len();
        self.pending = 0.0;
        self.suppress = false;
        let note_node = self.open_node(Role::Note);
        let lbl = self.child_node(Role::Lbl, note_node);
        for (bi, b) in note.blocks.iter().enumerate() {
            match b {
                Block::Paragraph(inl) => {
                    let p = self.open_node(Role::P);
                    let base = RunStyle::plain(size, self.colors.text);
                    let pieces = self.pieces(inl, &base);
                    let para = Para {
                        size,
                        pitch: size * 1.6,
                        justify: true,
                        align: Align::Left,
                        indent: 0.0,
                        bold: false,
                    };
                    let space = if bi == 0 { 0.0 } else { size * 0.4 };
                    self.paragraph(pieces, x + label_w, w - label_w, para, space);
                    self.close_node(p);
                }
                other => self.block(other, x + label_w, w - label_w, 1),
            }
        }
        if first >= self.flow.chunks.len() {
            self.push(Chunk::new(size * 1.6));
        }
        self.pending = 0.0;
        self.flow.chunks[first].space_before = 0.0;
        self.set_current(Current::Node(lbl));
        self.note_label(note.number, first);
        self.close_node(note_node);
        self.flow.chunks.drain(first..).collect()
    }

    /// `注N` beside the first line of the note starting at chunk `first`, a link back to the
    /// reference when there is one.
    fn note_label(&mut self, n: usize, first: usize) {
        let size = self.style.text.footnote_size;
        let x = self.left;
        let base = self.flow.chunks[first]
            .first_baseline()
            .unwrap_or(size * 1.2);
        let back = self.footnote_refs.contains(&n);
        let mut style = RunStyle::plain(
            size,
            if back {
                self.colors.link
            } else {
                self.colors.muted
            },
        );
        let link = back.then(|| self.inline_node(Role::Link));
        if back {
            style.link = Some(PdfLink::Anchor(footnote_ref_id(n)));
            style.node = link;
        }
        let run = Run {
            text: format!("注{n}"),
            style,
            anchor: None,
        };
        let (items, right) = self.single_line(&[run], x, base);
        let c = &mut self.flow.chunks[first];
        c.items.extend(items);
        if back {
            c.links.push(RelLink {
                x,
                y: 0.0,
                w: right - x,
                h: size * 1.6,
                target: PdfLink::Anchor(footnote_ref_id(n)),
                node: link,
            });
        }
        c.anchors.push((footnote_id(n), 0.0));
    }

    /// Notes at the end of the document, under a short rule.
    fn notes_at_end(&mut self, at_end: Vec<Vec<Chunk>>) {
        if at_end.is_empty() {
            return;
        }
        let size = self.style.text.footnote_size;
        let (x, w) = (self.left, self.width);
        self.gap(self.em() * 2.2);
        let mut rule = Chunk::new(size * 0.9);
        rule.items
            .push(hline(x, x + w * 0.3, 0.0, self.colors.rule, 0.75));
        rule.keep_with_next = true;
        self.push(rule);
        for chunks in at_end {
            self.gap(size * 0.3);
            for c in chunks {
                self.push(c);
            }
        }
    }

    /// Page-bottom notes live after the flow in the chunk arena.
    fn notes_at_bottom(&mut self, bottom: Vec<(usize, Vec<Chunk>)>) {
        let size = self.style.text.footnote_size;
        self.flow.flow_len = self.flow.chunks.len();
        for (n, chunks) in bottom {
            let start = self.flow.chunks.len();
            let mut h = 0.0;
            for (i, mut c) in chunks.into_iter().enumerate() {
                if i == 0 {
                    c.space_before = 0.0;
                }
                h += c.h + c.space_before;
                self.flow.chunks.push(c);
            }
            self.flow.notes.push(Note {
                number: n,
                chunks: start..self.flow.chunks.len(),
                h: h + size * 0.35,
            });
        }
    }
}
