//! The whole site as one immutable value: articles newest first, and every
//! index (by city, by month, by topic) built once from them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::partnership::{PairId, Partnership, Partnerships};
use super::{Article, CityId, CityRegistry, YearMonth};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::CONTENT_DIR;

/// Position of an article in `Site::articles`, so smaller is newer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleId(u32);

impl ArticleId {
    pub(super) fn new(index: usize) -> ArticleId {
        ArticleId(index as u32)
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A year of the archive: its position in `Site::years`, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearId(u32);

/// A month of the archive: its year, and its position among that year's months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthId {
    year: YearId,
    month: u32,
}

/// A topic: its position in `Site::topics`, by slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicId(u32);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearArchive {
    pub year: i32,
    pub articles: Vec<ArticleId>,
    /// Newest month first.
    pub months: Vec<MonthArchive>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthArchive {
    pub month: YearMonth,
    pub articles: Vec<ArticleId>,
}

/// Names of topics that config.toml declares, by slug.
pub type TopicNames = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicIndex {
    /// As config.toml declares it, or as the oldest article using it spells it, capitalised.
    pub name: String,
    pub slug: String,
    pub articles: Vec<ArticleId>,
}

/// A city another city appears with, on how many articles, and their pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partner {
    pub city: CityId,
    pub shared: usize,
    pub pair: PairId,
}

#[derive(Debug)]
pub struct Site {
    /// Where the site lives under the root of all editions: empty, or `en/`.
    prefix: String,
    cities: CityRegistry,
    articles: Vec<Arc<Article>>,
    all: Vec<ArticleId>,
    by_city: Vec<Vec<ArticleId>>,
    partners: Vec<Vec<Partner>>,
    /// Newest year first.
    archive: Vec<YearArchive>,
    /// By slug.
    topics: Vec<TopicIndex>,
    partnerships: Partnerships,
}

impl Site {
    /// Builds every index. When two articles would share a URL, the one from
    /// the file that sorts later is left out and reported as an error naming both.
    /// Articles are shared, so that a preview can keep them between rebuilds.
    pub fn new(
        prefix: String,
        cities: CityRegistry,
        articles: Vec<Arc<Article>>,
        topic_names: &TopicNames,
    ) -> (Site, Diagnostics) {
        let (mut articles, problems) = without_duplicate_slugs(articles, &prefix);
        articles.sort_by(|a, b| Article::newest_first(a, b));
        let all: Vec<ArticleId> = (0..articles.len() as u32).map(ArticleId).collect();
        let mut by_city = vec![Vec::new(); cities.len()];
        for &id in &all {
            for city in &articles[id.index()].cities {
                by_city[city.index()].push(id);
            }
        }
        let ((partnerships, partners), (archive, topics)) = rayon::join(
            || {
                let partnerships = Partnerships::new(&articles);
                let partners = partners(cities.len(), &partnerships);
                (partnerships, partners)
            },
            || (archive(&articles), topics(&articles, topic_names)),
        );
        let site = Site {
            partners,
            archive,
            topics,
            partnerships,
            all,
            by_city,
            cities,
            articles,
            prefix,
        };
        (site, problems)
    }

    /// Where the site lives under the root of all editions: empty, or `en/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn cities(&self) -> &CityRegistry {
        &self.cities
    }

    pub fn articles(&self) -> &[Arc<Article>] {
        &self.articles
    }

    pub fn article(&self, id: ArticleId) -> &Article {
        &self.articles[id.index()]
    }

    /// Every article, newest first.
    pub fn all(&self) -> &[ArticleId] {
        &self.all
    }

    pub fn articles_in(&self, city: CityId) -> &[ArticleId] {
        &self.by_city[city.index()]
    }

    /// Partner cities, most shared articles first, then by key.
    pub fn partners_of(&self, city: CityId) -> &[Partner] {
        &self.partners[city.index()]
    }

    pub fn partnerships(&self) -> &Partnerships {
        &self.partnerships
    }

    /// The site path of a pair's page: `partnerships/wuxi--xuzhou/`.
    pub fn pair_path(&self, id: PairId) -> String {
        let [a, b] = self.pair_keys(id);
        super::paths::partnership(a, b)
    }

    /// The site path of a pair's feed.
    pub fn pair_feed_path(&self, id: PairId) -> String {
        let [a, b] = self.pair_keys(id);
        super::paths::partnership_feed(a, b)
    }

    /// The keys of a pair's cities, in their sorted order.
    pub fn pair_keys(&self, id: PairId) -> [&str; 2] {
        self.partnerships
            .get(id)
            .cities
            .map(|city| self.cities.get(city).key.as_str())
    }

    /// Every pair, most shared articles first; then the one with the
    /// newest article; then by the cities' names.
    pub fn pairs_by_activity(&self) -> Vec<PairId> {
        let mut pairs: Vec<(PairId, &Partnership)> = self.partnerships.iter().collect();
        let names = |pair: &Partnership| pair.cities.map(|city| self.cities.display(city));
        pairs.sort_by(|(_, a), (_, b)| {
            b.articles
                .len()
                .cmp(&a.articles.len())
                .then_with(|| a.latest().cmp(&b.latest()))
                .then_with(|| names(a).cmp(&names(b)))
        });
        pairs.into_iter().map(|(id, _)| id).collect()
    }

    /// Every year with articles, newest first.
    pub fn years(&self) -> impl Iterator<Item = (YearId, &YearArchive)> {
        self.archive
            .iter()
            .enumerate()
            .map(|(index, year)| (YearId(index as u32), year))
    }

    pub fn year(&self, id: YearId) -> &YearArchive {
        &self.archive[id.0 as usize]
    }

    /// The months of a year that have articles, newest first.
    pub fn months(&self, year: YearId) -> impl Iterator<Item = (MonthId, &MonthArchive)> {
        self.year(year)
            .months
            .iter()
            .enumerate()
            .map(move |(index, month)| {
                let id = MonthId {
                    year,
                    month: index as u32,
                };
                (id, month)
            })
    }

    pub fn month(&self, id: MonthId) -> &MonthArchive {
        &self.year(id.year).months[id.month as usize]
    }

    /// Every topic, by slug.
    pub fn topics(&self) -> impl Iterator<Item = (TopicId, &TopicIndex)> {
        self.topics
            .iter()
            .enumerate()
            .map(|(index, topic)| (TopicId(index as u32), topic))
    }

    pub fn topic(&self, id: TopicId) -> &TopicIndex {
        &self.topics[id.0 as usize]
    }

    pub fn has_topics(&self) -> bool {
        !self.topics.is_empty()
    }

    pub fn topic_by_slug(&self, slug: &str) -> Option<TopicId> {
        self.topics
            .binary_search_by(|topic| topic.slug.as_str().cmp(slug))
            .ok()
            .map(|index| TopicId(index as u32))
    }

    /// The month before and the month after `id` that have articles, in
    /// any year: (newer, older).
    pub fn month_neighbours(&self, id: MonthId) -> (Option<MonthId>, Option<MonthId>) {
        let all: Vec<MonthId> = self
            .years()
            .flat_map(|(year, _)| self.months(year).map(|(month, _)| month))
            .collect();
        let at = all.iter().position(|m| *m == id);
        let newer = at.and_then(|i| i.checked_sub(1)).map(|i| all[i]);
        let older = at.and_then(|i| all.get(i + 1).copied());
        (newer, older)
    }

    /// The next older article.
    pub fn older(&self, id: ArticleId) -> Option<ArticleId> {
        let next = id.index() + 1;
        (next < self.articles.len()).then_some(ArticleId(next as u32))
    }

    /// The next newer article.
    pub fn newer(&self, id: ArticleId) -> Option<ArticleId> {
        id.0.checked_sub(1).map(ArticleId)
    }

    /// Up to `count` other articles that share a city with `id`, the closest
    /// in time first. Looks only at neighbours in each city's list, so the
    /// cost does not grow with the size of the site.
    pub fn related(&self, id: ArticleId, count: usize) -> Vec<ArticleId> {
        let cities = &self.article(id).cities;
        let mut candidates: Vec<ArticleId> = Vec::with_capacity(cities.len() * (2 * count + 1));
        for city in cities {
            let list = self.articles_in(*city);
            let at = list.binary_search(&id).unwrap_or_else(|i| i);
            let from = at.saturating_sub(count);
            let to = (at + count + 1).min(list.len());
            candidates.extend(list[from..to].iter().filter(|other| **other != id));
        }
        candidates.sort_unstable_by_key(|other| (other.0.abs_diff(id.0), *other));
        candidates.dedup();
        candidates.truncate(count);
        candidates
    }
}

fn without_duplicate_slugs(
    mut articles: Vec<Arc<Article>>,
    prefix: &str,
) -> (Vec<Arc<Article>>, Diagnostics) {
    articles.sort_by(|a, b| a.file.cmp(&b.file));
    let mut first_file: HashMap<&str, &str> = HashMap::with_capacity(articles.len());
    let mut problems = Diagnostics::default();
    let mut keep = Vec::with_capacity(articles.len());
    for article in &articles {
        let first = *first_file.entry(&article.slug).or_insert(&article.file);
        keep.push(first == article.file);
        if first != article.file {
            problems.push(
                Diagnostic::error(format!(
                    "`{first}` and `{}` would both be published at /{prefix}{}",
                    article.file,
                    article.path()
                ))
                .in_file(format!("{CONTENT_DIR}/{}", article.file))
                .help("give one of them a different title, or set `slug = \"...\"` in its front matter"),
            );
        }
    }
    drop(first_file);
    let mut keep = keep.into_iter();
    articles.retain(|_| keep.next().unwrap_or(true));
    (articles, problems)
}

/// Each city's partners, from the pairs: most shared articles first, then by key.
fn partners(cities: usize, partnerships: &Partnerships) -> Vec<Vec<Partner>> {
    let mut partners = vec![Vec::new(); cities];
    for (pair, partnership) in partnerships.iter() {
        let shared = partnership.articles.len();
        let [a, b] = partnership.cities;
        partners[a.index()].push(Partner {
            city: b,
            shared,
            pair,
        });
        partners[b.index()].push(Partner {
            city: a,
            shared,
            pair,
        });
    }
    for list in &mut partners {
        list.sort_by_key(|p| (std::cmp::Reverse(p.shared), p.city));
    }
    partners
}

fn archive(articles: &[Arc<Article>]) -> Vec<YearArchive> {
    let mut years: Vec<YearArchive> = Vec::new();
    for (index, article) in articles.iter().enumerate() {
        let id = ArticleId(index as u32);
        let month = article.date.year_month();
        if years.last().is_none_or(|y| y.year != month.year) {
            years.push(YearArchive {
                year: month.year,
                articles: Vec::new(),
                months: Vec::new(),
            });
        }
        let year = years.last_mut().expect("pushed above");
        year.articles.push(id);
        if year.months.last().is_none_or(|m| m.month != month) {
            year.months.push(MonthArchive {
                month,
                articles: Vec::new(),
            });
        }
        year.months
            .last_mut()
            .expect("pushed above")
            .articles
            .push(id);
    }
    years
}

/// Topics by slug. A topic is named as config.toml declares it, else as
/// the oldest article using it spells it, with a capital first letter.
fn topics(articles: &[Arc<Article>], declared: &TopicNames) -> Vec<TopicIndex> {
    let mut by_slug: BTreeMap<&str, TopicIndex> = BTreeMap::new();
    for (index, article) in articles.iter().enumerate() {
        for topic in &article.topics {
            let entry = by_slug.entry(&topic.slug).or_insert_with(|| TopicIndex {
                name: String::new(),
                slug: topic.slug.clone(),
                articles: Vec::new(),
            });
            entry.name.clone_from(&topic.name);
            entry.articles.push(ArticleId(index as u32));
        }
    }
    by_slug
        .into_values()
        .map(|mut topic| {
            topic.name = match declared.get(&topic.slug) {
                Some(name) => name.clone(),
                None => capitalised(&topic.name),
            };
            topic
        })
        .collect()
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, City, EditionId, PublishedDate, Topic};
    use time::{Date, Month};

    fn registry() -> CityRegistry {
        let city = |key: &str| City {
            key: key.into(),
            name: key.into(),
            province: "Jiangsu".into(),
            aliases: vec![],
            display: None,
            names: Default::default(),
            position: None,
        };
        CityRegistry::new(vec![city("wuxi"), city("xuzhou"), city("suzhou")])
    }

    fn article(
        registry: &CityRegistry,
        title: &str,
        ymd: (i32, u8, u8),
        cities: &[&str],
    ) -> Arc<Article> {
        let date = Date::from_calendar_date(ymd.0, Month::try_from(ymd.1).unwrap(), ymd.2).unwrap();
        Arc::new(Article {
            file: format!("{title}.md"),
            title: title.into(),
            slug: title.to_lowercase(),
            date: PublishedDate::new(date, None, None),
            cities: cities.iter().map(|c| registry.by_key(c).unwrap()).collect(),
            topics: vec![Topic {
                name: "Parks".into(),
                slug: "parks".into(),
            }],
            summary_html: String::new(),
            summary_text: String::new(),
            body: Body::default(),
            source: None,
            source_url: None,
            draft: false,
            lang: None,
            edition: EditionId::DEFAULT,
            translation: None,
        })
    }

    fn site() -> Site {
        let r = registry();
        let articles = vec![
            article(&r, "B", (2020, 6, 9), &["wuxi", "xuzhou"]),
            article(&r, "A", (2020, 6, 9), &["xuzhou"]),
            article(&r, "C", (2023, 7, 3), &["xuzhou", "suzhou"]),
            article(&r, "D", (2020, 5, 1), &["wuxi"]),
        ];
        let (site, problems) = Site::new(String::new(), r, articles, &TopicNames::new());
        assert!(problems.is_empty(), "{problems}");
        site
    }

    fn titles(site: &Site, ids: &[ArticleId]) -> Vec<String> {
        ids.iter()
            .map(|id| site.article(*id).title.clone())
            .collect()
    }

    #[test]
    fn articles_are_newest_first_with_ties_by_title() {
        let site = site();
        assert_eq!(titles(&site, site.all()), ["C", "A", "B", "D"]);
    }

    #[test]
    fn city_index_and_partners() {
        let site = site();
        let xuzhou = site.cities().by_key("xuzhou").unwrap();
        assert_eq!(titles(&site, site.articles_in(xuzhou)), ["C", "A", "B"]);
        let partners: Vec<_> = site
            .partners_of(xuzhou)
            .iter()
            .map(|p| (site.cities().get(p.city).key.as_str(), p.shared))
            .collect();
        assert_eq!(partners, [("suzhou", 1), ("wuxi", 1)]);
    }

    #[test]
    fn archive_groups_by_year_and_month() {
        let site = site();
        let years: Vec<_> = site.years().collect();
        assert_eq!(
            years.iter().map(|(_, y)| y.year).collect::<Vec<_>>(),
            [2023, 2020]
        );
        let months: Vec<_> = site
            .months(years[1].0)
            .map(|(_, m)| (m.month.month, m.articles.len()))
            .collect();
        assert_eq!(months, [(6, 2), (5, 1)]);
    }

    #[test]
    fn neighbours_and_related() {
        let site = site();
        let a = ArticleId(1);
        assert_eq!(site.newer(a), Some(ArticleId(0)));
        assert_eq!(site.older(ArticleId(3)), None);
        assert_eq!(titles(&site, &site.related(a, 5)), ["C", "B"]);
    }

    #[test]
    fn duplicate_slugs_name_both_files() {
        let r = registry();
        let articles = vec![
            article(&r, "Same", (2020, 1, 1), &["wuxi"]),
            article(&r, "same", (2021, 1, 1), &["wuxi"]),
        ];
        let (site, problems) = Site::new(String::new(), r, articles, &TopicNames::new());
        assert!(
            problems.to_string().contains("`Same.md` and `same.md`"),
            "{problems}"
        );
        assert_eq!(site.articles().len(), 1);
    }
}
