//! Problems found in a site's files, reported the way compilers report them:
//! what is wrong, where (file, line, column, the line itself), and how to fix it.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// `1 error`, `3 errors`, `1,204 files`: a count as a report line says it.
pub fn count(n: usize, noun: &str) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let plural = if n == 1 { "" } else { "s" };
    format!("{grouped} {noun}{plural}")
}

/// Of `candidates` (a name, and what it names), the one closest to what was
/// typed, if it is close enough to be what was meant: no more edits than a
/// third of its length. Ties go to the name that sorts first.
pub fn closest<'a, T>(
    typed: &str,
    candidates: impl IntoIterator<Item = (&'a str, T)>,
) -> Option<T> {
    candidates
        .into_iter()
        .map(|(name, value)| (strsim::levenshtein(typed, name), name, value))
        .filter(|(distance, name, _)| *distance <= name.chars().count().div_ceil(3))
        .min_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
        .map(|(_, _, value)| value)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// The part of a file a problem is about, with the line it is on. Spans of
/// one file share its text rather than copy their lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpan {
    /// 1-based line number in the file.
    pub line: usize,
    source: Arc<str>,
    /// The line, without its line break, as a byte range of the file.
    line_range: Range<usize>,
    /// Byte range within the line.
    pub range: Range<usize>,
}

impl SourceSpan {
    /// Locates a byte range of a whole file (see [`SourceText::span`]). It
    /// indexes the file first: for more than one span of a file, make a
    /// [`SourceText`] once.
    pub fn locate(text: &str, range: Range<usize>) -> SourceSpan {
        SourceText::new(text).span(range)
    }

    /// The span of a whole line, given its 1-based number.
    pub fn line(text: &str, line: usize) -> Option<SourceSpan> {
        SourceText::new(text).line(line)
    }

    /// The text of the line the span is on.
    pub fn line_text(&self) -> &str {
        &self.source[self.line_range.clone()]
    }

    /// The part of a long line around the span, with the span's range in
    /// it: a report shows a few words either side, not a whole line of
    /// thousands of characters (which would also make it slow to lay out).
    fn window(&self) -> (&str, Range<usize>) {
        const CONTEXT: usize = 80;
        let line = self.line_text();
        if line.len() <= 3 * CONTEXT {
            return (line, self.range.clone());
        }
        let start = floor_char_boundary(line, self.range.start.saturating_sub(CONTEXT));
        let end = ceil_char_boundary(line, (self.range.end + CONTEXT).min(line.len()));
        (
            &line[start..end],
            self.range.start - start..self.range.end - start,
        )
    }

    /// 1-based column, counted in characters; worked out when asked for,
    /// as a line may be long and most spans are never shown.
    pub fn column(&self) -> usize {
        self.line_text()[..self.range.start].chars().count() + 1
    }
}

/// A file's text with where each of its lines starts, so that each span is
/// found by a binary search instead of counting lines from the top.
#[derive(Debug, Clone)]
pub struct SourceText {
    text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceText {
    pub fn new(text: &str) -> SourceText {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceText {
            text: Arc::from(text),
            line_starts,
        }
    }

    /// Locates a byte range of the file. A range that runs over several
    /// lines is cut at the end of its first line: one marked line reads best.
    /// A range that starts on a line's `\r` is moved to just before it.
    pub fn span(&self, range: Range<usize>) -> SourceSpan {
        let text = &*self.text;
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let line = self.line_starts.partition_point(|&s| s <= start);
        let line_start = self.line_starts[line - 1];
        let line_end = self
            .line_starts
            .get(line)
            .map_or(text.len(), |next| next - 1);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let visible_end = line_start + line_text.len();
        let start = start.min(visible_end);
        let end = floor_char_boundary(text, range.end.clamp(start, visible_end));
        SourceSpan {
            line,
            source: self.text.clone(),
            line_range: line_start..visible_end,
            range: (start - line_start)..(end - line_start),
        }
    }

    /// The span of a whole line, given its 1-based number.
    pub fn line(&self, line: usize) -> Option<SourceSpan> {
        let start = *self.line_starts.get(line.max(1) - 1)?;
        let end = self
            .line_starts
            .get(line.max(1))
            .map_or(self.text.len(), |next| next - 1);
        Some(self.span(start..end))
    }
}

fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// A problem with one of the site's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The file, relative to the site root where possible.
    pub file: Option<PathBuf>,
    pub span: Option<SourceSpan>,
    /// Says what is wrong at the marked spot.
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Diagnostic {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    pub fn at(mut self, span: SourceSpan) -> Diagnostic {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Renders the report; `color` adds terminal colours.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = self.file.as_ref().map(|p| p.display().to_string());
        let mut group = Group::with_title(level.primary_title(self.message.as_str()));
        match (&path, &self.span) {
            (Some(path), Some(span)) => {
                let (shown, range) = span.window();
                let before = &shown[..range.start];
                let mut annotation = AnnotationKind::Primary.span(range);
                if let Some(label) = &self.label {
                    annotation = annotation.label(label.as_str());
                }
                group = group.element(
                    Snippet::source(shown)
                        .line_start(span.line)
                        .path(path.as_str())
                        .annotation(annotation),
                );
                if shown.len() < span.line_text().len() {
                    // The column annotate-snippets counts is within the part
                    // shown; the place it names must count the whole line.
                    let counted = before.chars().count() + 1;
                    let place = format!("{path}:{}:", span.line);
                    let report = renderer.render(&[group]);
                    return report.replacen(
                        &format!("{place}{counted}"),
                        &format!("{place}{}", span.column()),
                        1,
                    );
                }
            }
            (Some(path), None) => group = group.element(Origin::path(path.as_str())),
            _ => {}
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        renderer.render(&[group])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Every problem found in one run, in a stable order (by file, then line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.0.iter().filter(|d| d.severity == severity).count()
    }

    pub fn sorted(mut self) -> Diagnostics {
        self.0.sort_by(|a, b| {
            let line = |d: &Diagnostic| d.span.as_ref().map(|s| (s.line, s.range.start));
            (&a.file, line(a), a.severity).cmp(&(&b.file, line(b), b.severity))
        });
        self
    }

    /// `Ok(value)` when nothing here is an error.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.error_count() == 0 {
            Ok(value)
        } else {
            Err(self.sorted())
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_only_near_names() {
        let names = [("cities", 1), ("title", 2), ("date", 3)];
        assert_eq!(closest("citys", names), Some(1));
        assert_eq!(closest("summary", names), None);
        assert_eq!(closest("徐洲", [("徐州", 'x')]), Some('x'));
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count(1, "error"), "1 error");
        assert_eq!(count(0, "warning"), "0 warnings");
        assert_eq!(count(1204, "file"), "1,204 files");
        assert_eq!(count(1_000_000, "file"), "1,000,000 files");
    }

    #[test]
    fn locate_finds_line_and_column() {
        let text = "+++\ntitle = 1\ncities = [\"wuxy\"]\n";
        let offset = text.find("\"wuxy\"").unwrap();
        let span = SourceSpan::locate(text, offset..offset + 6);
        assert_eq!((span.line, span.column()), (3, 11));
        assert_eq!(span.line_text(), "cities = [\"wuxy\"]");
        assert_eq!(&span.line_text()[span.range.clone()], "\"wuxy\"");
    }

    #[test]
    fn locate_clips_multi_line_ranges_and_counts_characters() {
        let text = "标题 = x\r\nnext";
        let span = SourceSpan::locate(text, 7..text.len());
        assert_eq!((span.line, span.column()), (1, 4));
        assert_eq!(span.line_text(), "标题 = x");
        assert_eq!(span.range, 7..10);
    }

    #[test]
    fn locate_keeps_a_range_at_a_carriage_return_inside_the_line() {
        let span = SourceSpan::locate("ab\r\ncd", 2..3);
        assert_eq!((span.line, span.column()), (1, 3));
        assert_eq!(span.range, 2..2);
    }

    #[test]
    fn a_long_line_is_shown_around_the_span_with_the_right_column() {
        let line = format!("cities = [{}\"wuxy\"]", "\"城市\", ".repeat(500));
        let offset = line.find("wuxy").unwrap();
        let problem = Diagnostic::error("unknown city")
            .in_file("content/a.md")
            .at(SourceSpan::locate(&line, offset..offset + 4));
        let report = problem.render(false);
        let column = line[..offset].chars().count() + 1;
        assert!(
            report.contains(&format!("content/a.md:1:{column}")),
            "{report}"
        );
        assert!(report.contains("wuxy"), "{report}");
        assert!(report.len() < 1000, "{report}");
    }

    #[test]
    fn line_picks_a_whole_line() {
        let span = SourceSpan::line("a\nbb\nccc", 2).unwrap();
        assert_eq!((span.line, span.line_text()), (2, "bb"));
        assert!(SourceSpan::line("a", 5).is_none());
    }

    #[test]
    fn plain_rendering_names_file_line_and_help() {
        let text = "cities = [\"wuxy\"]";
        let report = Diagnostic::error("undeclared city `wuxy`")
            .in_file("content/a.md")
            .at(SourceSpan::locate(text, 10..16))
            .label("not in config.toml")
            .help("did you mean `wuxi`?")
            .render(false);
        assert!(
            report.starts_with("error: undeclared city `wuxy`"),
            "{report}"
        );
        assert!(report.contains("content/a.md:1:11"), "{report}");
        assert!(report.contains("help: did you mean `wuxi`?"), "{report}");
    }
}
