//! Unit tests of `survey`.

use super::*;
use std::time::{Duration, Instant};

const SEED: &str = "question: 今後の業務に活用できるか\ngroup: 区職員\nanswers:\n  活かせる: 12\n  やや活かせる: 12\n  あまり活かせない: 0\n  活かせない: 0\n  未回答: 1\n";

fn ok(yaml: &str) -> Survey {
    parse(yaml, Path::new("news.md"), 10).unwrap_or_else(|d| panic!("{d:#?}"))
}

/// The single error of `yaml` placed at line 10 of news.md: (line, column, message).
fn err(yaml: &str) -> (usize, usize, String) {
    let diags = parse(yaml, Path::new("news.md"), 10).expect_err("should fail");
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert!(d.is_error());
    assert_eq!(d.location.file, Path::new("news.md"));
    assert!(d.help.is_some(), "{d}");
    (d.location.line, d.location.column, d.message.clone())
}

#[test]
fn parses_the_seed_example() {
    let s = ok(SEED);
    assert_eq!(s.question, "今後の業務に活用できるか");
    assert_eq!(s.group.as_deref(), Some("区職員"));
    assert_eq!(s.unit, "名");
    assert_eq!(s.total, 25);
    let got: Vec<_> = s
        .answers
        .iter()
        .map(|a| (a.label.as_str(), a.count, a.percent))
        .collect();
    assert_eq!(
        got,
        vec![
            ("活かせる", 12, 48),
            ("やや活かせる", 12, 48),
            ("あまり活かせない", 0, 0),
            ("活かせない", 0, 0),
            ("未回答", 1, 4),
        ]
    );
    assert_eq!(s.answers[0].figure(&s.unit), "12名（48%）");
}

#[test]
fn percentages_match_the_seed_handout() {
    let cases: [(&[u64], &[u32]); 7] = [
        (&[13, 13, 1, 0], &[48, 48, 4, 0]),
        (&[15, 11, 0, 0], &[58, 42, 0, 0]),
        (&[9, 15, 2, 0], &[34, 58, 8, 0]),
        (&[18, 8, 1, 0], &[67, 29, 4, 0]),
        (&[12, 12, 0, 0, 1], &[48, 48, 0, 0, 4]),
        (&[14, 9, 0, 0, 2], &[56, 36, 0, 0, 8]),
        (&[6, 1, 0, 0], &[86, 14, 0, 0]),
    ];
    for (counts, want) in cases {
        assert_eq!(percentages(counts), want, "{counts:?}");
    }
}

#[test]
fn percentages_always_sum_to_100_and_break_ties_in_written_order() {
    assert_eq!(percentages(&[1, 1, 1]), vec![34, 33, 33]);
    assert_eq!(
        percentages(&[1, 1, 1, 1, 1, 1]),
        vec![17, 17, 17, 17, 16, 16]
    );
    assert_eq!(percentages(&[0, 5]), vec![0, 100]);
    assert_eq!(percentages(&[u64::MAX, u64::MAX]), vec![50, 50]);
    assert_eq!(percentages(&[]), Vec::<u32>::new());
    assert_eq!(percentages(&[0, 0]), vec![0, 0]);
    for n in 1..=40u64 {
        let counts: Vec<u64> = (0..n).map(|i| (i * 7919) % 13).collect();
        if counts.iter().sum::<u64>() > 0 {
            assert_eq!(percentages(&counts).iter().sum::<u32>(), 100, "{counts:?}");
        }
    }
}

#[test]
fn optional_keys_and_other_spellings() {
    let s = ok(
        "question: 顔の見える関係づくりができたか\nunit: 人\nanswers:\n  - そう思う: \"18\"\n  - ややそう思う: ８\n  - yes: 1\n  - 1.50: 0\n",
    );
    assert_eq!(s.group, None);
    assert_eq!(s.unit, "人");
    let labels: Vec<_> = s.answers.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["そう思う", "ややそう思う", "yes", "1.50"]);
    assert_eq!(s.total, 27);
    assert_eq!(ok("question: q\nunit: \"\"\nanswers: {a: 1}\n").unit, "");
    assert_eq!(ok("question: q\nunit:\nanswers: {a: 1}\n").unit, "名");
}

#[test]
fn malformed_yaml_is_located_in_the_file() {
    let (line, _, msg) = err("question: q\nanswers:\n  a: [1\n");
    assert!((12..=13).contains(&line), "{line}");
    assert!(msg.starts_with("invalid YAML"), "{msg}");
    assert!(!msg.contains(" at line "), "{msg}");
    let (line, col, _) = err("question: q\nanswers: x: y\n");
    assert_eq!((line, col), (11, 11));
}

#[test]
fn missing_and_empty_parts() {
    assert_eq!(
        err("group: 区職員\nanswers:\n  a: 1\n"),
        (10, 1, "the survey has no `question`".into())
    );
    assert_eq!(
        err("question: q\n"),
        (10, 1, "the survey has no `answers`".into())
    );
    assert_eq!(
        err("question:\nanswers: {a: 1}\n"),
        (10, 1, "`question` is empty".into())
    );
    assert_eq!(
        err("question: q\nanswers:\n"),
        (11, 1, "`answers` has no answers".into())
    );
    assert_eq!(err("question: q\nanswers: {}\n").0, 11);
    assert_eq!(
        err("question: q\nanswers: 12\n"),
        (
            11,
            10,
            "`answers` must be indented `label: count` lines".into()
        )
    );
    assert_eq!(err("- question\n").0, 10);
    assert_eq!(parse("", Path::new("news.md"), 10).unwrap_err().len(), 2);
}

#[test]
fn zero_respondents() {
    let (line, col, msg) = err("question: q\nanswers:\n  a: 0\n  b: 0\n");
    assert_eq!((line, col), (11, 1));
    assert!(msg.contains("no respondents"), "{msg}");
}

#[test]
fn bad_counts_point_at_the_value() {
    let (line, col, msg) = err("question: q\nanswers:\n  活かせる: -1\n");
    assert_eq!((line, col), (12, 9));
    assert!(msg.contains("negative"), "{msg}");
    let (line, col, msg) = err("question: q\nanswers:\n  a: 1\n  やや活かせる: 1.5\n");
    assert_eq!((line, col), (13, 11));
    assert!(msg.contains("whole number") && msg.contains("1.5"), "{msg}");
    let (line, col, msg) = err("question: q\nanswers:\n  活かせる: 12名\n");
    assert_eq!((line, col), (12, 9));
    assert!(msg.contains("not a number: `12名`"), "{msg}");
    let d = parse(
        "question: q\nanswers:\n  活かせる: 12名\n",
        Path::new("news.md"),
        10,
    )
    .unwrap_err();
    assert!(d[0].help.as_deref().unwrap().contains("`活かせる: 12`"));
    assert_eq!(err("question: q\nanswers:\n  a: many\n").1, 6);
    assert_eq!(
        err("question: q\nanswers:\n  a: true\n").2,
        "the count of `a` is not a number: `true`"
    );
    assert_eq!(err("question: q\nanswers:\n  a: [1]\n").1, 6);
    assert_eq!(err("question: q\nanswers:\n  a: .inf\n").1, 6);
    assert!(
        err("question: q\nanswers:\n  a: \"-3\"\n")
            .2
            .contains("negative")
    );
    assert!(
        err("question: q\nanswers:\n  a: 0x10\n")
            .2
            .contains("not a number: `0x10`")
    );
    assert!(
        err("question: q\nanswers:\n  a: 12.0\n")
            .2
            .contains("whole number")
    );
    let big = err("question: q\nanswers:\n  a: 99999999999999999999999\n");
    assert!(big.2.contains("too large"), "{big:?}");
    assert_eq!(
        err("question: q\nanswers:\n  a:\n"),
        (12, 3, "the answer `a` has no count".into())
    );
}

#[test]
fn every_bad_count_is_reported_at_once() {
    let d = parse(
        "question: q\nanswers:\n  a: -1\n  b: x\n  c: 2\n",
        Path::new("news.md"),
        1,
    )
    .unwrap_err();
    let lines: Vec<_> = d.iter().map(|d| d.location.line).collect();
    assert_eq!(lines, [3, 4]);
}

#[test]
fn duplicate_labels_and_keys() {
    let d = parse(
        "question: q\nanswers:\n  活かせる: 1\n  活かせない: 0\n  活かせる: 2\n",
        Path::new("news.md"),
        10,
    )
    .unwrap_err();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!((d[0].location.line, d[0].location.column), (14, 3));
    assert!(d[0].message.contains("`活かせる` is written twice"));
    assert_eq!(d[0].related.as_ref().map(|l| l.line), Some(12));
    let (line, col, msg) = err("question: q\nquestion: r\nanswers: {a: 1}\n");
    assert_eq!((line, col), (11, 1));
    assert!(msg.contains("written twice"), "{msg}");
}

#[test]
fn unknown_keys_suggest_the_right_one() {
    let help = |yaml: &str| {
        let d = parse(yaml, Path::new("news.md"), 10).unwrap_err();
        assert_eq!(d.len(), 1, "{d:#?}");
        (
            d[0].location.line,
            d[0].location.column,
            d[0].help.clone().unwrap(),
        )
    };
    assert_eq!(
        help("question: q\ngrop: x\nanswers: {a: 1}\n"),
        (11, 1, "did you mean `group`?".into())
    );
    assert_eq!(
        help("question: q\nanswer:\n  a: 1\n").2,
        "did you mean `answers`?"
    );
    assert_eq!(
        help("Question: q\nanswers: {a: 1}\n").2.as_str(),
        "did you mean `question`?"
    );
    assert_eq!(
        help("question: q\n単位: 人\nanswers: {a: 1}\n").2,
        "write `unit:` instead of `単位:`"
    );
    assert!(
        help("question: q\nanswers: {a: 1}\nnote: x\n")
            .2
            .contains("question, group, unit and answers")
    );
    assert!(
        help("question: q\nanswers: {a: 1}\n活かせない: 0\n")
            .2
            .contains("under `answers:`")
    );
}

#[test]
fn alias_bombs_fail_fast() {
    let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..30 {
        let p = i - 1;
        yaml.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    yaml.push_str("question: q\nanswers: {a: 1}\n");
    let start = Instant::now();
    let d = parse(&yaml, Path::new("news.md"), 1).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("too large"), "{}", d[0]);
    // Few aliases (under max_aliases) but a million replayed values.
    let mut yaml = String::from("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
    for (name, prev) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d"), ("f", "e")] {
        let items = vec![format!("*{prev}"); 10].join(", ");
        yaml.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    let start = Instant::now();
    let d = parse(&yaml, Path::new("news.md"), 1).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    assert!(d[0].message.contains("too large"), "{}", d[0]);
    // Deep nesting too.
    let deep = format!("question: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse(&deep, Path::new("news.md"), 1).is_err());
}

#[test]
fn first_line_zero_or_one_does_not_underflow() {
    assert_eq!(
        parse("question: q\n", Path::new("a.md"), 0).unwrap_err()[0]
            .location
            .line,
        1
    );
    assert_eq!(
        parse("question: q\n", Path::new("a.md"), 1).unwrap_err()[0]
            .location
            .line,
        1
    );
}
