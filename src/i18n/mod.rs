//! Every word the built-in theme shows, by language: a table per language
//! compiled in (English and Simplified Chinese), with a site's own strings
//! from config.toml over it. Dates, months and counts are written here too,
//! so that templates get them ready in the page's language.

use std::collections::BTreeMap;
use std::fmt::{Display, Write};

use time::Date;

/// The built-in tables, by language code.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("en.toml")),
    ("zh", include_str!("zh.toml")),
];

/// The language whose table names every key there is.
const REFERENCE: &str = "en";

/// Words only a site of several languages shows: a site of one language in
/// a language without a built-in table need not give them.
const SEVERAL_LANGUAGES_ONLY: [&str; 3] = ["language_name", "languages_nav", "translations_label"];

/// The language of a BCP 47 tag, as far as the tables care: `zh-CN`,
/// `zh-Hans` and `zh-Hant-TW` are all `zh`; `en-GB` is `en`.
pub fn language_code(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// One language's strings, complete: every key of the reference table has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translations {
    strings: BTreeMap<String, String>,
}

/// What is wrong with a site's strings for a language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranslationError {
    /// Keys that neither the built-in table nor the site gives.
    Missing(Vec<String>),
    /// A key the site gives that no template asks for.
    Unknown(String),
}

impl Translations {
    /// The built-in table for the language of `code`, if there is one, with
    /// `overrides` over it. `several` says whether the site has several
    /// languages, and so shows the words of its language switcher.
    pub fn load(
        code: &str,
        overrides: Option<&BTreeMap<String, String>>,
        several: bool,
    ) -> Result<Translations, TranslationError> {
        let reference = table(REFERENCE);
        let mut strings = table(code);
        for (key, value) in overrides.into_iter().flatten() {
            if !reference.contains_key(key) {
                return Err(TranslationError::Unknown(key.clone()));
            }
            strings.insert(key.clone(), value.clone());
        }
        if !several {
            for key in SEVERAL_LANGUAGES_ONLY {
                if !strings.contains_key(key) {
                    strings.insert(key.to_string(), reference[key].clone());
                }
            }
        }
        let missing: Vec<String> = reference
            .keys()
            .filter(|key| !strings.contains_key(*key))
            .cloned()
            .collect();
        if missing.is_empty() {
            Ok(Translations { strings })
        } else {
            Err(TranslationError::Missing(missing))
        }
    }

    /// Every key the theme may ask for.
    pub fn keys() -> Vec<String> {
        table(REFERENCE).into_keys().collect()
    }

    /// Every string, by key: what templates see as `i18n`.
    pub fn strings(&self) -> &BTreeMap<String, String> {
        &self.strings
    }

    /// The string under `key`; every key of the reference table has one.
    pub fn get(&self, key: &str) -> &str {
        self.strings.get(key).map_or("", String::as_str)
    }

    /// The pattern under `key` with each `{name}` replaced by its value.
    /// One pass over the pattern: every card's date is formatted so, and
    /// a value is never read as a pattern itself.
    pub fn format(&self, key: &str, values: &[(&str, &dyn Display)]) -> String {
        let mut rest = self.get(key);
        let mut out = String::with_capacity(rest.len() + 24);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let blank = after.find('}').map(|close| (&after[..close], close));
            let value = blank.and_then(|(name, close)| {
                let (_, value) = values.iter().find(|(known, _)| *known == name)?;
                Some((value, close))
            });
            match value {
                Some((value, close)) => {
                    let _ = write!(out, "{value}");
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    pub fn month_name(&self, month: u8) -> &str {
        self.get(&format!("month_{month}"))
    }

    /// `12 July 2023`, `2023年7月12日`.
    pub fn date(&self, date: Date) -> String {
        let month = date.month() as u8;
        self.format(
            "date",
            &[
                ("day", &date.day()),
                ("month", &month),
                ("month_name", &self.month_name(month)),
                ("year", &date.year()),
            ],
        )
    }

    /// `July 2023`, `2023年7月`.
    pub fn month_title(&self, year: i32, month: u8) -> String {
        self.format(
            "month_title",
            &[
                ("month", &month),
                ("month_name", &self.month_name(month)),
                ("year", &year),
            ],
        )
    }

    /// `2023`, `2023年`.
    pub fn year_title(&self, year: i32) -> String {
        self.format("year_title", &[("year", &year)])
    }

    /// `1 article`, `3 articles`, `3篇`.
    pub fn articles(&self, n: usize) -> String {
        let key = if n == 1 {
            "articles_one"
        } else {
            "articles_other"
        };
        self.format(key, &[("n", &n)])
    }
}

fn table(code: &str) -> BTreeMap<String, String> {
    BUILT_IN
        .iter()
        .find(|(built_in, _)| *built_in == code)
        .and_then(|(_, text)| toml::from_str(text).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_table_has_every_key() {
        for (code, _) in BUILT_IN {
            assert!(Translations::load(code, None, true).is_ok(), "{code}");
        }
    }

    #[test]
    fn chinese_tags_are_chinese() {
        for tag in ["zh", "zh-CN", "zh-Hans", "zh-Hans-CN", "ZH_cn"] {
            assert_eq!(language_code(tag), "zh", "{tag}");
        }
        assert_eq!(language_code("en-GB"), "en");
    }

    #[test]
    fn dates_and_counts_in_each_language() {
        let date = Date::from_calendar_date(2023, time::Month::July, 12).unwrap();
        let en = Translations::load("en", None, false).unwrap();
        let zh = Translations::load("zh", None, false).unwrap();
        assert_eq!(en.date(date), "12 July 2023");
        assert_eq!(zh.date(date), "2023年7月12日");
        assert_eq!(en.month_title(2023, 7), "July 2023");
        assert_eq!(zh.month_title(2023, 7), "2023年7月");
        assert_eq!(
            (en.articles(1), en.articles(3)),
            ("1 article".into(), "3 articles".into())
        );
        assert_eq!(zh.articles(3), "3篇");
        let title = en.format("title_on_page", &[("title", &"{n} {oops"), ("n", &2)]);
        assert_eq!(title, "{n} {oops (page 2)", "a value is never a pattern");
    }

    #[test]
    fn a_language_without_a_table_must_give_every_string() {
        let some = BTreeMap::from([("home".to_string(), "Accueil".to_string())]);
        match Translations::load("fr", Some(&some), false) {
            Err(TranslationError::Missing(keys)) => {
                assert!(keys.contains(&"newer".to_string()) && !keys.contains(&"home".to_string()));
                assert!(!keys.contains(&"language_name".to_string()), "one language");
            }
            other => panic!("{other:?}"),
        }
        let typo = BTreeMap::from([("neewr".to_string(), "x".to_string())]);
        assert_eq!(
            Translations::load("en", Some(&typo), false),
            Err(TranslationError::Unknown("neewr".into()))
        );
    }
}
