//! What the preview adds to pages: the reload script (only while serving, never in `build`
//! output), the error overlay shown while the site has errors, and the not-found page.

use std::path::Path;

use crate::diag::{Diagnostics, Severity};
use crate::html::escape;
use crate::printer;

/// Where pages listen for reload events.
pub const EVENTS_PATH: &str = "/__tsushin/events";

/// The inline reload script. `generation` is the build the page was served from: when the
/// server has a newer one (an edit arrived between page load and connection), it reloads too.
pub fn reload_script(generation: u64) -> String {
    format!(
        r#"<script id="tsushin-reload">(function () {{
  if (!window.EventSource) return;
  var generation = {generation};
  var source = new EventSource("{EVENTS_PATH}");
  source.addEventListener("hello", function (e) {{
    window.tsushinLive = true;
    try {{ if (JSON.parse(e.data).generation !== generation) location.reload(); }} catch (_) {{}}
  }});
  source.addEventListener("reload", function () {{ source.close(); location.reload(); }});
}})();</script>"#
    )
}

/// `html` with `extra` inserted before the last `</body>` (or at the end).
pub fn inject(html: &[u8], extra: &str) -> Vec<u8> {
    let at = find_last_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len() + 1);
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

const STYLE: &str = r#"<style>
#tsushin-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,28,.72);
 font:16px/1.6 "BIZ UDPGothic","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;color:#1a1a1a;text-align:left}
#tsushin-overlay .panel{max-width:56rem;margin:2rem auto;background:#fff;border-top:.4rem solid #b3261e;
 border-radius:.4rem;padding:1.5rem 2rem;box-shadow:0 .5rem 2rem rgba(0,0,0,.4)}
#tsushin-overlay h1{font-size:1.4rem;margin:0 0 .5rem;color:#b3261e}
#tsushin-overlay ol{padding-left:1.5rem}
#tsushin-overlay li{margin:1.2rem 0}
#tsushin-overlay pre{background:#f4f4f6;border-left:.3rem solid #b3261e;padding:.6rem .8rem;overflow:auto;
 white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.5 ui-monospace,Consolas,monospace;margin:.4rem 0}
#tsushin-overlay .warning pre{border-left-color:#8a5a00}
@media (max-width:40rem){#tsushin-overlay .panel{margin:0;border-radius:0;padding:1rem}}
</style>"#;

/// The overlay listing every error (and warning) as the terminal shows it: file, line,
/// column, message, an excerpt of the source and how to fix it (`printer::plain`).
pub fn overlay(root: &Path, diags: &Diagnostics) -> String {
    let sorted = diags.clone().into_sorted();
    let errors = diags.error_count();
    let mut items = String::new();
    // Errors first: they are what stops the build.
    let ordered = sorted
        .iter()
        .filter(|d| d.is_error())
        .chain(sorted.iter().filter(|d| !d.is_error()));
    for (shown, d) in ordered.enumerate() {
        let class = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let text = printer::plain(root, d, shown < printer::EXCERPTS);
        items.push_str(&format!(
            "<li class=\"{class}\"><pre>{}</pre></li>",
            escape(&text)
        ));
    }
    let heading = if errors == 1 {
        "The site has 1 error".to_owned()
    } else {
        format!("The site has {errors} errors")
    };
    format!(
        "{STYLE}<div id=\"tsushin-overlay\" role=\"alertdialog\" aria-labelledby=\"tsushin-overlay-title\"><div class=\"panel\">\
<h1 id=\"tsushin-overlay-title\">{heading}</h1>\
<p>Fix the file and save it: this page reloads by itself. Until then, <code>tsushin build</code> would stop here too.</p>\
<ol>{items}</ol></div></div>"
    )
}

/// A whole page for the overlay when there is no page to lay it over.
pub fn standalone(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title></head>\
<body>{body}</body></html>\n",
        escape(title)
    )
}

/// The not-found page: it reloads itself when the page appears.
pub fn not_found(path: &str) -> String {
    standalone(
        "Not found — tsushin preview",
        &format!(
            "<main style=\"font:16px/1.6 sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\">\
<h1>Not found</h1><p>The site has no file <code>{}</code>.</p>\
<p><a href=\"/index.html\">Go to the home page</a>. This page reloads by itself when the file appears.</p></main>",
            escape(path)
        ),
    )
}

/// Content type by file extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/atom+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "ics" => "text/calendar; charset=utf-8",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "csv" => "text/csv; charset=utf-8",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// A request path → output path (`/` → `index.html`, `/events/` → `events/index.html`);
/// `None` for paths that leave the site or are not valid.
pub fn output_path(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let path = path.strip_prefix('/')?;
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?
        .into_owned();
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut rel = parts.join("/");
    if rel.is_empty() {
        rel = "index.html".into();
    } else if decoded.ends_with('/') {
        rel.push_str("/index.html");
    }
    Some(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_output_files() {
        assert_eq!(output_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            output_path("/events/").as_deref(),
            Some("events/index.html")
        );
        assert_eq!(
            output_path("/tags/%E7%A0%94%E4%BF%AE%E4%BC%9A.html?x=1").as_deref(),
            Some("tags/研修会.html")
        );
        assert_eq!(output_path("/../etc/passwd"), None);
        assert_eq!(output_path("/a/%2e%2e/%2e%2e/b"), None);
        assert_eq!(output_path("/a%5cb"), None);
        assert_eq!(output_path("relative"), None);
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject(html, "<s>")).unwrap();
        assert_eq!(out, "<html><body><p>x</p><s></BODY></html>");
        assert_eq!(inject(b"<p>", "<s>"), b"<p><s>");
    }
}
