//! Soft line breaks of the Markdown source: a break between two Japanese characters vanishes,
//! any other reads as a space (`japanese::soft_break_vanishes`, the one rule for both
//! outputs); adjacent text is merged.

use comrak::nodes::{AstNode, NodeValue};

use crate::content::model::Inline;

/// An inline before soft breaks are resolved.
pub(super) enum Piece {
    Inline(Inline),
    SoftBreak,
}

/// The text of an image description; nested markup is dropped, soft breaks follow the usual rule.
pub(super) fn alt_text<'a>(image: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    let mut pending_break = false;
    for node in image.descendants().skip(1) {
        let data = node.data();
        let text = match &data.value {
            NodeValue::Text(text) => text.as_ref(),
            NodeValue::Code(code) => code.literal.as_str(),
            NodeValue::SoftBreak | NodeValue::LineBreak => {
                pending_break = true;
                continue;
            }
            _ => continue,
        };
        if text.is_empty() {
            continue;
        }
        if pending_break && !out.is_empty() && needs_space(out.chars().last(), text.chars().next())
        {
            out.push(' ');
        }
        pending_break = false;
        out.push_str(text);
    }
    out
}

/// Turns soft breaks into nothing or a space and merges adjacent text.
pub(super) fn resolve_soft_breaks(pieces: Vec<Piece>) -> Vec<Inline> {
    // Decide every separator before consuming the pieces: both neighbours are needed.
    let separators: Vec<bool> = (0..pieces.len())
        .map(|i| match pieces[i] {
            Piece::SoftBreak => {
                // Skipping a few pieces without text is enough; unbounded would be quadratic.
                let before = pieces[..i].iter().rev().take(8).find_map(piece_last_char);
                let after = pieces[i + 1..].iter().take(8).find_map(piece_first_char);
                needs_space(before, after)
            }
            Piece::Inline(_) => false,
        })
        .collect();

    let mut out: Vec<Inline> = Vec::new();
    for (piece, space) in pieces.into_iter().zip(separators) {
        match piece {
            Piece::SoftBreak if space => push_text(&mut out, " "),
            Piece::SoftBreak => {}
            Piece::Inline(Inline::Text(text)) => push_text(&mut out, &text),
            Piece::Inline(inline) => out.push(inline),
        }
    }
    out
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Inline::Text(text.to_string()));
    }
}

fn needs_space(before: Option<char>, after: Option<char>) -> bool {
    !matches!((before, after), (Some(a), Some(b)) if crate::japanese::soft_break_vanishes(a, b))
}

fn piece_last_char(piece: &Piece) -> Option<char> {
    match piece {
        Piece::Inline(inline) => last_char(inline),
        Piece::SoftBreak => Some(' '),
    }
}

fn piece_first_char(piece: &Piece) -> Option<char> {
    match piece {
        Piece::Inline(inline) => first_char(inline),
        Piece::SoftBreak => Some(' '),
    }
}

/// The last character a reader sees in `inline`; `None` for what has no text (skipped over).
fn last_char(inline: &Inline) -> Option<char> {
    match inline {
        Inline::Text(t) | Inline::Code(t) => t.chars().next_back(),
        Inline::Image { alt, .. } => alt.chars().next_back(),
        Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => {
            c.iter().rev().find_map(last_char)
        }
        Inline::Link { content, .. } => content.iter().rev().find_map(last_char),
        Inline::HardBreak => Some('\n'),
        Inline::Badge(_) => Some('】'),
        Inline::FootnoteRef { .. } | Inline::Html(_) => None,
    }
}

fn first_char(inline: &Inline) -> Option<char> {
    match inline {
        Inline::Text(t) | Inline::Code(t) => t.chars().next(),
        Inline::Image { alt, .. } => alt.chars().next(),
        Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => c.iter().find_map(first_char),
        Inline::Link { content, .. } => content.iter().find_map(first_char),
        Inline::HardBreak => Some('\n'),
        Inline::Badge(_) => Some('【'),
        Inline::FootnoteRef { .. } | Inline::Html(_) => None,
    }
}
