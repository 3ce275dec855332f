//! One planned page into its bytes: the template context for HTML pages,
//! the feed writer for feeds.

use serde::Serialize;

use super::feed::{self, Feed};
use super::plan::{page_count, pager_path, Page, PageKind};
use super::theme::Theme;
use super::views::*;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::{ArticleId, CityId, Site};

/// How many articles from the same cities an article page suggests.
pub const RELATED_COUNT: usize = 5;

/// Everything rendering needs, shared by all pages.
pub struct Renderer<'a> {
    site: &'a Site,
    config: &'a Config,
    theme: &'a Theme,
    site_view: SiteView<'a>,
    pages: &'a [Page],
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

/// A paginated list of articles, before it is cut into pages.
struct Listing<'i, T> {
    title: String,
    description: String,
    ids: &'i [ArticleId],
    /// Fields the template receives besides `articles` and `pagination`.
    extra: T,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, config: &'a Config, theme: &'a Theme, pages: &'a [Page]) -> Self {
        Renderer {
            site,
            config,
            theme,
            site_view: SiteView::new(config, site),
            pages,
        }
    }

    pub fn render(&self, page: &Page) -> Result<String, Diagnostic> {
        let base_url = &self.config.base_url;
        match page.kind {
            PageKind::Home => self.list(page, self.home()),
            PageKind::City(id) => self.list(page, self.city(id)),
            PageKind::Year(y) => self.list(page, self.year(y)),
            PageKind::Month(y, m) => self.list(page, self.month(y, m)),
            PageKind::Topic(t) => self.list(page, self.topic(t)),
            PageKind::Article(id) => self.article(page, id),
            PageKind::Cities => self.cities(page),
            PageKind::Archive => self.archive(page),
            PageKind::Topics => self.topics(page),
            PageKind::NotFound => {
                let description = self.config.description.clone();
                let meta = self.meta(page, "Page not found".into(), description);
                self.html(page, meta, Empty {})
            }
            PageKind::SiteFeed => Ok(self.feed(
                page,
                self.config.title.clone(),
                String::new(),
                self.site.all(),
            )),
            PageKind::CityFeed(id) => {
                let city = self.site.cities().get(id);
                let title = format!("{}: {}", self.config.title, city.name);
                Ok(self.feed(page, title, city.path(), self.site.articles_in(id)))
            }
            PageKind::Sitemap => Ok(feed::sitemap(self.site, base_url, self.pages)),
            PageKind::Robots => Ok(feed::robots(base_url)),
        }
    }

    fn html<T: Serialize>(
        &self,
        page: &Page,
        meta: PageMeta,
        body: T,
    ) -> Result<String, Diagnostic> {
        let context = PageContext {
            site: &self.site_view,
            page: meta,
            body,
        };
        self.theme
            .render(page.kind.template().unwrap_or("404.html"), &context)
    }

    fn meta(&self, page: &Page, title: String, description: String) -> PageMeta {
        PageMeta {
            kind: page.kind.name(),
            title,
            description,
            url: self.config.base_url.join(&page.path),
            number: page.number,
            prev_url: None,
            next_url: None,
        }
    }

    fn feed(&self, page: &Page, title: String, page_path: String, ids: &[ArticleId]) -> String {
        let feed = Feed {
            title,
            path: page.path.clone(),
            page_path,
            ids,
        };
        feed::atom(self.site, &self.config.base_url, &self.config.title, &feed)
    }

    fn home(&self) -> Listing<'a, Empty> {
        Listing {
            title: self.config.title.clone(),
            description: self.config.description.clone(),
            ids: self.site.all(),
            extra: Empty {},
        }
    }

    fn city(&self, id: CityId) -> Listing<'a, CityExtra<'a>> {
        let (site, base_url) = (self.site, &self.config.base_url);
        let city = CityLink::new(site, base_url, id);
        let partners = site
            .partners_of(id)
            .iter()
            .map(|p| CityCount {
                city: CityLink::new(site, base_url, p.city),
                count: p.shared,
            })
            .collect();
        Listing {
            title: city.name.to_string(),
            description: format!("Cooperation news about {}, {}.", city.name, city.province),
            ids: site.articles_in(id),
            extra: CityExtra {
                feed_url: base_url.join(&site.cities().get(id).feed_path()),
                count: site.articles_in(id).len(),
                city,
                partners,
            },
        }
    }

    fn year(&self, y: usize) -> Listing<'a, YearExtra> {
        let year = &self.site.archive()[y];
        Listing {
            title: year.year.to_string(),
            description: format!("Cooperation news from {}.", year.year),
            ids: &year.articles,
            extra: YearExtra {
                year: self.year_link(y),
            },
        }
    }

    fn month(&self, y: usize, m: usize) -> Listing<'a, MonthExtra> {
        let month = &self.site.archive()[y].months[m];
        let link = self.month_link(y, m);
        let title = format!("{} {}", link.name, link.year);
        Listing {
            description: format!("Cooperation news from {title}."),
            title,
            ids: &month.articles,
            extra: MonthExtra {
                month: link,
                year_url: self.config.base_url.join(&year_path(month.month.year)),
            },
        }
    }

    fn topic(&self, t: usize) -> Listing<'a, TopicExtra<'a>> {
        let topic = &self.site.topics()[t];
        Listing {
            title: topic.name.clone(),
            description: format!("Cooperation news about {}.", topic.name),
            ids: &topic.articles,
            extra: TopicExtra {
                topic: TopicCount {
                    name: &topic.name,
                    url: self.config.base_url.join(&topic_path(&topic.slug)),
                    count: topic.articles.len(),
                },
            },
        }
    }

    /// One page of a listing: only this page's cards are built.
    fn list<T: Serialize>(
        &self,
        page: &Page,
        listing: Listing<'_, T>,
    ) -> Result<String, Diagnostic> {
        let per_page = self.config.paginate_by.get();
        let total = page_count(listing.ids.len(), self.config.paginate_by);
        let base = base_path(&page.path, page.number);
        let url = |number: usize| self.config.base_url.join(&pager_path(base, number));
        let pagination = Pagination {
            current: page.number,
            total,
            prev_url: (page.number > 1).then(|| url(page.number - 1)),
            next_url: (page.number < total).then(|| url(page.number + 1)),
        };
        let title = match page.number {
            1 => listing.title,
            n => format!("{} (page {n})", listing.title),
        };
        let mut meta = self.meta(page, title, listing.description);
        meta.prev_url = pagination.prev_url.clone();
        meta.next_url = pagination.next_url.clone();
        let articles = listing
            .ids
            .iter()
            .skip((page.number - 1) * per_page)
            .take(per_page)
            .map(|id| ArticleCard::new(self.site, &self.config.base_url, self.site.article(*id)))
            .collect();
        let body = ListBody {
            articles,
            pagination,
            extra: listing.extra,
        };
        self.html(page, meta, body)
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
            related: site
                .related(id, RELATED_COUNT)
                .into_iter()
                .map(card)
                .collect(),
        };
        let description = if article.summary_text.is_empty() {
            self.config.description.clone()
        } else {
            article.summary_text.clone()
        };
        let meta = self.meta(page, article.title.clone(), description);
        self.html(page, meta, body)
    }

    fn cities(&self, page: &Page) -> Result<String, Diagnostic> {
        let site = self.site;
        let mut provinces: Vec<Province> = Vec::new();
        let mut cities: Vec<_> = site.cities().iter().collect();
        cities.sort_by(|(_, a), (_, b)| {
            (&a.province, &a.name, &a.key).cmp(&(&b.province, &b.name, &b.key))
        });
        for (id, city) in cities {
            if provinces.last().is_none_or(|p| p.name != city.province) {
                provinces.push(Province {
                    name: &city.province,
                    cities: Vec::new(),
                });
            }
            let count = CityCount {
                city: CityLink::new(site, &self.config.base_url, id),
                count: site.articles_in(id).len(),
            };
            provinces
                .last_mut()
                .expect("pushed above")
                .cities
                .push(count);
        }
        let meta = self.meta(
            page,
            "Cities".into(),
            format!("Every city covered by {}, by province.", self.config.title),
        );
        self.html(page, meta, CitiesBody { provinces })
    }

    fn archive(&self, page: &Page) -> Result<String, Diagnostic> {
        let years = (0..self.site.archive().len())
            .map(|y| self.year_link(y))
            .collect();
        let meta = self.meta(
            page,
            "Archive".into(),
            format!("Every month of {}.", self.config.title),
        );
        self.html(page, meta, ArchiveBody { years })
    }

    fn topics(&self, page: &Page) -> Result<String, Diagnostic> {
        let topics = self
            .site
            .topics()
            .iter()
            .map(|t| TopicCount {
                name: &t.name,
                url: self.config.base_url.join(&topic_path(&t.slug)),
                count: t.articles.len(),
            })
            .collect();
        let meta = self.meta(
            page,
            "Topics".into(),
            format!("Every topic of {}.", self.config.title),
        );
        self.html(page, meta, TopicsBody { topics })
    }

    fn year_link(&self, y: usize) -> YearLink {
        let year = &self.site.archive()[y];
        YearLink {
            year: year.year,
            url: self.config.base_url.join(&year_path(year.year)),
            count: year.articles.len(),
            months: (0..year.months.len())
                .map(|m| self.month_link(y, m))
                .collect(),
        }
    }

    fn month_link(&self, y: usize, m: usize) -> MonthLink {
        let month = &self.site.archive()[y].months[m];
        MonthLink {
            year: month.month.year,
            month: month.month.month,
            name: month.month.name(),
            url: self
                .config
                .base_url
                .join(&month_path(month.month.year, month.month.month)),
            count: month.articles.len(),
        }
    }
}

/// The path of page 1 of the list that `path` (page `number`) belongs to.
fn base_path(path: &str, number: usize) -> &str {
    if number <= 1 {
        path
    } else {
        path.strip_suffix(&format!("page/{number}/"))
            .unwrap_or(path)
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
