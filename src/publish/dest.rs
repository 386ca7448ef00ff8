//! Where a publish may go: the destination folder is resolved as the file system sees it
//! (`..` and symbolic links of the part that exists) before it is compared with the site, so a
//! publish can never write into the site's sources or its output folder, nor bury the site.

use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, Location};

/// `path` made absolute, with the symbolic links and `..` of its longest existing ancestor
/// resolved and the `.`/`..` of the rest applied by name (that part does not exist yet).
pub fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            for c in rest.iter().rev() {
                push_component(&mut out, *c);
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return lexical(&abs),
        }
    }
}

fn push_component(out: &mut PathBuf, c: Component) {
    match c {
        Component::ParentDir => {
            out.pop();
        }
        Component::CurDir => {}
        other => out.push(other.as_os_str()),
    }
}

fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        push_component(&mut out, c);
    }
    out
}

/// Checks that `dest` (resolved) is neither inside the site folder or the output folder nor
/// holds either of them, and that it is a folder if it exists. `at` is where DEST was given.
pub fn check(dest: &Path, root: &Path, output: &Path, at: &Location) -> Result<(), Diagnostic> {
    let root = resolve(root);
    let output = resolve(output);
    let clash = if dest.starts_with(&output) {
        Some("inside the output folder")
    } else if dest.starts_with(&root) {
        Some("inside the site folder")
    } else if root.starts_with(dest) || output.starts_with(dest) {
        Some("a folder that holds the site itself")
    } else {
        None
    };
    if let Some(what) = clash {
        return Err(Diagnostic::error(
            at.clone(),
            format!("the publish folder {} is {what}", dest.display()),
        )
        .help("publish to the shared drive or the web server's folder, outside the site folder, e.g. `tsushin publish /mnt/intranet/zaitaku`"));
    }
    if !dest.exists() && dest.parent().is_some_and(|p| !p.is_dir()) {
        return Err(Diagnostic::error(
            at.clone(),
            format!(
                "the folder {} that should hold the publish folder does not exist",
                dest.parent().unwrap_or(dest).display()
            ),
        )
        .help("check that the shared drive is connected (mounted) and the path is right; tsushin creates only the last folder of DEST"));
    }
    if dest.exists() && !dest.is_dir() {
        return Err(Diagnostic::error(
            at.clone(),
            format!("the publish path {} is not a folder", dest.display()),
        )
        .help("give the folder the site is to be copied into"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_dot_of_missing_parts_is_applied() {
        let tmp = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(tmp.path()).unwrap();
        let p = tmp.path().join("a/b/../c");
        assert_eq!(resolve(&p), real.join("a/c"));
    }
}
