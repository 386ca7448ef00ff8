//! Watching the site folder: content/, templates/, themes/, static/ and site.yaml. notify's
//! debouncer (`notify-debouncer-full`) holds each event for a moment and pairs renames (an
//! editor's save is often several events: a temporary file renamed over the page, or a
//! truncate and a write); batches that follow each other closely are gathered into one change,
//! then classified into what the incremental build needs to know. What cannot be
//! watched (a symlink loop, a folder without permission) is reported once, and everything else
//! stays watched.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::diag::printable_line;
use crate::progress::Paint;
use crate::site::incremental::Changes;

/// How long the debouncer holds an event for more of the same save.
pub const QUIET: Duration = Duration::from_millis(15);
/// How often the debouncer hands over what it holds.
const TICK: Duration = Duration::from_millis(3);
/// A batch that follows the last one within this time belongs to the same change.
const GATHER: Duration = Duration::from_millis(8);
/// Longest wait while events keep coming (a `git checkout` of many files).
const MAX_WAIT: Duration = Duration::from_millis(500);
/// Folders of the site that are watched as a whole.
const WATCHED: [&str; 4] = ["content", "templates", "themes", "static"];

pub struct Watch {
    watcher: Debouncer<RecommendedWatcher, RecommendedCache>,
    rx: Receiver<DebounceEventResult>,
    /// The site folder as given, absolute, and canonical (some systems report that).
    roots: Vec<PathBuf>,
    watched: HashSet<&'static str>,
    /// Folders the watcher could not take as a whole: watched folder by folder instead, and
    /// their new subfolders added as they appear.
    one_by_one: HashSet<&'static str>,
    /// Problems already printed, so each is printed once.
    reported: HashSet<String>,
    paint: Paint,
}

impl Watch {
    pub fn new(root: &Path, paint: Paint) -> Result<Watch, String> {
        let abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut roots = vec![abs.clone()];
        if let Ok(c) = std::fs::canonicalize(root)
            && c != abs
        {
            roots.push(c);
        }
        let (tx, rx) = channel();
        let watcher = new_debouncer(QUIET, Some(TICK), tx)
            .map_err(|e| format!("cannot watch files for changes: {e}"))?;
        let mut w = Watch {
            watcher,
            rx,
            roots,
            watched: HashSet::new(),
            one_by_one: HashSet::new(),
            reported: HashSet::new(),
            paint,
        };
        // The site folder itself, not its subfolders: site.yaml, and folders that appear.
        w.watcher
            .watch(&abs, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {} for changes: {e}", abs.display()))?;
        w.watch_folders();
        Ok(w)
    }

    /// Starts watching the site folders that exist and are not watched yet; true if any.
    fn watch_folders(&mut self) -> bool {
        let mut added = false;
        for name in WATCHED {
            if self.watched.contains(name) {
                continue;
            }
            let dir = self.roots[0].join(name);
            if !dir.is_dir() {
                continue;
            }
            match self.watcher.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.one_by_one.remove(name);
                    self.survey(&dir);
                }
                Err(e) => {
                    self.report(format!(
                        "{name}/ cannot be watched as a whole ({e}); its folders are watched one by one"
                    ));
                    self.one_by_one.insert(name);
                    self.watch_each(&dir);
                }
            }
            self.watched.insert(name);
            added = true;
        }
        added
    }

    /// Prints a problem with watching, once.
    fn report(&mut self, problem: String) {
        if self.reported.insert(problem.clone()) {
            eprintln!(
                "{} {}",
                self.paint.yellow("warning:"),
                printable_line(&problem)
            );
        }
    }

    /// `path` relative to the site folder, as the author knows it.
    fn shown(&self, path: &Path) -> String {
        let rel = self
            .roots
            .iter()
            .find_map(|r| path.strip_prefix(r).ok())
            .unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }

    /// Walks `dir` as the watcher does (following symbolic links) and reports every entry it
    /// cannot follow: a symlink loop, a link to nothing that loops, a folder it may not read.
    fn survey(&mut self, dir: &Path) {
        let mut problems = Vec::new();
        for entry in walkdir::WalkDir::new(dir).follow_links(true) {
            let Err(e) = entry else { continue };
            let Some(path) = e.path().map(Path::to_path_buf) else {
                continue;
            };
            let why = if let Some(ancestor) = e.loop_ancestor() {
                format!("it is a symbolic link back to {}/", self.shown(ancestor))
            } else if let Some(io) = e.io_error() {
                io.to_string()
            } else {
                e.to_string()
            };
            problems.push(format!(
                "{} is not watched for changes: {why}; the rest of the site is still watched",
                self.shown(&path)
            ));
            if problems.len() >= 20 {
                break;
            }
        }
        for p in problems {
            self.report(p);
        }
    }

    /// Watches `dir` and every folder under it one at a time (links not followed), reporting
    /// the ones that fail.
    fn watch_each(&mut self, dir: &Path) {
        let dirs: Vec<PathBuf> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_dir())
            .map(walkdir::DirEntry::into_path)
            .collect();
        for d in dirs {
            if let Err(e) = self.watcher.watch(&d, RecursiveMode::NonRecursive) {
                let problem = format!(
                    "{} is not watched for changes: {e}; the rest of the site is still watched",
                    self.shown(&d)
                );
                self.report(problem);
            }
        }
    }

    /// A folder or symbolic link that appeared: folders under a folder watched one by one are
    /// added; links are checked for loops.
    fn follow_new(&mut self, e: &Event) {
        if !matches!(e.kind, EventKind::Create(_)) {
            return;
        }
        for path in &e.paths {
            let is_link = path.symlink_metadata().is_ok_and(|m| m.is_symlink());
            if is_link {
                self.survey(path);
            } else if path.is_dir() {
                let rel = self.shown(path);
                let top = rel.split('/').next().unwrap_or("");
                if self.one_by_one.iter().any(|n| *n == top) {
                    self.watch_each(path);
                }
            }
        }
    }

    /// Waits for changes, then for the batches that follow closely; `None` when watching has
    /// stopped.
    pub fn wait(&mut self) -> Option<Changes> {
        let mut changes = Changes::default();
        let mut started: Option<Instant> = None;
        loop {
            let batch = match started {
                None => self.rx.recv().ok()?,
                Some(t) => {
                    let left = MAX_WAIT.saturating_sub(t.elapsed());
                    if left.is_zero() {
                        break;
                    }
                    match self.rx.recv_timeout(GATHER.min(left)) {
                        Ok(batch) => batch,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return None,
                    }
                }
            };
            if self.take(batch, &mut changes) {
                started.get_or_insert_with(Instant::now);
            }
        }
        // A watched folder that was created (or re-created) must be watched again.
        for name in WATCHED {
            if !self.roots[0].join(name).is_dir() {
                self.watched.remove(name);
            }
        }
        if self.watch_folders() {
            changes.full = true;
        }
        Some(changes)
    }

    /// Adds one batch from the debouncer to `changes`; false when nothing in it matters.
    fn take(&mut self, batch: DebounceEventResult, changes: &mut Changes) -> bool {
        match batch {
            Ok(events) => {
                let mut relevant = false;
                for e in &events {
                    self.follow_new(e);
                    relevant |= self.classify(e, changes);
                }
                relevant
            }
            Err(errors) => {
                for e in errors {
                    self.report(format!(
                        "watching for changes: {e}; the site is read again in full"
                    ));
                }
                // The watcher lost events (queue overflow): look at everything again.
                changes.full = true;
                true
            }
        }
    }

    /// Adds the paths of `e` to `changes`; false when none of them matters to the site.
    fn classify(&self, e: &Event, changes: &mut Changes) -> bool {
        if matches!(e.kind, EventKind::Access(_)) {
            return false;
        }
        if e.need_rescan() {
            changes.full = true;
            return true;
        }
        let mut relevant = false;
        for path in &e.paths {
            let Some(rel) = self.roots.iter().find_map(|r| path.strip_prefix(r).ok()) else {
                continue;
            };
            relevant |= classify_path(rel, changes);
        }
        relevant
    }
}

/// Adds one path (relative to the site folder) to `changes`; false when it does not matter.
pub fn classify_path(rel: &Path, changes: &mut Changes) -> bool {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => match s.to_str() {
                Some(s) => parts.push(s),
                // A name that is not Unicode: let the full build report it.
                None => {
                    changes.full = true;
                    return true;
                }
            },
            _ => return false,
        }
    }
    let Some(first) = parts.first() else {
        return false;
    };
    let last = parts.last().copied().unwrap_or("");
    // Hidden files and folders (editor swap files, .git) and backups are not part of the site.
    if parts.iter().any(|p| p.starts_with('.')) || last.ends_with('~') || last.starts_with("~$") {
        return false;
    }
    match *first {
        "site.yaml" if parts.len() == 1 => {
            changes.full = true;
            true
        }
        "templates" | "themes" | "static" => {
            changes.full = true;
            true
        }
        "content" if parts.len() == 1 => {
            changes.full = true;
            true
        }
        "content" => {
            changes.content.insert(parts[1..].join("/"));
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified() {
        let mut c = Changes::default();
        assert!(classify_path(
            Path::new("content/newsletters/2021-06-vol01.md"),
            &mut c
        ));
        assert!(!c.full);
        assert!(c.content.contains("newsletters/2021-06-vol01.md"));
        assert!(!classify_path(
            Path::new("content/newsletters/.2021-06-vol01.md.swp"),
            &mut c
        ));
        assert!(!classify_path(Path::new("content/a.md~"), &mut c));
        assert!(!classify_path(Path::new("output/index.html"), &mut c));
        assert!(!classify_path(Path::new(".git/index"), &mut c));
        assert!(!c.full);
        assert!(classify_path(Path::new("templates/base.html"), &mut c));
        assert!(c.full);
        let mut c = Changes::default();
        assert!(classify_path(Path::new("site.yaml"), &mut c));
        assert!(c.full);
    }
}
