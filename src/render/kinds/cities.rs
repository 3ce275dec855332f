//! The cities page: every declared city, by province, with its article count.

use std::hash::Hash;

use serde::Serialize;

use super::{About, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::paths;
use crate::render::fingerprint::{Fingerprinter, PageHasher};
use crate::render::plan::{Page, Planner};
use crate::render::renderer::Renderer;
use crate::render::views::{CityCount, Province};
use crate::render::FileKind;

const TEMPLATE: &str = "cities.html";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cities;

#[derive(Serialize)]
struct CitiesBody<'a> {
    provinces: Vec<Province<'a>>,
}

impl Kind for Cities {
    fn plan(planner: &mut Planner<'_>) {
        planner.single(Cities, paths::CITIES);
    }

    fn about(self) -> About {
        About {
            name: "cities",
            template: Some(TEMPLATE),
            file_kind: FileKind::List,
        }
    }

    fn render(self, page: &Page, renderer: &Renderer<'_>) -> Result<String, Diagnostic> {
        let site = renderer.site();
        let mut cities: Vec<_> = site.cities().iter().collect();
        cities.sort_by(|(_, a), (_, b)| {
            (&a.province, &a.name, &a.key).cmp(&(&b.province, &b.name, &b.key))
        });
        let mut provinces: Vec<Province> = Vec::new();
        for (id, city) in cities {
            let count = CityCount {
                city: renderer.city_link(id),
                count: site.articles_in(id).len(),
            };
            match provinces.last_mut() {
                Some(province) if province.name == city.province => province.cities.push(count),
                _ => provinces.push(Province {
                    name: &city.province,
                    cities: vec![count],
                }),
            }
        }
        let description = renderer.i18n().format("every_city", &[("site", &renderer.title())]);
        let meta = renderer.meta(page, renderer.i18n().get("cities").into(), description);
        renderer.html(TEMPLATE, meta, CitiesBody { provinces })
    }

    fn fingerprint(self, _: &Page, fingerprinter: &Fingerprinter<'_>, hasher: &mut PageHasher) {
        fingerprinter.shape().hash(hasher);
    }
}
