//! The partnerships page: every pair of cities that share an article, most
//! active first, under a map of the whole network.

use std::hash::Hash;

use serde::Serialize;

use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::{paths, CityId};
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::Renderer;
use crate::render::views::PairView;
use crate::render::FileKind;

const TEMPLATE: &str = "partnerships.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partnerships;

#[derive(Serialize)]
struct PartnershipsBody<'a> {
    pairs: Vec<PairView<'a>>,
    /// Inline SVG; `None` when the site turns maps off.
    map_svg: Option<String>,
    map_caption: Option<&'a str>,
}

impl Kind for Partnerships {
    fn plan(planner: &mut Planner<'_>) {
        if !planner.site().partnerships().is_empty() {
            planner.single(Partnerships, paths::PARTNERSHIPS);
        }
    }

    fn about(self) -> About {
        About {
            name: "partnerships",
            template: Some(TEMPLATE),
            file_kind: FileKind::List,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let site = renderer.site();
        let by_activity = site.pairs_by_activity();
        let mut cities: Vec<CityId> = site
            .partnerships()
            .iter()
            .flat_map(|(_, pair)| pair.cities)
            .collect();
        cities.sort_unstable();
        cities.dedup();
        let body = PartnershipsBody {
            map_svg: renderer.map(&cities, &by_activity, None),
            map_caption: renderer.map_caption(),
            pairs: by_activity.iter().map(|&id| renderer.pair(id)).collect(),
        };
        let i18n = renderer.i18n();
        let description = i18n.format("every_pair", &[("site", &renderer.title())]);
        let meta = renderer.meta(page, i18n.get("partnerships").into(), description);
        renderer.html(TEMPLATE, meta, body)
    }

    /// Which articles exist, with their dates and cities, say everything
    /// the list and the map show; notes and coordinates are config.
    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        fingerprinter.shape().hash(hasher);
    }
}
