//! Turning sessions into words: sentences for events and scorecards in English or Japanese.
//! Nothing here prints; front-ends decide where the text goes.

pub mod describe;
