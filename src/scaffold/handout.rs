//! `tsushin new handout`: a meeting handout (会議資料) with its front matter written out and
//! explained in Japanese, numbered after the handouts already written for the same meeting day.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::{
    check_stem, exists_error, io_error, markdown_files, one_line_title, site_config, write_new,
    yaml_scalar,
};
use crate::content::frontmatter;
use crate::diag::Diagnostics;

/// What `new handout` reads from the handouts already written.
#[derive(serde::Deserialize)]
struct Known {
    number: Option<i64>,
    date: Option<String>,
    meeting: Option<String>,
}

/// The handouts in content/handouts/, as far as their front matter can be read.
fn existing(root: &Path) -> Vec<Known> {
    markdown_files(root, "handouts")
        .into_iter()
        .filter_map(|(_, text)| {
            let text = text?;
            let split = frontmatter::split(&text, Path::new("")).ok()?;
            serde_saphyr::from_str::<Known>(split.yaml).ok()
        })
        .collect()
}

/// Creates `content/handouts/<YYYY-MM-DD>-shiryo<N>.md` for a meeting on `date`, numbered after
/// the handouts of that day (資料１ when there are none). Returns the path written.
pub fn new_handout(
    root: &Path,
    title: &str,
    date: Date,
    slug: Option<&str>,
) -> Result<PathBuf, Diagnostics> {
    site_config(root)?;
    let title = one_line_title(
        title,
        "handout \"令和３年度 事業の課題に対する取組みについて\"",
    )?;
    let known = existing(root);
    let day = date.to_string();
    let number = known
        .iter()
        .filter(|k| k.date.as_deref().map(str::trim) == Some(day.as_str()))
        .filter_map(|k| k.number)
        .max()
        .map_or(1, |n| n.clamp(0, 998) + 1);
    let meeting = known
        .iter()
        .filter_map(|k| k.meeting.as_deref().map(str::trim))
        .find(|m| !m.is_empty())
        .unwrap_or("在宅医療・介護連携推進会議")
        .to_owned();
    let stem = match slug {
        Some(s) => {
            check_stem(s)?;
            s.to_owned()
        }
        None => format!("{day}-shiryo{number}"),
    };
    let path = root
        .join("content")
        .join("handouts")
        .join(format!("{stem}.md"));
    let text = skeleton(title, number, &meeting, date);
    match write_new(&path, &text) {
        Ok(true) => Ok(path),
        Ok(false) => Err(exists_error(&path)),
        Err(e) => Err(io_error(&path, e)),
    }
}

/// A handout with every key explained and a body showing the `##` pages and a badge.
pub fn skeleton(title: &str, number: i64, meeting: &str, date: Date) -> String {
    format!(
        "---
# 会議資料の情報です。# で始まる行は説明で、ページには表示されません。
# 資料の題名
title: {title}
# 資料番号。3 と書くと「資料３」と表示されます
number: {number}
# 会議の名前
meeting: {meeting}
# 会議の日（年-月-日）。和暦で表示されます
date: {date}
# 一覧ページとフィードに表示する要約（１～２文）
summary:
# タグ。例: [会議資料, 連絡会]
tags: [会議資料]
# 書きかけで公開したくないときは、次の行の先頭の # を消します
# draft: true
---

## 今年度の取組み

PDF版（A4横）では、「## 」で始まる見出しごとに新しいページになります。
見出しの最後に【開催予定】【実施済】【延期】【継続実施中】【NEW】のように書くと、状況の印になります。

## ① 〇〇説明会の開催【実施済】

- **日時**：令和〇年〇月〇日（〇）
- **参加者**：〇名

### アンケート結果

（アンケート結果は「```survey」のブロックで書くと、グラフになります）
",
        title = yaml_scalar(title),
        meeting = yaml_scalar(meeting),
    )
}
