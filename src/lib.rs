//! inquest: a static site generator for incident postmortem archives.
//!
//! The pipeline (see `build`): walk → parse → extract → render → assemble → theme → write.
//! Each stage is a function from values to values; only the first and the last touch disk.

pub mod config;
pub mod content;
pub mod diagnostic;
pub mod extract;
pub mod model;
pub mod highlight;
pub mod markdown;
