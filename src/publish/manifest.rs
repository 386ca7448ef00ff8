//! The record `tsushin publish` keeps in the destination folder: which files it published and
//! their SHA-256, so the next publish writes only what changed and deletes only what it put
//! there itself. A journal written before the first change marks a publish in progress, so a
//! rerun after an interruption knows every file the interrupted run may have touched.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Location};

/// The manifest of the last completed publish, in the destination folder.
pub const MANIFEST: &str = ".tsushin-publish.json";
/// Present only while a publish is changing the destination folder.
pub const JOURNAL: &str = ".tsushin-publish-journal.json";
/// Prefix of the temporary files a publish writes before renaming them into place.
pub const TEMP_PREFIX: &str = ".tsushin-tmp-";

/// One published file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub sha256: String,
    pub size: u64,
}

/// Published path (relative, `/` separators) → its hash and size.
pub type Files = BTreeMap<String, Entry>;

#[derive(Debug, Serialize, Deserialize)]
struct ManifestFile {
    generator: String,
    version: u32,
    files: Files,
}

#[derive(Debug, Serialize, Deserialize)]
struct JournalFile {
    version: u32,
    /// Every file the publish in progress (or an earlier interrupted one) may have written.
    owned: BTreeSet<String>,
}

/// Whether `name` is one of the files publishing keeps for itself in the destination folder.
pub fn is_own_file(name: &str) -> bool {
    name == MANIFEST || name == JOURNAL || name.starts_with(TEMP_PREFIX)
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Hash and size of the file at `path`, read in pieces (PDFs may be large).
pub fn hash_file(path: &Path) -> std::io::Result<Entry> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok(Entry {
        sha256: hex(&hasher.finalize()),
        size,
    })
}

/// Every file under `dir` with its hash, except the marker of the output folder.
pub fn scan_output(dir: &Path) -> Result<Files, Diagnostic> {
    let mut files = Files::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| read_error(dir, &e.to_string()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
            return Err(read_error(
                entry.path(),
                "the file name is not valid Unicode",
            ));
        };
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        if rel == crate::site::output::MARKER || is_own_file(name) {
            continue;
        }
        let e = hash_file(entry.path()).map_err(|e| read_error(entry.path(), &e.to_string()))?;
        files.insert(rel, e);
    }
    Ok(files)
}

/// The manifest in `dest`; `Ok(None)` when there is none.
pub fn read_manifest(dest: &Path) -> Result<Option<Files>, Diagnostic> {
    let path = dest.join(MANIFEST);
    let Some(text) = read_optional(&path)? else {
        return Ok(None);
    };
    let m: ManifestFile = serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error(
            Location::file(&path),
            format!("the publish manifest cannot be read: {e}"),
        )
        .help("it records what an earlier publish wrote; restore it, or move the folder's files away and publish again")
    })?;
    Ok(Some(m.files))
}

/// The paths recorded by an interrupted publish; `Ok(None)` when no publish was interrupted.
pub fn read_journal(dest: &Path) -> Result<Option<BTreeSet<String>>, Diagnostic> {
    let path = dest.join(JOURNAL);
    let Some(text) = read_optional(&path)? else {
        return Ok(None);
    };
    // A journal is written whole (temporary file + rename), so it is never half there; if it
    // still cannot be parsed, an interrupted publish cannot be told apart from a foreign file.
    let j: JournalFile = serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error(
            Location::file(&path),
            format!("the journal of an interrupted publish cannot be read: {e}"),
        )
        .help("delete this file and publish again with --adopt")
    })?;
    Ok(Some(j.owned))
}

fn read_optional(path: &Path) -> Result<Option<String>, Diagnostic> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(read_error(path, &e.to_string())),
    }
}

/// The bytes of the manifest of `files` (stable: the same files give the same bytes).
pub fn manifest_bytes(files: &Files) -> Vec<u8> {
    let m = ManifestFile {
        generator: format!("tsushin {}", env!("CARGO_PKG_VERSION")),
        version: 1,
        files: files.clone(),
    };
    let mut bytes = serde_json::to_vec_pretty(&m).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The bytes of a journal naming `owned`.
pub fn journal_bytes(owned: &BTreeSet<String>) -> Vec<u8> {
    let j = JournalFile {
        version: 1,
        owned: owned.clone(),
    };
    let mut bytes = serde_json::to_vec_pretty(&j).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

pub fn read_error(path: &Path, e: &str) -> Diagnostic {
    Diagnostic::error(Location::file(path), format!("cannot read: {e}"))
        .help("check that the folder is reachable and that you may read it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex(b"hello world"),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
    }
}
