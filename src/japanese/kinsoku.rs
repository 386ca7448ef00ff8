//! Japanese character classes and line-break prohibitions (禁則処理).
//!
//! The tables below are the reference: W3C "Requirements for Japanese Text Layout" (JLReq,
//! <https://www.w3.org/TR/jlreq/>, Appendix A, character classes cl-01 to cl-13) and
//! JIS X 4051:2004 §6.1 (行頭禁則 / 行末禁則). `linebreak` combines them with UAX #14.

// ---------------------------------------------------------------------------------------------
// Character class tables (JLReq Appendix A; JIS X 4051 uses the same classes).
// Each JLReq class is listed as given, plus the half-width (U+FF61..) forms where they exist.
// ---------------------------------------------------------------------------------------------

/// cl-01 始め括弧類 (opening brackets). 行末禁則: none of these may end a line.
pub const OPENING_BRACKETS: &str = "‘“(（〔[［{｛〈《「『【⦅｟〘〖«〝｢";

/// cl-02 終わり括弧類 (closing brackets). 行頭禁則.
pub const CLOSING_BRACKETS: &str = "’”)）〕]］}｝〉》」』】⦆｠〙〗»〟｣";

/// cl-03 ハイフン類 (hyphens). 行頭禁則.
///
/// Besides JLReq's 〜 (U+301C WAVE DASH) this includes ～ (U+FF5E FULLWIDTH TILDE): Windows
/// input methods and most Japanese office documents type the wave dash as U+FF5E, e.g. in time
/// ranges such as `午後２時15分～４時15分`. UAX #14 classes U+FF5E as ID (breakable before), so
/// without this entry a line could start with ～; JLReq treats the wave dash as a hyphen that
/// must not start a line, and so do we for both code points.
pub const HYPHENS: &str = "‐〜゠–～";

/// cl-04 区切り約物 (dividing punctuation marks). 行頭禁則.
pub const DIVIDING_PUNCTUATION: &str = "!！?？‼⁇⁈⁉";

/// cl-05 中点類 (middle dots, colons, semicolons). 行頭禁則.
pub const MIDDLE_DOTS: &str = "・:：;；･";

/// cl-06 句点類 (full stops). 行頭禁則.
pub const FULL_STOPS: &str = "。.．｡";

/// cl-07 読点類 (commas). 行頭禁則.
pub const COMMAS: &str = "、,，､";

/// cl-08 分離禁止文字 (inseparable characters): no break between two of the same kind (……, ——).
pub const INSEPARABLE: &str = "—―…‥〳〴〵";

/// cl-09 繰返し記号 (iteration marks). 行頭禁則.
pub const ITERATION_MARKS: &str = "々ゝゞヽヾ〻";

/// cl-10 長音記号 (prolonged sound mark). 行頭禁則.
pub const PROLONGED_SOUND_MARKS: &str = "ーｰ";

/// cl-11 小書きの仮名 (small kana). 行頭禁則.
pub const SMALL_KANA: &str = "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ\
                              ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｬｭｮｯ";

/// cl-12 前置省略記号 (prefixed abbreviations): never separated from the number that follows.
pub const PREFIXED_ABBREVIATIONS: &str = "¥￥$＄£￡#＃€№";

/// cl-13 後置省略記号 (postfixed abbreviations): never separated from the number before them.
pub const POSTFIXED_ABBREVIATIONS: &str =
    "°′″℃¢￠%％‰㏋ℓ㌃㌍㌔㌘㌢㌣㌦㌧㌫㌶㌻㍉㍊㍍㍑㍗㎎㎏㎜㎝㎞㎡㏄";

/// Line-start prohibition beyond the JLReq classes: the leaders … ‥ (cl-08). JIS X 4051 only
/// forbids splitting a pair of them, but UAX #14 (class IN) never breaks before them either and a
/// line that opens with a leader reads as a stray fragment, so they are kept with what precedes.
/// The dashes — ― of cl-08 may start a line (a pair is still never split).
const LEADERS: &str = "…‥";

// ---------------------------------------------------------------------------------------------

/// The simplified JLReq class used by spacing and justification.
///
/// Mapping from JLReq: cl-01 → `Opening`, cl-02 → `Closing`, cl-04 → `Dividing`,
/// cl-05 → `MiddleDot`, cl-06 → `FullStop`, cl-07 → `Comma`, cl-08 → `Inseparable`,
/// cl-09 → `Iteration`, cl-10 → `Prolonged`, cl-11 → `SmallKana`, cl-14 and other white space →
/// `Space`. cl-03 hyphens (‐ 〜 ゠ – ～) have no variant of their own and map to `Other`: they are
/// neither letters (no 和欧間 next to them) nor brackets; their line-start rule lives in
/// [`HYPHENS`]. Kanji, kana and the other full-width characters are `Ideographic`; letters and
/// digits of other scripts and the remaining ASCII punctuation are `Western`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    Opening,
    Closing,
    /// ？！
    Dividing,
    /// ・：；
    MiddleDot,
    /// 。．
    FullStop,
    /// 、，
    Comma,
    /// …‥——
    Inseparable,
    /// 々ゝゞヽヾ
    Iteration,
    /// ー
    Prolonged,
    SmallKana,
    /// Kanji, kana, full-width forms.
    Ideographic,
    /// Latin (and other non-CJK) letters, digits, ASCII punctuation.
    Western,
    Space,
    Other,
}

pub fn class_of(c: char) -> Class {
    // Most characters of a page: no table below holds them (a test says so).
    if is_plain_ideograph(c) {
        return Class::Ideographic;
    }
    if c.is_ascii_alphanumeric() {
        return Class::Western;
    }
    if is_space(c) {
        return Class::Space;
    }
    let tables: [(&str, Class); 11] = [
        (OPENING_BRACKETS, Class::Opening),
        (CLOSING_BRACKETS, Class::Closing),
        (HYPHENS, Class::Other),
        (DIVIDING_PUNCTUATION, Class::Dividing),
        (MIDDLE_DOTS, Class::MiddleDot),
        (FULL_STOPS, Class::FullStop),
        (COMMAS, Class::Comma),
        (INSEPARABLE, Class::Inseparable),
        (ITERATION_MARKS, Class::Iteration),
        (PROLONGED_SOUND_MARKS, Class::Prolonged),
        (SMALL_KANA, Class::SmallKana),
    ];
    if let Some(&(_, class)) = tables.iter().find(|(t, _)| t.contains(c)) {
        return class;
    }
    if is_japanese(c) {
        Class::Ideographic
    } else if c.is_alphanumeric() || c.is_ascii_punctuation() {
        Class::Western
    } else {
        Class::Other
    }
}

/// 行頭禁則 (JIS X 4051 §6.1.1, JLReq 3.1.7): cl-02, cl-03 (incl. ～), cl-04, cl-05, cl-06, cl-07,
/// cl-09, cl-10, cl-11, and the leaders … ‥.
pub fn cannot_start_line(c: char) -> bool {
    if is_plain_ideograph(c) || c.is_ascii_alphanumeric() {
        return false;
    }
    [
        CLOSING_BRACKETS,
        HYPHENS,
        DIVIDING_PUNCTUATION,
        MIDDLE_DOTS,
        FULL_STOPS,
        COMMAS,
        ITERATION_MARKS,
        PROLONGED_SOUND_MARKS,
        SMALL_KANA,
        LEADERS,
    ]
    .iter()
    .any(|t| t.contains(c))
}

/// A CJK unified ideograph of the basic block (U+4E00..U+9FFF), the bulk of Japanese text.
fn is_plain_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// 行末禁則 (JIS X 4051 §6.1.2, JLReq 3.1.7): cl-01 opening brackets.
pub fn cannot_end_line(c: char) -> bool {
    OPENING_BRACKETS.contains(c)
}

/// Kanji, kana, CJK punctuation and symbols, full-width and half-width forms.
pub fn is_japanese(c: char) -> bool {
    matches!(u32::from(c),
        0x2E80..=0x2FDF      // CJK and Kangxi radicals (⽇, left by copying from PDFs)
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // hiragana, katakana
        | 0x3190..=0x31FF    // kanbun, CJK strokes, katakana phonetic extensions
        | 0x3200..=0x33FF    // enclosed CJK letters, CJK compatibility (㈱ ㍉)
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs (﨑)
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF01..=0xFF9F    // full-width forms, half-width katakana
        | 0xFFE0..=0xFFE6    // full-width signs (￥)
        | 0x20000..=0x3FFFF  // CJK extensions B and later (𠮷)
        | 0x2460..=0x24FF    // enclosed alphanumerics (①), full-width in Japanese fonts
        | 0x203B // ※
    )
}

/// Prefix sign that stays with the following number (cl-12).
pub fn is_prefixed_abbreviation(c: char) -> bool {
    PREFIXED_ABBREVIATIONS.contains(c)
}

/// Unit or sign that stays with the preceding number (cl-13).
pub fn is_postfixed_abbreviation(c: char) -> bool {
    POSTFIXED_ABBREVIATIONS.contains(c)
}

/// White space that may be dropped at a line break. No-break spaces are content.
fn is_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_paths_skip_no_table() {
        let tables = [
            OPENING_BRACKETS,
            CLOSING_BRACKETS,
            HYPHENS,
            DIVIDING_PUNCTUATION,
            MIDDLE_DOTS,
            FULL_STOPS,
            COMMAS,
            INSEPARABLE,
            ITERATION_MARKS,
            PROLONGED_SOUND_MARKS,
            SMALL_KANA,
            LEADERS,
        ];
        for c in tables.iter().flat_map(|t| t.chars()) {
            assert!(!is_plain_ideograph(c) && !c.is_ascii_alphanumeric(), "{c}");
        }
        assert!(is_japanese('漢') && is_plain_ideograph('漢'));
    }

    #[test]
    fn classes_follow_jlreq() {
        assert_eq!(class_of('「'), Class::Opening);
        assert_eq!(class_of('（'), Class::Opening);
        assert_eq!(class_of('('), Class::Opening);
        assert_eq!(class_of('」'), Class::Closing);
        assert_eq!(class_of('”'), Class::Closing);
        assert_eq!(class_of('？'), Class::Dividing);
        assert_eq!(class_of('・'), Class::MiddleDot);
        assert_eq!(class_of('：'), Class::MiddleDot);
        assert_eq!(class_of('。'), Class::FullStop);
        assert_eq!(class_of('、'), Class::Comma);
        assert_eq!(class_of('…'), Class::Inseparable);
        assert_eq!(class_of('々'), Class::Iteration);
        assert_eq!(class_of('ー'), Class::Prolonged);
        assert_eq!(class_of('ッ'), Class::SmallKana);
        assert_eq!(class_of('ㇿ'), Class::SmallKana);
        assert_eq!(class_of('漢'), Class::Ideographic);
        assert_eq!(class_of('か'), Class::Ideographic);
        assert_eq!(class_of('３'), Class::Ideographic);
        assert_eq!(class_of('𠮷'), Class::Ideographic);
        assert_eq!(class_of('A'), Class::Western);
        assert_eq!(class_of('7'), Class::Western);
        assert_eq!(class_of('é'), Class::Western);
        assert_eq!(class_of('@'), Class::Western);
        assert_eq!(class_of(' '), Class::Space);
        assert_eq!(class_of('\u{3000}'), Class::Space);
        assert_eq!(class_of('～'), Class::Other);
        assert_eq!(class_of('➡'), Class::Other);
        assert_eq!(class_of('\u{a0}'), Class::Other);
    }

    #[test]
    fn line_start_prohibitions() {
        for c in
            "」』）】〕〉》］｝〙〗”’、。，．・：；！？‼⁇ゝゞ々ーぁっゃゅょァッャュョヵヶㇰㇿ～〜…‥"
                .chars()
        {
            assert!(cannot_start_line(c), "{c} must not start a line");
            assert!(!cannot_end_line(c), "{c} may end a line");
        }
        for c in "あ漢ア「（Ａ1a①※—".chars() {
            assert!(!cannot_start_line(c), "{c} may start a line");
        }
    }

    #[test]
    fn line_end_prohibitions() {
        for c in "「『（【〔〈《［｛〘〖“‘".chars() {
            assert!(cannot_end_line(c), "{c} must not end a line");
            assert!(!cannot_start_line(c), "{c} may start a line");
        }
        for c in "あ漢」）。、a1".chars() {
            assert!(!cannot_end_line(c), "{c} may end a line");
        }
    }

    #[test]
    fn japanese_ranges() {
        for c in "あアｱ漢𠮷﨑、「３Ａ～①※㈱".chars() {
            assert!(is_japanese(c), "{c}");
        }
        for c in "aZ09.,@/-é“…".chars() {
            assert!(!is_japanese(c), "{c}");
        }
    }

    #[test]
    fn abbreviations() {
        assert!(is_postfixed_abbreviation('％'));
        assert!(is_postfixed_abbreviation('%'));
        assert!(is_postfixed_abbreviation('℃'));
        assert!(is_prefixed_abbreviation('￥'));
        assert!(!is_prefixed_abbreviation('円'));
    }
}
