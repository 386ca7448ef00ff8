//! Atomic output: a build writes into a temporary folder beside the output and swaps it in only
//! when everything succeeded, so a failed or interrupted build leaves the previous output
//! complete, and an `--output` that could hurt the site or the author's files is refused before
//! anything is written.

mod leftovers;
mod resolve;
mod swap;

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Location};

/// Marks a folder as written by tsushin, so we never replace a folder the author made.
pub const MARKER: &str = ".tsushin-output";

/// A checked output folder, with the lock on the folder where the build works.
pub struct Target {
    /// `--output` as given, for messages.
    given: PathBuf,
    /// The folder that receives the site (symbolic links resolved).
    path: PathBuf,
    /// Where staging folders are made: beside the output, or inside it for a mount point.
    work: PathBuf,
    mount: bool,
    /// The output's name, part of the temporary folders' names.
    tag: String,
    /// The resolved path as shown in messages.
    shown: String,
    lock: Option<File>,
}

/// Resolves `output` and checks that it may be replaced; repairs and removes what interrupted
/// builds left. Nothing is created.
pub fn prepare(root: &Path, output: &Path) -> Result<Target, Diagnostic> {
    let given = output.to_path_buf();
    let loc = || Location::file(&given);
    let resolved = resolve::Resolved::new(output).map_err(|e| {
        Diagnostic::error(
            loc(),
            format!("cannot resolve --output `{}`: {e}", given.display()),
        )
        .help("check the path and its symbolic links, or choose another --output")
    })?;
    resolve::check_sources(root, &given, &resolved)?;
    let path = resolved.physical.clone();
    let meta = std::fs::metadata(&path).ok();
    if meta.as_ref().is_some_and(|m| !m.is_dir()) {
        return Err(Diagnostic::error(
            loc(),
            format!(
                "the output path {} exists and is not a folder",
                resolved.describe()
            ),
        )
        .help("remove the file or choose another --output"));
    }
    let Some(parent) = path.parent().map(Path::to_path_buf) else {
        return Err(
            Diagnostic::error(loc(), "the output cannot be a file system root")
                .help("choose a folder for the site, e.g. `--output output`"),
        );
    };
    let mount = meta.is_some() && resolve::is_mount_point(&path);
    let tag: String = path
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(60).collect())
        .unwrap_or_default();
    let mut target = Target {
        work: if mount { path.clone() } else { parent },
        given,
        path,
        mount,
        tag,
        lock: None,
        shown: resolved.describe(),
    };
    if target.work.is_dir() {
        target.lock_and_tidy()?;
    }
    target.check_replaceable()?;
    Ok(target)
}

impl Target {
    fn lock_and_tidy(&mut self) -> Result<(), Diagnostic> {
        self.lock = leftovers::lock(&self.work);
        leftovers::tidy(&self.work, &self.path, &self.tag).map_err(|e| {
            Diagnostic::error(
                Location::file(&self.given),
                format!(
                    "cannot repair what an interrupted build left in {}: {e}",
                    self.work.display()
                ),
            )
            .help("remove the `.tsushin-build-*` and `.tsushin-old-*` folders there yourself")
        })?;
        Ok(())
    }

    /// Refuses to replace a non-empty folder that tsushin did not make.
    fn check_replaceable(&self) -> Result<(), Diagnostic> {
        let shown = &self.shown;
        let Ok(entries) = std::fs::read_dir(&self.path) else {
            return Ok(());
        };
        let mut names = entries.filter_map(|e| e.ok()).map(|e| e.file_name());
        let empty = if self.mount {
            names.all(|n| n == "lost+found")
        } else {
            names.next().is_none()
        };
        if empty || self.path.join(MARKER).is_file() {
            return Ok(());
        }
        Err(Diagnostic::error(
            Location::file(&self.given),
            format!(
                "--output `{}` is the folder {shown}, which is not empty and was not made by tsushin (it has no {MARKER} file); it was left untouched",
                self.given.display()
            ),
        )
        .help("choose another --output, or empty that folder yourself if it may be replaced"))
    }

    /// Creates the staging folder: beside the output, or inside it when it is a mount point.
    pub fn stage(mut self) -> Result<Staging, Diagnostic> {
        if self.lock.is_none() {
            std::fs::create_dir_all(&self.work).map_err(|e| io_error(&self.work, e))?;
            self.lock_and_tidy()?;
        }
        // Again: the folder may have changed while the site was being rendered.
        self.check_replaceable()?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".tsushin-build-{}-", self.tag))
            .tempdir_in(&self.work)
            .map_err(|e| io_error(&self.work, e))?;
        std::fs::write(
            dir.path().join(MARKER),
            "This folder is generated by tsushin; it is replaced on every build.\n",
        )
        .map_err(|e| io_error(dir.path(), e))?;
        Ok(Staging { dir, target: self })
    }
}

pub struct Staging {
    dir: tempfile::TempDir,
    target: Target,
}

impl Staging {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `rel` (with `/` separators) into the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io_error(&path, e))
    }

    /// Swaps the staging folder in place of the output folder, then deletes the old output.
    pub fn commit(self) -> Result<(), Diagnostic> {
        let Staging { dir, target } = self;
        let staged = dir.keep();
        let t = &target;
        let result = if t.mount {
            swap::replace_children(&staged, &t.path)
        } else {
            swap::replace_folder(&staged, &t.path, &t.work, &t.tag)
        };
        // Whatever is at `staged` now is the old output (or the unused new one on failure).
        let _ = swap::delete_tree(&staged);
        result.map_err(|e| swap_error(t, e))
    }
}

fn swap_error(t: &Target, e: std::io::Error) -> Diagnostic {
    let loc = Location::file(&t.given);
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::EBUSY) {
        return Diagnostic::error(
            loc,
            format!(
                "cannot replace {}: the system says it is busy ({e}); it is a mount point or another program holds it",
                t.path.display()
            ),
        )
        .help("choose a folder inside the mounted share as --output, or close the program using the folder");
    }
    let what = if t.mount {
        format!(
            "cannot replace the contents of the mount point {} (some entries may already be new; the next build finishes the job): {e}",
            t.path.display()
        )
    } else {
        format!("cannot replace {}: {e}", t.path.display())
    };
    Diagnostic::error(loc, what).help(format!(
        "check that you may write to {} and that no other program holds the output folder",
        t.work.display()
    ))
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Location::file(path), format!("cannot write: {e}"))
        .help("check that the disk is not full and that you may write to this folder")
}
