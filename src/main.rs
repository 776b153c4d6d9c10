//! The `inquest` binary: parse arguments, run the command, map the outcome to an exit code
//! (0 success, 1 errors in the input, 2 bad usage — clap's own code).

use std::process::ExitCode;

use clap::Parser;
use inquest::cli::{Cli, Command};
use inquest::cmd::{self, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Extract(a) => cmd::extract::run(a),
    };
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::Failed => ExitCode::from(1),
    }
}
