//! Command-line arguments: the only module that knows clap. Raw arguments become validated
//! command values here, once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::edition::Edition;

#[derive(Debug, Parser)]
#[command(
    name = "inquest",
    version,
    about = "A static site generator for incident postmortem archives",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default)
    Build(BuildArgs),
    /// Create a starter site: site.toml and content/ with an example postmortem
    Init(InitArgs),
    /// Print the metadata inquest reads from postmortem files, with where each value came from
    Extract(ExtractArgs),
    /// Serve the site with live reload while you write, with a panel of what inquest read
    Serve(ServeArgs),
    /// Start a new postmortem from a template: content/YYYY-MM-DD-<slug>.md
    New(NewArgs),
    /// Check every postmortem as a build would, and write nothing
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder (holding site.toml)
    #[arg(long, short = 'r', default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Port to listen on
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on (127.0.0.1 keeps the preview private to this machine)
    #[arg(long, short = 'i', default_value = "127.0.0.1", value_name = "IP")]
    pub interface: String,
    /// Open the site in a browser
    #[arg(long, short = 'O')]
    pub open: bool,
    /// Include postmortems marked `draft = true`
    #[arg(long)]
    pub drafts: bool,
    /// Preview this edition (default: `[editions] default` in site.toml, else public)
    #[arg(long, short = 'e', value_enum, value_name = "EDITION")]
    pub edition: Option<EditionArg>,
}

/// `--edition`: which site to build from the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EditionArg {
    /// Leaves out internal postmortems, internal passages and internal front-matter fields
    Public,
    /// Everything, with internal postmortems and passages marked
    Internal,
}

impl From<EditionArg> for Edition {
    fn from(e: EditionArg) -> Edition {
        match e {
            EditionArg::Public => Edition::Public,
            EditionArg::Internal => Edition::Internal,
        }
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The postmortem's title
    #[arg(value_name = "TITLE")]
    pub title: String,
    /// The site folder (holding site.toml)
    #[arg(long, short = 'r', default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// A template from the site's archetypes/ folder (archetypes/NAME.md)
    #[arg(long, short = 't', value_name = "NAME")]
    pub template: Option<String>,
    /// Date of the incident (YYYY-MM-DD); today in the site's zone by default
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder (holding site.toml)
    #[arg(long, short = 'r', default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Check drafts too
    #[arg(long)]
    pub drafts: bool,
    /// Print one JSON object per finding, one per line
    #[arg(long)]
    pub json: bool,
    /// Treat warnings as errors (exit code 1 when there are any)
    #[arg(long)]
    pub strict: bool,
    /// Check this edition (default: `[editions] default` in site.toml, else public)
    #[arg(long, short = 'e', value_enum, value_name = "EDITION")]
    pub edition: Option<EditionArg>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder (holding site.toml)
    #[arg(long, short = 'r', default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Write the site here instead of `output_dir` from site.toml
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of `base_url` from site.toml
    #[arg(long, short = 'u', value_name = "URL")]
    pub base_url: Option<String>,
    /// Include postmortems marked `draft = true`
    #[arg(long)]
    pub drafts: bool,
    /// Treat warnings as errors (for CI)
    #[arg(long)]
    pub strict: bool,
    /// Build this edition (default: `[editions] default` in site.toml, else public)
    #[arg(long, short = 'e', value_enum, value_name = "EDITION")]
    pub edition: Option<EditionArg>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the site in (created if missing; must not hold a site already)
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Postmortem files to read
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print JSON: one object for one file, one object per line for several
    #[arg(long)]
    pub json: bool,
    /// Site folder whose site.toml gives the default time zone and extraction settings
    #[arg(long, short = 'r', value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Read the files as this edition does (default: `[editions] default` in site.toml, else
    /// public: what the public site would read from them)
    #[arg(long, short = 'e', value_enum, value_name = "EDITION")]
    pub edition: Option<EditionArg>,
}
