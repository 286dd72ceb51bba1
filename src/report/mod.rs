//! Turning sessions into words: sentences for events and scorecards in English or Japanese,
//! and the after-action report (built in `aar.rs`, laid out once in `layout.rs`, written as
//! Markdown or HTML). Nothing here prints; front-ends decide where the text goes.

pub mod aar;
pub mod csv;
pub mod describe;
pub mod html;
pub mod layout;
pub mod markdown;
