//! `site.yaml`: the site's settings.

pub mod mail;

use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::japanese::digits::DigitStyle;
use crate::yaml;

pub const FILE_NAME: &str = "site.yaml";

#[derive(Debug, Clone, serde::Serialize)]
pub struct Config {
    pub title: String,
    pub theme: String,
    /// Where `theme` is written, for the unknown-theme error.
    #[serde(skip)]
    pub theme_at: Location,
    pub language: String,
    /// Absolute URL of the published site, used only where a relative one is impossible (feed).
    pub base_url: Option<String>,
    pub newsletter_name: String,
    pub recipients: Vec<String>,
    /// Where each of `recipients` is written, for the unknown-group error of `check`.
    #[serde(skip)]
    pub recipients_at: Vec<Location>,
    #[serde(skip)]
    pub date_style: DigitStyle,
    /// Raw HTML in Markdown is sanitised unless this is true.
    pub allow_raw_html: bool,
    /// `search: false` leaves out the search box, the search page and the index.
    pub search: bool,
    /// `publish: {to: …}`: the default folder of `tsushin publish`, as written, and where.
    #[serde(skip)]
    pub publish_to: Option<(String, Location)>,
    /// `mail:`: sender, signature and SMTP server of `tsushin mail`; `None` when absent.
    #[serde(skip)]
    pub mail: Option<mail::MailSettings>,
}

#[derive(Deserialize, Default)]
struct Raw {
    title: Option<String>,
    theme: Option<serde_saphyr::Spanned<String>>,
    language: Option<String>,
    base_url: Option<String>,
    newsletter: Option<RawNewsletter>,
    date_style: Option<serde_saphyr::Spanned<String>>,
    allow_raw_html: Option<bool>,
    search: Option<bool>,
    publish: Option<RawPublish>,
    mail: Option<mail::RawMail>,
}

#[derive(Deserialize, Default)]
struct RawPublish {
    to: Option<serde_saphyr::Spanned<String>>,
}

#[derive(Deserialize, Default)]
struct RawNewsletter {
    name: Option<String>,
    recipients: Option<Vec<serde_saphyr::Spanned<String>>>,
}

const SCHEMA: yaml::Schema = &[
    (
        "",
        &[
            "title",
            "theme",
            "language",
            "base_url",
            "newsletter",
            "date_style",
            "allow_raw_html",
            "search",
            "publish",
            "mail",
        ],
    ),
    ("newsletter", &["name", "recipients"]),
    ("publish", &["to"]),
    ("mail", mail::MAIL_KEYS),
    ("mail.smtp", mail::SMTP_KEYS),
];

pub const DEFAULT_NEWSLETTER_NAME: &str = "コーディネーター連絡会通信";

/// Loads `root/site.yaml`; problems go to `diags`, and `None` means the build cannot go on.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Config> {
    let path = root.join(FILE_NAME);
    let display = Path::new(FILE_NAME);
    if !path.exists() {
        diags.push(
            Diagnostic::error(Location::file(display), format!("no {FILE_NAME} in {}", root.display()))
                .help("run tsushin in the site folder, pass --root DIR, or create one with `tsushin init DIR`"),
        );
        return None;
    }
    let source = match crate::source::read(&path, display) {
        Ok((s, warning)) => {
            diags.extend(warning);
            s
        }
        Err(e) => {
            diags.push(e);
            return None;
        }
    };
    parse(&source.text, display, diags)
}

pub fn parse(text: &str, display: &Path, diags: &mut Diagnostics) -> Option<Config> {
    crate::content::controls::check_yaml(text, display, diags);
    let node: yaml::Node = match yaml::parse(text, display, 1) {
        Ok(n) => n,
        Err(e) => {
            diags.push(e);
            return None;
        }
    };
    let refused = match child(&node, "mail") {
        Some(m) => mail::refuse_passwords(m, display, diags),
        None => Vec::new(),
    };
    let mut key_diags = Diagnostics::new();
    yaml::check_keys(&node, SCHEMA, display, 1, FILE_NAME, &mut key_diags);
    diags.extend(
        key_diags
            .into_iter()
            .filter(|d| !refused.contains(&d.location)),
    );
    let raw: Raw = match yaml::parse(text, display, 1) {
        Ok(r) => r,
        Err(e) => {
            diags.push(e);
            return None;
        }
    };
    let Some(title) = raw.title.filter(|t| !t.trim().is_empty()) else {
        diags.push(
            Diagnostic::error(Location::file(display), "site.yaml has no `title`")
                .help("add a line like `title: 在宅医療・介護連携推進事業 コーディネーター連絡会`"),
        );
        return None;
    };
    let date_style = match raw.date_style {
        None => DigitStyle::Official,
        Some(s) => match s.value.as_str() {
            "official" => DigitStyle::Official,
            "plain" => DigitStyle::Plain,
            other => {
                diags.push(
                    Diagnostic::error(
                        Location::new(
                            display,
                            s.referenced.line() as usize,
                            s.referenced.column() as usize,
                        ),
                        format!("unknown date_style `{other}`"),
                    )
                    .help("use `official` (令和３年８月23日) or `plain` (令和3年8月23日)"),
                );
                DigitStyle::Official
            }
        },
    };
    let newsletter = raw.newsletter.unwrap_or_default();
    let recipients = newsletter.recipients.unwrap_or_default();
    let at =
        |l: &serde_saphyr::Location| Location::new(display, l.line() as usize, l.column() as usize);
    let recipients_at = recipients.iter().map(|r| at(&r.referenced)).collect();
    let mail = raw.mail.and_then(|m| {
        let (l, c) = node.key_location("mail").unwrap_or((1, 1));
        mail::settings(m, Location::new(display, l, c), display, diags)
    });
    Some(Config {
        title,
        theme_at: raw
            .theme
            .as_ref()
            .map(|t| {
                Location::new(
                    display,
                    t.referenced.line() as usize,
                    t.referenced.column() as usize,
                )
            })
            .unwrap_or_else(|| Location::file(display)),
        theme: raw
            .theme
            .map(|t| t.value)
            .unwrap_or_else(|| "default".into()),
        language: raw.language.unwrap_or_else(|| "ja".into()),
        base_url: raw
            .base_url
            .map(|u| if u.ends_with('/') { u } else { format!("{u}/") }),
        newsletter_name: newsletter
            .name
            .unwrap_or_else(|| DEFAULT_NEWSLETTER_NAME.into()),
        recipients: recipients.into_iter().map(|r| r.value).collect(),
        recipients_at,
        date_style,
        allow_raw_html: raw.allow_raw_html.unwrap_or(false),
        search: raw.search.unwrap_or(true),
        publish_to: raw.publish.and_then(|p| p.to).map(|t| {
            let at = Location::new(
                display,
                t.referenced.line() as usize,
                t.referenced.column() as usize,
            );
            (t.value, at)
        }),
        mail,
    })
}

/// The value of the top-level `key` of a YAML map.
fn child<'a>(node: &'a yaml::Node, key: &str) -> Option<&'a yaml::Node> {
    match node {
        yaml::Node::Map(entries) => entries.iter().find(|(k, _)| k.value == key).map(|(_, v)| v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_unknown_keys() {
        let mut d = Diagnostics::new();
        let c = parse("title: 通信\nthem: x\n", Path::new("site.yaml"), &mut d).unwrap();
        assert_eq!((c.theme.as_str(), c.language.as_str()), ("default", "ja"));
        let w: Vec<_> = d.iter().collect();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].location.line, 2);
        assert_eq!(w[0].help.as_deref(), Some("did you mean `theme`?"));
    }

    #[test]
    fn missing_title_is_an_error() {
        let mut d = Diagnostics::new();
        assert!(parse("theme: default\n", Path::new("site.yaml"), &mut d).is_none());
        assert!(d.has_errors());
    }
}
