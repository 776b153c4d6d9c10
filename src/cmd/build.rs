//! `inquest build`: build the site and print one summary line, or every problem found.

use crate::build::{build, BuildOptions};
use crate::cli::BuildArgs;
use crate::cmd::{report, Outcome};

pub fn run(args: BuildArgs) -> Outcome {
    let opts = BuildOptions {
        root: args.root,
        output: args.output,
        base_url: args.base_url,
        drafts: args.drafts,
    };
    match build(&opts) {
        Ok(r) => {
            report(&r.warnings);
            let drafts = if r.drafts_skipped > 0 {
                format!(
                    " ({} draft{} left out; --drafts includes them)",
                    r.drafts_skipped,
                    plural(r.drafts_skipped)
                )
            } else {
                String::new()
            };
            let warnings = match r.warnings.len() {
                0 => String::new(),
                n => format!(", {n} warning{}", plural(n)),
            };
            println!(
                "built {} postmortem{}{drafts}, {} term{}, {} files into {} in {} ms{warnings}",
                r.postmortems,
                plural(r.postmortems),
                r.terms,
                plural(r.terms),
                r.files_written,
                r.output_dir.display(),
                r.elapsed.as_millis()
            );
            Outcome::Success
        }
        Err(f) => {
            report(&f.diagnostics);
            let n = f.errors();
            eprintln!(
                "error: build failed with {n} error{}; the previous output was left untouched",
                plural(n)
            );
            Outcome::Failed
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
