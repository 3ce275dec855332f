//! One content file into one checked `Article`, or every problem with it.

use std::cell::OnceCell;
use std::ops::Range;

use time::{Date, Month, Time};
use toml::Spanned;

use super::front_matter::{self, RawFrontMatter, Split};
use super::placeholder;
use crate::config::{self, Language};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceSpan, SourceText};
use crate::i18n::language_code;
use crate::layout::CONTENT_DIR;
use crate::model::{
    slug, Article, Body, CityId, CityLookup, CityRegistry, EditionId, PublishedDate, Topic,
};

const MAX_TITLE: usize = 150;
const MAX_SUMMARY: usize = 300;

/// An article whose front matter is checked. Its body is rendered later,
/// once the URL of every article is known, so that links between them resolve.
#[derive(Debug)]
pub struct Parsed {
    /// Complete but for `body` and the summary.
    pub article: Article,
    /// Where the body starts in the file.
    pub body_offset: usize,
    /// The summary written in the front matter, as Markdown.
    pub written_summary: Option<String>,
}

/// What an article is checked against: the cities and languages config.toml declares.
#[derive(Clone, Copy)]
pub struct SiteTerms<'a> {
    pub cities: &'a CityRegistry,
    pub languages: &'a [Language],
}

/// Parses the file `file` (relative to `content/`) whose text is `text`:
/// the article, unless there were errors, and every problem found.
pub fn parse(
    file: &str,
    text: &str,
    site: &SiteTerms<'_>,
    today: Date,
) -> (Option<Parsed>, Diagnostics) {
    let display_path = format!("{CONTENT_DIR}/{file}");
    let in_file = |d: Diagnostic| d.in_file(&display_path);
    let split = match front_matter::split(text) {
        Ok(split) => split,
        Err(problem) => return (None, in_file(problem).into()),
    };
    let raw = match front_matter::parse(text, &split) {
        Ok(raw) => raw,
        Err(problem) => return (None, in_file(problem).into()),
    };
    let mut checker = Checker {
        text,
        split: &split,
        today,
        problems: Diagnostics::default(),
        lines: OnceCell::new(),
    };
    let written_summary = raw.summary.as_ref().map(|s| s.get_ref().clone());
    let article = checker.article(file, raw, site);
    checker.body();
    let problems: Diagnostics = checker.problems.into_iter().map(in_file).collect();
    let parsed = article
        .filter(|_| problems.error_count() == 0)
        .map(|article| Parsed {
            article,
            body_offset: text.len() - split.body.len(),
            written_summary,
        });
    (parsed, problems)
}

struct Checker<'a> {
    text: &'a str,
    split: &'a Split<'a>,
    today: Date,
    problems: Diagnostics,
    /// The text indexed by line, made at the first problem: a file with
    /// thousands of problems is not read from the top for each.
    lines: OnceCell<SourceText>,
}

impl Checker<'_> {
    fn locate(&self, span: Range<usize>) -> SourceSpan {
        self.lines
            .get_or_init(|| SourceText::new(self.text))
            .span(span)
    }

    fn article(
        &mut self,
        file: &str,
        raw: RawFrontMatter,
        site: &SiteTerms<'_>,
    ) -> Option<Article> {
        let title = self.title(raw.title);
        let date = self.date(raw.date);
        let cities = self.cities(raw.cities, site.cities);
        let edition = self.edition(raw.lang.as_ref(), site.languages);
        // Marked only when it is not its edition's language.
        let lang = raw
            .lang
            .map(|lang| lang.get_ref().trim().to_string())
            .filter(|lang| {
                edition.is_none_or(|e| language_code(lang) != site.languages[e.index()].code)
            });
        let translation = raw.translation.and_then(|key| self.translation(key));
        let topics = self.topics(&raw.topics);
        let slug = self.slug(raw.slug, title.as_deref());
        if let Some(summary) = &raw.summary {
            self.summary(summary);
        }
        Some(Article {
            file: file.to_string(),
            title: title?,
            slug: slug?,
            date: date?,
            cities: cities?,
            topics,
            summary_html: String::new(),
            summary_text: String::new(),
            body: Body::default(),
            source: raw.source,
            source_url: raw.source_url,
            draft: raw.draft,
            lang,
            edition: edition?,
            translation,
        })
    }

    /// The edition of the article's language; in a site of several
    /// languages, `lang` must be one of them.
    fn edition(
        &mut self,
        lang: Option<&Spanned<String>>,
        languages: &[Language],
    ) -> Option<EditionId> {
        let edition = config::edition_of(languages, lang.map(|l| l.get_ref().trim()));
        if let (None, Some(lang)) = (edition, lang) {
            let tags: Vec<&str> = languages.iter().map(|l| l.tag.as_str()).collect();
            let span = self.span(lang);
            self.report(
                span,
                format!(
                    "`lang = \"{}\"` is not one of the site's languages ({})",
                    lang.get_ref(),
                    tags.join(", ")
                ),
                "not a site language",
                format!("write one of them, like `lang = \"{}\"`, or add this language to `languages` in config.toml", tags[tags.len() - 1]),
            );
        }
        edition
    }

    fn translation(&mut self, key: Spanned<String>) -> Option<String> {
        let trimmed = key.get_ref().trim();
        if trimmed.is_empty() {
            let span = self.span(&key);
            self.report(
                span,
                "`translation` is empty".into(),
                "no key",
                "write the key this article shares with its translations, like `translation = \"wuxi-xuzhou-parks-2020\"`, or remove the line".into(),
            );
            return None;
        }
        Some(trimmed.to_string())
    }

    /// Warnings about the body: placeholders left in it, or no text at all.
    fn body(&mut self) {
        let offset = self.text.len() - self.split.body.len();
        if self.split.body.trim().is_empty() {
            let fence = self.text.find("+++").unwrap_or(0);
            self.warn(
                fence..fence + 3,
                "the article has no text".into(),
                "nothing follows this front matter",
                "write the article below the closing `+++`, or mark it `draft = true` until it is ready".into(),
            );
        }
        for range in placeholder::find(self.split.body) {
            let found = &self.split.body[range.clone()];
            self.placeholder(range.start + offset..range.end + offset, found);
        }
    }

    fn placeholder(&mut self, span: Range<usize>, found: &str) {
        self.warn(
            span,
            format!("placeholder `{found}` left in the article"),
            "placeholder",
            "replace it with the real text before publishing".into(),
        );
    }

    fn warn(&mut self, span: Range<usize>, message: String, label: &str, help: String) {
        self.problems.push(
            Diagnostic::warning(message)
                .at(self.locate(span))
                .label(label)
                .help(help),
        );
    }

    fn report(&mut self, span: Range<usize>, message: String, label: &str, help: String) {
        self.problems.push(
            Diagnostic::error(message)
                .at(self.locate(span))
                .label(label)
                .help(help),
        );
    }

    fn missing(&mut self, field: &str, example: &str) {
        let fence = self.text.find("+++").unwrap_or(0);
        self.report(
            fence..fence + 3,
            format!("the front matter has no `{field}`"),
            "in this front matter",
            format!("add a line such as `{example}` between the `+++` lines"),
        );
    }

    fn span<T>(&self, value: &Spanned<T>) -> Range<usize> {
        front_matter::file_span(self.split, value)
    }

    fn title(&mut self, title: Option<Spanned<String>>) -> Option<String> {
        let Some(title) = title else {
            self.missing(
                "title",
                "title = \"Wuxi and Xuzhou sign a cooperation agreement\"",
            );
            return None;
        };
        if title.get_ref().trim().is_empty() {
            let span = self.span(&title);
            self.report(
                span,
                "the title is empty".into(),
                "empty",
                "write the headline readers will see".into(),
            );
            return None;
        }
        let span = self.span(&title);
        let value = title.get_ref();
        // Positions inside the value are positions in the file only when the
        // title is one plain quoted string: no escapes, no triple quotes.
        let plain =
            self.text.get(span.start + 1..span.end.saturating_sub(1)) == Some(value.as_str());
        for range in placeholder::find(value) {
            let at = if plain {
                span.start + 1 + range.start..span.start + 1 + range.end
            } else {
                span.clone()
            };
            self.placeholder(at, &value[range]);
        }
        let length = title.get_ref().trim().chars().count();
        if length > MAX_TITLE {
            self.warn(
                span,
                format!("the title is {length} characters long"),
                "long title",
                format!("keep titles under {MAX_TITLE} characters; move detail into `summary` or the text"),
            );
        }
        Some(title.into_inner().trim().to_string())
    }

    fn summary(&mut self, summary: &Spanned<String>) {
        let length = summary.get_ref().trim().chars().count();
        if length > MAX_SUMMARY {
            let span = self.span(summary);
            self.warn(
                span,
                format!("the summary is {length} characters long"),
                "long summary",
                format!("keep summaries under {MAX_SUMMARY} characters: lists and search engines cut them"),
            );
        }
    }

    fn date(&mut self, date: Option<Spanned<toml::Value>>) -> Option<PublishedDate> {
        let Some(date) = date else {
            self.missing("date", "date = 2020-06-09");
            return None;
        };
        let parsed = match date.get_ref() {
            toml::Value::Datetime(datetime) => published_date(datetime),
            toml::Value::String(text) => text.trim().parse().ok().and_then(|d| published_date(&d)),
            _ => None,
        };
        if let Some(published) = parsed.filter(|p| p.day() > self.today) {
            let span = self.span(&date);
            self.warn(
                span,
                format!("the date {} is in the future", published.iso_date()),
                "future date",
                "check the year and month; the article is published with this date all the same"
                    .into(),
            );
        }
        if parsed.is_none() {
            let span = self.span(&date);
            let text = describe(date.get_ref());
            let message = match placeholder::find(&text).first() {
                Some(found) => format!("`{}` is a placeholder, not a date", &text[found.clone()]),
                None => format!("{text} is not a date"),
            };
            self.report(
                span,
                message,
                "expected a date",
                format!("write the date as YYYY-MM-DD, like `date = {}`, optionally with a time: `{}T10:30:00+08:00`", placeholder::EXAMPLE_DATE, placeholder::EXAMPLE_DATE),
            );
        }
        parsed
    }

    fn cities(
        &mut self,
        references: Option<Spanned<Vec<Spanned<String>>>>,
        registry: &CityRegistry,
    ) -> Option<Vec<CityId>> {
        let Some(references) = references else {
            self.missing("cities", "cities = [\"wuxi\", \"xuzhou\"]");
            return None;
        };
        if references.get_ref().is_empty() {
            let span = self.span(&references);
            self.report(
                span,
                "`cities` is empty".into(),
                "no city",
                "name at least one city this news is about, by its key in config.toml".into(),
            );
            return None;
        }
        let mut ids = Vec::new();
        let mut all_found = true;
        for reference in references.get_ref() {
            match self.city(reference, registry) {
                Some(id) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => all_found = false,
            }
        }
        all_found.then_some(ids)
    }

    fn city(&mut self, reference: &Spanned<String>, registry: &CityRegistry) -> Option<CityId> {
        let span = self.span(reference);
        let name = reference.get_ref();
        match registry.resolve(name) {
            CityLookup::Found(id) => return Some(id),
            CityLookup::Ambiguous(ids) => {
                let keys: Vec<String> = ids
                    .iter()
                    .map(|id| format!("`{}`", registry.get(*id).key))
                    .collect();
                self.report(
                    span,
                    format!(
                        "`{name}` could mean more than one city: {}",
                        keys.join(" or ")
                    ),
                    "ambiguous",
                    format!(
                        "write the key of the city you mean, one of {}",
                        keys.join(", ")
                    ),
                );
            }
            CityLookup::Unknown { closest } => {
                let help = match closest {
                    Some(id) => format!(
                        "did you mean `{}`? Otherwise declare the city in config.toml under [cities.{}]",
                        registry.get(id).key,
                        slug::slugify(name)
                    ),
                    None => format!(
                        "declare the city in config.toml: [cities.{}] with `name` and `province`",
                        slug::slugify(name)
                    ),
                };
                self.report(
                    span,
                    format!("`{name}` is not a declared city"),
                    "unknown city",
                    help,
                );
            }
        }
        None
    }

    fn topics(&mut self, topics: &[Spanned<String>]) -> Vec<Topic> {
        let mut result: Vec<Topic> = Vec::new();
        for topic in topics {
            let slug = slug::slugify(topic.get_ref());
            if result.iter().all(|t| t.slug != slug) {
                result.push(Topic {
                    name: topic.get_ref().trim().to_string(),
                    slug,
                });
            }
        }
        result
    }

    fn slug(&mut self, explicit: Option<Spanned<String>>, title: Option<&str>) -> Option<String> {
        if let Some(explicit) = explicit {
            let length = explicit.get_ref().len();
            if length > slug::MAX_LEN {
                let span = self.span(&explicit);
                let suggestion = slug::slugify(explicit.get_ref());
                self.report(
                    span,
                    format!(
                        "the slug is {length} bytes long; the longest a slug may be is {}",
                        slug::MAX_LEN
                    ),
                    "too long",
                    format!("shorten it, for example to `slug = \"{suggestion}\"`"),
                );
                return None;
            }
            if slug::is_slug(explicit.get_ref()) {
                return Some(explicit.into_inner());
            }
            let span = self.span(&explicit);
            let suggestion = slug::slugify(explicit.get_ref());
            self.report(
                span,
                format!("`{}` cannot be used as a slug", explicit.get_ref()),
                "not URL-safe",
                format!("use lowercase ASCII letters, digits and single hyphens, like `slug = \"{suggestion}\"`"),
            );
            return None;
        }
        Some(slug::slugify(title?))
    }
}

/// A TOML value as an editor would recognise it in a message.
fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => format!("`{text}`"),
        toml::Value::Datetime(datetime) => format!("`{datetime}`"),
        toml::Value::Integer(number) => format!("`{number}`"),
        toml::Value::Float(number) => format!("`{number}`"),
        toml::Value::Boolean(flag) => format!("`{flag}`"),
        toml::Value::Array(_) => "a list".to_string(),
        toml::Value::Table(_) => "a table".to_string(),
    }
}

/// A TOML date or datetime as a publication date; `None` when it has no
/// calendar date or names a day that does not exist.
fn published_date(datetime: &toml::value::Datetime) -> Option<PublishedDate> {
    let date = datetime.date?;
    let month = Month::try_from(date.month).ok()?;
    let day = Date::from_calendar_date(i32::from(date.year), month, date.day).ok()?;
    let time = match datetime.time {
        Some(t) => Some(Time::from_hms(t.hour, t.minute, t.second.unwrap_or(0)).ok()?),
        None => None,
    };
    let offset = datetime.offset.map(|offset| match offset {
        toml::value::Offset::Z => 0,
        toml::value::Offset::Custom { minutes } => minutes,
    });
    Some(PublishedDate::new(day, time, offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::City;

    static ENGLISH: std::sync::LazyLock<Vec<Language>> = std::sync::LazyLock::new(|| {
        let config = "title = \"T\"\nbase_url = \"https://example.org/\"\n";
        Config::parse(config).unwrap().0.languages
    });

    fn terms(cities: &CityRegistry) -> SiteTerms<'_> {
        SiteTerms {
            cities,
            languages: &ENGLISH,
        }
    }

    fn registry() -> CityRegistry {
        let city = |key: &str, name: &str, province: &str| City {
            key: key.into(),
            name: name.into(),
            province: province.into(),
            aliases: vec![format!("{name} City")],
            display: None,
            names: Default::default(),
            position: None,
        };
        CityRegistry::new(vec![
            city("wuxi", "Wuxi", "Jiangsu"),
            city("xuzhou", "Xuzhou", "Jiangsu"),
            city("taizhou-js", "Taizhou", "Jiangsu"),
            city("taizhou-zj", "Taizhou", "Zhejiang"),
        ])
    }

    fn today() -> Date {
        Date::from_calendar_date(2026, Month::November, 21).unwrap()
    }

    fn parse_text(text: &str) -> Result<Article, Diagnostics> {
        match parse("news/a.md", text, &terms(&registry()), today()) {
            (Some(parsed), problems) if problems.error_count() == 0 => Ok(parsed.article),
            (_, problems) => Err(problems),
        }
    }

    fn warnings(text: &str) -> String {
        let (parsed, problems) = parse("news/a.md", text, &terms(&registry()), today());
        assert!(parsed.is_some(), "{problems}");
        problems.to_string()
    }

    #[test]
    fn a_complete_article() {
        let text = "+++\ntitle = \"Wuxi and Xuzhou sign\"\ndate = 2020-06-09\ncities = [\"Wuxi\", \"xuzhou city\", \"wuxi\"]\ntopics = [\"Industrial parks\"]\n+++\nSeven parks.\n";
        let article = parse_text(text).unwrap();
        assert_eq!(article.slug, "wuxi-and-xuzhou-sign");
        assert_eq!(article.cities.len(), 2);
        assert_eq!(article.topics[0].slug, "industrial-parks");
        assert_eq!(article.date.iso_date(), "2020-06-09");
    }

    #[test]
    fn every_missing_field_is_reported_at_once() {
        let problems = parse_text("+++\ndraft = true\n+++\n")
            .unwrap_err()
            .to_string();
        for field in ["`title`", "`date`", "`cities`"] {
            assert!(
                problems.contains(&format!("the front matter has no {field}")),
                "{problems}"
            );
        }
        assert!(problems.contains("content/news/a.md:1:1"), "{problems}");
    }

    #[test]
    fn bad_dates_are_refused() {
        for date in ["\"next Tuesday\"", "10:30:00", "\"2021-02-30\"", "3"] {
            let text = format!("+++\ntitle = \"T\"\ndate = {date}\ncities = [\"wuxi\"]\n+++\n");
            let problems = parse_text(&text).unwrap_err().to_string();
            assert!(problems.contains("is not a date"), "{date}: {problems}");
            assert!(problems.contains("content/news/a.md:3:8"), "{problems}");
        }
    }

    #[test]
    fn quoted_dates_and_offsets_are_accepted() {
        let text =
            "+++\ntitle = \"T\"\ndate = \"2021-03-31T23:30:00-05:00\"\ncities = [\"wuxi\"]\n+++\n";
        let article = parse_text(text).unwrap();
        assert_eq!(article.date.year_month().month, 3);
    }

    #[test]
    fn undeclared_city_suggests_the_closest() {
        let text = "+++\ntitle = \"T\"\ndate = 2020-01-01\ncities = [\"wuxi\", \"Xuzou\"]\n+++\n";
        let problems = parse_text(text).unwrap_err().to_string();
        assert!(
            problems.contains("`Xuzou` is not a declared city"),
            "{problems}"
        );
        assert!(problems.contains("content/news/a.md:4:19"), "{problems}");
        assert!(problems.contains("did you mean `xuzhou`?"), "{problems}");
    }

    #[test]
    fn ambiguous_city_names_both_keys() {
        let text = "+++\ntitle = \"T\"\ndate = 2020-01-01\ncities = [\"Taizhou\"]\n+++\n";
        let problems = parse_text(text).unwrap_err().to_string();
        assert!(
            problems.contains("`taizhou-js` or `taizhou-zj`"),
            "{problems}"
        );
    }

    #[test]
    fn explicit_slugs_must_be_url_safe() {
        let text = "+++\ntitle = \"T\"\ndate = 2020-01-01\ncities = [\"wuxi\"]\nslug = \"../Escape\"\n+++\n";
        let problems = parse_text(text).unwrap_err().to_string();
        assert!(problems.contains("slug = \"escape\""), "{problems}");
    }

    #[test]
    fn chinese_titles_get_ascii_slugs() {
        let text =
            "+++\ntitle = \"无锡徐州签署协议\"\ndate = 2020-01-01\ncities = [\"wuxi\"]\n+++\n";
        let article = parse_text(text).unwrap();
        assert!(slug::is_slug(&article.slug), "{}", article.slug);
    }

    #[test]
    fn summary_field_wins_over_the_body() {
        let text = "+++\ntitle = \"T\"\ndate = 2020-01-01\ncities = [\"wuxi\"]\nsummary = \"Short.\"\n+++\nLong body.\n";
        let (parsed, _) = parse("news/a.md", text, &terms(&registry()), today());
        let written = parsed.unwrap().written_summary;
        assert_eq!(written.as_deref(), Some("Short."), "rendered with the body");
    }

    #[test]
    fn placeholders_in_titles_written_with_escapes_or_triple_quotes_mark_the_whole_title() {
        for title in ["\"\"\"徐州 TODO\"\"\"", "\"\\\"徐州\\\" TODO\""] {
            let text = format!(
                "+++\ntitle = {title}\ndate = 2023-07-03\ncities = [\"xuzhou\"]\n+++\nText.\n"
            );
            let report = warnings(&text);
            assert!(
                report.contains("placeholder `TODO` left in the article"),
                "{title}: {report}"
            );
            assert!(
                report.contains("content/news/a.md:2:9"),
                "{title}: {report}"
            );
        }
    }

    #[test]
    fn placeholders_are_warned_about_where_they_stand() {
        let text = "+++\ntitle = \"Visit on [Insert Date]\"\ndate = 2023-07-03\ncities = [\"xuzhou\"]\n+++\nFirst line.\nOn [Insert Date], TODO.\n";
        let report = warnings(text);
        assert!(
            report.contains("warning: placeholder `[Insert Date]` left in the article"),
            "{report}"
        );
        assert!(report.contains("content/news/a.md:2:19"), "{report}");
        assert!(report.contains("content/news/a.md:7:4"), "{report}");
        assert!(report.contains("content/news/a.md:7:19"), "{report}");
    }

    #[test]
    fn future_dates_long_titles_and_summaries_and_empty_bodies_are_warned_about() {
        let title = "T".repeat(151);
        let summary = "S".repeat(301);
        let text = format!("+++\ntitle = \"{title}\"\ndate = 2027-01-01\ncities = [\"wuxi\"]\nsummary = \"{summary}\"\n+++\n");
        let report = warnings(&text);
        for expected in [
            "the title is 151 characters long",
            "the date 2027-01-01 is in the future",
            "content/news/a.md:3:8",
            "the summary is 301 characters long",
            "the article has no text",
        ] {
            assert!(report.contains(expected), "{expected}: {report}");
        }
    }
}
