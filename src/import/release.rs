//! One press release read into an article: what could be inferred, and
//! what needs the editor, each with its line.

use time::Date;

use super::places::{self, PlaceName};
use super::{body, dates};
use crate::content::placeholder;
use crate::model::{CityLookup, CityRegistry};

/// An article inferred from a release, not yet written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub date: Option<Date>,
    /// Keys, in order of first mention.
    pub cities: Vec<String>,
    /// Names that fit several cities, with the keys they fit.
    pub undecided: Vec<(String, Vec<String>)>,
    pub summary: Option<String>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub body: String,
    /// Whether it must wait for the editor: no date, a placeholder where the
    /// date should be, or no city decided.
    pub draft: bool,
    pub notes: Vec<Note>,
}

/// A line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: Option<usize>,
    pub text: String,
    /// Something to fix, rather than something inferred.
    pub for_editor: bool,
}

/// Longer summaries are cut at the end of a sentence (`check` warns above 300).
const SUMMARY_MAX: usize = 300;

/// How a release is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text: its lists and tables are made Markdown, and what would
    /// be Markdown in it is escaped.
    Text,
    /// Markdown already: its paragraphs are kept as written.
    Markdown,
}

/// Reads `text`. `date`, when given, replaces what the text says.
pub fn read(text: &str, format: Format, cities: &CityRegistry, date: Option<Date>) -> Draft {
    let lines: Vec<&str> = text.lines().collect();
    let mut notes = Vec::new();
    let title_at = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    let title = title_of(lines.get(title_at).copied().unwrap_or(""));
    notes.push(inferred(Some(title_at + 1), format!("title     {title}")));
    let mut kept: Vec<(usize, &str)> = Vec::new();
    let (mut source, mut source_url) = (None, None);
    let news = news_lines(&lines[title_at + 1..]);
    for (index, line) in lines.iter().enumerate().skip(title_at + 1) {
        let number = index + 1;
        if let Some(said) = source_line(line) {
            source_url = said
                .split_whitespace()
                .find(|w| w.starts_with("http"))
                .map(str::to_string);
            let name = said
                .split_whitespace()
                .filter(|w| !w.starts_with("http"))
                .collect::<Vec<_>>()
                .join(" ");
            source = (!name.is_empty()).then_some(name);
            notes.push(inferred(Some(number), format!("source    {said}")));
        } else if is_furniture(line) && !news.contains(&(index - title_at - 1)) {
            notes.push(for_editor(
                Some(number),
                format!(
                    "left out `{}`: it reads like the source page's header or footer",
                    line.trim()
                ),
            ));
        } else if is_metadata(line) {
            notes.push(inferred(
                Some(number),
                format!("left out `{}`: a dateline or counter line", line.trim()),
            ));
        } else {
            kept.push((number, line));
        }
    }
    let (date, dated) = match date {
        Some(given) => (Some(given), true),
        None => find_date(&lines, &mut notes),
    };
    let placeholders = report_placeholders(&lines, &mut notes);
    let date_placeholder = placeholders
        .iter()
        .any(|(_, word)| word.to_lowercase().contains("date") || word.contains("日期"));
    let body_lines = kept;
    let places = find_cities(&title, title_at + 1, &body_lines, cities, &mut notes);
    let paragraphs = paragraphs(&body_lines);
    let summary = paragraphs.first().map(|p| shorten(&p.1.join(" ")));
    if let Some((line, _)) = paragraphs.first() {
        notes.push(inferred(
            Some(*line),
            "summary   the first paragraph".to_string(),
        ));
    }
    let texts: Vec<Vec<&str>> = paragraphs.iter().map(|(_, p)| p.clone()).collect();
    let mut draft = Draft {
        title,
        date,
        cities: places.0,
        undecided: places.1,
        summary,
        source,
        source_url,
        body: match format {
            Format::Text => body::markdown(&texts),
            Format::Markdown => body::as_written(&texts),
        },
        draft: false,
        notes,
    };
    draft.draft = decide_draft(&mut draft, dated, date_placeholder);
    draft
}

fn inferred(line: Option<usize>, text: String) -> Note {
    Note {
        line,
        text,
        for_editor: false,
    }
}

fn for_editor(line: Option<usize>, text: String) -> Note {
    Note {
        line,
        text,
        for_editor: true,
    }
}

/// The first heading, or the first line; after `Title:` when the line has one.
fn title_of(line: &str) -> String {
    let line = line.trim().trim_start_matches('#').trim();
    let line = line.split_once("Title:").map_or(line, |(_, after)| after);
    let line = line.split_once("标题：").map_or(line, |(_, after)| after);
    line.trim().to_string()
}

fn source_line(line: &str) -> Option<&str> {
    let line = line.trim();
    ["Source:", "来源：", "来源:"]
        .iter()
        .find_map(|label| line.strip_prefix(label))
        .map(str::trim)
}

/// The lines of `lines` from the first line of news to the last, by index:
/// what lies between the page's header and its footer. Furniture words are
/// left out only outside it, as a paragraph of the news may well say
/// "copyright" or "技术支持", and leaving it out would lose it.
fn news_lines(lines: &[&str]) -> std::ops::Range<usize> {
    let is_news = |line: &&str| {
        !line.trim().is_empty()
            && !is_furniture(line)
            && !is_metadata(line)
            && source_line(line).is_none()
    };
    let first = lines.iter().position(is_news);
    let last = lines.iter().rposition(is_news);
    match (first, last) {
        (Some(first), Some(last)) => first..last + 1,
        _ => 0..0,
    }
}

/// A line of the page the release was copied from, not of the news.
fn is_furniture(line: &str) -> bool {
    [
        "All rights reserved",
        "Technical Support:",
        "Copyright",
        "©",
        "版权所有",
        "技术支持",
    ]
    .iter()
    .any(|mark| line.contains(mark))
}

/// A dateline or counter line: "Release time:2020-06-11 Browse:".
fn is_metadata(line: &str) -> bool {
    let line = line.trim();
    ["Release time", "Browse:", "Date:", "发布时间", "浏览次数"]
        .iter()
        .any(|label| line.starts_with(label))
}

/// The first date of the text, a date without a year taking the year of a
/// full date elsewhere in it. Returns whether a date was found.
fn find_date(lines: &[&str], notes: &mut Vec<Note>) -> (Option<Date>, bool) {
    let found: Vec<(usize, dates::FoundDate)> = lines
        .iter()
        .enumerate()
        .flat_map(|(i, line)| dates::dates_in(line).into_iter().map(move |d| (i + 1, d)))
        .collect();
    let year = found.iter().find_map(|(_, d)| d.year);
    let first = found
        .iter()
        .find_map(|(line, d)| Some((*line, d.with_year(d.year.or(year)?)?)));
    match first {
        Some((line, date)) => {
            notes.push(inferred(
                Some(line),
                format!("date      {date} (`{}`)", lines[line - 1].trim()),
            ));
            (Some(date), true)
        }
        None => {
            notes.push(for_editor(None, "no date found in the text: written as a draft; set `date` and remove `draft = true`, or import with --date YYYY-MM-DD".to_string()));
            (None, false)
        }
    }
}

fn report_placeholders(lines: &[&str], notes: &mut Vec<Note>) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for range in placeholder::find(line) {
            let word = line[range].to_string();
            notes.push(for_editor(
                Some(i + 1),
                format!(
                    "placeholder `{word}` left in the text: replace it with what it stands for"
                ),
            ));
            found.push((i + 1, word));
        }
    }
    found
}

type Cities = (Vec<String>, Vec<(String, Vec<String>)>);

/// The cities the title and body name, and what the editor must decide.
fn find_cities(
    title: &str,
    title_line: usize,
    body: &[(usize, &str)],
    cities: &CityRegistry,
    notes: &mut Vec<Note>,
) -> Cities {
    let mut joined = format!("{title}\n");
    let mut starts = vec![(0, title_line)];
    for (number, line) in body {
        starts.push((joined.len(), *number));
        joined.push_str(line);
        joined.push('\n');
    }
    let line_of = |at: usize| {
        starts
            .iter()
            .rev()
            .find(|(start, _)| *start <= at)
            .map(|(_, n)| *n)
    };
    let found = places::find(&joined, cities);
    let keys: Vec<String> = found
        .mentions
        .iter()
        .map(|m| cities.get(m.city).key.clone())
        .collect();
    for mention in &found.mentions {
        notes.push(inferred(
            line_of(mention.at),
            format!(
                "city      {} (`{}`)",
                cities.get(mention.city).key,
                mention.name
            ),
        ));
    }
    let undecided: Vec<(String, Vec<String>)> = found
        .ambiguous
        .iter()
        .map(|a| {
            (
                a.name.clone(),
                a.cities
                    .iter()
                    .map(|id| cities.get(*id).key.clone())
                    .collect(),
            )
        })
        .collect();
    for (ambiguous, (name, keys)) in found.ambiguous.iter().zip(&undecided) {
        notes.push(for_editor(
            line_of(ambiguous.at),
            format!(
                "`{name}` could be {}: add the one meant to `cities`",
                keys.join(" or ")
            ),
        ));
    }
    if keys.is_empty() && undecided.is_empty() {
        notes.push(for_editor(None, "no declared city is named in the text: add its cities to `cities`, declaring them in config.toml if they are new".to_string()));
    }
    check_title(title, title_line, &found, cities, notes);
    suggest(&joined, &line_of, cities, notes);
    (keys, undecided)
}

/// A place in the title that no declared city is, where the text names a
/// declared city of the same first word: "Hainan Province" in a title
/// over a text about Hainan Tibetan Autonomous Prefecture.
fn check_title(
    title: &str,
    line: usize,
    found: &places::Places,
    cities: &CityRegistry,
    notes: &mut Vec<Note>,
) {
    for place in places::place_names(title) {
        if declared(&place, cities) {
            continue;
        }
        let meant = found
            .mentions
            .iter()
            .map(|m| cities.get(m.city))
            .find(|city| {
                city.name.split_whitespace().next() == Some(place.stem.as_str())
                    && city.name != place.stem
            });
        if let Some(city) = meant {
            notes.push(for_editor(
                Some(line),
                format!(
                    "the title says `{}`, but the text names {} (`{}`, {}): check the title",
                    place.full(),
                    city.name,
                    city.key,
                    city.province
                ),
            ));
        }
    }
}

/// Place names the site does not declare, as suggestions.
fn suggest(
    text: &str,
    line_of: &dyn Fn(usize) -> Option<usize>,
    cities: &CityRegistry,
    notes: &mut Vec<Note>,
) {
    let mut seen: Vec<String> = Vec::new();
    for place in places::place_names(text) {
        let full = place.full();
        if matches!(place.kind.as_str(), "Province" | "省")
            || declared(&place, cities)
            || seen.contains(&full)
        {
            continue;
        }
        notes.push(for_editor(line_of(place.at), format!(
            "`{full}` looks like a place the site does not declare: if it belongs on the site, declare it in config.toml under [cities.{}]",
            crate::model::slug::slugify(&place.stem)
        )));
        seen.push(full);
    }
}

/// Whether the place, or a longer name it ends, is a declared city:
/// "Hainan Tibetan Autonomous Prefecture" though its stem is "Autonomous".
fn declared(place: &PlaceName, cities: &CityRegistry) -> bool {
    place
        .names()
        .iter()
        .any(|name| !matches!(cities.resolve(name), CityLookup::Unknown { .. }))
}

/// Runs of non-blank lines, each with its first line's number.
fn paragraphs<'t>(lines: &[(usize, &'t str)]) -> Vec<(usize, Vec<&'t str>)> {
    let mut paragraphs: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut previous = 0;
    for &(number, line) in lines {
        if line.trim().is_empty() {
            previous = 0;
            continue;
        }
        match paragraphs.last_mut() {
            Some((_, lines)) if previous + 1 == number => lines.push(line.trim_end()),
            _ => paragraphs.push((number, vec![line.trim_end()])),
        }
        previous = number;
    }
    paragraphs
}

/// At most `SUMMARY_MAX` characters, cut after a sentence when it is longer.
fn shorten(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= SUMMARY_MAX {
        return text.to_string();
    }
    // One character is kept for the ellipsis.
    let limit = text
        .char_indices()
        .nth(SUMMARY_MAX - 1)
        .map_or(text.len(), |(i, _)| i);
    let cut = sentence_ends(&text[..limit]).last();
    match cut {
        Some(cut) => text[..cut].to_string(),
        None => format!("{}…", text[..limit].trim_end()),
    }
}

/// Words whose full stop ends no sentence: "Mr. Zhou", "XCMG Co., Ltd.".
const ABBREVIATIONS: [&str; 12] = [
    "Mr", "Mrs", "Ms", "Dr", "No", "St", "Co", "Ltd", "Inc", "Corp", "Gov", "Dept",
];

/// Where sentences end in `text`: after `。！？`, and after `.!?` followed by a
/// space, unless the full stop closes an abbreviation.
fn sentence_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.char_indices().filter_map(move |(i, c)| {
        let end = i + c.len_utf8();
        let closes = match c {
            '。' | '！' | '？' => true,
            '!' | '?' => text[end..].starts_with(' '),
            '.' => text[end..].starts_with(' ') && !after_abbreviation(&text[..i]),
            _ => false,
        };
        closes.then_some(end)
    })
}

fn after_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    ABBREVIATIONS.contains(&word)
        || (word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase()))
}

/// Whether the article waits for the editor, with the reason in the report.
fn decide_draft(draft: &mut Draft, dated: bool, date_placeholder: bool) -> bool {
    let reason = if !dated {
        None
    } else if date_placeholder {
        Some("a placeholder stands where a date should be: written as a draft; check `date`, fix the text and remove `draft = true`")
    } else if draft.cities.is_empty() {
        Some("no city could be decided: written as a draft; set `cities` and remove `draft = true`")
    } else {
        return false;
    };
    if let Some(reason) = reason {
        draft.notes.push(for_editor(None, reason.to_string()));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_first_paragraph_is_cut_after_a_sentence() {
        let long = format!(
            "First sentence. Second sentence goes past the limit {}.",
            "and on ".repeat(60)
        );
        assert_eq!(shorten(&long), "First sentence.");
        assert_eq!(shorten("短。"), "短。");
        let abbreviated = format!(
            "On July 3, Mr. Zhou visited XCMG Co., Ltd. and U.S. firms. Then {}.",
            "more ".repeat(70)
        );
        assert_eq!(
            shorten(&abbreviated),
            "On July 3, Mr. Zhou visited XCMG Co., Ltd. and U.S. firms."
        );
    }

    #[test]
    fn paragraphs_are_runs_of_lines() {
        let lines = [(3, "one"), (4, "two"), (5, " "), (6, "three")];
        assert_eq!(
            paragraphs(&lines),
            [(3, vec!["one", "two"]), (6, vec!["three"])]
        );
    }
}
