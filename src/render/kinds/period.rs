//! A year's or a month's page: the articles of that period, newest first.
//! Years and months are one kind so that the plan lists each year's pages
//! followed by its months'.

use std::hash::Hash;

use serde::Serialize;

use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::{paths, MonthId, YearId};
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::{Listing, Renderer};
use crate::render::views::{MonthLink, YearLink};
use crate::render::FileKind;

const YEAR_TEMPLATE: &str = "year.html";
const MONTH_TEMPLATE: &str = "month.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Year(YearId),
    Month(MonthId),
}

#[derive(Serialize)]
struct YearExtra {
    year: YearLink,
}

#[derive(Serialize)]
struct MonthExtra {
    month: MonthLink,
    year_url: String,
    /// `2020`, `2020年`.
    year_title: String,
    /// The nearest months with articles, in any year.
    newer: Option<MonthLink>,
    older: Option<MonthLink>,
}

impl Kind for Period {
    fn plan(planner: &mut Planner<'_>) {
        let site = planner.site();
        for (y, year) in site.years() {
            planner.list(Period::Year(y), paths::year(year.year), year.articles.len());
            for (m, month) in site.months(y) {
                let base = paths::month(month.month.year, month.month.month);
                planner.list(Period::Month(m), base, month.articles.len());
            }
        }
    }

    fn about(self) -> About {
        let (name, template) = match self {
            Period::Year(_) => ("year", YEAR_TEMPLATE),
            Period::Month(_) => ("month", MONTH_TEMPLATE),
        };
        About {
            name,
            template: Some(template),
            file_kind: FileKind::List,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        match self {
            Period::Year(id) => {
                let year = renderer.site().year(id);
                let i18n = renderer.i18n();
                let title = i18n.year_title(year.year);
                let listing = Listing {
                    description: i18n.format("news_from", &[("name", &title)]),
                    title,
                    ids: &year.articles,
                    extra: YearExtra {
                        year: year_link(renderer, id),
                    },
                };
                renderer.list(YEAR_TEMPLATE, page, listing)
            }
            Period::Month(id) => {
                let month = renderer.site().month(id);
                let link = month_link(renderer, id);
                let (newer, older) = renderer.site().month_neighbours(id);
                let title = link.title.clone();
                let listing = Listing {
                    description: renderer.i18n()
                        .format("news_from", &[("name", &title)]),
                    title,
                    ids: &month.articles,
                    extra: MonthExtra {
                        month: link,
                        year_url: renderer.url(&paths::year(month.month.year)),
                        year_title: renderer.i18n().year_title(month.month.year),
                        newer: newer.map(|m| month_link(renderer, m)),
                        older: older.map(|m| month_link(renderer, m)),
                    },
                };
                renderer.list(MONTH_TEMPLATE, page, listing)
            }
        }
    }

    fn fingerprint(self, page: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        let site = fingerprinter.site();
        match self {
            Period::Year(id) => {
                fingerprinter
                    .on_page(page, &site.year(id).articles)
                    .hash(hasher);
                for (_, month) in site.months(id) {
                    (month.month, month.articles.len()).hash(hasher);
                }
            }
            Period::Month(id) => {
                fingerprinter
                    .on_page(page, &site.month(id).articles)
                    .hash(hasher);
                let (newer, older) = site.month_neighbours(id);
                for neighbour in [newer, older].into_iter().flatten() {
                    let month = site.month(neighbour);
                    (month.month, month.articles.len()).hash(hasher);
                }
            }
        }
    }
}

/// A year with its months, as the archive and the year's page show it.
pub(super) fn year_link(renderer: &Renderer<'_>, id: YearId) -> YearLink {
    let site = renderer.site();
    let year = site.year(id);
    let i18n = renderer.i18n();
    YearLink {
        year: year.year,
        title: i18n.year_title(year.year),
        url: renderer.url(&paths::year(year.year)),
        count: year.articles.len(),
        count_text: i18n.articles(year.articles.len()),
        months: site.months(id).map(|(m, _)| month_link(renderer, m)).collect(),
    }
}

fn month_link(renderer: &Renderer<'_>, id: MonthId) -> MonthLink {
    let month = renderer.site().month(id);
    let (year, number) = (month.month.year, month.month.month);
    let i18n = renderer.i18n();
    MonthLink {
        year,
        month: number,
        name: i18n.month_name(number).to_string(),
        title: i18n.month_title(year, number),
        url: renderer.url(&paths::month(year, number)),
        count: month.articles.len(),
    }
}
