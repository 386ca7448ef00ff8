//! Content: a page is its front matter (`Meta`) and its typed body (`Document`, parsed from
//! Markdown by `markdown`), parsed once.

pub mod controls;
pub mod event;
pub mod frontmatter;
pub mod kinds;
pub mod markdown;
pub mod model;
pub mod url;

use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
pub use frontmatter::{Kind, Meta};
pub use kinds::Section;
pub use model::Document;

#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to `content/`, with `/` separators (`newsletters/2021-06-vol01.md`).
    pub rel: String,
    /// Path shown in diagnostics (`content/newsletters/2021-06-vol01.md`).
    pub display: PathBuf,
    pub section: Section,
    pub meta: Meta,
    pub doc: Document,
    /// Output file relative to the output root, with `/` separators.
    pub out_path: String,
    /// The decoded source text, for checks that need positions (PDF glyph coverage).
    pub source: String,
}

impl Page {
    pub fn slug(&self) -> &str {
        match &self.meta.slug {
            Some((s, _)) => s,
            None => Path::new(&self.rel)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("page"),
        }
    }

    pub fn newsletter(&self) -> Option<&frontmatter::Newsletter> {
        match &self.meta.kind {
            Kind::Newsletter(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_plain(&self) -> bool {
        matches!(self.meta.kind, Kind::Plain)
    }

    pub fn handout(&self) -> Option<&frontmatter::Handout> {
        match &self.meta.kind {
            Kind::Handout(h) => Some(h),
            _ => None,
        }
    }

    pub fn event(&self) -> Option<&event::Event> {
        match &self.meta.kind {
            Kind::Event(e) => Some(e),
            _ => None,
        }
    }
}

/// The section a file belongs to, from its path under `content/`.
pub fn section_of(rel: &str) -> Section {
    Section::of(rel)
}

/// Reads and parses one Markdown file; problems go to `diags`.
pub fn load(path: &Path, rel: &str, diags: &mut Diagnostics) -> Option<Page> {
    let display = Path::new("content").join(rel);
    if let Some(too_large) = markdown::limits::check_file_size(path, &display) {
        diags.push(too_large);
        return None;
    }
    let source = match crate::source::read(path, &display) {
        Ok((s, warning)) => {
            diags.extend(warning);
            s
        }
        Err(e) => {
            diags.push(e);
            return None;
        }
    };
    parse(&source.text, rel, &display, diags)
}

pub fn parse(text: &str, rel: &str, display: &Path, diags: &mut Diagnostics) -> Option<Page> {
    let split = match frontmatter::split(text, display) {
        Ok(s) => s,
        Err(e) => {
            diags.push(e);
            return None;
        }
    };
    controls::check_page(text, &split, display, diags);
    let section = section_of(rel);
    let meta = frontmatter::parse(&split, section, display, diags);
    // The body is parsed even when the front matter is broken, so all problems show at once.
    let doc = markdown::parse(split.body, display, split.body_offset, diags);
    let meta = meta?;
    let mut page = Page {
        rel: rel.to_owned(),
        display: display.to_path_buf(),
        section,
        meta,
        doc,
        out_path: String::new(),
        source: text.to_owned(),
    };
    let dir = match rel.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/"),
        None => String::new(),
    };
    page.out_path = format!("{dir}{}.html", page.slug());
    Some(page)
}
