//! The page plan: every page of the site, decided before anything is
//! rendered, with the slice of its list that a paginated page shows.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::ops::Range;

pub use super::kinds::PageKind;
use crate::model::{paths, EditionId, Editions, Site};

/// One page of the site, not yet rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub kind: PageKind,
    /// The edition, whose site the ids in `kind` are of.
    pub edition: EditionId,
    /// The site path from the root of all editions: `news/x/`,
    /// `en/cities/xuzhou/page/2/`, `atom.xml`; empty for the home page.
    pub path: String,
    /// Which part of its list the page shows; `None` for a page that is no list.
    pub list: Option<Pager>,
    /// In a site of several languages, where this page is in each: empty
    /// for a site of one language and for files that are no HTML page.
    pub languages: Vec<InLanguage>,
}

/// A page's place in one edition: itself, or its counterpart in another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InLanguage {
    pub edition: EditionId,
    /// The site path of the same page in that language, or, where that
    /// edition has none, of the nearest page above it that it has: the
    /// first page of a list for its page 3, the archive for a month, at
    /// worst the home page.
    pub path: String,
    /// Whether `path` is the same page, in that language.
    pub same: bool,
}

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// The path of the list's first page, within its edition.
    pub base: String,
    /// From 1.
    pub number: usize,
    pub total: usize,
    /// The positions in the list of the items this page shows.
    pub items: Range<usize>,
}

/// The pager of a page that is no list: one page that shows everything.
static WHOLE: Pager = Pager {
    base: String::new(),
    number: 1,
    total: 1,
    items: 0..usize::MAX,
};

impl Pager {
    /// The items of `list` that this page shows.
    pub fn on_page<'l, T>(&self, list: &'l [T]) -> &'l [T] {
        let end = self.items.end.min(list.len());
        &list[self.items.start.min(end)..end]
    }
}

impl Page {
    /// Which slice of its list the page shows; everything, for a page that is no list.
    pub fn pager(&self) -> &Pager {
        self.list.as_ref().unwrap_or(&WHOLE)
    }

    /// Which page of a paginated list this is, from 1; 1 for everything else.
    pub fn number(&self) -> usize {
        self.pager().number
    }

    /// Where the page is written, relative to the output folder.
    pub fn output_file(&self) -> String {
        paths::output_file(&self.path)
    }
}

/// Every page of every edition, each with its counterparts in the others;
/// a search page in each when `search`.
pub fn plan(editions: &Editions, per_page: NonZeroUsize, search: bool) -> Vec<Page> {
    let mut pages = Vec::new();
    for (edition, site) in editions.iter() {
        let mut planner = Planner {
            site,
            edition,
            per_page,
            search,
            pages: Vec::new(),
        };
        super::kinds::plan(&mut planner);
        pages.extend(planner.pages);
    }
    if editions.len() > 1 {
        link_languages(editions, &mut pages);
    }
    pages
}

/// Fills in each HTML page's place in every edition.
fn link_languages(editions: &Editions, pages: &mut [Page]) {
    let planned: HashSet<String> = pages.iter().map(|page| page.path.clone()).collect();
    for page in pages
        .iter_mut()
        .filter(|p| p.kind.about().template.is_some())
    {
        page.languages = editions
            .iter()
            .map(|(edition, site)| in_language(editions, page, edition, site, &planned))
            .collect();
    }
}

fn in_language(
    editions: &Editions,
    page: &Page,
    edition: EditionId,
    site: &Site,
    planned: &HashSet<String>,
) -> InLanguage {
    let prefix = site.prefix();
    let own_prefix = editions.get(page.edition).prefix();
    let same = if edition == page.edition {
        Some(page.path.clone())
    } else if let PageKind::Article(article) = page.kind {
        editions
            .translation(page.edition, article.0, edition)
            .map(|id| format!("{prefix}{}", site.article(id).path()))
    } else {
        let path = format!("{prefix}{}", &page.path[own_prefix.len()..]);
        planned.contains(&path).then_some(path)
    };
    let nearest = || {
        let mut path = &page.path[own_prefix.len()..];
        loop {
            path = parent(path);
            let candidate = format!("{prefix}{path}");
            if path.is_empty() || planned.contains(&candidate) {
                return candidate;
            }
        }
    };
    InLanguage {
        edition,
        same: same.is_some(),
        path: same.unwrap_or_else(nearest),
    }
}

/// The folder above `path`: `archive/2021/` for `archive/2021/03/`, and
/// the home page (empty) above everything.
fn parent(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    trimmed.rfind('/').map_or("", |slash| &path[..=slash])
}

/// Collects the pages each kind plans, for one edition.
pub struct Planner<'s> {
    site: &'s Site,
    edition: EditionId,
    per_page: NonZeroUsize,
    search: bool,
    pages: Vec<Page>,
}

impl<'s> Planner<'s> {
    pub fn site(&self) -> &'s Site {
        self.site
    }

    /// Whether the site has search.
    pub fn has_search(&self) -> bool {
        self.search
    }

    /// Whether the pages planned are the default language's, at the root:
    /// the files of the whole site (the sitemap) are planned there only.
    pub fn is_default_edition(&self) -> bool {
        self.edition == EditionId::DEFAULT
    }

    /// Plans a page that is no list, at `path` within the edition.
    pub fn single(&mut self, kind: impl Into<PageKind>, path: impl AsRef<str>) {
        self.pages.push(Page {
            kind: kind.into(),
            edition: self.edition,
            path: format!("{}{}", self.site.prefix(), path.as_ref()),
            list: None,
            languages: Vec::new(),
        });
    }

    /// Plans every page of a list of `count` items whose first page is at
    /// `base`; an empty list still has its first page.
    pub fn list(&mut self, kind: impl Into<PageKind>, base: String, count: usize) {
        let kind = kind.into();
        let per_page = self.per_page.get();
        let total = count.div_ceil(per_page).max(1);
        for number in 1..=total {
            let start = (number - 1) * per_page;
            self.pages.push(Page {
                kind,
                edition: self.edition,
                path: format!("{}{}", self.site.prefix(), paths::pager(&base, number)),
                languages: Vec::new(),
                list: Some(Pager {
                    base: base.clone(),
                    number,
                    total,
                    items: start..(start + per_page).min(count),
                }),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parent;

    #[test]
    fn parents_climb_to_the_home_page() {
        assert_eq!(parent("archive/2021/03/"), "archive/2021/");
        assert_eq!(parent("cities/wuxi/page/3/"), "cities/wuxi/page/");
        assert_eq!(parent("news/"), "");
        assert_eq!(parent("404.html"), "");
        assert_eq!(parent(""), "");
    }
}
