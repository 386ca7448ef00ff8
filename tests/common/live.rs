//! The preview's in-memory site (`Live`) in a test: started on a fixture for `TODAY` with
//! PDFs, told which content files changed, and its problems as the sorted lines `check` prints.

use std::collections::BTreeSet;

use tsushin::diag::Diagnostics;
use tsushin::site::incremental::{Changes, Live, LiveOptions};

use super::{Fixture, TODAY};

pub fn today() -> jiff::civil::Date {
    TODAY.parse().unwrap()
}

/// The fixture's site as the preview holds it, drafts left out, PDFs on.
pub fn live(f: &Fixture) -> Live {
    Live::new(LiveOptions {
        root: f.root(),
        drafts: false,
        today: Some(today()),
        pdf: true,
    })
}

/// An edit of `paths` (relative to content/) as the watcher reports it.
pub fn changes(paths: &[&str]) -> Changes {
    Changes {
        full: false,
        content: paths.iter().map(|p| p.to_string()).collect::<BTreeSet<_>>(),
    }
}

/// Problems as sorted printed lines, to compare two runs.
pub fn lines(d: Diagnostics) -> Vec<String> {
    d.into_sorted().iter().map(|d| d.to_string()).collect()
}
