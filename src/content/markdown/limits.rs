//! Input limits checked before or while parsing Markdown, so that hostile or broken input is
//! refused at once with its position instead of taking minutes: html5ever (behind ammonia)
//! checks every open element for every tag, which is quadratic in the nesting depth, and a
//! file's size bounds everything else.

use std::path::Path;

use crate::diag::{Diagnostic, Location};

/// Bytes a Markdown file may have: a newsletter issue is 10–50 KB, so this is far above any
/// real page and keeps every check of a file well under a second.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Tags one page may have: every tag page lists the page with all its tags, so the work grows
/// with the square of this number.
pub const MAX_TAGS: usize = 100;

/// Quotes and list items one line may open (`> > > …`, `- - - …`). comrak itself is linear in
/// them, but every later stage walks the nesting; this bounds what a 1 MB file can ask for.
pub const MAX_NESTING: usize = 5000;

/// Elements a raw HTML block may keep open at once (`<div><div>…`).
pub const MAX_HTML_DEPTH: usize = 100;

/// An error when the Markdown file at `path` is larger than `MAX_FILE_BYTES`.
pub fn check_file_size(path: &Path, display: &Path) -> Option<Diagnostic> {
    let size = std::fs::metadata(path).ok()?.len();
    (size > MAX_FILE_BYTES).then(|| {
        Diagnostic::error(
            Location::file(display),
            format!(
                "the file is {} KB; a Markdown file may be at most {} KB",
                size.div_ceil(1024),
                MAX_FILE_BYTES / 1024
            ),
        )
        .help("split the page into several pages, or attach large material as a file (PDF, Excel) and link to it")
    })
}

/// The first line of `body` that opens more than `MAX_NESTING` quotes or list items, as an
/// error; `line_offset` lines come before the body in the file.
pub fn check_nesting(body: &str, file: &Path, line_offset: usize) -> Option<Diagnostic> {
    for (i, line) in body.split('\n').enumerate() {
        let (count, column) = markers(line);
        if count > MAX_NESTING {
            return Some(
                Diagnostic::error(
                    Location::new(file, line_offset + i + 1, column),
                    format!(
                        "this line nests {count} quotes or lists; at most {MAX_NESTING} are allowed"
                    ),
                )
                .help("remove the extra `>` or list markers at the start of the line; nobody can read text nested this deep"),
            );
        }
    }
    None
}

/// How many container markers (`>`, `-`, `+`, `*`, `1.`, `1)`) start `line`, and the
/// character column of the one over the limit. A thematic break (`- - -`) is one marker.
fn markers(line: &str) -> (usize, usize) {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut count = 0;
    let mut over_at = 1;
    let mut kinds = [false; 4];
    loop {
        while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
        let start = i;
        match bytes.get(i).copied() {
            Some(b'>') => {
                i += 1;
                kinds[0] = true;
            }
            Some(b @ (b'-' | b'+' | b'*'))
                if bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()) =>
            {
                i += 1;
                kinds[match b {
                    b'-' => 1,
                    b'+' => 2,
                    _ => 3,
                }] = true;
            }
            Some(b'0'..=b'9') => {
                let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                match bytes.get(i + digits) {
                    Some(b'.' | b')') if digits <= 9 => i += digits + 1,
                    _ => break,
                }
            }
            _ => break,
        }
        count += 1;
        if count == MAX_NESTING + 1 {
            // Markers are ASCII, so the byte offset is the character offset.
            over_at = start + 1;
        }
    }
    let rest = line[i..].trim();
    let only_one_kind = kinds.iter().filter(|&&k| k).count() == 1 && !kinds[0];
    if rest.is_empty() && only_one_kind {
        // `- - - -` or `* * *`: a thematic break, not nesting.
        return (1, 1);
    }
    (count, over_at)
}

/// The deepest nesting of elements in `html` that would stay open, and the byte offset of the
/// tag that reached it (or crossed the limit); void elements (`<br>`,
/// `<img>`), self-closed tags and elements closed implicitly (`<p>`, `<li>`, `<td>`…) do not count.
pub fn html_depth(html: &str) -> (usize, usize) {
    const NOT_NESTED: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "rt", "rp",
        "thead", "tbody", "tfoot", "colgroup", "optgroup",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut max, mut max_at) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        let at = i + off;
        i = at + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if NOT_NESTED.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        let end = bytes[at..].iter().position(|&b| b == b'>').map(|e| at + e);
        if end.is_some_and(|e| bytes[e - 1] == b'/') {
            continue;
        }
        depth += 1;
        if depth > max {
            max = depth;
            // Past the limit, point at the tag that crossed it.
            if depth <= MAX_HTML_DEPTH + 1 {
                max_at = at;
            }
        }
    }
    (max, max_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_count_quotes_and_lists_but_not_breaks() {
        assert_eq!(markers("> > - 1. text").0, 4);
        assert_eq!(markers(">>>text").0, 3);
        assert_eq!(markers("- - - -").0, 1);
        assert_eq!(markers("**bold** text").0, 0);
        assert_eq!(markers("2021. year").0, 1);
        assert_eq!(markers("").0, 0);
        let deep = ">".repeat(MAX_NESTING + 50);
        assert_eq!(markers(&deep), (MAX_NESTING + 50, MAX_NESTING + 1));
    }

    #[test]
    fn html_depth_skips_void_and_closed_elements() {
        assert_eq!(html_depth("<div><p>a<br><img src=x/></div>").0, 1);
        assert_eq!(html_depth("<div><div></div><div></div></div>").0, 2);
        assert_eq!(html_depth(&"<div>".repeat(300)).0, 300);
        assert_eq!(html_depth("a < b and c<d").0, 1);
    }
}
