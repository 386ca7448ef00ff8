//! What an interrupted build leaves beside the output, and how the next build repairs it.
//!
//! Every temporary folder is named after the output it belongs to
//! (`.tsushin-build-<name>-XXXXXX`, `.tsushin-old-<name>-XXXXXX`) and carries tsushin's marker
//! file until its very last moment, so the next build removes exactly those and nothing a
//! person made. A build holds an advisory lock on the folder it works in from the start to the
//! swap, so one build never takes another's staging folder for a leftover. Staging and
//! set-aside folders of earlier versions (`.tsushin-build-XXXXXX`, `.tsushin-old-XXXXXX/output`)
//! are removed too when they carry the marker.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::MARKER;
use super::swap::delete_tree;

/// Waits for other builds working in `dir`, then holds the folder until the file is dropped.
/// `None` where the system cannot lock a folder (then builds are not serialised).
pub fn lock(dir: &Path) -> Option<File> {
    let file = File::open(dir).ok()?;
    file.lock().ok()?;
    Some(file)
}

/// The kinds of temporary folders a build makes in its working folder.
const KINDS: &[&str] = &["build", "old"];

/// Whether `name` is a temporary folder name of kind `kind` for output `tag`.
fn is_named(name: &str, kind: &str, tag: &str) -> bool {
    let random =
        |s: &str| !s.is_empty() && s.len() <= 16 && s.chars().all(|c| c.is_ascii_alphanumeric());
    if let Some(rest) = name.strip_prefix(&format!(".tsushin-{kind}-{tag}-")) {
        return random(rest);
    }
    // Staging folders of earlier versions: `.tsushin-build-XXXXXX`.
    kind == "build"
        && name
            .strip_prefix(".tsushin-build-")
            .is_some_and(|r| r.len() == 6 && random(r))
}

/// A real folder (not a link) that carries the marker or is empty.
fn is_ours(path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_dir() {
        return false;
    }
    path.join(MARKER).is_file() || std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none())
}

/// Temporary folders of output `tag` in `work`, by kind.
fn find(work: &Path, kind: &str, tag: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(work) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| is_named(&e.file_name().to_string_lossy(), kind, tag))
        .map(|e| e.path())
        .filter(|p| is_ours(p))
        .collect();
    found.sort();
    found
}

/// Repairs what an interrupted build left (must hold the lock on `work`): when the output is
/// missing but a complete previous output was set aside, it is put back; then every leftover
/// folder of this output is deleted. Returns the folder restored, if any.
pub fn tidy(work: &Path, output: &Path, tag: &str) -> io::Result<Option<PathBuf>> {
    let mut restored = None;
    if std::fs::symlink_metadata(output).is_err() {
        let newest = find(work, "old", tag)
            .into_iter()
            .filter(|p| p.join(MARKER).is_file())
            .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        if let Some(old) = newest {
            std::fs::rename(&old, output)?;
            restored = Some(old);
        }
    }
    for kind in KINDS {
        for leftover in find(work, kind, tag) {
            delete_tree(&leftover)?;
        }
    }
    if std::fs::symlink_metadata(output).is_ok() {
        for legacy in legacy_old(work) {
            if let Ok(inner) = std::fs::symlink_metadata(legacy.join("output"))
                && inner.is_dir()
            {
                delete_tree(&legacy.join("output"))?;
            }
            std::fs::remove_dir(&legacy)?;
        }
    }
    Ok(restored)
}

/// Earlier versions set the old output aside as `.tsushin-old-XXXXXX/output`. Such a folder is
/// removed (once the output exists again) when it is empty or holds only an `output` folder
/// with the marker.
fn legacy_old(work: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(work) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_prefix(".tsushin-old-")
                .is_some_and(|r| r.len() == 6 && r.chars().all(|c| c.is_ascii_alphanumeric()))
        })
        .map(|e| e.path())
        .filter(|p| {
            let Ok(meta) = std::fs::symlink_metadata(p) else {
                return false;
            };
            let names: Vec<_> = std::fs::read_dir(p)
                .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
                .unwrap_or_default();
            meta.is_dir()
                && (names.is_empty()
                    || (names == ["output"]
                        && is_ours(&p.join("output"))
                        && p.join("output").join(MARKER).is_file()))
        })
        .collect()
}
