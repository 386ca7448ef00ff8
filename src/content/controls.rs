//! Characters that must never reach a reader: NUL and the other control characters (C0 but
//! tab and line feed, DEL, C1) and Unicode noncharacters (U+FDD0–FDEF, U+FFFE/FFFF of every
//! plane). They are invisible in most editors, come from text pasted out of other programs
//! or from YAML escapes (`"\e[2J"`), and would reach the HTML and PDF as garbage or blank
//! boxes, or rewrite a terminal that prints the value. Each one is an error at the place it
//! was typed: the character itself, or the escape or character reference that makes it.

use std::collections::BTreeSet;
use std::path::Path;

use crate::content::frontmatter::Split;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::printed::{self, Piece};

/// Errors reported per file before the rest is summed up in one.
const MAX_REPORTED: usize = 10;

/// Whether `c` may not appear in content.
pub fn forbidden(c: char) -> bool {
    let u = u32::from(c);
    (u < 0x20 && c != '\t' && c != '\n')
        || (0x7F..=0x9F).contains(&u)
        || (0xFDD0..=0xFDEF).contains(&u)
        || u & 0xFFFE == 0xFFFE
}

/// `control character U+001B (ESC)`: how a forbidden character is named in messages (never
/// the raw character, which could act on the terminal that shows the message).
pub fn describe(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let u = u32::from(c);
    let name = match u {
        0..=0x1F => C0[u as usize],
        0x7F => "DEL",
        0x85 => "NEL",
        0x80..=0x9F => "C1",
        _ => return format!("noncharacter U+{u:04X}"),
    };
    format!("control character U+{u:04X} ({name})")
}

/// Checks one page: its text as written, the decoded strings of its front matter and the
/// decoded Markdown text (character references such as `&#x1b;`).
pub fn check_page(text: &str, split: &Split, file: &Path, diags: &mut Diagnostics) {
    let offset = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
    let mut pieces: Vec<Piece> = Vec::new();
    if split.yaml.contains('\\') {
        pieces.extend(printed::yaml_strings(split.yaml, offset(split.yaml)));
    }
    if split.body.contains("&#") {
        pieces.extend(super::markdown::printed_texts(
            split.body,
            offset(split.body),
        ));
    }
    report(text, &find(text, &pieces), file, diags);
}

/// Checks a YAML file whose values reach every page (site.yaml).
pub fn check_yaml(text: &str, file: &Path, diags: &mut Diagnostics) {
    let pieces = if text.contains('\\') {
        printed::yaml_strings(text, 0)
    } else {
        Vec::new()
    };
    report(text, &find(text, &pieces), file, diags);
}

/// Forbidden characters of `text` as written, and those the escapes of `pieces` produce:
/// (byte offset, character, written as an escape).
fn find(text: &str, pieces: &[Piece]) -> BTreeSet<(usize, char, bool)> {
    let mut found: BTreeSet<(usize, char, bool)> = text
        .char_indices()
        .filter(|(_, c)| forbidden(*c))
        .map(|(i, c)| (i, c, false))
        .collect();
    for piece in pieces.iter().filter(|p| p.text.chars().any(forbidden)) {
        found.extend(
            piece
                .spelled(text)
                .into_iter()
                .filter(|s| s.escaped && forbidden(s.c))
                .map(|s| (s.at, s.c, true)),
        );
    }
    found
}

fn report(text: &str, found: &BTreeSet<(usize, char, bool)>, file: &Path, diags: &mut Diagnostics) {
    for (n, &(at, c, escaped)) in found.iter().enumerate() {
        let (line, column) = printed::line_col(text, at);
        let loc = Location::new(file, line, column);
        if n == MAX_REPORTED {
            diags.push(
                Diagnostic::error(
                    loc,
                    format!(
                        "and {} more control characters or noncharacters in this file",
                        found.len() - MAX_REPORTED
                    ),
                )
                .help("the file may not be text: re-save it as UTF-8 text from your editor"),
            );
            return;
        }
        let how = if escaped {
            "written as an escape or character reference"
        } else {
            "invisible in most editors"
        };
        diags.push(
            Diagnostic::error(loc, format!("{} in the text ({how})", describe(c))).help(
                "delete it: readers would get garbage or a blank box (it often comes from text \
                 pasted out of another program); for a line break, start a new line",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_characters_are_refused() {
        for c in [
            '\0',
            '\u{7}',
            '\u{1B}',
            '\r',
            '\u{7F}',
            '\u{85}',
            '\u{9F}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{10FFFF}',
        ] {
            assert!(forbidden(c), "{}", describe(c));
        }
        for c in [
            '\t',
            '\n',
            ' ',
            'あ',
            '\u{A0}',
            '\u{FFFD}',
            '\u{E0100}',
            '\u{FE0F}',
        ] {
            assert!(!forbidden(c), "{c:?}");
        }
        assert_eq!(describe('\0'), "control character U+0000 (NUL)");
        assert_eq!(describe('\u{FFFF}'), "noncharacter U+FFFF");
    }
}
