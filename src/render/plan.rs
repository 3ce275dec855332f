//! The page plan: every page of the site, decided before anything is
//! rendered, with the slice of its list that a paginated page shows.

use std::num::NonZeroUsize;
use std::ops::Range;

pub use super::kinds::{plan, PageKind};
use crate::model::{paths, Site};

/// One page of the site, not yet rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub kind: PageKind,
    /// The site path: `news/x/`, `cities/xuzhou/page/2/`, `atom.xml`; empty for the home page.
    pub path: String,
    /// Which part of its list the page shows; `None` for a page that is no list.
    pub list: Option<Pager>,
}

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// The path of the list's first page.
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

/// Collects the pages each kind plans.
pub struct Planner<'s> {
    site: &'s Site,
    per_page: NonZeroUsize,
    pages: Vec<Page>,
}

impl<'s> Planner<'s> {
    pub(super) fn new(site: &'s Site, per_page: NonZeroUsize) -> Planner<'s> {
        Planner {
            site,
            per_page,
            pages: Vec::new(),
        }
    }

    pub fn site(&self) -> &'s Site {
        self.site
    }

    /// Plans a page that is no list.
    pub fn single(&mut self, kind: impl Into<PageKind>, path: impl Into<String>) {
        self.pages.push(Page {
            kind: kind.into(),
            path: path.into(),
            list: None,
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
                path: paths::pager(&base, number),
                list: Some(Pager {
                    base: base.clone(),
                    number,
                    total,
                    items: start..(start + per_page).min(count),
                }),
            });
        }
    }

    pub(super) fn finish(self) -> Vec<Page> {
        self.pages
    }
}
