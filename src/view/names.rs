//! The names readers see on files: a newsletter issue's PDF is
//! `コーディネーター連絡会通信_第1号.pdf`, a training's is its title, and its calendar file
//! takes the PDF's name with `.ics`. The site plans the folders and resolves clashes
//! (`site::pdfs::plan`); the names themselves are made here.

use crate::config::Config;
use crate::content::{Kind, Page};
use crate::filenames::make_safe;
use crate::japanese::{DigitStyle, digits};

/// `s` as a file name a recipient recognises in an attachment list: characters Windows forbids
/// (and those that confuse mail clients) become `_`, spaces `_`, at most 60 characters, never
/// a Windows device name.
pub fn clean_file_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|#%".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let short: String = cleaned
        .trim()
        .trim_matches('.')
        .replace(char::is_whitespace, "_")
        .chars()
        .take(60)
        .collect();
    // Safe on a Windows share too: no trailing dot, no device name (`CON.pdf`).
    make_safe(&short, "")
}

/// The folder and the name without extension of `page`'s PDF, when it has one; the name may
/// be empty when the title has no usable character (the site uses the slug then).
pub fn pdf_stem(page: &Page, config: &Config) -> Option<(&'static str, String)> {
    let dir = page.section.spec().pdf.dir?;
    let stem = match &page.meta.kind {
        Kind::Newsletter(n) => {
            let number = digits(i64::from(n.number), DigitStyle::Plain);
            format!("{}_第{number}号", clean_file_name(&config.newsletter_name))
        }
        Kind::Event(_) => clean_file_name(&page.meta.title),
        Kind::Handout(h) => {
            let number = digits(i64::from(h.number), DigitStyle::Plain);
            clean_file_name(&format!("資料{number}_{}", page.meta.title))
        }
        Kind::Plain => return None,
    };
    Some((dir, stem))
}

/// The calendar file beside a training's PDF: the same name with `.ics`.
pub fn ics_path(pdf_path: &str) -> Option<String> {
    pdf_path
        .strip_suffix(".pdf")
        .map(|stem| format!("{stem}.ics"))
}
