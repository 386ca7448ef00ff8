//! Where printed text was written. Checks that look at what readers get (missing PDF glyphs,
//! control characters) see decoded text: YAML escapes (`"\U00020BB7"`), numeric character
//! references (`&#x20BB7;`), template output. To report a problem at the place the author
//! typed it, this module lists the text pieces of a source file with their raw byte range
//! (YAML string scalars here; Markdown text nodes in `content::markdown::printed_texts`), and
//! maps a decoded character back to the escape or literal that produced it.

use std::ops::Range;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// How the raw text of a piece is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escapes {
    /// As written (plain and single-quoted YAML, block scalars, code).
    None,
    /// A double-quoted YAML scalar: `\x..`, `\u....`, `\U........`, `\0`, `\e`, `\N`, ….
    YamlDouble,
    /// Markdown text: numeric character references (`&#x20BB7;`, `&#134071;`).
    Markdown,
}

/// One piece of text as decoded, with the byte range of its raw form in the file's text.
#[derive(Debug, Clone)]
pub struct Piece {
    pub text: String,
    pub raw: Range<usize>,
    pub escapes: Escapes,
}

/// A character of a piece: its byte range in the file and the character it decodes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spelled {
    pub at: usize,
    pub c: char,
    /// Written as an escape or character reference rather than literally.
    pub escaped: bool,
}

impl Piece {
    /// Every character of the raw text with what it decodes to (positions in the file's text).
    pub fn spelled(&self, file_text: &str) -> Vec<Spelled> {
        let raw = file_text.get(self.raw.clone()).unwrap_or("");
        let start = self.raw.start;
        let mut out = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            let rest = &raw[i..];
            let decoded = match self.escapes {
                Escapes::YamlDouble if rest.starts_with('\\') => yaml_escape(rest),
                Escapes::Markdown if rest.starts_with("&#") => char_reference(rest),
                // comrak reads NUL as U+FFFD (see `content::markdown::printed_texts`).
                Escapes::Markdown if rest.starts_with('\0') => Some(('\u{FFFD}', 1)),
                _ => None,
            };
            match decoded {
                Some((c, len)) => {
                    out.push(Spelled {
                        at: start + i,
                        c,
                        escaped: true,
                    });
                    i += len;
                }
                None => {
                    let c = rest.chars().next().unwrap_or(' ');
                    out.push(Spelled {
                        at: start + i,
                        c,
                        escaped: false,
                    });
                    i += c.len_utf8();
                }
            }
        }
        out
    }
}

/// The largest char boundary of `text` at or before `at`.
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn hex_char(digits: &str) -> Option<char> {
    u32::from_str_radix(digits, 16)
        .ok()
        .and_then(char::from_u32)
}

/// A YAML double-quoted escape at the start of `s`: (character, length in bytes).
fn yaml_escape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let fixed = |n: usize| s.get(2..2 + n).and_then(hex_char).map(|c| (c, 2 + n));
    match b.get(1)? {
        b'x' => fixed(2),
        b'u' => fixed(4),
        b'U' => fixed(8),
        b'0' => Some(('\0', 2)),
        b'a' => Some(('\u{7}', 2)),
        b'b' => Some(('\u{8}', 2)),
        b'v' => Some(('\u{B}', 2)),
        b'f' => Some(('\u{C}', 2)),
        b'e' => Some(('\u{1B}', 2)),
        b'N' => Some(('\u{85}', 2)),
        b'_' => Some(('\u{A0}', 2)),
        b'L' => Some(('\u{2028}', 2)),
        b'P' => Some(('\u{2029}', 2)),
        b't' => Some(('\t', 2)),
        b'n' => Some(('\n', 2)),
        b'r' => Some(('\r', 2)),
        b' ' | b'"' | b'/' | b'\\' => Some((char::from(b[1]), 2)),
        _ => None,
    }
}

/// A numeric character reference at the start of `s` (CommonMark: up to 6 hex or 7 decimal
/// digits; 0 and invalid code points become U+FFFD).
fn char_reference(s: &str) -> Option<(char, usize)> {
    let rest = s.strip_prefix("&#")?;
    let (hex, digits) = match rest.strip_prefix(['x', 'X']) {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let max = if hex { 6 } else { 7 };
    let n = digits
        .bytes()
        .take_while(|b| {
            if hex {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        })
        .count();
    if n == 0 || n > max || digits.as_bytes().get(n) != Some(&b';') {
        return None;
    }
    let value = u32::from_str_radix(&digits[..n], if hex { 16 } else { 10 }).ok()?;
    let c = match value {
        0 => '\u{FFFD}',
        v => char::from_u32(v).unwrap_or('\u{FFFD}'),
    };
    Some((c, 2 + usize::from(hex) + n + 1))
}

/// 1-based line and column (in characters) of byte `at` of `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = &text[..floor(text, at)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Byte offset of 1-based (line, column in characters) in `text`, clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

/// The string scalars of a YAML text that starts at byte `offset` of the file's text.
/// Keys are not printed and left out; a text that does not parse gives nothing.
pub fn yaml_strings(yaml: &str, offset: usize) -> Vec<Piece> {
    let Ok(tree) = serde_saphyr::from_str::<Spanned<Tree>>(yaml) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![tree];
    while let Some(node) = stack.pop() {
        let loc = node.defined;
        match node.value {
            Tree::Map(values) | Tree::Seq(values) => stack.extend(values.into_iter().rev()),
            Tree::Str(text) => {
                let span = loc.span();
                let start = span.byte_offset().map_or_else(
                    || offset_of(yaml, loc.line() as usize, loc.column() as usize),
                    |b| b as usize,
                );
                let len = span.byte_len().map_or(0, |l| l as usize);
                let start = floor(yaml, start);
                let mut end = floor(yaml, start + len);
                if end <= start {
                    // No length known: up to the end of the line.
                    end = yaml[start..].find('\n').map_or(yaml.len(), |i| start + i);
                }
                let escapes = if yaml[start..].starts_with('"') {
                    Escapes::YamlDouble
                } else {
                    Escapes::None
                };
                out.push(Piece {
                    text,
                    raw: offset + start..offset + end,
                    escapes,
                });
            }
            Tree::Other => {}
        }
    }
    out
}

/// Any YAML value, keeping string scalars and the position of every value.
enum Tree {
    Map(Vec<Spanned<Tree>>),
    Seq(Vec<Spanned<Tree>>),
    Str(String),
    Other,
}

impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Tree, E> {
        Ok(Tree::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Tree, E> {
        Ok(Tree::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Tree, E> {
        Ok(Tree::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Tree, E> {
        Ok(Tree::Other)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::Str(v.to_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Tree>>()? {
            items.push(item);
        }
        Ok(Tree::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut values = Vec::new();
        while map.next_key::<IgnoredAny>()?.is_some() {
            values.push(map.next_value::<Spanned<Tree>>()?);
        }
        Ok(Tree::Map(values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_map_back_to_their_place() {
        let yaml = "title: \"\\U00020BB7野家\"\nvenue: 𠮷野\n";
        let pieces = yaml_strings(yaml, 0);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0].text, "𠮷野家");
        let s = pieces[0].spelled(yaml);
        let yoshi = s.iter().find(|s| s.c == '𠮷').unwrap();
        assert!(yoshi.escaped);
        assert_eq!(line_col(yaml, yoshi.at), (1, 9));
        let s = pieces[1].spelled(yaml);
        let yoshi = s.iter().find(|s| s.c == '𠮷').unwrap();
        assert_eq!(line_col(yaml, yoshi.at), (2, 8));
    }

    #[test]
    fn references_follow_commonmark() {
        assert_eq!(char_reference("&#0;"), Some(('\u{FFFD}', 4)));
        assert_eq!(char_reference("&#X1b;x"), Some(('\u{1B}', 6)));
        assert_eq!(char_reference("&#12345678;"), None);
        assert_eq!(char_reference("&#x;"), None);
        assert_eq!(yaml_escape("\\e[2J"), Some(('\u{1B}', 2)));
        assert_eq!(yaml_escape("\\q"), None);
    }
}
