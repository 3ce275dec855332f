//! One news article, checked: its cities exist, its date is a real date.

use std::cmp::Ordering;

use time::{Date, Time};

use super::{Body, CityId, EditionId};

/// When an article was published, as written in its front matter. The
/// calendar date is kept as written, never converted to UTC, so that
/// `2021-03-31T23:30:00-05:00` stays in March.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct PublishedDate {
    date: Date,
    time: Option<Time>,
    offset_minutes: Option<i16>,
}

impl PublishedDate {
    pub fn new(date: Date, time: Option<Time>, offset_minutes: Option<i16>) -> PublishedDate {
        PublishedDate {
            date,
            time,
            offset_minutes,
        }
    }

    /// The calendar day, as written.
    pub fn day(&self) -> Date {
        self.date
    }

    pub fn year(&self) -> i32 {
        self.date.year()
    }

    pub fn month(&self) -> u8 {
        self.date.month() as u8
    }

    pub fn year_month(&self) -> YearMonth {
        YearMonth {
            year: self.year(),
            month: self.month(),
        }
    }

    /// `2020-06-09`, for `<time datetime>` and sitemaps.
    pub fn iso_date(&self) -> String {
        iso_date(self.date)
    }

    /// RFC 3339 for Atom. Without a written time it is midnight; without a
    /// written offset it is UTC.
    pub fn rfc3339(&self) -> String {
        let time = self.time.unwrap_or(Time::MIDNIGHT);
        let offset = match self.offset_minutes {
            None | Some(0) => "Z".to_string(),
            Some(m) => format!(
                "{}{:02}:{:02}",
                if m < 0 { '-' } else { '+' },
                m.abs() / 60,
                m.abs() % 60
            ),
        };
        format!(
            "{}T{:02}:{:02}:{:02}{offset}",
            self.iso_date(),
            time.hour(),
            time.minute(),
            time.second()
        )
    }
}

/// A calendar month, the unit of the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Topic {
    pub name: String,
    pub slug: String,
}

/// Serialized only by the article cache, between two builds of one Concord.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Article {
    /// Where the article came from, relative to `content/` with `/` separators;
    /// it names the article in messages and in internal links.
    pub file: String,
    pub title: String,
    pub slug: String,
    pub date: PublishedDate,
    /// In the order the editor wrote them, without repeats.
    pub cities: Vec<CityId>,
    pub topics: Vec<Topic>,
    pub summary_html: String,
    pub summary_text: String,
    /// The article cache keeps its facts, not its HTML.
    #[serde(skip)]
    pub body: Body,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub draft: bool,
    /// Its language, when not its edition's (a site of one language may
    /// carry articles in others).
    pub lang: Option<String>,
    /// The edition of its language.
    pub edition: EditionId,
    /// The key it shares with its translations in the site's other languages.
    pub translation: Option<String>,
}

impl Article {
    /// The site path of the article page: `news/<slug>/`.
    pub fn path(&self) -> String {
        super::paths::article(&self.slug)
    }

    /// Newest first; equal dates by title, then slug, so that every order is deterministic.
    pub fn newest_first(a: &Article, b: &Article) -> Ordering {
        b.date
            .cmp(&a.date)
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.slug.cmp(&b.slug))
    }
}

/// A day as front matter and `<time datetime>` write it: `2020-06-09`.
pub fn iso_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month() as u8,
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u8, d: u8) -> Date {
        Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap()
    }

    #[test]
    fn formats_dates_for_people_and_machines() {
        let published = PublishedDate::new(date(2020, 6, 9), None, None);
        assert_eq!(published.iso_date(), "2020-06-09");
        assert_eq!(published.rfc3339(), "2020-06-09T00:00:00Z");
    }

    #[test]
    fn keeps_the_written_offset() {
        let time = Time::from_hms(23, 30, 0).unwrap();
        let published = PublishedDate::new(date(2021, 3, 31), Some(time), Some(-300));
        assert_eq!(
            published.year_month(),
            YearMonth {
                year: 2021,
                month: 3
            }
        );
        assert_eq!(published.rfc3339(), "2021-03-31T23:30:00-05:00");
    }
}
