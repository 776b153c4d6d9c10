//! Front matter: TOML between `+++` lines or YAML between `---` lines, at the very top of a
//! file. Values become JSON values with the line of their key, counted in the whole file, so
//! every later message can point at the right line.
//!
//! | opening line | format | closing line   |
//! |--------------|--------|----------------|
//! | `+++`        | TOML   | `+++`          |
//! | `---`        | YAML   | `---` or `...` |

use serde_json::Value;

use crate::config::line_of;
use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// One top-level key of the front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub value: Value,
    /// 1-based line of the key in the whole file.
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub format: Format,
    pub fields: Vec<Field>,
}

impl FrontMatter {
    pub fn get(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// Where the front matter ends and the body begins.
#[derive(Debug)]
pub struct Split<'a> {
    pub front: Option<FrontMatter>,
    pub body: &'a str,
    /// 1-based line of the body's first line in the whole file.
    pub body_line: u32,
}

/// Splits `text` (already LF-normalised) into front matter and body.
pub fn split<'a>(text: &'a str, shown: &str) -> Result<Split<'a>, Diagnostic> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let format = match text[..first_end].trim_end() {
        "+++" => Format::Toml,
        "---" => Format::Yaml,
        _ => {
            return Ok(Split {
                front: None,
                body: text,
                body_line: 1,
            })
        }
    };
    let inner_start = (first_end + 1).min(text.len());
    // Find the closing delimiter on a line of its own.
    let mut pos = inner_start;
    let mut close: Option<(usize, usize)> = None;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        let closes = match format {
            Format::Toml => line == "+++",
            Format::Yaml => line == "---" || line == "...",
        };
        if closes {
            close = Some((pos, (end + 1).min(text.len())));
            break;
        }
        pos = end + 1;
    }
    let delim = if format == Format::Toml { "+++" } else { "---" };
    let Some((inner_end, body_start)) = close else {
        return Err(Diagnostic::error(
            shown,
            1,
            format!("front matter opened with `{delim}` on line 1 is never closed"),
        )
        .with_hint(format!(
            "add a line with just `{delim}` after the last front-matter key"
        )));
    };
    let inner = &text[inner_start..inner_end];
    let inner_line = 2;
    let fields = match format {
        Format::Toml => parse_toml(inner, inner_line, shown),
        Format::Yaml => parse_yaml(inner, inner_line, shown),
    }
    .map_err(|e| marker_in(inner, inner_line, shown).unwrap_or(e))?;
    Ok(Split {
        front: Some(FrontMatter { format, fields }),
        body: &text[body_start..],
        body_line: line_of(text, body_start),
    })
}

/// An internal-passage marker that broke the front matter: a clearer error than the parser's.
fn marker_in(inner: &str, first_line: u32, shown: &str) -> Option<Diagnostic> {
    let i = inner
        .lines()
        .position(|l| super::fences::marker(l).is_some())?;
    Some(
        Diagnostic::error(
            shown,
            first_line + i as u32,
            "internal markers do not work in front matter",
        )
        .with_hint("declare whole keys internal in site.toml (`[editions] internal_fields = [\"authors\"]`), or move the passage into the body"),
    )
}

fn parse_toml(inner: &str, first_line: u32, shown: &str) -> Result<Vec<Field>, Diagnostic> {
    let table: toml::Table = toml::from_str(inner).map_err(|e| {
        let line = e.span().map_or(first_line, |s| first_line + line_of(inner, s.start) - 1);
        Diagnostic::error(
            shown,
            line,
            format!("invalid TOML front matter: {}", e.message().trim()),
        )
        .with_hint("TOML needs `key = value` with strings in double quotes, e.g. `title = \"Database outage\"`")
    })?;
    Ok(table
        .into_iter()
        .map(|(key, v)| {
            let line = first_line + key_line(inner, &key, '=').saturating_sub(1);
            Field {
                value: toml_to_json(v),
                line,
                key,
            }
        })
        .collect())
}

fn parse_yaml(inner: &str, first_line: u32, shown: &str) -> Result<Vec<Field>, Diagnostic> {
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(inner).map_err(|e| {
        let line = e
            .location()
            .map_or(first_line, |l| first_line + l.line() as u32 - 1);
        Diagnostic::error(shown, line, format!("invalid YAML front matter: {e}"))
            .with_hint("YAML needs `key: value`, lists as `[a, b]`; quote values that contain `: `")
    })?;
    let serde_yaml_ng::Value::Mapping(map) = value else {
        return Err(Diagnostic::error(
            shown,
            first_line,
            "expected YAML front matter to be `key: value` lines, but found a single value",
        )
        .with_hint("write one `key: value` pair per line, e.g. `title: Database outage`"));
    };
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        let key = match k {
            serde_yaml_ng::Value::String(s) => s,
            other => serde_json::to_string(&yaml_to_json(other)).unwrap_or_default(),
        };
        let line = first_line + key_line(inner, &key, ':').saturating_sub(1);
        out.push(Field {
            value: yaml_to_json(v),
            line,
            key,
        });
    }
    Ok(out)
}

/// 1-based line of `key` followed by `sep` at the start of a line, or 1.
fn key_line(inner: &str, key: &str, sep: char) -> u32 {
    inner
        .lines()
        .position(|l| {
            let l = l.trim_start();
            let l = l
                .strip_prefix('"')
                .and_then(|r| r.strip_prefix(key))
                .and_then(|r| r.strip_prefix('"'))
                .or_else(|| l.strip_prefix(key));
            l.is_some_and(|r| r.trim_start().starts_with(sep))
        })
        .map_or(1, |i| i as u32 + 1)
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn yaml_to_json(v: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_json::to_string(&yaml_to_json(other)).unwrap_or_default(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_front_matter() {
        let s = split("# Title\n\nbody\n", "a.md").unwrap();
        assert!(s.front.is_none());
        assert_eq!(s.body_line, 1);
    }

    #[test]
    fn toml_fields_keep_their_lines() {
        let text = "+++\ntitle = \"DB down\"\n\ntags = [\"db\"]\ndate = 2023-03-01\n+++\n# Body\n";
        let s = split(text, "a.md").unwrap();
        let fm = s.front.unwrap();
        assert_eq!(fm.format, Format::Toml);
        assert_eq!(fm.get("title").unwrap().line, 2);
        assert_eq!(fm.get("tags").unwrap().line, 4);
        assert_eq!(
            fm.get("date").unwrap().value,
            Value::String("2023-03-01".into())
        );
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 7);
    }

    #[test]
    fn yaml_fields_keep_their_lines() {
        let text = "---\ntitle: DB down\nservices:\n  - api\n  - db\nseverity: SEV2\n---\nBody\n";
        let s = split(text, "a.md").unwrap();
        let fm = s.front.unwrap();
        assert_eq!(fm.format, Format::Yaml);
        assert_eq!(fm.get("services").unwrap().line, 3);
        assert_eq!(fm.get("severity").unwrap().line, 6);
        assert_eq!(s.body_line, 8);
    }

    #[test]
    fn toml_error_line_counts_in_the_whole_file() {
        let text = "+++\ntitle = \"ok\"\ndate = \n+++\n";
        let err = split(text, "content/a.md").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err
            .to_string()
            .starts_with("content/a.md:3: error: invalid TOML"));
    }

    #[test]
    fn yaml_error_line_counts_in_the_whole_file() {
        let text = "---\ntitle: ok\ntags: [a, b\n---\n";
        let err = split(text, "a.md").unwrap_err();
        assert!(err.line >= 3, "{err}");
    }

    #[test]
    fn unclosed_front_matter_is_an_error_on_line_one() {
        let err = split("+++\ntitle = \"x\"\n# body\n", "a.md").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn an_internal_marker_in_front_matter_is_named_as_such() {
        for text in [
            "+++\ntitle = \"x\"\n<!-- internal -->\nauthors = [\"a\"]\n<!-- /internal -->\n+++\n",
            "---\ntitle: x\n<!-- internal -->\nauthors: [a]\n<!-- /internal -->\n---\n",
        ] {
            let err = split(text, "a.md").unwrap_err();
            assert_eq!(err.line, 3, "{err}");
            assert!(err
                .message
                .contains("internal markers do not work in front matter"));
            assert!(err.hint.unwrap().contains("internal_fields"));
        }
    }

    #[test]
    fn only_front_matter() {
        let s = split("+++\ntitle = \"x\"\n+++", "a.md").unwrap();
        assert_eq!(s.body, "");
    }
}
