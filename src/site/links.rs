//! Links that work wherever the output folder is copied: every internal link is relative
//! (`../`) and names the file, so the site works from a file share and under any sub-path.

use std::collections::{BTreeMap, HashSet};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::names;

/// Characters escaped in a path segment; Japanese is escaped too, which every browser and
/// file share handles, while raw UTF-8 in hrefs trips some older intranet proxies.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'[')
    .add(b']');

/// `../` repeated once per folder of `from` (an output path like `newsletters/a.html`).
pub fn root_prefix(from: &str) -> String {
    "../".repeat(from.matches('/').count())
}

/// Percent-encodes an output path segment by segment.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The relative href from output page `from` to output file `to`.
pub fn href(from: &str, to: &str) -> String {
    format!("{}{}", root_prefix(from), encode_path(to))
}

/// Output files of the tag pages: Japanese kept, characters unsafe in file names replaced,
/// and made unique (`A/B` and `A-B` must not share a page; `index` is the tag list itself).
pub fn tag_files<'a>(tags: impl IntoIterator<Item = &'a String>) -> BTreeMap<String, String> {
    let mut used: HashSet<String> = HashSet::from(["index".to_owned()]);
    let mut files = BTreeMap::new();
    for tag in tags {
        if files.contains_key(tag) {
            continue;
        }
        let cleaned: String = tag
            .chars()
            .map(|c| {
                if c.is_control() || c.is_whitespace() || "/\\:*?\"<>|#%.".contains(c) {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        let cleaned = names::make_safe(&cleaned, "tag");
        let mut name = cleaned.clone();
        let mut n = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{cleaned}-{n}");
            n += 1;
        }
        files.insert(tag.clone(), format!("tags/{name}.html"));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_are_relative_and_encoded() {
        assert_eq!(
            href("newsletters/a.html", "tags/研修会.html"),
            "../tags/%E7%A0%94%E4%BF%AE%E4%BC%9A.html"
        );
        assert_eq!(href("index.html", "events/index.html"), "events/index.html");
    }
}
