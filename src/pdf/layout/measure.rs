//! Measuring: the font chains of the style (regular and bold, each with its fallbacks) and the
//! advances and vertical metrics of text set in them. Knows fonts, nothing of lines or pages.

use crate::pdf::draw::FontIndex;
use crate::pdf::fonts::{FontSet, ShapedGlyph};

pub(crate) struct Measure<'a> {
    fonts: &'a FontSet,
    regular: Vec<FontIndex>,
    bold: Vec<FontIndex>,
}

impl<'a> Measure<'a> {
    /// The chains for regular and bold text. An empty regular chain is the built-in BIZ
    /// UDPGothic Regular (`FontIndex(0)`), an empty bold one its Bold (`FontIndex(1)`); the
    /// regular chain is appended to the bold one for characters the bold fonts lack.
    pub(crate) fn new(fonts: &'a FontSet, regular: &[FontIndex], bold: &[FontIndex]) -> Self {
        let mut regular: Vec<FontIndex> = regular.to_vec();
        if regular.is_empty() {
            regular.push(FontIndex(0));
        }
        let mut bold: Vec<FontIndex> = bold.to_vec();
        if bold.is_empty() {
            bold.push(FontIndex(1));
        }
        for f in &regular {
            if !bold.contains(f) {
                bold.push(*f);
            }
        }
        Measure {
            fonts,
            regular,
            bold,
        }
    }

    /// The font chain for regular or bold text.
    pub(crate) fn chain(&self, bold: bool) -> &[FontIndex] {
        if bold { &self.bold } else { &self.regular }
    }

    /// The glyphs of `text` in the chain, with their advances at `size`.
    pub(crate) fn shape(&self, text: &str, bold: bool, size: f32) -> Vec<ShapedGlyph> {
        self.fonts.shape(text, self.chain(bold), size)
    }

    /// Width of `text` on one line, without breaking.
    pub(crate) fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        self.shape(text, bold, size)
            .iter()
            .map(|g| g.advance)
            .filter(|a| a.is_finite())
            .sum()
    }

    /// (ascender, descender) of the first font of a chain at `size`.
    pub(crate) fn metrics(&self, bold: bool, size: f32) -> (f32, f32) {
        let f = self.chain(bold).first().copied().unwrap_or(FontIndex(0));
        let a = self.fonts.ascender(f, size);
        let d = self.fonts.descender(f, size);
        if a.is_finite() && d.is_finite() && a > 0.0 && a - d > size * 0.5 && a - d < size * 3.0 {
            (a, d)
        } else {
            (size * 0.88, -size * 0.12)
        }
    }
}
