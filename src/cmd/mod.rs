//! One file per subcommand. Each returns an `Outcome`; only `main` turns it into an exit code.

pub mod build;
pub mod check;
pub mod extract;
pub mod init;
pub mod new;
pub mod serve;

use crate::diagnostic::Diagnostic;

/// How a command ended, mapped to the exit code by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the input has errors (reported already).
    Failed,
}

/// Prints diagnostics to stderr, warnings first, each with its hint.
pub fn report(diags: &[Diagnostic]) {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.path.cmp(&b.path))
            .then(a.line.cmp(&b.line))
    });
    for d in sorted {
        eprintln!("{d}");
    }
}
