//! `inquest serve`: the live preview.

use crate::cli::ServeArgs;
use crate::cmd::Outcome;
use crate::serve::{run as serve, ServeOptions};

pub fn run(args: ServeArgs) -> Outcome {
    let opts = ServeOptions {
        root: args.root,
        interface: args.interface,
        port: args.port,
        open: args.open,
        drafts: args.drafts,
        edition: args.edition.map(Into::into),
    };
    match serve(opts) {
        Ok(()) => Outcome::Success,
        Err(msg) => {
            eprintln!("error: {msg}");
            Outcome::Failed
        }
    }
}
