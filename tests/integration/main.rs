//! Integration tests: whole fixture sites are built into temporary folders by the real binary,
//! and the output is checked by parsing it (scraper), not by grepping strings.

mod browser;
mod build;
mod cli;
mod search;
mod support;
