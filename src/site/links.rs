//! Links that work wherever the output folder is copied: every internal link is relative
//! (`../`) and names the file, so the site works from a file share and under any sub-path.

use std::collections::{BTreeMap, HashMap, HashSet};

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use crate::content::Page;
use crate::content::model::UrlKind;
use crate::diag::{Diagnostic, Location};

use super::names;
use super::resolve::{self, Url};

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

/// Joins `rel` to the folder of `base` (both relative to content/), resolving `.` and `..`;
/// `None` when the result would leave content/.
pub fn join(base_dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Everything a link may point at: pages by source path, generated pages and copied files.
pub struct Targets<'a> {
    pub pages: HashMap<&'a str, &'a Page>,
    /// Source paths of pages left out because they are drafts.
    pub drafts: HashSet<String>,
    /// Output files that exist besides pages (index pages, feed, static and content files).
    pub files: HashSet<String>,
    /// The site's content/ folder, to say why a file that is there is not published.
    pub content_dir: std::path::PathBuf,
}

/// Resolves every link and image of `page`: returns URL → href, and a diagnostic for each
/// link that points nowhere.
pub fn resolve_page(page: &Page, targets: &Targets) -> (HashMap<String, String>, Vec<Diagnostic>) {
    let mut map = HashMap::new();
    let mut problems = Vec::new();
    let dir = page.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let ids: HashSet<String> = page
        .doc
        .headings()
        .into_iter()
        .map(|(_, id, _)| id)
        .collect();
    for r in &page.doc.refs {
        let loc = Location::new(&page.display, r.line, r.column);
        let url = r.url.trim();
        let (target, frag) = match resolve::classify(&page.rel, url) {
            Ok(Url::Empty | Url::External) => continue,
            Ok(Url::Anchor(frag)) => {
                let frag = percent_decode_str(frag).decode_utf8_lossy();
                if !frag.is_empty() && !ids.contains(frag.as_ref()) && !frag.starts_with("fn") {
                    problems.push(
                        Diagnostic::warning(
                            loc,
                            format!("no heading with the anchor `#{frag}` on this page"),
                        )
                        .help(suggest_anchor(&frag, &ids)),
                    );
                }
                continue;
            }
            Ok(Url::Local { target, fragment }) => (target, fragment),
            Err(why) => {
                problems.push(why.diagnostic(loc, url));
                continue;
            }
        };
        let frag_suffix = frag.map(|f| format!("#{f}")).unwrap_or_default();
        if target.ends_with(".md") {
            if let Some(p) = targets.pages.get(target.as_str()) {
                map.insert(
                    r.url.clone(),
                    format!("{}{frag_suffix}", href(&page.out_path, &p.out_path)),
                );
                if let Some(f) = frag {
                    let f = percent_decode_str(f).decode_utf8_lossy();
                    if !p.doc.headings().iter().any(|(_, id, _)| *id == f) {
                        problems.push(
                            Diagnostic::warning(loc, format!("no heading with the anchor `#{f}` in {}", p.rel))
                                .help("check the heading's anchor in the built page (right-click the heading link)"),
                        );
                    }
                }
            } else if targets.drafts.contains(&target) {
                problems.push(
                    Diagnostic::error(
                        loc,
                        format!("link to `{url}`, which is a draft and not published"),
                    )
                    .help("publish that page (`draft: false`) or build with --drafts"),
                );
            } else {
                let mut d = Diagnostic::error(
                    loc,
                    format!("link to `{url}`: no such page (looked for content/{target})"),
                );
                let known: Vec<&str> = targets.pages.keys().copied().collect();
                d = match crate::yaml::suggest(&target, &known) {
                    Some(s) => d.help(format!("did you mean `{}`?", relative_from(dir, s))),
                    None => d.help("check the file name; links to other pages name their .md file"),
                };
                problems.push(d);
            }
            continue;
        }
        if targets.files.contains(&target) {
            map.insert(
                r.url.clone(),
                format!("{}{frag_suffix}", href(&page.out_path, &target)),
            );
        } else if let Err(why) = resolve::file_in(&targets.content_dir, &target)
            && let Some(d) = why.diagnostic(loc.clone(), url)
        {
            problems.push(d);
        } else {
            let what = if r.kind == UrlKind::Image {
                "image"
            } else {
                "file"
            };
            problems.push(
                Diagnostic::error(
                    loc,
                    format!("{what} `{url}` not found (looked for content/{target})"),
                )
                .help(format!(
                    "put the {what} next to the Markdown file, or fix the path"
                )),
            );
        }
    }
    (map, problems)
}

fn suggest_anchor(frag: &str, ids: &HashSet<String>) -> String {
    let known: Vec<&str> = ids.iter().map(String::as_str).collect();
    match crate::yaml::suggest(frag, &known) {
        Some(s) => format!("did you mean `#{s}`?"),
        None => "anchors are the heading text; check the spelling".into(),
    }
}

/// How a page in `dir` would write a link to `target` (both relative to content/).
fn relative_from(dir: &str, target: &str) -> String {
    let from: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to[common..].join("/"));
    out
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

    #[test]
    fn join_stays_inside() {
        assert_eq!(
            join("newsletters", "../events/a.md").as_deref(),
            Some("events/a.md")
        );
        assert_eq!(join("", "../x.md"), None);
    }

    #[test]
    fn suggestions_are_relative_to_the_page() {
        assert_eq!(relative_from("newsletters", "newsletters/b.md"), "b.md");
        assert_eq!(
            relative_from("newsletters", "events/e.md"),
            "../events/e.md"
        );
        assert_eq!(relative_from("", "events/e.md"), "events/e.md");
    }
}
