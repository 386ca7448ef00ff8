//! The colours and words that go with a training's status: the badge (開催予定, 延期 …) and
//! the notice of a postponed or cancelled training. These are the default theme's colours
//! (`style.css` writes the same values for the page); the PDF takes them from here.

use serde::Serialize;

use crate::content::event::Status;

/// Badge colours, as `#rrggbb`.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusLook {
    pub fill: &'static str,
    pub border: &'static str,
    pub text: &'static str,
}

pub fn look(s: Status) -> StatusLook {
    let (fill, border, text) = match s {
        Status::Scheduled => ("#1f5a96", "#1f5a96", "#ffffff"),
        Status::Ongoing => ("#0f6e5f", "#0f6e5f", "#ffffff"),
        Status::Held => ("#eef1f3", "#7b8794", "#3b4650"),
        Status::Postponed => ("#fff3dc", "#c26a00", "#7a3e00"),
        Status::Cancelled => ("#fde8e8", "#b42323", "#9b1c1c"),
    };
    StatusLook { fill, border, text }
}

/// The colours of a badge written in the text (【開催予定】, 【NEW】 …): a status as the
/// trainings show it, NEW in red.
pub fn badge(b: crate::content::model::Badge) -> StatusLook {
    match b {
        crate::content::model::Badge::Status(s) => look(s),
        crate::content::model::Badge::New => StatusLook {
            fill: "#b42323",
            border: "#b42323",
            text: "#ffffff",
        },
    }
}

/// The border of the chip that shows the format (参集, オンライン …).
pub const FORMAT_CHIP_BORDER: &str = "#7b8794";

/// The notice under the title of a postponed or cancelled training, with its colours.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct BannerText {
    pub title: &'static str,
    pub text: &'static str,
    pub background: &'static str,
    pub border: &'static str,
    pub ink: &'static str,
}

pub fn banner(s: Status) -> Option<BannerText> {
    match s {
        Status::Postponed => Some(BannerText {
            title: "この研修会は延期になりました。",
            text: "下記の日程では開催しません。新しい日程は決まり次第お知らせします。",
            background: "#fff6e5",
            border: "#c26a00",
            ink: "#4d2700",
        }),
        Status::Cancelled => Some(BannerText {
            title: "この研修会は中止になりました。",
            text: "下記の日程では開催しません。",
            background: "#fdecec",
            border: "#b42323",
            ink: "#5c1010",
        }),
        _ => None,
    }
}
