//! Reading text files the way Windows authors save them: UTF-8 with or without BOM, CRLF line
//! endings, and now and then Shift_JIS (CP932) from an older editor. The text that comes out is
//! always clean UTF-8 with `\n` line endings, so no mojibake can reach a reader.

use std::path::Path;

use encoding_rs::{SHIFT_JIS, UTF_16BE, UTF_16LE};

use crate::diag::{Diagnostic, Location};

/// A decoded file; `display` is the path shown in diagnostics (relative to the site root).
#[derive(Debug, Clone)]
pub struct Source {
    pub display: std::path::PathBuf,
    pub text: String,
}

const RESAVE_HELP: &str = "re-save the file as UTF-8: in Notepad choose 名前を付けて保存 → 文字コード「UTF-8」; in VS Code click the encoding in the status bar → Save with Encoding → UTF-8";

/// Reads and decodes `path`. A Shift_JIS file is decoded with a warning; bytes that are
/// neither UTF-8 nor Shift_JIS are refused with the position of the first bad byte.
pub fn read(path: &Path, display: &Path) -> Result<(Source, Option<Diagnostic>), Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(Location::file(display), format!("cannot read file: {e}"))
            .help("check that the file exists and that you may read it")
    })?;
    let (text, warning) = decode(&bytes, display)?;
    Ok((
        Source {
            display: display.to_path_buf(),
            text: normalize_newlines(&text),
        },
        warning,
    ))
}

pub fn decode(bytes: &[u8], display: &Path) -> Result<(String, Option<Diagnostic>), Diagnostic> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, display).map(|s| (s, None));
    }
    // UTF-32 before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE one.
    for (bom, name) in [
        (&b"\xFF\xFE\x00\x00"[..], "UTF-32 LE"),
        (&b"\x00\x00\xFE\xFF"[..], "UTF-32 BE"),
    ] {
        if bytes.starts_with(bom) {
            return Err(Diagnostic::error(
                Location::file(display),
                format!("file is saved as {name}, which tsushin cannot read"),
            )
            .help(format!("save the file as UTF-8: {RESAVE_HELP}")));
        }
    }
    for (bom, enc) in [(&b"\xFF\xFE"[..], UTF_16LE), (&b"\xFE\xFF"[..], UTF_16BE)] {
        if bytes.starts_with(bom) {
            let (text, had_errors) = enc.decode_with_bom_removal(bytes);
            if had_errors {
                return Err(Diagnostic::error(
                    Location::file(display),
                    "file is UTF-16 but contains invalid characters",
                )
                .help(RESAVE_HELP));
            }
            let warn = Diagnostic::warning(
                Location::file(display),
                "file is saved as UTF-16; it was converted to UTF-8 for this build",
            )
            .help(RESAVE_HELP);
            return Ok((text.into_owned(), Some(warn)));
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), None)),
        Err(utf8_err) => {
            if let Some(text) = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes)
            {
                let warn = Diagnostic::warning(
                    Location::file(display),
                    "file is saved as Shift_JIS (CP932); it was converted to UTF-8 for this build",
                )
                .help(RESAVE_HELP);
                return Ok((text.into_owned(), Some(warn)));
            }
            let valid = utf8_err.valid_up_to();
            // Only ASCII before the first non-UTF-8 byte: the file is meant as Shift_JIS, so
            // the byte to point at is the one CP932 cannot decode, further on.
            if bytes[..valid].is_ascii() {
                return Err(bad_shift_jis(bytes, display));
            }
            Err(bad_bytes(bytes, valid, display))
        }
    }
}

/// The first byte sequence of `bytes` that CP932 cannot decode, located in the decoded text.
fn bad_shift_jis(bytes: &[u8], display: &Path) -> Diagnostic {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let room = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(room);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    let (at, len) = match result {
        encoding_rs::DecoderResult::Malformed(bad, after) => (
            read.saturating_sub(usize::from(bad) + usize::from(after)),
            usize::from(bad).max(1),
        ),
        _ => (0, 1),
    };
    let at = at.min(bytes.len().saturating_sub(1));
    // Everything before `at` decodes, so lines and columns are exact.
    let before = SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(&bytes[..at])
        .unwrap_or_default();
    let (line, column) = line_column(&before);
    let shown: Vec<String> = bytes[at..bytes.len().min(at + len)]
        .iter()
        .map(|b| format!("0x{b:02X}"))
        .collect();
    Diagnostic::error(
        Location::new(display, line, column),
        format!(
            "file looks like Shift_JIS (CP932), but {} here cannot be decoded (neither Shift_JIS nor UTF-8)",
            shown.join(" ")
        ),
    )
    .help(format!(
        "the file may be damaged at this place: retype the character, then {RESAVE_HELP}"
    ))
}

/// 1-based line and column (in characters) just after `before`.
fn line_column(before: &str) -> (usize, usize) {
    let before = normalize_newlines(before);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

fn utf8(bytes: &[u8], display: &Path) -> Result<String, Diagnostic> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| bad_bytes(bytes, e.valid_up_to(), display))
}

fn bad_bytes(bytes: &[u8], valid_up_to: usize, display: &Path) -> Diagnostic {
    // Everything before the first bad byte is valid UTF-8, so lines and columns are exact.
    let before = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
    let (line, column) = line_column(before);
    Diagnostic::error(
        Location::new(display, line, column),
        format!(
            "file is neither UTF-8 nor Shift_JIS (byte 0x{:02X} cannot be decoded)",
            bytes[valid_up_to]
        ),
    )
    .help(RESAVE_HELP)
}

fn normalize_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Result<(String, Option<Diagnostic>), Diagnostic> {
        decode(bytes, Path::new("a.md"))
    }

    #[test]
    fn bom_is_stripped() {
        let (t, w) = dec("\u{feff}本文".as_bytes()).unwrap();
        assert_eq!(t, "本文");
        assert!(w.is_none());
    }

    #[test]
    fn shift_jis_is_decoded_with_a_warning() {
        let (bytes, _, _) = SHIFT_JIS.encode("令和３年度　研修会のご案内");
        let (t, w) = dec(&bytes).unwrap();
        assert_eq!(t, "令和３年度　研修会のご案内");
        assert!(w.unwrap().message.contains("Shift_JIS"));
    }

    #[test]
    fn garbage_is_refused_with_a_position() {
        let e = dec(b"ok\nab\xFF\xFF\xFF").unwrap_err();
        assert_eq!((e.location.line, e.location.column), (2, 3));
        assert!(e.help.unwrap().contains("UTF-8"));
    }

    #[test]
    fn crlf_becomes_lf() {
        assert_eq!(normalize_newlines("a\r\nb\rc"), "a\nb\nc");
    }
}
