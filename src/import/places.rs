//! The cities a text names: every declared key, name and alias found in it,
//! the longest first, so that "Hainan Tibetan Autonomous Prefecture" is not
//! read as a shorter name inside it; and the place names it uses that the
//! site does not declare.

use std::collections::BTreeSet;

use crate::model::{CityId, CityRegistry};

/// A declared city the text names, where it first does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub city: CityId,
    pub name: String,
    pub at: usize,
}

/// A name that fits several declared cities: not guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguous {
    pub name: String,
    pub cities: Vec<CityId>,
    pub at: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    /// In order of first mention.
    pub mentions: Vec<Mention>,
    pub ambiguous: Vec<Ambiguous>,
}

/// Finds the declared cities in `text`. Names are matched whole (not inside
/// a longer word), ignoring ASCII case; a Chinese name anywhere.
pub fn find(text: &str, cities: &CityRegistry) -> Places {
    let mut names: Vec<(String, Vec<CityId>)> = Vec::new();
    for (id, city) in cities.iter() {
        let spellings = [&city.key, &city.name].into_iter().chain(&city.aliases);
        for spelling in spellings {
            // ASCII case only, so that offsets in the folded text are the text's.
            let folded = spelling.to_ascii_lowercase();
            match names.iter_mut().find(|(name, _)| *name == folded) {
                Some((_, ids)) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => names.push((folded, vec![id])),
            }
        }
    }
    names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    let lower = text.to_ascii_lowercase();
    let mut taken = vec![false; lower.len()];
    let mut places = Places::default();
    for (name, ids) in &names {
        for (at, _) in lower.match_indices(name.as_str()) {
            let end = at + name.len();
            if taken[at..end].iter().any(|&t| t) || !whole(&lower, at, end) {
                continue;
            }
            taken[at..end].iter_mut().for_each(|t| *t = true);
            let written = text.get(at..end).unwrap_or(name).to_string();
            record(&mut places, ids, written, at);
        }
    }
    places.mentions.sort_by_key(|m| m.at);
    places.ambiguous.sort_by_key(|a| a.at);
    places
}

fn record(places: &mut Places, ids: &[CityId], name: String, at: usize) {
    if let [id] = ids {
        match places.mentions.iter_mut().find(|m| m.city == *id) {
            Some(mention) if mention.at > at => {
                mention.at = at;
                mention.name = name;
            }
            Some(_) => {}
            None => places.mentions.push(Mention {
                city: *id,
                name,
                at,
            }),
        }
    } else if !places
        .ambiguous
        .iter()
        .any(|a| a.name.eq_ignore_ascii_case(&name))
    {
        places.ambiguous.push(Ambiguous {
            name,
            cities: ids.to_vec(),
            at,
        });
    }
}

/// Whether `text[start..end]` is not part of a longer ASCII word.
fn whole(text: &str, start: usize, end: usize) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let first = text[start..].chars().next();
    let last = text[..end].chars().next_back();
    let open_before = !first.is_some_and(|c| c.is_ascii_alphanumeric())
        || !word(text[..start].chars().next_back());
    let open_after =
        !last.is_some_and(|c| c.is_ascii_alphanumeric()) || !word(text[end..].chars().next());
    open_before && open_after
}

/// English place kinds that follow a name, and the Chinese ones.
const KINDS: [&str; 5] = ["City", "County", "Prefecture", "District", "Province"];
const CHINESE_KINDS: [char; 5] = ['市', '县', '州', '区', '省'];

/// A place name as the text writes it: "Xinghai County", "Hainan Province", "兴海县".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlaceName {
    pub at: usize,
    /// The word before its kind: "Xinghai"; in Chinese, up to three characters.
    pub stem: String,
    pub kind: String,
    /// What comes before the stem and may belong to the name: the capitalised
    /// words "Hainan Tibetan" before "Autonomous Prefecture", or up to three
    /// more Chinese characters.
    pub before: String,
}

impl PlaceName {
    fn chinese(&self) -> bool {
        self.kind
            .chars()
            .next()
            .is_some_and(|c| CHINESE_KINDS.contains(&c))
    }

    pub fn full(&self) -> String {
        self.with_kind(&self.stem)
    }

    fn with_kind(&self, stem: &str) -> String {
        match self.chinese() {
            true => format!("{stem}{}", self.kind),
            false => format!("{stem} {}", self.kind),
        }
    }

    /// Every name the place could be, with and without its kind: the stem,
    /// then the stem with more and more of what comes before it.
    pub fn names(&self) -> Vec<String> {
        let separator = if self.chinese() { "" } else { " " };
        let mut stems = vec![self.stem.clone()];
        let mut before = self.before.as_str();
        while !before.is_empty() {
            stems.push(format!("{before}{separator}{}", self.stem));
            before = match self.chinese() {
                true => before
                    .char_indices()
                    .nth(1)
                    .map_or("", |(i, _)| &before[i..]),
                false => before.split_once(' ').map_or("", |(_, rest)| rest),
            };
        }
        stems
            .iter()
            .flat_map(|stem| [self.with_kind(stem), stem.clone()])
            .collect()
    }
}

/// Every "<Capitalised name> City/County/…" and "<汉字>市/县/…" in `text`.
pub fn place_names(text: &str) -> Vec<PlaceName> {
    let mut found = BTreeSet::new();
    for kind in KINDS {
        for (at, _) in text.match_indices(&format!(" {kind}")) {
            let end = at + kind.len() + 1;
            if text[end..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            if let Some((start, run)) = capitalised_words_before(&text[..at]) {
                // "Xinghai  County", typed with two spaces, is Xinghai's too.
                let run = run.trim_end();
                let (before, stem) = run.rsplit_once(' ').unwrap_or(("", run));
                found.insert(PlaceName {
                    at: start + run.len() - stem.len(),
                    stem: stem.to_string(),
                    kind: kind.to_string(),
                    before: before.to_string(),
                });
            }
        }
    }
    for (at, c) in text
        .char_indices()
        .filter(|(_, c)| CHINESE_KINDS.contains(c))
    {
        let run: Vec<char> = text[..at]
            .chars()
            .rev()
            .take_while(|c| is_han(*c))
            .take(6)
            .collect();
        let stem: String = run.iter().take(3).rev().collect();
        let before: String = run.iter().skip(3).rev().collect();
        if stem.chars().count() >= 2 {
            found.insert(PlaceName {
                at: at - stem.len(),
                stem,
                kind: c.to_string(),
                before,
            });
        }
    }
    found.into_iter().collect()
}

/// The capitalised words (up to four, one space apart) that end `before`:
/// "Hainan Tibetan Autonomous" in "… of Hainan Tibetan Autonomous".
fn capitalised_words_before(before: &str) -> Option<(usize, &str)> {
    let mut start = before.len();
    for _ in 0..4 {
        let head = &before[..start];
        let head = match head.strip_suffix(' ') {
            Some(head) => head,
            None if start == before.len() => head,
            None => break,
        };
        let word_start = head
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphabetic() || *c == '-' || *c == '\'')
            .last()
            .map_or(head.len(), |(i, _)| i);
        if !head[word_start..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
        {
            break;
        }
        start = word_start;
    }
    (start < before.len()).then(|| (start, &before[start..]))
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}') && !CHINESE_KINDS.contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::City;

    fn city(key: &str, name: &str, aliases: &[&str]) -> City {
        City {
            key: key.into(),
            name: name.into(),
            province: "Jiangsu".into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            display: None,
            names: Default::default(),
            position: None,
        }
    }

    fn registry() -> CityRegistry {
        CityRegistry::new(vec![
            city("xuzhou", "Xuzhou", &["Xuzhou City", "徐州"]),
            city(
                "hainan-prefecture",
                "Hainan Tibetan Autonomous Prefecture",
                &["Hainan Prefecture"],
            ),
            city("taizhou-js", "Taizhou", &[]),
            city("taizhou-zj", "Taizhou", &[]),
        ])
    }

    fn keys(places: &Places, cities: &CityRegistry) -> Vec<String> {
        places
            .mentions
            .iter()
            .map(|m| cities.get(m.city).key.clone())
            .collect()
    }

    #[test]
    fn the_longest_name_wins_and_first_mention_orders() {
        let cities = registry();
        let places = find(
            "Hainan Tibetan Autonomous Prefecture visited Xuzhou City; 徐州 welcomed Hainan.",
            &cities,
        );
        assert_eq!(keys(&places, &cities), ["hainan-prefecture", "xuzhou"]);
        assert_eq!(
            places.mentions[0].name,
            "Hainan Tibetan Autonomous Prefecture"
        );
    }

    #[test]
    fn a_name_of_two_cities_is_not_guessed_and_words_are_whole() {
        let cities = registry();
        let places = find("Taizhou signed with Xuzhoutown.", &cities);
        assert!(places.mentions.is_empty());
        assert_eq!(places.ambiguous.len(), 1);
        assert_eq!(places.ambiguous[0].cities.len(), 2);
    }

    #[test]
    fn place_names_are_found_in_both_languages() {
        let names: Vec<String> =
            place_names("Xuzhou City and Xinghai County in Hainan Province; 兴海县。")
                .iter()
                .map(PlaceName::full)
                .collect();
        assert_eq!(
            names,
            ["Xuzhou City", "Xinghai County", "Hainan Province", "兴海县"]
        );
    }

    #[test]
    fn a_name_typed_with_two_spaces_before_its_kind_is_still_the_name() {
        let found = place_names("Teachers went to Xinghai  County.");
        let names: Vec<String> = found.iter().map(PlaceName::full).collect();
        assert_eq!(names, ["Xinghai County"]);
        assert_eq!(found[0].at, "Teachers went to ".len());
    }
}
