//! What a layout run is given: fonts, style, site configuration, and the caller's resolvers
//! for links, images and margin text.

use crate::pdf::draw::{self, FontIndex};
use crate::pdf::style::Style;

use super::flow::PdfLink;

/// Which running text of a page: the kind's header or its footer (`content::kinds::PdfSpec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Margin {
    Header,
    Footer,
}

pub struct LayoutContext<'a> {
    pub fonts: &'a crate::pdf::fonts::FontSet,
    pub style: &'a Style,
    pub config: &'a crate::config::Config,
    /// Font fallback chain for regular text, resolved from `style.fonts.regular` by the caller.
    /// Empty means the built-in BIZ UDPGothic Regular (`FontIndex(0)`).
    pub regular: &'a [FontIndex],
    /// The chain for bold text (`style.fonts.bold`); empty means `FontIndex(1)`. The regular
    /// chain is appended as a fallback for characters the bold fonts lack.
    pub bold: &'a [FontIndex],
    /// The theme's `survey_colors` (theme.yaml), as the HTML renderer gets them.
    pub survey_colors: &'a [String],
    /// Resolves a Markdown link URL for the PDF (None → render the link text without a link).
    pub resolve: &'a dyn Fn(&str) -> Option<PdfLink>,
    /// Loads an image referenced by the page (already downsampled to ≤ 200 dpi for `max_width_pt`).
    pub image: &'a dyn Fn(&str, f32) -> Result<draw::Image, String>,
    /// The running header or footer of one page (1-based page number, page count).
    pub margin_text: &'a dyn Fn(Margin, usize, usize) -> String,
}
