//! Byte columns → character columns, in time linear in the text however long its lines are.
//!
//! comrak reports 1-based byte columns. Its own conversion (`sourcepos_chars`) counts the
//! characters from the start of the line again for every node, which is quadratic on a long
//! line: a one-line paragraph of 32,000 links took over a minute. Here only the positions that
//! are used (diagnostics and links) are converted, and a long line gets an index of character
//! counts every `BLOCK` bytes, built once, so each conversion counts at most `BLOCK` bytes.

use std::cell::RefCell;
use std::collections::HashMap;

const BLOCK: usize = 256;

pub struct Columns<'s> {
    text: &'s str,
    /// Byte offset where each line starts (line 1 is index 0).
    starts: Vec<usize>,
    /// Line index → number of character starts before each multiple of `BLOCK` in the line.
    index: RefCell<HashMap<usize, Vec<usize>>>,
}

impl<'s> Columns<'s> {
    pub fn new(text: &'s str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Columns {
            text,
            starts,
            index: RefCell::new(HashMap::new()),
        }
    }

    /// The text of 1-based `line` without its line break (`""` past the end).
    fn line(&self, line: usize) -> &'s str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .starts
            .get(line)
            .map(|&next| next - 1)
            .unwrap_or(self.text.len());
        let s = &self.text[start..end];
        s.strip_suffix('\r').unwrap_or(s)
    }

    /// The 1-based character column of the 1-based byte column `byte_col` on `line`; 0 stays 0
    /// (no position), a column past the end of the line is the position after its last character.
    pub fn char_column(&self, line: usize, byte_col: usize) -> usize {
        if byte_col == 0 {
            return 0;
        }
        let bytes = self.line(line).as_bytes();
        // Characters are counted by their first byte: every byte that is not a continuation.
        let starts_in = |from: usize, to: usize| {
            bytes[from..to]
                .iter()
                .filter(|&&b| (b & 0xC0) != 0x80)
                .count()
        };
        let end = byte_col.min(bytes.len());
        if end <= BLOCK {
            return starts_in(0, end) + usize::from(byte_col > bytes.len());
        }
        let mut index = self.index.borrow_mut();
        let blocks = index.entry(line).or_insert_with(|| {
            let mut counts = vec![0];
            let mut total = 0;
            for chunk in bytes.chunks(BLOCK) {
                total += chunk.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
                counts.push(total);
            }
            counts
        });
        let block = end / BLOCK;
        blocks[block] + starts_in(block * BLOCK, end) + usize::from(byte_col > bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// comrak's own rule: the number of characters starting at or before the byte.
    fn slow(line: &str, byte_col: usize) -> usize {
        if byte_col > line.len() {
            return line.chars().count() + 1;
        }
        line.char_indices()
            .take_while(|&(i, _)| i < byte_col)
            .count()
    }

    #[test]
    fn agrees_with_counting_from_the_line_start() {
        let long = "あa𠮷b".repeat(300);
        let text = format!("一行目\n{long}\n\nend");
        let cols = Columns::new(&text);
        for (n, line) in text.split('\n').enumerate() {
            for byte_col in 1..=line.len() + 2 {
                assert_eq!(
                    cols.char_column(n + 1, byte_col),
                    slow(line, byte_col),
                    "line {} byte {byte_col}",
                    n + 1
                );
            }
        }
        assert_eq!(cols.char_column(1, 0), 0);
    }
}
