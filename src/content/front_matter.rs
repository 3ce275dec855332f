//! The TOML block between `+++` lines at the top of a content file.

use serde::Deserialize;
use toml::Spanned;

use super::placeholder;
use crate::diagnostics::{closest, Diagnostic, SourceSpan};

const FENCE: &str = "+++";
pub const FORMAT_HELP: &str = "the front matter takes `title`, `date`, `cities`, and optionally `topics`, `summary`, `source`, `source_url`, `slug`, `draft`, `lang` and `translation`";
const FIELDS: [&str; 11] = [
    "title",
    "lang",
    "translation",
    "date",
    "cities",
    "topics",
    "summary",
    "source",
    "source_url",
    "slug",
    "draft",
];

/// A content file cut into its front matter and body, with the byte offset
/// of each in the file so that problems point at lines of the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    pub front_matter_offset: usize,
    pub body: &'a str,
}

/// Cuts `text` at its `+++` fences. A UTF-8 byte-order mark is allowed before the first one.
pub fn split(text: &str) -> Result<Split<'_>, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = lines_with_offsets(text, start);
    let first = lines.next().map(|(_, line)| line.trim_end()).unwrap_or("");
    if first != FENCE {
        let help = if first == "---" {
            "this looks like YAML front matter; Concord reads TOML between two `+++` lines"
        } else {
            "start the file with a `+++` line, then title, date and cities in TOML, then another `+++` line"
        };
        return Err(Diagnostic::error("the file has no front matter")
            .at(SourceSpan::locate(text, start..start + first.len()))
            .label("expected `+++` here")
            .help(help));
    }
    let front_matter_offset = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    for (offset, line) in lines {
        if line.trim_end() == FENCE {
            let body_offset = (offset + line.len() + 1).min(text.len());
            return Ok(Split {
                front_matter: &text[front_matter_offset..offset],
                front_matter_offset,
                body: &text[body_offset..],
            });
        }
    }
    Err(Diagnostic::error("the front matter is never closed")
        .at(SourceSpan::locate(text, start..start + FENCE.len()))
        .label("this `+++` opens it")
        .help(
            "add a line with just `+++` after the last front-matter field, before the article text",
        ))
}

fn lines_with_offsets(text: &str, start: usize) -> impl Iterator<Item = (usize, &str)> {
    text[start..].split('\n').scan(start, |offset, line| {
        let here = *offset;
        *offset += line.len() + 1;
        Some((here, line))
    })
}

/// The front matter as written, before it is checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub title: Option<Spanned<String>>,
    pub date: Option<Spanned<toml::Value>>,
    pub cities: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub topics: Vec<Spanned<String>>,
    pub summary: Option<Spanned<String>>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub slug: Option<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    /// The article's language as a BCP 47 tag, when not the site's.
    pub lang: Option<Spanned<String>>,
    /// The key it shares with its translations.
    pub translation: Option<Spanned<String>>,
}

/// Parses the front matter of `split`, out of the whole file `text`.
/// Spans in the result and in errors are byte offsets of the whole file.
pub fn parse(text: &str, split: &Split<'_>) -> Result<RawFrontMatter, Diagnostic> {
    toml::from_str(split.front_matter).map_err(|error| {
        let offset = split.front_matter_offset;
        let span = error
            .span()
            .map_or(offset..offset, |s| s.start + offset..s.end + offset);
        let message = error.message().trim();
        match unknown_field(message) {
            Some(field) => Diagnostic::error(format!("unknown front-matter field `{field}`"))
                .at(SourceSpan::locate(text, span))
                .label("not a field Concord knows")
                .help(match closest_field(field) {
                    Some(known) => format!("did you mean `{known}`? {FORMAT_HELP}"),
                    None => FORMAT_HELP.to_string(),
                }),
            None => match placeholder_at(text, span.start) {
                Some((found, field)) => Diagnostic::error(format!(
                    "`{}` is a placeholder, not a value",
                    &text[found.clone()]
                ))
                .at(SourceSpan::locate(text, found))
                .label("placeholder")
                .help(value_help(field)),
                None => Diagnostic::error(format!("the front matter is not valid TOML: {message}"))
                    .at(SourceSpan::locate(text, span))
                    .help(FORMAT_HELP),
            },
        }
    })
}

/// A placeholder on the line where TOML found an error (`date = [Insert
/// Date]`), and the field the line sets: the editor forgot to fill it in.
fn placeholder_at(text: &str, at: usize) -> Option<(std::ops::Range<usize>, &str)> {
    let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let found = placeholder::find(line).into_iter().next()?;
    let field = line.split('=').next().unwrap_or_default().trim();
    Some((found.start + start..found.end + start, field))
}

/// How to write a real value for `field`.
fn value_help(field: &str) -> String {
    match field {
        "date" => format!(
            "write the date without quotes, like `date = {}`",
            placeholder::EXAMPLE_DATE
        ),
        "cities" | "topics" => {
            format!("write a list of quoted names, like `{field} = [\"wuxi\", \"xuzhou\"]`")
        }
        "" => "write the real value in its place".to_string(),
        field => format!("write the real text in quotes, like `{field} = \"...\"`"),
    }
}

/// The field serde names in "unknown field `citys`, expected one of …".
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

fn closest_field(field: &str) -> Option<&'static str> {
    closest(field, FIELDS.iter().map(|known| (*known, *known)))
}

/// Shifts a span inside the front matter to a span of the whole file.
pub fn file_span<T>(split: &Split<'_>, value: &Spanned<T>) -> std::ops::Range<usize> {
    let span = value.span();
    span.start + split.front_matter_offset..span.end + split.front_matter_offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let split = split(text).unwrap();
        assert_eq!(split.front_matter, "title = \"A\"\n");
        assert_eq!(split.front_matter_offset, 4);
        assert_eq!(split.body, "Body\n");
    }

    #[test]
    fn accepts_crlf_bom_and_an_empty_body() {
        let text = "\u{feff}+++\r\ntitle = \"A\"\r\n+++";
        let split = split(text).unwrap();
        assert_eq!(split.front_matter, "title = \"A\"\r\n");
        assert_eq!(split.body, "");
    }

    #[test]
    fn missing_front_matter_is_explained() {
        let error = split("# Just a heading\n").unwrap_err();
        assert_eq!(error.message, "the file has no front matter");
        let yaml = split("---\ntitle: A\n---\n").unwrap_err();
        assert!(yaml.help.unwrap().contains("YAML"));
    }

    #[test]
    fn unterminated_front_matter_points_at_the_opening_fence() {
        let error = split("+++\ntitle = \"A\"\nBody").unwrap_err();
        assert_eq!(error.message, "the front matter is never closed");
        assert_eq!(error.span.unwrap().line, 1);
    }

    #[test]
    fn toml_errors_carry_lines_of_the_file() {
        let text = "+++\ntitle = \"A\"\ndate = = 2020\n+++\n";
        let split = split(text).unwrap();
        let error = parse(text, &split).unwrap_err();
        assert_eq!(error.span.unwrap().line, 3);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = "+++\ncitys = [\"wuxi\"]\n+++\n";
        let split = split(text).unwrap();
        let error = parse(text, &split).unwrap_err();
        assert_eq!(error.message, "unknown front-matter field `citys`");
        assert!(error.help.unwrap().starts_with("did you mean `cities`?"));
        assert_eq!(error.span.unwrap().line, 2);
    }
}
