//! What a publish will do, decided before anything is written: which files are new, changed,
//! unchanged or to be removed, in which order they are written, and whether the folder is one
//! tsushin may change at all (a manifest, a journal of an interrupted run, or `--adopt`).

use std::collections::BTreeSet;
use std::path::Path;

use super::manifest::{self, Entry, Files};
use crate::diag::{Diagnostic, Location};

/// Default limits above which deletions need `--allow-deletes`.
pub const MAX_DELETES: usize = 50;
pub const MAX_DELETE_PERCENT: usize = 20;

/// The state of the destination folder before the publish.
pub struct Dest {
    /// The manifest of the last completed publish.
    pub manifest: Option<Files>,
    /// The files an interrupted publish may have touched (its journal).
    pub journal: Option<BTreeSet<String>>,
    /// Files in the folder when it has neither manifest nor journal (a folder to adopt).
    pub foreign: Vec<String>,
}

pub struct Plan {
    pub new: Files,
    /// Paths to write, in the order they are written (pages before listings).
    pub writes: Vec<String>,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    /// Paths to delete, with their size as last published.
    pub removed: Vec<(String, u64)>,
    pub unchanged: usize,
    /// Files already in the folder that tsushin did not publish and would overwrite.
    pub overwrite: Vec<String>,
    /// Files already in the folder that tsushin did not publish and leaves alone.
    pub leave: Vec<String>,
    /// Whether the folder has no manifest or an unrecorded file would be overwritten.
    pub needs_adopt: bool,
    /// Whether an interrupted publish is being finished.
    pub recovering: bool,
    /// Number of files of the last publish, for the deletion limit.
    pub previous: usize,
}

impl Plan {
    /// Whether the folder must be touched at all.
    pub fn has_work(&self, dest: &Dest) -> bool {
        !self.writes.is_empty()
            || !self.removed.is_empty()
            || dest.journal.is_some()
            || dest.manifest.as_ref() != Some(&self.new)
    }

    /// The error when the deletions exceed the limit, unless allowed.
    pub fn check_deletes(&self, allow: bool, at: &Location) -> Result<(), Diagnostic> {
        let n = self.removed.len();
        let too_many =
            n > MAX_DELETES || (self.previous > 0 && n * 100 > self.previous * MAX_DELETE_PERCENT);
        if allow || !too_many {
            return Ok(());
        }
        let examples: Vec<&str> = self
            .removed
            .iter()
            .take(5)
            .map(|(p, _)| p.as_str())
            .collect();
        Err(Diagnostic::error(
            at.clone(),
            format!(
                "this publish would delete {n} of the {} published files ({}…), more than the limit of {MAX_DELETES} files or {MAX_DELETE_PERCENT} %",
                self.previous,
                examples.join(", ")
            ),
        )
        .help("check the list with `tsushin publish --dry-run`; if the pages were withdrawn on purpose, publish again with --allow-deletes"))
    }
}

/// Reads the destination folder's manifest, journal and (without both) its files.
pub fn inspect(dest: &Path) -> Result<Dest, Diagnostic> {
    let manifest = manifest::read_manifest(dest)?;
    let journal = manifest::read_journal(dest)?;
    let foreign = if manifest.is_none() && journal.is_none() {
        list_files(dest)?
    } else {
        Vec::new()
    };
    Ok(Dest {
        manifest,
        journal,
        foreign,
    })
}

/// Every file under `dir` (relative, `/`), our own temporary files left out.
fn list_files(dir: &Path) -> Result<Vec<String>, Diagnostic> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| manifest::read_error(dir, &e.to_string()))?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_dir() || manifest::is_own_file(&name) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        out.push(rel.to_string_lossy().replace('\\', "/"));
    }
    Ok(out)
}

/// Compares the new output with the folder's state.
pub fn make(dest_dir: &Path, state: &Dest, new: Files) -> Result<Plan, Diagnostic> {
    let empty = Files::new();
    let manifest = state.manifest.as_ref().unwrap_or(&empty);
    let journal = state.journal.clone().unwrap_or_default();
    let foreign: BTreeSet<&str> = state.foreign.iter().map(String::as_str).collect();
    let mut plan = Plan {
        writes: Vec::new(),
        added: Vec::new(),
        changed: Vec::new(),
        removed: Vec::new(),
        unchanged: 0,
        overwrite: Vec::new(),
        leave: Vec::new(),
        needs_adopt: state.manifest.is_none() && state.journal.is_none() && !foreign.is_empty(),
        recovering: state.journal.is_some(),
        previous: manifest.len(),
        new: Files::new(),
    };
    for (rel, entry) in &new {
        let path = dest_dir.join(rel);
        let known = manifest.get(rel).filter(|_| !journal.contains(rel));
        let on_disk = match known {
            // Trust the manifest, as long as the file is still there.
            Some(k) if path.is_file() => Some(k.clone()),
            Some(_) => None,
            None if path.is_file() => Some(
                manifest::hash_file(&path)
                    .map_err(|e| manifest::read_error(&path, &e.to_string()))?,
            ),
            None => None,
        };
        let ours = manifest.contains_key(rel) || journal.contains(rel);
        match on_disk {
            Some(d) if d == *entry => plan.unchanged += 1,
            Some(_) => {
                if !ours {
                    plan.overwrite.push(rel.clone());
                }
                plan.changed.push(rel.clone());
            }
            None => plan.added.push(rel.clone()),
        }
    }
    if !plan.overwrite.is_empty() {
        plan.needs_adopt = true;
    }
    plan.leave = foreign
        .iter()
        .filter(|f| !new.contains_key(**f))
        .map(|f| f.to_string())
        .collect();
    let previously: BTreeSet<&String> = manifest.keys().chain(journal.iter()).collect();
    for rel in previously {
        if !new.contains_key(rel) && dest_dir.join(rel).is_file() {
            let size = manifest.get(rel).map_or(0, |e| e.size);
            plan.removed.push((rel.clone(), size));
        }
    }
    plan.writes = plan.added.iter().chain(&plan.changed).cloned().collect();
    plan.writes.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
    plan.new = new;
    Ok(plan)
}

/// Write order: files pages link to, then pages and PDFs, then the pages that list them, the
/// home page last.
pub fn rank(rel: &str) -> u8 {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if rel == "index.html" {
        6
    } else if rel == "feed.xml" {
        5
    } else if name == "index.html" {
        4
    } else if rel.starts_with("tags/") {
        3
    } else if rel.ends_with(".html") {
        2
    } else if rel.ends_with(".pdf") {
        1
    } else {
        0
    }
}

/// Size of `rel` in the new output.
pub fn size_of(plan: &Plan, rel: &str) -> u64 {
    plan.new.get(rel).map_or(0, |e: &Entry| e.size)
}

/// `1234` → "1.2 KB".
pub fn human(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_come_after_pages() {
        let mut v = [
            "index.html",
            "tags/a.html",
            "newsletters/index.html",
            "feed.xml",
            "newsletters/x.html",
            "newsletters/x.pdf",
            "static/style.css",
        ];
        v.sort_by_key(|r| rank(r));
        assert_eq!(v[0], "static/style.css");
        assert_eq!(v[6], "index.html");
        assert!(
            v.iter().position(|r| *r == "newsletters/x.html")
                < v.iter().position(|r| *r == "tags/a.html")
        );
    }
}
