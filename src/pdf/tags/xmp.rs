//! The XMP metadata stream PDF/UA-1 asks for: the title (`dc:title`, shown by viewers
//! because the catalog says `DisplayDocTitle`), the author (`dc:creator`), the language
//! (`dc:language`) and the claim `pdfuaid:part 1`. Written uncompressed, as validators and
//! file managers read it without a PDF parser.

use lopdf::{Dictionary, Object, Stream};

use crate::pdf::draw::Info;

/// The metadata stream of a document described by `info`.
pub(crate) fn metadata(info: &Info, lang: &str) -> Stream {
    let mut x = String::with_capacity(1500);
    x.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    x.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    x.push_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    x.push_str("<rdf:Description rdf:about=\"\"\n");
    x.push_str(" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n");
    x.push_str(" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n");
    x.push_str(" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n");
    x.push_str(" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n");
    x.push_str(&format!(
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n",
        escape(&info.title)
    ));
    let creator = info
        .author
        .as_deref()
        .or(info.publisher.as_deref())
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if let Some(a) = creator {
        x.push_str(&format!(
            "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
            escape(a)
        ));
    }
    if let Some(s) = info.subject.as_deref().filter(|s| !s.trim().is_empty()) {
        x.push_str(&format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
            escape(s)
        ));
    }
    x.push_str(&format!(
        "<dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n",
        escape(lang)
    ));
    if let Some(dt) = info.created {
        let date = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+09:00",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        x.push_str(&format!(
            "<xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n"
        ));
    }
    x.push_str("<xmp:CreatorTool>tsushin</xmp:CreatorTool>\n");
    x.push_str("<pdf:Producer>tsushin (printpdf 0.12, lopdf 0.44)</pdf:Producer>\n");
    if !info.keywords.is_empty() {
        x.push_str(&format!(
            "<pdf:Keywords>{}</pdf:Keywords>\n",
            escape(&info.keywords.join(", "))
        ));
    }
    x.push_str("<pdfuaid:part>1</pdfuaid:part>\n");
    x.push_str("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
    let dict = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Metadata".to_vec())),
        ("Subtype", Object::Name(b"XML".to_vec())),
    ]);
    Stream::new(dict, x.into_bytes()).with_compression(false)
}

/// Text as XML character data.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
