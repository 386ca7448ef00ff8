//! Watching the site folder: content/, templates/, themes/, static/ and site.yaml. Events are
//! gathered until the files have been quiet for a moment (an editor's save is often several
//! events), then classified into what the incremental build needs to know.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::site::incremental::Changes;

/// Quiet time after the last event before rebuilding.
pub const QUIET: Duration = Duration::from_millis(20);
/// Longest wait while events keep coming (a `git checkout` of many files).
const MAX_WAIT: Duration = Duration::from_millis(500);
/// Folders of the site that are watched as a whole.
const WATCHED: [&str; 4] = ["content", "templates", "themes", "static"];

pub struct Watch {
    watcher: RecommendedWatcher,
    rx: Receiver<notify::Result<Event>>,
    /// The site folder as given, absolute, and canonical (some systems report that).
    roots: Vec<PathBuf>,
    watched: HashSet<&'static str>,
}

impl Watch {
    pub fn new(root: &Path) -> Result<Watch, String> {
        let abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut roots = vec![abs.clone()];
        if let Ok(c) = std::fs::canonicalize(root)
            && c != abs
        {
            roots.push(c);
        }
        let (tx, rx) = channel();
        let watcher = notify::recommended_watcher(move |res| {
            let _ = tx.send(res);
        })
        .map_err(|e| format!("cannot watch files for changes: {e}"))?;
        let mut w = Watch {
            watcher,
            rx,
            roots,
            watched: HashSet::new(),
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
            if dir.is_dir() && self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok() {
                self.watched.insert(name);
                added = true;
            }
        }
        added
    }

    /// Waits for changes, then for a quiet moment; `None` when watching has stopped.
    pub fn wait(&mut self) -> Option<Changes> {
        let mut changes = Changes::default();
        let mut relevant = false;
        let mut started: Option<Instant> = None;
        loop {
            let event = match started {
                None => self.rx.recv().ok()?,
                Some(t) => {
                    let left = MAX_WAIT.saturating_sub(t.elapsed());
                    match self.rx.recv_timeout(QUIET.min(left)) {
                        Ok(e) => e,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return None,
                    }
                }
            };
            match event {
                Ok(e) => {
                    if self.classify(&e, &mut changes) {
                        relevant = true;
                        started.get_or_insert_with(Instant::now);
                    }
                }
                Err(_) => {
                    // The watcher lost events (queue overflow): look at everything again.
                    changes.full = true;
                    relevant = true;
                    started.get_or_insert_with(Instant::now);
                }
            }
            if relevant && started.is_some_and(|t| t.elapsed() >= MAX_WAIT) {
                break;
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
