//! tsushin (通信): publishes a city office's Japanese newsletter and training announcements,
//! written in Markdown, as an intranet site. Markdown and front matter are parsed once into a
//! typed document (`content`), which the renderers consume.

pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diag;
pub mod filenames;
pub mod html;
pub mod japanese;
pub mod mail;
pub mod pdf;
pub mod printed;
pub mod printer;
pub mod progress;
pub mod publish;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod source;
pub mod survey;
pub mod theme;
pub mod view;
pub mod yaml;
