//! File names a Windows file share can hold. Readers open the site from a share, so every
//! output name is checked (slugs and source files: a located error with a suggestion) or made
//! safe (PDF names and tag pages, which tsushin derives itself), and two output paths that
//! differ only in case are an error: Windows would keep only one of them.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::content::Page;
use crate::diag::{Diagnostic, Diagnostics, Location};

pub use crate::filenames::{is_reserved, make_safe, problem};

/// The search page, written at the output root (`search::PAGE`).
pub const SEARCH_PAGE: &str = "search.html";

/// Generated pages that content may not replace.
pub const RESERVED: &[&str] = &[
    "index.html",
    "newsletters/index.html",
    "events/index.html",
    "handouts/index.html",
    "tags/index.html",
    "feed.xml",
    SEARCH_PAGE,
];

/// The first segment of `path` (`/`-separated) that Windows cannot hold, with the reason.
fn bad_segment(path: &str) -> Option<(&str, String)> {
    path.split('/')
        .find_map(|seg| problem(seg).map(|why| (seg, why)))
}

/// Who makes an output path, for messages naming both sides of a clash.
#[derive(Clone)]
enum Source {
    Generated,
    File(Location),
}

impl Source {
    fn describe(&self, out: &str) -> String {
        match self {
            Source::Generated => format!("`{out}` (made by tsushin)"),
            Source::File(l) => format!("`{out}` (from {})", slash(&l.file)),
        }
    }
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Folders tsushin writes itself.
const GENERATED_FOLDERS: &[&str] = &["newsletters", "events", "handouts", "tags", "static"];

/// Checks the output names of pages and copied files: each must be a name a Windows share can
/// hold, and no two output files (or folders) may differ only in case.
pub fn check_outputs(pages: &[Page], assets: &[String], diags: &mut Diagnostics) {
    let mut outputs: Vec<(String, Source)> = Vec::new();
    for p in pages {
        let at = match &p.meta.slug {
            Some((_, l)) => l.clone(),
            None => Location::file(&p.display),
        };
        if let Some((seg, why)) = bad_segment(&p.out_path) {
            let fix = make_safe(seg.trim_end_matches(".html"), "page");
            diags.push(
                Diagnostic::error(
                    at.clone(),
                    format!(
                        "this page would be written to {}, which a Windows file share cannot hold: {why}",
                        p.out_path
                    ),
                )
                .help(format!(
                    "rename the file or folder (for example to `{fix}`), or set `slug: {fix}`"
                )),
            );
            continue;
        }
        outputs.push((p.out_path.clone(), Source::File(at)));
    }
    for a in assets {
        let at = Location::file(Path::new("content").join(a));
        if let Some((seg, why)) = bad_segment(a) {
            diags.push(
                Diagnostic::error(
                    at,
                    format!("this file would be copied to {a}, which a Windows file share cannot hold: {why}"),
                )
                .help(format!("rename it, for example to `{}`", make_safe(seg, "file"))),
            );
            continue;
        }
        outputs.push((a.clone(), Source::File(at)));
    }
    case_clashes(&outputs, diags);
}

/// Two outputs (or two folders) whose paths are equal but for case.
fn case_clashes(outputs: &[(String, Source)], diags: &mut Diagnostics) {
    let mut files: HashMap<String, (String, Source)> = RESERVED
        .iter()
        .map(|r| (r.to_lowercase(), (r.to_string(), Source::Generated)))
        .collect();
    let mut folders: HashMap<String, (String, Source)> = GENERATED_FOLDERS
        .iter()
        .map(|f| (f.to_string(), (f.to_string(), Source::Generated)))
        .collect();
    let mut reported: HashSet<String> = HashSet::new();
    for (out, source) in outputs {
        let mut clash = |kind: &str, path: &str, other: &(String, Source)| {
            if !reported.insert(format!("{kind}\n{path}\n{}", other.0)) {
                return;
            }
            let Source::File(at) = source else { return };
            let mut d = Diagnostic::error(
                at.clone(),
                format!(
                    "{} and {} differ only in case: a Windows file share keeps only one of these {kind}s",
                    Source::File(at.clone()).describe(path),
                    other.1.describe(&other.0),
                ),
            )
            .help("rename one of them so that the names differ in more than upper and lower case");
            if let Source::File(l) = &other.1 {
                d = d.related(l.clone());
            }
            diags.push(d);
        };
        let mut prefix = String::new();
        let segments: Vec<&str> = out.split('/').collect();
        for seg in &segments[..segments.len() - 1] {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(seg);
            let key = prefix.to_lowercase();
            match folders.get(&key) {
                Some(other) if other.0 != prefix => clash("folder", &prefix.clone(), other),
                Some(_) => {}
                None => {
                    folders.insert(key, (prefix.clone(), source.clone()));
                }
            }
        }
        let key = out.to_lowercase();
        match files.get(&key) {
            // Exactly equal paths are reported by `check_unique`.
            Some(other) if other.0 != *out => clash("file", out, other),
            Some(_) => {}
            None => {
                files.insert(key, (out.clone(), source.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_with_any_extension() {
        for n in [
            "CON",
            "con.txt",
            "nul.md",
            "Com1.tar.gz",
            "lpt9",
            "AUX .html",
        ] {
            assert!(is_reserved(n), "{n}");
            assert!(problem(n).is_some(), "{n}");
        }
        for n in ["console", "com10", "icon.png", "研修会"] {
            assert!(!is_reserved(n), "{n}");
        }
    }

    #[test]
    fn unsafe_names_are_made_safe() {
        assert_eq!(make_safe("con", "x"), "con_");
        assert_eq!(make_safe("nul.md", "x"), "nul_.md");
        assert_eq!(make_safe("a?b. ", "x"), "a_b");
        assert_eq!(make_safe("...", "fallback"), "fallback");
        assert_eq!(problem("a."), problem("b "));
        assert!(problem("案内.html").is_none());
    }
}
