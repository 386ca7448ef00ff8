//! Subject and plain-text body of a page's mail, from the theme's tera templates
//! `mail/subject.txt` and `mail/body.txt` (each a switch to the newsletter and training
//! variants `mail/newsletter_*.txt`, `mail/event_*.txt`). A site overrides any of them in its
//! own `templates/mail/` like every template. The templates see the same `site` and `page`
//! as the HTML pages (dates through the same `wareki` filters), and `mail`.

use serde::Serialize;
use tera::Context;

use crate::content::Page;
use crate::diag::Diagnostic;
use crate::site::Site;
use crate::site::context::{SiteView, page_view, toc};

pub const SUBJECT_TEMPLATE: &str = "mail/subject.txt";
pub const BODY_TEMPLATE: &str = "mail/body.txt";

/// What the mail templates see as `mail`.
#[derive(Serialize, Debug, Clone, Default)]
pub struct MailView {
    /// The page's absolute intranet URL (`base_url` + its path); `None` without `base_url`.
    pub url: Option<String>,
    /// The attachments' file names, PDF first.
    pub attachments: Vec<String>,
    /// The page's top-level (`##`) headings: the table of contents.
    pub headings: Vec<String>,
    /// `--link-only`: nothing attached, the link carries the page.
    pub link_only: bool,
    /// `--correction`: the page was sent before and its PDF changed.
    pub correction: bool,
    /// The `mail.signature` of site.yaml, as written.
    pub signature: String,
}

/// Subject (one line, 【訂正】 added for a correction) and body (CRLF-free, ending in one
/// newline) of the page's mail.
pub fn render(site: &Site, page: &Page, mail: &MailView) -> Result<(String, String), Diagnostic> {
    let mut view = page_view(page, &page.out_path, site);
    let entries = toc(page).0;
    let mut mail = mail.clone();
    mail.headings = entries
        .iter()
        .filter(|h| h.level == 2)
        .map(|h| h.text.clone())
        .collect();
    view.toc = Some(entries);
    let mut ctx = Context::new();
    ctx.insert("site", &SiteView::new(&site.config));
    ctx.insert("page", &view);
    ctx.insert("mail", &mail);
    let subject = site.theme.render(SUBJECT_TEMPLATE, &ctx)?;
    let body = site.theme.render(BODY_TEMPLATE, &ctx)?;
    // A subject is one line: the template's line breaks become spaces.
    let subject = subject
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if subject.is_empty() {
        return Err(Diagnostic::error(
            crate::diag::Location::file(&page.display),
            format!("the template {SUBJECT_TEMPLATE} gives this page an empty subject"),
        )
        .help("fix the site's templates/mail/ copy, or delete it to use the default theme's"));
    }
    let subject = if mail.correction {
        format!("【訂正】{subject}")
    } else {
        subject
    };
    let mut body = body.replace("\r\n", "\n").trim_end().to_owned();
    body.push('\n');
    Ok((subject, body))
}
