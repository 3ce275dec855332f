//! What templates see: borrowed, serialisable views of the model, with every
//! URL already absolute under `base_url`. The README documents each field.

use serde::Serialize;

use crate::config::{BaseUrl, Config};
use crate::model::{paths, Article, CityId, Site};

/// `site` in every template.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: &'a str,
    pub feed_url: String,
    pub has_topics: bool,
    pub extra: &'a toml::Table,
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a Config, site: &Site) -> SiteView<'a> {
        SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            base_url: config.base_url.as_str(),
            feed_url: config.base_url.join(paths::SITE_FEED),
            has_topics: site.has_topics(),
            extra: &config.extra,
        }
    }
}

/// `page` in every template: what the `<head>` of this page needs.
#[derive(Debug, Serialize)]
pub struct PageMeta {
    /// The page's language: its article's, or the site's.
    pub lang: String,
    /// `home`, `article`, `cities`, `city`, `archive`, `year`, `month`, `topics`, `topic` or `404`.
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    /// The canonical URL.
    pub url: String,
    /// Which page of a paginated list this is, from 1.
    pub number: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CityLink<'a> {
    pub key: &'a str,
    pub name: &'a str,
    /// The name, with the province where another city has the same name.
    pub display: &'a str,
    pub province: &'a str,
    pub url: String,
}

impl<'a> CityLink<'a> {
    pub fn new(site: &'a Site, base_url: &BaseUrl, id: CityId) -> CityLink<'a> {
        let city = site.cities().get(id);
        CityLink {
            key: &city.key,
            name: &city.name,
            display: site.cities().display(id),
            province: &city.province,
            url: base_url.join(&city.path()),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TopicLink<'a> {
    pub name: &'a str,
    pub url: String,
}

/// An article as a list shows it.
#[derive(Debug, Serialize)]
pub struct ArticleCard<'a> {
    pub title: &'a str,
    pub url: String,
    /// `2020-06-09`
    pub date: String,
    /// `9 June 2020`
    pub date_display: String,
    pub cities: Vec<CityLink<'a>>,
    pub summary_html: &'a str,
    /// Shown only when drafts are included: with `--drafts` or in the preview.
    pub draft: bool,
    /// The article's language, when it is not the site's.
    pub lang: Option<&'a str>,
}

impl<'a> ArticleCard<'a> {
    pub fn new(site: &'a Site, config: &Config, article: &'a Article) -> ArticleCard<'a> {
        let base_url = &config.base_url;
        ArticleCard {
            title: &article.title,
            url: base_url.join(&article.path()),
            date: article.date.iso_date(),
            date_display: config.i18n.date(article.date.day()),
            cities: article
                .cities
                .iter()
                .map(|id| CityLink::new(site, base_url, *id))
                .collect(),
            summary_html: &article.summary_html,
            draft: article.draft,
            lang: article.lang.as_deref(),
        }
    }
}

/// `article` on an article page: the card plus everything else it has.
#[derive(Debug, Serialize)]
pub struct ArticleView<'a> {
    #[serde(flatten)]
    pub card: ArticleCard<'a>,
    pub topics: Vec<TopicLink<'a>>,
    pub summary_text: &'a str,
    pub body_html: &'a str,
    pub source: Option<&'a str>,
    pub source_url: Option<&'a str>,
}

impl<'a> ArticleView<'a> {
    pub fn new(site: &'a Site, config: &Config, article: &'a Article) -> ArticleView<'a> {
        let base_url = &config.base_url;
        ArticleView {
            card: ArticleCard::new(site, config, article),
            topics: article
                .topics
                .iter()
                .map(|topic| TopicLink {
                    name: site
                        .topic_by_slug(&topic.slug)
                        .map_or(&topic.name, |id| &site.topic(id).name),
                    url: base_url.join(&paths::topic(&topic.slug)),
                })
                .collect(),
            summary_text: &article.summary_text,
            body_html: &article.body_html,
            source: article.source.as_deref(),
            source_url: article.source_url.as_deref(),
        }
    }
}

/// `pagination` on list pages.
#[derive(Debug, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    /// `Page 2 of 5`, in the site's language.
    pub text: String,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

/// A city with how many articles it has, on the cities page.
#[derive(Debug, Serialize)]
pub struct CityCount<'a> {
    #[serde(flatten)]
    pub city: CityLink<'a>,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct Province<'a> {
    pub name: &'a str,
    pub cities: Vec<CityCount<'a>>,
}

#[derive(Debug, Serialize)]
pub struct MonthLink {
    pub year: i32,
    pub month: u8,
    /// `June`, `6月`.
    pub name: String,
    /// `June 2020`, `2020年6月`.
    pub title: String,
    pub url: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct YearLink {
    pub year: i32,
    /// `2020`, `2020年`.
    pub title: String,
    pub url: String,
    pub count: usize,
    /// `3 articles`, `3篇`.
    pub count_text: String,
    pub months: Vec<MonthLink>,
}

#[derive(Debug, Serialize)]
pub struct TopicCount<'a> {
    pub name: &'a str,
    pub url: String,
    pub count: usize,
}
