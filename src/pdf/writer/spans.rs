//! Runs that read as one piece of text: consecutive glyph runs of one structure element on
//! one baseline whose gaps are spacing (a 和欧間 quarter em, a style change), not separate
//! cells. Each group is one marked-content sequence (one MCID) with one ActualText span
//! inside, so extractors neither invent a space at the 和欧間 gap nor at the seam between a
//! plain and a bold word.
//!
//! Where a line changes element (a link inside a sentence), the group ends and the next
//! starts: each element keeps its own text (a `Link` holds its words, which PDFium needs to
//! list it at all). A gap at such a seam would again read as a space (poppler measures the
//! span's box, PDFium the distance between text objects), so the run after it starts with
//! the font's space glyph placed at the start of the gap: it paints nothing, its span's
//! ActualText replaces it, poppler's span box now reaches back to the previous one, and
//! PDFium never inserts a space before a space.

use std::collections::{BTreeMap, BTreeSet};

use printpdf::Op;

use crate::pdf::draw::{self, Item};
use crate::pdf::fonts::FontSet;
use crate::pdf::tags;

/// The space glyph that fills the gap before a run opening a group at a seam.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Lead {
    pub gid: u16,
    /// Where the gap starts (the end of the previous run).
    pub x: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Opening {
    /// The group's text (its ActualText).
    pub text: String,
    pub lead: Option<Lead>,
}

pub(crate) struct TextSpans {
    /// Item index of a group's first run → the group.
    pub opening: BTreeMap<usize, Opening>,
    /// Item indexes of groups' last runs.
    pub closing: BTreeSet<usize>,
}

/// A gap narrower than this (points) is no gap: glyphs that touch.
const NO_GAP: f32 = 0.05;

impl TextSpans {
    pub(crate) fn of(page: &draw::Page, fonts: &FontSet) -> TextSpans {
        let mut opening: BTreeMap<usize, Opening> = BTreeMap::new();
        let mut closing = BTreeSet::new();
        // (baseline, end x, size, index) of the previous run, while nothing else was drawn
        // after it: a group stays inside one marked-content sequence.
        let mut prev: Option<(f32, f32, f32, usize)> = None;
        let mut open: Option<usize> = None;
        for (i, item) in page.items.iter().enumerate() {
            if !drawn(item) {
                continue;
            }
            let Item::Glyphs {
                font,
                size,
                baseline,
                glyphs,
                ..
            } = item
            else {
                prev = None;
                continue;
            };
            let (Some(first), Some(last)) = (glyphs.first(), glyphs.last()) else {
                continue;
            };
            let advance =
                f32::from(fonts.glyph_advance(*font, last.gid)) * size / fonts.units_per_em(*font);
            let text: String = glyphs.iter().map(|g| g.text.as_str()).collect();
            // Whether it reads on from the previous run, and whether it is the same element.
            let (adjacent, same) = match prev {
                Some((b, e, s, p)) => {
                    let gap = first.x - e;
                    let adjacent = (b - baseline).abs() < 0.01
                        && gap > -0.5
                        && gap < 0.6 * s.max(*size)
                        && tags::can_share_span(&page.items[p], item);
                    (adjacent, adjacent && tags::same_mark(&page.items[p], item))
                }
                None => (false, false),
            };
            match open.filter(|_| same) {
                Some(o) => {
                    if let Some(group) = opening.get_mut(&o) {
                        group.text.push_str(&text);
                    }
                    if let Some(p) = prev {
                        closing.remove(&p.3);
                    }
                }
                None => {
                    let lead = match prev {
                        Some((_, end, _, _)) if adjacent && first.x - end > NO_GAP => {
                            fonts.glyph_of(*font, ' ').map(|gid| Lead { gid, x: end })
                        }
                        _ => None,
                    };
                    opening.insert(i, Opening { text, lead });
                    open = Some(i);
                }
            }
            closing.insert(i);
            prev = Some((*baseline, last.x + advance, *size, i));
        }
        TextSpans { opening, closing }
    }

    /// (item index, lead) of every run that starts with a space glyph.
    pub(crate) fn leads(&self) -> impl Iterator<Item = (usize, Lead)> + '_ {
        self.opening
            .iter()
            .filter_map(|(i, o)| o.lead.map(|l| (*i, l)))
    }
}

/// Whether an item puts anything on the page (empty runs and unpainted boxes do not).
pub(crate) fn drawn(item: &Item) -> bool {
    match item {
        Item::Glyphs { glyphs, .. } => !glyphs.is_empty(),
        Item::Rect { fill, stroke, .. } => fill.is_some() || stroke.is_some(),
        Item::Line { .. } | Item::Image { .. } => true,
    }
}

pub(crate) fn actual_text_span(text: &str) -> Op {
    let mut data = vec![0xfe, 0xff];
    for unit in text.encode_utf16() {
        data.extend(unit.to_be_bytes());
    }
    let map = BTreeMap::from([(
        "ActualText".to_string(),
        printpdf::DictItem::String {
            data,
            literal: false,
        },
    )]);
    Op::BeginMarkedContentWithProperties {
        tag: "Span".into(),
        properties: printpdf::DictItem::Dict { map },
    }
}
