//! The printed text of a Markdown body with its place in the file, for checks that report a
//! decoded character (missing PDF glyph, control character) where the author typed it. It
//! lives here because it must parse exactly as `parse` does (same comrak options); the
//! position mapping itself is `crate::printed`'s.

use comrak::nodes::NodeValue;

use crate::printed::{Escapes, Piece};

/// The printed text nodes of a Markdown body that starts at byte `offset` of the file's
/// text: text, inline code and code blocks (survey blocks included). Raw HTML (comments too)
/// is never printed in the PDF and left out.
pub fn printed_texts(body: &str, offset: usize) -> Vec<Piece> {
    let parsed = body.replace('\0', "\u{FFFD}");
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, &parsed, &super::options());
    let mut out = Vec::new();
    for node in root.descendants() {
        let data = node.data();
        let (text, escapes) = match &data.value {
            NodeValue::Text(t) => (t.to_string(), Escapes::Markdown),
            NodeValue::Code(c) => (c.literal.clone(), Escapes::None),
            NodeValue::CodeBlock(c) => (c.literal.clone(), Escapes::None),
            _ => continue,
        };
        let pos = data.sourcepos;
        let start = byte_offset_of(body, pos.start.line, pos.start.column);
        // The end column is inclusive: up to the end of that character.
        let end_char = byte_offset_of(body, pos.end.line, pos.end.column);
        let end = body[end_char..]
            .chars()
            .next()
            .map_or(body.len(), |c| end_char + c.len_utf8());
        out.push(Piece {
            text,
            raw: offset + start..offset + end.max(start),
            escapes,
        });
    }
    out
}

/// Byte offset of 1-based (line, column in bytes, as comrak reports it) in `text`, moved back
/// to the start of the character it falls in and clamped to the text.
fn byte_offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut at = (start + column.saturating_sub(1)).min(line_end);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printed::line_col;

    #[test]
    fn references_map_back_to_their_place() {
        let md = "前文\n\n<!-- 𠮷 -->\n\n本日は&#x20BB7;田さん `&#1;`\n";
        let pieces = printed_texts(md, 0);
        assert!(pieces.iter().all(|p| !p.text.contains("<!--")));
        let hits: Vec<(usize, usize)> = pieces
            .iter()
            .flat_map(|p| p.spelled(md))
            .filter(|s| s.c == '𠮷')
            .map(|s| line_col(md, s.at))
            .collect();
        assert_eq!(hits, [(5, 4)]);
        // In code, a reference is printed as written.
        assert!(
            pieces
                .iter()
                .flat_map(|p| p.spelled(md))
                .all(|s| s.c != '\u{1}')
        );
    }
}
