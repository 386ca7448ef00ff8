//! Document kinds as descriptors: the one place that says, for each kind of page, which folder
//! holds it, which front-matter keys it reads, which templates show it, which listing gathers
//! it and how its PDF is laid out. Code that differs by kind `match`es on [`Section`] without a
//! wildcard, so adding a kind makes the compiler point at every place that must handle it.

/// The kind of a page, decided by the folder its file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// 通信: `content/newsletters/*.md`.
    Newsletter,
    /// 研修会のご案内: `content/events/*.md`.
    Event,
    /// 会議資料: `content/handouts/*.md`.
    Handout,
    /// Any other page.
    Plain,
}

/// What a kind declares: everything besides its own parser and its own layout.
#[derive(Debug)]
pub struct KindSpec {
    /// The name templates and the search index use (`page.kind`).
    pub name: &'static str,
    /// The folder under `content/` (files directly in it only); `None` for plain pages.
    pub folder: Option<&'static str>,
    /// Its own front-matter keys, besides the common ones (title, date, summary, tags, draft, slug).
    pub keys: &'static [&'static str],
    /// Who uses those keys, in warnings about keys written on another kind of page.
    pub owner: &'static str,
    /// The kind as readers call it (search results, listings).
    pub label: &'static str,
    /// The page template, and the navigation entry (`current`) it highlights.
    pub template: &'static str,
    pub current: &'static str,
    /// The listing page of the kind.
    pub listing: Option<Listing>,
    pub pdf: PdfSpec,
}

/// A listing page: output path, template and navigation entry.
#[derive(Debug)]
pub struct Listing {
    pub out: &'static str,
    pub template: &'static str,
    pub current: &'static str,
    /// Written even when the site has no page of the kind (the kinds every site starts with).
    pub always: bool,
}

/// How the PDF of a page of the kind is laid out.
#[derive(Debug)]
pub struct PdfSpec {
    /// The folder of the PDF file; `None`: the kind gets no PDF in a build.
    pub dir: Option<&'static str>,
    /// A4 landscape (the page size of pdf.yaml turned) instead of portrait.
    pub landscape: bool,
    /// The head fills the first page alone, which has no running header or footer.
    pub title_page: bool,
    /// Every `##` section starts a new page.
    pub section_breaks: bool,
    /// Names of the running header and footer templates (see `pdf::margins`).
    pub header: &'static str,
    pub footer: &'static str,
}

const NEWSLETTER: KindSpec = KindSpec {
    name: "newsletter",
    folder: Some("newsletters"),
    keys: &["number", "author", "recipients"],
    owner: "newsletter issues",
    label: "通信",
    template: "newsletter.html",
    current: "newsletters",
    listing: Some(Listing {
        out: "newsletters/index.html",
        template: "newsletters.html",
        current: "newsletters",
        always: true,
    }),
    pdf: PdfSpec {
        dir: Some("newsletters"),
        landscape: false,
        title_page: false,
        section_breaks: false,
        header: "newsletter",
        footer: "footer",
    },
};

const EVENT: KindSpec = KindSpec {
    name: "event",
    folder: Some("events"),
    keys: &[
        "recipients",
        "status",
        "format",
        "venue",
        "target",
        "lecturers",
        "sessions",
        "apply_by",
        "capacity",
    ],
    owner: "training announcements",
    label: "研修会",
    template: "event.html",
    current: "events",
    listing: Some(Listing {
        out: "events/index.html",
        template: "events.html",
        current: "events",
        always: true,
    }),
    pdf: PdfSpec {
        dir: Some("events"),
        landscape: false,
        title_page: false,
        section_breaks: false,
        header: "event",
        footer: "footer",
    },
};

const HANDOUT: KindSpec = KindSpec {
    name: "handout",
    folder: Some("handouts"),
    keys: &["number", "meeting"],
    owner: "meeting handouts",
    label: "会議資料",
    template: "handout.html",
    // The navigation marks the listing as the current page, a handout as inside it.
    current: "handout",
    listing: Some(Listing {
        out: "handouts/index.html",
        template: "handouts.html",
        current: "handouts",
        always: false,
    }),
    pdf: PdfSpec {
        dir: Some("handouts"),
        landscape: true,
        title_page: true,
        section_breaks: true,
        header: "handout",
        footer: "handout_footer",
    },
};

const PLAIN: KindSpec = KindSpec {
    name: "page",
    folder: None,
    keys: &[],
    owner: "",
    label: "ページ",
    template: "page.html",
    current: "page",
    listing: None,
    pdf: PdfSpec {
        dir: None,
        landscape: false,
        title_page: false,
        section_breaks: false,
        header: "page",
        footer: "footer",
    },
};

impl Section {
    /// Every kind, in the order listings and navigation show them.
    pub const ALL: [Section; 4] = [
        Section::Newsletter,
        Section::Event,
        Section::Handout,
        Section::Plain,
    ];

    pub fn spec(self) -> &'static KindSpec {
        match self {
            Section::Newsletter => &NEWSLETTER,
            Section::Event => &EVENT,
            Section::Handout => &HANDOUT,
            Section::Plain => &PLAIN,
        }
    }

    /// The kind of the file at `rel` (relative to `content/`, `/` separators).
    pub fn of(rel: &str) -> Section {
        Section::ALL
            .into_iter()
            .find(|s| {
                s.spec().folder.is_some_and(|f| {
                    rel.strip_prefix(f)
                        .and_then(|r| r.strip_prefix('/'))
                        .is_some_and(|name| !name.contains('/'))
                })
            })
            .unwrap_or(Section::Plain)
    }
}

/// Every front-matter key a kind reads, for the unknown-key check.
pub fn all_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = COMMON.to_vec();
    for s in Section::ALL {
        for k in s.spec().keys {
            if !keys.contains(k) {
                keys.push(k);
            }
        }
    }
    keys
}

/// The keys of every kind.
pub const COMMON: &[&str] = &["title", "date", "summary", "tags", "draft", "slug"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_decide_the_kind() {
        assert_eq!(Section::of("newsletters/a.md"), Section::Newsletter);
        assert_eq!(Section::of("events/a.md"), Section::Event);
        assert_eq!(Section::of("handouts/a.md"), Section::Handout);
        assert_eq!(Section::of("handouts/x/a.md"), Section::Plain);
        assert_eq!(Section::of("handoutsx/a.md"), Section::Plain);
        assert_eq!(Section::of("about.md"), Section::Plain);
    }
}
