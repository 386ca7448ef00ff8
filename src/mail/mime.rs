//! The wire form of one message: lettre builds it; this module adds what lettre leaves out
//! for the mail clients of a city office. An attachment carries its name twice, as RFC 2231
//! `filename*=UTF-8''…` in Content-Disposition (what current clients read) and as an RFC 2047
//! `name="=?UTF-8?B?…?="` in Content-Type (what older Outlook reads; without it the file
//! arrives as `AT000001.dat`). The Message-ID is derived, not random, so a rerun composes
//! the same IDs.

use lettre::Message;
use lettre::address::Envelope;
use lettre::message::header::{
    ContentDisposition, ContentTransferEncoding, Header, HeaderName, HeaderValue,
};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A file attached to every message of a page.
#[derive(Debug, Clone)]
pub struct File {
    /// The name shown to the recipient, as in the output folder.
    pub name: String,
    /// The MIME type with its parameters, without `name`: `application/pdf`.
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Its size inside the message: base64 in lines of 76 characters, each ended by CRLF.
pub fn encoded_len(raw: usize) -> usize {
    let chars = raw.div_ceil(3) * 4;
    chars + 2 * chars.div_ceil(76)
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// RFC 2047 encoded words (`=?UTF-8?B?…?=`), each at most 75 characters and never splitting
/// a character, joined by folding whitespace (which decoders drop between encoded words).
fn encoded_words(text: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// RFC 2231 extended value: `UTF-8''` and the name percent-encoded outside attr-chars.
fn rfc2231(text: &str) -> String {
    let mut out = String::from("UTF-8''");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `Content-Type` of an attachment, with the RFC 2047 `name` fallback.
#[derive(Debug, Clone)]
struct AttachmentType(HeaderValue);

impl Header for AttachmentType {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Type")
    }
    fn parse(_: &str) -> Result<Self, BoxError> {
        Err("written only".into())
    }
    fn display(&self) -> HeaderValue {
        self.0.clone()
    }
}

/// `Content-Disposition: attachment` with the RFC 2231 `filename*`.
#[derive(Debug, Clone)]
struct AttachmentDisposition(HeaderValue);

impl Header for AttachmentDisposition {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Disposition")
    }
    fn parse(_: &str) -> Result<Self, BoxError> {
        Err("written only".into())
    }
    fn display(&self) -> HeaderValue {
        self.0.clone()
    }
}

/// The longest line a message may have (RFC 5322: 998), less room for the parameter's name.
const LONGEST_LINE: usize = 980;

fn attachment(file: &File) -> SinglePart {
    // Only ASCII printable characters and folds at spaces, as `dangerous_new_pre_encoded`
    // requires: the name is base64 or percent-encoded, the type a constant.
    let content_type = format!(
        "{};\r\n name=\"{}\"",
        file.content_type,
        encoded_words(&file.name)
    );
    let builder =
        SinglePart::builder().header(AttachmentType(HeaderValue::dangerous_new_pre_encoded(
            AttachmentType::name(),
            format!("{}; name=\"{}\"", file.content_type, file.name),
            content_type,
        )));
    let filename = rfc2231(&file.name);
    let builder = if filename.len() < LONGEST_LINE {
        builder.header(AttachmentDisposition(
            HeaderValue::dangerous_new_pre_encoded(
                AttachmentDisposition::name(),
                format!("attachment; filename=\"{}\"", file.name),
                format!("attachment;\r\n filename*={filename}"),
            ),
        ))
    } else {
        // Too long for one line: lettre's RFC 2231 continuations (`filename*0*=`, …).
        builder.header(ContentDisposition::attachment(&file.name))
    };
    builder
        .header(ContentTransferEncoding::Base64)
        .body(file.bytes.clone())
}

/// What makes one message different from the others of the same page.
pub struct Addressing<'a> {
    /// The To header: the recipient, or the sender in `bcc` mode.
    pub to_header: &'a Mailbox,
    /// The SMTP envelope's recipients.
    pub envelope: &'a [lettre::Address],
    pub message_id: &'a str,
}

/// What every message of a page shares.
pub struct Content<'a> {
    pub from: &'a Mailbox,
    pub reply_to: Option<&'a Mailbox>,
    pub subject: &'a str,
    pub body: &'a str,
    pub files: &'a [File],
}

/// The message's bytes as they go over the wire (lettre drops any Bcc header).
pub fn format(content: &Content, addressing: &Addressing) -> Result<Vec<u8>, String> {
    let mut builder = Message::builder()
        .from(content.from.clone())
        .to(addressing.to_header.clone())
        .subject(content.subject)
        .message_id(Some(addressing.message_id.to_owned()))
        .envelope(
            Envelope::new(
                Some(content.from.email.clone()),
                addressing.envelope.to_vec(),
            )
            .map_err(|e| e.to_string())?,
        );
    if let Some(r) = content.reply_to {
        builder = builder.reply_to(r.clone());
    }
    let text = SinglePart::plain(content.body.to_owned());
    let message = if content.files.is_empty() {
        builder.singlepart(text)
    } else {
        let mixed = content
            .files
            .iter()
            .fold(MultiPart::mixed().singlepart(text), |m, f| {
                m.singlepart(attachment(f))
            });
        builder.multipart(mixed)
    };
    message.map(|m| m.formatted()).map_err(|e| e.to_string())
}

/// A Message-ID from the site, the page, its PDF, the recipients and what changes the
/// message (test, correction, link only): the same on every run, different for every message.
pub fn message_id(parts: &[&str], domain: &str) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let hex: String = h
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("<{hex}.tsushin@{domain}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("通信".as_bytes()), "6YCa5L+h");
    }

    #[test]
    fn encoded_words_stay_short_and_whole() {
        let name = "コーディネーター連絡会通信_第5号の長い長い長い名前.pdf";
        let words = encoded_words(name);
        for w in words.split("\r\n ") {
            assert!(w.len() <= 75, "{w}");
        }
        assert!(words.contains("\r\n "));
        assert_eq!(encoded_len(3), 6);
        assert_eq!(encoded_len(57), 78);
        assert_eq!(encoded_len(58), 84);
    }
}
