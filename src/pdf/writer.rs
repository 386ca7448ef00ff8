//! `draw::Document` → PDF bytes. printpdf writes pages, fonts (Identity-H CID TrueType,
//! subset, with ToUnicode), images and link annotations; lopdf then adds what printpdf
//! cannot: a hierarchical outline with exact positions, the Info dictionary, `/Lang`,
//! viewer preferences, a deterministic file ID.
//!
//! Images are encoded by `pdf::image::encode` (JPEG for photos, lossless Flate with PNG
//! predictors for the rest) and handed to printpdf as ready-made image XObject streams:
//! printpdf's own `RawImage` path could only write uncompressed-then-Flate pixels.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};
use printpdf::{
    Actions, BorderArray, Codepoint, Color, ColorArray, Destination, DictItem, ExternalStream,
    ExternalXObject, FontId, Line, LineCapStyle, LinePoint, LinkAnnotation, Op, PaintMode,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Pt,
    Px, TextItem, TextMatrix, XObject, XObjectId, XObjectTransform,
};

use crate::pdf::draw::{self, Document, FontIndex, Item, LinkTarget};
use crate::pdf::fonts::FontSet;
use crate::pdf::image::Filter;
use crate::pdf::tags;

pub fn write(doc: &Document, fonts: &FontSet) -> Result<Vec<u8>, String> {
    if doc.pages.is_empty() {
        return Err("the document has no pages".into());
    }
    let mut pdf = PdfDocument::new(&doc.info.title);

    let glyphs = used_glyphs(doc, fonts)?;
    let mut font_ids = BTreeMap::new();
    for (&font, used) in &glyphs {
        let id = FontId(font_resource_name(fonts.name(font), font, used.keys()));
        let parsed = fonts.pdf_font(font)?.clone();
        pdf.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(parsed));
        font_ids.insert(font, id);
    }

    let mut image_ids = BTreeMap::new();
    for page in &doc.pages {
        for item in &page.items {
            if let Item::Image { image, .. } = item
                && !image_ids.contains_key(image)
            {
                let xobject = image_xobject(doc.images.get(*image), *image)?;
                // Fixed ids (printpdf's are random) keep the output reproducible.
                let id = XObjectId(format!("Im{image}"));
                pdf.resources.xobjects.map.insert(id.clone(), xobject);
                image_ids.insert(*image, id);
            }
        }
    }

    let mut marks = Vec::with_capacity(doc.pages.len());
    for (n, page) in doc.pages.iter().enumerate() {
        let mut marker = tags::Marker::new(&doc.structure);
        let ops = page_ops(
            page,
            doc.pages.len(),
            fonts,
            &glyphs,
            &font_ids,
            &image_ids,
            &mut marker,
        )
        .map_err(|e| format!("page {}: {e}", n + 1))?;
        marks.push(marker.mcids);
        let page_rect = rect(0.0, 0.0, page.width, page.height, None);
        pdf.pages.push(PdfPage {
            media_box: page_rect.clone(),
            trim_box: page_rect.clone(),
            crop_box: page_rect,
            ops,
        });
    }

    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        // Images arrive as finished XObject streams (see `image_xobject`).
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
    let errors: Vec<String> = warnings
        .into_iter()
        .filter(|w| w.severity == PdfParseErrorSeverity::Error)
        .map(|w| w.msg)
        .collect();
    if !errors.is_empty() {
        return Err(format!("printpdf: {}", errors.join("; ")));
    }

    finish(&mut lo, doc, &marks)?;
    lo.compress();
    save_with_stable_id(&mut lo)
}

/// For each font, every glyph used and the text it stands for. One text per glyph id:
/// ToUnicode maps glyphs, not occurrences, so the first non-empty text wins everywhere.
fn used_glyphs(
    doc: &Document,
    fonts: &FontSet,
) -> Result<BTreeMap<FontIndex, BTreeMap<u16, String>>, String> {
    let mut used: BTreeMap<FontIndex, BTreeMap<u16, String>> = BTreeMap::new();
    for (n, page) in doc.pages.iter().enumerate() {
        for item in &page.items {
            let Item::Glyphs { font, glyphs, .. } = item else {
                continue;
            };
            if glyphs.is_empty() {
                continue;
            }
            if font.0 >= fonts.len() {
                return Err(format!("page {}: unknown font {}", n + 1, font.0));
            }
            let count = fonts.glyph_count(*font);
            let map = used.entry(*font).or_default();
            for g in glyphs {
                if g.gid >= count {
                    return Err(format!(
                        "page {}: glyph {} is not in font {}",
                        n + 1,
                        g.gid,
                        fonts.name(*font)
                    ));
                }
                let text = map.entry(g.gid).or_default();
                if text.is_empty() {
                    text.clone_from(&g.text);
                }
            }
        }
    }
    Ok(used)
}

/// Resource name of a font; its first six letters are the subset tag of the embedded font
/// (`ABCDEF+BIZUDPGothic-Regular`), derived from the glyph set so equal subsets share a tag.
fn font_resource_name<'a>(
    name: &str,
    font: FontIndex,
    gids: impl Iterator<Item = &'a u16>,
) -> String {
    let mut h = Fnv::new();
    h.write(name.as_bytes());
    for g in gids {
        h.write(&g.to_be_bytes());
    }
    let mut v = h.finish();
    let mut tag = String::with_capacity(8);
    for _ in 0..6 {
        tag.push(char::from(b'A' + (v % 26) as u8));
        v /= 26;
    }
    format!("{tag}F{}", font.0)
}

/// The image XObject of `doc.images[index]`, encoded by `image::encode`. The soft mask, if
/// any, becomes an indirect stream of its own (printpdf hoists nested streams).
fn image_xobject(image: Option<&draw::Image>, index: usize) -> Result<XObject, String> {
    let im = image.ok_or_else(|| format!("image {index} does not exist"))?;
    let enc = crate::pdf::image::encode(im).map_err(|e| format!("image {index}: {e}"))?;
    let (w, h) = (enc.width, enc.height);
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    let stream = |gray: bool, filter: Filter, data: Vec<u8>| {
        let mut dict = BTreeMap::from([
            ("Type".to_string(), name("XObject")),
            ("Subtype".to_string(), name("Image")),
            ("Width".to_string(), DictItem::Int(i64::from(w))),
            ("Height".to_string(), DictItem::Int(i64::from(h))),
            ("BitsPerComponent".to_string(), DictItem::Int(8)),
            (
                "ColorSpace".to_string(),
                name(if gray { "DeviceGray" } else { "DeviceRGB" }),
            ),
        ]);
        match filter {
            Filter::Dct => {
                dict.insert("Filter".into(), name("DCTDecode"));
            }
            Filter::Flate => {
                dict.insert("Filter".into(), name("FlateDecode"));
                let params = BTreeMap::from([
                    ("Predictor".to_string(), DictItem::Int(15)),
                    (
                        "Colors".to_string(),
                        DictItem::Int(if gray { 1 } else { 3 }),
                    ),
                    ("BitsPerComponent".to_string(), DictItem::Int(8)),
                    ("Columns".to_string(), DictItem::Int(i64::from(w))),
                ]);
                dict.insert("DecodeParms".into(), DictItem::Dict { map: params });
            }
        }
        ExternalStream {
            dict,
            content: data,
            // Already compressed: lopdf must leave it alone.
            compress: false,
        }
    };
    let mut main = stream(enc.gray, enc.filter, enc.data);
    if let Some(alpha) = enc.alpha {
        let mask = stream(true, Filter::Flate, alpha);
        main.dict
            .insert("SMask".into(), DictItem::Stream { stream: mask });
    }
    Ok(XObject::External(ExternalXObject {
        stream: main,
        width: Some(Px(w as usize)),
        height: Some(Px(h as usize)),
        dpi: None,
    }))
}

fn page_ops(
    page: &draw::Page,
    page_count: usize,
    fonts: &FontSet,
    glyphs: &BTreeMap<FontIndex, BTreeMap<u16, String>>,
    font_ids: &BTreeMap<FontIndex, FontId>,
    image_ids: &BTreeMap<usize, XObjectId>,
    marker: &mut tags::Marker,
) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    let spans = TextSpans::of(page, fonts, marker.structure());
    for (index, item) in page.items.iter().enumerate() {
        if !drawn(item) {
            continue;
        }
        // Each text group is one marked-content sequence with its ActualText span inside
        // (PDFium reads ActualText only from the innermost marks; poppler reads one span per
        // sequence).
        if spans.opening.contains_key(&index) {
            marker.end(&mut ops);
        }
        marker.before(item, spans.owner.get(&index).copied(), &mut ops)?;
        if let Some(text) = spans.opening.get(&index) {
            ops.push(actual_text_span(text));
        }
        match item {
            Item::Glyphs {
                font,
                size,
                color,
                baseline,
                glyphs: placed,
                ..
            } => {
                if !(size.is_finite() && *size > 0.0 && baseline.is_finite())
                    || placed.iter().any(|g| !g.x.is_finite())
                {
                    return Err(format!("glyph run with size {size} at {baseline}"));
                }
                let texts = &glyphs[font];
                let codepoints = positioned(fonts, *font, *size, placed, texts);
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font_ids[font].clone()),
                    size: Pt(*size),
                });
                ops.push(Op::SetFillColor { col: rgb(*color) });
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(placed[0].x), Pt(*baseline)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(codepoints)],
                });
                ops.push(Op::EndTextSection);
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
            } => {
                let mode = match (fill, stroke) {
                    (None, None) => PaintMode::Stroke,
                    (Some(_), None) => PaintMode::Fill,
                    (None, Some(_)) => PaintMode::Stroke,
                    (Some(_), Some(_)) => PaintMode::FillStroke,
                };
                if let Some(c) = fill {
                    ops.push(Op::SetFillColor { col: rgb(*c) });
                }
                if let Some((c, width)) = stroke {
                    ops.push(Op::SetOutlineColor { col: rgb(*c) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                }
                ops.push(Op::DrawRectangle {
                    rectangle: rect(*x, *y, *w, *h, Some(mode)),
                });
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                color,
                width,
            } => {
                ops.push(Op::SetOutlineColor { col: rgb(*color) });
                ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                ops.push(Op::SetLineCapStyle {
                    cap: LineCapStyle::Butt,
                });
                let point = |x: f32, y: f32| LinePoint {
                    p: Point { x: Pt(x), y: Pt(y) },
                    bezier: false,
                };
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![point(*x1, *y1), point(*x2, *y2)],
                        is_closed: false,
                    },
                });
            }
            Item::Image {
                image, x, y, w, h, ..
            } => {
                ops.push(Op::UseXobject {
                    id: image_ids[image].clone(),
                    // cm = [w 0 0 h x y]: the image's unit square onto the box.
                    transform: XObjectTransform {
                        translate_x: Some(Pt(*x)),
                        translate_y: Some(Pt(*y)),
                        scale_x: Some(*w),
                        scale_y: Some(*h),
                        no_auto_scale: true,
                        ..Default::default()
                    },
                });
            }
        }
    }
    marker.end(&mut ops);
    for link in &page.links {
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
        ops.push(Op::LinkAnnotation {
            link: LinkAnnotation::new(
                rect(link.x, link.y, link.w, link.h, None),
                actions,
                // The default is a visible 1 pt cyan border.
                Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                Some(ColorArray::Transparent),
                None,
            ),
        });
    }
    Ok(ops)
}

/// The glyphs of a run with TJ offsets that put each glyph at its absolute x. Viewers
/// advance by the font's /W widths (whole thousandths of an em, truncated from hmtx by
/// printpdf), so offsets are computed against those, from the pen position the viewer
/// will actually reach after the previously written (f32) offsets: no drift.
/// Runs that read as one piece of text: consecutive glyph runs on one baseline whose gaps are
/// spacing (a 和欧間 quarter em, a style change), not separate cells. Each group is wrapped in
/// one ActualText span, so extractors neither invent a space at the 和欧間 gap nor at the seam
/// between a plain and a bold or linked word.
struct TextSpans {
    /// Item index of a group's first run → the group's text.
    opening: BTreeMap<usize, String>,
    /// Item indexes of groups' last runs.
    closing: std::collections::BTreeSet<usize>,
    /// Runs of groups that mix structure elements (a link inside a sentence): the element
    /// that holds them all, whose marked content they become. One sequence cannot belong to
    /// two elements, and splitting the group would let extractors see a seam (a space
    /// invented at a 和欧間 gap); the link keeps its annotation and `/Contents`.
    owner: BTreeMap<usize, usize>,
}

impl TextSpans {
    fn of(page: &draw::Page, fonts: &FontSet, structure: &[draw::StructNode]) -> TextSpans {
        let mut groups: Vec<(usize, usize, String)> = Vec::new();
        // (baseline, end x, size, index) of the previous run, while nothing else was drawn
        // after it: a group stays inside one marked-content sequence.
        let mut prev: Option<(f32, f32, f32, usize)> = None;
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
            let end = last.x + advance;
            let text: String = glyphs.iter().map(|g| g.text.as_str()).collect();
            let joins = prev.is_some_and(|(b, e, s, p)| {
                let gap = first.x - e;
                (b - baseline).abs() < 0.01
                    && gap > -0.5
                    && gap < 0.6 * s.max(*size)
                    && tags::can_share_span(&page.items[p], item)
            });
            match groups.last_mut() {
                Some(g) if joins => {
                    g.1 = i;
                    g.2.push_str(&text);
                }
                _ => groups.push((i, i, text)),
            }
            prev = Some((*baseline, end, *size, i));
        }
        let mut owner = BTreeMap::new();
        for (a, b, _) in &groups {
            let mut nodes = (*a..=*b).filter_map(|i| match page.items[i] {
                Item::Glyphs {
                    tag: draw::Tag::Content { node, .. },
                    ..
                } => Some(node),
                _ => None,
            });
            let Some(first) = nodes.next() else { continue };
            let common = nodes.fold(first, |c, n| tags::common_ancestor(structure, c, n));
            if (*a..=*b).any(|i| {
                matches!(page.items[i], Item::Glyphs { tag: draw::Tag::Content { node, .. }, .. } if node != common)
            }) {
                owner.extend((*a..=*b).map(|i| (i, common)));
            }
        }
        TextSpans {
            opening: groups.iter().map(|(a, _, t)| (*a, t.clone())).collect(),
            closing: groups.iter().map(|(_, b, _)| *b).collect(),
            owner,
        }
    }
}

/// Whether an item puts anything on the page (empty runs and unpainted boxes do not).
fn drawn(item: &Item) -> bool {
    match item {
        Item::Glyphs { glyphs, .. } => !glyphs.is_empty(),
        Item::Rect { fill, stroke, .. } => fill.is_some() || stroke.is_some(),
        Item::Line { .. } | Item::Image { .. } => true,
    }
}

fn actual_text_span(text: &str) -> Op {
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

fn positioned(
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

fn rect(x: f32, y: f32, w: f32, h: f32, mode: Option<PaintMode>) -> printpdf::Rect {
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
fn ascii_uri(uri: &str) -> String {
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

/// lopdf post-processing: catalog entries, outline, Info.
fn finish(
    lo: &mut lopdf::Document,
    doc: &Document,
    marks: &[Vec<tags::Mcid>],
) -> Result<(), String> {
    // /Lang, SMask and UTF-16 text strings need more than printpdf's "1.3".
    lo.version = "1.7".into();
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();

    let outline = outline(lo, &doc.outline, &pages)?;
    tags::tree::build(lo, doc, marks, &tags::content_of(doc), &pages)?;

    let info = info_dict(&doc.info);
    match lo.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => {
            lo.objects.insert(id, Object::Dictionary(info));
        }
        Err(_) => {
            let id = lo.add_object(info);
            lo.trailer.set("Info", id);
        }
    }

    let catalog = lo.catalog_mut().map_err(|e| format!("lopdf: {e}"))?;
    // printpdf writes empty PDF/X leftovers; none of them applies.
    catalog.remove(b"OutputIntents");
    catalog.remove(b"Metadata");
    let lang = if doc.info.language.is_empty() {
        "ja"
    } else {
        &doc.info.language
    };
    catalog.set("Lang", Object::string_literal(lang));
    let lang = lang.to_owned();
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );
    match outline {
        Some(id) => {
            catalog.set("Outlines", id);
            catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
        None => {
            catalog.remove(b"Outlines");
            catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
        }
    }
    let xmp = lo.add_object(tags::xmp::metadata(&doc.info, &lang));
    lo.catalog_mut()
        .map_err(|e| format!("lopdf: {e}"))?
        .set("Metadata", xmp);
    Ok(())
}

/// Builds the outline tree (levels may skip: an h3 after an h1 is the h1's child). Every
/// item is open; each points at its heading's top.
fn outline(
    lo: &mut lopdf::Document,
    entries: &[draw::OutlineEntry],
    pages: &[ObjectId],
) -> Result<Option<ObjectId>, String> {
    if entries.is_empty() {
        return Ok(None);
    }
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    let mut roots = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        while stack.last().is_some_and(|&s| entries[s].level >= e.level) {
            stack.pop();
        }
        match stack.last() {
            Some(&p) => children[p].push(i),
            None => roots.push(i),
        }
        parent.push(stack.last().copied());
        stack.push(i);
    }
    // Descendant counts, children always come after their parent.
    let mut descendants = vec![0i64; entries.len()];
    for i in (0..entries.len()).rev() {
        if let Some(p) = parent[i] {
            descendants[p] += 1 + descendants[i];
        }
    }

    let root_id = lo.new_object_id();
    let ids: Vec<ObjectId> = entries.iter().map(|_| lo.new_object_id()).collect();
    let link_siblings = |dict: &mut Dictionary, siblings: &[usize], i: usize| {
        let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
        if at > 0 {
            dict.set("Prev", ids[siblings[at - 1]]);
        }
        if let Some(&next) = siblings.get(at + 1) {
            dict.set("Next", ids[next]);
        }
    };
    for (i, e) in entries.iter().enumerate() {
        let page = *pages.get(e.page).ok_or_else(|| {
            format!(
                "outline entry {:?} on page {} of {}",
                e.title,
                e.page + 1,
                pages.len()
            )
        })?;
        let mut dict = Dictionary::from_iter(vec![
            ("Title", super::tags::text_string(&e.title)),
            (
                "Parent",
                Object::Reference(parent[i].map_or(root_id, |p| ids[p])),
            ),
            (
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(e.y),
                    Object::Null,
                ]),
            ),
        ]);
        let siblings = parent[i].map_or(&roots, |p| &children[p]);
        link_siblings(&mut dict, siblings, i);
        if let (Some(&first), Some(&last)) = (children[i].first(), children[i].last()) {
            dict.set("First", ids[first]);
            dict.set("Last", ids[last]);
            dict.set("Count", descendants[i]);
        }
        lo.objects.insert(ids[i], Object::Dictionary(dict));
    }
    let root = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Outlines".to_vec())),
        ("First", Object::Reference(ids[roots[0]])),
        ("Last", Object::Reference(ids[*roots.last().unwrap_or(&0)])),
        ("Count", Object::Integer(entries.len() as i64)),
    ]);
    lo.objects.insert(root_id, Object::Dictionary(root));
    Ok(Some(root_id))
}

fn info_dict(info: &draw::Info) -> Dictionary {
    let mut d = Dictionary::new();
    let mut put = |key: &str, value: &str| {
        if !value.is_empty() {
            d.set(key, super::tags::text_string(value));
        }
    };
    put("Title", &info.title);
    put("Author", info.author.as_deref().unwrap_or(""));
    put("Subject", info.subject.as_deref().unwrap_or(""));
    put("Keywords", &info.keywords.join(", "));
    put("Creator", "tsushin");
    put("Producer", "tsushin (printpdf 0.12, lopdf 0.44)");
    if let Some(dt) = info.created {
        // Publication dates are Japanese local time.
        let date = format!(
            "D:{:04}{:02}{:02}{:02}{:02}{:02}+09'00'",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        d.set("CreationDate", Object::string_literal(date.clone()));
        d.set("ModDate", Object::string_literal(date));
    }
    d
}

/// printpdf puts random strings into the file ID. Replace them with a hash of the file
/// written without an ID (the plain, cheap way), so equal input gives equal bytes. The file
/// itself puts the objects into compressed object streams: the structure tree is hundreds
/// of small dictionaries.
fn save_with_stable_id(lo: &mut lopdf::Document) -> Result<Vec<u8>, String> {
    lo.trailer.remove(b"ID");
    let mut first = Vec::new();
    lo.save_to(&mut first).map_err(|e| format!("lopdf: {e}"))?;
    let mut a = Fnv::new();
    a.write(&first);
    let mut b = Fnv::with_basis(a.finish());
    b.write(&first);
    let mut id = a.finish().to_be_bytes().to_vec();
    id.extend_from_slice(&b.finish().to_be_bytes());
    let id = Object::String(id, StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .max_objects_per_stream(200)
        .compression_level(6)
        .build();
    let mut out = Vec::with_capacity(first.len());
    lo.save_with_options(&mut out, options)
        .map_err(|e| format!("lopdf: {e}"))?;
    Ok(out)
}

/// FNV-1a, 64 bit: stable across Rust releases (unlike `DefaultHasher`).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn with_basis(basis: u64) -> Self {
        Fnv(basis)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::draw::{Info, Link, OutlineEntry, Page, PlacedGlyph, Rgb};

    const R: FontIndex = FontIndex(0);

    fn fonts() -> &'static FontSet {
        static FONTS: std::sync::OnceLock<FontSet> = std::sync::OnceLock::new();
        FONTS.get_or_init(FontSet::builtin)
    }

    /// A line of `text` from x = 50 with `extra` pt after each glyph.
    fn line(text: &str, baseline: f32, extra: f32) -> Item {
        let mut x = 50.0;
        let mut glyphs = Vec::new();
        for g in fonts().shape(text, &[R], 10.5) {
            let end = text[g.cluster..].chars().next().map_or(0, char::len_utf8);
            glyphs.push(PlacedGlyph {
                gid: g.gid,
                x,
                text: text[g.cluster..g.cluster + end].to_owned(),
            });
            x += g.advance + extra;
        }
        Item::Glyphs {
            font: R,
            size: 10.5,
            color: Rgb::BLACK,
            baseline,
            glyphs,
            tag: draw::Tag::Artifact,
        }
    }

    fn doc(outline: &[(u8, usize)]) -> Document {
        let page = |text: &str| Page {
            width: 595.28,
            height: 841.89,
            items: vec![line(text, 780.0, 0.0)],
            links: Vec::new(),
        };
        Document {
            pages: vec![page("一ページ目"), page("二ページ目")],
            outline: outline
                .iter()
                .enumerate()
                .map(|(i, &(level, page))| OutlineEntry {
                    level,
                    title: format!("見出し{i}"),
                    page,
                    y: 800.0 - i as f32,
                })
                .collect(),
            images: Vec::new(),
            structure: Vec::new(),
            info: Info {
                title: "題名".into(),
                language: "ja".into(),
                ..Default::default()
            },
        }
    }

    fn load(bytes: &[u8]) -> lopdf::Document {
        lopdf::Document::load_mem(bytes).unwrap()
    }

    fn dict(lo: &lopdf::Document, obj: &Object) -> Dictionary {
        let id = obj.as_reference().unwrap();
        lo.get_dictionary(id).unwrap().clone()
    }

    fn title(d: &Dictionary) -> String {
        let bytes = d.get(b"Title").unwrap().as_str().unwrap();
        assert_eq!(&bytes[..2], &[0xFE, 0xFF]);
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    }

    /// (title, /Count, descendants found by walking) of the outline below `parent`.
    fn walk(lo: &lopdf::Document, parent: &Dictionary) -> Vec<(String, i64, usize)> {
        let mut out = Vec::new();
        let Ok(first) = parent.get(b"First") else {
            return out;
        };
        let mut item = dict(lo, first);
        loop {
            let kids = walk(lo, &item);
            let count = item.get(b"Count").and_then(Object::as_i64).unwrap_or(0);
            out.push((title(&item), count, kids.len()));
            out.extend(kids);
            match item.get(b"Next") {
                Ok(next) => item = dict(lo, next),
                Err(_) => break,
            }
        }
        out
    }

    #[test]
    fn outline_nests_by_level() {
        // h1, h2, h3, h2, h1, h3 (skipped level), on both pages.
        let d = doc(&[(1, 0), (2, 0), (3, 0), (2, 1), (1, 1), (3, 1)]);
        let lo = load(&write(&d, fonts()).unwrap());
        let catalog = lo.catalog().unwrap();
        assert_eq!(
            catalog.get(b"PageMode").unwrap().as_name().unwrap(),
            b"UseOutlines"
        );
        assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"ja");
        let root = dict(&lo, catalog.get(b"Outlines").unwrap());
        assert_eq!(root.get(b"Count").unwrap().as_i64().unwrap(), 6);
        let items = walk(&lo, &root);
        let want = [
            ("見出し0", 3, 3),
            ("見出し1", 1, 1),
            ("見出し2", 0, 0),
            ("見出し3", 0, 0),
            ("見出し4", 1, 1),
            ("見出し5", 0, 0),
        ];
        let got: Vec<(&str, i64, usize)> =
            items.iter().map(|(t, c, k)| (t.as_str(), *c, *k)).collect();
        assert_eq!(got, want);
        // Destinations: [page /XYZ null y null] on the right page.
        let pages = lo.get_pages();
        let last = dict(&lo, root.get(b"Last").unwrap());
        let dest = last.get(b"Dest").unwrap().as_array().unwrap();
        assert_eq!(dest[0].as_reference().unwrap(), pages[&2]);
        assert_eq!(dest[1].as_name().unwrap(), b"XYZ");
        assert_eq!(dest[3].as_float().unwrap(), 796.0);
    }

    #[test]
    fn no_outline_no_date_no_pdfx() {
        let bytes = write(&doc(&[]), fonts()).unwrap();
        let lo = load(&bytes);
        let catalog = lo.catalog().unwrap();
        assert!(catalog.get(b"Outlines").is_err());
        assert!(catalog.get(b"OutputIntents").is_err());
        let info = dict(&lo, lo.trailer.get(b"Info").unwrap());
        assert_eq!(title(&info), "題名");
        for key in [
            &b"CreationDate"[..],
            b"ModDate",
            b"GTS_PDFXVersion",
            b"Trapped",
        ] {
            assert!(info.get(key).is_err());
        }
        assert_eq!(bytes, write(&doc(&[]), fonts()).unwrap());
    }

    #[test]
    fn info_date_is_japanese_local_time() {
        let mut d = doc(&[]);
        d.info.created = Some(jiff::civil::date(2021, 4, 1).at(0, 5, 9, 0));
        let lo = load(&write(&d, fonts()).unwrap());
        let info = dict(&lo, lo.trailer.get(b"Info").unwrap());
        assert_eq!(
            info.get(b"CreationDate").unwrap().as_str().unwrap(),
            b"D:20210401000509+09'00'"
        );
    }

    #[test]
    fn offsets_land_every_glyph_on_its_x() {
        let f = fonts();
        let Item::Glyphs { glyphs, .. } =
            line("令和３年度、「看取り」を考える。Lorem ipsum", 0.0, 0.37)
        else {
            unreachable!()
        };
        let texts = BTreeMap::new();
        let cps = positioned(f, R, 10.5, &glyphs, &texts);
        // Replay what a viewer does: advance by /W, then by -offset/1000 em.
        let mut x = f64::from(glyphs[0].x);
        for (g, cp) in glyphs.iter().zip(&cps) {
            assert!((x - f64::from(g.x)).abs() < 1e-3, "{x} vs {}", g.x);
            let w = (f32::from(f.glyph_advance(R, g.gid)) * (1000.0 / 2048.0)) as i64;
            x += (w as f64 - f64::from(cp.offset)) * 10.5 / 1000.0;
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut d = doc(&[(1, 2)]);
        assert!(write(&d, fonts()).unwrap_err().contains("page 3 of 2"));
        d.outline.clear();
        d.pages[0].links.push(Link {
            x: 0.0,
            y: 0.0,
            w: 1.0,
            h: 1.0,
            target: LinkTarget::Internal { page: 5, y: 0.0 },
            node: None,
        });
        assert!(write(&d, fonts()).is_err());
        d.pages[0].links.clear();
        d.pages[0].items.push(Item::Image {
            image: 0,
            x: 0.0,
            y: 0.0,
            w: 1.0,
            h: 1.0,
            tag: draw::Tag::Artifact,
        });
        assert!(write(&d, fonts()).unwrap_err().contains("image 0"));
        d.images.push(draw::Image {
            width_px: 2,
            height_px: 2,
            rgb: vec![0; 11],
            alpha: None,
            ..Default::default()
        });
        assert!(write(&d, fonts()).unwrap_err().contains("image 0"));
        assert!(write(&Document::default(), fonts()).is_err());
    }

    #[test]
    fn shared_between_threads() {
        let d = doc(&[(1, 0)]);
        let f = fonts();
        let outputs: Vec<Vec<u8>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..3).map(|_| s.spawn(|| write(&d, f).unwrap())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn uri_is_ascii() {
        assert_eq!(
            ascii_uri("https://example.jp/お知らせ?q=a b"),
            "https://example.jp/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B?q=a%20b"
        );
    }
}
