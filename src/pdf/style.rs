//! The PDF look of a theme: `themes/<name>/pdf.yaml` (page size, margins, fonts and their
//! fallback order, sizes, colours, spacing, running header and footer).
//!
//! Every key is optional; a missing key keeps the default below, which is exactly what the
//! default theme's `pdf.yaml` says. Lengths are written `22mm`, `2cm`, `10.5pt` or as a bare
//! number of points; colours as `#1d4f91` or `#fff`.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::diag::{Diagnostic, Location};
use crate::pdf::draw::Rgb;

/// A length in PDF points, written in pdf.yaml as `22mm`, `2cm`, `1in`, `10pt` or `10`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Length(pub f32);

impl Length {
    pub fn mm(mm: f32) -> Length {
        Length(mm * (72.0 / 25.4))
    }
    pub fn pt(self) -> f32 {
        self.0
    }

    pub fn parse(s: &str) -> Option<Length> {
        let s = s.trim();
        let (num, factor) = if let Some(n) = s.strip_suffix("mm") {
            (n, 72.0 / 25.4)
        } else if let Some(n) = s.strip_suffix("cm") {
            (n, 72.0 / 2.54)
        } else if let Some(n) = s.strip_suffix("in") {
            (n, 72.0)
        } else if let Some(n) = s.strip_suffix("pt") {
            (n, 1.0)
        } else {
            (s, 1.0)
        };
        let v: f32 = num.trim().parse().ok()?;
        v.is_finite().then_some(Length(v * factor))
    }
}

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Length;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a length such as `20mm`, `1.5cm` or `10.5pt`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Length, E> {
                Length::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "`{v}` is not a length (write e.g. `20mm`, `1.5cm` or `10.5pt`)"
                    ))
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Length, E> {
                Ok(Length(v as f32))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Length, E> {
                Ok(Length(v as f32))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Length, E> {
                Ok(Length(v as f32))
            }
        }
        d.deserialize_any(V)
    }
}

/// A colour, written `#1d4f91` or `#fff`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color(pub Rgb);

impl Color {
    pub fn hex(s: &str) -> Color {
        Color(Rgb::parse_hex(s).unwrap_or(Rgb::BLACK))
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Rgb::parse_hex(&s).map(Color).ok_or_else(|| {
            de::Error::custom(format!(
                "`{s}` is not a colour (write it as `#1d4f91` or `#fff`, in quotes)"
            ))
        })
    }
}

/// Left, centre or right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HAlign {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Style {
    pub page: PageSize,
    pub margins: Margins,
    pub fonts: Fonts,
    pub text: Text,
    pub headings: Headings,
    pub colors: Colors,
    pub header: Header,
    pub footer: Footer,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageSize {
    pub width: Length,
    pub height: Length,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Margins {
    pub top: Length,
    pub bottom: Length,
    pub left: Length,
    pub right: Length,
}

/// Font names, in fallback order; the lead resolves them to `FontIndex` chains.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fonts {
    pub regular: Vec<String>,
    pub bold: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Text {
    /// Body size, pt.
    pub size: f32,
    /// Line pitch as a multiple of the size.
    pub line_height: f32,
    /// Space between paragraphs and other blocks, in em of the body size.
    pub paragraph_space: f32,
    /// First-line indent of body paragraphs, in em (Japanese prose often uses 1).
    pub indent: f32,
    /// Justify body paragraphs (every line but the last flush with both edges).
    pub justify: bool,
    /// 和欧間: the gap between Japanese and Western characters, in em.
    pub western_gap: f32,
    /// Tables, the event information box and survey legends, pt.
    pub table_size: f32,
    /// Code blocks and inline code, pt (inline code keeps the surrounding size when larger).
    pub code_size: f32,
    /// Footnotes, pt.
    pub footnote_size: f32,
    /// Running header and footer, captions, pt.
    pub small_size: f32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Headings {
    /// The page title (h1) and the newsletter masthead name, pt.
    pub title: f32,
    /// `##`, pt; drawn with a rule underneath.
    pub h2: f32,
    /// `###`, pt.
    pub h3: f32,
    /// `####` and deeper, pt.
    pub h4: f32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Colors {
    pub text: Color,
    pub muted: Color,
    pub accent: Color,
    /// Headings' text.
    pub heading: Color,
    pub link: Color,
    /// Emphasis (`*…*`): Japanese fonts have no italic, so it takes this colour instead.
    pub emphasis: Color,
    /// Thin rules, table and box borders.
    pub rule: Color,
    /// Light accent tint: table header row, label column of the information box.
    pub tint: Color,
    /// Quotation background and bar.
    pub quote_background: Color,
    pub quote_bar: Color,
    /// Inline code and code block background.
    pub code_background: Color,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Header {
    /// Template for newsletter issues (rendered by `LayoutContext::margin_text`).
    pub newsletter: String,
    /// Template for training announcements.
    pub event: String,
    /// Template for other pages.
    pub page: String,
    /// Template for meeting handouts (会議資料).
    pub handout: String,
    pub align: HAlign,
    /// Show the header on the first page too (where the masthead already says it all).
    pub first_page: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Footer {
    pub text: String,
    /// The page number of meeting handouts (会議資料), whose title page has none.
    pub handout: String,
    pub align: HAlign,
}

impl Default for PageSize {
    fn default() -> Self {
        PageSize {
            width: Length::mm(210.0),
            height: Length::mm(297.0),
        }
    }
}

impl Default for Margins {
    fn default() -> Self {
        Margins {
            top: Length::mm(22.0),
            bottom: Length::mm(20.0),
            left: Length::mm(20.0),
            right: Length::mm(20.0),
        }
    }
}

impl Default for Fonts {
    fn default() -> Self {
        Fonts {
            regular: vec!["BIZ UDPGothic".into()],
            bold: vec!["BIZ UDPGothic Bold".into()],
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text {
            size: 10.5,
            line_height: 1.75,
            paragraph_space: 0.6,
            indent: 0.0,
            justify: true,
            western_gap: 0.25,
            table_size: 9.5,
            code_size: 9.0,
            footnote_size: 9.0,
            small_size: 8.5,
        }
    }
}

impl Default for Headings {
    fn default() -> Self {
        Headings {
            title: 18.0,
            h2: 14.0,
            h3: 12.0,
            h4: 10.5,
        }
    }
}

impl Default for Colors {
    fn default() -> Self {
        Colors {
            text: Color::hex("#1a1a1a"),
            muted: Color::hex("#555555"),
            accent: Color::hex("#1d4f91"),
            heading: Color::hex("#15396b"),
            link: Color::hex("#1d4f91"),
            emphasis: Color::hex("#8a4b00"),
            rule: Color::hex("#b8c2cc"),
            tint: Color::hex("#e9eff7"),
            quote_background: Color::hex("#f1f4f7"),
            quote_bar: Color::hex("#8fa7bf"),
            code_background: Color::hex("#eef0f2"),
        }
    }
}

impl Default for Header {
    fn default() -> Self {
        Header {
            newsletter: "{{ site.newsletter_name }} {{ number | issue_number }}".into(),
            event: "{{ site.title }}　研修会のご案内".into(),
            page: "{{ site.title }}".into(),
            handout: "{{ meeting }}　{{ number | handout_number }}".into(),
            align: HAlign::Right,
            first_page: false,
        }
    }
}

impl Default for Footer {
    fn default() -> Self {
        Footer {
            text: "{{ page_number }} / {{ page_count }}".into(),
            handout: "{{ page_number | num }}".into(),
            align: HAlign::Center,
        }
    }
}

/// The default theme's pdf.yaml, for `tsushin` to embed and for tests.
pub const DEFAULT_YAML: &str = include_str!("../../themes/default/pdf.yaml");

/// Parses a theme's `pdf.yaml`; `file` is the path shown in diagnostics.
pub fn parse(text: &str, file: &Path) -> Result<Style, Diagnostic> {
    let style: Style = if text.trim().is_empty() {
        Style::default()
    } else {
        crate::yaml::parse(text, file, 1)?
    };
    style.check(file)?;
    Ok(style)
}

impl Style {
    /// Values that parse but cannot make a page.
    fn check(&self, file: &Path) -> Result<(), Diagnostic> {
        let bad =
            |msg: String, help: &str| Err(Diagnostic::error(Location::file(file), msg).help(help));
        let (w, h) = (self.page.width.pt(), self.page.height.pt());
        if !(100.0..=14400.0).contains(&w) || !(100.0..=14400.0).contains(&h) {
            return bad(
                format!("page size {w:.0} × {h:.0} pt is not usable"),
                "A4 is `width: 210mm`, `height: 297mm`",
            );
        }
        let m = &self.margins;
        let margins = [m.top.pt(), m.bottom.pt(), m.left.pt(), m.right.pt()];
        if margins.iter().any(|v| !(0.0..=w.min(h)).contains(v))
            || w - m.left.pt() - m.right.pt() < 72.0
            || h - m.top.pt() - m.bottom.pt() < 144.0
        {
            return bad(
                "the margins leave too little room for text".into(),
                "margins are lengths such as `20mm`; the text area must stay at least 1 × 2 inches",
            );
        }
        let t = &self.text;
        let sizes = [
            ("text.size", t.size),
            ("text.table_size", t.table_size),
            ("text.code_size", t.code_size),
            ("text.footnote_size", t.footnote_size),
            ("text.small_size", t.small_size),
            ("headings.title", self.headings.title),
            ("headings.h2", self.headings.h2),
            ("headings.h3", self.headings.h3),
            ("headings.h4", self.headings.h4),
        ];
        for (key, v) in sizes {
            if !(4.0..=72.0).contains(&v) {
                return bad(
                    format!("`{key}: {v}` is not a usable font size"),
                    "font sizes are in points, between 4 and 72",
                );
            }
        }
        if !(1.0..=3.0).contains(&t.line_height) {
            return bad(
                format!("`text.line_height: {}` is out of range", t.line_height),
                "the line pitch is a multiple of the size, e.g. 1.75",
            );
        }
        if !(0.0..=5.0).contains(&t.paragraph_space)
            || !(0.0..=4.0).contains(&t.indent)
            || !(0.0..=1.0).contains(&t.western_gap)
        {
            return bad(
                "`text.paragraph_space`, `text.indent` or `text.western_gap` is out of range"
                    .into(),
                "they are in em: paragraph_space 0–5, indent 0–4, western_gap 0–1",
            );
        }
        if self.fonts.regular.is_empty() || self.fonts.bold.is_empty() {
            return bad(
                "`fonts.regular` and `fonts.bold` need at least one font".into(),
                "e.g. `regular: [BIZ UDPGothic]`",
            );
        }
        Ok(())
    }

    /// The text area: (left, bottom, width, height) in PDF points.
    /// The same style on the page turned to landscape (a portrait size swapped).
    pub fn landscape(&self) -> Style {
        let mut s = self.clone();
        if s.page.width.pt() < s.page.height.pt() {
            std::mem::swap(&mut s.page.width, &mut s.page.height);
        }
        s
    }

    pub fn body_box(&self) -> (f32, f32, f32, f32) {
        let m = &self.margins;
        (
            m.left.pt(),
            m.bottom.pt(),
            self.page.width.pt() - m.left.pt() - m.right.pt(),
            self.page.height.pt() - m.top.pt() - m.bottom.pt(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_yaml_is_the_default() {
        let s = parse(DEFAULT_YAML, Path::new("themes/default/pdf.yaml")).unwrap();
        assert_eq!(s, Style::default());
    }

    #[test]
    fn lengths_and_colours() {
        assert!((Length::parse("25.4mm").unwrap().pt() - 72.0).abs() < 1e-3);
        assert_eq!(Length::parse("10.5pt"), Some(Length(10.5)));
        assert_eq!(Length::parse("12"), Some(Length(12.0)));
        assert_eq!(Length::parse("12px"), None);
        let s = parse(
            "text:\n  size: 11\ncolors:\n  accent: \"#000\"\n",
            Path::new("p.yaml"),
        )
        .unwrap();
        assert_eq!(s.text.size, 11.0);
        assert_eq!(s.text.line_height, 1.75);
        assert_eq!(s.colors.accent.0, Rgb(0.0, 0.0, 0.0));
    }

    #[test]
    fn mistakes_are_located() {
        let e = parse("colors:\n  accent: blue\n", Path::new("p.yaml")).unwrap_err();
        assert_eq!(e.location.line, 2);
        let e = parse("margins:\n  top: 20px\n", Path::new("p.yaml")).unwrap_err();
        assert!(e.message.contains("length"), "{}", e.message);
        let e = parse("colours:\n  accent: \"#000\"\n", Path::new("p.yaml")).unwrap_err();
        assert!(e.message.contains("colours"), "{}", e.message);
        let e = parse(
            "margins:\n  left: 110mm\n  right: 110mm\n",
            Path::new("p.yaml"),
        )
        .unwrap_err();
        assert!(e.message.contains("margins"));
        assert!(parse("", Path::new("p.yaml")).is_ok());
    }
}
