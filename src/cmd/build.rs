//! `inquest build`: build the site and print one summary line, or every problem found.

use crate::build::{build, BuildOptions};
use crate::cli::BuildArgs;
use crate::cmd::{report, Outcome};
use crate::edition::Edition;

pub fn run(args: BuildArgs) -> Outcome {
    let opts = BuildOptions {
        root: args.root,
        output: args.output,
        base_url: args.base_url,
        drafts: args.drafts,
        strict: args.strict,
        edition: args.edition.map(Into::into),
    };
    match build(&opts) {
        Ok(r) => {
            report(&r.warnings);
            let mut notes = Vec::new();
            if r.drafts_skipped > 0 {
                notes.push(format!(
                    "{} draft{} left out; --drafts includes them",
                    r.drafts_skipped,
                    plural(r.drafts_skipped)
                ));
            }
            if r.internal > 0 {
                notes.push(match r.edition {
                    Edition::Public => format!("{} internal left out", r.internal),
                    Edition::Internal => format!("{} of them internal", r.internal),
                });
            }
            let drafts = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join("; "))
            };
            let warnings = match r.warnings.len() {
                0 => String::new(),
                n => format!(", {n} warning{}", plural(n)),
            };
            println!(
                "built the {} edition: {} postmortem{}{drafts}, {} term{}, {} files into {} in {} ms{warnings}",
                r.edition,
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
