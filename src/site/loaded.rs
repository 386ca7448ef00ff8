//! What a loaded site is: the [`Site`] that `load` makes and every job of the build plan
//! reads. It sits below all of them, so that each module of the site imports the description
//! of a site rather than the module that loads or builds one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use super::sequences::Sequences;
use super::targets::PageLinks;
use crate::config::Config;
use crate::content::Page;
use crate::theme::Theme;

/// Everything loaded and checked, ready to render.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub theme: Theme,
    pub pages: Vec<Page>,
    /// Files copied from content/ (images, attachments), relative to content/: those that a
    /// published page links to or shows (`resolve::published`).
    pub assets: Vec<String>,
    /// Every non-Markdown file under content/ that may be published (no junk, no link out).
    pub content_files: Vec<String>,
    pub drafts: HashSet<String>,
    /// Tag → output file of its page.
    pub tag_files: BTreeMap<String, String>,
    /// Source path → output path of its PDF; empty when PDFs are not made.
    pub pdf_paths: HashMap<String, String>,
    /// Fonts and style of the PDFs, parsed once per build.
    pub pdf: Option<crate::pdf::PdfContext>,
    /// Source path → output path of its calendar file (`ics::plan`); made with or without PDFs.
    pub ics_paths: HashMap<String, String>,
    /// The calendar files' SEQUENCE numbers as the last build left them.
    pub ics_sequences: Sequences,
    /// Every page's links and images resolved (`load::resolve_links`), by source path:
    /// the HTML and the PDF read their targets here.
    pub links: HashMap<String, PageLinks>,
}
