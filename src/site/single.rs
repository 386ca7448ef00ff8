//! `tsushin pdf FILE.md`: the PDF job of the build plan for one page of the site, written
//! where the author asks.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Location};

/// Problems of other pages do not stop this one: only this file's and the site's own stay.
fn own(found: Diagnostics, rel: &str) -> Diagnostics {
    let this = Path::new("content").join(rel);
    let mut out = Diagnostics::new();
    out.extend(
        found
            .into_iter()
            .filter(|d| d.location.file == this || !d.location.file.starts_with("content")),
    );
    out
}

/// The nearest folder above `file` that has a site.yaml.
pub fn find_root(file: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(file).ok()?;
    abs.ancestors()
        .skip(1)
        .find(|d| d.join(crate::config::FILE_NAME).is_file())
        .map(Path::to_path_buf)
}

/// `tsushin pdf FILE.md`: typesets one page of the site, drafts included, into `out` (default:
/// its usual file name in the current folder). Returns the path written.
pub fn single(
    root: Option<&Path>,
    file: &Path,
    out: Option<&Path>,
    diags: &mut Diagnostics,
) -> Option<PathBuf> {
    if !file.is_file() {
        diags.push(
            Diagnostic::error(Location::file(file), "no such file")
                .help("give the path of a page's Markdown file, e.g. content/newsletters/2021-06-vol01.md"),
        );
        return None;
    }
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let root = match root {
        Some(r) => r.to_path_buf(),
        None => match find_root(file) {
            Some(r) => r,
            None => {
                diags.push(
                    Diagnostic::error(
                        Location::file(file),
                        "no site.yaml found in this file's folder or above it",
                    )
                    .help("run the command inside the site, or pass --root DIR"),
                );
                return None;
            }
        },
    };
    let root_abs = std::path::absolute(&root).unwrap_or_else(|_| root.clone());
    let Some(rel) = abs
        .strip_prefix(root_abs.join("content"))
        .ok()
        .and_then(|r| r.to_str())
        .map(|r| r.replace('\\', "/"))
    else {
        diags.push(
            Diagnostic::error(
                Location::file(file),
                "the file is not inside the site's content/ folder",
            )
            .help(
                "give the path of a page under content/, e.g. content/newsletters/2021-06-vol01.md",
            ),
        );
        return None;
    };
    // Only this page and the pages it links to are read. When that finds an error, the whole
    // site is read to report it as `build` would (a "did you mean" names any page).
    let mut found = Diagnostics::new();
    let mut site =
        super::load::load_pages(&root, true, super::load::Pages::Linked(&rel), &mut found);
    found = own(found, &rel);
    if found.has_errors() {
        found = Diagnostics::new();
        site = super::load::load(&root, true, &mut found);
        found = own(found, &rel);
    }
    diags.extend(found);
    let site = site?;
    let Some(page) = site.pages.iter().find(|p| p.rel == rel) else {
        if !diags.has_errors() {
            diags.push(
                Diagnostic::error(Location::file(file), "this file is not a page of the site")
                    .help("PDFs are made from Markdown files (.md) under content/"),
            );
        }
        return None;
    };
    if site.pdf.is_none() || diags.has_errors() {
        return None;
    }
    // The PDF job of the build plan, alone; drafts have a PDF planned too (`load` with drafts).
    let (bytes, d) = super::plan::page_pdf(&site, page)?;
    diags.extend(d);
    let bytes = bytes?;
    let name = super::pdfs::plan(std::slice::from_ref(page), &site.config, &[])
        .remove(&page.rel)
        .and_then(|p| p.rsplit('/').next().map(str::to_owned))
        .unwrap_or_else(|| format!("{}.pdf", page.slug()));
    // `-o FOLDER` writes the usual file name into that folder, as `cp` would.
    let target = match out {
        Some(o) if o.is_dir() => o.join(name),
        Some(o) => o.to_path_buf(),
        None => PathBuf::from(name),
    };
    // Never over a source or any other file: `-o issue.md` would have replaced the issue.
    if !target
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
    {
        diags.push(
            Diagnostic::error(
                Location::file(&target),
                "the output is not a .pdf file; nothing was written",
            )
            .help("give -o a file name ending in .pdf, or a folder"),
        );
        return None;
    }
    write(&target, &bytes, diags).then_some(target)
}

/// Writes `bytes` beside `target` and renames it into place, so a reader never opens half a
/// file; a failure is said with what to do about it.
fn write(target: &Path, bytes: &[u8], diags: &mut Diagnostics) -> bool {
    let tmp = target.with_extension("pdf.part");
    let Err(e) = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, target)) else {
        return true;
    };
    let _ = std::fs::remove_file(&tmp);
    let help = match target.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => format!(
            "the folder {} does not exist: create it first, or give another -o path",
            dir.display()
        ),
        _ => "check that the folder is writable and the file is not open in another program"
            .to_owned(),
    };
    diags.push(
        Diagnostic::error(Location::file(target), format!("cannot write the PDF: {e}")).help(help),
    );
    false
}
