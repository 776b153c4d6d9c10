//! Command-line arguments: the only module that knows clap. Raw arguments become validated
//! command values here, once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
}
