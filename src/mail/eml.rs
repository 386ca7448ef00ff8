//! `tsushin mail eml`: one unsent Outlook draft (`X-Unsent: 1`) per message, for offices where
//! a program may not use SMTP. A draft has no envelope, so there is one per recipient, To only
//! them, even in `bcc` mode. The drafts are written into a new folder beside DIR and renamed
//! into place, so DIR is either complete or absent, never half written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::message::{self, Options, Outgoing};
use super::{ComposeArgs, PageArgs};
use crate::diag::{Diagnostic, Diagnostics, Location};

pub fn run(
    page: &PageArgs,
    compose: &ComposeArgs,
    out: &Path,
    diags: &mut Diagnostics,
) -> ExitCode {
    if let Err(e) = check_target(&page.root, out) {
        diags.push(e);
        return ExitCode::from(1);
    }
    let opts = Options {
        compose: compose.clone(),
        test_to: None,
    };
    let Some(prepared) = message::prepare_individual(page, &opts, diags) else {
        return ExitCode::from(1);
    };
    match write_all(out, &prepared.messages) {
        Ok(()) => {
            eprintln!(
                "Wrote {} drafts (.eml, X-Unsent: 1) to {}.",
                prepared.messages.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            diags.push(e);
            ExitCode::from(1)
        }
    }
}

/// DIR must not be inside the site's content/ or output/ (drafts hold addresses, which are
/// never published), and must be new or empty.
fn check_target(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let target = real(&abs(out));
    for inside in ["content", "output"] {
        let dir = real(&abs(&root.join(inside)));
        if target.starts_with(&dir) {
            return Err(Diagnostic::error(
                Location::file(out),
                format!("the drafts would be written inside the site's {inside}/ folder, and could be published with the recipients' addresses"),
            )
            .help("write them outside the site, e.g. --out ../drafts"));
        }
    }
    match std::fs::read_dir(out).map(|mut entries| entries.next().is_some()) {
        Ok(true) => Err(Diagnostic::error(
            Location::file(out),
            "the folder already exists and is not empty; nothing was written",
        )
        .help(
            "give a new folder, or empty this one (drafts of an earlier run would mix with these)",
        )),
        Ok(false) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(Diagnostic::error(
            Location::file(out),
            "this is a file, not a folder",
        )
        .help("give a new folder for the drafts")),
        Err(e) => Err(Diagnostic::error(
            Location::file(out),
            format!("cannot read: {e}"),
        )),
    }
}

/// `path` with symbolic links of its existing part resolved (the rest as given).
fn real(path: &Path) -> PathBuf {
    let mut missing = Vec::new();
    let mut p = path.to_path_buf();
    loop {
        if let Ok(c) = p.canonicalize() {
            return missing.iter().rev().fold(c, |acc, m| acc.join(m));
        }
        match (p.file_name().map(ToOwned::to_owned), p.parent()) {
            (Some(name), Some(parent)) => {
                missing.push(name);
                p = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// `001_tanaka_example.lg.jp.eml`: numbered in the address book's order, safe on Windows.
fn draft_name(index: usize, m: &Outgoing) -> String {
    let who = match m.to.as_slice() {
        [one] => one.to_string().replace('@', "_"),
        many => format!("bcc_{}", many.len()),
    };
    crate::filenames::make_safe(&format!("{:03}_{who}.eml", index + 1), "draft.eml")
}

fn write_all(out: &Path, messages: &[Outgoing]) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::error(Location::file(out), format!("cannot write the drafts: {e}"))
            .help("check that the folder's parent exists and is writable")
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging = tempfile::Builder::new()
        .prefix(".tsushin-eml-")
        .tempdir_in(&parent)
        .map_err(fail)?;
    for (i, m) in messages.iter().enumerate() {
        let mut bytes = b"X-Unsent: 1\r\n".to_vec();
        bytes.extend_from_slice(&m.bytes);
        std::fs::write(staging.path().join(draft_name(i, m)), bytes).map_err(fail)?;
    }
    // An empty folder left by the user is replaced; a non-empty one was refused before.
    if out.is_dir() {
        std::fs::remove_dir(out).map_err(fail)?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, out).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        fail(e)
    })
}
