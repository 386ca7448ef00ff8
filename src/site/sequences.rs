//! The calendar files' `SEQUENCE` numbers, kept in `.tsushin/ics-sequence.json` between
//! builds: what the last successful build wrote, read when the site is loaded (a field of the
//! loaded `Site`) and written by `ics::save` after the output is in place. Its own module so
//! that the description of a loaded site does not import the calendar writer.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Location};

/// Where the sequence numbers are kept, relative to the site root.
pub const SEQUENCE_FILE: &str = ".tsushin/ics-sequence.json";

/// One event's last seen state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    /// Hash of start, end, venue and status.
    hash: String,
    sequence: u32,
    /// The page's source path, for a reader of the file.
    page: String,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
struct StateFile {
    version: u32,
    events: BTreeMap<String, Entry>,
}

/// The `SEQUENCE` of each event as the last successful build wrote it, read from
/// [`SEQUENCE_FILE`]. An event whose start, end, venue or status differ from the stored hash
/// gets the stored number + 1; a new event 0. Only `build` writes the file, after the output is
/// in place; an unchanged site gives the same numbers again, and a build whose file write
/// failed gives the same numbers next time (the file still holds the older state).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Sequences {
    state: StateFile,
}

impl Sequences {
    /// Reads the file; a missing file is an empty state, an unreadable one an error.
    pub fn load(root: &Path) -> Result<Sequences, Diagnostic> {
        let path = root.join(SEQUENCE_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Sequences::default());
            }
            Err(e) => {
                return Err(Diagnostic::error(
                    Location::file(SEQUENCE_FILE),
                    format!("cannot read: {e}"),
                )
                .help("check the file's permissions"));
            }
        };
        serde_json::from_str(&text)
            .map(|state| Sequences { state })
            .map_err(|e| {
                Diagnostic::error(
                    Location::new(SEQUENCE_FILE, e.line(), e.column()),
                    format!("the calendar sequence file is not valid: {e}"),
                )
                .help(
                    "restore it from your backup or version control; deleting it restarts every \
                     SEQUENCE at 0, and calendars may then ignore later changes",
                )
            })
    }

    pub fn sequence(&self, uid: &str, hash: &str) -> u32 {
        match self.state.events.get(uid) {
            Some(e) if e.hash == hash => e.sequence,
            Some(e) => e.sequence.saturating_add(1),
            None => 0,
        }
    }

    /// Sets the state of the event `uid` of the page at source path `page`.
    pub fn record(&mut self, uid: String, hash: String, sequence: u32, page: String) {
        let entry = Entry {
            hash,
            sequence,
            page,
        };
        self.state.events.insert(uid, entry);
    }

    /// Writes the file of the site at `root`, only when something changed, through a
    /// temporary file renamed into place.
    pub fn save(&self, root: &Path) -> Result<(), Diagnostic> {
        let mut state = self.state.clone();
        state.version = 1;
        let path = root.join(SEQUENCE_FILE);
        let mut text = serde_json::to_string_pretty(&state).unwrap_or_default();
        text.push('\n');
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            return Ok(());
        }
        let fail = |e: std::io::Error| {
            Diagnostic::warning(
                Location::file(SEQUENCE_FILE),
                format!("the build succeeded, but the calendar sequence file could not be written: {e}"),
            )
            .help("make .tsushin/ in the site writable and build again; until then the calendar files keep their SEQUENCE")
        };
        let dir = path.parent().unwrap_or(root);
        std::fs::create_dir_all(dir).map_err(fail)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        Ok(())
    }
}
