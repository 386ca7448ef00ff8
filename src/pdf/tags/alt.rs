//! Images need a description in a PDF for screen readers: an image without alternative
//! text is an error for the PDF (a warning for the HTML), unless its author marks it as
//! decorative by writing `-` as its alternative text: `![-](kazari.png)`. A decorative image
//! is drawn as an artifact, and the HTML gives it `alt=""`.

use crate::content::Page;
use crate::content::model::{Block, DECORATIVE, Inline, UrlKind};
use crate::diag::{Diagnostic, Location};

/// One error per image of `page` that has neither a description nor the decorative mark,
/// located where the image is written.
pub fn missing(page: &Page) -> Vec<Diagnostic> {
    let mut images: Vec<(&str, &str)> = Vec::new();
    for b in &page.doc.blocks {
        block_images(b, &mut images);
    }
    for f in &page.doc.footnotes {
        for b in &f.blocks {
            block_images(b, &mut images);
        }
    }
    let mut out = Vec::new();
    // The n-th image with a URL is the n-th image reference with that URL.
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (url, alt) in images {
        let n = seen.entry(url).or_insert(0);
        let nth = *n;
        *n += 1;
        if !alt.trim().is_empty() {
            continue;
        }
        let at = page
            .doc
            .refs
            .iter()
            .filter(|r| r.kind == UrlKind::Image && r.url == url)
            .nth(nth)
            .map(|r| Location::new(&page.display, r.line, r.column))
            .unwrap_or_else(|| Location::file(&page.display));
        out.push(
            Diagnostic::error(
                at,
                format!("image `{url}` has no alternative text, which the PDF needs for screen readers"),
            )
            .help(format!(
                "describe the picture between the brackets: ![研修会の会場の様子]({url}); for a purely decorative image write ![{DECORATIVE}]({url})"
            )),
        );
    }
    out
}

fn block_images<'a>(block: &'a Block, out: &mut Vec<(&'a str, &'a str)>) {
    match block {
        Block::Heading { content, .. } | Block::Paragraph(content) => inline_images(content, out),
        Block::List { items, .. } => {
            for i in items {
                for b in &i.blocks {
                    block_images(b, out);
                }
            }
        }
        Block::BlockQuote(inner) => {
            for b in inner {
                block_images(b, out);
            }
        }
        Block::Table { header, rows, .. } => {
            for cell in header.iter().chain(rows.iter().flatten()) {
                inline_images(cell, out);
            }
        }
        Block::Code { .. } | Block::Rule | Block::Survey(_) | Block::Html(_) => {}
    }
}

fn inline_images<'a>(inlines: &'a [Inline], out: &mut Vec<(&'a str, &'a str)>) {
    for i in inlines {
        match i {
            Inline::Image { url, alt, .. } => out.push((url, alt)),
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => inline_images(c, out),
            Inline::Link { content, .. } => inline_images(content, out),
            _ => {}
        }
    }
}
