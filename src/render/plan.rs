//! The page plan: every file the site consists of, decided before anything is rendered.

use std::num::NonZeroUsize;

use super::views::{month_path, topic_path, year_path};
use crate::model::{ArticleId, CityId, Site};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    Article(ArticleId),
    Cities,
    City(CityId),
    Archive,
    /// Index into `Site::archive()`.
    Year(usize),
    /// Indexes into `Site::archive()` and that year's months.
    Month(usize, usize),
    Topics,
    /// Index into `Site::topics()`.
    Topic(usize),
    NotFound,
    SiteFeed,
    CityFeed(CityId),
    Sitemap,
    Robots,
}

impl PageKind {
    /// The template an HTML page is rendered with; `None` for the files
    /// Concord writes itself.
    pub fn template(self) -> Option<&'static str> {
        Some(match self {
            PageKind::Home => "index.html",
            PageKind::Article(_) => "article.html",
            PageKind::Cities => "cities.html",
            PageKind::City(_) => "city.html",
            PageKind::Archive => "archive.html",
            PageKind::Year(_) => "year.html",
            PageKind::Month(..) => "month.html",
            PageKind::Topics => "topics.html",
            PageKind::Topic(_) => "topic.html",
            PageKind::NotFound => "404.html",
            PageKind::SiteFeed | PageKind::CityFeed(_) | PageKind::Sitemap | PageKind::Robots => {
                return None
            }
        })
    }

    /// What templates see as `page.kind`.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Article(_) => "article",
            PageKind::Cities => "cities",
            PageKind::City(_) => "city",
            PageKind::Archive => "archive",
            PageKind::Year(_) => "year",
            PageKind::Month(..) => "month",
            PageKind::Topics => "topics",
            PageKind::Topic(_) => "topic",
            PageKind::NotFound => "404",
            PageKind::SiteFeed | PageKind::CityFeed(_) => "feed",
            PageKind::Sitemap => "sitemap",
            PageKind::Robots => "robots",
        }
    }

    /// Whether the page is an HTML page a reader can reach (and so belongs in the sitemap).
    pub fn is_listed(self) -> bool {
        !matches!(
            self,
            PageKind::NotFound
                | PageKind::SiteFeed
                | PageKind::CityFeed(_)
                | PageKind::Sitemap
                | PageKind::Robots
        )
    }
}

/// One file of the site, not yet rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub kind: PageKind,
    /// The page of a paginated list, from 1; 1 for everything else.
    pub number: usize,
    /// The site path: `news/x/`, `cities/xuzhou/page/2/`, `atom.xml`; empty for the home page.
    pub path: String,
}

impl Page {
    fn new(kind: PageKind, path: String) -> Page {
        Page {
            kind,
            number: 1,
            path,
        }
    }

    /// Where the page is written, relative to the output folder.
    pub fn output_file(&self) -> String {
        if self.path.is_empty() || self.path.ends_with('/') {
            format!("{}index.html", self.path)
        } else {
            self.path.clone()
        }
    }
}

/// The path of page `number` of a list whose first page is at `base`.
pub fn pager_path(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// How many pages a list of `count` items takes; an empty list still has its first page.
pub fn page_count(count: usize, per_page: NonZeroUsize) -> usize {
    count.div_ceil(per_page.get()).max(1)
}

/// Every page of the site, in a stable order.
pub fn plan(site: &Site, per_page: NonZeroUsize) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut paginated = |kind: PageKind, base: String, count: usize| {
        for number in 1..=page_count(count, per_page) {
            pages.push(Page {
                kind,
                number,
                path: pager_path(&base, number),
            });
        }
    };
    paginated(PageKind::Home, String::new(), site.all().len());
    for (id, city) in site.cities().iter() {
        paginated(PageKind::City(id), city.path(), site.articles_in(id).len());
    }
    for (y, year) in site.archive().iter().enumerate() {
        paginated(PageKind::Year(y), year_path(year.year), year.articles.len());
        for (m, month) in year.months.iter().enumerate() {
            let base = month_path(month.month.year, month.month.month);
            paginated(PageKind::Month(y, m), base, month.articles.len());
        }
    }
    for (t, topic) in site.topics().iter().enumerate() {
        paginated(
            PageKind::Topic(t),
            topic_path(&topic.slug),
            topic.articles.len(),
        );
    }
    pages.extend(
        site.all()
            .iter()
            .map(|id| Page::new(PageKind::Article(*id), site.article(*id).path())),
    );
    pages.push(Page::new(PageKind::Cities, "cities/".into()));
    pages.push(Page::new(PageKind::Archive, "archive/".into()));
    if !site.topics().is_empty() {
        pages.push(Page::new(PageKind::Topics, "topics/".into()));
    }
    pages.push(Page::new(PageKind::NotFound, "404.html".into()));
    pages.push(Page::new(PageKind::SiteFeed, "atom.xml".into()));
    for (id, city) in site.cities().iter() {
        pages.push(Page::new(PageKind::CityFeed(id), city.feed_path()));
    }
    pages.push(Page::new(PageKind::Sitemap, "sitemap.xml".into()));
    pages.push(Page::new(PageKind::Robots, "robots.txt".into()));
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_paths() {
        assert_eq!(pager_path("", 1), "");
        assert_eq!(pager_path("", 2), "page/2/");
        assert_eq!(pager_path("cities/wuxi/", 3), "cities/wuxi/page/3/");
    }

    #[test]
    fn page_counts() {
        let ten = NonZeroUsize::new(10).unwrap();
        assert_eq!(page_count(0, ten), 1);
        assert_eq!(page_count(10, ten), 1);
        assert_eq!(page_count(11, ten), 2);
    }

    #[test]
    fn output_files() {
        let page = |path: &str| Page::new(PageKind::Home, path.into());
        assert_eq!(page("").output_file(), "index.html");
        assert_eq!(page("news/a/").output_file(), "news/a/index.html");
        assert_eq!(page("atom.xml").output_file(), "atom.xml");
    }
}
