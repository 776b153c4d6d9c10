//! Integration tests: whole fixture sites are built into temporary folders by the real binary,
//! and the output is checked by parsing it (scraper), not by grepping strings.

mod authoring;
mod bad_input;
mod browser;
mod build;
mod cli;
mod editions;
mod feeds;
mod incremental;
mod reports;
mod search;
mod serve;
mod support;
