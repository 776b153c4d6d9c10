//! Content: finding postmortem files (`walk`), decoding them and splitting off front matter
//! (`frontmatter`) into a `Document` that keeps every position relative to the whole file, and
//! finding internal passages (`fences`).

pub mod fences;
pub mod frontmatter;
pub mod walk;

use crate::diagnostic::Diagnostic;
pub use frontmatter::{Field, Format, FrontMatter};

/// How the body is written. `.txt` files get plain-text structure recognition in full
/// (every line break counts); Markdown gets it only where it has no markup of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Markdown,
    Text,
}

impl Kind {
    pub fn of(rel: &str) -> Kind {
        if rel.to_ascii_lowercase().ends_with(".txt") {
            Kind::Text
        } else {
            Kind::Markdown
        }
    }
}

/// A postmortem file read and split, before anything is extracted from it.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the content folder, `/`-separated.
    pub rel: String,
    /// Path as shown in messages (`content/2023/db.md`).
    pub shown: String,
    pub kind: Kind,
    pub front: Option<FrontMatter>,
    /// The body, LF line endings, no BOM.
    pub body: String,
    /// 1-based line of the body's first line in the whole file.
    pub body_line: u32,
}

impl Document {
    /// The file name without folders and extension (`2023-03-01-db-down`).
    pub fn stem(&self) -> &str {
        let name = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        name.rsplit_once('.').map_or(name, |(s, _)| s)
    }

    /// The folder the file is in, relative to the content folder ("" at the top).
    pub fn dir(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(d, _)| d)
    }
}

/// Decodes and splits one file. Invalid UTF-8 is replaced (with a warning naming the line);
/// a file that looks binary is an error.
pub fn parse(
    rel: &str,
    shown: &str,
    bytes: &[u8],
) -> Result<(Document, Vec<Diagnostic>), Diagnostic> {
    let mut warnings = Vec::new();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(Diagnostic::error(
            shown,
            0,
            "expected a text file, but found binary data (a NUL byte)",
        )
        .with_hint("rename the file so it does not end in .md, .markdown or .txt, and it will be copied as an attachment"));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32
                + 1;
            warnings.push(
                Diagnostic::warning(
                    shown,
                    line,
                    "invalid UTF-8; bad bytes were replaced with `\u{FFFD}`",
                )
                .with_hint("save the file as UTF-8"),
            );
            String::from_utf8_lossy(bytes)
        }
    };
    let text = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        text
    };
    let split = frontmatter::split(&text, shown)?;
    Ok((
        Document {
            rel: rel.to_string(),
            shown: shown.to_string(),
            kind: Kind::of(rel),
            body: split.body.to_string(),
            body_line: split.body_line,
            front: split.front,
        },
        warnings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_normalised() {
        let (doc, w) = parse(
            "a.md",
            "content/a.md",
            b"\xEF\xBB\xBF+++\r\ntitle = \"x\"\r\n+++\r\nbody\r\n",
        )
        .unwrap();
        assert!(w.is_empty());
        assert_eq!(doc.front.unwrap().get("title").unwrap().line, 2);
        assert_eq!(doc.body, "body\n");
        assert_eq!(doc.body_line, 4);
    }

    #[test]
    fn invalid_utf8_is_a_located_warning() {
        let (doc, w) = parse("a.txt", "a.txt", b"line one\nbad \xFF byte\n").unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 2);
        assert!(doc.body.contains('\u{FFFD}'));
        assert_eq!(doc.kind, Kind::Text);
    }

    #[test]
    fn binary_is_an_error() {
        assert!(parse("a.md", "a.md", b"\x89PNG\x00\x00").is_err());
    }

    #[test]
    fn stem_and_dir() {
        let (doc, _) = parse("2023/2023-03-01-db.md", "x", b"").unwrap();
        assert_eq!(doc.stem(), "2023-03-01-db");
        assert_eq!(doc.dir(), "2023");
    }
}
