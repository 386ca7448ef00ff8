//! The structure trees of a PDF as three independent readers give them (poppler, PDFium,
//! pdf.js, through the scripts beside this file), turned into one Rust shape so that they can
//! be compared with each other and with the source.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A structure element: role after role mapping, /Alt, attributes (PDFium's /A entries; poppler's
/// printed attributes) and kids in order.
#[derive(Debug, Clone, PartialEq)]
pub struct El {
    pub role: String,
    pub alt: Option<String>,
    pub attrs: BTreeMap<String, String>,
    pub kids: Vec<Kid>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kid {
    El(El),
    /// The text of one or more marked-content references in a row (whitespace removed).
    Text(String),
    /// An object reference (link annotation).
    Objr,
}

/// The three readers' view of one PDF.
pub struct Trees {
    pub file: PathBuf,
    pub poppler: El,
    pub pdfium: El,
    pub pdfium_pages: Vec<El>,
    /// Marked-content references PDFium's per-page trees leave without a page.
    pub pdfium_unresolved: Vec<String>,
    pub pdfjs_pages: Vec<El>,
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pdf_tags")
        .join(name)
}

/// Runs `program args…`, fails the test with its stderr (or the package to install) unless it
/// prints JSON.
fn run_json(program: &str, args: &[&Path], install: &str) -> Value {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): {install}"));
    assert!(
        out.status.success(),
        "{program} {:?} failed ({}): {}\n{install}",
        args,
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{program} {args:?} printed no JSON: {e}"))
}

impl Trees {
    pub fn read(pdf: &Path) -> Trees {
        let poppler = run_json(
            "python3",
            &[&script("poppler_tree.py"), pdf],
            "apt-get install poppler-utils",
        );
        let pdfium = run_json(
            "python3",
            &[&script("pdfium_tree.py"), pdf],
            "pip install pypdfium2 into target/ci-venv, first on PATH (see scripts/test)",
        );
        let pdfjs = run_json(
            "node",
            &[&script("pdfjs_tree.mjs"), pdf],
            "npm ci (pdfjs-dist)",
        );
        let pages = |v: &Value| -> Vec<El> {
            v["pages"]
                .as_array()
                .expect("pages")
                .iter()
                .map(El::from_json)
                .collect()
        };
        if let Some(w) = pdfjs["warnings"].as_array().filter(|w| !w.is_empty()) {
            // Font hinting notes ("TT: undefined function") and the like: shown, not fatal.
            eprintln!("pdf.js warnings for {}: {w:?}", pdf.display());
        }
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default()
        };
        Trees {
            file: pdf.to_owned(),
            poppler: El::from_json(&poppler["tree"]),
            pdfium: El::from_json(&pdfium["tree"]),
            pdfium_pages: pages(&pdfium),
            pdfium_unresolved: strings(&pdfium["unresolved"]),
            pdfjs_pages: pages(&pdfjs),
        }
    }
}

/// Removes all whitespace: the readers put spaces between text pieces differently.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

impl El {
    pub fn from_json(v: &Value) -> El {
        let attrs = v["attrs"]
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| {
                        let v = v.as_str().map(str::to_owned).unwrap_or(v.to_string());
                        (k.clone(), v)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut kids: Vec<Kid> = Vec::new();
        for k in v["kids"].as_array().expect("kids") {
            if k.get("role").is_some() {
                kids.push(Kid::El(El::from_json(k)));
            } else if k.get("objr").is_some() {
                kids.push(Kid::Objr);
            } else {
                let t = squeeze(k["text"].as_str().unwrap_or(""));
                match kids.last_mut() {
                    Some(Kid::Text(prev)) => prev.push_str(&t),
                    _ => kids.push(Kid::Text(t)),
                }
            }
        }
        El {
            role: v["role"].as_str().expect("role").to_owned(),
            alt: v["alt"].as_str().map(str::to_owned),
            attrs,
            kids,
        }
    }

    /// The shape compared between readers: no attributes (each reader prints them its own
    /// way), optionally no /Alt (poppler does not print it) and no object references (pdf.js
    /// and PDFium place them on pages differently), optionally without elements that have no
    /// marked content (pdf.js lists a list's later items, empty, on the page where the list
    /// starts).
    pub fn shape(&self, alt: bool, objr: bool, prune: bool) -> El {
        let mut kids = Vec::new();
        for k in &self.kids {
            match k {
                Kid::El(e) if prune && !e.has_content() => {}
                Kid::El(e) => kids.push(Kid::El(e.shape(alt, objr, prune))),
                Kid::Objr if !objr => {}
                Kid::Text(t) => match kids.last_mut() {
                    // Text pieces on either side of a dropped object reference.
                    Some(Kid::Text(prev)) => prev.push_str(t),
                    _ => kids.push(Kid::Text(t.clone())),
                },
                Kid::Objr => kids.push(Kid::Objr),
            }
        }
        El {
            role: self.role.clone(),
            alt: if alt { self.alt.clone() } else { None },
            attrs: BTreeMap::new(),
            kids,
        }
    }

    pub fn has_content(&self) -> bool {
        self.kids.iter().any(|k| match k {
            Kid::Text(_) => true,
            Kid::El(e) => e.has_content(),
            Kid::Objr => false,
        })
    }

    /// All text of the subtree in order, whitespace removed.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for k in &self.kids {
            match k {
                Kid::Text(t) => s.push_str(t),
                Kid::El(e) => s.push_str(&e.text()),
                Kid::Objr => {}
            }
        }
        s
    }

    pub fn children(&self) -> impl Iterator<Item = &El> {
        self.kids.iter().filter_map(|k| match k {
            Kid::El(e) => Some(e),
            _ => None,
        })
    }

    /// Every element of the subtree (itself first) with its ancestors' roles, in order.
    pub fn walk(&self) -> Vec<(Vec<String>, &El)> {
        fn go<'a>(e: &'a El, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, &'a El)>) {
            out.push((path.clone(), e));
            path.push(e.role.clone());
            for c in e.children() {
                go(c, path, out);
            }
            path.pop();
        }
        let mut out = Vec::new();
        go(self, &mut Vec::new(), &mut out);
        out
    }

    /// One line per element and text piece, indented: for readable assertion messages.
    pub fn outline(&self) -> String {
        fn go(e: &El, depth: usize, out: &mut String) {
            let alt = e
                .alt
                .as_deref()
                .map(|a| format!(" alt={a:?}"))
                .unwrap_or_default();
            out.push_str(&format!("{}{}{alt}\n", "  ".repeat(depth), e.role));
            for k in &e.kids {
                match k {
                    Kid::El(c) => go(c, depth + 1, out),
                    Kid::Text(t) => out.push_str(&format!("{}{t:?}\n", "  ".repeat(depth + 1))),
                    Kid::Objr => out.push_str(&format!("{}OBJR\n", "  ".repeat(depth + 1))),
                }
            }
        }
        let mut out = String::new();
        go(self, 0, &mut out);
        out
    }
}

/// `None` when equal, else the first differing line of the two outlines with context.
pub fn first_difference(a: &El, b: &El) -> Option<String> {
    if a == b {
        return None;
    }
    let (la, lb) = (a.outline(), b.outline());
    let (va, vb): (Vec<&str>, Vec<&str>) = (la.lines().collect(), lb.lines().collect());
    let i = va
        .iter()
        .zip(&vb)
        .position(|(x, y)| x != y)
        .unwrap_or(va.len().min(vb.len()));
    let from = i.saturating_sub(4);
    let show = |v: &[&str]| v[from.min(v.len())..(i + 4).min(v.len())].join("\n");
    Some(format!(
        "first difference at line {}:\n--- one\n{}\n--- other\n{}",
        i + 1,
        show(&va),
        show(&vb)
    ))
}

/// Table and list syntax (Matterhorn 09-004, 09-005): which roles may hold which.
pub fn syntax_problems(name: &str, tree: &El) -> Vec<String> {
    let allowed: &[(&str, &[&str])] = &[
        ("Table", &["THead", "TBody", "TFoot", "TR", "Caption"]),
        ("THead", &["TR"]),
        ("TBody", &["TR"]),
        ("TFoot", &["TR"]),
        ("TR", &["TH", "TD"]),
        ("L", &["LI", "L", "Caption"]),
        ("LI", &["Lbl", "LBody"]),
    ];
    let mut problems = Vec::new();
    for (_, e) in tree.walk() {
        if let Some((_, kids)) = allowed.iter().find(|(r, _)| *r == e.role) {
            for c in e.children() {
                if !kids.contains(&c.role.as_str()) {
                    problems.push(format!("{name}: {} holds {}", e.role, c.role));
                }
            }
            if matches!(e.role.as_str(), "TR" | "LI")
                && e.kids.iter().any(|k| matches!(k, Kid::Text(_)))
            {
                problems.push(format!("{name}: {} holds text directly", e.role));
            }
        }
    }
    problems
}
