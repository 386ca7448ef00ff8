//! Putting a finished staging folder in place of the output, so that at every instant the
//! output is either the complete old site or the complete new one.
//!
//! On Linux `renameat2(RENAME_EXCHANGE)` swaps the two folders in one step. Where it is not
//! available (another system, or a file system answering EINVAL/ENOSYS) the old output is first
//! renamed aside to `.tsushin-old-<name>-*` and the new one renamed in; a run interrupted
//! between the two finds the old site there and restores it (see `leftovers`). A mount point
//! cannot be renamed at all, so its top-level entries are exchanged one by one instead.

use std::io;
use std::path::{Path, PathBuf};

use super::MARKER;

/// Swaps `a` and `b` atomically; `Ok(false)` when the system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Puts `new` in place of `dest`. Afterwards whatever `dest` held is at `new` (for the caller
/// to delete). `aside` gives a free path on the same file system for the two-step fallback.
pub fn replace(
    new: &Path,
    dest: &Path,
    aside: impl FnOnce() -> io::Result<PathBuf>,
) -> io::Result<()> {
    let old = match std::fs::symlink_metadata(dest) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return std::fs::rename(new, dest),
        Err(e) => return Err(e),
        Ok(m) => m,
    };
    if exchange(new, dest)? {
        return Ok(());
    }
    if !old.is_dir() && !std::fs::symlink_metadata(new)?.is_dir() {
        // A file replaces a file atomically; the old one is gone.
        return std::fs::rename(new, dest);
    }
    let aside = aside()?;
    if let Err(e) = std::fs::rename(dest, &aside) {
        let _ = std::fs::remove_dir(&aside);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(new, dest) {
        let _ = std::fs::rename(&aside, dest);
        return Err(e);
    }
    // The new site is in place; the old one takes the staging name, which is never restored.
    let _ = std::fs::rename(&aside, new);
    Ok(())
}

/// Replaces the output folder `dest` (not a mount point) by `staged`; the old output ends at
/// `staged`. The fallback's aside name is chosen in `work` as `.tsushin-old-<tag>-*`.
pub fn replace_folder(staged: &Path, dest: &Path, work: &Path, tag: &str) -> io::Result<()> {
    replace(staged, dest, || {
        // A unique free name (Windows cannot rename a folder onto an empty one).
        let reserved = tempfile::Builder::new()
            .prefix(&format!(".tsushin-old-{tag}-"))
            .tempdir_in(work)?
            .keep();
        std::fs::remove_dir(&reserved)?;
        Ok(reserved)
    })
}

/// Replaces the contents of the mount point `dest` by those of `staged` (a folder inside it):
/// each top-level entry is exchanged atomically, the marker last; entries the new site does not
/// have are moved into `staged`, which then holds exactly the old site.
pub fn replace_children(staged: &Path, dest: &Path) -> io::Result<()> {
    let mut names: Vec<_> = std::fs::read_dir(staged)?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<io::Result<_>>()?;
    names.sort_by_key(|n| (n == MARKER, n.clone()));
    for name in &names {
        let aside = staged.join(format!(".tsushin-aside-{}", name.to_string_lossy()));
        replace(&staged.join(name), &dest.join(name), || Ok(aside))?;
    }
    let staged_name = staged.file_name().map(|n| n.to_owned());
    for entry in std::fs::read_dir(dest)? {
        let name = entry?.file_name();
        let keep = names.contains(&name)
            || Some(&name) == staged_name.as_ref()
            || name == "lost+found"
            || name.to_string_lossy().starts_with(".tsushin-");
        if !keep {
            std::fs::rename(dest.join(&name), staged.join(&name))?;
        }
    }
    Ok(())
}

/// Deletes a folder of tsushin's, its marker last, so that an interrupted deletion leaves a
/// folder that is still recognisably tsushin's (or an empty one).
pub fn delete_tree(dir: &Path) -> io::Result<()> {
    // Listed first: deleting while reading a folder may skip entries on some file systems.
    let entries = std::fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    for entry in entries {
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
}
