//! The `inquest` binary: parse arguments, run the command, map the outcome to an exit code
//! (0 success, 1 errors in the input, 2 bad usage — clap's own code).

use std::process::ExitCode;

use clap::Parser;
use inquest::cli::{Cli, Command};
use inquest::cmd::{self, Outcome};

/// mimalloc instead of glibc's malloc: a build allocates and frees many small strings on
/// several threads at once, where glibc's arenas spent about 15% of a 10,000-postmortem
/// build (perf); see the README's Performance section.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `inquest check | head` should end quietly when the pipe closes, like other Unix tools,
    // instead of panicking on a failed write.
    #[cfg(unix)]
    // SAFETY: restoring the default action of a signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Extract(a) => cmd::extract::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::New(a) => cmd::new::run(a),
        Command::Check(a) => cmd::check::run(a),
    };
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::Failed => ExitCode::from(1),
    }
}
