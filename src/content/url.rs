//! What a URL written in a page is, read from its text alone: the one place that decides
//! whether a link leaves the site. The site's link resolver, the HTML body and the PDF's image
//! loader all ask here, so `//host/…` or `mailto:` cannot mean one thing in the HTML and
//! another in the PDF.

/// The scheme of `url` in lower case (`https`, `mailto`, `c` for a drive letter), read as a
/// browser or PDF viewer reads it: surrounding spaces and controls dropped, tabs and newlines
/// inside ignored, and only ASCII letters, digits, `+`, `-` and `.` (starting with a letter).
/// `None` for a relative URL (`images/a:b.png`, `a.md#x:y`, `写真:1.png`).
pub fn scheme(url: &str) -> Option<String> {
    let normalized: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(64)
        .collect();
    let (scheme, _) = normalized.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// `//host/…`: a web address without its scheme.
pub fn is_protocol_relative(url: &str) -> bool {
    url.trim().starts_with("//")
}

/// Whether `url` points outside the site: it has a scheme (`https:`, `mailto:`, `tel:`, …;
/// a one-letter "scheme" is a drive letter, not a web address) or is protocol-relative.
/// Such a URL is never read from disk and never looked up among the site's pages.
pub fn is_external(url: &str) -> bool {
    is_protocol_relative(url) || scheme(url).is_some_and(|s| s.len() > 1)
}

/// Whether `url` opens a web page (`http:`, `https:` or protocol-relative), which a browser
/// should open without giving it access to this page (`rel="noopener"`).
pub fn is_web(url: &str) -> bool {
    is_protocol_relative(url) || matches!(scheme(url).as_deref(), Some("http" | "https"))
}

/// The address a reader's browser or PDF viewer should open for the external `url`: as
/// written, except that a protocol-relative `//host/…` becomes `https://host/…`. A PDF has
/// no page scheme to inherit, and a page opened from a file share would turn `//host` into a
/// network path: `https:` is what the author meant in both.
pub fn web_address(url: &str) -> String {
    let url = url.trim();
    match is_protocol_relative(url) {
        true => format!("https:{url}"),
        false => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_read_as_viewers_read_them() {
        assert_eq!(
            scheme(" JavaScript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(scheme("java\tscript:x").as_deref(), Some("javascript"));
        assert_eq!(scheme("https://example.jp/").as_deref(), Some("https"));
        assert_eq!(scheme("C:/x.png").as_deref(), Some("c"));
        assert_eq!(scheme("images/a:b.png"), None);
        assert_eq!(scheme("a.md#x:y"), None);
        assert_eq!(scheme("../events/index.html#x"), None);
    }

    #[test]
    fn external_urls() {
        for url in [
            "https://example.jp/",
            "mailto:a@example.jp",
            "tel:06-0000-0000",
            "//www.city.example.lg.jp/a.pdf",
        ] {
            assert!(is_external(url), "{url}");
        }
        for url in ["a.md", "#x", "C:/x.png", "images/a:b.png", ""] {
            assert!(!is_external(url), "{url}");
        }
        assert!(is_web("//host/x") && is_web("HTTPS://x") && !is_web("mailto:a@b"));
        assert_eq!(web_address("//host/a.pdf"), "https://host/a.pdf");
        assert_eq!(web_address("mailto:a@b"), "mailto:a@b");
    }
}
