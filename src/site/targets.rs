//! The site's one link resolver. Every link and image of every page is resolved once, when
//! the site is loaded (`load::resolve_links`), into a typed [`Target`]: another page (and
//! anchor), a file of the site, an anchor of the same page, or an external address. The HTML turns a target into a
//! relative href, the PDF into a `base_url` URI or an internal destination, and `check`,
//! `build`, `tsushin pdf` and the preview report the same located problems, found here once.
//! What may be read from disk at all is `resolve`'s rule, which this applies.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use percent_encoding::percent_decode_str;

use super::links;
use super::resolve::{self, Url};
use crate::content::Page;
use crate::content::model::{UrlKind, UrlRef};
use crate::content::url;
use crate::diag::{Diagnostic, Location};
use crate::pdf::layout::PdfLink;

/// The only schemes a link in a PDF may have; `javascript:`, `data:`, `file:`, … stay plain
/// text, as the HTML drops the dangerous ones.
const PDF_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Where a link or image of a page points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page of the site: its output path and the anchor as written (without `#`).
    Page { out: String, anchor: Option<String> },
    /// A file published with the site (copied from content/, generated, or the theme's): its
    /// output path, the anchor as written, and for a file of content/ the path to read it from.
    File {
        out: String,
        anchor: Option<String>,
        disk: Option<PathBuf>,
    },
    /// An anchor of the same page, as written (without `#`).
    Anchor(String),
    /// An address outside the site (`https:`, `mailto:`, …); `//host/…` is `https://host/…`.
    External(String),
}

/// The targets of one page's links and images, and the problems found resolving them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageLinks {
    /// (kind, URL as written) → target. A URL that points nowhere or is refused is absent.
    targets: HashMap<(UrlKind, String), Target>,
    /// One located diagnostic per link or image that points nowhere or is refused.
    pub problems: Vec<Diagnostic>,
}

impl PageLinks {
    /// The target of `url` written as a link or image (`kind`).
    pub fn get(&self, kind: UrlKind, url: &str) -> Option<&Target> {
        self.targets.get(&(kind, url.to_owned()))
    }

    /// Whether `other` has the same targets (its problems may differ): the HTML of a page
    /// depends on its targets only.
    pub fn same_targets(&self, other: &PageLinks) -> bool {
        self.targets == other.targets
    }

    /// Whether any problem is an error: such a page gets no PDF.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }

    /// The href the HTML of the page at output path `from` writes for `url`: relative to the
    /// page for the site's own pages and files, the address itself otherwise (a URL that
    /// resolves nowhere is written as it is, with its problem reported).
    pub fn href(&self, from: &str, url: &str, kind: UrlKind) -> String {
        match self.get(kind, url) {
            Some(Target::Page { out, anchor } | Target::File { out, anchor, .. }) => {
                with_anchor(links::href(from, out), anchor.as_deref())
            }
            Some(Target::Anchor(a)) => format!("#{a}"),
            Some(Target::External(address)) => address.clone(),
            None => url.to_owned(),
        }
    }

    /// Where the link `url` goes in the PDF of the page at output path `own`, a PDF that
    /// travels by e-mail: an anchor of this page is an internal destination; the site's pages
    /// and files are `base_url` addresses (plain text without a `base_url`); external
    /// addresses stay when a PDF viewer may open them.
    pub fn pdf_link(&self, own: &str, base_url: Option<&str>, url: &str) -> Option<PdfLink> {
        match self.get(UrlKind::Link, url)? {
            Target::Anchor(a) => Some(PdfLink::Anchor(decoded(a))),
            Target::Page {
                out,
                anchor: Some(a),
            } if out == own => Some(PdfLink::Anchor(decoded(a))),
            Target::Page { out, anchor } | Target::File { out, anchor, .. } => {
                let address = format!("{}{}", base_url?, links::encode_path(out));
                Some(PdfLink::Uri(with_anchor(address, anchor.as_deref())))
            }
            Target::External(address) => url::scheme(address)
                .is_some_and(|s| PDF_SCHEMES.contains(&s.as_str()))
                .then(|| PdfLink::Uri(address.clone())),
        }
    }

    /// The file on disk the image `url` is read from (for the PDF), the very file the HTML
    /// shows; the reason as text when there is none (the located error is in `problems`).
    pub fn image_file(&self, url: &str) -> Result<PathBuf, String> {
        match self.get(UrlKind::Image, url) {
            Some(Target::File {
                disk: Some(path), ..
            }) => Ok(path.clone()),
            Some(Target::External(_)) => {
                Err(format!("{url}: images from the web are not embedded"))
            }
            Some(Target::File { .. }) => Err(format!("{url}: not a file of content/")),
            Some(_) => Err(format!("{url}: not an image file")),
            None => Err(format!("{url}: no such file")),
        }
    }
}

fn with_anchor(mut address: String, anchor: Option<&str>) -> String {
    if let Some(a) = anchor {
        address.push('#');
        address.push_str(a);
    }
    address
}

fn decoded(fragment: &str) -> String {
    percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned()
}

/// Everything a link may point at: pages by source path, generated pages and copied files
/// (made from a loaded site by `load::resolve_links`).
pub struct Targets<'a> {
    pub pages: HashMap<&'a str, &'a Page>,
    /// Source paths of pages left out because they are drafts.
    pub drafts: &'a HashSet<String>,
    /// Output files that exist besides pages (index pages, feed, static and content files).
    pub files: HashSet<String>,
    /// The site's content/ folder, to say why a file that is there is not published.
    pub content_dir: PathBuf,
}

/// Resolves every link and image of `page`.
pub fn resolve_page(page: &Page, targets: &Targets) -> PageLinks {
    let mut links = PageLinks::default();
    let ids: HashSet<String> = page
        .doc
        .headings()
        .into_iter()
        .map(|(_, id, _)| id)
        .collect();
    for r in &page.doc.refs {
        let loc = Location::new(&page.display, r.line, r.column);
        let url = r.url.trim();
        let target = match resolve::classify(&page.rel, url, r.kind) {
            Ok(Url::Empty) => continue,
            Ok(Url::External) => Ok(Target::External(url::web_address(url))),
            Ok(Url::Anchor(frag)) => {
                let frag_text = decoded(frag);
                if !frag_text.is_empty() && !ids.contains(&frag_text) && !frag.starts_with("fn") {
                    links.problems.push(
                        Diagnostic::warning(
                            loc,
                            format!("no heading with the anchor `#{frag_text}` on this page"),
                        )
                        .help(suggest_anchor(&frag_text, &ids)),
                    );
                }
                Ok(Target::Anchor(frag.to_owned()))
            }
            Ok(Url::Local { target, fragment }) => {
                local(page, r, loc, target, fragment, targets, &mut links.problems)
            }
            Err(why) => Err(why.diagnostic(loc, url)),
        };
        match target {
            Ok(t) => {
                links.targets.insert((r.kind, r.url.clone()), t);
            }
            Err(d) => links.problems.push(d),
        }
    }
    links
}

/// A page or file under content/ (`target`, decoded and relative to it); anchor problems of
/// a page that exists go to `problems`, while the target stays.
fn local(
    page: &Page,
    r: &UrlRef,
    loc: Location,
    target: String,
    fragment: Option<&str>,
    targets: &Targets,
    problems: &mut Vec<Diagnostic>,
) -> Result<Target, Diagnostic> {
    let url = r.url.trim();
    let anchor = fragment.map(str::to_owned);
    if target.ends_with(".md") {
        if let Some(p) = targets.pages.get(target.as_str()) {
            if let Some(f) = fragment.map(decoded)
                && !p.doc.headings().iter().any(|(_, id, _)| *id == f)
            {
                problems.push(
                    Diagnostic::warning(loc, format!("no heading with the anchor `#{f}` in {}", p.rel))
                        .help("check the heading's anchor in the built page (right-click the heading link)"),
                );
            }
            return Ok(Target::Page {
                out: p.out_path.clone(),
                anchor,
            });
        }
        if targets.drafts.contains(&target) {
            return Err(Diagnostic::error(
                loc,
                format!("link to `{url}`, which is a draft and not published"),
            )
            .help("publish that page (`draft: false`) or build with --drafts"));
        }
        let d = Diagnostic::error(
            loc,
            format!("link to `{url}`: no such page (looked for content/{target})"),
        );
        let dir = page.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let known: Vec<&str> = targets.pages.keys().copied().collect();
        return Err(match crate::yaml::suggest(&target, &known) {
            Some(s) => d.help(format!("did you mean `{}`?", relative_from(dir, s))),
            None => d.help("check the file name; links to other pages name their .md file"),
        });
    }
    let on_disk = resolve::file_in(&targets.content_dir, &target);
    if targets.files.contains(&target) {
        return Ok(Target::File {
            disk: on_disk.ok(),
            out: target,
            anchor,
        });
    }
    if let Err(why) = on_disk
        && let Some(d) = why.diagnostic(loc.clone(), url)
    {
        return Err(d);
    }
    let what = match r.kind {
        UrlKind::Image => "image",
        UrlKind::Link => "file",
    };
    Err(Diagnostic::error(
        loc,
        format!("{what} `{url}` not found (looked for content/{target})"),
    )
    .help(format!(
        "put the {what} next to the Markdown file, or fix the path"
    )))
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
    fn suggestions_are_relative_to_the_page() {
        assert_eq!(relative_from("newsletters", "newsletters/b.md"), "b.md");
        assert_eq!(
            relative_from("newsletters", "events/e.md"),
            "../events/e.md"
        );
        assert_eq!(relative_from("", "events/e.md"), "events/e.md");
    }
}
