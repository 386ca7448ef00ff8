//! What a reader sees besides the body, computed once for every renderer. The HTML templates,
//! the PDF layout and the mail templates only lay these plain values out: the rows of a
//! training's information box (開催概要), a newsletter's masthead, status labels, banners and
//! their colours, default recipients, survey colours and figures, and the names of PDF and
//! calendar files. Nothing here knows about HTML, PDF or the site's output folder.
//!
//! Layering: `japanese` → `content`, `markdown`, `survey` → `view` → `html`, `pdf` → `site`.

pub mod event;
pub mod masthead;
pub mod names;
pub mod status;
pub mod survey;

use serde::Serialize;

use crate::config::Config;

pub use event::{EventView, InfoRow, SessionView, Span, Tone};
pub use masthead::Masthead;

/// The site as templates (pages, mail, PDF margins) see it.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub language: &'a str,
    pub base_url: Option<&'a str>,
    pub newsletter_name: &'a str,
    pub recipients: &'a [String],
    /// Whether the site has a search (`search: false` in site.yaml turns it off).
    pub search: bool,
}

impl<'a> SiteView<'a> {
    pub fn new(c: &'a Config) -> Self {
        SiteView {
            title: &c.title,
            language: &c.language,
            base_url: c.base_url.as_deref(),
            newsletter_name: &c.newsletter_name,
            recipients: &c.recipients,
            search: c.search,
        }
    }
}

/// A date as readers read it, in the site's digit style: 令和３年６月30日（水）.
pub fn date_label(d: jiff::civil::Date, config: &Config) -> String {
    crate::japanese::wareki_date(d, config.date_style, true)
}

/// A text trimmed, or nothing when only blanks were written.
pub(crate) fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
