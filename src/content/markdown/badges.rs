//! Status badges in the text: 【開催予定】【実施済】【延期】【中止】【継続実施中】【NEW】, as
//! meeting handouts mark the state of each item, become [`Inline::Badge`] so that the page
//! shows them as the trainings' status badges and the PDF as coloured marks. Any other text in
//! 【】 (【日 時】, 【第１号】) stays text.

use crate::content::model::{Badge, Block, Document, Inline};

/// Turns the badges written in `doc`'s text into badge inlines.
pub(crate) fn mark(doc: &mut Document) {
    blocks(&mut doc.blocks);
    for note in &mut doc.footnotes {
        blocks(&mut note.blocks);
    }
}

fn blocks(list: &mut [Block]) {
    for block in list {
        match block {
            Block::Heading { content, .. } | Block::Paragraph(content) => inlines(content),
            Block::List { items, .. } => {
                for item in items {
                    blocks(&mut item.blocks);
                }
            }
            Block::BlockQuote(inner) => blocks(inner),
            Block::Table { header, rows, .. } => {
                header.iter_mut().for_each(inlines);
                rows.iter_mut().flatten().for_each(inlines);
            }
            Block::Code { .. } | Block::Rule | Block::Survey(_) | Block::Html(_) => {}
        }
    }
}

fn inlines(list: &mut Vec<Inline>) {
    let mut out = Vec::with_capacity(list.len());
    for inline in std::mem::take(list) {
        match inline {
            Inline::Text(t) => split(&t, &mut out),
            Inline::Emph(mut c) => {
                inlines(&mut c);
                out.push(Inline::Emph(c));
            }
            Inline::Strong(mut c) => {
                inlines(&mut c);
                out.push(Inline::Strong(c));
            }
            Inline::Strike(mut c) => {
                inlines(&mut c);
                out.push(Inline::Strike(c));
            }
            other => out.push(other),
        }
    }
    *list = out;
}

/// `text` as text and badges, in order.
fn split(text: &str, out: &mut Vec<Inline>) {
    let mut rest = text;
    let mut plain = String::new();
    while let Some(open) = rest.find('【') {
        let after = &rest[open + '【'.len_utf8()..];
        let badge = after
            .find('】')
            .and_then(|close| Some((Badge::parse(&after[..close])?, close)));
        match badge {
            Some((b, close)) => {
                plain.push_str(&rest[..open]);
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(Inline::Badge(b));
                rest = &after[close + '】'.len_utf8()..];
            }
            None => {
                plain.push_str(&rest[..open + '【'.len_utf8()]);
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::event::Status;

    #[test]
    fn badges_are_split_out_and_other_brackets_stay() {
        let mut out = Vec::new();
        split("① 説明会【実施済】【NEW】と【日 時】【延期", &mut out);
        assert_eq!(
            out,
            vec![
                Inline::Text("① 説明会".into()),
                Inline::Badge(Badge::Status(Status::Held)),
                Inline::Badge(Badge::New),
                Inline::Text("と【日 時】【延期".into()),
            ]
        );
    }
}
