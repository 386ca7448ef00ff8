//! The messages of one page: subject and body from the theme's mail templates, the PDF that
//! `build` writes (and a training's .ics) attached, one message per recipient (or per Bcc
//! chunk), each parsed back and refused if it names an address other than its own.

use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use sha2::{Digest, Sha256};

use super::book::{self, AddressBook, Recipient};
use super::compose::{self, MailView};
use super::mime::{self, Addressing, Content, File};
use super::{ComposeArgs, PageArgs, leak};
use crate::config::mail::{MailAddress, MailSettings, Mode};
use crate::content::Page;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::site::{self, Site};

/// An attachment as the recipient sees it.
#[derive(Debug, Clone)]
pub struct AttachmentInfo {
    /// The file name shown to the recipient (`コーディネーター連絡会通信_第5号.pdf`).
    pub name: String,
    /// Its size in the message, after base64.
    pub encoded_len: usize,
}

/// One formatted, leak-checked message and its SMTP envelope.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Envelope recipients: one address in `individual` mode, a chunk in `bcc` mode.
    pub to: Vec<lettre::Address>,
    /// Envelope sender.
    pub from: lettre::Address,
    pub message_id: String,
    /// The message exactly as it goes over the wire (no Bcc header).
    pub bytes: Vec<u8>,
}

/// Everything `plan`, `eml` and `send` need of one page.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub root: PathBuf,
    /// The page's path under content/ (`newsletters/2021-06-vol01.md`): the log's key.
    pub page_rel: String,
    /// SHA-256 (hex) of the page's PDF as `build` writes it.
    pub pdf_sha256: String,
    pub subject: String,
    pub attachments: Vec<AttachmentInfo>,
    /// Everyone the page goes to, each once.
    pub recipients: Vec<Recipient>,
    pub messages: Vec<Outgoing>,
    pub settings: MailSettings,
}

/// What shapes the messages besides the page.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub compose: ComposeArgs,
    /// `send --test-to`: one message to this address, subject 【テスト】.
    pub test_to: Option<lettre::Address>,
}

/// Loads the site as `build` does (drafts left out), renders the page's PDF with the PDF job
/// of the build plan (`site::plan::page_pdf`) and composes every message; `None` (with
/// located errors in `diags`) when anything is wrong. Every message is leak-checked and size-checked here, so
/// nothing that fails either is ever written or sent.
pub fn prepare(page: &PageArgs, opts: &Options, diags: &mut Diagnostics) -> Option<Prepared> {
    prepare_as(page, opts, false, diags)
}

/// `prepare` with one message per recipient whatever `mode` says: an `.eml` draft has no
/// envelope, so a `bcc` draft would reach nobody.
pub fn prepare_individual(
    page: &PageArgs,
    opts: &Options,
    diags: &mut Diagnostics,
) -> Option<Prepared> {
    prepare_as(page, opts, true, diags)
}

fn prepare_as(
    page: &PageArgs,
    opts: &Options,
    individual: bool,
    diags: &mut Diagnostics,
) -> Option<Prepared> {
    let root = page.root.clone();
    let mut loaded = Diagnostics::new();
    let site = site::load(&root, false, &mut loaded);
    let failed = loaded.has_errors();
    diags.extend(loaded);
    let site = site.filter(|_| !failed)?;
    let p = find_page(&site, page, diags)?;
    let Some(mut settings) = site.config.mail.clone() else {
        diags.push(
            Diagnostic::error(
                Location::file(crate::config::FILE_NAME),
                "site.yaml has no `mail:` section, so tsushin does not know who sends the mail",
            )
            .help("add to site.yaml:\nmail:\n  from: \"在宅医療係 <zaitaku@example.lg.jp>\"\n  signature: |\n    在宅医療係 山田"),
        );
        return None;
    };
    if individual {
        settings.mode = Mode::Individual;
    }
    let from = mailbox(&settings.from, "from", &settings, diags)?;
    let reply_to = match &settings.reply_to {
        Some(r) => Some(mailbox(r, "reply_to", &settings, diags)?),
        None => None,
    };
    let recipients = recipients_of(&site, p, diags)?;
    let (pdf_sha256, files) = files_of(&site, p, opts, diags)?;
    let view = MailView {
        url: site::ics::page_url(&site, p),
        attachments: files.iter().map(|f| f.name.clone()).collect(),
        link_only: opts.compose.link_only,
        correction: opts.compose.correction,
        signature: settings.signature.clone(),
        ..MailView::default()
    };
    let (subject, body) = match compose::render(&site, p, &view) {
        Ok(t) => t,
        Err(e) => {
            diags.push(e);
            return None;
        }
    };
    let subject = match opts.test_to {
        Some(_) => format!("【テスト】{subject}"),
        None => subject,
    };
    let content = Content {
        from: &from,
        reply_to: reply_to.as_ref(),
        subject: &subject,
        body: &body,
        files: &files,
    };
    let ids = IdParts {
        site: site
            .config
            .base_url
            .as_deref()
            .unwrap_or(&site.config.title),
        page: &p.rel,
        pdf: &pdf_sha256,
        opts,
    };
    let messages = compose_all(&content, &settings, &recipients, &ids, p, diags)?;
    Some(Prepared {
        root,
        page_rel: p.rel.clone(),
        pdf_sha256,
        subject,
        attachments: files
            .iter()
            .map(|f| AttachmentInfo {
                name: f.name.clone(),
                encoded_len: mime::encoded_len(f.bytes.len()),
            })
            .collect(),
        recipients,
        messages,
        settings,
    })
}

/// The page PAGE names: a Markdown file under content/ (given from the current folder, the
/// site folder or content/), or the issue `--number N`.
fn find_page<'a>(site: &'a Site, args: &PageArgs, diags: &mut Diagnostics) -> Option<&'a Page> {
    let found = match (&args.page, args.number) {
        (_, Some(n)) => {
            let page = site
                .pages
                .iter()
                .find(|p| p.newsletter().is_some_and(|nl| nl.number == n));
            if page.is_none() {
                diags.push(
                    Diagnostic::error(
                        Location::file("content/newsletters"),
                        format!("no published issue has the number {n} (第{n}号)"),
                    )
                    .help("check the issue's `number:`; a draft (draft: true) is never mailed"),
                );
            }
            page
        }
        (Some(path), None) => page_at(site, &args.root, path, diags),
        (None, None) => None,
    }?;
    if !site.pdf_paths.contains_key(&found.rel) {
        diags.push(
            Diagnostic::error(
                Location::file(&found.display),
                "only newsletter issues and training announcements are mailed; this page has no PDF",
            )
            .help("give a page under content/newsletters/ or content/events/"),
        );
        return None;
    }
    Some(found)
}

fn page_at<'a>(
    site: &'a Site,
    root: &Path,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<&'a Page> {
    let content = std::path::absolute(root.join("content")).ok()?;
    let candidates = [
        path.to_path_buf(),
        root.join(path),
        root.join("content").join(path),
    ];
    let rel = candidates
        .iter()
        .filter(|c| c.is_file())
        .filter_map(|c| std::path::absolute(c).ok())
        .find_map(|c| {
            c.strip_prefix(&content)
                .ok()
                .and_then(|r| r.to_str())
                .map(|r| r.replace('\\', "/"))
        });
    let shown = Location::file(path);
    let Some(rel) = rel else {
        diags.push(
            Diagnostic::error(shown, "no such page in the site's content/ folder").help(
                "give the page's Markdown file, e.g. content/newsletters/2021-06-vol01.md, or --number N",
            ),
        );
        return None;
    };
    if site.drafts.contains(&rel) {
        diags.push(
            Diagnostic::error(
                Location::file(Path::new("content").join(&rel)),
                "this page is a draft (draft: true); drafts are never mailed",
            )
            .help("publish it first: remove `draft: true` and build"),
        );
        return None;
    }
    let page = site.pages.iter().find(|p| p.rel == rel);
    if page.is_none() {
        diags.push(
            Diagnostic::error(shown, "this file is not a page of the site")
                .help("mail is made from Markdown files (.md) under content/"),
        );
    }
    page
}

fn mailbox(
    a: &MailAddress,
    key: &str,
    settings: &MailSettings,
    diags: &mut Diagnostics,
) -> Option<Mailbox> {
    match a.email.parse::<lettre::Address>() {
        Ok(email) => Some(Mailbox::new(a.name.clone(), email)),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    settings.at.clone(),
                    format!("mail.{key} `{}` is not an e-mail address: {e}", a.email),
                )
                .help("write it as `名前 <name@example.lg.jp>` or `name@example.lg.jp`"),
            );
            None
        }
    }
}

/// Where `needle` is first written in the page's front matter, else the file itself.
fn locate(page: &Page, needle: &str) -> Location {
    page.source
        .lines()
        .enumerate()
        .find_map(|(i, line)| {
            line.find(needle)
                .map(|col| Location::new(&page.display, i + 1, line[..col].chars().count() + 1))
        })
        .unwrap_or_else(|| Location::file(&page.display))
}

/// Everyone the page goes to, from `recipients.yaml` and the page's (or the site's) groups.
fn recipients_of(site: &Site, page: &Page, diags: &mut Diagnostics) -> Option<Vec<Recipient>> {
    let book = match AddressBook::load(&site.root) {
        Ok(Some(b)) => b,
        Ok(None) => {
            diags.push(
                Diagnostic::error(
                    Location::file(book::FILE_NAME),
                    "the site has no address book (recipients.yaml), so nobody to mail",
                )
                .help(
                    "create recipients.yaml at the site root: each group a list of {name, email}",
                ),
            );
            return None;
        }
        Err(errors) => {
            diags.extend(errors);
            return None;
        }
    };
    let groups = book::groups_of(page, &site.config);
    if groups.is_empty() {
        diags.push(
            Diagnostic::error(Location::file(&page.display), "this page names no recipients")
                .help("write `recipients: [受託法人, 相談支援室]` in the page, or `newsletter: {recipients: [...]}` in site.yaml"),
        );
        return None;
    }
    match book.resolve(&groups) {
        Ok(r) if r.is_empty() => {
            diags.push(
                Diagnostic::error(
                    Location::file(book::FILE_NAME),
                    format!("the groups {} hold nobody", groups.join("、")),
                )
                .help("add people to these groups in recipients.yaml"),
            );
            None
        }
        Ok(r) => Some(r),
        Err(name) => {
            diags.push(
                Diagnostic::error(
                    locate(page, &name),
                    format!("the address book (recipients.yaml) has no group `{name}`"),
                )
                .help("add the group to recipients.yaml, or correct the name"),
            );
            None
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

/// The PDF as `build` writes it (its hash), and the files to attach: the PDF and a
/// training's calendar file, or nothing with `--link-only`.
fn files_of(
    site: &Site,
    page: &Page,
    opts: &Options,
    diags: &mut Diagnostics,
) -> Option<(String, Vec<File>)> {
    let (bytes, found) = site::plan::page_pdf(site, page)?;
    diags.extend(found);
    let pdf = bytes?;
    let sha = sha256_hex(&pdf);
    if opts.compose.link_only {
        if site.config.base_url.is_none() {
            diags.push(
                Diagnostic::error(
                    Location::file(crate::config::FILE_NAME),
                    "--link-only sends the page's intranet link, but site.yaml has no base_url",
                )
                .help("set `base_url:` in site.yaml to the published site's address"),
            );
            return None;
        }
        return Some((sha, Vec::new()));
    }
    let mut files = vec![File {
        name: file_name(&site.pdf_paths[&page.rel]),
        content_type: "application/pdf",
        bytes: pdf,
    }];
    if let (Some(path), Some(ics)) = (site.ics_paths.get(&page.rel), site::ics::render(site, page))
    {
        files.push(File {
            name: file_name(path),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH",
            bytes: ics,
        });
    }
    Some((sha, files))
}

/// What every Message-ID of the page is derived from.
struct IdParts<'a> {
    site: &'a str,
    page: &'a str,
    pdf: &'a str,
    opts: &'a Options,
}

impl IdParts<'_> {
    fn id(&self, envelope: &[lettre::Address], domain: &str) -> String {
        let to: Vec<String> = envelope
            .iter()
            .map(|a| a.to_string().to_lowercase())
            .collect();
        let flags = format!(
            "{}{}{}",
            if self.opts.test_to.is_some() { "t" } else { "" },
            if self.opts.compose.correction {
                "c"
            } else {
                ""
            },
            if self.opts.compose.link_only { "l" } else { "" }
        );
        mime::message_id(
            &[self.site, self.page, self.pdf, &to.join(","), &flags],
            domain,
        )
    }
}

/// One message per recipient (`individual`), per chunk of recipients (`bcc`), or the one
/// test message; each leak-checked and size-checked.
fn compose_all(
    content: &Content,
    settings: &MailSettings,
    recipients: &[Recipient],
    ids: &IdParts,
    page: &Page,
    diags: &mut Diagnostics,
) -> Option<Vec<Outgoing>> {
    let from = content.from;
    let batches: Vec<(Mailbox, Vec<lettre::Address>)> = match (&ids.opts.test_to, &settings.mode) {
        (Some(t), Mode::Individual) => vec![(Mailbox::new(None, t.clone()), vec![t.clone()])],
        (Some(t), Mode::Bcc { .. }) => vec![(from.clone(), vec![t.clone()])],
        (None, Mode::Individual) => recipients
            .iter()
            .map(|r| {
                let name = Some(r.name.clone()).filter(|n| !n.trim().is_empty());
                (Mailbox::new(name, r.email.clone()), vec![r.email.clone()])
            })
            .collect(),
        (None, Mode::Bcc { chunk }) => recipients
            .chunks((*chunk).max(1))
            .map(|c| (from.clone(), c.iter().map(|r| r.email.clone()).collect()))
            .collect(),
    };
    let everyone: Vec<String> = recipients.iter().map(|r| r.email.to_string()).collect();
    let from_addr = from.email.to_string();
    let reply_to = content.reply_to.map(|r| r.email.to_string());
    let domain = from.email.domain().to_owned();
    let limit = settings.max_message_kb.saturating_mul(1024);
    let mut out = Vec::with_capacity(batches.len());
    for (to_header, envelope) in batches {
        let message_id = ids.id(&envelope, &domain);
        let addressing = Addressing {
            to_header: &to_header,
            envelope: &envelope,
            message_id: &message_id,
        };
        let bytes = match mime::format(content, &addressing) {
            Ok(b) => b,
            Err(e) => {
                diags.push(Diagnostic::error(
                    Location::file(&page.display),
                    format!("cannot compose the message to {}: {e}", to_header.email),
                ));
                return None;
            }
        };
        let to = [to_header.email.to_string()];
        let allowed = leak::Allowed {
            to: &to,
            from: &from_addr,
            reply_to: reply_to.as_deref(),
            everyone: &everyone,
        };
        if let Err(why) = leak::check(&bytes, &allowed) {
            diags.push(
                Diagnostic::error(
                    Location::file(&page.display),
                    format!(
                        "the message to {} would leak an address: {why}; nothing was written or sent",
                        envelope.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                    ),
                )
                .help("check the mail templates (templates/mail/), the names in recipients.yaml and mail: in site.yaml: no address may appear but the recipient's own, from and reply_to"),
            );
            return None;
        }
        if bytes.len() as u64 > limit {
            diags.push(too_large(bytes.len(), settings, page));
            return None;
        }
        out.push(Outgoing {
            to: envelope,
            from: from.email.clone(),
            message_id,
            bytes,
        });
    }
    Some(out)
}

fn too_large(len: usize, settings: &MailSettings, page: &Page) -> Diagnostic {
    Diagnostic::error(
        Location::file(&page.display),
        format!(
            "the message would be {} KB after base64 encoding, over the limit of {} KB (mail.max_message_kb); nothing was written or sent",
            len.div_ceil(1024),
            settings.max_message_kb
        ),
    )
    .help("send the intranet link instead of the attachments with --link-only (needs base_url in site.yaml), or make the PDF smaller (smaller images)")
}
