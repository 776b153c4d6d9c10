//! inquest: a static site generator for incident postmortem archives.
//!
//! The pipeline (see `build`): walk → parse → extract → render → assemble → theme → write.
//! Each stage is a function from values to values; only the first and the last touch disk.

pub mod archive;
pub mod build;
pub mod charts;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod edition;
pub mod extract;
pub mod feeds;
pub mod highlight;
pub mod history;
pub mod links;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pages;
pub mod record;
pub mod search;
pub mod serve;
pub mod stats;
pub mod theme;
pub mod views;
