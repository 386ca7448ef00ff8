//! `draw::Document` → PDF bytes. printpdf writes pages, fonts (Identity-H CID TrueType,
//! subset, with ToUnicode), images and link annotations; lopdf then adds what printpdf
//! cannot: a hierarchical outline with exact positions, the Info dictionary, `/Lang`,
//! viewer preferences, a deterministic file ID.
//!
//! Images are encoded by `pdf::image::encode` (JPEG for photos, lossless Flate with PNG
//! predictors for the rest) and handed to printpdf as ready-made image XObject streams:
//! printpdf's own `RawImage` path could only write uncompressed-then-Flate pixels.
//!
//! `page` turns one page's items into content-stream operators, `spans` groups its glyph runs
//! into the marked content and ActualText spans readers see, `catalog` does the lopdf part.

mod catalog;
mod page;
mod spans;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use printpdf::{
    DictItem, ExternalStream, ExternalXObject, FontId, PdfDocument, PdfFont, PdfPage,
    PdfParseErrorSeverity, PdfSaveOptions, Px, XObject, XObjectId,
};

use crate::pdf::draw::{self, Document, FontIndex, Item};
use crate::pdf::fonts::FontSet;
use crate::pdf::image::Filter;
use crate::pdf::tags;

pub fn write(doc: &Document, fonts: &FontSet) -> Result<Vec<u8>, String> {
    if doc.pages.is_empty() {
        return Err("the document has no pages".into());
    }
    let mut pdf = PdfDocument::new(&doc.info.title);

    let spans: Vec<spans::TextSpans> = doc
        .pages
        .iter()
        .map(|p| spans::TextSpans::of(p, fonts))
        .collect();
    let glyphs = used_glyphs(doc, fonts, &spans)?;
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
    for ((n, page), spans) in doc.pages.iter().enumerate().zip(&spans) {
        let mut marker = tags::Marker::new(&doc.structure);
        let res = page::Resources {
            fonts,
            glyphs: &glyphs,
            font_ids: &font_ids,
            image_ids: &image_ids,
            page_count: doc.pages.len(),
        };
        let ops = page::page_ops(page, spans, &res, &mut marker)
            .map_err(|e| format!("page {}: {e}", n + 1))?;
        marks.push(marker.mcids);
        let page_rect = page::rect(0.0, 0.0, page.width, page.height, None);
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

    catalog::finish(&mut lo, doc, &marks)?;
    catalog::compress(&mut lo);
    catalog::save_with_stable_id(&mut lo)
}

/// For each font, every glyph used and the text it stands for. One text per glyph id:
/// ToUnicode maps glyphs, not occurrences, so the first non-empty text wins everywhere.
/// A run that opens a span after a gap starts with the font's space (see `spans`).
fn used_glyphs(
    doc: &Document,
    fonts: &FontSet,
    spans: &[spans::TextSpans],
) -> Result<BTreeMap<FontIndex, BTreeMap<u16, String>>, String> {
    let mut used: BTreeMap<FontIndex, BTreeMap<u16, String>> = BTreeMap::new();
    for (page, spans) in doc.pages.iter().zip(spans) {
        for (index, lead) in spans.leads() {
            if let Some(Item::Glyphs { font, .. }) = page.items.get(index)
                && font.0 < fonts.len()
            {
                used.entry(*font)
                    .or_default()
                    .insert(lead.gid, " ".to_owned());
            }
        }
    }
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
