//! `.tsushin/mail-log.jsonl`: one line per delivery step (`sending` before DATA, then `sent`
//! or `failed`), flushed and fsynced, so the log always knows who has a page. A `sending`
//! line without an outcome is a message that may or may not have arrived: it is reported as
//! uncertain and never resent silently.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Location};

/// The log's path inside the site.
pub const FILE: &str = ".tsushin/mail-log.jsonl";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Sent,
    Failed,
    /// A `sending` record without an outcome: the message may or may not have arrived.
    Uncertain,
}

impl DeliveryState {
    pub fn label(self) -> &'static str {
        match self {
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
            DeliveryState::Uncertain => "uncertain",
        }
    }
}

/// The latest outcome for one recipient of one page.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The address, lower-cased.
    pub recipient: String,
    pub pdf_sha256: String,
    pub state: DeliveryState,
    /// When (RFC 3339).
    pub at: String,
    /// The server's reply, when there was one.
    pub reply: Option<String>,
}

/// The step a record stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// Written (and fsynced) before the message's DATA.
    Sending,
    /// The server accepted the message.
    Sent,
    /// The server refused it, or it certainly did not go.
    Failed,
}

/// One line of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// When (RFC 3339, UTC).
    pub at: String,
    pub state: Step,
    /// The page's path under content/.
    pub page: String,
    pub pdf_sha256: String,
    /// The envelope recipients of this step, lower-cased.
    pub recipients: Vec<String>,
    pub message_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The server's reply (or what went wrong), for `sent` and `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// A `--test-to` message: never counts as a delivery.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub test: bool,
}

impl Record {
    pub fn new(state: Step, page: &str, pdf_sha256: &str, recipients: Vec<String>) -> Record {
        Record {
            at: now(),
            state,
            page: page.to_string(),
            pdf_sha256: pdf_sha256.to_string(),
            recipients,
            message_id: String::new(),
            subject: None,
            reply: None,
            test: false,
        }
    }
}

/// The current time as RFC 3339 (UTC, milliseconds).
pub fn now() -> String {
    let ts = jiff::Timestamp::now();
    format!("{ts:.3}")
}

#[derive(Debug, Clone, Default)]
pub struct Log {
    pub records: Vec<Record>,
    /// Problems that did not stop the reading (a torn last line).
    pub warnings: Vec<Diagnostic>,
    /// Byte length of the complete lines: a torn tail beyond it is cut before appending.
    complete_len: u64,
}

impl Log {
    /// Reads the site's log (empty when there is none yet). A last line cut short by a crash
    /// is left out with a warning; any other unreadable line is an error.
    pub fn read(root: &Path) -> Result<Log, Diagnostic> {
        let path = root.join(FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Log::default()),
            Err(e) => {
                return Err(Diagnostic::error(
                    Location::file(FILE),
                    format!("cannot read the mail log: {e}"),
                )
                .help("check the permissions of the .tsushin folder"));
            }
        };
        parse(&bytes)
    }

    /// The latest delivery to each recipient of the page at `page_rel` (path under content/),
    /// in the order the recipients first appear in the log.
    pub fn deliveries(&self, page_rel: &str) -> Vec<Delivery> {
        let mut order: Vec<String> = Vec::new();
        let mut latest: BTreeMap<String, Delivery> = BTreeMap::new();
        for r in self
            .records
            .iter()
            .filter(|r| r.page == page_rel && !r.test)
        {
            let state = match r.state {
                Step::Sending => DeliveryState::Uncertain,
                Step::Sent => DeliveryState::Sent,
                Step::Failed => DeliveryState::Failed,
            };
            for to in &r.recipients {
                let key = to.to_lowercase();
                if !latest.contains_key(&key) {
                    order.push(key.clone());
                }
                latest.insert(
                    key.clone(),
                    Delivery {
                        recipient: key,
                        pdf_sha256: r.pdf_sha256.clone(),
                        state,
                        at: r.at.clone(),
                        reply: r.reply.clone(),
                    },
                );
            }
        }
        order
            .into_iter()
            .filter_map(|k| latest.remove(&k))
            .collect()
    }

    /// The `--test-to` messages of a page.
    pub fn tests(&self, page_rel: &str) -> Vec<&Record> {
        self.records
            .iter()
            .filter(|r| r.page == page_rel && r.test)
            .collect()
    }

    /// Every page the log knows, in first-seen order.
    pub fn pages(&self) -> Vec<String> {
        let mut pages: Vec<String> = Vec::new();
        for r in &self.records {
            if !pages.contains(&r.page) {
                pages.push(r.page.clone());
            }
        }
        pages
    }
}

fn parse(bytes: &[u8]) -> Result<Log, Diagnostic> {
    let mut log = Log::default();
    let mut offset = 0usize;
    let mut line_no = 0usize;
    while offset < bytes.len() {
        line_no += 1;
        let rest = &bytes[offset..];
        let (line, complete) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], true),
            None => (rest, false),
        };
        let parsed = std::str::from_utf8(line)
            .ok()
            .and_then(|s| serde_json::from_str::<Record>(s.trim_end_matches('\r')).ok());
        match (parsed, complete) {
            (Some(r), true) => log.records.push(r),
            (_, false) => {
                // A crash in the middle of a write: that step never completed.
                log.warnings.push(
                    Diagnostic::warning(
                        Location::new(FILE, line_no, 1),
                        "the mail log's last line is incomplete (tsushin stopped while writing it)",
                    )
                    .help("it is left out; the next `tsushin mail send` removes it"),
                );
                break;
            }
            (None, true) if line.iter().all(|b| b.is_ascii_whitespace()) => {}
            (None, true) => {
                return Err(Diagnostic::error(
                    Location::new(FILE, line_no, 1),
                    "this line of the mail log is not a delivery record",
                )
                .help(
                    "the log was edited or damaged; restore it from a backup (it records who \
                     already received each page, so sending without it could send twice)",
                ));
            }
        }
        offset += line.len() + usize::from(complete);
        if complete {
            log.complete_len = offset as u64;
        }
    }
    Ok(log)
}

/// The log opened for appending, locked against a second `tsushin mail send` on this site.
pub struct Writer {
    file: File,
    path: PathBuf,
}

impl Writer {
    /// Opens (creating `.tsushin/` and the log when needed) and locks the log, then reads it
    /// under the lock and cuts a torn last line. Fails when another `send` holds the lock.
    pub fn open(root: &Path) -> Result<(Writer, Log), Diagnostic> {
        let path = root.join(FILE);
        let dir = path.parent().expect("the log is in a folder").to_path_buf();
        let fail = |what: &str, e: std::io::Error| {
            Diagnostic::error(
                Location::file(FILE),
                format!("cannot {what} the mail log: {e}"),
            )
            .help("check that the site folder is writable")
        };
        let new_dir = !dir.exists();
        std::fs::create_dir_all(&dir).map_err(|e| fail("create the folder of", e))?;
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| fail("open", e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Diagnostic::error(
                    Location::file(FILE),
                    "another `tsushin mail send` is sending from this site right now",
                )
                .help("wait until it has finished, then run this command again"));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(fail("lock", e)),
        }
        let log = Log::read(root)?;
        let len = file.metadata().map_err(|e| fail("read", e))?.len();
        if log.complete_len < len {
            file.set_len(log.complete_len)
                .and_then(|()| file.sync_data())
                .map_err(|e| fail("repair", e))?;
        }
        file.seek(SeekFrom::End(0)).map_err(|e| fail("open", e))?;
        let mut writer = Writer { file, path };
        if new_dir || !existed {
            writer.sync_folder(&dir).map_err(|e| fail("save", e))?;
        }
        Ok((writer, log))
    }

    /// Appends one record, flushed and fsynced before returning.
    pub fn append(&mut self, record: &Record) -> Result<(), Diagnostic> {
        let mut line = serde_json::to_vec(record).expect("a record serialises");
        line.push(b'\n');
        let res = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.flush())
            .and_then(|()| self.file.sync_data());
        res.map_err(|e| {
            Diagnostic::error(
                Location::file(FILE),
                format!("cannot write to the mail log {}: {e}", self.path.display()),
            )
            .help("free some disk space, then run `tsushin mail send` again: nothing more was sent")
        })
    }

    /// Makes the log's (and `.tsushin`'s) directory entries durable.
    fn sync_folder(&mut self, dir: &Path) -> std::io::Result<()> {
        self.file.sync_all()?;
        File::open(dir)?.sync_all()?;
        if let Some(parent) = dir.parent() {
            File::open(parent)?.sync_all()?;
        }
        Ok(())
    }
}

/// The key of a page in the log from what the author typed: a path under content/
/// (`newsletters/x.md`), or with `content/` or the site folder in front.
pub fn page_key(root: &Path, page: &Path) -> String {
    let p = page.strip_prefix(root).unwrap_or(page);
    let p = p.strip_prefix("content").unwrap_or(p);
    let parts: Vec<String> = p
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

/// The current log's path, for messages.
pub fn path(root: &Path) -> PathBuf {
    root.join(FILE)
}
