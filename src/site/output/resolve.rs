//! Where `--output` really points, and whether writing there could hurt the site.
//!
//! A path such as `x/../content` (with `x` missing) or `link/../out` (with `link` a symbolic
//! link) names a folder the string does not show. Every check therefore compares resolved
//! paths: the lexical one (`..` removed without asking the file system) and the physical one
//! (symbolic links followed as far as the path exists, then `..` removed as the system would
//! after creating the missing folders). A path is refused when either resolution hits the site.

use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, Location};

/// The folders and files of a site that a build reads and must never replace.
const SOURCES: &[&str] = &["content", "templates", "themes", "static", "site.yaml"];

/// The absolute form of `path` with `.` and `..` removed lexically; nothing needs to exist.
pub fn lexical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// One step of a path being resolved.
enum Part {
    Prefix(OsString),
    Root,
    Parent,
    Name(OsString),
}

fn parts(path: &Path) -> Vec<Part> {
    path.components()
        .filter_map(|c| match c {
            Component::Prefix(p) => Some(Part::Prefix(p.as_os_str().to_owned())),
            Component::RootDir => Some(Part::Root),
            Component::ParentDir => Some(Part::Parent),
            Component::CurDir => None,
            Component::Normal(n) => Some(Part::Name(n.to_owned())),
        })
        .collect()
}

/// The path the system would reach: every existing symbolic link on the way is followed
/// (the last one too, so a link to a web root resolves to the web root), and `..` after a
/// resolved folder goes to its real parent. Missing parts are kept as written.
pub fn physical(path: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut todo: Vec<Part> = parts(&abs);
    todo.reverse();
    let mut cur = PathBuf::new();
    let mut links = 0;
    while let Some(part) = todo.pop() {
        match part {
            Part::Prefix(p) => cur = PathBuf::from(p),
            Part::Root => {
                let prefix: PathBuf = cur
                    .components()
                    .take_while(|c| matches!(c, Component::Prefix(_)))
                    .collect();
                cur = prefix.join(Component::RootDir.as_os_str());
            }
            Part::Parent => {
                cur.pop();
            }
            Part::Name(name) => {
                let next = cur.join(&name);
                match std::fs::symlink_metadata(&next) {
                    Ok(m) if m.file_type().is_symlink() => {
                        links += 1;
                        if links > 40 {
                            return Err(io::Error::other("too many levels of symbolic links"));
                        }
                        let target = std::fs::read_link(&next)?;
                        let mut more = parts(&target);
                        more.reverse();
                        todo.extend(more);
                    }
                    _ => cur = next,
                }
            }
        }
    }
    Ok(cur)
}

/// Both resolutions of a path.
pub struct Resolved {
    pub lexical: PathBuf,
    pub physical: PathBuf,
}

impl Resolved {
    pub fn new(path: &Path) -> io::Result<Resolved> {
        Ok(Resolved {
            lexical: lexical(path),
            physical: physical(path)?,
        })
    }

    fn candidates(&self) -> Vec<&Path> {
        let mut v = vec![self.physical.as_path()];
        if self.lexical != self.physical {
            v.push(&self.lexical);
        }
        v
    }

    /// `the/physical/path`, plus the lexical one when symbolic links made them differ.
    pub fn describe(&self) -> String {
        if self.lexical == self.physical {
            self.physical.display().to_string()
        } else {
            format!(
                "{} (through symbolic links: {})",
                self.lexical.display(),
                self.physical.display()
            )
        }
    }
}

/// Refuses an output that is the site folder or above it, or that is, contains or lies inside
/// one of the site's sources.
pub fn check_sources(root: &Path, given: &Path, out: &Resolved) -> Result<(), Diagnostic> {
    let site = Resolved::new(root).unwrap_or_else(|_| Resolved {
        lexical: lexical(root),
        physical: lexical(root),
    });
    let refuse = |what: String| -> Result<(), Diagnostic> {
        Err(Diagnostic::error(
            Location::file(given),
            format!(
                "--output `{}` resolves to {}, {what}; building there would replace the site's own files",
                given.display(),
                out.describe()
            ),
        )
        .help(
            "choose a folder that is neither inside nor above the site's sources \
             (content/, templates/, themes/, static/, site.yaml), e.g. the site's `output` \
             folder (the default when --output is left out) or a folder beside the site",
        ))
    };
    for o in out.candidates() {
        for r in site.candidates() {
            if o == r {
                return refuse(format!("which is the site folder {}", r.display()));
            }
            if r.starts_with(o) {
                return refuse(format!("which contains the site folder {}", r.display()));
            }
        }
    }
    for name in SOURCES {
        let source = Resolved::new(&root.join(name)).unwrap_or_else(|_| Resolved {
            lexical: lexical(&root.join(name)),
            physical: lexical(&root.join(name)),
        });
        for o in out.candidates() {
            for s in source.candidates() {
                let kind = if name.contains('.') { "file" } else { "folder" };
                let slash = if kind == "folder" { "/" } else { "" };
                let shown = if s == source.physical && source.physical != source.lexical {
                    format!("the site's {name}{slash} {kind} ({})", s.display())
                } else {
                    format!("the site's {name}{slash} {kind}")
                };
                if o == s {
                    return refuse(format!("which is {shown}"));
                }
                if o.starts_with(s) {
                    return refuse(format!("which lies inside {shown}"));
                }
                if s.starts_with(o) {
                    return refuse(format!("which contains {shown}"));
                }
            }
        }
    }
    Ok(())
}

/// Whether `path` (an existing folder, physical) is the root of a mounted file system: a
/// rename of it fails with EBUSY, so its contents must be replaced instead.
pub fn is_mount_point(path: &Path) -> bool {
    let Some(parent) = path.parent() else {
        return true;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(path), std::fs::metadata(parent))
            && a.dev() != b.dev()
        {
            return true;
        }
    }
    #[cfg(not(unix))]
    let _ = parent;
    listed_in_mountinfo(path)
}

/// Bind mounts keep the device number; Linux lists every mount point in mountinfo.
#[cfg(target_os = "linux")]
fn listed_in_mountinfo(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(info) = std::fs::read("/proc/self/mountinfo") else {
        return false;
    };
    let wanted = path.as_os_str().as_bytes();
    info.split(|b| *b == b'\n').any(|line| {
        line.split(|b| *b == b' ')
            .nth(4)
            .is_some_and(|field| unescape_octal(field) == wanted)
    })
}

#[cfg(not(target_os = "linux"))]
fn listed_in_mountinfo(_path: &Path) -> bool {
    false
}

/// mountinfo writes space, tab, newline and backslash as `\ooo`.
#[cfg(target_os = "linux")]
fn unescape_octal(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        let digits = field.get(i + 1..i + 4);
        match digits {
            Some(d) if field[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)) => {
                out.push(d.iter().fold(0u8, |v, c| v.wrapping_mul(8) + (c - b'0')));
                i += 4;
            }
            _ => {
                out.push(field[i]);
                i += 1;
            }
        }
    }
    out
}
