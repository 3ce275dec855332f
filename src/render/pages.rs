//! One planned page into its bytes: the template context for HTML pages,
//! the feed writer for feeds.

use serde::Serialize;

use super::feed::{self, Feed};
use super::plan::{page_count, pager_path, Page, PageKind};
use super::theme::Theme;
use super::views::*;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::{ArticleId, Site};

/// How many articles from the same cities an article page suggests.
const RELATED_COUNT: usize = 5;

/// Everything rendering needs, shared by all pages.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub config: &'a Config,
    pub theme: &'a Theme,
    pub site_view: SiteView<'a>,
    pub pages: &'a [Page],
}

/// A template's whole context: `site`, `page`, and the fields of `body`.
#[derive(Serialize)]
struct PageContext<'a, T: Serialize> {
    site: &'a SiteView<'a>,
    page: PageMeta,
    #[serde(flatten)]
    body: T,
}

#[derive(Serialize)]
struct ListBody<'a, T: Serialize> {
    articles: Vec<ArticleCard<'a>>,
    pagination: Pagination,
    #[serde(flatten)]
    extra: T,
}

#[derive(Serialize)]
struct Empty {}

impl<'a> Renderer<'a> {
    pub fn render(&self, page: &Page) -> Result<String, Diagnostic> {
        let site = self.site;
        let base_url = &self.config.base_url;
        match page.kind {
            PageKind::Home => self.list(page, "index.html", "home", self.config.title.clone(), self.config.description.clone(), site.all(), Empty {}),
            PageKind::Article(id) => self.article(page, id),
            PageKind::Cities => self.cities(page),
            PageKind::City(id) => {
                let city = CityLink::new(site, base_url, id);
                let description = format!("Cooperation news about {}, {}.", city.name, city.province);
                let partners: Vec<CityCount> = site
                    .partners_of(id)
                    .iter()
                    .map(|p| CityCount { city: CityLink::new(site, base_url, p.city), count: p.shared })
                    .collect();
                let extra = CityExtra {
                    feed_url: base_url.join(&format!("{}atom.xml", city_path(city.key))),
                    count: site.articles_in(id).len(),
                    city,
                    partners,
                };
                self.list(page, "city.html", "city", extra.city.name.to_string(), description, site.articles_in(id), extra)
            }
            PageKind::Archive => self.archive(page),
            PageKind::Year(y) => {
                let year = &site.archive()[y];
                let extra = YearExtra { year: self.year_link(y) };
                let description = format!("Cooperation news from {}.", year.year);
                self.list(page, "year.html", "year", year.year.to_string(), description, &year.articles, extra)
            }
            PageKind::Month(y, m) => {
                let month = &site.archive()[y].months[m];
                let link = self.month_link(y, m);
                let title = format!("{} {}", link.name, link.year);
                let description = format!("Cooperation news from {title}.");
                let extra = MonthExtra { month: link, year_url: base_url.join(&year_path(month.month.year)) };
                self.list(page, "month.html", "month", title, description, &month.articles, extra)
            }
            PageKind::Topics => self.topics(page),
            PageKind::Topic(t) => {
                let topic = &site.topics()[t];
                let extra = TopicExtra { topic: TopicCount { name: &topic.name, url: base_url.join(&topic_path(&topic.slug)), count: topic.articles.len() } };
                let description = format!("Cooperation news about {}.", topic.name);
                self.list(page, "topic.html", "topic", topic.name.clone(), description, &topic.articles, extra)
            }
            PageKind::NotFound => {
                let meta = self.meta(page, "404", "Page not found".into(), self.config.description.clone());
                self.html("404.html", meta, Empty {})
            }
            PageKind::SiteFeed => Ok(feed::atom(site, base_url, &self.config.title, &Feed {
                title: self.config.title.clone(),
                path: page.path.clone(),
                page_path: String::new(),
                ids: site.all(),
            })),
            PageKind::CityFeed(id) => {
                let city = site.cities().get(id);
                Ok(feed::atom(site, base_url, &self.config.title, &Feed {
                    title: format!("{}: {}", self.config.title, city.name),
                    path: page.path.clone(),
                    page_path: city_path(&city.key),
                    ids: site.articles_in(id),
                }))
            }
            PageKind::Sitemap => Ok(feed::sitemap(site, base_url, self.pages)),
            PageKind::Robots => Ok(feed::robots(base_url)),
        }
    }

    fn html<T: Serialize>(&self, template: &str, page: PageMeta, body: T) -> Result<String, Diagnostic> {
        let context = PageContext { site: &self.site_view, page, body };
        self.theme.render(template, &context)
    }

    fn meta(&self, page: &Page, kind: &'static str, title: String, description: String) -> PageMeta {
        PageMeta {
            kind,
            title,
            description,
            url: self.config.base_url.join(&page.path),
            number: page.number,
            prev_url: None,
            next_url: None,
        }
    }

    /// A page of a paginated list: only this page's cards are built.
    #[allow(clippy::too_many_arguments)]
    fn list<T: Serialize>(&self, page: &Page, template: &str, kind: &'static str, title: String, description: String, ids: &[ArticleId], extra: T) -> Result<String, Diagnostic> {
        let per_page = self.config.paginate_by.get();
        let total = page_count(ids.len(), self.config.paginate_by);
        let base = base_path(&page.path, page.number);
        let url = |number: usize| self.config.base_url.join(&pager_path(base, number));
        let pagination = Pagination {
            current: page.number,
            total,
            prev_url: (page.number > 1).then(|| url(page.number - 1)),
            next_url: (page.number < total).then(|| url(page.number + 1)),
        };
        let title = if page.number > 1 { format!("{title} (page {})", page.number) } else { title };
        let mut meta = self.meta(page, kind, title, description);
        meta.prev_url = pagination.prev_url.clone();
        meta.next_url = pagination.next_url.clone();
        let start = (page.number - 1) * per_page;
        let articles = ids
            .iter()
            .skip(start)
            .take(per_page)
            .map(|id| ArticleCard::new(self.site, &self.config.base_url, self.site.article(*id)))
            .collect();
        self.html(template, meta, ListBody { articles, pagination, extra })
    }

    fn article(&self, page: &Page, id: ArticleId) -> Result<String, Diagnostic> {
        let site = self.site;
        let base_url = &self.config.base_url;
        let article = site.article(id);
        let card = |id: ArticleId| ArticleCard::new(site, base_url, site.article(id));
        let body = ArticleBody {
            article: ArticleView::new(site, base_url, article),
            newer: site.newer(id).map(card),
            older: site.older(id).map(card),
            related: site.related(id, RELATED_COUNT).into_iter().map(card).collect(),
        };
        let description = if article.summary_text.is_empty() { self.config.description.clone() } else { article.summary_text.clone() };
        let meta = self.meta(page, "article", article.title.clone(), description);
        self.html("article.html", meta, body)
    }

    fn cities(&self, page: &Page) -> Result<String, Diagnostic> {
        let site = self.site;
        let mut provinces: Vec<Province> = Vec::new();
        let mut cities: Vec<_> = site.cities().iter().collect();
        cities.sort_by(|(_, a), (_, b)| (&a.province, &a.name, &a.key).cmp(&(&b.province, &b.name, &b.key)));
        for (id, city) in cities {
            if provinces.last().is_none_or(|p| p.name != city.province) {
                provinces.push(Province { name: &city.province, cities: Vec::new() });
            }
            let count = CityCount { city: CityLink::new(site, &self.config.base_url, id), count: site.articles_in(id).len() };
            provinces.last_mut().expect("pushed above").cities.push(count);
        }
        let meta = self.meta(page, "cities", "Cities".into(), format!("Every city covered by {}, by province.", self.config.title));
        self.html("cities.html", meta, CitiesBody { provinces })
    }

    fn archive(&self, page: &Page) -> Result<String, Diagnostic> {
        let years = (0..self.site.archive().len()).map(|y| self.year_link(y)).collect();
        let meta = self.meta(page, "archive", "Archive".into(), format!("Every month of {}.", self.config.title));
        self.html("archive.html", meta, ArchiveBody { years })
    }

    fn topics(&self, page: &Page) -> Result<String, Diagnostic> {
        let topics = self
            .site
            .topics()
            .iter()
            .map(|t| TopicCount { name: &t.name, url: self.config.base_url.join(&topic_path(&t.slug)), count: t.articles.len() })
            .collect();
        let meta = self.meta(page, "topics", "Topics".into(), format!("Every topic of {}.", self.config.title));
        self.html("topics.html", meta, TopicsBody { topics })
    }

    fn year_link(&self, y: usize) -> YearLink {
        let year = &self.site.archive()[y];
        YearLink {
            year: year.year,
            url: self.config.base_url.join(&year_path(year.year)),
            count: year.articles.len(),
            months: (0..year.months.len()).map(|m| self.month_link(y, m)).collect(),
        }
    }

    fn month_link(&self, y: usize, m: usize) -> MonthLink {
        let month = &self.site.archive()[y].months[m];
        MonthLink {
            year: month.month.year,
            month: month.month.month,
            name: month.month.name(),
            url: self.config.base_url.join(&month_path(month.month.year, month.month.month)),
            count: month.articles.len(),
        }
    }
}

/// The path of page 1 of the list that `path` (page `number`) belongs to.
fn base_path(path: &str, number: usize) -> &str {
    if number <= 1 {
        path
    } else {
        path.strip_suffix(&format!("page/{number}/")).unwrap_or(path)
    }
}

#[derive(Serialize)]
struct ArticleBody<'a> {
    article: ArticleView<'a>,
    newer: Option<ArticleCard<'a>>,
    older: Option<ArticleCard<'a>>,
    related: Vec<ArticleCard<'a>>,
}

#[derive(Serialize)]
struct CitiesBody<'a> {
    provinces: Vec<Province<'a>>,
}

#[derive(Serialize)]
struct CityExtra<'a> {
    city: CityLink<'a>,
    count: usize,
    feed_url: String,
    partners: Vec<CityCount<'a>>,
}

#[derive(Serialize)]
struct ArchiveBody {
    years: Vec<YearLink>,
}

#[derive(Serialize)]
struct YearExtra {
    year: YearLink,
}

#[derive(Serialize)]
struct MonthExtra {
    month: MonthLink,
    year_url: String,
}

#[derive(Serialize)]
struct TopicsBody<'a> {
    topics: Vec<TopicCount<'a>>,
}

#[derive(Serialize)]
struct TopicExtra<'a> {
    topic: TopicCount<'a>,
}
