//! `tsushin init` and `tsushin new`: a working site to start from, and new issues (号),
//! training announcements (研修会) and meeting handouts (会議資料, `scaffold/handout.rs`) with
//! every front matter key written out and explained in Japanese (the text itself is
//! `scaffold/text.rs`'s). Nothing here ever overwrites a file.

use std::path::{Path, PathBuf};

use jiff::ToSpan;
use jiff::civil::Date;

use crate::config::{self, Config};
use crate::content::frontmatter;
use crate::diag::{Diagnostic, Diagnostics, Location};

mod handout;
mod text;
pub use handout::new_handout;
use text::{ABOUT, FIRST_EVENT_BODY, first_issue};
pub use text::{RECIPIENTS_YAML, SITE_YAML, event_skeleton, newsletter_skeleton, yaml_scalar};

/// What `init` wrote and what it left alone.
#[derive(Debug, Default)]
pub struct InitReport {
    pub written: Vec<PathBuf>,
    /// Files that already existed (with `--force`); they were not touched.
    pub kept: Vec<PathBuf>,
}

/// Creates a working site in `dir`: site.yaml, one newsletter issue, one training
/// announcement and one plain page. `today` dates the examples.
pub fn init(dir: &Path, force: bool, today: Date) -> Result<InitReport, String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "{} exists and is not a folder; choose another name",
            dir.display()
        ));
    }
    if dir.is_dir() && !force {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read the folder {}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "the folder {} is not empty; nothing was written. Choose a new or empty folder, \
                 or add --force to add the missing files (existing files are never overwritten)",
                dir.display()
            ));
        }
    }
    let session = today.saturating_add(1.month());
    let issue = format!("content/newsletters/{}-vol01.md", month_stem(today));
    let event = format!("content/events/{}-kenshu.md", month_stem(session));
    let event_file = event.rsplit('/').next().unwrap_or(&event).to_owned();
    let files: Vec<(String, String)> = vec![
        ("site.yaml".into(), SITE_YAML.into()),
        (crate::site::book::FILE_NAME.into(), RECIPIENTS_YAML.into()),
        (
            ".gitignore".into(),
            "# tsushin build が作るフォルダ\n/output/\n".into(),
        ),
        (issue, first_issue(today, &event_file)),
        (
            event,
            event_skeleton(
                "多職種研修会「在宅医療と介護の連携を考える」",
                today,
                session,
                Some(FIRST_EVENT_BODY),
            ),
        ),
        ("content/about.md".into(), ABOUT.into()),
    ];
    let mut report = InitReport::default();
    for (rel, text) in files {
        let path = dir.join(&rel);
        match write_new(&path, &text) {
            Ok(true) => report.written.push(path),
            Ok(false) => report.kept.push(path),
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

/// Writes `text` to `path` unless the file exists; `Ok(false)` when it existed.
fn write_new(path: &Path, text: &str) -> Result<bool, String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create the folder {}: {e}", parent.display()))?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut f) => {
            use std::io::Write;
            f.write_all(text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
}

/// `2021-06`, the start of the file names of the example content.
fn month_stem(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// An issue file found under content/newsletters/.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueInfo {
    pub number: u32,
    pub author: Option<String>,
}

/// Issue numbers (and authors) of every file in content/newsletters/, drafts and files with
/// other problems included: a number once used stays used.
pub fn existing_issues(root: &Path) -> Vec<IssueInfo> {
    let mut found: Vec<IssueInfo> = markdown_files(root, "newsletters")
        .into_iter()
        .filter_map(|(name, text)| {
            issue_info(&text.unwrap_or_default()).or_else(|| number_in_name(&name))
        })
        .collect();
    found.sort_by_key(|i| i.number);
    found
}

/// The Markdown files in content/<folder>/ (hidden ones left out), by file name, each with its
/// text when it can be read: what `new` numbers a new page after.
fn markdown_files(root: &Path, folder: &str) -> Vec<(String, Option<String>)> {
    let Ok(entries) = std::fs::read_dir(root.join("content").join(folder)) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !path.is_file() || !name.to_ascii_lowercase().ends_with(".md") || name.starts_with('.') {
            continue;
        }
        let display = Path::new("content").join(folder).join(&name);
        let text = crate::source::read(&path, &display)
            .ok()
            .map(|(s, _)| s.text);
        found.push((name, text));
    }
    found
}

#[derive(serde::Deserialize)]
struct IssueKeys {
    number: Option<i64>,
    author: Option<String>,
}

/// `number` and `author` of an issue; tolerant of front matter that does not parse.
fn issue_info(text: &str) -> Option<IssueInfo> {
    let split = frontmatter::split(text, Path::new("")).ok()?;
    if let Ok(keys) = serde_saphyr::from_str::<IssueKeys>(split.yaml)
        && let Some(n) = keys.number.and_then(|n| u32::try_from(n).ok())
    {
        return Some(IssueInfo {
            number: n,
            author: keys.author.filter(|a| !a.trim().is_empty()),
        });
    }
    // Broken YAML elsewhere in the header: look for the `number:` line itself.
    split.yaml.lines().find_map(|line| {
        let value = line.strip_prefix("number:")?;
        let value = value.split('#').next()?.trim().trim_matches(['"', '\'']);
        Some(IssueInfo {
            number: value.parse().ok()?,
            author: None,
        })
    })
}

/// `2021-06-vol05.md` → 5, for a file whose header says nothing usable.
fn number_in_name(name: &str) -> Option<IssueInfo> {
    let after = &name[name.to_ascii_lowercase().rfind("vol")? + 3..];
    let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
    Some(IssueInfo {
        number: digits.parse().ok()?,
        author: None,
    })
}

/// Loads site.yaml for `new`; its problems are the error.
fn site_config(root: &Path) -> Result<Config, Diagnostics> {
    let mut diags = Diagnostics::new();
    match config::load(root, &mut diags) {
        Some(c) if !diags.has_errors() => Ok(c),
        _ => Err(diags),
    }
}

fn exists_error(path: &Path) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(
        Diagnostic::error(
            Location::file(path),
            "a file with this name already exists; nothing was written",
        )
        .help("rename or move that file, or choose another name with --slug"),
    );
    d
}

fn io_error(path: &Path, message: String) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(
        Diagnostic::error(Location::file(path), message)
            .help("check that the folder exists and that you may write to it"),
    );
    d
}

/// A file name stem given with `--slug`: the rules of `slug:` in front matter.
fn check_stem(stem: &str) -> Result<(), Diagnostics> {
    let bad = stem.is_empty()
        || stem.starts_with('.')
        || stem
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "/\\:*?\"<>|#%".contains(c));
    if bad {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error(
                Location::file("--slug"),
                format!("`{stem}` cannot be a file name"),
            )
            .help("use letters, digits, Japanese, `-` and `_` only, e.g. --slug 2021-08-tabunya"),
        );
        return Err(d);
    }
    Ok(())
}

/// Creates `content/newsletters/<YYYY-MM>-vol<NN>.md` with the next issue number after the
/// highest one used (drafts included, gaps not filled). Returns the path written.
pub fn new_newsletter(
    root: &Path,
    today: Date,
    slug: Option<&str>,
) -> Result<PathBuf, Diagnostics> {
    let config = site_config(root)?;
    let issues = existing_issues(root);
    let number = issues.iter().map(|i| i.number).max().unwrap_or(0) + 1;
    let author = issues.iter().rev().find_map(|i| i.author.clone());
    let stem = match slug {
        Some(s) => {
            check_stem(s)?;
            s.to_owned()
        }
        None => format!("{}-vol{number:02}", month_stem(today)),
    };
    let rel = format!("content/newsletters/{stem}.md");
    let path = root.join(&rel);
    let text = newsletter_skeleton(&config, number, today, author.as_deref());
    match write_new(&path, &text) {
        Ok(true) => Ok(path),
        Ok(false) => Err(exists_error(&path)),
        Err(e) => Err(io_error(&path, e)),
    }
}

/// `title` trimmed, or the error for an empty or multi-line one; `example` is the rest of a
/// `tsushin new …` command that shows a good title.
pub(crate) fn one_line_title<'t>(title: &'t str, example: &str) -> Result<&'t str, Diagnostics> {
    let title = title.trim();
    if title.is_empty() || title.contains(['\n', '\r']) {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error(
                Location::file("TITLE"),
                "the title must be one line of text",
            )
            .help(format!("e.g. tsushin new {example}")),
        );
        return Err(d);
    }
    Ok(title)
}

/// Creates `content/events/<YYYY-MM>-kenshu.md` (`-2`, `-3` … when taken) for a training on
/// the same day next month. Returns the path written.
pub fn new_event(
    root: &Path,
    title: &str,
    today: Date,
    slug: Option<&str>,
) -> Result<PathBuf, Diagnostics> {
    site_config(root)?;
    let title = one_line_title(
        title,
        "event \"多職種研修会「認知症がある方と家族の意思決定」\"",
    )?;
    let session = today.saturating_add(1.month());
    let dir = root.join("content").join("events");
    let text = event_skeleton(title, today, session, None);
    if let Some(s) = slug {
        check_stem(s)?;
        let path = dir.join(format!("{s}.md"));
        return match write_new(&path, &text) {
            Ok(true) => Ok(path),
            Ok(false) => Err(exists_error(&path)),
            Err(e) => Err(io_error(&path, e)),
        };
    }
    let base = format!("{}-kenshu", month_stem(session));
    for n in 1..1000 {
        let stem = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let path = dir.join(format!("{stem}.md"));
        match write_new(&path, &text) {
            Ok(true) => return Ok(path),
            Ok(false) => continue,
            Err(e) => return Err(io_error(&path, e)),
        }
    }
    Err(exists_error(&dir.join(format!("{base}.md"))))
}

#[cfg(test)]
mod tests;
