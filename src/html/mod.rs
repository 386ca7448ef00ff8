//! HTML for page bodies; the page around them comes from the theme's templates.

pub mod body;
pub mod survey;

pub use body::{BodyOptions, render_body};
