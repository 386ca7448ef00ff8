//! The title page of a meeting handout (会議資料), as the handouts of a meeting are printed:
//! the 資料番号 boxed at the top right, then, centred, the meeting's name, the title, the
//! meeting's date in the Japanese era and the publisher. The body starts on the next page.

use crate::content::frontmatter::Handout;
use crate::japanese::{handout_number, wareki_date};
use crate::pdf::draw::{Rgb, Role};

use super::Engine;
use super::flow::{Chunk, hline, stroke_rect};
use super::inline::{Align, Para, Piece, RunStyle};

impl Engine<'_> {
    pub(crate) fn handout_head(&mut self, h: &Handout) {
        let cfg = self.ctx.config;
        let ds = cfg.date_style;
        let (x, w) = (self.left, self.width);
        let mut c = Chunk::new(0.0);

        // 資料３, boxed at the top right.
        let size = self.style.headings.title;
        let number = handout_number(h.number, ds);
        let pad = size * 0.5;
        let bw = self.measure(&number, true, size) + pad * 2.0;
        let node = self.open_node(Role::P);
        let lines = self.lines(
            &[Piece::run(
                number,
                RunStyle::plain(size, self.colors.text).bold(),
            )],
            x + w - bw + pad,
            bw - pad * 2.0 + 1.0,
            Para::left(size, size * 1.6, true),
        );
        self.close_node(node);
        let top = c.h;
        c.append_lines(lines);
        c.items.push(stroke_rect(
            x + w - bw,
            top,
            bw,
            c.h - top,
            self.colors.text,
            1.0,
        ));

        // The rest sits a little above the middle of the page.
        c.h += self.body_h * 0.2;
        let heading = self.colors.heading;
        let muted = self.colors.muted;
        let line = |size: f32| Para {
            align: Align::Center,
            ..Para::left(size, size * 1.6, false)
        };
        let meeting = self.style.headings.h3 + 2.0;
        self.centered(
            &mut c,
            Role::P,
            &h.meeting,
            meeting,
            muted,
            false,
            line(meeting),
        );
        c.h += 6.0;
        let title_size = self.style.headings.title + 8.0;
        let title = self.page.meta.title.trim().to_owned();
        let para = Para {
            bold: true,
            ..line(title_size)
        };
        self.centered(&mut c, Role::H(1), &title, title_size, heading, true, para);
        c.h += 8.0;
        c.items.push(hline(
            x + w * 0.25,
            x + w * 0.75,
            c.h,
            self.colors.accent,
            1.2,
        ));
        c.h += 14.0;
        let size = self.style.headings.h3;
        if let Some(d) = self.page.meta.date {
            let date = wareki_date(d, ds, true);
            self.centered(
                &mut c,
                Role::P,
                &date,
                size,
                self.colors.text,
                false,
                line(size),
            );
        }
        let publisher = cfg.title.trim().to_owned();
        if !publisher.is_empty() {
            c.h += 4.0;
            self.centered(
                &mut c,
                Role::P,
                &publisher,
                size,
                self.colors.text,
                false,
                line(size),
            );
        }
        self.push(c);
    }

    /// One centred paragraph of `text` appended to `c`, tagged as `role`.
    #[allow(clippy::too_many_arguments)]
    fn centered(
        &self,
        c: &mut Chunk,
        role: Role,
        text: &str,
        size: f32,
        color: Rgb,
        bold: bool,
        para: Para,
    ) {
        let style = RunStyle::plain(size, color);
        let style = if bold { style.bold() } else { style };
        let node = self.open_node(role);
        let lines = self.lines(&[Piece::run(text, style)], self.left, self.width, para);
        self.close_node(node);
        c.append_lines(lines);
    }
}
