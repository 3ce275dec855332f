//! Page kinds. Each kind is one module: which pages of it the site has
//! (`plan`), the view it is rendered from (`render`), and the fingerprint of
//! everything that view reads (`fingerprint`), side by side so that they
//! change together. Adding a kind is a module, its template, and a line in
//! the list at the end of this file.

use super::fingerprint::{Fingerprinter, PageHasher};
use super::plan::{Page, Planner};
use super::renderer::Renderer;
use super::FileKind;
use crate::diagnostics::Diagnostic;

/// What a kind of page is, for templates, the preview and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct About {
    /// What templates see as `page.kind`.
    pub name: &'static str,
    /// The template the page is rendered with; `None` for files Concord
    /// writes itself.
    pub template: Option<&'static str>,
    pub file_kind: FileKind,
}

/// What every feed is.
const FEED: About = About {
    name: "feed",
    template: None,
    file_kind: FileKind::Feed,
};

/// What every page kind provides.
pub(crate) trait Kind: Copy + Into<PageKind> {
    /// Adds every page of this kind to the plan.
    fn plan(planner: &mut Planner<'_>);

    fn about(self) -> About;

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic>;

    /// Feeds `hasher` everything `render` reads besides the page's path and
    /// number, the config and the templates, which the caller tracks. The
    /// preview re-renders a page only when this changes, so whatever
    /// `render` starts to read must be added here too; tests/preview.rs
    /// checks it against full builds after random edits.
    fn fingerprint(self, page: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher);
}

macro_rules! page_kinds {
    ($($variant:ident => $module:ident::$kind:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Which kind a page is, and which article, city, period or topic it is about.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum PageKind {
            $($variant($module::$kind)),*
        }

        $(impl From<$module::$kind> for PageKind {
            fn from(kind: $module::$kind) -> PageKind {
                PageKind::$variant(kind)
            }
        })*

        impl PageKind {
            pub fn about(self) -> About {
                match self {
                    $(PageKind::$variant(kind) => kind.about()),*
                }
            }

            pub(crate) fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
                match self {
                    $(PageKind::$variant(kind) => kind.render(page, renderer)),*
                }
            }

            pub(crate) fn fingerprint(self, page: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
                match self {
                    $(PageKind::$variant(kind) => kind.fingerprint(page, fingerprinter, hasher)),*
                }
            }
        }

        /// Every page of one edition: kind by kind in the order listed,
        /// each kind's pages in a stable order.
        pub(super) fn plan(planner: &mut Planner<'_>) {
            $(<$module::$kind as Kind>::plan(planner);)*
        }
    };
}

// The order is the order of the plan, and so of the sitemap.
page_kinds! {
    Home => home::Home,
    City => city::CityPage,
    Period => period::Period,
    Topic => topic::TopicPage,
    Partnership => partnership::PairPage,
    Article => article::ArticlePage,
    Cities => cities::Cities,
    Archive => archive::Archive,
    Topics => topics::Topics,
    Search => search::Search,
    Partnerships => partnerships::Partnerships,
    NotFound => not_found::NotFound,
    SiteFeed => site_feed::SiteFeed,
    CityFeed => city_feed::CityFeed,
    TopicFeed => topic_feed::TopicFeed,
    PartnershipFeed => partnership_feed::PairFeed,
    Sitemap => sitemap::Sitemap,
    Robots => robots::Robots,
}
