//! The last look before a message is written or sent: its bytes are parsed back as a mail
//! client would read them (mail-parser) and refused when any header shows an address other
//! than the message's own recipient, the sender and the reply address, or when the text
//! anywhere names another recipient of the page. A Bcc header is refused outright. This is the check
//! that stands between a template or address-book mistake and a leaked address list.

use std::collections::BTreeSet;

use mail_parser::{Addr, Address, HeaderName, HeaderValue, MessageParser, PartType};

/// Every text in `text` that looks like an e-mail address (`local@domain.tld`), lower-cased.
pub fn addresses_in(text: &str) -> Vec<String> {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-'!#$&*=?^`{|}~/".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        if *c != '@' {
            continue;
        }
        let start = (0..i).rev().take_while(|&j| local(chars[j])).last();
        let end = (i + 1..chars.len())
            .take_while(|&j| domain(chars[j]))
            .last();
        if let (Some(s), Some(e)) = (start, end) {
            let domain_part: String = chars[i + 1..=e].iter().collect();
            let domain_part = domain_part.trim_end_matches(['.', '-']);
            if domain_part.contains('.') {
                let local_part: String = chars[s..i].iter().collect();
                found.push(format!("{local_part}@{domain_part}").to_lowercase());
            }
        }
    }
    found
}

/// Headers whose value is an identifier with an `@` in it, not an address.
fn is_identifier(name: &HeaderName) -> bool {
    matches!(
        name,
        HeaderName::MessageId
            | HeaderName::InReplyTo
            | HeaderName::References
            | HeaderName::ContentId
            | HeaderName::ResentMessageId
    )
}

fn push_addr(a: &Addr, shown: &mut Vec<String>, texts: &mut Vec<String>) {
    if let Some(addr) = &a.address {
        shown.push(addr.to_lowercase());
    }
    if let Some(name) = &a.name {
        texts.push(name.to_string());
    }
}

/// The addresses a header holds (`shown`) and its other texts (display names, words).
fn header_texts(value: &HeaderValue, shown: &mut Vec<String>, texts: &mut Vec<String>) {
    match value {
        HeaderValue::Address(Address::List(list)) => {
            list.iter().for_each(|a| push_addr(a, shown, texts));
        }
        HeaderValue::Address(Address::Group(groups)) => {
            for g in groups {
                texts.extend(g.name.as_ref().map(|n| n.to_string()));
                g.addresses.iter().for_each(|a| push_addr(a, shown, texts));
            }
        }
        HeaderValue::Text(t) => texts.push(t.to_string()),
        HeaderValue::TextList(l) => texts.extend(l.iter().map(|t| t.to_string())),
        HeaderValue::ContentType(ct) => {
            texts.push(ct.c_type.to_string());
            texts.extend(ct.c_subtype.as_ref().map(|s| s.to_string()));
            for a in ct.attributes.iter().flatten() {
                texts.push(a.value.to_string());
            }
        }
        HeaderValue::Received(r) => texts.push(format!("{r:?}")),
        HeaderValue::DateTime(_) | HeaderValue::Empty => {}
    }
}

/// What one message may show.
pub struct Allowed<'a> {
    /// The To header's addresses: the recipient, or the sender in `bcc` mode.
    pub to: &'a [String],
    pub from: &'a str,
    pub reply_to: Option<&'a str>,
    /// Every recipient of the page: none but `to` may appear in the text either.
    pub everyone: &'a [String],
}

/// `Ok` when the message shows no address but its own; else what it shows that it must not.
pub fn check(bytes: &[u8], allowed: &Allowed) -> Result<(), String> {
    let Some(message) = MessageParser::default().parse(bytes) else {
        return Err("the message cannot be read back as e-mail".into());
    };
    let lower = |s: &str| s.to_lowercase();
    let mut ok: BTreeSet<String> = allowed.to.iter().map(|s| lower(s)).collect();
    ok.insert(lower(allowed.from));
    ok.extend(allowed.reply_to.map(lower));
    let mut to_header = Vec::new();
    let mut texts = Vec::new();
    // The text may name other people (a contact in the signature), never another recipient.
    let mut bodies = Vec::new();
    for part in &message.parts {
        for header in &part.headers {
            if is_identifier(&header.name) {
                continue;
            }
            if matches!(header.name, HeaderName::Bcc | HeaderName::ResentBcc) {
                return Err("the message has a Bcc header".into());
            }
            let mut shown = Vec::new();
            header_texts(&header.value, &mut shown, &mut texts);
            // The raw text too: a header mail-parser reads as something else still shows it.
            let raw = bytes
                .get(header.offset_start as usize..header.offset_end as usize)
                .unwrap_or_default();
            texts.push(String::from_utf8_lossy(raw).into_owned());
            if header.name == HeaderName::To {
                to_header.extend(shown.iter().cloned());
            }
            if let Some(bad) = shown.iter().find(|a| !ok.contains(*a)) {
                let name = header.name.as_str();
                return Err(format!("its {name} header holds {bad}"));
            }
        }
        if let PartType::Text(body) = &part.body {
            bodies.push(body.to_string());
        }
    }
    let others: BTreeSet<String> = allowed
        .everyone
        .iter()
        .map(|s| lower(s))
        .filter(|s| !ok.contains(s))
        .collect();
    for text in &texts {
        if let Some(bad) = addresses_in(text).into_iter().find(|a| !ok.contains(a)) {
            return Err(format!("a header shows the address {bad}"));
        }
    }
    // Whole addresses, not substrings: `kita@…` is not in `minamikita@…`.
    for text in &bodies {
        if let Some(bad) = addresses_in(text).into_iter().find(|a| others.contains(a)) {
            return Err(format!("its text shows the address {bad}"));
        }
    }
    let expected: BTreeSet<String> = allowed.to.iter().map(|s| lower(s)).collect();
    let got: BTreeSet<String> = to_header.into_iter().collect();
    if got != expected {
        return Err(format!(
            "its To header holds {} instead of {}",
            list(&got),
            list(&expected)
        ));
    }
    Ok(())
}

fn list(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "nobody".to_owned()
    } else {
        set.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_addresses_in_any_text() {
        assert_eq!(
            addresses_in("山田 a.b@Example.lg.jp, c@d.jp。"),
            vec!["a.b@example.lg.jp", "c@d.jp"]
        );
        assert!(addresses_in("午後２時 @ 会議室").is_empty());
        assert!(addresses_in("user@localhost").is_empty());
        assert_eq!(
            addresses_in("<minamikita@city.jp>"),
            vec!["minamikita@city.jp"]
        );
    }
}
