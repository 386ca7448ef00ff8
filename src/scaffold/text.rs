//! The text a scaffold writes: the skeletons of a new issue (号) and training (研修会) with
//! every front matter key explained in Japanese, the starter site of `tsushin init`
//! (site.yaml, recipients.yaml, a first issue, training and about page), and YAML scalars
//! quoted only when they must be. `scaffold` decides where these go and never overwrites.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::config::Config;
use crate::japanese::{self, DigitStyle};

/// `text` as a YAML scalar: as written when YAML reads it back unchanged, else double-quoted.
pub fn yaml_scalar(text: &str) -> String {
    #[derive(serde::Deserialize)]
    struct V {
        v: String,
    }
    let plain_ok = !text.is_empty()
        && !text.contains(['\n', '\r', '\t'])
        && serde_saphyr::from_str::<V>(&format!("v: {text}\n")).is_ok_and(|p| p.v == text)
        // A value that YAML reads as a number, date or boolean is text only by accident.
        && serde_saphyr::from_str::<serde_json::Value>(&format!("{text}\n"))
            .is_ok_and(|v| v.is_string());
    if plain_ok {
        return text.to_owned();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn flow_list(items: &[String]) -> String {
    let inner: Vec<String> = items
        .iter()
        .map(|i| {
            let s = yaml_scalar(i);
            if s.starts_with('"') || !i.contains([',', '[', ']', '{', '}']) {
                s
            } else {
                format!("\"{}\"", i.replace('\\', "\\\\").replace('"', "\\\""))
            }
        })
        .collect();
    format!("[{}]", inner.join(", "))
}

/// The skeleton of a new issue (号): front matter with every key explained, and headings.
pub fn newsletter_skeleton(
    config: &Config,
    number: u32,
    date: Date,
    author: Option<&str>,
) -> String {
    let title = format!(
        "{} {}",
        config.newsletter_name,
        japanese::issue_number(number, config.date_style)
    );
    let author_line = match author {
        Some(a) => format!("author: {}", yaml_scalar(a)),
        None => "# author: 保健師 〇〇".to_owned(),
    };
    let recipients_line = if config.recipients.is_empty() {
        "# recipients: [受託法人, 相談支援室, 区役所担当部署]".to_owned()
    } else {
        format!("recipients: {}", flow_list(&config.recipients))
    };
    let month = japanese::wareki_month(date, config.date_style);
    format!(
        "---
# この号の情報です。# で始まる行は説明で、ページには表示されません。
# 号のタイトル
title: {title}
# 発行日（年-月-日）
date: {date}
# 号数。ほかの号と重ならない通し番号です（{number} → {issue}）
number: {number}
# 発行者
{author_line}
# 配信先（site.yaml の newsletter.recipients と同じものを入れてあります）
{recipients_line}
# 一覧ページとフィードに表示する、この号の要約（１～２文）
summary:
# タグ。例: [連絡会, アンケート]。タグごとに一覧ページができます
tags: []
# 書きかけで公開したくないときは、次の行の先頭の # を消します
# draft: true
---

## コーディネーターの皆さまへ

（{month}のごあいさつを書きます）

## 〇〇を開催しました

### 概要

- **日時**：
- **形式**：
- **参加者**：
- **内容**：

### アンケート結果

（アンケート結果は survey ブロックに書くと帯グラフになります。書き方は README の「アンケート結果」を参考にしてください）

### 自由記載（抜粋）

> - （ご意見を書きます）

## お知らせ

（研修会のご案内や事務連絡を書きます）

## 次号予告

（次の号でお届けする内容を書きます）\n",
        date = date,
        issue = japanese::issue_number(number, config.date_style),
    )
}

/// The skeleton of a training announcement (研修会のご案内): every key present and explained.
pub fn event_skeleton(title: &str, today: Date, session: Date, body: Option<&str>) -> String {
    let apply_by = session.saturating_sub(14.days());
    let apply_by = if apply_by < today { session } else { apply_by };
    let body = body.unwrap_or(EVENT_BODY);
    format!(
        "---
# 研修会の情報です。# で始まる行は説明で、ページには表示されません。
# 研修会の名前
title: {title}
# 一覧ページとフィードに表示する要約（１～２文）
summary:
# タグ。例: [研修会, 多職種連携]
tags: [研修会]
# 開催状況: scheduled（開催予定）/ ongoing（継続実施中）/ postponed（延期）/ held（実施済）/ cancelled（中止）
status: scheduled
# 開催形式: in-person（参集）/ online（オンライン）/ hybrid（ハイブリッド）
format: in-person
# 場所（会場）。オンラインのときは「オンライン（Zoom）」など
venue: 〇〇区民センター
# 対象
target: 区役所実務者・在宅医療・介護連携支援コーディネーター
# 講師。二人以上のときは「- {{name: …}}」の行を増やします
lecturers:
  - {{name: 〇〇 〇〇, affiliation: 〇〇大学 看護学部, role: 教授}}
# 日時。start（開始）と end（終了）を「年-月-日T時:分」で書きます。
# 同じ内容を何回か開くときは「- start:」から audience: までを回の数だけ繰り返します。
sessions:
  - start: {session}T14:00
    end: {session}T16:00
    # 回の名前（例: 西部・南部）と対象の区（例: [福島区, 此花区]）。なくてもかまいません
    label:
    audience: []
# 申込締切（年-月-日）
apply_by: {apply_by}
# 定員（人数）
capacity: 50
# tsushin mail で送るグループ（recipients.yaml のグループ名）。書かなければ site.yaml の newsletter.recipients
# recipients: [相談支援室, 区役所担当部署]
# 書きかけで公開したくないときは、次の行の先頭の # を消します
# draft: true
---

{body}",
        title = yaml_scalar(title),
    )
}

const EVENT_BODY: &str = "## 研修会のねらい

（この研修会のねらいを書きます）

## プログラム

1. 講義「〇〇」（講師：〇〇 〇〇 先生）
2. グループワーク

## 申込方法

（申込方法と締切を書きます）

## お問い合わせ

（担当部署と連絡先を書きます）\n";

pub(super) const FIRST_EVENT_BODY: &str = "## 研修会のねらい

在宅医療と介護の関係者が顔を合わせ、退院から在宅療養への移行で困っていることを共有し、
連携の進め方を一緒に考えます。

## プログラム

1. 講義「在宅医療と介護の連携」（講師：〇〇 〇〇 先生）
2. グループワーク「退院支援の事例から」
3. まとめ

## 申込方法

申込締切までに、区役所担当部署へお申し込みください。

## お問い合わせ

〇〇市 健康局 在宅医療・介護連携担当\n";

pub(super) fn first_issue(today: Date, event_file: &str) -> String {
    let issue = japanese::issue_number(1, DigitStyle::Official);
    let month = japanese::wareki_month(today, DigitStyle::Official);
    format!(
        "---
# この号の情報です。# で始まる行は説明で、ページには表示されません。
title: コーディネーター連絡会通信 {issue}
date: {today}
number: 1
author: 保健師 〇〇
summary: 創刊のごあいさつと、研修会のご案内、アンケート結果をお届けします。
tags: [連絡会, アンケート]
---

## コーディネーターの皆さまへ

{month}、『コーディネーター連絡会通信』を創刊しました。
受託法人、相談支援室、区役所担当部署の皆さまへ、連絡会の様子をお届けします。

## 研修会のご案内

多職種研修会を開催します。詳しくは[研修会のご案内](../events/{event_file})をご覧ください。

## アンケート結果

```survey
question: 今後の業務に活用できそうか
group: コーディネーター
answers:
  活かせる: 6
  やや活かせる: 3
  あまり活かせない: 1
  活かせない: 0
```

## このサイトについて

サイトの使い方は[このサイトについて](../about.md)をご覧ください。\n"
    )
}

pub(super) const ABOUT: &str = "---
title: このサイトについて
---

このサイトでは、在宅医療・介護連携推進事業の『コーディネーター連絡会通信』と
研修会のご案内をお届けしています。

## 掲載している情報

- **通信**：連絡会の報告やアンケート結果（年４回）
- **研修会**：開催予定・実施済の研修会のご案内

## お問い合わせ

〇〇市 健康局 在宅医療・介護連携担当\n";

/// site.yaml of a new site: every key, with what it does, in Japanese.
pub const SITE_YAML: &str = "# tsushin サイト設定ファイル
# # で始まる行は説明です。値を変えたら、tsushin serve の画面で表示を確かめてください。

# サイト名。各ページの見出し・ブラウザのタブ・フィードのタイトルに使われます。（必須）
title: 在宅医療・介護連携推進事業 コーディネーター連絡会

# 使うテーマの名前。default は tsushin に組み込まれた標準テーマで、フォルダは要りません。
# 見た目を変えたいときは tsushin theme export で themes/default/ に書き出して編集します。
theme: default

# ページの言語（HTML の lang 属性）。日本語のサイトなので ja のままにします。
language: ja

# 公開先の URL（末尾は / ）。フィード（feed.xml）と PDF の中のリンクに使います。
# 庁内イントラネットのアドレスが決まったら、先頭の # を消して書き換えてください。
# base_url: https://intranet.example.city.lg.jp/zaitaku/

# 通信（ニュースレター）の設定
newsletter:
  # 通信の名称。号数と合わせて「コーディネーター連絡会通信 第１号」のように表示します。
  name: コーディネーター連絡会通信
  # 配信先。各号で recipients を書かなかったときは、この一覧を使います。
  # tsushin new newsletter で作る号にも、この一覧が入ります。
  recipients: [受託法人, 相談支援室, 区役所担当部署]

# 日付・数字の書き方
#   official … 公用文の書き方（令和３年８月23日（月）、第１号：１桁は全角、２桁以上は半角）
#   plain    … 半角数字だけ（令和3年8月23日（月）、第1号）
date_style: official

# Markdown の中の HTML をそのまま使うか。false のままなら安全のため取り除きます。
allow_raw_html: false

# メール配信（tsushin mail）の設定。使うときは、各行の先頭の「# 」を消して書き換えます。
# 宛先の一覧は recipients.yaml に書きます。パスワードはこのファイルに書けません
# （送るときに入力するか、環境変数 TSUSHIN_SMTP_PASSWORD に入れておきます）。
# mail:
#   # 差出人（必須）。「名前 <アドレス>」または アドレスだけ
#   from: \"〇〇市 在宅医療・介護連携担当 <zaitaku@example.lg.jp>\"
#   # 返信先（差出人と違うときだけ）
#   # reply_to: zaitaku-toiawase@example.lg.jp
#   # 本文の最後に付ける署名（| の次の行から、字下げしたまま何行でも）
#   signature: |
#     〇〇市 健康局 在宅医療・介護連携担当
#     電話 00-0000-0000（内線 0000）
#   # 庁内のドメイン。これ以外の宛先は tsushin mail plan で「外部」と表示します
#   internal_domains: [example.lg.jp]
#   # 1通の大きさの上限（KB、添付を base64 にした後の大きさ）。省略すると 5000
#   max_message_kb: 5000
#   # 1分間に送る通数の上限（省略すると制限なし）
#   # rate_per_minute: 30
#   # individual（1人に1通、宛先はその人だけ）か bcc（宛先は差出人、bcc_chunk 人ずつ）
#   mode: individual
#   # 送信サーバー。security は starttls（ポート 587）/ tls（465）/ none（この PC 上のサーバーだけ）
#   smtp:
#     host: smtp.example.lg.jp
#     security: starttls
#     user: zaitaku\n";

/// recipients.yaml of a new site: the address book of `tsushin mail`, never published.
pub const RECIPIENTS_YAML: &str = "# tsushin 宛先一覧（アドレス帳）
# tsushin mail は、各号・研修会の recipients に書いたグループへ送ります。
# このファイルはサイトとして公開されません（output/ にはコピーされません）。
# 下のアドレスは例です。実際の宛先に書き換えてください。
#
# 書き方:
#   グループ名:
#     - {name: 名前, email: アドレス}
# 他のグループをまとめたグループも作れます:
#   関係者全員:
#     include: [受託法人, 相談支援室, 区役所担当部署]
#     members:
#       - {name: 名前, email: アドレス}
# 同じ人が二つのグループにいても、メールは1通だけ届きます。

受託法人:
  - {name: 〇〇医師会 在宅医療・介護連携支援センター, email: center@example.lg.jp}

相談支援室:
  - {name: 北区 在宅医療・介護連携相談支援室, email: soudan-kita@example.lg.jp}
  - {name: 南区 在宅医療・介護連携相談支援室, email: soudan-minami@example.lg.jp}

区役所担当部署:
  - {name: 北区役所 保健福祉課, email: kita-hoken@example.lg.jp}
  - {name: 南区役所 保健福祉課, email: minami-hoken@example.lg.jp}\n";
