//! One rule for what tsushin may read and publish. Every link, image and attachment of a page
//! is classified here (by `targets`, the one link resolver, once per load, and by `published`
//! and `serve` for files), for `check`, `build`, `tsushin pdf` and `serve`, for the HTML and
//! the PDF alike, so that what one of them refuses, none of them reads:
//!
//! - web addresses (`https:`, `mailto:`, any scheme, and protocol-relative links
//!   `//host/…`, which are read as `https://host/…`) are never read from disk; a
//!   protocol-relative image (`//host/x.png`, a network path on Windows) and drive paths
//!   (`C:/x.png`) are errors;
//! - a path is relative to its Markdown file and must stay inside `content/` (`/abs`, `\`
//!   and `../` out of `content/` are errors), also after symbolic links are resolved;
//! - hidden, system and editor files (`.*`, `Thumbs.db`, `desktop.ini`, `~$*`, `*.tmp`, `*~`)
//!   are never published;
//! - a file under `content/` is published only when a published page links to it or shows it
//!   (Markdown, or a `src`/`href` attribute in raw HTML): files beside a draft stay private.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

use crate::content::Page;
use crate::content::model::UrlKind;
use crate::content::url;
use crate::diag::{Diagnostic, Location};

/// What a URL written in a page points at.
#[derive(Debug, PartialEq, Eq)]
pub enum Url<'a> {
    /// Nothing (an empty URL).
    Empty,
    /// `#fragment` on the same page (without the `#`).
    Anchor(&'a str),
    /// A URL with a scheme (`https:`, `mailto:`, …) or a protocol-relative link (`//host/…`):
    /// left to the reader, never read from disk (`content::url::is_external`).
    External,
    /// A file or page under `content/` (relative to it, `/`-separated, decoded).
    Local {
        target: String,
        fragment: Option<&'a str>,
    },
}

/// Why a URL is refused wherever it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// An image at `//host/x`, or `\\\\host\\x`: a network path on Windows, a file path
    /// from a file share.
    ProtocolRelative,
    /// `C:/x` or `c:\x`: a file of the author's computer.
    DrivePath,
    /// A `\` in the path.
    Backslash,
    /// `/x`: relative to whatever folder the site is opened from.
    Absolute,
    /// `../` out of `content/`.
    Outside,
}

impl Refused {
    /// The error at `loc` (the URL in the Markdown file).
    pub fn diagnostic(self, loc: Location, url: &str) -> Diagnostic {
        match self {
            Refused::ProtocolRelative => Diagnostic::error(
                loc,
                format!("`{url}` starts with `//`: opened from a file share it becomes a network path, so tsushin neither publishes nor reads it"),
            )
            .help("write the full web address (`https://…`), or a path relative to this file"),
            Refused::DrivePath => Diagnostic::error(
                loc,
                format!("`{url}` is a path on one computer (a drive letter); nobody else can open it"),
            )
            .help("copy the file next to the Markdown file and write its name, e.g. `資料.pdf`"),
            Refused::Backslash => Diagnostic::error(
                loc,
                format!("`{url}` contains `\\`; links and images use `/` between folders"),
            )
            .help("write the path with `/`, e.g. `images/photo.jpg`"),
            Refused::Absolute => Diagnostic::error(
                loc,
                format!("link `{url}` starts with `/`, which breaks on file shares"),
            )
            .help("write the link relative to this file, e.g. `../events/2021-08-tabunya.md`"),
            Refused::Outside => Diagnostic::error(
                loc,
                format!("link `{url}` points outside the content folder"),
            )
            .help("link only to files inside content/"),
        }
    }
}

/// Classifies `url`, a link or an image (`kind`) as written in the page at `page_rel`
/// (relative to `content/`).
pub fn classify<'a>(page_rel: &str, url: &'a str, kind: UrlKind) -> Result<Url<'a>, Refused> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(Url::Empty);
    }
    if let Some(fragment) = url.strip_prefix('#') {
        return Ok(Url::Anchor(fragment));
    }
    if url.starts_with("\\\\")
        || url.starts_with("/\\")
        || url.starts_with("\\/")
        || (kind == UrlKind::Image && url::is_protocol_relative(url))
    {
        return Err(Refused::ProtocolRelative);
    }
    if url::is_external(url) {
        return Ok(Url::External);
    }
    if url::scheme(url).is_some() {
        return Err(Refused::DrivePath);
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    if decoded.contains('\\') {
        return Err(Refused::Backslash);
    }
    if decoded.starts_with('/') {
        return Err(Refused::Absolute);
    }
    if url::scheme(&decoded).is_some_and(|s| s.len() == 1) {
        return Err(Refused::DrivePath);
    }
    let dir = page_rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let target = join(dir, &decoded).ok_or(Refused::Outside)?;
    Ok(Url::Local { target, fragment })
}

/// Joins `rel` to the folder `base_dir` (both relative to content/), resolving `.` and `..`;
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

/// Hidden, system and editor files, never published: `.*`, `Thumbs.db`, `ehthumbs.db`,
/// `desktop.ini`, `~$*` (Office lock files), `*.tmp`, `*~`.
pub fn is_junk(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || lower.ends_with(".tmp")
        || matches!(lower.as_str(), "thumbs.db" | "ehthumbs.db" | "desktop.ini")
}

/// Why a file under `content/` is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRead {
    /// A hidden, system or editor file.
    Junk,
    /// A symbolic link (of the file or a folder on its way) to somewhere outside `content/`.
    Outside,
    /// No such file.
    Missing,
}

impl NotRead {
    /// The error at `loc` for `url`; `None` for `Missing`, which each caller words itself.
    pub fn diagnostic(self, loc: Location, url: &str) -> Option<Diagnostic> {
        match self {
            NotRead::Junk => Some(
                Diagnostic::error(
                    loc,
                    format!("`{url}` is a hidden, system or editor file, which tsushin never publishes"),
                )
                .help("rename the file: no leading `.`, `~$` or trailing `~`, not `.tmp`, `Thumbs.db` or `desktop.ini`"),
            ),
            NotRead::Outside => Some(
                Diagnostic::error(
                    loc,
                    format!("`{url}` is a symbolic link to a file outside content/, which tsushin never publishes or embeds"),
                )
                .help("copy the file into content/ instead of linking to it"),
            ),
            NotRead::Missing => None,
        }
    }
}

/// The file `target` (relative to `content/`) on disk, if tsushin may read it: not junk, a
/// regular file, and inside `content/` after every symbolic link is resolved. Returns the
/// resolved path, which is the one to read.
pub fn file_in(content_dir: &Path, target: &str) -> Result<PathBuf, NotRead> {
    if target.split('/').any(is_junk) {
        return Err(NotRead::Junk);
    }
    let root = std::fs::canonicalize(content_dir).map_err(|_| NotRead::Missing)?;
    let real = std::fs::canonicalize(content_dir.join(target)).map_err(|_| NotRead::Missing)?;
    let Ok(inside) = real.strip_prefix(&root) else {
        return Err(NotRead::Outside);
    };
    if inside
        .components()
        .any(|c| is_junk(&c.as_os_str().to_string_lossy()))
    {
        return Err(NotRead::Junk);
    }
    if !real.is_file() {
        return Err(NotRead::Missing);
    }
    Ok(real)
}

/// The files of `files` (under `content/`, not Markdown) that some page of `pages` (the
/// published ones) links to or shows, in the order of `files`.
pub fn published(pages: &[Page], files: &[String]) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    for page in pages {
        let raw = raw_html_urls(&page.source);
        let refs = page.doc.refs.iter().map(|r| (r.url.as_str(), r.kind));
        for (url, kind) in refs.chain(raw.map(|u| (u, UrlKind::Link))) {
            if let Ok(Url::Local { target, .. }) = classify(&page.rel, url, kind) {
                used.insert(target);
            }
        }
    }
    files
        .iter()
        .filter(|f| used.contains(*f))
        .cloned()
        .collect()
}

/// Values of `src="…"` and `href="…"` attributes in `text` (raw HTML in Markdown), so that a
/// file shown only through raw HTML is still published.
fn raw_html_urls(text: &str) -> impl Iterator<Item = &str> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    for attr in ["src=", "href="] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(attr) {
            let start = from + i + attr.len();
            from = start;
            let Some(quote) = text[start..]
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
            else {
                continue;
            };
            let value = &text[start + 1..];
            if let Some(end) = value.find(quote) {
                found.push(&value[..end]);
            }
        }
    }
    found.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_classified() {
        let link = |rel: &str, url: &'static str| classify(rel, url, UrlKind::Link);
        let local = |t: &str| Url::Local {
            target: t.into(),
            fragment: None,
        };
        assert_eq!(
            link("newsletters/a.md", "img/a.png"),
            Ok(local("newsletters/img/a.png"))
        );
        assert_eq!(link("a.md", "https://example.jp/x"), Ok(Url::External));
        assert_eq!(link("a.md", "mailto:a@example.jp"), Ok(Url::External));
        assert_eq!(
            link("a.md", "a.md#x:y"),
            Ok(Url::Local {
                target: "a.md".into(),
                fragment: Some("x:y")
            })
        );
        assert_eq!(link("a.md", "//host/x.pdf"), Ok(Url::External));
        assert_eq!(
            classify("a.md", "//host/x.png", UrlKind::Image),
            Err(Refused::ProtocolRelative)
        );
        assert_eq!(
            link("a.md", "\\\\host\\x.png"),
            Err(Refused::ProtocolRelative)
        );
        assert_eq!(link("a.md", "C:/x.png"), Err(Refused::DrivePath));
        assert_eq!(link("a.md", "c%3A/x.png"), Err(Refused::DrivePath));
        assert_eq!(link("a.md", "img\\a.png"), Err(Refused::Backslash));
        assert_eq!(link("a.md", "/etc/x.png"), Err(Refused::Absolute));
        assert_eq!(link("a.md", "%2Fetc/x.png"), Err(Refused::Absolute));
        assert_eq!(link("e/a.md", "../../x.png"), Err(Refused::Outside));
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
    fn junk() {
        for n in [
            ".DS_Store",
            "Thumbs.db",
            "desktop.ini",
            "~$名簿.xlsx",
            "a.tmp",
            "a.md~",
            ".git",
        ] {
            assert!(is_junk(n), "{n}");
        }
        assert!(!is_junk("名簿.csv"));
    }

    #[test]
    fn raw_html_attributes() {
        let urls: Vec<&str> =
            raw_html_urls("<img SRC=\"a.png\"> <a href='b.pdf'>x</a> src=c").collect();
        assert_eq!(urls, ["a.png", "b.pdf"]);
    }
}
