#!/usr/bin/env python3
"""Generate a ten-year tsushin site for benchmarking.

    python3 bench/gen_corpus.py OUT_DIR [--seed N] [--issues 40] [--events 200]

Writes OUT_DIR/site.yaml and OUT_DIR/content/ with:
  - newsletters/: issues 1..40, published quarterly from 2021-06-30 (06-30, 09-30, 12-31, 03-31),
  - events/: 200 training announcements from FY2021 to FY2030, 1-3 sessions each, mixed statuses
    (held / cancelled / postponed / ongoing before the bench's --today 2026-11-23, scheduled after),
  - about.md.
Every body is 2-4 phone screens of Japanese text with headings, lists, a table, 1-3 ```survey
blocks, links between pages, and sometimes a footnote. Output is deterministic for a given seed.
Standard library only.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

TODAY = dt.date(2026, 11, 23)  # the date bench/run.sh passes with --today

WARDS = [
    "北区", "都島区", "福島区", "此花区", "中央区", "西区", "港区", "大正区", "天王寺区", "浪速区",
    "西淀川区", "淀川区", "東淀川区", "東成区", "生野区", "旭区", "城東区", "鶴見区", "阿倍野区",
    "住之江区", "住吉区", "東住吉区", "平野区", "西成区",
]
VENUES = [
    "天王寺区民センター", "市立総合医療センター 講堂", "市役所本庁舎 地下１階 第１会議室",
    "生野区民センター ホール", "阿倍野区民センター 大会議室", "淀川区民センター 小ホール",
    "城東区民センター", "北区民センター 会議室", "ＡＴＣ 健康福祉エリア 研修室",
]
LECTURERS = [
    ("杉本百合子", "同志社女子大学 看護学部", "准教授"),
    ("高橋健一", "市立大学大学院 医学研究科", "教授"),
    ("中村真理", "訪問看護ステーションみなと", "所長"),
    ("山口拓也", "在宅療養支援診療所 やまぐちクリニック", "院長"),
    ("小林美穂", "地域包括支援センター連絡協議会", "主任介護支援専門員"),
    ("伊藤誠", "市社会福祉協議会", "地域福祉課長"),
    ("渡辺直子", "認知症疾患医療センター", "精神保健福祉士"),
    ("佐々木裕", "府歯科医師会", "理事"),
    ("松本彩", "病院地域医療連携室", "医療ソーシャルワーカー"),
    ("井上聡", "薬剤師会 在宅医療委員会", "委員長"),
]
THEMES = [
    ("認知症がある方と家族の意思決定", ["認知症", "ACP", "多職種連携"]),
    ("人生会議（ACP）の進め方", ["ACP", "多職種連携"]),
    ("地域診断 ～地域の課題を見える化しよう！～", ["地域診断", "区役所"]),
    ("入退院支援と医療・介護の情報共有", ["入退院支援", "多職種連携"]),
    ("在宅での看取りを支えるために", ["看取り", "ACP"]),
    ("災害時の在宅療養者支援", ["災害対策", "区役所"]),
    ("口腔ケアと食べる支援", ["口腔ケア", "多職種連携"]),
    ("服薬支援と薬剤師との連携", ["服薬支援", "多職種連携"]),
    ("精神疾患のある方の在宅療養支援", ["精神保健", "多職種連携"]),
    ("事例検討の進め方とファシリテーション", ["事例検討", "研修会"]),
    ("ICTを活用した情報共有", ["ICT", "情報共有"]),
    ("医療的ケア児と家族の地域生活", ["小児在宅", "多職種連携"]),
]
KINDS = [
    ("多職種研修会", "tabunya", "在宅医療・介護に携わる多職種の皆さま"),
    ("合同研修会", "godo-kenshu", "区役所実務者・在宅医療・介護連携支援コーディネーター"),
    ("新任担当者等説明会", "setsumeikai", "区役所の新任担当者・新任コーディネーター"),
    ("コーディネーター連絡会", "renrakukai", "在宅医療・介護連携支援コーディネーター"),
    ("事例検討会", "jirei", "区役所実務者・相談支援室職員"),
]
SCALES = [
    ("今後の業務に活用できるか", ["活かせる", "やや活かせる", "あまり活かせない", "活かせない"]),
    ("研修の内容は理解できたか", ["理解できた", "少し理解できた", "あまり理解できなかった", "理解できなかった"]),
    ("顔の見える関係づくりができたか", ["そう思う", "ややそう思う", "あまりそう思わない", "そう思わない"]),
    ("グループワークで理解が深まったか", ["深まった", "やや深まった", "あまり深まらなかった", "深まらなかった"]),
    ("研修の時間は適切だったか", ["長い", "ちょうどよい", "短い"]),
    ("開催形式（参集・オンライン）は参加しやすかったか", ["参加しやすい", "どちらでもない", "参加しにくい"]),
]
GROUPS = ["区職員", "コーディネーター", "医療職", "介護職", None]
JOBS = ["事務職", "福祉職", "保健師", "医師", "看護師", "介護支援専門員", "社会福祉士", "薬剤師"]
OPENERS = [
    "皆さま、いつもお世話になっております。",
    "日頃より在宅医療・介護連携推進事業にご協力いただき、ありがとうございます。",
    "季節の変わり目となりましたが、皆さまいかがお過ごしでしょうか。",
    "今号も、各区の取組みと研修会の報告をお届けします。",
]
SENTENCES = [
    "各区の相談支援室では、医療・介護関係者からの相談に日々対応していただいています。",
    "区役所とコーディネーターが定期的に情報を共有することで、地域の課題が少しずつ見えてきました。",
    "参加者からは「他区の取組みを知ることができて参考になった」という声を多くいただきました。",
    "グループワークでは、職種の異なる参加者が同じテーブルで意見を交わしました。",
    "感染症の状況を踏まえ、オンラインと参集を組み合わせた形式で実施しました。",
    "アンケートでいただいたご意見は、次回以降の企画に活かしていきます。",
    "顔の見える関係づくりは、日頃の小さなやりとりの積み重ねから始まります。",
    "事例を通して、本人の思いを多職種で共有することの大切さを改めて確認しました。",
    "講義の後半では、講師から具体的な事例をもとにした助言をいただきました。",
    "今年度は、医療と介護の連携に関する評価指標の見直しにも取り組んでいます。",
    "相談件数は前年度と比べて増加しており、特に入退院時の相談が多くなっています。",
    "今後も、区ごとの実情に合わせた支援を続けてまいります。",
    "ご多忙のところ、多くの皆さまにご参加いただき、ありがとうございました。",
    "資料は庁内の共有フォルダに掲載していますので、あわせてご覧ください。",
    "当日参加できなかった方からも、資料の提供について多くのお問い合わせをいただきました。",
    "地域の医療機関や事業所の一覧は、年に一度更新しています。",
]
VOICES = [
    "他区の工夫を聞いて、自区でも取り入れてみたいと思った",
    "職種によって見ている視点が違うことがよくわかった",
    "時間が短く感じた。もう少しグループワークの時間がほしい",
    "事例が具体的で、明日からの業務に活かせると感じた",
    "オンラインでも十分に意見交換ができた",
    "顔を合わせて話ができたので、今後相談しやすくなった",
    "区役所との役割分担について、もっと知りたい",
    "資料が見やすく、振り返りにも使えそうだ",
    "本人の意思を確認する場面で迷うことが多いので、参考になった",
    "次回は事例発表の時間を設けてほしい",
]
AUTHORS = ["保健師 宮成", "保健師 田中", "事務職 大西", "保健師 森本", "社会福祉士 川口"]


def last_day(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def reiwa(y: int) -> str:
    n = y - 2018
    return "元" if n == 1 else str(n)


def fiscal_year(d: dt.date) -> int:
    return d.year if d.month >= 4 else d.year - 1


def jdate(d: dt.date) -> str:
    wd = "月火水木金土日"[d.weekday()]
    return f"令和{reiwa(d.year)}年{d.month}月{d.day}日（{wd}）"


def para(rng: random.Random, n_min: int = 2, n_max: int = 4) -> str:
    return "".join(rng.sample(SENTENCES, rng.randint(n_min, n_max)))


def survey_block(rng: random.Random, used: set) -> str:
    choices = [s for s in SCALES if s[0] not in used] or SCALES
    question, labels = rng.choice(choices)
    used.add(question)
    group = rng.choice(GROUPS)
    n = rng.randint(12, 90)
    weights = [rng.random() ** 1.5 for _ in labels]
    weights[0] += 1.2  # most answers are favourable
    total_w = sum(weights)
    counts = [int(n * w / total_w) for w in weights]
    counts[0] += n - sum(counts)
    lines = ["```survey", f"question: {question}"]
    if group:
        lines.append(f"group: {group}")
    lines.append("answers:")
    lines += [f"  {label}: {count}" for label, count in zip(labels, counts)]
    if rng.random() < 0.25:
        lines.append(f"  未回答: {rng.randint(1, 3)}")
    lines.append("```")
    return "\n".join(lines)


def table(rng: random.Random) -> str:
    jobs = rng.sample(JOBS, rng.randint(4, 6))
    counts = [rng.randint(1, 20) for _ in jobs]
    rows = ["| 職種 | 人数 |", "|:-----|-----:|"]
    rows += [f"| {j} | {c}名 |" for j, c in zip(jobs, counts)]
    rows.append(f"| **合計** | **{sum(counts)}名** |")
    return "\n".join(rows)


def voices(rng: random.Random) -> str:
    return "\n".join(f"> - {v}" for v in rng.sample(VOICES, rng.randint(3, 6)))


def survey_section(rng: random.Random, used: set, n: int | None = None) -> str:
    parts = ["### アンケート結果", "", f"参加者{rng.randint(20, 90)}名のうち、回答のあった方の結果です。", ""]
    for _ in range(n or rng.randint(1, 3)):
        parts += [survey_block(rng, used), ""]
    return "\n".join(parts)


# ---- events ----------------------------------------------------------------------------------


def make_events(rng: random.Random, count: int, start: dt.date, end: dt.date):
    """Returns [(slug, date_of_first_session, markdown)] sorted by first session."""
    span = (end - start).days
    days = sorted(rng.randrange(span) for _ in range(count))
    events = []
    used_slugs = set()
    for i, off in enumerate(days):
        first = start + dt.timedelta(days=off)
        while first.weekday() >= 5:  # weekdays only
            first += dt.timedelta(days=1)
        kind, kind_slug, target = rng.choice(KINDS)
        theme, theme_tags = rng.choice(THEMES)
        n_sessions = rng.choice([1, 1, 1, 2, 2, 3])
        fmt = rng.choice(["in-person", "in-person", "online", "hybrid"])
        session_days = [first]
        for _ in range(n_sessions - 1):
            d = session_days[-1] + dt.timedelta(days=rng.choice([3, 7, 14, 28, 63]))
            while d.weekday() >= 5:
                d += dt.timedelta(days=1)
            session_days.append(d)
        last = session_days[-1]
        if last < TODAY:
            status = rng.choices(["held", "cancelled", "postponed"], [80, 10, 10])[0]
            if n_sessions >= 2 and rng.random() < 0.2:
                status = "ongoing"
        elif first < TODAY:
            status = "ongoing"
        else:
            status = rng.choices(["scheduled", "postponed"], [90, 10])[0]
        fy = fiscal_year(first)
        slug = f"{first:%Y-%m}-{kind_slug}"
        k = 1
        while slug in used_slugs:
            k += 1
            slug = f"{first:%Y-%m}-{kind_slug}-{k}"
        used_slugs.add(slug)
        published = first - dt.timedelta(days=rng.randint(30, 60))
        apply_by = first - dt.timedelta(days=rng.randint(7, 14))
        hour = rng.choice([10, 13, 14, 14, 15, 18])
        minute = rng.choice([0, 0, 15, 30])
        length = rng.choice([60, 90, 120, 150])
        sessions = []
        ward_split = rng.sample(WARDS, len(WARDS))
        per = len(WARDS) // n_sessions
        for j, d in enumerate(session_days):
            s = dt.datetime(d.year, d.month, d.day, hour, minute)
            e = s + dt.timedelta(minutes=length)
            wards = ward_split[j * per:(j + 1) * per] if n_sessions > 1 else ["全区"]
            label = f"第{j + 1}回" if n_sessions > 1 else "講義・グループワーク"
            sessions.append(
                f"  - {{start: {s:%Y-%m-%dT%H:%M}, end: {e:%Y-%m-%dT%H:%M}, label: {label}, "
                f"audience: [{', '.join(wards[:6])}]}}"
            )
        lecturers = rng.sample(LECTURERS, rng.randint(0, 2))
        lect_yaml = (
            "lecturers: []"
            if not lecturers
            else "lecturers:\n" + "\n".join(f"  - {{name: {n}, affiliation: {a}, role: {r}}}" for n, a, r in lecturers)
        )
        tags = list(dict.fromkeys(["研修会"] + theme_tags + rng.sample(["区役所", "相談支援室", "新任", "アンケート"], 1)))
        title = f"令和{reiwa(fy)}年度 {kind}「{theme}」"
        summary = f"{theme}をテーマに、{target}を対象とした{kind}を開催します。"
        fm = "\n".join([
            "---",
            f"title: {title}",
            f"date: {published}",
            f"summary: {summary}",
            f"tags: [{', '.join(tags)}]",
            f"status: {status}",
            f"format: {fmt}",
            f"venue: {'オンライン（Zoom）' if fmt == 'online' else rng.choice(VENUES)}",
            f"target: {target}",
            lect_yaml,
            "sessions:",
            *sessions,
            f"apply_by: {apply_by}",
            f"capacity: {rng.choice([30, 40, 50, 80, 100, 120])}",
            "---",
        ])
        events.append({"slug": slug, "first": first, "fm": fm, "title": title, "theme": theme,
                       "status": status, "kind": kind, "target": target, "sessions": session_days})
    return events


def event_body(rng: random.Random, ev: dict, newsletters: list) -> str:
    used: set = set()
    b = [
        f"{ev['target']}を対象に、『{ev['kind']}』を開催します。",
        f"今回は**「{ev['theme']}」**をテーマに、講義とグループワークを行います。",
        "",
        "## ねらい",
        "",
        "- 多職種がそれぞれの役割を理解し、連携の方法を具体的に考える",
        "- 区ごとの取組みを共有し、自区の活動につなげる",
        "- 日頃から相談しあえる**「顔の見える関係」**をつくる",
        "",
        "## 内容",
        "",
        para(rng, 3, 5),
        "",
        "| 時間 | 内容 |",
        "|:-----|:-----|",
        "| 開始～30分 | 講義「" + ev["theme"] + "」 |",
        "| 30分～80分 | グループワーク（事例をもとにした意見交換） |",
        "| 80分～90分 | 全体共有・まとめ |",
        "",
        "## 申込方法",
        "",
        "区名・所属・氏名・職種を記載のうえ、電子メールでお申し込みください。",
        "件名は「" + ev["kind"] + "申込」としてください。",
        "",
        "1. 申込締切までに、所属ごとにまとめてお申し込みください",
        "2. 定員を超えた場合は、各区の参加人数を調整させていただきます",
        "3. 参加の可否は、締切後１週間以内にお知らせします",
        "",
    ]
    if ev["status"] in ("held", "ongoing"):
        b += [
            "## 実施報告",
            "",
            para(rng, 3, 5),
            "",
            "### 参加者の内訳",
            "",
            table(rng),
            "",
            survey_section(rng, used),
            "### 参加者の声",
            "",
            voices(rng),
            "",
        ]
    else:
        b += [
            "## 昨年度のアンケート結果",
            "",
            "昨年度の同じ研修会でいただいた回答です。今年度の企画の参考にしました。",
            "",
            survey_block(rng, used),
            "",
        ]
        if ev["status"] in ("cancelled", "postponed"):
            word = "中止" if ev["status"] == "cancelled" else "延期"
            b += ["## お知らせ", "", f"感染症の拡大状況を踏まえ、この研修会は**{word}**としました。"
                  "お申込みいただいた皆さまには、ご迷惑をおかけし申し訳ありません。", ""]
    earlier = [n for n in newsletters if n["date"] <= ev["first"]]
    b += [
        "## 問い合わせ先",
        "",
        "健康局 健康推進部 在宅医療・介護連携グループ",
        "",
        "- 電話：06-0000-0000（平日 午前９時～午後５時30分）",
        "- 電子メール：zaitaku-renkei@example.jp",
        "",
    ]
    if earlier:
        n = earlier[-1]
        b += [f"これまでの研修会の様子は、[{n['title']}](../newsletters/{n['slug']}.md)をご覧ください。", ""]
    return "\n".join(b)


# ---- newsletters -----------------------------------------------------------------------------


def newsletter_dates(count: int):
    y, m = 2021, 6
    out = []
    for _ in range(count):
        out.append(last_day(y, m))
        m += 3
        if m > 12:
            m -= 12
            y += 1
    return out


def newsletter_body(rng: random.Random, nl: dict, events: list, prev: dict | None) -> str:
    used: set = set()
    past = [e for e in events if e["first"] <= nl["date"] and e["status"] in ("held", "ongoing")]
    reports = past[-rng.randint(1, 2):] if past else []
    upcoming = [e for e in events if e["first"] > nl["date"]][:rng.randint(1, 3)]
    b = ["## はじめに", "", rng.choice(OPENERS)]
    if prev:
        b.append(f"[{prev['title']}]({prev['slug']}.md)には、たくさんのご感想をお寄せいただき、ありがとうございました。")
    b += ["", para(rng), ""]
    footnote = rng.random() < 0.4
    sections = reports or [None]
    budget = rng.randint(1, 3)  # survey blocks in the whole issue
    if len(sections) == 2 and budget >= 2:
        first = rng.randint(1, budget - 1)
        split = [first, budget - first]
    else:
        split = [budget] + [0] * (len(sections) - 1)
    for ev, n_surveys in zip(sections, split):
        heading = ev["title"] if ev else "各区の取組み"
        b += [f"## {heading}", "", "### 概要", ""]
        if ev:
            b += [
                f"- **日時**：{jdate(ev['first'])}",
                f"- **形式**：{rng.choice(['参集', 'オンライン', 'ハイブリッド'])}",
                f"- **参加者**：{rng.randint(20, 90)}名",
                f"- **内容**：{ev['theme']}",
                "",
                f"開催案内は[{ev['kind']}のご案内](../events/{ev['slug']}.md)をご覧ください。",
                "",
            ]
        b += [para(rng, 3, 5) + ("[^note]" if footnote and ev is sections[0] else ""), ""]
        b += ["### 参加者の内訳", "", table(rng), ""]
        if n_surveys:
            b += [survey_section(rng, used, n_surveys)]
        b += ["### 皆さまの声", "", voices(rng), ""]
    b += ["## 区の取組み紹介", "", para(rng, 2, 4), ""]
    b += [f"1. {w}：{rng.choice(['多職種研修会を開催', '医療機関マップを更新', '事例検討会を継続', 'ACPの啓発講座を実施'])}"
          for w in rng.sample(WARDS, rng.randint(3, 5))]
    b += ["", "## お知らせ", ""]
    for ev in upcoming:
        b += [f"### {ev['kind']}のご案内", "",
              f"{jdate(ev['first'])}に、{ev['kind']}を開催します。テーマは**「{ev['theme']}」**です。",
              f"詳しくは[開催案内](../events/{ev['slug']}.md)をご覧ください。", ""]
    b += [f"次号（第{nl['number'] + 1}号）は、{(nl['date'] + dt.timedelta(days=92)).month}月に発行する予定です。", ""]
    if footnote:
        b += ["[^note]: 割合は回答者数に対するもので、合計が100％になるよう端数を調整しています。", ""]
    return "\n".join(b)


# ---- main ------------------------------------------------------------------------------------


SITE_YAML = """\
title: 在宅医療・介護連携推進事業 コーディネーター連絡会（ベンチマーク用）
theme: default
language: ja
base_url: https://intranet.example.city.lg.jp/zaitaku/
newsletter:
  name: コーディネーター連絡会通信
  recipients: [受託法人, 相談支援室, 区役所担当部署]
date_style: official
"""

ABOUT = """\
---
title: このサイトについて
date: 2021-06-30
summary: ベンチマーク用に生成したサイトです。
---

このサイトは、`bench/gen_corpus.py` が生成したベンチマーク用のサイトです。
10年分の『コーディネーター連絡会通信』と研修会のご案内を含みます。

## 掲載内容

- コーディネーター連絡会通信（年４回発行）
- 研修会のご案内と実施報告
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=20210630)
    ap.add_argument("--issues", type=int, default=40)
    ap.add_argument("--events", type=int, default=200)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    out: Path = args.out
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    (content / "newsletters").mkdir(parents=True)
    (content / "events").mkdir(parents=True)
    (out / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (content / "about.md").write_text(ABOUT, encoding="utf-8")

    dates = newsletter_dates(args.issues)
    newsletters = [
        {"number": i + 1, "date": d, "slug": f"{d:%Y-%m}-vol{i + 1:02d}", "title": f"コーディネーター連絡会通信 第{i + 1}号"}
        for i, d in enumerate(dates)
    ]
    events = make_events(rng, args.events, dt.date(2021, 4, 5), dt.date(2031, 3, 15))

    for ev in events:
        text = ev["fm"] + "\n\n" + event_body(rng, ev, newsletters)
        (content / "events" / f"{ev['slug']}.md").write_text(text, encoding="utf-8")

    prev = None
    for nl in newsletters:
        tags = ["連絡会"] + rng.sample(["研修会", "アンケート", "区役所", "相談支援室", "ACP", "認知症", "多職種連携", "地域診断"], 3)
        fm = "\n".join([
            "---",
            f"title: {nl['title']}",
            f"date: {nl['date']}",
            f"number: {nl['number']}",
            f"author: {rng.choice(AUTHORS)}",
            f"summary: 令和{reiwa(fiscal_year(nl['date']))}年度の研修会の報告とアンケート結果、今後の予定をお知らせします。",
            f"tags: [{', '.join(tags)}]",
            "---",
        ])
        text = fm + "\n\n" + newsletter_body(rng, nl, events, prev)
        (content / "newsletters" / f"{nl['slug']}.md").write_text(text, encoding="utf-8")
        prev = nl

    files = list(content.rglob("*.md"))
    size = sum(f.stat().st_size for f in files)
    print(f"{out}: {len(files)} Markdown files, {size / 1024:.0f} KiB "
          f"({len(newsletters)} issues, {len(events)} trainings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
