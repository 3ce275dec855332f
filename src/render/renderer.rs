//! What rendering any page needs: the site, the config, the theme and the
//! plan, and the pieces that views of several kinds are made of.

use std::collections::BTreeMap;

use serde::Serialize;

use super::feed::{self, Feed};
use super::plan::Page;
use super::theme::Theme;
use super::views::{ArticleCard, CityLink, PageMeta, Pagination, SiteView};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::{paths, ArticleId, CityId, Site};

pub(crate) struct Renderer<'a> {
    site: &'a Site,
    config: &'a Config,
    theme: &'a Theme,
    site_view: SiteView<'a>,
    pages: &'a [Page],
}

/// A template's whole context: `site`, `page`, `i18n` and the fields of `body`.
#[derive(Serialize)]
struct PageContext<'a, T: Serialize> {
    site: &'a SiteView<'a>,
    page: PageMeta,
    /// Every word of the theme in the site's language: `i18n.newer`.
    i18n: &'a BTreeMap<String, String>,
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

/// A paginated list of articles, before its page's slice is taken.
pub(crate) struct Listing<'i, T> {
    pub title: String,
    pub description: String,
    pub ids: &'i [ArticleId],
    /// Fields the template receives besides `articles` and `pagination`.
    pub extra: T,
}

/// A page without fields of its own.
#[derive(Serialize)]
pub(crate) struct Empty {}

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

    pub fn site(&self) -> &'a Site {
        self.site
    }

    pub fn config(&self) -> &'a Config {
        self.config
    }

    /// The whole plan.
    pub fn pages(&self) -> &'a [Page] {
        self.pages
    }

    /// The absolute URL of a site path.
    pub fn url(&self, path: &str) -> String {
        self.config.base_url.join(path)
    }

    pub fn render(&self, page: &Page) -> Result<String, Diagnostic> {
        page.kind.render(page, self)
    }

    /// Renders `template` with `site`, `page` and the fields of `body`.
    pub fn html<T: Serialize>(
        &self,
        template: &str,
        meta: PageMeta,
        body: T,
    ) -> Result<String, Diagnostic> {
        let context = PageContext {
            site: &self.site_view,
            page: meta,
            i18n: self.config.i18n.strings(),
            body,
        };
        self.theme.render(template, &context)
    }

    pub fn meta(&self, page: &Page, title: String, description: String) -> PageMeta {
        PageMeta {
            lang: self.config.language.clone(),
            kind: page.kind.about().name,
            title,
            description,
            url: self.url(&page.path),
            number: page.number(),
            prev_url: None,
            next_url: None,
        }
    }

    /// One page of a listing: only the cards of the page's slice are built.
    pub fn list<T: Serialize>(
        &self,
        template: &str,
        page: &Page,
        listing: Listing<'_, T>,
    ) -> Result<String, Diagnostic> {
        let pager = page.pager();
        let url = |number: usize| self.url(&paths::pager(&pager.base, number));
        let i18n = &self.config.i18n;
        let pagination = Pagination {
            current: pager.number,
            total: pager.total,
            text: i18n.format("page_of", &[("n", &pager.number), ("total", &pager.total)]),
            prev_url: (pager.number > 1).then(|| url(pager.number - 1)),
            next_url: (pager.number < pager.total).then(|| url(pager.number + 1)),
        };
        let title = match pager.number {
            1 => listing.title,
            n => i18n.format("title_on_page", &[("title", &listing.title), ("n", &n)]),
        };
        let mut meta = self.meta(page, title, listing.description);
        meta.prev_url = pagination.prev_url.clone();
        meta.next_url = pagination.next_url.clone();
        let body = ListBody {
            articles: pager
                .on_page(listing.ids)
                .iter()
                .map(|id| self.card(*id))
                .collect(),
            pagination,
            extra: listing.extra,
        };
        self.html(template, meta, body)
    }

    pub fn card(&self, id: ArticleId) -> ArticleCard<'a> {
        ArticleCard::new(self.site, self.config, self.site.article(id))
    }

    pub fn city_link(&self, id: CityId) -> CityLink<'a> {
        CityLink::new(self.site, &self.config.base_url, id)
    }

    /// The Atom feed at `page` of the newest of `ids`, following the HTML page at `page_path`.
    pub fn feed(&self, page: &Page, title: String, page_path: String, ids: &[ArticleId]) -> String {
        let feed = Feed {
            title,
            path: page.path.clone(),
            page_path,
            ids,
        };
        feed::atom(self.site, &self.config.base_url, &self.config.title, &feed)
    }
}
