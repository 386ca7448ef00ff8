//! Unit tests of `linebreak`.

use super::*;
use crate::japanese::kinsoku::{cannot_end_line, cannot_start_line, is_japanese};

/// Paragraph from the seed report (令和２年度の取組み / 課題 / 令和３年度に取り組みたいこと).
const SEED: &str = "【令和２年度の取組み内容】・コロナ禍で活動が制限されることが多く、連携がしにくくなった反面、\
        ICTを利用し多職種研修会や会議を実施することができた・ICTを利用して研修会を実施したので、\
        今まで参加の少なかった職種（ヘルパー等）の参加が増えた・感染対策など、新型コロナウイルス感染症\
        関連の啓発を実施した【課題・困っていること】・新型コロナウイルス感染症のため面会や退院前カンファ\
        レンスができずに、退院するケースが増加しているため、対応に困ったケアマネジャーからの相談が増えて\
        いる・相談支援室への相談について、介護側からの相談と比較して、医療側からの相談が少ない・相談内容\
        が複雑化してきており、困難ケースが増加している【令和３年度に取り組みたいこと】・地域での連携が\
        スムーズにできる仕組みづくり、マニュアルづくり、ケアカフェの開催・入退院にかかわるルール\
        （エチケット）ブックの作成";

const SIZE: f32 = 10.5;

/// BIZ UDPGothic-like advances at 10.5 pt.
fn advance(c: char) -> f32 {
    match c {
        '、' | '。' | '，' | '．' => 6.3,
        '「' | '」' | '『' | '』' | '（' | '）' | '【' | '】' | '〔' | '〕' | '［' | '］'
        | '・' => 5.25,
        ' ' => 2.7,
        'i' | 'l' | 'j' | '.' | ',' | ':' | '/' | '-' => 3.2,
        'm' | 'w' | 'M' | 'W' | '@' => 8.4,
        c if c.is_ascii() => 6.0,
        _ => 10.5,
    }
}

fn cells(text: &str) -> Vec<Cell> {
    text.chars()
        .map(|ch| Cell::new(ch, advance(ch), SIZE))
        .collect()
}

fn fixed(w: f32) -> impl Fn(usize) -> f32 {
    move |_| w
}

fn text_of(cells: &[Cell], line: &Line) -> String {
    cells[line.start..line.end].iter().map(|c| c.ch).collect()
}

fn is_space(c: char) -> bool {
    kinsoku::class_of(c) == Class::Space
}

/// Invariants that hold for every input. `strict` adds kinsoku and justification checks for
/// sane input (finite widths, lines of several em).
fn check(
    cells: &[Cell],
    lines: &[Line],
    avail: &dyn Fn(usize) -> f32,
    opts: &Options,
    strict: bool,
) {
    let n = cells.len();
    if cells.iter().all(|c| is_space(c.ch)) {
        assert!(lines.is_empty(), "no lines for blank input");
        return;
    }
    assert!(!lines.is_empty());
    assert_eq!(
        lines[0].start, 0,
        "the first line keeps the paragraph start"
    );
    assert_eq!(lines.last().unwrap().next, n, "all cells consumed");
    for (j, line) in lines.iter().enumerate() {
        let ctx = format!(
            "line {j} {:?} of {:?}",
            text_of(cells, line),
            cells.iter().map(|c| c.ch).collect::<String>()
        );
        assert!(
            line.start < line.end && line.end <= line.next,
            "{ctx}: empty or disordered"
        );
        assert_eq!(line.x.len(), line.end - line.start, "{ctx}");
        assert!(
            !is_space(cells[line.end - 1].ch),
            "{ctx}: trailing space kept"
        );
        assert!(
            cells[line.end..line.next].iter().all(|c| is_space(c.ch)),
            "{ctx}: dropped non-space"
        );
        if j > 0 {
            assert_eq!(line.start, lines[j - 1].next, "{ctx}: not contiguous");
            assert!(
                !is_space(cells[line.start].ch),
                "{ctx}: leading space after a break"
            );
        }
        if j + 1 < lines.len() {
            assert!(line.next < n, "{ctx}");
        }
        let visible = cells[line.start..line.end]
            .iter()
            .filter(|c| !is_space(c.ch))
            .count();
        let a = avail(j);
        if a.is_nan() || a <= 0.0 {
            assert_eq!(visible, 1, "{ctx}: one cell per line for width {a}");
        }
        if !strict {
            continue;
        }
        // Geometry (only meaningful with the real widths).
        assert_eq!(line.x[0], 0.0, "{ctx}");
        for k in 1..line.x.len() {
            let prev = &cells[line.start + k - 1];
            let d = line.x[k] - line.x[k - 1] - prev.width;
            assert!(d > -0.01, "{ctx}: overlap at {k}");
            let cur = cells[line.start + k].ch;
            let western = |c: char| !is_space(c) && !is_japanese(c);
            if western(prev.ch) && western(cur) {
                assert!(
                    d.abs() < 1e-3,
                    "{ctx}: space inside a Western word at {k}: {d}"
                );
            }
        }
        let last_w = cells[line.end - 1].width;
        assert!(
            (line.x.last().unwrap() + last_w - line.width).abs() < 1e-3,
            "{ctx}: width"
        );
        assert!(
            visible == 1 || line.width <= a + 0.01,
            "{ctx}: overfull {} > {a}",
            line.width
        );
        if line.justified {
            assert!(
                (line.width - a).abs() < 0.01,
                "{ctx}: justified but not flush"
            );
        }
        let is_last = j + 1 == lines.len();
        let has_gap = (line.start + 1..line.end).any(|k| {
            let (p, c) = (cells[k - 1].ch, cells[k].ch);
            let letter = |c: char| is_japanese(c) && c.is_alphanumeric() && !is_fullwidth_alnum(c);
            (is_space(p) && !is_space(c) && k - 1 > line.start) || (letter(p) && letter(c))
        });
        if opts.justify && !is_last && has_gap {
            assert!(line.justified, "{ctx}: not justified");
        }
        if j + 1 < lines.len() {
            let next_first = cells[lines[j + 1].start].ch;
            let last_ch = cells[line.end - 1].ch;
            assert!(
                !cannot_start_line(next_first),
                "{ctx}: next line starts with {next_first}"
            );
            assert!(!cannot_end_line(last_ch), "{ctx}: ends with {last_ch}");
        }
    }
}

/// Natural x positions (with natural 和欧間) for `start..end`.
fn natural_x(cells: &[Cell], line: &Line) -> Vec<f32> {
    let mut x = Vec::new();
    let mut pos = 0.0f32;
    for k in line.start..line.end {
        if k > line.start {
            let (p, c) = (cells[k - 1].ch, cells[k].ch);
            let wa = |c: char| is_japanese(c) && c.is_alphanumeric();
            let we = |c: char| c.is_ascii_alphanumeric();
            if wa(p) && we(c) || we(p) && wa(c) {
                pos += 0.25 * SIZE;
            }
        }
        x.push(pos);
        pos += cells[k].width;
    }
    x
}

#[test]
fn seed_paragraph_at_several_widths() {
    let cs = cells(SEED);
    assert!(cs.len() > 380, "{}", cs.len());
    let opts = Options::default();
    for width in [200.0, 250.3, 300.0, 451.3] {
        let lines = break_lines(&cs, &fixed(width), &opts);
        check(&cs, &lines, &fixed(width), &opts, true);
        assert!(lines.len() > 1);
        let (last, body) = lines.split_last().unwrap();
        for line in body {
            assert!(line.justified);
            let right = line.x.last().unwrap() + cs[line.end - 1].width;
            assert!(
                (right - width).abs() < 0.01,
                "not flush at {width}: {right}"
            );
            // Greedy: at natural spacing the line is full up to what kinsoku pulls over
            // (at most ジャー-like chains of three here).
            let nat = natural_x(&cs, line);
            let natural = nat.last().unwrap() + cs[line.end - 1].width;
            let gaps = (1..nat.len())
                .filter(|&k| nat[k] - nat[k - 1] > cs[line.start + k - 1].width + 1e-3)
                .count();
            let minimum = natural - gaps as f32 * 0.125 * SIZE;
            assert!(minimum <= width + 1e-3, "overfull at {width}");
            assert!(
                natural > width - 3.0 * 10.5,
                "underfull at {width}: {natural}"
            );
        }
        assert!(!last.justified, "last line stretched at {width}");
        let nat = natural_x(&cs, last);
        for (a, b) in last.x.iter().zip(&nat) {
            assert!(
                (a - b).abs() < 1e-3,
                "last line not at natural spacing: {a} vs {b}"
            );
        }
        let joined: String = lines.iter().map(|l| text_of(&cs, l)).collect();
        assert_eq!(joined, SEED, "text changed at {width}");
    }
}

#[test]
fn greedy_fills_up_to_the_last_legal_break() {
    // 10 kanji of 10.5 pt = 105 pt; at 105 pt exactly ten fit, at 104.9 only nine.
    let cs = cells("一二三四五六七八九十一二三四五六七八九十");
    let lines = break_lines(&cs, &fixed(105.0), &Options::default());
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0].end, lines[1].start), (10, 10));
    assert!((lines[0].width - 105.0).abs() < 0.01);
    let lines = break_lines(&cs, &fixed(104.9), &Options::default());
    assert_eq!(lines[0].end, 9);
    // 。 may not start a line: the break moves before the last kanji instead.
    let cs = cells("一二三四五六七八九十。一二三");
    let lines = break_lines(&cs, &fixed(105.0), &Options::default());
    assert_eq!(text_of(&cs, &lines[0]), "一二三四五六七八九");
    assert_eq!(text_of(&cs, &lines[1]), "十。一二三");
    // 「 may not end a line.
    let cs = cells("一二三四五六七八九「十」");
    let lines = break_lines(&cs, &fixed(105.0), &Options::default());
    assert_eq!(text_of(&cs, &lines[0]), "一二三四五六七八九");
    check(&cs, &lines, &fixed(105.0), &Options::default(), true);
}

#[test]
fn curly_quotes_beside_japanese_may_break_outside() {
    // UAX #14 alone forbids both breaks around “; the table allows the one before it.
    let cs = cells("一二三四五“六七”八");
    let lines = break_lines(&cs, &fixed(55.0), &Options::default());
    assert_eq!(text_of(&cs, &lines[0]), "一二三四五");
    assert_eq!(text_of(&cs, &lines[1]), "“六七”八");
    // ...and after ”, but never after “ or before ”.
    let cs = cells("一二三“四五六”七八");
    let lines = break_lines(&cs, &fixed(85.0), &Options::default());
    assert_eq!(text_of(&cs, &lines[0]), "一二三“四五六”");
    let lines = break_lines(&cs, &fixed(80.0), &Options::default());
    assert_eq!(text_of(&cs, &lines[0]), "一二三“四五");
    let lines = break_lines(&cs, &fixed(42.0), &Options::default());
    assert_eq!(text_of(&cs, &lines[0]), "一二三");
    let lines = break_lines(&cs, &fixed(70.0), &Options::default());
    assert_eq!(text_of(&cs, &lines[0]), "一二三“四五");
}

#[test]
fn wave_dash_never_starts_a_line() {
    let text = "両日とも午後２時15分～４時15分に開催します。受付は午前９時30分〜正午です。";
    let cs = cells(text);
    let opts = Options::default();
    let mut width = 40.0;
    while width < 260.0 {
        let lines = break_lines(&cs, &fixed(width), &opts);
        check(&cs, &lines, &fixed(width), &opts, true);
        for line in &lines {
            assert!(
                !matches!(cs[line.start].ch, '～' | '〜'),
                "～ starts a line at {width}"
            );
        }
        width += 0.5;
    }
}

#[test]
fn tokens_are_not_split_when_they_fit() {
    let text = "お問い合わせは在宅医療・介護連携支援室（電話 06-0000-0000、メール zaitaku-renkei@example.jp）\
            まで。詳しくは https://www.example.jp/path?q=1 をご覧ください（www.example.jp/kenshu も可）。参加費は2,000円、開始は14:15、\
            定員の3.5倍の応募がありました。well-known words stay whole.";
    let cs = cells(text);
    let chars: Vec<char> = text.chars().collect();
    let tokens = [
        "https://www.example.jp/path?q=1",
        "www.example.jp/kenshu",
        "zaitaku-renkei@example.jp",
        "06-0000-0000",
        "2,000",
        "14:15",
        "3.5",
        "words",
    ];
    let ranges: Vec<(usize, usize, f32)> = tokens
        .iter()
        .map(|t| {
            let t: Vec<char> = t.chars().collect();
            let start = chars
                .windows(t.len())
                .position(|w| w == t.as_slice())
                .unwrap();
            let width = cs[start..start + t.len()].iter().map(|c| c.width).sum();
            (start, start + t.len(), width)
        })
        .collect();
    let opts = Options::default();
    let mut width = 60.0;
    while width < 480.0 {
        let lines = break_lines(&cs, &fixed(width), &opts);
        check(&cs, &lines, &fixed(width), &opts, true);
        for &(s, e, w) in &ranges {
            if w + 12.0 > width {
                continue; // a neighbouring 、 or ） may have to stay with it
            }
            for line in &lines[1..] {
                let token: String = chars[s..e].iter().collect();
                assert!(
                    !(s < line.start && line.start < e),
                    "{token} split at width {width}"
                );
            }
        }
        width += 1.7;
    }
}

#[test]
fn western_gap_between_japanese_and_latin() {
    let text = "令和3年度にICTを活用";
    let cs = cells(text);
    let opts = Options {
        justify: false,
        western_gap_em: 0.25,
    };
    let lines = break_lines(&cs, &fixed(500.0), &opts);
    assert_eq!(lines.len(), 1);
    let l = &lines[0];
    let gap = |k: usize| l.x[k] - l.x[k - 1] - cs[k - 1].width;
    assert!((gap(2) - 2.625).abs() < 1e-4, "和|3: {}", gap(2)); // 0.25 em of 10.5 pt
    assert!((gap(3) - 2.625).abs() < 1e-4, "3|年");
    assert!((gap(6) - 2.625).abs() < 1e-4, "に|I");
    assert!(gap(7).abs() < 1e-4, "I|C is inside a word");
    assert!((gap(9) - 2.625).abs() < 1e-4, "T|を");
    assert!(gap(1).abs() < 1e-4, "令|和 has no natural gap");
    // The larger size counts.
    let mut cs2 = cs.clone();
    cs2[2].size = 14.0;
    let l = &break_lines(&cs2, &fixed(500.0), &opts)[0];
    assert!((l.x[2] - l.x[1] - cs2[1].width - 3.5).abs() < 1e-4);
    // No gap next to brackets, punctuation, spaces or full-width digits.
    let cs = cells("第（3）回、「A」案 B、令和３年～4");
    let l = &break_lines(&cs, &fixed(500.0), &opts)[0];
    for k in 1..cs.len() {
        let d = l.x[k] - l.x[k - 1] - cs[k - 1].width;
        assert!(d.abs() < 1e-4, "unexpected gap before {:?}: {d}", cs[k].ch);
    }
}

#[test]
fn western_gap_shrinks_to_fit() {
    // Natural: 4 kanji + 3 Latin + 2 gaps of 2.625 = 42 + 18 + 5.25 = 65.25 pt; minimum
    // with gaps halved: 62.625 pt.
    let cs = cells("漢字ABC漢字");
    let opts = Options::default();
    let lines = break_lines(&cs, &fixed(63.0), &opts);
    assert_eq!(lines.len(), 1, "fits by shrinking the 和欧間");
    assert!((lines[0].width - 63.0).abs() < 0.01);
    assert!(lines[0].justified);
    let lines = break_lines(&cs, &fixed(62.0), &opts);
    assert_eq!(lines.len(), 2, "too narrow even for the minimum gap");
}

#[test]
fn spaces_are_dropped_at_breaks_and_stretched() {
    let text = "The quick brown fox jumps over the lazy dog and keeps running far away";
    let cs = cells(text);
    let opts = Options::default();
    for width in [40.0, 61.3, 90.0, 150.0] {
        let lines = break_lines(&cs, &fixed(width), &opts);
        check(&cs, &lines, &fixed(width), &opts, true);
        let words: Vec<String> = lines.iter().map(|l| text_of(&cs, l)).collect();
        assert_eq!(words.join(" "), text, "at {width}");
        for line in &lines[..lines.len() - 1] {
            if text_of(&cs, line).contains(' ') {
                assert!(line.justified && (line.width - width).abs() < 0.01);
            }
        }
    }
}

#[test]
fn long_token_is_split_at_characters() {
    let url = "https://www.example.jp/a/very/long/path/that/cannot/fit.html?x=1.2&y=3";
    let text = format!("詳細は{url}をご覧ください。");
    let cs = cells(&text);
    let opts = Options::default();
    for width in [60.0, 100.0, 133.3] {
        let lines = break_lines(&cs, &fixed(width), &opts);
        check(&cs, &lines, &fixed(width), &opts, true);
        let inside = lines
            .iter()
            .filter(|l| l.start > 3 && l.start < 3 + url.len())
            .count();
        assert!(inside >= 1, "the URL wider than {width} pt was not split");
        let joined: String = lines.iter().map(|l| text_of(&cs, l)).collect();
        assert_eq!(joined, text);
    }
    // A single word wider than the line.
    let cs = cells("Pneumonoultramicroscopicsilicovolcanoconiosis");
    let lines = break_lines(&cs, &fixed(50.0), &opts);
    assert!(lines.len() > 4);
    check(&cs, &lines, &fixed(50.0), &opts, true);
}

#[test]
fn mandatory_break_ends_an_unjustified_line() {
    let cs = cells("あいう\nえおかきくけこ");
    let lines = break_lines(&cs, &fixed(200.0), &Options::default());
    assert_eq!(lines.len(), 2);
    assert_eq!(text_of(&cs, &lines[0]), "あいう");
    assert!(!lines[0].justified);
    assert_eq!(lines[1].start, 4);
}

#[test]
fn degenerate_inputs() {
    let opts = Options::default();
    assert!(break_lines(&[], &fixed(100.0), &opts).is_empty());
    assert!(break_lines(&cells("   \u{3000} "), &fixed(100.0), &opts).is_empty());
    let cs = cells("あい う、ABC");
    for w in [0.0, -5.0, f32::NAN, f32::NEG_INFINITY] {
        let lines = break_lines(&cs, &fixed(w), &opts);
        assert_eq!(lines.len(), 7, "one visible cell per line at width {w}");
        check(&cs, &lines, &fixed(w), &opts, false);
    }
    let lines = break_lines(&cs, &fixed(f32::INFINITY), &opts);
    assert_eq!(lines.len(), 1);
    assert!(!lines[0].justified);
    // Indent kept on the first line; narrower first line.
    let cs = cells("\u{3000}一二三四五六七八九十一二三四五六七八九十");
    let avail = |i: usize| if i == 0 { 60.0 } else { 100.0 };
    let lines = break_lines(&cs, &avail, &opts);
    check(&cs, &lines, &avail, &opts, true);
    assert_eq!(lines[0].start, 0);
    assert_eq!(lines[0].end, 5, "indent + 4 kanji in 60 pt");
}

#[test]
fn glue_flags_steer_breaks_without_changing_characters() {
    let opts = Options::default();
    // A no-break run: nothing inside it, not even its space, may start a line.
    let mut cs = cells("配布先は北区 地域包括支援センターです");
    for c in &mut cs[5..17] {
        c.glue = Glue::Keep;
    }
    for width in [130.0, 150.0, 170.0, 200.0] {
        let lines = break_lines(&cs, &fixed(width), &opts);
        check(&cs, &lines, &fixed(width), &opts, false);
        for l in &lines[1..] {
            assert!(!(5..17).contains(&l.start), "run split at {width}");
        }
    }
    // Without the flags the same text breaks inside the run at these widths.
    let free = cells("配布先は北区 地域包括支援センターです");
    let lines = break_lines(&free, &fixed(130.0), &opts);
    assert!(lines[1..].iter().any(|l| (5..17).contains(&l.start)));
    // An attached number stays with the word before it and takes no 和欧間.
    let mut cs = cells("連携の手引き12をご覧ください");
    cs[6].glue = Glue::Attach;
    cs[7].glue = Glue::Attach;
    let lines = break_lines(
        &cs,
        &fixed(500.0),
        &Options {
            justify: false,
            ..opts
        },
    );
    let l = &lines[0];
    for k in 6..9 {
        assert!(
            (l.x[k] - l.x[k - 1] - cs[k - 1].width).abs() < 1e-4,
            "gap at {k}"
        );
    }
    for width in [60.0, 63.5, 70.0, 73.5] {
        let lines = break_lines(&cs, &fixed(width), &opts);
        assert!(
            lines.iter().all(|l| l.start != 6 && l.start != 7),
            "at {width}"
        );
    }
    // Justification stretches around the attached run, never inside it.
    let lines = break_lines(&cs, &fixed(80.0), &opts);
    let l = &lines[0];
    assert!(l.justified && l.end == 8, "{l:?}");
    assert!((l.x[7] - l.x[6] - cs[6].width).abs() < 1e-4);
}

#[test]
fn min_content_is_the_widest_unbreakable_piece() {
    let opts = Options::default();
    let w = |t: &str| t.chars().map(advance).sum::<f32>();
    let near = |a: f32, b: f32| (a - b).abs() < 1e-3;
    // Kanji break anywhere (but 。 stays with what precedes it).
    assert!(near(
        min_content_width(&cells("参加者。"), &opts),
        w("者。")
    ));
    // Full-width numbers with separators, URLs and e-mail addresses are whole.
    let t = "金額は１，２３４，５６７円";
    assert!(near(
        min_content_width(&cells(t), &opts),
        w("１，２３４，５６７")
    ));
    let t = "詳細は https://www.example.jp/kenshu/2021 を参照";
    assert!(near(
        min_content_width(&cells(t), &opts),
        w("https://www.example.jp/kenshu/2021")
    ));
    // A no-break space joins what is beside it.
    let t = "北区\u{a0}地域包括";
    assert!(near(min_content_width(&cells(t), &opts), w("区\u{a0}地")));
    // A kept run is one piece, its space included.
    let mut cs = cells("宛先 北区 役所");
    for c in &mut cs[4..] {
        c.glue = Glue::Keep;
    }
    assert!(near(min_content_width(&cs, &opts), w("北区 役所")));
    assert_eq!(min_content_width(&[], &opts), 0.0);
    assert_eq!(min_content_width(&cells("   "), &opts), 0.0);
}

/// Small deterministic generator (no dev-dependency needed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick(&mut self, s: &str) -> char {
        let v: Vec<char> = s.chars().collect();
        v[self.below(v.len())]
    }
}

#[test]
fn fuzz_invariants_on_realistic_text() {
    let tokens = [
        "https://www.example.jp/path?q=1",
        "zaitaku-renkei@example.jp",
        "06-0000-0000",
        "2,000",
        "14:15",
    ];
    let mut rng = Rng(0x0074_7375_7368_696e);
    for round in 0..300 {
        let mut text = String::new();
        let mut placed: Vec<(usize, usize)> = Vec::new();
        let len = rng.below(160);
        for _ in 0..len {
            let r = rng.below(100);
            let c = match r {
                0..40 => {
                    rng.pick("在宅医療介護連携推進事業相談支援室のをにはがあいうえおかアイウエオ")
                }
                40..55 => rng.pick("、。「」（）・ー々～？！…っャ『』"),
                55..70 => rng.pick("abcdefghijklmnopqrstuvwxyzABCXYZ"),
                70..78 => rng.pick("0123456789"),
                78..86 => ' ',
                86..90 => rng.pick(".,:/@-()"),
                90..94 => rng.pick("０１２３ＡＢ"),
                _ => {
                    let t = tokens[rng.below(tokens.len())];
                    text.push(' ');
                    let start = text.chars().count();
                    text.push_str(t);
                    placed.push((start, start + t.chars().count()));
                    ' '
                }
            };
            text.push(c);
        }
        let cs = cells(&text);
        let base = 84.0 + rng.below(400) as f32 + 0.37;
        let first = base - rng.below(40) as f32;
        let avail = move |i: usize| if i == 0 { first } else { base };
        let opts = Options {
            justify: round % 5 != 0,
            western_gap_em: 0.25,
        };
        let lines = break_lines(&cs, &avail, &opts);
        check(&cs, &lines, &avail, &opts, true);
        let joined: String = lines.iter().map(|l| text_of(&cs, l)).collect();
        let squeezed: String = text.trim_end().chars().collect();
        assert_eq!(
            joined.chars().filter(|c| !is_space(*c)).collect::<String>(),
            squeezed
                .chars()
                .filter(|c| !is_space(*c))
                .collect::<String>()
        );
        for &(s, e) in &placed {
            let w: f32 = cs[s..e].iter().map(|c| c.width).sum();
            if w + 40.0 <= first.min(base) {
                for line in &lines {
                    assert!(
                        !(s < line.start && line.start < e),
                        "token split in {text:?} at {base}"
                    );
                }
            }
        }
    }
}

#[test]
fn fuzz_never_panics_on_hostile_input() {
    let mut rng = Rng(42);
    let pool = "あ漢。、「」ーっ～aZ9 .,:@/-\u{3000}\n\r\t\u{a0}\u{200b}\u{200d}\u{3099}\u{fe0f}\u{2028}😀𠮷…—";
    let widths = [0.0, -1.0, 10.5, 3.0, f32::NAN, f32::INFINITY, 1e30, 1e-30];
    for _ in 0..500 {
        let len = rng.below(60);
        let cs: Vec<Cell> = (0..len)
            .map(|_| Cell {
                ch: rng.pick(pool),
                width: widths[rng.below(widths.len())],
                size: widths[rng.below(widths.len())],
                glue: [Glue::Free, Glue::Free, Glue::Keep, Glue::Attach][rng.below(4)],
            })
            .collect();
        let w = [0.0, -3.0, 1.0, 20.0, 200.0, f32::NAN, f32::INFINITY, 1e-9][rng.below(8)];
        let opts = Options {
            justify: rng.below(2) == 0,
            western_gap_em: [0.25, -1.0, f32::NAN][rng.below(3)],
        };
        let lines = break_lines(&cs, &fixed(w), &opts);
        check(&cs, &lines, &fixed(w), &opts, false);
        for line in &lines {
            assert!(line.x.iter().all(|x| !x.is_nan()) && !line.width.is_nan());
        }
    }
}
