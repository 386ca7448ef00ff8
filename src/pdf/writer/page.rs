//! One page's items as content-stream operators: glyph runs as TJ with exact per-glyph
//! offsets, rectangles, lines, images, link annotations, all wrapped in the marked content
//! (`tags::Marker`) and ActualText spans (`spans::TextSpans`) of tagged PDF.

use std::collections::BTreeMap;

use printpdf::{
    Actions, BorderArray, Codepoint, Color, ColorArray, Destination, FontId, Line, LineCapStyle,
    LinePoint, LinkAnnotation, Op, PaintMode, PdfFontHandle, Point, Pt, TextItem, TextMatrix,
    XObjectId, XObjectTransform,
};

use super::spans::{TextSpans, actual_text_span, drawn};
use crate::pdf::draw::{self, FontIndex, Item, LinkTarget};
use crate::pdf::fonts::FontSet;
use crate::pdf::tags;

/// What every page of a document shares.
pub(super) struct Resources<'a> {
    pub fonts: &'a FontSet,
    /// Every glyph used, per font, with the text it stands for.
    pub glyphs: &'a BTreeMap<FontIndex, BTreeMap<u16, String>>,
    pub font_ids: &'a BTreeMap<FontIndex, FontId>,
    pub image_ids: &'a BTreeMap<usize, XObjectId>,
    pub page_count: usize,
}

pub(super) fn page_ops(
    page: &draw::Page,
    spans: &TextSpans,
    res: &Resources,
    marker: &mut tags::Marker,
) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    for (index, item) in page.items.iter().enumerate() {
        if !drawn(item) {
            continue;
        }
        // Each text group is one marked-content sequence with its ActualText span inside
        // (PDFium reads ActualText only from the innermost marks; poppler reads one span per
        // sequence).
        let opening = spans.opening.get(&index);
        if opening.is_some() {
            marker.end(&mut ops);
        }
        marker.before(item, &mut ops)?;
        if let Some(o) = opening {
            ops.push(actual_text_span(&o.text));
        }
        match item {
            Item::Glyphs { .. } => {
                glyph_ops(item, opening.and_then(|o| o.lead), res, &mut ops)?;
                if spans.closing.contains(&index) {
                    ops.push(Op::EndMarkedContent);
                    marker.end(&mut ops);
                }
            }
            Item::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
                ..
            } => rect_ops([*x, *y, *w, *h], *fill, *stroke, &mut ops),
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                color,
                width,
                ..
            } => line_ops([*x1, *y1, *x2, *y2], *color, *width, &mut ops),
            Item::Image {
                image, x, y, w, h, ..
            } => ops.push(Op::UseXobject {
                id: res.image_ids[image].clone(),
                // cm = [w 0 0 h x y]: the image's unit square onto the box.
                transform: XObjectTransform {
                    translate_x: Some(Pt(*x)),
                    translate_y: Some(Pt(*y)),
                    scale_x: Some(*w),
                    scale_y: Some(*h),
                    no_auto_scale: true,
                    ..Default::default()
                },
            }),
        }
    }
    marker.end(&mut ops);
    for link in &page.links {
        ops.push(link_op(link, res.page_count)?);
    }
    Ok(ops)
}

/// A glyph run as one text object. `lead`: the font's space glyph put at the start of the
/// gap before the run (see `spans::Lead`).
fn glyph_ops(
    item: &Item,
    lead: Option<super::spans::Lead>,
    res: &Resources,
    ops: &mut Vec<Op>,
) -> Result<(), String> {
    let Item::Glyphs {
        font,
        size,
        color,
        baseline,
        glyphs: placed,
        ..
    } = item
    else {
        return Ok(());
    };
    if !(size.is_finite() && *size > 0.0 && baseline.is_finite())
        || placed.iter().any(|g| !g.x.is_finite())
    {
        return Err(format!("glyph run with size {size} at {baseline}"));
    }
    let texts = &res.glyphs[font];
    let codepoints = match lead {
        Some(l) => {
            let mut with_lead = Vec::with_capacity(placed.len() + 1);
            with_lead.push(draw::PlacedGlyph {
                gid: l.gid,
                x: l.x,
                text: " ".into(),
            });
            with_lead.extend(placed.iter().cloned());
            positioned(res.fonts, *font, *size, &with_lead, texts)
        }
        None => positioned(res.fonts, *font, *size, placed, texts),
    };
    let x0 = lead.map_or(placed[0].x, |l| l.x);
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(res.font_ids[font].clone()),
        size: Pt(*size),
    });
    ops.push(Op::SetFillColor { col: rgb(*color) });
    ops.push(Op::SetTextMatrix {
        matrix: TextMatrix::Translate(Pt(x0), Pt(*baseline)),
    });
    ops.push(Op::ShowText {
        items: vec![TextItem::GlyphIds(codepoints)],
    });
    ops.push(Op::EndTextSection);
    Ok(())
}

/// `b`: x, y, w, h.
fn rect_ops(
    b: [f32; 4],
    fill: Option<draw::Rgb>,
    stroke: Option<(draw::Rgb, f32)>,
    ops: &mut Vec<Op>,
) {
    let mode = match (fill, stroke) {
        (None, None) => PaintMode::Stroke,
        (Some(_), None) => PaintMode::Fill,
        (None, Some(_)) => PaintMode::Stroke,
        (Some(_), Some(_)) => PaintMode::FillStroke,
    };
    if let Some(c) = fill {
        ops.push(Op::SetFillColor { col: rgb(c) });
    }
    if let Some((c, width)) = stroke {
        ops.push(Op::SetOutlineColor { col: rgb(c) });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
    }
    ops.push(Op::DrawRectangle {
        rectangle: rect(b[0], b[1], b[2], b[3], Some(mode)),
    });
}

/// `p`: x1, y1, x2, y2.
fn line_ops(p: [f32; 4], color: draw::Rgb, width: f32, ops: &mut Vec<Op>) {
    ops.push(Op::SetOutlineColor { col: rgb(color) });
    ops.push(Op::SetOutlineThickness { pt: Pt(width) });
    ops.push(Op::SetLineCapStyle {
        cap: LineCapStyle::Butt,
    });
    let point = |x: f32, y: f32| LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    };
    ops.push(Op::DrawLine {
        line: Line {
            points: vec![point(p[0], p[1]), point(p[2], p[3])],
            is_closed: false,
        },
    });
}

fn link_op(link: &draw::Link, page_count: usize) -> Result<Op, String> {
    let actions = match &link.target {
        LinkTarget::Uri(uri) => Actions::Uri(ascii_uri(uri)),
        LinkTarget::Internal { page, y } => {
            if *page >= page_count {
                return Err(format!("link to page {} of {page_count}", page + 1));
            }
            Actions::Goto(Destination::Xyz {
                page: page + 1, // printpdf counts pages from 1
                left: None,
                top: Some(*y),
                zoom: None,
            })
        }
    };
    Ok(Op::LinkAnnotation {
        link: LinkAnnotation::new(
            rect(link.x, link.y, link.w, link.h, None),
            actions,
            // The default is a visible 1 pt cyan border.
            Some(BorderArray::Solid([0.0, 0.0, 0.0])),
            Some(ColorArray::Transparent),
            None,
        ),
    })
}

/// The glyphs of a run with TJ offsets that put each glyph at its absolute x. Viewers
/// advance by the font's /W widths (whole thousandths of an em, truncated from hmtx by
/// printpdf), so offsets are computed against those, from the pen position the viewer
/// will actually reach after the previously written (f32) offsets: no drift.
pub(super) fn positioned(
    fonts: &FontSet,
    font: FontIndex,
    size: f32,
    placed: &[draw::PlacedGlyph],
    texts: &BTreeMap<u16, String>,
) -> Vec<Codepoint> {
    let per_unit = 1000.0 / fonts.units_per_em(font);
    let x0 = f64::from(placed[0].x);
    let em = f64::from(size) / 1000.0;
    let mut pen = 0.0f64; // thousandths of an em from x0
    let mut out = Vec::with_capacity(placed.len());
    for (i, g) in placed.iter().enumerate() {
        // Same expression as printpdf's /W (f32, truncated).
        let width = (f32::from(fonts.glyph_advance(font, g.gid)) * per_unit) as i64 as f64;
        pen += width;
        let offset = match placed.get(i + 1) {
            Some(next) => {
                let target = (f64::from(next.x) - x0) / em;
                // 1e-6 em is far below any visible difference and keeps f32 noise
                // (1e-11) out of the content stream.
                let o = (((pen - target) * 1000.0).round() / 1000.0) as f32;
                pen -= f64::from(o);
                o
            }
            None => 0.0,
        };
        out.push(Codepoint {
            gid: g.gid,
            offset,
            cid: Some(texts.get(&g.gid).cloned().unwrap_or_default()),
        });
    }
    out
}

fn rgb(c: draw::Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: c.0.clamp(0.0, 1.0),
        g: c.1.clamp(0.0, 1.0),
        b: c.2.clamp(0.0, 1.0),
        icc_profile: None,
    })
}

pub(super) fn rect(x: f32, y: f32, w: f32, h: f32, mode: Option<PaintMode>) -> printpdf::Rect {
    printpdf::Rect {
        x: Pt(x),
        y: Pt(y),
        width: Pt(w),
        height: Pt(h),
        mode,
        winding_order: None,
    }
}

/// URI strings in PDF are 7-bit ASCII: percent-encode the rest (IRI → URI).
pub(super) fn ascii_uri(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    for b in uri.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
