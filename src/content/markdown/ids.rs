//! Heading ids: slugs of the heading text that stay clear of the footnote ids.

/// An anchor id from heading text: letters and digits of any script are kept (Japanese too),
/// ASCII is lowercased, runs of spaces and hyphens become one `-`, everything else is dropped
/// so the id is safe in a URL fragment.
pub(super) fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '-' {
            pending_dash = true;
        } else if c.is_alphanumeric() || c == '_' || matches!(c, '\u{3099}'..='\u{309A}') {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Ids the HTML renderer gives footnotes (`fn-1`, `fnref-1`, `fnref-1-2`); headings avoid them.
pub(super) fn is_footnote_id(id: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = id.strip_prefix("fnref-") {
        return match rest.split_once('-') {
            Some((n, count)) => digits(n) && digits(count),
            None => digits(rest),
        };
    }
    id.strip_prefix("fn-").is_some_and(digits)
}
