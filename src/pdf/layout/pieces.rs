//! Inline content → pieces for line composition: emphasis, links and footnote references
//! become run styles (links resolved, `Link` and `Reference` structure elements made, the first
//! reference to each footnote recorded); adjacent runs of one style are merged.

use crate::content::model::Inline;
use crate::pdf::draw::Role;

use super::engine::Engine;
use super::flow::{PdfLink, footnote_id, footnote_ref_id};
use super::inline::{Piece, Run, RunStyle};

impl Engine<'_> {
    /// Flattens inline content into pieces; adjacent runs of one style are merged.
    pub(crate) fn pieces(&mut self, inlines: &[Inline], base: &RunStyle) -> Vec<Piece> {
        let mut out = Vec::new();
        self.flatten(inlines, base, &mut out);
        out
    }

    fn flatten(&mut self, inlines: &[Inline], base: &RunStyle, out: &mut Vec<Piece>) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => push_run(out, clean(t), base.clone(), None),
                Inline::Code(t) => {
                    let mut s = base.clone();
                    s.code = true;
                    push_run(out, clean(t), s, None)
                }
                Inline::Emph(c) => {
                    let mut s = base.clone();
                    if s.link.is_none() {
                        s.color = self.colors.emphasis;
                    }
                    self.flatten(c, &s, out)
                }
                Inline::Strong(c) => self.flatten(c, &base.clone().bold(), out),
                Inline::Strike(c) => self.flatten(c, &base.clone().struck(true), out),
                Inline::Link { url, content, .. } => match (self.ctx.resolve)(url) {
                    Some(link) => {
                        let mut s = base.clone();
                        s.link = Some(link);
                        s.node = Some(self.inline_node(Role::Link));
                        s.color = self.colors.link;
                        s.underline = true;
                        self.flatten(content, &s, out)
                    }
                    None => self.flatten(content, base, out),
                },
                Inline::Image { url, title, alt } => out.push(Piece::Image {
                    url: url.clone(),
                    alt: alt.clone(),
                    title: title.clone(),
                }),
                Inline::HardBreak => out.push(Piece::Break),
                Inline::FootnoteRef { index } => {
                    let Some(n) = self.page.doc.footnotes.get(*index).map(|f| f.number) else {
                        continue;
                    };
                    let first = !self.footnote_refs.contains(&n);
                    self.footnote_refs.push(n);
                    let mut s = base.clone();
                    s.size = base.size * 0.62;
                    s.rise = base.size * 0.38;
                    s.link = Some(PdfLink::Anchor(footnote_id(n)));
                    let reference = self.inline_node(Role::Reference);
                    s.node = Some(self.inline_child(Role::Link, reference));
                    s.color = self.colors.link;
                    s.underline = false;
                    s.strike = false;
                    s.code = false;
                    out.push(Piece::Run(Run {
                        text: n.to_string(),
                        style: s,
                        anchor: first.then(|| footnote_ref_id(n)),
                    }))
                }
                Inline::Html(_) => {}
                Inline::Badge(b) => {
                    let look = super::flyer::badge_look(*b);
                    let mut s = base.clone().bold().nowrap();
                    s.size = base.size * 0.9;
                    s.color = look.text;
                    s.badge = Some((look.fill, look.border));
                    s.underline = false;
                    // Spaces keep the box off the text on either side.
                    push_run(out, " ".into(), base.clone(), None);
                    push_run(out, b.label().to_owned(), s, None);
                    push_run(out, " ".into(), base.clone(), None);
                }
            }
        }
    }
}

/// Text as it should be typeset: tabs become spaces, other control characters go.
fn clean(t: &str) -> String {
    t.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

fn push_run(out: &mut Vec<Piece>, text: String, style: RunStyle, anchor: Option<String>) {
    if text.is_empty() && anchor.is_none() {
        return;
    }
    if anchor.is_none()
        && let Some(Piece::Run(last)) = out.last_mut()
        && last.style == style
    {
        last.text.push_str(&text);
        return;
    }
    out.push(Piece::Run(Run {
        text,
        style,
        anchor,
    }));
}
