//! Build orchestration: load and validate everything, render every page, and only then swap
//! the new output in. Every problem of a build is collected and reported together.
//!
//! This module stands above all of `site`: it declares the modules, hands their public names
//! on (`site::load`, `site::Site`, …) and runs `build`. No module of `site` imports it; each
//! imports the module that defines what it uses (`loaded::Site`, `load::load`).

pub mod book;
pub mod context;
pub mod feed;
pub mod ics;
pub mod incremental;
pub mod links;
mod load;
mod loaded;
pub mod names;
pub mod output;
mod pages;
pub mod pdfs;
pub mod plan;
pub mod resolve;
pub mod search;
mod sequences;
pub mod single;
pub mod targets;
pub mod volumes;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics, Location};

pub use self::load::{Pages, load, load_pages};
pub use self::loaded::Site;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub drafts: bool,
    /// Typeset a PDF of every issue and training announcement (`--no-pdf` turns it off).
    pub pdf: bool,
    /// "Today" for upcoming/past trainings; fixed in tests for reproducible output.
    pub today: Date,
}

#[derive(Debug, Default)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub pages_written: usize,
    pub pdfs_written: usize,
    pub files_written: usize,
}

pub fn build(opts: &BuildOptions) -> BuildReport {
    let mut report = BuildReport::default();
    // Checked (and repaired after an interrupted build) before anything else, even if the
    // site has errors.
    let target = match output::prepare(&opts.root, &opts.output) {
        Ok(t) => t,
        Err(e) => {
            report.diagnostics.push(e);
            return report;
        }
    };
    let Some(mut site) = load(&opts.root, opts.drafts, &mut report.diagnostics) else {
        return report;
    };
    if !opts.pdf {
        site.pdf_paths.clear();
    }
    // The build plan: every HTML job, then (when they all succeeded) every PDF job.
    let mut files = plan::render_html(&site, opts.today, &mut report.diagnostics);
    if report.diagnostics.has_errors() {
        return report;
    }
    if opts.pdf {
        let pdfs = plan::render_pdfs(
            &site,
            opts.today,
            plan::Pdfs::Typeset,
            &mut report.diagnostics,
        );
        if report.diagnostics.has_errors() {
            return report;
        }
        report.pdfs_written = pdfs.len();
        files.extend(pdfs);
    }
    match write(&site, target, &files) {
        Ok(()) => {
            // Only once the output is in place: a failed build leaves the numbers as they were.
            if let Err(w) = ics::save(&site) {
                report.diagnostics.push(w);
            }
            report.pages_written = files.iter().filter(|(p, _)| p.ends_with(".html")).count();
            report.files_written = files.len() + site.assets.len() + site.theme.static_files.len();
        }
        Err(e) => report.diagnostics.push(e),
    }
    report
}

/// Renders every output file but the PDFs in memory (the HTML jobs of the build plan):
/// output path → bytes.
pub fn render_all(
    site: &Site,
    today: Date,
    diags: &mut Diagnostics,
) -> Option<BTreeMap<String, Vec<u8>>> {
    Some(plan::render_html(site, today, diags))
}

fn write(
    site: &Site,
    target: output::Target,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<(), Diagnostic> {
    let staging = target.stage()?;
    for (rel, bytes) in &site.theme.static_files {
        staging.write(rel, bytes)?;
    }
    let content_dir = site.root.join("content");
    for rel in &site.assets {
        let at = || Location::file(Path::new("content").join(rel));
        let path = resolve::file_in(&content_dir, rel).map_err(|_| {
            Diagnostic::error(
                at(),
                "cannot read: the file is gone or now leads outside content/",
            )
        })?;
        let bytes = std::fs::read(path)
            .map_err(|e| Diagnostic::error(at(), format!("cannot read: {e}")))?;
        staging.write(rel, &bytes)?;
    }
    for (rel, bytes) in files {
        staging.write(rel, bytes)?;
    }
    staging.commit()
}
