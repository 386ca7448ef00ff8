//! The fonts of a build: parsed once, shared by all threads (`FontSet` is `Send + Sync`).
//! Shaping is rustybuzz with itemisation by a fallback chain; the same faces are handed to
//! printpdf for embedding (see `writer.rs`).

use std::sync::{Arc, OnceLock};

use rustybuzz::ttf_parser;

pub use crate::pdf::draw::FontIndex;

/// One shaped glyph. `advance` is in points at the requested size; `cluster` is the byte
/// offset of the first character it stands for in the shaped text.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedGlyph {
    pub gid: u16,
    pub advance: f32,
    pub cluster: usize,
    pub font: FontIndex,
}

pub struct FontSet {
    faces: Vec<Face>,
}

struct Face {
    name: String,
    // Declared before `data` so it is dropped first: it borrows `data`'s heap allocation.
    shaper: rustybuzz::Face<'static>,
    data: Bytes,
    units_per_em: f32,
    ascender: f32,
    descender: f32,
    /// printpdf's parse of the same bytes, made on first use by the writer.
    pdf: OnceLock<Result<printpdf::ParsedFont, String>>,
}

// rayon shares one FontSet between all render threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FontSet>();
};

/// A face's font file: the built-in fonts are borrowed from the binary, never copied; a
/// theme's or the system's is read once and shared.
enum Bytes {
    Static(&'static [u8]),
    Shared(Arc<[u8]>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Shared(b) => b,
        }
    }
}

impl Face {
    fn parse(name: String, data: Bytes) -> Result<Face, String> {
        let bytes: &'static [u8] = match &data {
            Bytes::Static(b) => b,
            // SAFETY: the slice points into the Arc's heap allocation, which never moves and
            // is freed only after `shaper` (declared first, dropped first) is gone. `shaper`
            // is only ever lent out with the lifetime of `&self` (see `Face::shaper`).
            Bytes::Shared(b) => unsafe { &*Arc::as_ptr(b) },
        };
        let ttf = ttf_parser::Face::parse(bytes, 0)
            .map_err(|e| format!("font {name}: not a usable TrueType/OpenType font ({e})"))?;
        let tables = ttf.tables();
        if tables.glyf.is_none() || tables.cff.is_some() || tables.cff2.is_some() {
            return Err(format!(
                "font {name}: not a TrueType (glyf) font; CFF/PostScript-flavoured OpenType \
                 (.otf, Noto CJK .ttc) is not supported because printpdf writes CIDs instead \
                 of glyph ids for it. Use a .ttf font"
            ));
        }
        if tables.os2.is_some() {
            let restricted = ttf.permissions() == Some(ttf_parser::Permissions::Restricted);
            if restricted || !ttf.is_subsetting_allowed() || !ttf.is_outline_embedding_allowed() {
                return Err(format!(
                    "font {name}: its licence flags (OS/2 fsType) forbid embedding a subset \
                     in a PDF"
                ));
            }
        }
        let units_per_em = f32::from(ttf.units_per_em());
        let ascender = f32::from(ttf.ascender()) / units_per_em;
        let descender = f32::from(ttf.descender()) / units_per_em;
        Ok(Face {
            name,
            shaper: rustybuzz::Face::from_face(ttf),
            data,
            units_per_em,
            ascender,
            descender,
            pdf: OnceLock::new(),
        })
    }

    fn shaper(&self) -> &rustybuzz::Face<'_> {
        &self.shaper
    }

    fn has_char(&self, c: char) -> bool {
        self.shaper().glyph_index(c).is_some_and(|g| g.0 != 0)
    }
}

impl FontSet {
    /// BIZ UDPGothic Regular = `FontIndex(0)`, Bold = `FontIndex(1)`.
    pub fn builtin() -> FontSet {
        const REGULAR: &[u8] =
            include_bytes!("../../themes/default/fonts/BIZUDPGothic-Regular.ttf");
        const BOLD: &[u8] = include_bytes!("../../themes/default/fonts/BIZUDPGothic-Bold.ttf");
        let mut set = FontSet { faces: Vec::new() };
        for (name, bytes) in [
            ("BIZUDPGothic-Regular", REGULAR),
            ("BIZUDPGothic-Bold", BOLD),
        ] {
            let face = Face::parse(name.to_owned(), Bytes::Static(bytes))
                .expect("the built-in fonts are valid TrueType");
            set.faces.push(face);
        }
        set
    }

    /// Adds a theme or system font. Only single TrueType (glyf) faces that allow subset
    /// embedding are accepted; for a collection (.ttc) the first face is used.
    pub fn add(&mut self, name: String, bytes: Vec<u8>) -> Result<FontIndex, String> {
        let face = Face::parse(name, Bytes::Shared(Arc::from(bytes)))?;
        self.faces.push(face);
        Ok(FontIndex(self.faces.len() - 1))
    }

    pub fn name(&self, f: FontIndex) -> &str {
        &self.faces[f.0].name
    }

    pub fn bytes(&self, f: FontIndex) -> &[u8] {
        &self.faces[f.0].data
    }

    pub fn has_char(&self, f: FontIndex, c: char) -> bool {
        self.faces[f.0].has_char(c)
    }

    /// Shapes `text` with the first font of `chain` that has each character (itemised into
    /// runs). Characters no font has are shaped with the font of the surrounding run (they
    /// become .notdef; `missing` reports them).
    pub fn shape(&self, text: &str, chain: &[FontIndex], size: f32) -> Vec<ShapedGlyph> {
        let mut out = Vec::with_capacity(text.len() / 2);
        for (start, end, font) in self.runs(text, chain) {
            let face = &self.faces[font.0];
            let mut buffer = rustybuzz::UnicodeBuffer::new();
            buffer.push_str(&text[start..end]);
            buffer.set_pre_context(&text[..start]);
            buffer.set_post_context(&text[end..]);
            buffer.set_direction(rustybuzz::Direction::LeftToRight);
            buffer.guess_segment_properties();
            if let Ok(lang) = "ja".parse::<rustybuzz::Language>() {
                buffer.set_language(lang);
            }
            let shaped = rustybuzz::shape(face.shaper(), &[], buffer);
            let scale = size / face.units_per_em;
            for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
                out.push(ShapedGlyph {
                    // glyf fonts have at most 65535 glyphs, so the id always fits.
                    gid: u16::try_from(info.glyph_id).unwrap_or(0),
                    advance: pos.x_advance as f32 * scale,
                    cluster: start + info.cluster as usize,
                    font,
                });
            }
        }
        out
    }

    /// Splits `text` into (start, end, font) runs by the fallback chain.
    fn runs(&self, text: &str, chain: &[FontIndex]) -> Vec<(usize, usize, FontIndex)> {
        let mut runs: Vec<(usize, usize, FontIndex)> = Vec::new();
        let Some(&first) = chain.first() else {
            return runs;
        };
        for (i, c) in text.char_indices() {
            let current = runs.last().map(|r| r.2);
            let font = match current {
                // Marks, selectors and joiners belong with the preceding character; spaces
                // stay in the current run when its font can draw them.
                Some(cur) if is_extending(c) => cur,
                Some(cur) if c.is_whitespace() && self.has_char(cur, c) => cur,
                _ => chain
                    .iter()
                    .copied()
                    .find(|&f| self.has_char(f, c))
                    .or(current)
                    .unwrap_or(first),
            };
            let end = i + c.len_utf8();
            match runs.last_mut() {
                Some(run) if run.2 == font => run.1 = end,
                _ => runs.push((i, end, font)),
            }
        }
        runs
    }

    /// Ascender in points (positive).
    pub fn ascender(&self, f: FontIndex, size: f32) -> f32 {
        self.faces[f.0].ascender * size
    }

    /// Descender in points (negative).
    pub fn descender(&self, f: FontIndex, size: f32) -> f32 {
        self.faces[f.0].descender * size
    }

    /// Characters that no font of the chain has (controls and whitespace excluded), each
    /// once, in order of appearance.
    pub fn missing(&self, text: &str, chain: &[FontIndex]) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() || is_extending(c) || out.contains(&c) {
                continue;
            }
            if !chain.iter().any(|&f| self.has_char(f, c)) {
                out.push(c);
            }
        }
        out
    }

    /// Units per em of the face (glyph advances in the PDF are thousandths of an em).
    pub(crate) fn units_per_em(&self, f: FontIndex) -> f32 {
        self.faces[f.0].units_per_em
    }

    /// Horizontal advance of a glyph in font units (0 for an unknown glyph).
    pub(crate) fn glyph_advance(&self, f: FontIndex, gid: u16) -> u16 {
        self.faces[f.0]
            .shaper()
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0)
    }

    /// The glyph of `c` in the face, if it has one.
    pub(crate) fn glyph_of(&self, f: FontIndex, c: char) -> Option<u16> {
        self.faces[f.0]
            .shaper()
            .glyph_index(c)
            .map(|g| g.0)
            .filter(|&g| g != 0)
    }

    pub(crate) fn glyph_count(&self, f: FontIndex) -> u16 {
        self.faces[f.0].shaper().number_of_glyphs()
    }

    pub(crate) fn len(&self) -> usize {
        self.faces.len()
    }

    /// printpdf's parse of the face, made once and shared by every document of the build.
    pub(crate) fn pdf_font(&self, f: FontIndex) -> Result<&printpdf::ParsedFont, String> {
        let face = &self.faces[f.0];
        face.pdf
            .get_or_init(|| {
                // A theme's font is shared as it is, a built-in one mapped from the
                // executable (`borrowed`); outlines are read in place, when first needed.
                let bytes = Arc::new(match &face.data {
                    Bytes::Static(b) => super::borrowed::font_bytes(b),
                    Bytes::Shared(b) => rust_fontconfig::FontBytes::Owned(Arc::clone(b)),
                });
                let mut warnings = Vec::new();
                printpdf::AzulParsedFont::from_bytes_shared(bytes, 0, &mut warnings)
                    .map(printpdf::ParsedFont::from_azul)
                    .ok_or_else(|| format!("font {}: printpdf cannot parse it", face.name))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Characters that never start a run of their own: combining marks used with Japanese and
/// Latin text, variation selectors, joiners.
pub(crate) fn is_extending(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{3099}'..='\u{309A}'
        | '\u{200C}'..='\u{200D}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{E0100}'..='\u{E01EF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: FontIndex = FontIndex(0);
    const B: FontIndex = FontIndex(1);

    fn fonts() -> &'static FontSet {
        static FONTS: OnceLock<FontSet> = OnceLock::new();
        FONTS.get_or_init(FontSet::builtin)
    }

    #[test]
    fn shapes_reiwa_with_hmtx_advances() {
        let f = fonts();
        let text = "「令和３年度」";
        let g = f.shape(text, &[R], 10.0);
        assert_eq!(g.len(), 7);
        let inner = &g[1..6];
        assert_eq!(inner.len(), 5, "令和３年度 is five glyphs");
        // BIZ UDPGothic: brackets 1024/2048 em, kanji 2048, full-width ３ 1556.
        let adv: Vec<f32> = g.iter().map(|x| x.advance).collect();
        let want = [5.0, 10.0, 10.0, 1556.0 / 2048.0 * 10.0, 10.0, 10.0, 5.0];
        for (a, w) in adv.iter().zip(want) {
            assert!((a - w).abs() < 1e-4, "{adv:?}");
        }
        let clusters: Vec<usize> = g.iter().map(|x| x.cluster).collect();
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        assert_eq!(clusters, starts);
        assert!(g.iter().all(|x| x.font == R && x.gid != 0));
        // Same advances in Bold for the kanji, distinct glyphs.
        let b = f.shape("令", &[B], 10.0);
        assert_eq!(b[0].advance, 10.0);
        assert_eq!(f.glyph_advance(R, g[1].gid), 2048);
    }

    #[test]
    fn missing_reports_chars_no_font_has() {
        let f = fonts();
        // 𠮷 (U+20BB7) is not in BIZ UDPGothic; 髙 is.
        assert_eq!(f.missing("吉田と𠮷田、髙橋\n 　", &[R, B]), vec!['𠮷']);
        assert!(!f.has_char(R, '𠮷'));
        assert!(f.has_char(R, '髙'));
        assert!(f.missing("", &[R]).is_empty());
        assert_eq!(f.missing("a", &[]), vec!['a']);
        // Shaping still yields a glyph (notdef) at the right cluster.
        let g = f.shape("a𠮷b", &[R], 10.0);
        assert_eq!(
            g.iter().map(|x| x.cluster).collect::<Vec<_>>(),
            vec![0, 1, 5]
        );
        assert_eq!(g[1].gid, 0);
    }

    #[test]
    fn fallback_picks_the_next_font_of_the_chain() {
        // A face with only "A", "B" and the space: subset BIZ UDPGothic with printpdf.
        let base = fonts().pdf_font(R).unwrap();
        let mut glyphs = std::collections::BTreeMap::new();
        for c in ['A', 'B', ' '] {
            glyphs.insert(base.lookup_glyph_index(c as u32).unwrap(), c.to_string());
        }
        let tiny = printpdf::subset_font(base, &glyphs).unwrap().bytes;
        let mut f = FontSet::builtin();
        let t = f.add("tiny".into(), tiny).unwrap();
        assert_eq!(t, FontIndex(2));
        assert!(f.has_char(t, 'A') && !f.has_char(t, 'あ'));

        let text = "AB あA";
        let g = f.shape(text, &[t, R], 12.0);
        let fonts: Vec<FontIndex> = g.iter().map(|x| x.font).collect();
        assert_eq!(fonts, vec![t, t, t, R, t]);
        assert_eq!(
            g.iter().map(|x| x.cluster).collect::<Vec<_>>(),
            vec![0, 1, 2, 3, 6]
        );
        assert!(g.iter().all(|x| x.gid != 0));
        assert!(f.missing(text, &[t, R]).is_empty());
        assert_eq!(f.missing(text, &[t]), vec!['あ']);
    }

    #[test]
    fn variation_sequences_shape_to_the_variant_or_the_base() {
        let f = fonts();
        let base = f.shape("辻", &[R], 10.0);
        // BIZ UDPGothic's cmap format 14 maps U+8FBB U+E0100 to glyph 12614.
        let ivs = f.shape("辻\u{E0100}", &[R], 10.0);
        assert_eq!(ivs[0].gid, 12614, "{ivs:?}");
        assert_ne!(base[0].gid, 12614);
        assert!(ivs.iter().all(|g| g.gid != 0 && g.cluster == 0), "{ivs:?}");
        let width: f32 = ivs.iter().map(|g| g.advance).sum();
        assert_eq!(width, base[0].advance);
        // No variant for あ: the base glyph, the selector hidden.
        let plain = f.shape("あ", &[R], 10.0);
        let vs = f.shape("あ\u{E0100}\u{FE00}", &[R], 10.0);
        assert_eq!(vs[0].gid, plain[0].gid);
        assert!(vs.iter().all(|g| g.gid != 0), "{vs:?}");
        assert!(f.missing("辻\u{E0100}あ\u{FE00}", &[R]).is_empty());
    }

    #[test]
    fn vertical_metrics_are_sane() {
        let f = fonts();
        // hhea: 1802 / -246 of 2048.
        let a = f.ascender(R, 10.0);
        let d = f.descender(R, 10.0);
        assert!((a - 8.799).abs() < 0.01, "{a}");
        assert!((d + 1.201).abs() < 0.01, "{d}");
        assert_eq!(f.ascender(B, 10.0), a);
        assert!(a > 0.0 && d < 0.0 && a - d > 9.0);
    }

    #[test]
    fn refuses_cff_and_garbage() {
        let mut f = FontSet { faces: Vec::new() };
        let err = f.add("junk".into(), b"not a font".to_vec()).unwrap_err();
        assert!(err.contains("junk"), "{err}");
        // BIZ UDPGothic relabelled as an OTTO font whose outlines are a `CFF ` table.
        let mut otf = fonts().bytes(R).to_vec();
        otf[..4].copy_from_slice(b"OTTO");
        let tables = usize::from(u16::from_be_bytes([otf[4], otf[5]]));
        let glyf = (0..tables)
            .map(|i| 12 + 16 * i)
            .find(|&at| &otf[at..at + 4] == b"glyf")
            .unwrap();
        otf[glyf..glyf + 4].copy_from_slice(b"CFF ");
        let err = f.add("otf".into(), otf).unwrap_err();
        assert!(err.contains("CFF") && err.contains("otf"), "{err}");
        assert_eq!(f.len(), 0);
    }

    #[test]
    fn names_and_bytes() {
        let f = fonts();
        assert_eq!(f.name(R), "BIZUDPGothic-Regular");
        assert_eq!(f.name(B), "BIZUDPGothic-Bold");
        assert_eq!(f.bytes(R).len(), 4_669_688);
        assert_eq!(f.units_per_em(R), 2048.0);
        assert!(f.glyph_count(R) > 10_000);
    }
}
