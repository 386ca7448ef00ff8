//! The glyph check: a character that no font of the PDF has would be printed as a blank box,
//! which a reader may never notice until the newsletter is mailed. So the check looks at
//! exactly what the layout typesets (after YAML escapes, character references, templates,
//! dates, the running header and footer), not at the source: a `"\U00020BB7"` in YAML is
//! caught, an HTML comment that is never printed is not. Each missing character is then
//! reported where the author wrote it — the literal character, the YAML escape or the
//! character reference — in the page, site.yaml or the theme's pdf.yaml.
//!
//! Variation selectors (IVS such as 辻󠄀 = U+8FBB U+E0100, and U+FE00–FE0F) are not characters
//! of their own here: rustybuzz shapes the sequence to the font's variant glyph (cmap format
//! 14) when it has one and to the base glyph otherwise, and hides the selector.

use std::path::{Path, PathBuf};

use super::draw::{self, Item};
use super::fonts::{FontSet, is_extending};
use super::layout::{self, LayoutContext};
use super::{PdfContext, glyph_help};
use crate::config::Config;
use crate::content::Page;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::printed::{self, Piece};

/// Colours handed to the layout for surveys; they do not change what is typeset.
const SURVEY_COLORS: [&str; 1] = ["#000000"];

/// A text file whose pieces may be printed in a PDF.
struct SourceText {
    display: PathBuf,
    text: String,
    pieces: Vec<Piece>,
}

impl PdfContext {
    /// Every character typeset in `page`'s PDF that its font lacks: an error at each place it
    /// was written, so a blank box never reaches a reader.
    pub fn check_glyphs(&self, page: &Page, config: &Config, diags: &mut Diagnostics) {
        let doc = self.typeset(page, config);
        self.report_missing(page, &doc, diags);
    }

    /// `check_glyphs` on `doc`, the page already laid out (`render` lays it out once).
    pub(crate) fn report_missing(
        &self,
        page: &Page,
        doc: &draw::Document,
        diags: &mut Diagnostics,
    ) {
        let missing = missing_chars(doc, &self.fonts);
        if missing.is_empty() {
            return;
        }
        let mut sources = vec![page_source(page)];
        sources.extend(self.theme_sources());
        for c in missing {
            let mut found = false;
            for source in &sources {
                let (at, known) = places(source, c);
                found |= known;
                for (loc, exact) in at {
                    diags.push(self.missing_error(c, loc, exact));
                }
            }
            if !found {
                diags.push(
                    self.missing_error(c, Location::file(&page.display), false)
                        .help(format!(
                            "{} (it is printed by a template of the theme)",
                            glyph_help(c)
                        )),
                );
            }
        }
    }

    fn missing_error(&self, c: char, loc: Location, exact: bool) -> Diagnostic {
        let help = if exact {
            glyph_help(c)
        } else {
            format!(
                "{}; the position is the start of the text that contains it",
                glyph_help(c)
            )
        };
        Diagnostic::error(
            loc,
            format!(
                "U+{:04X} {c} is in no font of the PDF ({})",
                c as u32,
                self.font_names()
            ),
        )
        .help(help)
    }

    /// The page laid out as `render` lays it out, without reading images (a blank pixel
    /// stands in for each) and without links.
    fn typeset(&self, page: &Page, config: &Config) -> draw::Document {
        let spec = &page.section.spec().pdf;
        let turned;
        let style = if spec.landscape {
            turned = self.style.landscape();
            &turned
        } else {
            &self.style
        };
        let image = |_: &str, _: f32| -> Result<draw::Image, String> {
            Ok(draw::Image {
                width_px: 1,
                height_px: 1,
                rgb: vec![255; 3],
                alpha: None,
                jpeg: None,
                size_pt: None,
                encoded: None,
            })
        };
        let margin_text = |which: layout::Margin, number: usize, count: usize| -> String {
            let name = match which {
                layout::Margin::Header => spec.header,
                layout::Margin::Footer => spec.footer,
            };
            self.margin_text(name, page, config, number, count)
        };
        let colors: Vec<String> = SURVEY_COLORS.iter().map(|c| c.to_string()).collect();
        let lctx = LayoutContext {
            fonts: &self.fonts,
            style,
            config,
            regular: &self.regular,
            bold: &self.bold,
            survey_colors: &colors,
            resolve: &|_: &str| None,
            image: &image,
            margin_text: &margin_text,
        };
        layout::layout(page, &lctx)
    }

    /// site.yaml and the theme's pdf.yaml, whose strings reach the masthead, the running
    /// header and the footer.
    fn theme_sources(&self) -> Vec<SourceText> {
        let mut out = Vec::new();
        let site = Path::new(crate::config::FILE_NAME);
        if let Ok((s, _)) = crate::source::read(&self.site_yaml, site) {
            out.push(SourceText {
                pieces: printed::yaml_strings(&s.text, 0),
                display: s.display,
                text: s.text,
            });
        }
        if let Some((text, display)) = &self.style_file {
            out.push(SourceText {
                pieces: printed::yaml_strings(text, 0),
                display: display.clone(),
                text: text.clone(),
            });
        }
        out
    }
}

/// Characters drawn as .notdef (glyph 0): those of a glyph's cluster that its font lacks.
/// Controls are refused before (`content::controls`); variation selectors and joiners are
/// hidden by the shaper.
fn missing_chars(doc: &draw::Document, fonts: &FontSet) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for page in &doc.pages {
        for item in &page.items {
            let Item::Glyphs { font, glyphs, .. } = item else {
                continue;
            };
            let mut cluster = "";
            for g in glyphs {
                if !g.text.is_empty() {
                    cluster = &g.text;
                }
                if g.gid != 0 {
                    continue;
                }
                for c in cluster.chars() {
                    if !c.is_control()
                        && !is_extending(c)
                        && !fonts.has_char(*font, c)
                        && !out.contains(&c)
                    {
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

/// The page's front matter strings and Markdown text nodes.
fn page_source(page: &Page) -> SourceText {
    let text = &page.source;
    let mut pieces = Vec::new();
    if let Ok(split) = crate::content::frontmatter::split(text, &page.display) {
        let offset = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
        pieces.extend(printed::yaml_strings(split.yaml, offset(split.yaml)));
        pieces.extend(crate::content::markdown::printed_texts(
            split.body,
            offset(split.body),
        ));
    }
    SourceText {
        display: page.display.clone(),
        text: text.clone(),
        pieces,
    }
}

/// Where `c` is written in `source`: (location, exact), and whether `c` comes from this
/// source at all. A piece whose decoded text has `c` but whose raw text does not show it (a
/// named character reference, a YAML alias or a folded line) gives the start of the piece.
/// A U+FFFD that stands for a NUL byte is left to the control character check.
fn places(source: &SourceText, c: char) -> (Vec<(Location, bool)>, bool) {
    let mut out = Vec::new();
    let mut known = false;
    for piece in source.pieces.iter().filter(|p| p.text.contains(c)) {
        known = true;
        let hits: Vec<usize> = piece
            .spelled(&source.text)
            .into_iter()
            .filter(|s| s.c == c)
            .map(|s| s.at)
            .collect();
        let exact = !hits.is_empty();
        let at: Vec<usize> = if exact {
            hits.into_iter()
                .filter(|&a| !source.text[a..].starts_with('\0'))
                .collect()
        } else {
            vec![piece.raw.start]
        };
        for a in at {
            let (line, column) = printed::line_col(&source.text, a);
            let loc = Location::new(&source.display, line, column);
            if !out.iter().any(|(l, _)| *l == loc) {
                out.push((loc, exact));
            }
        }
    }
    (out, known)
}
