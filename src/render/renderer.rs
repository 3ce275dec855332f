//! What rendering any page of one edition needs: its site and language,
//! the config, the theme and the plan, and the pieces that views of
//! several kinds are made of.

use std::collections::BTreeMap;

use serde::Serialize;

use super::feed::{self, Content, Feed};
use super::map::{self, Backdrop, Dot, Line, Map};
use super::plan::Page;
use super::theme::Theme;
use super::views::{
    Alternate, ArticleCard, ArticleLine, CityLink, LanguageLink, PageMeta, Pagination, PairLink,
    PairView, Place, SiteView,
};
use crate::config::{BaseUrl, Config};
use crate::diagnostics::Diagnostic;
use crate::i18n::Translations;
use crate::model::{paths, ArticleId, CityId, EditionId, Editions, PairId, Site};

pub(crate) struct Renderer<'a> {
    editions: &'a Editions,
    site: &'a Site,
    config: &'a Config,
    place: Place<'a>,
    theme: &'a Theme,
    site_view: SiteView<'a>,
    /// Every page of every edition.
    pages: &'a [Page],
}

/// A template's whole context: `site`, `page`, `i18n` and the fields of `body`.
#[derive(Serialize)]
struct PageContext<'a, T: Serialize> {
    site: &'a SiteView<'a>,
    page: PageMeta<'a>,
    /// Every word of the theme in the page's edition's language: `i18n.newer`.
    i18n: &'a BTreeMap<String, String>,
    #[serde(flatten)]
    body: T,
}

#[derive(Serialize)]
struct ListBody<I: Serialize, T: Serialize> {
    articles: Vec<I>,
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
    pub fn new(
        editions: &'a Editions,
        edition: EditionId,
        config: &'a Config,
        theme: &'a Theme,
        pages: &'a [Page],
    ) -> Self {
        let site = editions.get(edition);
        let place = Place::new(config, edition);
        Renderer {
            editions,
            site,
            config,
            site_view: SiteView::new(config, site, &place),
            place,
            theme,
            pages,
        }
    }

    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// Every edition, for the files of the whole site.
    pub fn editions(&self) -> &'a Editions {
        self.editions
    }

    pub fn config(&self) -> &'a Config {
        self.config
    }

    /// The site's title in the edition's language.
    pub fn title(&self) -> &'a str {
        &self.place.language.title
    }

    pub fn description(&self) -> &'a str {
        &self.place.language.description
    }

    /// Every word of the theme in the edition's language.
    pub fn i18n(&self) -> &'a Translations {
        &self.place.language.i18n
    }

    /// The whole plan, of every edition.
    pub fn pages(&self) -> &'a [Page] {
        self.pages
    }

    /// The absolute URL of a path within the edition.
    pub fn url(&self, path: &str) -> String {
        self.place.home.join(path)
    }

    /// The absolute URL of a page of any edition.
    pub fn page_url(&self, page: &Page) -> String {
        self.root().join(&page.path)
    }

    fn root(&self) -> &'a BaseUrl {
        &self.config.base_url
    }

    /// Links to the page's other languages, for readers: each language
    /// named in itself, to the same page where there is one.
    pub fn language_links(&self, page: &Page) -> Vec<LanguageLink<'a>> {
        page.languages
            .iter()
            .map(|other| {
                let language = &self.config.languages[other.edition.index()];
                LanguageLink {
                    lang: &language.tag,
                    name: language.i18n.get("language_name"),
                    url: self.root().join(&other.path),
                    current: other.edition == page.edition,
                    same: other.same,
                }
            })
            .collect()
    }

    pub fn render(&self, page: &Page) -> Result<String, Diagnostic> {
        page.kind.render(page, self)
    }

    /// Renders `template` with `site`, `page` and the fields of `body`.
    pub fn html<T: Serialize>(
        &self,
        template: &str,
        meta: PageMeta<'a>,
        body: T,
    ) -> Result<String, Diagnostic> {
        let context = PageContext {
            site: &self.site_view,
            page: meta,
            i18n: self.i18n().strings(),
            body,
        };
        self.theme.render(template, &context)
    }

    pub fn meta(&self, page: &Page, title: String, description: String) -> PageMeta<'a> {
        let languages = self.language_links(page);
        PageMeta {
            lang: self.place.language.tag.clone(),
            kind: page.kind.about().name,
            title,
            description,
            url: self.page_url(page),
            number: page.number(),
            prev_url: None,
            next_url: None,
            hreflang_links: Alternate::links(&Alternate::of(&languages, self.config)),
            languages,
        }
    }

    /// One page of a listing: only the cards of the page's slice are built.
    pub fn list<T: Serialize>(
        &self,
        template: &str,
        page: &Page,
        listing: Listing<'_, T>,
    ) -> Result<String, Diagnostic> {
        self.list_of(template, page, listing, |id| self.card(id))
    }

    /// One page of a listing whose articles are shown as `item` makes them.
    pub fn list_of<T: Serialize, I: Serialize>(
        &self,
        template: &str,
        page: &Page,
        listing: Listing<'_, T>,
        item: impl Fn(ArticleId) -> I,
    ) -> Result<String, Diagnostic> {
        let pager = page.pager();
        let url = |number: usize| self.url(&paths::pager(&pager.base, number));
        let i18n = self.i18n();
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
                .map(|id| item(*id))
                .collect(),
            pagination,
            extra: listing.extra,
        };
        self.html(template, meta, body)
    }

    pub fn card(&self, id: ArticleId) -> ArticleCard<'a> {
        ArticleCard::new(self.site, &self.place, self.site.article(id))
    }

    /// An article as a line of a timeline: its date and title.
    pub fn line(&self, id: ArticleId) -> ArticleLine<'a> {
        let article = self.site.article(id);
        ArticleLine {
            title: &article.title,
            url: self.url(&article.path()),
            date: article.date.iso_date(),
            date_display: self.i18n().date(article.date.day()),
            draft: article.draft,
        }
    }

    /// How article pages and their cards see the edition.
    pub fn place(&self) -> &Place<'a> {
        &self.place
    }

    pub fn city_link(&self, id: CityId) -> CityLink<'a> {
        CityLink::new(self.site, &self.place.home, id)
    }

    /// The address of a pair's page.
    pub fn pair_url(&self, id: PairId) -> String {
        self.url(&self.site.pair_path(id))
    }

    /// `Wuxi and Xuzhou`, `无锡与徐州`.
    pub fn pair_title(&self, id: PairId) -> String {
        let [a, b] = self.site.partnerships().get(id).cities;
        let registry = self.site.cities();
        self.both(registry.display(a), registry.display(b))
    }

    fn both(&self, a: &str, b: &str) -> String {
        self.i18n().format("pair_title", &[("a", &a), ("b", &b)])
    }

    /// The view of a pair of partner cities.
    pub fn pair(&self, id: PairId) -> PairView<'a> {
        let pair = self.site.partnerships().get(id);
        let [a, b] = pair.cities.map(|city| self.city_link(city));
        let i18n = self.i18n();
        let note = self
            .config
            .partnership_notes
            .get(&self.site.pair_keys(id).join(paths::PAIR_JOIN));
        let since = note.and_then(|n| n.since);
        let date = |id: ArticleId| self.site.article(id).date;
        let (first, latest) = (date(pair.first()), date(pair.latest()));
        PairView {
            title: self.both(a.display, b.display),
            provinces: if a.province == b.province {
                a.province.to_string()
            } else {
                self.both(a.province, b.province)
            },
            url: self.pair_url(id),
            feed_url: self.url(&self.site.pair_feed_path(id)),
            count: pair.articles.len(),
            count_text: i18n.articles(pair.articles.len()),
            first: first.iso_date(),
            first_display: i18n.date(first.day()),
            latest: latest.iso_date(),
            latest_display: i18n.date(latest.day()),
            since,
            since_text: since.map(|year| i18n.format("partners_since", &[("year", &year)])),
            description: note.and_then(|n| n.description.as_deref()),
            a,
            b,
        }
    }

    /// The pairs among `cities`, as an article naming them links them.
    pub fn pair_links(&self, cities: &[CityId]) -> Vec<PairLink> {
        let pairs = self.site.partnerships();
        let mut links = Vec::new();
        for (i, &a) in cities.iter().enumerate() {
            for &b in &cities[i + 1..] {
                if let Some(id) = pairs.of(a, b) {
                    links.push(PairLink {
                        title: self.pair_title(id),
                        url: self.pair_url(id),
                    });
                }
            }
        }
        links
    }

    /// What is written under a map: its background's caption.
    pub fn map_caption(&self) -> Option<&'a str> {
        let background = self.config.map.background.as_ref()?;
        Some(background.caption.as_str()).filter(|caption| !caption.is_empty())
    }

    /// A map of `cities` and the `pairs` between them, unless the site turns
    /// maps off; a phone opens it on `focus`, or on the city with the most articles.
    pub fn map(
        &self,
        cities: &[CityId],
        pairs: &[PairId],
        focus: Option<CityId>,
    ) -> Option<String> {
        if !self.config.map.enabled || cities.is_empty() {
            return None;
        }
        let i18n = self.i18n();
        let registry = self.site.cities();
        let dots = cities
            .iter()
            .map(|&id| {
                let city = registry.get(id);
                let count = self.site.articles_in(id).len();
                let name = registry.display(id);
                Dot {
                    label: name,
                    title: i18n.format(
                        "name_count",
                        &[("name", &name), ("count", &i18n.articles(count))],
                    ),
                    url: self.url(&city.path()),
                    count,
                    position: city.position,
                }
            })
            .collect();
        let at = |city: CityId| cities.iter().position(|c| *c == city);
        let lines = pairs
            .iter()
            .filter_map(|&id| {
                let pair = self.site.partnerships().get(id);
                let count = i18n.articles(pair.articles.len());
                let title = self.pair_title(id);
                Some(Line {
                    from: at(pair.cities[0])?,
                    to: at(pair.cities[1])?,
                    shared: pair.articles.len(),
                    title: i18n.format("name_count", &[("name", &title), ("count", &count)]),
                    url: self.pair_url(id),
                })
            })
            .collect();
        let background = self.config.map.background.as_ref();
        let backdrop_url = background.map(|b| self.root().join(&b.path));
        let map = Map {
            label: i18n.get("map_label"),
            dots,
            focus: focus.and_then(at),
            lines,
            backdrop: background
                .zip(backdrop_url.as_deref())
                .map(|(b, url)| Backdrop {
                    url,
                    bounds: b.bounds,
                }),
        };
        Some(map::svg(&map))
    }

    /// The Atom feed at `page` of the newest of `ids`, following the HTML
    /// page at `page_path` within the edition.
    pub fn feed(
        &self,
        page: &Page,
        title: String,
        page_path: &str,
        ids: &[ArticleId],
        content: Content,
    ) -> String {
        let feed = Feed {
            title,
            self_url: self.page_url(page),
            page_url: self.url(page_path),
            lang: &self.place.language.tag,
            ids,
            content,
        };
        feed::atom(self.site, &self.place.home, self.title(), &feed)
    }
}
