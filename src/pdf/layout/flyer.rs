//! The top of the first page: the newsletter masthead (題字, 第N号, 発行日, 担当, 配信先), the
//! head of a training announcement (status badge, title, postponement banner) and its
//! information box (開催概要) laid out like a printed flyer. Dates and times are the HTML's:
//! `wareki_date`, `time_range`, `issue_number`, `digits` in the site's digit style.

use crate::content::event::{Event, Status};
use crate::content::frontmatter::Newsletter;
use crate::japanese::{digits, issue_number, time_range, wareki_date};
use crate::pdf::draw::{Rgb, Role, Scope};

use super::Engine;
use super::flow::{Chunk, fill_rect, hline, stroke_rect, vline};
use super::inline::{Align, LineBox, Para, Piece, Run, RunStyle};
use super::tags::Current;

/// Colours of the status badges and banners (the HTML theme's).
pub(super) struct StatusLook {
    pub fill: Rgb,
    pub border: Rgb,
    pub text: Rgb,
}

/// The look of a badge written in the text: a status as the trainings show it; NEW in red.
pub(super) fn badge_look(b: crate::content::model::Badge) -> StatusLook {
    match b {
        crate::content::model::Badge::Status(s) => status_look(s),
        crate::content::model::Badge::New => StatusLook {
            fill: hex("#b42323"),
            border: hex("#b42323"),
            text: hex("#ffffff"),
        },
    }
}

fn hex(s: &str) -> Rgb {
    Rgb::parse_hex(s).unwrap_or(Rgb::BLACK)
}

fn status_look(s: Status) -> StatusLook {
    match s {
        Status::Scheduled => StatusLook {
            fill: hex("#1f5a96"),
            border: hex("#1f5a96"),
            text: hex("#ffffff"),
        },
        Status::Ongoing => StatusLook {
            fill: hex("#0f6e5f"),
            border: hex("#0f6e5f"),
            text: hex("#ffffff"),
        },
        Status::Held => StatusLook {
            fill: hex("#eef1f3"),
            border: hex("#7b8794"),
            text: hex("#3b4650"),
        },
        Status::Postponed => StatusLook {
            fill: hex("#fff3dc"),
            border: hex("#c26a00"),
            text: hex("#7a3e00"),
        },
        Status::Cancelled => StatusLook {
            fill: hex("#fde8e8"),
            border: hex("#b42323"),
            text: hex("#9b1c1c"),
        },
    }
}

impl Engine<'_> {
    /// Lines stacked into one chunk starting at `y`; returns the new bottom.
    fn stack(&self, c: &mut Chunk, lines: Vec<LineBox>, mut y: f32) -> f32 {
        for lb in lines {
            let mut part = Chunk::new(lb.h);
            part.items = lb.items;
            part.links = lb.links;
            part.anchors = lb.anchors;
            let h = lb.h;
            c.absorb(part, y);
            y += h;
            // Between lines is where an over-tall box may be cut.
            c.cuts.push(y);
        }
        y
    }

    /// Lines stacked at the bottom of a chunk, which grows.
    fn append(&self, c: &mut Chunk, lines: Vec<LineBox>) {
        let y = c.h;
        c.h = self.stack(c, lines, y);
    }

    /// The double rule under a masthead or an event title.
    fn double_rule(&self, c: &mut Chunk) {
        let (x, w) = (self.left, self.width);
        c.h += 4.0;
        c.items.push(fill_rect(x, c.h, w, 2.2, self.colors.accent));
        c.h += 2.2 + 1.6;
        c.items
            .push(hline(x, x + w, c.h + 0.3, self.colors.accent, 0.6));
        c.h += 0.6;
    }

    /// 発行日 … 担当 … 配信先 … as one wrapped line of label/value pairs; every value part
    /// stays whole on a line.
    fn meta_line(&self, pairs: &[(&str, Vec<String>)]) -> Vec<LineBox> {
        let size = self.style.text.table_size;
        let mut pieces = Vec::new();
        for (i, (label, parts)) in pairs.iter().enumerate() {
            if i > 0 {
                pieces.push(Piece::run("　　", RunStyle::plain(size, self.colors.text)));
            }
            pieces.push(Piece::run(
                *label,
                RunStyle::plain(size, self.colors.heading).bold(),
            ));
            pieces.push(Piece::run("　", RunStyle::plain(size, self.colors.text)));
            for part in parts {
                pieces.push(Piece::run(
                    part.clone(),
                    RunStyle::plain(size, self.colors.text).nowrap(),
                ));
            }
        }
        let para = Para::left(size, size * 1.7, false);
        self.lines(&pieces, self.left, self.width, para)
    }

    pub(crate) fn masthead(&mut self, n: &Newsletter) {
        let cfg = self.ctx.config;
        let ds = cfg.date_style;
        let (x, w) = (self.left, self.width);
        // The title, when it says more than the name and number.
        let title = self.page.meta.title.trim().to_owned();
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let redundant = [
            format!(
                "{}{}",
                cfg.newsletter_name,
                issue_number(n.number, crate::japanese::DigitStyle::Official)
            ),
            format!(
                "{}{}",
                cfg.newsletter_name,
                issue_number(n.number, crate::japanese::DigitStyle::Plain)
            ),
        ]
        .iter()
        .any(|r| squash(r) == squash(&title));
        let shows_title = !redundant && !title.is_empty();
        let p = self.open_node(Role::P);
        let mut c = self.publisher(cfg.title.clone(), w * 0.75);
        self.close_node(p);

        // Name and issue badge: the document's H1 unless the title is shown below.
        let name_node = self.open_node(if shows_title { Role::P } else { Role::H(1) });
        let name_size = self.style.headings.title + 5.0;
        let number = issue_number(n.number, ds);
        let badge_size = (self.style.headings.title * 0.72).max(10.0);
        let bw = self.measure(&number, true, badge_size) + badge_size * 1.3;
        let name_para = Para::left(name_size, name_size * 1.35, true);
        let name = vec![Piece::run(
            cfg.newsletter_name.clone(),
            RunStyle::plain(name_size, self.colors.accent).bold(),
        )];
        let name_lines = self.lines(&name, x, (w - bw - name_size).max(w * 0.4), name_para);
        let top = c.h;
        c.h = self.stack(&mut c, name_lines, top);
        // The badge sits on the first baseline of the name, at the right.
        let (a, d) = self.metrics(true, name_size);
        let base = top + (name_size * 1.35 - (a - d)) / 2.0 + a;
        let bh = badge_size * 1.65;
        let by = base - name_size * 0.38 - bh / 2.0;
        c.items
            .push(fill_rect(x + w - bw, by, bw, bh, self.colors.accent));
        let (ba, bd) = self.metrics(true, badge_size);
        let bbase = by + bh / 2.0 + (ba + bd) / 2.0;
        let run = Run {
            text: number.clone(),
            style: RunStyle::plain(badge_size, Rgb(1.0, 1.0, 1.0)).bold(),
            anchor: None,
        };
        let (items, _) = self.single_line(&[run], x + w - bw + badge_size * 0.65, bbase);
        c.items.extend(items);
        self.close_node(name_node);
        self.double_rule(&mut c);

        // 発行日・担当・配信先
        c.h += 4.0;
        let mut pairs: Vec<(&str, Vec<String>)> = Vec::new();
        if let Some(d) = self.page.meta.date {
            pairs.push(("発行日", vec![wareki_date(d, ds, true)]));
        }
        if let Some(a) = n.author.as_deref().filter(|a| !a.trim().is_empty()) {
            pairs.push(("担当", vec![a.trim().to_owned()]));
        }
        let recipients = if n.recipients.is_empty() {
            &cfg.recipients
        } else {
            &n.recipients
        };
        if !recipients.is_empty() {
            let n = recipients.len();
            let parts = recipients
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    if i + 1 < n {
                        format!("{r}、")
                    } else {
                        r.clone()
                    }
                })
                .collect();
            pairs.push(("配信先", parts));
        }
        if !pairs.is_empty() {
            let p = self.open_node(Role::P);
            let lines = self.meta_line(&pairs);
            self.close_node(p);
            self.append(&mut c, lines);
        }
        self.push(c);

        if shows_title {
            self.gap(self.em() * 1.0);
            self.title_lines(&title);
        }
        self.gap(self.em() * 1.2);
    }

    /// The small publisher line over a masthead or an event title, as a new chunk.
    fn publisher(&self, text: String, w: f32) -> Chunk {
        let size = self.style.text.small_size + 0.5;
        let pieces = vec![Piece::run(text, RunStyle::plain(size, self.colors.muted))];
        let lines = self.lines(&pieces, self.left, w, Para::left(size, size * 1.6, false));
        let mut c = Chunk::new(0.0);
        c.h = self.stack(&mut c, lines, 0.0);
        c
    }

    /// The page title (h1), left-aligned, wrapped, as a new chunk.
    fn title_chunk(&self, title: &str) -> Chunk {
        let node = self.open_node(Role::H(1));
        let c = self.title_chunk_inner(title);
        self.close_node(node);
        c
    }

    fn title_chunk_inner(&self, title: &str) -> Chunk {
        let size = self.style.headings.title;
        let para = Para::left(size, size * 1.45, true);
        let pieces = vec![Piece::run(
            title,
            RunStyle::plain(size, self.colors.heading).bold(),
        )];
        let lines = self.lines(&pieces, self.left, self.width, para);
        let mut c = Chunk::new(0.0);
        c.h = self.stack(&mut c, lines, 0.0);
        c
    }

    /// The page title as a chunk of its own, kept with what follows.
    fn title_lines(&mut self, title: &str) {
        let mut c = self.title_chunk(title);
        c.keep_with_next = true;
        self.push(c);
    }

    /// Title block of a plain page.
    pub(crate) fn plain_head(&mut self) {
        let title = self.page.meta.title.trim().to_owned();
        let mut c = self.title_chunk(&title);
        self.double_rule(&mut c);
        if let Some(d) = self.page.meta.date {
            c.h += 4.0;
            let p = self.open_node(Role::P);
            let lines = self.meta_line(&[(
                "更新日",
                vec![wareki_date(d, self.ctx.config.date_style, true)],
            )]);
            self.close_node(p);
            self.append(&mut c, lines);
        }
        self.push(c);
        self.gap(self.em() * 1.2);
    }

    pub(crate) fn event_head(&mut self, ev: &Event) {
        let cfg = self.ctx.config;
        let (x, w) = (self.left, self.width);
        let em = self.em();

        // Publisher line, then the status badge and the format chip.
        let p = self.open_node(Role::P);
        let mut c = self.publisher(format!("{}　研修会のご案内", cfg.title), w);
        self.close_node(p);
        // The badge and the chip are read as one line of text: 「延期 集合研修」.
        let p = self.open_node(Role::P);
        c.h += 3.0;
        let bsize = self.style.text.table_size + 0.5;
        let bh = bsize * 1.75;
        let (ba, bd) = self.metrics(true, bsize);
        let base = c.h + bh / 2.0 + (ba + bd) / 2.0;
        let look = status_look(ev.status);
        let label = ev.status.label();
        let bw = self.measure(label, true, bsize) + bsize * 1.4;
        c.items.push(fill_rect(x, c.h, bw, bh, look.fill));
        c.items.push(stroke_rect(
            x + 0.6,
            c.h + 0.6,
            bw - 1.2,
            bh - 1.2,
            look.border,
            1.2,
        ));
        let run = Run {
            text: label.to_owned(),
            style: RunStyle::plain(bsize, look.text).bold(),
            anchor: None,
        };
        let (items, _) = self.single_line(&[run], x + bsize * 0.7, base);
        c.items.extend(items);
        if let Some(f) = ev.format {
            let fx = x + bw + bsize * 0.6;
            let fsize = bsize - 0.5;
            let fw = self.measure(f.label(), false, fsize) + fsize * 1.2;
            c.items.push(stroke_rect(
                fx,
                c.h + 0.8,
                fw,
                bh - 1.6,
                hex("#7b8794"),
                0.7,
            ));
            let run = Run {
                text: f.label().to_owned(),
                style: RunStyle::plain(fsize, self.colors.muted),
                anchor: None,
            };
            let (items, _) = self.single_line(&[run], fx + fsize * 0.6, base);
            c.items.extend(items);
        }
        self.close_node(p);
        c.h += bh + em * 0.5;

        // Title.
        let h1 = self.open_node(Role::H(1));
        let size = self.style.headings.title;
        let para = Para::left(size, size * 1.45, true);
        let pieces = vec![Piece::run(
            self.page.meta.title.trim(),
            RunStyle::plain(size, self.colors.heading).bold(),
        )];
        let lines = self.lines(&pieces, x, w, para);
        self.close_node(h1);
        self.append(&mut c, lines);
        self.double_rule(&mut c);
        c.keep_with_next = true;
        self.push(c);

        // Postponed / cancelled banner.
        let banner = match ev.status {
            Status::Postponed => Some((
                "この研修会は延期になりました。",
                "下記の日程では開催しません。新しい日程は決まり次第お知らせします。",
            )),
            Status::Cancelled => Some((
                "この研修会は中止になりました。",
                "下記の日程では開催しません。",
            )),
            _ => None,
        };
        if let Some((head, text)) = banner {
            let look = status_look(ev.status);
            let bar = 6.0;
            let pad = em * 0.8;
            let mut b = Chunk::new(pad * 0.8);
            let hsize = self.style.headings.h3;
            let ink = match ev.status {
                Status::Postponed => hex("#4d2700"),
                _ => hex("#5c1010"),
            };
            let tx = x + bar + pad;
            let tw = w - bar - pad * 2.0;
            let hp = Para::left(hsize, hsize * 1.5, true);
            let p = self.open_node(Role::P);
            let lines = self.lines(
                &[Piece::run(head, RunStyle::plain(hsize, ink).bold())],
                tx,
                tw,
                hp,
            );
            self.append(&mut b, lines);
            let bp = Para {
                size: em,
                pitch: em * 1.6,
                justify: true,
                align: Align::Left,
                indent: 0.0,
                bold: false,
            };
            self.close_node(p);
            let p = self.open_node(Role::P);
            let lines = self.lines(&[Piece::run(text, RunStyle::plain(em, ink))], tx, tw, bp);
            self.close_node(p);
            self.append(&mut b, lines);
            b.h += pad * 0.8;
            let light = match ev.status {
                Status::Postponed => hex("#fff6e5"),
                _ => hex("#fdecec"),
            };
            b.items.insert(0, fill_rect(x, 0.0, w, b.h, light));
            b.items.insert(
                1,
                stroke_rect(x + 0.75, 0.75, w - 1.5, b.h - 1.5, look.border, 1.5),
            );
            b.items.insert(2, fill_rect(x, 0.0, bar, b.h, look.border));
            b.keep_with_next = true;
            self.gap(em * 0.9);
            self.push(b);
        }
        self.info_box(ev);
        self.gap(em * 1.4);
    }

    /// 開催概要: a bordered two-column table with a tinted label column; never split.
    fn info_box(&mut self, ev: &Event) {
        let ds = self.ctx.config.date_style;
        let (x, w) = (self.left, self.width);
        let size = self.style.text.size;
        let small = self.style.text.table_size;
        let em = self.em();
        let struck = matches!(ev.status, Status::Postponed | Status::Cancelled);
        let text = RunStyle::plain(size, self.colors.text);
        let dim = RunStyle::plain(
            size,
            if struck {
                self.colors.muted
            } else {
                self.colors.text
            },
        )
        .struck(struck);
        let muted = RunStyle::plain(small, self.colors.muted);

        // Rows: label and paragraphs (each a list of pieces, with a flag for smaller spacing).
        let mut rows: Vec<(&str, Vec<Vec<Piece>>)> = Vec::new();
        if !ev.sessions.is_empty() {
            let mut paras = Vec::new();
            for s in &ev.sessions {
                let when = format!(
                    "{} {}",
                    wareki_date(s.start.date(), ds, true),
                    time_range(s.start.time(), Some(s.end.time()), ds)
                );
                let mut p = vec![Piece::run(when, dim.clone().bold())];
                if let Some(l) = s.label.as_deref().filter(|l| !l.trim().is_empty()) {
                    p.push(Piece::run(format!(" （{}）", l.trim()), text.clone()));
                }
                paras.push(p);
                if !s.audience.is_empty() {
                    // Each ward stays whole on its line, as in the HTML.
                    let label = crate::content::event::audience_label(&s.audience);
                    let mut p = vec![Piece::run(format!("{label}："), muted.clone().bold())];
                    let n = s.audience.len();
                    for (i, w) in s.audience.iter().enumerate() {
                        let sep = if i + 1 < n { "、" } else { "" };
                        p.push(Piece::run(format!("{w}{sep}"), muted.clone().nowrap()));
                    }
                    paras.push(p);
                }
            }
            rows.push(("日時", paras));
        }
        if let Some(v) = ev.venue.as_deref().filter(|v| !v.trim().is_empty()) {
            rows.push(("場所", vec![vec![Piece::run(v.trim(), text.clone())]]));
        }
        if !ev.lecturers.is_empty() {
            let mut paras = Vec::new();
            for l in &ev.lecturers {
                let mut p = vec![Piece::run(l.name.trim(), text.clone().bold())];
                let aff = l
                    .affiliation
                    .as_deref()
                    .map(str::trim)
                    .filter(|a| !a.is_empty());
                let role = l.role.as_deref().map(str::trim).filter(|a| !a.is_empty());
                let extra = match (aff, role) {
                    (Some(a), Some(r)) => Some(format!("（{a} {r}）")),
                    (Some(a), None) => Some(format!("（{a}）")),
                    (None, Some(r)) => Some(format!("（{r}）")),
                    (None, None) => None,
                };
                if let Some(e) = extra {
                    p.push(Piece::run(e, RunStyle::plain(small, self.colors.text)));
                }
                paras.push(p);
            }
            rows.push(("講師", paras));
        }
        if let Some(f) = ev.format {
            rows.push(("形式", vec![vec![Piece::run(f.label(), text.clone())]]));
        }
        if let Some(t) = ev.target.as_deref().filter(|t| !t.trim().is_empty()) {
            rows.push(("対象", vec![vec![Piece::run(t.trim(), text.clone())]]));
        }
        if let Some(d) = ev.apply_by {
            rows.push((
                "申込締切",
                vec![vec![Piece::run(wareki_date(d, ds, true), dim.clone())]],
            ));
        }
        if let Some(n) = ev.capacity {
            rows.push((
                "定員",
                vec![vec![Piece::run(
                    format!("{}名", digits(i64::from(n), ds)),
                    text.clone(),
                )]],
            ));
        }
        if rows.is_empty() {
            return;
        }

        let pad_x = em * 0.8;
        let pad_y = em * 0.45;
        let label_w = rows
            .iter()
            .map(|(l, _)| self.measure(l, true, size))
            .fold(0.0, f32::max)
            + pad_x * 2.0;
        let label_w = label_w.max(em * 5.5);
        let vx = x + label_w + pad_x;
        let vw = w - label_w - pad_x * 2.0;
        let mut c = Chunk::new(0.0);
        // A table whose row headers are 日時, 場所, 講師…, captioned 開催概要.
        let table = self.open_node(Role::Table);
        let caption = self.open_node(Role::Caption);

        // Caption tab: 開催概要
        let csize = self.style.headings.h3;
        let tab_h = csize * 1.8;
        let tab_w = self.measure("開催概要", true, csize) + csize * 1.6;
        c.items
            .push(fill_rect(x, 0.0, tab_w, tab_h, self.colors.accent));
        let (ca, cd) = self.metrics(true, csize);
        let cbase = tab_h / 2.0 + (ca + cd) / 2.0;
        let run = Run {
            text: "開催概要".into(),
            style: RunStyle::plain(csize, Rgb(1.0, 1.0, 1.0)).bold(),
            anchor: None,
        };
        let (items, _) = self.single_line(&[run], x + csize * 0.8, cbase);
        self.close_node(caption);
        c.items.extend(items);
        c.h = tab_h;
        let table_top = c.h;
        c.cuts.push(c.h);

        let mut backgrounds = Vec::new();
        let mut rules = Vec::new();
        for (ri, (label, paras)) in rows.iter().enumerate() {
            let tr = self.child_node(Role::TR, table);
            let th = self.child_node(Role::TH(Scope::Row), tr);
            let td = self.child_node(Role::TD, tr);
            self.set_current(Current::Node(td));
            let top = c.h;
            let mut y = top + pad_y;
            for (pi, p) in paras.iter().enumerate() {
                let psize = match p.first() {
                    Some(Piece::Run(r)) => r.style.size,
                    _ => size,
                };
                if pi > 0 {
                    y += if psize < size { 0.0 } else { em * 0.35 };
                }
                let para = Para::left(psize, psize * 1.6, false);
                let node = self.open_node(Role::P);
                let lines = self.lines(p, vx, vw, para);
                self.close_node(node);
                y = self.stack(&mut c, lines, y);
            }
            self.set_current(Current::Node(th));
            let bottom = y + pad_y;
            let lpara = Para {
                size,
                pitch: size * 1.6,
                justify: false,
                align: Align::Center,
                indent: 0.0,
                bold: true,
            };
            let lines = self.lines(
                &[Piece::run(
                    *label,
                    RunStyle::plain(size, self.colors.heading).bold(),
                )],
                x,
                label_w,
                lpara,
            );
            self.stack(&mut c, lines, top + pad_y);
            backgrounds.push(fill_rect(x, top, label_w, bottom - top, self.colors.tint));
            if ri > 0 {
                rules.push(hline(x, x + w, top, self.colors.rule, 0.6));
            }
            c.h = bottom;
            c.cuts.push(bottom);
        }
        self.close_node(table);
        let border = self.colors.accent;
        rules.push(vline(x + label_w, table_top, c.h, self.colors.rule, 0.6));
        rules.push(stroke_rect(
            x + 0.5,
            table_top + 0.5,
            w - 1.0,
            c.h - table_top - 1.0,
            border,
            1.0,
        ));
        let mut items = backgrounds;
        items.append(&mut c.items);
        items.extend(rules);
        c.items = items;
        c.cuts.retain(|&y| y > tab_h + 1.0 && y < c.h - 0.5);
        c.cuts.sort_by(f32::total_cmp);
        self.gap(em * 1.1);
        self.push(c);
    }
}
