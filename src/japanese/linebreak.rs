//! Line breaking for Japanese text mixed with Western words: break opportunities (UAX #14 via
//! unicode-linebreak, tightened by the kinsoku tables, kept out of URLs and no-break runs),
//! 和欧間 spacing, greedy filling and justification. Widths are in points; the caller shapes and
//! measures, this module only places.
//!
//! The break opportunities are decided in one place (`Prepared::new`) and serve both the
//! paragraph breaker ([`break_lines`]) and the min-content width of a table column
//! ([`min_content_width`]). A caller steers them with a cell's [`Glue`], never by changing
//! its character.

use unicode_linebreak::{BreakClass, BreakOpportunity, break_property, linebreaks};

use super::kinsoku::{self, Class};

/// One character with its natural advance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub ch: char,
    /// Natural advance, pt.
    pub width: f32,
    /// Font size, pt, for em-based spacing.
    pub size: f32,
    /// How the cell holds to the one before it, beyond what its character says.
    pub glue: Glue,
}

impl Cell {
    /// A cell that breaks and spaces as its character says.
    pub fn new(ch: char, width: f32, size: f32) -> Cell {
        Cell {
            ch,
            width,
            size,
            glue: Glue::Free,
        }
    }
}

/// A penalty on the break before a cell, set by the caller (the flag a line breaker's items
/// carry, as TeX's penalties): the character itself is never changed to steer the breaker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Glue {
    /// The character's own rules: UAX #14, kinsoku, URLs.
    #[default]
    Free,
    /// No break before this cell: it continues a no-break run (a ward name, a recipient, the
    /// HTML's `nowrap`), spaces inside the run included.
    Keep,
    /// Attached to what precedes it like a closing bracket: no break before it, no 和欧間 on
    /// either side of it and no justification space inside a run of attached cells (a raised
    /// footnote number).
    Attach,
}

/// One line of a paragraph.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// `cells[start..end]` are on this line (trailing spaces excluded from `end`).
    pub start: usize,
    pub end: usize,
    /// Where the next line starts (after skipped spaces); `cells.len()` after the last line.
    pub next: usize,
    /// x of each cell of `start..end` relative to the line start, after spacing and justification.
    pub x: Vec<f32>,
    /// Used width: `x.last() + width of the last cell`.
    pub width: f32,
    /// Spacing was adjusted so that the line ends exactly at the available width (stretched for
    /// justification, or 和欧間 shrunk to make the line fit).
    pub justified: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Justify every line but the last one of the paragraph.
    pub justify: bool,
    /// 和欧間 between Japanese and Western letters/digits, in em of the larger size (0.25).
    pub western_gap_em: f32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            justify: true,
            western_gap_em: 0.25,
        }
    }
}

/// Slack for rounding when testing whether a line fits, pt.
const FIT_EPS: f64 = 1e-3;

/// Breaks `cells` (one paragraph) into lines. `available(i)` is the width of line i (the first
/// line may be indented or beside a bullet).
///
/// Leading spaces of the paragraph are kept (a U+3000 indent); spaces at a break are dropped.
/// A mandatory break (U+000A, U+2028, …, which are treated as spaces) ends a line like the end
/// of the paragraph: that line is not justified. Empty or all-space input gives no lines; a zero,
/// negative or NaN width puts one visible cell on each line; an infinite width disables
/// justification.
pub fn break_lines(cells: &[Cell], available: &dyn Fn(usize) -> f32, opts: &Options) -> Vec<Line> {
    let prep = Prepared::new(cells, opts);
    let n = cells.len();
    let mut lines = Vec::new();
    if prep.space.iter().all(|&s| s) {
        return lines;
    }
    let mut s = 0;
    while s < n {
        let avail = f64::from(available(lines.len()));
        let avail = if avail.is_nan() { 0.0 } else { avail };
        let (e, hard_end) = prep.line_end(s, avail);
        let mut end = e;
        while end > s && prep.space[end - 1] {
            end -= 1;
        }
        let mut next = e;
        while next < n && prep.space[next] {
            next += 1;
        }
        let last = next >= n || hard_end;
        lines.push(prep.place(s, end, next, avail, last, opts));
        s = next;
    }
    lines
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Break {
    No,
    Allowed,
    Mandatory,
}

struct Prepared {
    chars: Vec<char>,
    glue: Vec<Glue>,
    width: Vec<f64>,
    space: Vec<bool>,
    /// `brk[i]`: may a line end before cell `i` (after skipping the spaces before it)?
    brk: Vec<Break>,
    /// Natural 和欧間 before cell `i`.
    gap: Vec<f64>,
    /// The boundary before cell `i` takes justification space (both cells on the same line).
    stretch: Vec<bool>,
}

impl Prepared {
    fn new(cells: &[Cell], opts: &Options) -> Prepared {
        let n = cells.len();
        let chars: Vec<char> = cells.iter().map(|c| c.ch).collect();
        let glue: Vec<Glue> = cells.iter().map(|c| c.glue).collect();
        let width: Vec<f64> = cells.iter().map(|c| sane(c.width)).collect();
        let space: Vec<bool> = chars
            .iter()
            .map(|&c| kinsoku::class_of(c) == Class::Space)
            .collect();
        let em = sane(opts.western_gap_em);
        let mut gap = vec![0.0; n + 1];
        let mut stretch = vec![false; n + 1];
        for i in 1..n {
            let (a, b) = (chars[i - 1], chars[i]);
            let attached = (glue[i - 1] == Glue::Attach, glue[i] == Glue::Attach);
            if (is_wa_letter(a) && is_western_alnum(b) || is_western_alnum(a) && is_wa_letter(b))
                && !hard_glued(&chars, i)
                && attached == (false, false)
            {
                gap[i] = em * sane(cells[i - 1].size).max(sane(cells[i].size));
            }
            stretch[i] = if space[i] {
                false
            } else if space[i - 1] {
                true // one stretch per inter-word space run, counted at its end
            } else {
                match attached {
                    (true, true) => false,
                    // Spaces like the closing bracket it stands beside.
                    (true, false) | (false, true) => !hard_glued(&chars, i),
                    (false, false) => {
                        gap[i] > 0.0
                            || (!glued(&chars, i)
                                && (kinsoku::is_japanese(a) || kinsoku::is_japanese(b)))
                    }
                }
            };
        }
        let brk = opportunities(&chars, &glue, &space);
        Prepared {
            chars,
            glue,
            width,
            space,
            brk,
            gap,
            stretch,
        }
    }

    /// Greedy: the last legal break before the line overflows. Returns the break index and
    /// whether it is mandatory.
    fn line_end(&self, s: usize, avail: f64) -> (usize, bool) {
        let n = self.chars.len();
        let first_visible = (s..n).find(|&i| !self.space[i]).unwrap_or(n - 1);
        if avail <= 0.0 {
            return (first_visible + 1, false);
        }
        let limit = avail + FIT_EPS;
        let mut acc = 0.0;
        let mut best = None;
        let mut k = s;
        while k < n {
            if k > first_visible {
                match self.brk[k] {
                    Break::Mandatory => return (k, true),
                    Break::Allowed => best = Some(k),
                    Break::No => {}
                }
                // Fitting counts the 和欧間 at its minimum (half): it may shrink.
                acc += self.gap[k] * 0.5;
            }
            acc += self.width[k];
            if !self.space[k] && acc > limit {
                break;
            }
            k += 1;
        }
        if k == n {
            return (n, false);
        }
        match best {
            Some(b) => (b, false),
            None => (self.forced_end(first_visible, k), false),
        }
    }

    /// The text up to the overflowing cell `over` has no legal break: split the token at a
    /// character boundary, avoiding kinsoku violations and split clusters when possible.
    fn forced_end(&self, first_visible: usize, over: usize) -> usize {
        let lo = first_visible + 1;
        if over < lo {
            return lo;
        }
        let clean = |e: usize| {
            let a = (0..e).rev().find(|&i| !self.space[i]);
            let b = (e..self.chars.len()).find(|&i| !self.space[i]);
            match (a, b) {
                (Some(a), Some(b)) => {
                    let violation = kinsoku::cannot_end_line(self.chars[a])
                        || kinsoku::cannot_start_line(self.chars[b])
                        || self.glue[b] != Glue::Free
                        || (a + 1 == b && glued(&self.chars, b));
                    !violation
                }
                _ => true,
            }
        };
        (lo..=over)
            .rev()
            .find(|&e| clean(e))
            .or_else(|| {
                (lo..=over)
                    .rev()
                    .find(|&e| self.space[e] || !hard_glued(&self.chars, e))
            })
            .unwrap_or(over)
    }

    /// Positions `start..end` with 和欧間, then shrinks or stretches to `avail` as allowed.
    fn place(
        &self,
        start: usize,
        end: usize,
        next: usize,
        avail: f64,
        last: bool,
        opts: &Options,
    ) -> Line {
        let first_visible = (start..end).find(|&i| !self.space[i]).unwrap_or(start);
        let mut extra = vec![0.0; end - start];
        let mut natural = self.width[start];
        let mut shrinkable = 0.0;
        let mut stretches = 0usize;
        for k in start + 1..end {
            extra[k - start] = self.gap[k];
            natural += self.gap[k] + self.width[k];
            shrinkable += self.gap[k] * 0.5;
            if k > first_visible && self.stretch[k] {
                stretches += 1;
            }
        }

        let mut justified = false;
        let mut excess = natural - avail;
        if excess > 0.0 && shrinkable > 0.0 && avail > 0.0 {
            let r = (excess / shrinkable).min(1.0);
            for k in start + 1..end {
                extra[k - start] -= r * self.gap[k] * 0.5;
            }
            excess -= r * shrinkable;
            justified = true;
        }
        if opts.justify && !last && avail > 0.0 && avail.is_finite() && stretches > 0 {
            let per = -excess / stretches as f64;
            for k in start + 1..end {
                if k > first_visible && self.stretch[k] {
                    extra[k - start] += per;
                }
            }
            justified = true;
        }

        let mut x = Vec::with_capacity(end - start);
        let mut pos = 0.0f64;
        for k in start..end {
            pos += extra[k - start];
            x.push(pos as f32);
            pos += self.width[k];
        }
        Line {
            start,
            end,
            next,
            x,
            width: pos as f32,
            justified,
        }
    }
}

/// The one place that decides where a line may end: `[i]` is the break before cell `i`, set on
/// visible cells only (a break at a run of spaces is recorded at the cell after it). UAX #14,
/// tightened by kinsoku, closed inside URLs and e-mail addresses, between joined and glued
/// characters and before a cell the caller glued ([`Glue`]).
fn opportunities(chars: &[char], glue: &[Glue], space: &[bool]) -> Vec<Break> {
    let n = chars.len();
    let uax = uax14(chars);
    let in_url = url_interiors(chars, glue, space);
    let mut brk = vec![Break::No; n + 1];
    let mut last_visible: Option<usize> = None;
    let mut pending_hard = false;
    for i in 0..n {
        pending_hard |= uax[i] == Break::Mandatory;
        if space[i] {
            continue;
        }
        if let Some(a) = last_visible {
            brk[i] = if pending_hard {
                Break::Mandatory
            } else if glue[i] != Glue::Free {
                Break::No
            } else if glue[a] == Glue::Attach {
                after_attached(chars, a, i)
            } else {
                decide(chars, a, i, uax[i], in_url[i])
            };
        }
        pending_hard = false;
        last_visible = Some(i);
    }
    brk
}

/// After an attached cell a line may end as after a closing bracket: unless kinsoku or a
/// joiner forbids it.
fn after_attached(chars: &[char], a: usize, b: usize) -> Break {
    if kinsoku::cannot_start_line(chars[b]) || (a + 1 == b && hard_glued(chars, b)) {
        Break::No
    } else {
        Break::Allowed
    }
}

/// The min-content width of one paragraph: its widest stretch between two break opportunities
/// (the break opportunities of [`break_lines`]), 和欧間 counted at its minimum and the spaces
/// at a break left out. A table column this wide sets every word, URL and no-break run whole.
pub fn min_content_width(cells: &[Cell], opts: &Options) -> f32 {
    let prep = Prepared::new(cells, opts);
    let mut widest = 0.0f64;
    let mut piece = 0.0f64;
    let mut spaces = 0.0f64;
    let mut started = false;
    for i in 0..cells.len() {
        if prep.space[i] {
            spaces += prep.width[i];
            continue;
        }
        if !started || prep.brk[i] != Break::No {
            widest = widest.max(piece);
            piece = 0.0;
        } else {
            piece += spaces + prep.gap[i] * 0.5;
        }
        spaces = 0.0;
        started = true;
        piece += prep.width[i];
    }
    widest.max(piece) as f32
}

/// Break decision between the visible cells `a` and `b` (`a < b`, only spaces between them).
fn decide(chars: &[char], a: usize, b: usize, uax: Break, in_url: bool) -> Break {
    let (ca, cb) = (chars[a], chars[b]);
    let adjacent = a + 1 == b;
    // The kinsoku table wins over UAX #14 (it closes gaps such as ～ at a line start).
    if kinsoku::cannot_end_line(ca) || kinsoku::cannot_start_line(cb) {
        return Break::No;
    }
    if in_url || (adjacent && glued(chars, b)) {
        return Break::No;
    }
    // UAX #14 (Unicode 15.0) never breaks next to “ ” ‘ ’ (class QU); beside Japanese text the
    // table alone decides, as in JLReq.
    let quote_beside_japanese = adjacent
        && (kinsoku::is_japanese(ca) && is_curly_quote(cb)
            || is_curly_quote(ca) && kinsoku::is_japanese(cb));
    if uax != Break::No || quote_beside_japanese {
        Break::Allowed
    } else {
        Break::No
    }
}

/// No break and no justification space between `chars[i - 1]` and `chars[i]`.
fn glued(chars: &[char], i: usize) -> bool {
    let (a, b) = (chars[i - 1], chars[i]);
    hard_glued(chars, i)
        // 分離禁止: …… and ——
        || (a == b && kinsoku::class_of(a) == Class::Inseparable)
        // full-width words and numbers: ＩＣＴ, ２０２１
        || (is_fullwidth_alnum(a) && is_fullwidth_alnum(b))
        // numbers with separators (UAX #14 covers the half-width ones): ２，０００ ３．５
        || (is_digit(b)
            && matches!(a, '，' | '．' | '：' | ',' | '.' | ':')
            && i >= 2
            && is_digit(chars[i - 2]))
        // cl-12 / cl-13 signs stay with their number: ￥１００ ４８％
        || (is_digit(b) && kinsoku::is_prefixed_abbreviation(a))
        || (is_digit(a) && kinsoku::is_postfixed_abbreviation(b))
}

/// Never split: combining marks (゙ ゚, variation selectors), joiners, no-break glue.
fn hard_glued(chars: &[char], i: usize) -> bool {
    use BreakClass::{CombiningMark, NonBreakingGlue, WordJoiner, ZeroWidthJoiner};
    let (a, b) = (chars[i - 1], chars[i]);
    matches!(
        break_property(u32::from(b)),
        CombiningMark | ZeroWidthJoiner | WordJoiner | NonBreakingGlue
    ) || matches!(
        break_property(u32::from(a)),
        ZeroWidthJoiner | WordJoiner | NonBreakingGlue
    )
}

/// UAX #14 opportunities indexed by cell: `[i]` is the break before cell `i`.
fn uax14(chars: &[char]) -> Vec<Break> {
    let text: String = chars.iter().collect();
    let mut cell_at = vec![usize::MAX; text.len() + 1];
    for (cell, (byte, _)) in text.char_indices().enumerate() {
        cell_at[byte] = cell;
    }
    cell_at[text.len()] = chars.len();
    let mut out = vec![Break::No; chars.len() + 1];
    for (byte, op) in linebreaks(&text) {
        if let Some(&cell) = cell_at.get(byte).filter(|&&c| c != usize::MAX) {
            out[cell] = match op {
                BreakOpportunity::Mandatory => Break::Mandatory,
                BreakOpportunity::Allowed => Break::Allowed,
            };
        }
    }
    out
}

/// `[i]` is true inside a URL or e-mail address (between two of its characters). A token is a
/// run of non-space, non-Japanese characters (an attached cell ends it).
fn url_interiors(chars: &[char], glue: &[Glue], space: &[bool]) -> Vec<bool> {
    let mut out = vec![false; chars.len() + 1];
    let mut i = 0;
    while i < chars.len() {
        let in_token =
            |k: usize| !space[k] && !kinsoku::is_japanese(chars[k]) && glue[k] != Glue::Attach;
        if !in_token(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && in_token(i) {
            i += 1;
        }
        if is_url_like(&chars[start..i]) {
            out[start + 1..i].iter_mut().for_each(|b| *b = true);
        }
    }
    out
}

fn is_url_like(token: &[char]) -> bool {
    let t: String = token.iter().collect::<String>().to_lowercase();
    // Ignore opening punctuation such as `(` or `<` before the address.
    let t = t.trim_start_matches(|c: char| !c.is_alphanumeric());
    if t.contains("://") || t.starts_with("www.") || t.starts_with("mailto:") {
        return true;
    }
    match t.find('@') {
        Some(at) => at > 0 && t[at + 1..].trim_end_matches('.').contains('.'),
        None => false,
    }
}

/// Japanese side of a 和欧間: kanji, kana, full-width letters and digits (not punctuation).
fn is_wa_letter(c: char) -> bool {
    match kinsoku::class_of(c) {
        Class::Iteration | Class::Prolonged | Class::SmallKana => true,
        Class::Ideographic => c.is_alphanumeric(),
        _ => false,
    }
}

fn is_western_alnum(c: char) -> bool {
    kinsoku::class_of(c) == Class::Western && c.is_alphanumeric()
}

fn is_fullwidth_alnum(c: char) -> bool {
    matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '０'..='９')
}

fn is_curly_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '«' | '»')
}

/// Non-negative and finite, else 0.
fn sane(v: f32) -> f64 {
    if v.is_finite() && v > 0.0 {
        f64::from(v)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests;
