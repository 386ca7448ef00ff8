//! The style's colours, resolved once for a layout run.

use crate::pdf::draw::Rgb;
use crate::pdf::style::Style;

/// Colours of the style, resolved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Palette {
    pub text: Rgb,
    pub muted: Rgb,
    pub accent: Rgb,
    pub heading: Rgb,
    pub link: Rgb,
    pub emphasis: Rgb,
    pub rule: Rgb,
    pub tint: Rgb,
    pub quote_background: Rgb,
    pub quote_bar: Rgb,
    pub code_background: Rgb,
}

impl Palette {
    pub(crate) fn of(style: &Style) -> Palette {
        let c = &style.colors;
        Palette {
            text: c.text.0,
            muted: c.muted.0,
            accent: c.accent.0,
            heading: c.heading.0,
            link: c.link.0,
            emphasis: c.emphasis.0,
            rule: c.rule.0,
            tint: c.tint.0,
            quote_background: c.quote_background.0,
            quote_bar: c.quote_bar.0,
            code_background: c.code_background.0,
        }
    }
}
