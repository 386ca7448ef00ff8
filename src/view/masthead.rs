//! A newsletter's masthead (題字): publisher, name, issue number, and the line of 発行日,
//! 担当 and 配信先 (the site's default recipients when the issue names none), in the site's
//! digit style. The page header and the PDF's first page show the same values.

use serde::Serialize;

use super::trimmed;
use crate::config::Config;
use crate::content::Page;
use crate::content::frontmatter::Newsletter;
use crate::japanese::{DigitStyle, issue_number, wareki_date};

/// One label/value pair of the masthead line; `parts` are the pieces that each stay whole on
/// a line (a recipient with its 、), `text` all of them.
#[derive(Serialize, Clone, Debug)]
pub struct MetaRow {
    /// `date`, `author` or `recipients`.
    pub key: &'static str,
    pub label: &'static str,
    pub parts: Vec<String>,
    pub text: String,
}

impl MetaRow {
    fn new(key: &'static str, label: &'static str, parts: Vec<String>) -> MetaRow {
        MetaRow {
            key,
            label,
            text: parts.concat(),
            parts,
        }
    }
}

#[derive(Serialize, Clone, Debug)]
pub struct Masthead {
    /// The site's title, printed small over the name.
    pub publisher: String,
    /// The newsletter's name (コーディネーター連絡会通信).
    pub name: String,
    pub number: u32,
    /// 第１号
    pub number_label: String,
    /// The issue's title when it says more than the name and number, else nothing.
    pub own_title: Option<String>,
    pub author: Option<String>,
    /// The issue's recipients, or the site's when it names none.
    pub recipients: Vec<String>,
    /// 発行日, 担当, 配信先: the pairs that have a value.
    pub rows: Vec<MetaRow>,
}

impl Masthead {
    pub fn new(page: &Page, n: &Newsletter, config: &Config) -> Masthead {
        let ds = config.date_style;
        let recipients = if n.recipients.is_empty() {
            config.recipients.clone()
        } else {
            n.recipients.clone()
        };
        let author = trimmed(n.author.as_deref());
        let mut rows = Vec::new();
        if let Some(d) = page.meta.date {
            rows.push(MetaRow::new(
                "date",
                "発行日",
                vec![wareki_date(d, ds, true)],
            ));
        }
        if let Some(a) = &author {
            rows.push(MetaRow::new("author", "担当", vec![a.clone()]));
        }
        if !recipients.is_empty() {
            let last = recipients.len() - 1;
            let parts = recipients
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    if i < last {
                        format!("{r}、")
                    } else {
                        r.clone()
                    }
                })
                .collect();
            rows.push(MetaRow::new("recipients", "配信先", parts));
        }
        let title = page.meta.title.trim();
        Masthead {
            publisher: config.title.clone(),
            name: config.newsletter_name.clone(),
            number: n.number,
            number_label: issue_number(n.number, ds),
            own_title: (!title.is_empty() && !names_only(title, config, n.number))
                .then(|| title.to_owned()),
            author,
            recipients,
            rows,
        }
    }
}

/// Whether `title` only repeats the name and number (コーディネーター連絡会通信 第１号), in
/// either digit style and whatever the spacing.
fn names_only(title: &str, config: &Config, number: u32) -> bool {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    [DigitStyle::Official, DigitStyle::Plain].iter().any(|&ds| {
        let name = format!("{}{}", config.newsletter_name, issue_number(number, ds));
        squash(&name) == squash(title)
    })
}
