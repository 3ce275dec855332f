//! What templates see: borrowed, serialisable views of the model, with every
//! URL already absolute under `base_url`. The README documents each field.

use std::borrow::Cow;
use std::fmt::Write;

use serde::Serialize;

use super::escape::escape;

use crate::config::{BaseUrl, Config, Language};
use crate::model::{paths, Article, CityId, EditionId, Site};

/// An edition as views see it: its language, and the URL of its home.
pub struct Place<'a> {
    pub language: &'a Language,
    pub home: BaseUrl,
}

impl<'a> Place<'a> {
    pub fn new(config: &'a Config, edition: EditionId) -> Place<'a> {
        let language = &config.languages[edition.index()];
        Place {
            language,
            home: config.base_url.child(&language.prefix),
        }
    }
}

/// `site` in every template.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The language of the page's edition, as config.toml writes it.
    pub language: &'a str,
    /// The root of the site, where its style sheet and sitemap are.
    pub base_url: &'a str,
    /// The home page of the page's edition: `base_url`, or `base_url` + `en/`.
    pub home_url: String,
    pub feed_url: String,
    pub has_topics: bool,
    /// Whether any two cities share an article, and so `/partnerships/` exists.
    pub has_partnerships: bool,
    /// Whether the site has search (`/search/` and a box in the header).
    pub has_search: bool,
    /// Where Pagefind's scripts and the index are.
    pub search_bundle_url: String,
    pub extra: &'a toml::Table,
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a Config, site: &Site, place: &Place<'a>) -> SiteView<'a> {
        SiteView {
            title: &place.language.title,
            description: &place.language.description,
            language: &place.language.tag,
            base_url: config.base_url.as_str(),
            home_url: place.home.to_string(),
            feed_url: place.home.join(paths::SITE_FEED),
            has_topics: site.has_topics(),
            has_partnerships: !site.partnerships().is_empty(),
            has_search: config.search,
            search_bundle_url: config.base_url.join(paths::SEARCH_BUNDLE),
            extra: &config.extra,
        }
    }
}

/// A language a page is in, for the language switcher: `page.languages`.
#[derive(Debug, Serialize)]
pub struct LanguageLink<'a> {
    /// The tag, for `lang` and `hreflang`: `zh-CN`.
    pub lang: &'a str,
    /// The language's name in itself: `中文`, `English`.
    pub name: &'a str,
    /// The same page in that language, or the nearest page it has.
    pub url: String,
    /// Whether this is the page's own language.
    pub current: bool,
    /// Whether `url` is the same page, in that language.
    pub same: bool,
}

/// `<link rel="alternate" hreflang>`: the page in each language that has
/// it, and `x-default`, the default language's.
#[derive(Debug, Serialize)]
pub struct Alternate<'a> {
    pub hreflang: &'a str,
    pub url: String,
}

impl<'a> Alternate<'a> {
    /// The `<link>` elements of `<head>`.
    pub fn links(alternates: &[Alternate<'_>]) -> String {
        let mut html = String::new();
        for alternate in alternates {
            let _ = write!(
                html,
                "\n  <link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">",
                escape(alternate.hreflang),
                escape(&alternate.url)
            );
        }
        html
    }

    /// None unless the page is in another language too.
    pub fn of(languages: &[LanguageLink<'a>], config: &Config) -> Vec<Alternate<'a>> {
        let same: Vec<&LanguageLink<'a>> = languages.iter().filter(|l| l.same).collect();
        if same.len() < 2 {
            return Vec::new();
        }
        let default = same
            .iter()
            .find(|l| l.lang == config.language().tag)
            .map(|l| Alternate {
                hreflang: "x-default",
                url: l.url.clone(),
            });
        same.iter()
            .map(|l| Alternate {
                hreflang: l.lang,
                url: l.url.clone(),
            })
            .chain(default)
            .collect()
    }
}

/// `page` in every template: what the `<head>` of this page needs.
#[derive(Debug, Serialize)]
pub struct PageMeta<'a> {
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
    /// Every language of the site, with this page's URL in it; empty for a
    /// site of one language.
    pub languages: Vec<LanguageLink<'a>>,
    /// `<link rel="alternate" hreflang="…">` for each language the same
    /// page is in, and `x-default`: written here rather than by templates,
    /// as every page of a site in several languages has them and none
    /// needs them otherwise. Empty when the page is in one language.
    pub hreflang_links: String,
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

/// A pair of partner cities: `pair` on its page, and each of `pairs`.
#[derive(Debug, Serialize)]
pub struct PairView<'a> {
    pub a: CityLink<'a>,
    pub b: CityLink<'a>,
    /// `Wuxi and Xuzhou`, `无锡与徐州`.
    pub title: String,
    /// `Jiangsu`, or `Jiangsu and Qinghai` for a pair across provinces.
    pub provinces: String,
    pub url: String,
    pub feed_url: String,
    pub count: usize,
    /// `3 articles`, `3篇`.
    pub count_text: String,
    /// The dates of the first and the latest shared article: `2020-06-09`, and as readers see them.
    pub first: String,
    pub first_display: String,
    pub latest: String,
    pub latest_display: String,
    /// From `[partnerships."a--b"]` in config.toml.
    pub since: Option<i32>,
    /// `Partners since 2010`, `2010年结对`.
    pub since_text: Option<String>,
    pub description: Option<&'a str>,
}

/// A partner city on a city's page, with the pair's page.
#[derive(Debug, Serialize)]
pub struct PartnerView<'a> {
    #[serde(flatten)]
    pub city: CityLink<'a>,
    /// How many articles the two share.
    pub count: usize,
    pub pair_url: String,
}

/// A pair an article names, linked to its page.
#[derive(Debug, Serialize)]
pub struct PairLink {
    pub title: String,
    pub url: String,
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
    pub fn new(site: &'a Site, place: &Place<'_>, article: &'a Article) -> ArticleCard<'a> {
        let base_url = &place.home;
        ArticleCard {
            title: &article.title,
            url: base_url.join(&article.path()),
            date: article.date.iso_date(),
            date_display: place.language.i18n.date(article.date.day()),
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

/// An article as a timeline shows it, on a pair's page: the pair's two
/// cities are the page's, so its card would repeat them on every line.
#[derive(Debug, Serialize)]
pub struct ArticleLine<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: String,
    pub date_display: String,
    pub draft: bool,
}

/// `article` on an article page: the card plus everything else it has.
#[derive(Debug, Serialize)]
pub struct ArticleView<'a> {
    #[serde(flatten)]
    pub card: ArticleCard<'a>,
    pub topics: Vec<TopicLink<'a>>,
    pub summary_text: &'a str,
    pub body_html: Cow<'a, str>,
    pub source: Option<&'a str>,
    pub source_url: Option<&'a str>,
}

impl<'a> ArticleView<'a> {
    pub fn new(site: &'a Site, place: &Place<'_>, article: &'a Article) -> ArticleView<'a> {
        let base_url = &place.home;
        ArticleView {
            card: ArticleCard::new(site, place, article),
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
            body_html: article.body.html(),
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
    /// `Page 2 of 5`, in the page's language.
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
