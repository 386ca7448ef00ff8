//! The text rules of the site search, in one place: how text is normalised (NFKC, lower case,
//! katakana folded to hiragana) and cut into terms (overlapping character bigrams over runs of
//! kanji and kana, whole words for Latin letters and numbers). The index builder
//! (`site::search`) uses these functions; the tables are also written into the index for the
//! browser, which applies the same rules to the query (`themes/default/static/search.js`).

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Characters indexed as Japanese (kanji and kana): inclusive code point ranges. Besides the
/// kanji and kana blocks this holds 々 〆 〇 (U+3005–3007), the prolonged sound mark ー
/// (U+30FC) and the iteration marks ゝゞヽヾ, so that `ケアマネジャー` and `人々` stay one run.
pub const CJK_RANGES: &[(u32, u32)] = &[
    (0x3005, 0x3007),
    (0x3041, 0x3096),
    (0x309D, 0x309F),
    (0x30A1, 0x30FA),
    (0x30FC, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
];

/// Katakana folded onto hiragana: `(first, last, offset)`, each code point in the range moves
/// by `offset` (ア → あ, ヴ → ゔ, ヽ → ゝ).
pub const FOLD_RANGES: &[(u32, u32, i32)] = &[(0x30A1, 0x30F6, -0x60), (0x30FD, 0x30FE, -0x60)];

/// What a normalised character is to the tokenizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    /// Kanji or kana: runs become overlapping bigrams.
    Cjk,
    /// A letter or digit of another script: runs become words.
    Word,
    /// Spaces and punctuation: they separate terms.
    Other,
}

pub fn class(c: char) -> CharClass {
    let cp = c as u32;
    if cp < CJK_RANGES[0].0 {
        // Latin, digits, punctuation: no range to look at.
        return match c.is_alphabetic() || c.is_numeric() {
            true => CharClass::Word,
            false => CharClass::Other,
        };
    }
    if CJK_RANGES.iter().any(|&(a, b)| (a..=b).contains(&cp)) {
        CharClass::Cjk
    } else if c.is_alphabetic() || c.is_numeric() {
        CharClass::Word
    } else {
        CharClass::Other
    }
}

/// Folds one (already NFKC-normalised, lower-cased) character.
pub fn fold(c: char) -> char {
    let cp = c as u32;
    for &(a, b, off) in FOLD_RANGES {
        if (a..=b).contains(&cp) {
            return char::from_u32(cp.wrapping_add_signed(off)).unwrap_or(c);
        }
    }
    c
}

/// NFKC, lower case, katakana → hiragana: the form in which text is indexed and compared.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Line by line, so that one full-width digit does not send the whole body through NFKC (a
    // line feed never composes with its neighbours, so the result is the same).
    for line in text.split_inclusive('\n') {
        if line.is_ascii() {
            out.extend(line.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else if push_plain(line, &mut out) {
            // Only ASCII, kana, common kanji and Japanese punctuation: NFKC leaves them be.
        } else if is_nfkc_quick(line.chars()) == IsNormalized::Yes {
            push_folded(line.chars(), &mut out);
        } else {
            push_folded(line.nfkc(), &mut out);
        }
    }
    out
}

/// Characters that NFKC leaves alone, that never compose with their neighbours and that
/// have no lower case: hiragana, katakana (ヿ aside), ー, the common kanji, 、。〃々〆〇 and
/// the Japanese brackets 〈〉《》「」『』【】.
fn plain(c: char) -> bool {
    matches!(c as u32, 0x3001..=0x3003 | 0x3005..=0x3011 | 0x3041..=0x3096 | 0x30A1..=0x30FA
        | 0x30FC | 0x4E00..=0x9FFF)
}

/// Folds `line` into `out` when every character is ASCII or `plain`; else leaves `out` as it
/// was and returns false.
fn push_plain(line: &str, out: &mut String) -> bool {
    let start = out.len();
    for c in line.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if plain(c) {
            out.push(fold(c));
        } else {
            out.truncate(start);
            return false;
        }
    }
    true
}

/// Lower case and kana folding of already NFKC-normalised characters.
fn push_folded(chars: impl Iterator<Item = char>, out: &mut String) {
    for c in chars {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase().map(fold));
        }
    }
}

/// A kanji/kana term (one character or a bigram) as an integer: the first character's code
/// point above the second's (0 for a lone character). Keys sort as the terms do.
pub fn cjk_key(term: &str) -> Option<u64> {
    let mut chars = term.chars();
    let first = chars.next().filter(|&c| class(c) == CharClass::Cjk)?;
    let second = chars.next().map_or(0, u64::from);
    Some(u64::from(first) << 32 | second)
}

/// The term of a key made by `cjk_key`.
pub fn cjk_term(key: u64) -> String {
    let mut out = String::with_capacity(8);
    for cp in [key >> 32, key & 0xFFFF_FFFF] {
        if let Some(c) = char::from_u32(cp as u32).filter(|_| cp != 0) {
            out.push(c);
        }
    }
    out
}

/// The terms of a text, in order (repeats included): for every run of kanji and kana, its
/// overlapping bigrams and, for the run's last character, that character alone (so that a
/// one-character query finds every occurrence by prefix); for every run of letters and digits,
/// the word. `text` must be normalised.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_owned()));
    out
}

/// `terms` without allocating: `f` gets each term as a slice of `text`.
pub fn for_each_term<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    // The current run: (byte start, byte start of its last character, class).
    let mut run: Option<(usize, usize, CharClass)> = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        match run {
            Some((start, last, rk)) if rk == k => {
                if k == CharClass::Cjk {
                    f(&text[last..i + c.len_utf8()]);
                }
                run = Some((start, i, k));
            }
            _ => {
                end_run(text, run, i, &mut f);
                run = (k != CharClass::Other).then_some((i, i, k));
            }
        }
    }
    end_run(text, run, text.len(), &mut f);
}

/// The term a run gives at its end: its last kanji/kana alone, or the whole word.
fn end_run<'a>(
    text: &'a str,
    run: Option<(usize, usize, CharClass)>,
    end: usize,
    f: &mut impl FnMut(&'a str),
) {
    match run {
        Some((_, last, CharClass::Cjk)) => f(&text[last..end]),
        Some((start, _, CharClass::Word)) => f(&text[start..end]),
        _ => {}
    }
}

/// The tables above as a JavaScript object literal, for the query side in the browser.
pub fn rules_js() -> String {
    let cjk: Vec<String> = CJK_RANGES
        .iter()
        .map(|(a, b)| format!("[{a},{b}]"))
        .collect();
    let fold: Vec<String> = FOLD_RANGES
        .iter()
        .map(|(a, b, o)| format!("[{a},{b},{o}]"))
        .collect();
    format!(
        "{{\"cjk\":[{}],\"fold\":[{}]}}",
        cjk.join(","),
        fold.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_and_kana_variants_meet() {
        let a = normalize("ケアマネジャー");
        assert_eq!(a, "けあまねじゃー");
        assert_eq!(normalize("ｹｱﾏﾈｼﾞｬｰ"), a);
        assert_eq!(normalize("けあまねじゃー"), a);
        assert_eq!(normalize("ＡＣＰ　１２３"), "acp 123");
    }

    #[test]
    fn bigrams_and_words() {
        assert_eq!(
            terms(&normalize("認知症のACP、人々")),
            ["認知", "知症", "症の", "の", "acp", "人々", "々"]
        );
        assert_eq!(terms("区"), ["区"]);
    }

    #[test]
    fn fast_paths_agree_with_nfkc() {
        for text in [
            "ＡＣＰ１２\nｹｱﾏﾈ ケア Straße\nabc DEF\n",
            "人々ケアマネジャー\n",
            "İx",
            "「研修会」のお知らせ、ケアマネジャー１名。\nカ\u{3099}ヿ\u{2329}\n",
        ] {
            let slow: String = text.nfkc().flat_map(char::to_lowercase).map(fold).collect();
            assert_eq!(normalize(text), slow);
        }
        for t in ["区", "認知"] {
            assert_eq!(cjk_term(cjk_key(t).unwrap()), t);
        }
        assert!(cjk_key("区") < cjk_key("区a") && cjk_key("acp").is_none());
    }
}
