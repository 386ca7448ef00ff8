//! Carries out a publish plan on the destination folder so that a reader never sees a broken
//! site and an interruption at any moment can be finished by running the publish again:
//!
//! 1. temporary files of an interrupted run are removed;
//! 2. a journal naming every file this run (or an interrupted one) may touch is written;
//! 3. each new or changed file is written under a temporary name in its own folder and renamed
//!    over the old one, pages before the listings that link to them;
//! 4. files of the last publish that the site no longer has are deleted;
//! 5. the manifest is written, and the journal removed.
//!
//! Only plain files and same-folder renames are used (no links, owners, permissions or times),
//! which a mounted SMB share supports.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::manifest::{self, JOURNAL, MANIFEST, TEMP_PREFIX};
use super::plan::Plan;
use crate::diag::{Diagnostic, Location};

/// What the sync did.
#[derive(Debug, Default)]
pub struct Done {
    pub bytes_written: u64,
    pub temp_removed: usize,
    /// SHA-256 of the manifest now in the folder.
    pub manifest_sha256: String,
}

struct Writer {
    dest: PathBuf,
    counter: u64,
}

/// Makes `dest` equal to the output folder `source` as `plan` says.
pub fn run(
    source: &Path,
    dest: &Path,
    plan: &Plan,
    previously: &BTreeSet<String>,
    verbose: bool,
) -> Result<Done, Diagnostic> {
    let mut done = Done::default();
    std::fs::create_dir_all(dest).map_err(|e| write_error(dest, &e))?;
    done.temp_removed = remove_temp_files(dest, plan, previously);
    let mut w = Writer {
        dest: dest.to_path_buf(),
        counter: 0,
    };
    let mut owned: BTreeSet<String> = previously.clone();
    owned.extend(plan.new.keys().cloned());
    w.put(JOURNAL, &manifest::journal_bytes(&owned))?;
    for rel in &plan.writes {
        let from = source.join(rel);
        let bytes =
            std::fs::read(&from).map_err(|e| manifest::read_error(&from, &e.to_string()))?;
        w.put(rel, &bytes)?;
        done.bytes_written += bytes.len() as u64;
        if verbose {
            eprintln!("  wrote   {rel}");
        }
    }
    for (rel, _) in &plan.removed {
        let path = dest.join(rel);
        if renamed_in_case_only(dest, rel, plan) {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(write_error(&path, &e)),
        }
        remove_empty_parents(dest, &path);
        if verbose {
            eprintln!("  removed {rel}");
        }
    }
    let bytes = manifest::manifest_bytes(&plan.new);
    w.put(MANIFEST, &bytes)?;
    done.manifest_sha256 = manifest::sha256_hex(&bytes);
    let journal = dest.join(JOURNAL);
    std::fs::remove_file(&journal).map_err(|e| write_error(&journal, &e))?;
    Ok(done)
}

impl Writer {
    /// Writes `rel` under a temporary name in its folder, then renames it into place.
    fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let target = self.dest.join(rel);
        let dir = target.parent().unwrap_or(&self.dest).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| write_error(&dir, &e))?;
        self.counter += 1;
        let temp = dir.join(format!(
            "{TEMP_PREFIX}{}-{}.part",
            std::process::id(),
            self.counter
        ));
        let written = (|| {
            let mut f = std::fs::File::create(&temp)?;
            f.write_all(bytes)?;
            // Some shares refuse to flush on request; the rename below still orders the write.
            let _ = f.sync_all();
            Ok(())
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(write_error(&target, &e));
        }
        rename_with_retry(&temp, &target).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            write_error(&target, &e)
        })
    }
}

/// Whether `rel` differs from a new file's name only in letter case on a folder that ignores
/// case (as Windows shares do): the new file was written over it, so deleting `rel` would
/// delete the new file.
fn renamed_in_case_only(dest: &Path, rel: &str, plan: &Plan) -> bool {
    let lower = rel.to_lowercase();
    let Some(other) = plan
        .new
        .keys()
        .find(|k| *k != rel && k.to_lowercase() == lower)
    else {
        return false;
    };
    let name = |r: &str| r.rsplit('/').next().unwrap_or(r).to_owned();
    let parent = dest.join(rel);
    let Some(dir) = parent.parent() else {
        return false;
    };
    let names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    // Two entries: a case-sensitive folder holding two files; one entry: the same file.
    !(names.contains(&name(rel)) && names.contains(&name(other)))
}

/// Renames, retrying briefly: on a Windows share a reader holding the old file open makes the
/// rename fail for a moment.
fn rename_with_retry(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut last = None;
    for attempt in 0..5 {
        match std::fs::rename(from, to) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied && attempt < 4 => {
                last = Some(e);
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("rename failed")))
}

/// Temporary files of an interrupted publish: they can only be in the folders of files that
/// were (or are to be) published, so only those folders are looked at.
pub fn temp_files(dest: &Path, plan: &Plan, previously: &BTreeSet<String>) -> Vec<PathBuf> {
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    dirs.insert(dest.to_path_buf());
    for rel in plan.new.keys().chain(previously.iter()) {
        if let Some(parent) = dest.join(rel).parent() {
            dirs.insert(parent.to_path_buf());
        }
    }
    let mut found = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            if name.to_string_lossy().starts_with(TEMP_PREFIX)
                && e.file_type().is_ok_and(|t| t.is_file())
            {
                found.push(e.path());
            }
        }
    }
    found
}

pub fn remove_temp_files(dest: &Path, plan: &Plan, previously: &BTreeSet<String>) -> usize {
    temp_files(dest, plan, previously)
        .into_iter()
        .filter(|p| std::fs::remove_file(p).is_ok())
        .count()
}

/// Removes the folders a deletion left empty, up to (not including) `dest`.
fn remove_empty_parents(dest: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == dest || !d.starts_with(dest) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

fn write_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Location::file(path), format!("cannot write: {e}"))
        .help("check that the folder is reachable and writable, then run `tsushin publish` again: it finishes the interrupted publish")
}
