//! The home page: every article, newest first.

use std::hash::Hash;

use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::{Empty, Listing, Renderer};
use crate::render::FileKind;

const TEMPLATE: &str = "index.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Home;

impl Kind for Home {
    fn plan(planner: &mut Planner<'_>) {
        let count = planner.site().all().len();
        planner.list(Home, paths::HOME.to_string(), count);
    }

    fn about(self) -> About {
        About {
            name: "home",
            template: Some(TEMPLATE),
            file_kind: FileKind::List,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let listing = Listing {
            title: renderer.title().to_string(),
            description: renderer.description().to_string(),
            ids: renderer.site().all(),
            extra: Empty {},
        };
        renderer.list(TEMPLATE, page, listing)
    }

    fn fingerprint(self, page: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        fingerprinter
            .on_page(page, fingerprinter.site().all())
            .hash(hasher);
    }
}

